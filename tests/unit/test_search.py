"""Searching past incidents: where words match, what does not count, odd input, filters, order."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from warroom.clock import FixedClock
from warroom.core.models import EventKind, Severity, Status
from warroom.store.search import SearchHit, search_incidents
from warroom.store.search_syntax import (
    MAX_TERMS,
    Term,
    marked_segments,
    parse_bound,
    parse_search,
    query_terms,
)
from warroom.store.search_text import snippet
from warroom.store.store import Store

T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
FILLED = Path(__file__).parent.parent / "fixtures" / "filled"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "search.db", clock=FixedClock(T0)) as s:
        yield s


@pytest.fixture
def history(store: Store) -> Store:
    """#1 checkout (critical, INC-1 filled), #2 search (major, a note), #3 login (minor, a pin)."""
    one = store.create_incident(
        "Checkout 5xx", severity=Severity.CRITICAL, detected_at=T0 - timedelta(days=30), actor="a"
    )
    store.save_artifact(one.id, 1, (FILLED / "INC-1.md").read_text(), actor="a")
    two = store.create_incident(
        "Search latency", severity=Severity.MAJOR, detected_at=T0 - timedelta(days=10), actor="b"
    )
    note = "Redis connection pool exhausted on search-api"
    store.add_event(two.id, EventKind.NOTE, note, actor="b")
    three = store.create_incident(
        "Login errors", severity=Severity.MINOR, detected_at=T0 - timedelta(hours=2), actor="c"
    )
    store.pin_line(
        three.id,
        b"2026-11-27T12:01:00Z ERROR auth: token cache miss storm, falling back to LDAP",
        actor="c",
        logged_at=T0 - timedelta(hours=2),
        received_at=T0 - timedelta(hours=2),
        source="/var/log/auth.log",
        position=42,
        level="error",
    )
    store.update_incident(three.id, status=Status.RESOLVED)
    return store


def ids(hits: list[SearchHit]) -> list[int]:
    return [hit.incident.id for hit in hits]


# -- where it matches ------------------------------------------------------------


def test_a_title_match_says_title(history: Store) -> None:
    [hit] = search_incidents(history, "latency")
    assert hit.incident.id == 2
    assert hit.where == ["title"]
    assert hit.matches[0].snippet == "Search «latency»"


def test_an_artifact_match_names_the_artifact_and_version(history: Store) -> None:
    assert search_incidents(history, "deploy rollback") == []  # "Roll back" is two words
    [hit] = search_incidents(history, "v2.13.2")
    assert hit.incident.id == 1
    assert hit.where == ["INC-1 v2"]  # v1: the severity said when declaring
    assert hit.matches[0].snippet == "- Roll back checkout-api to «v2.13.2»"


def test_a_timeline_note_and_a_pinned_line_match(history: Store) -> None:
    [note] = search_incidents(history, "redis")
    assert (note.incident.id, note.where) == (2, ["timeline"])
    assert note.matches[0].snippet == "«Redis» connection pool exhausted on search-api"
    [pin] = search_incidents(history, "ldap")
    assert (pin.incident.id, pin.where) == (3, ["timeline"])
    assert "«LDAP»" in pin.matches[0].snippet


def test_every_place_an_incident_matched_is_listed_best_first(history: Store) -> None:
    [hit] = search_incidents(history, "checkout")
    assert hit.where == ["title", "INC-1 v2"]  # same number of words matched: title first
    # The whole line fits: no cut; Markdown bold is dropped.
    users = "- Users affected: all EU «checkout» users (about 40% of traffic)"
    assert hit.matches[1].snippet == users


def test_only_the_latest_artifact_version_counts(store: Store) -> None:
    incident = store.create_incident("Payments", actor="a").id
    store.save_artifact(incident, 1, "## Impact\nA memcached eviction storm.\n", actor="a")
    assert ids(search_incidents(store, "memcached")) == [incident]
    store.save_artifact(incident, 1, "## Impact\nA DNS TTL set to a week.\n", actor="a")
    assert search_incidents(store, "memcached") == []
    [hit] = search_incidents(store, "dns")
    assert hit.where == ["INC-1 v2"]


def test_words_the_template_brought_do_not_count(history: Store) -> None:
    # INC-1's heading "Triage Assessment", its section names and its labels.
    for words in ("triage", "assessment", "initial hypothesis", "affected", "immediate"):
        assert search_incidents(history, words) == [], words
    # The same words written by a person do count.
    history.save_artifact(1, 1, (FILLED / "INC-1.md").read_text() + "\nTriage took 2 min.\n",
                          actor="a")
    [hit] = search_incidents(history, "triage")
    assert hit.where == ["INC-1 v3"]
    assert hit.matches[0].snippet == "«Triage» took 2 min."


def test_system_events_and_removed_entries_are_not_searched(history: Store) -> None:
    # "Incident declared: Search latency" is a system event; "declared" is found nowhere else.
    assert search_incidents(history, "declared") == []
    event = history.add_event(1, EventKind.NOTE, "Paged the zookeeper owners", actor="a")
    assert ids(search_incidents(history, "zookeeper")) == [1]
    history.remove_event(event.id, actor="a")
    assert search_incidents(history, "zookeeper") == []


# -- query syntax ------------------------------------------------------------------


def test_words_match_as_prefixes(history: Store) -> None:
    assert ids(search_incidents(history, "conn pool")) == [2, 1]
    assert ids(search_incidents(history, "lat")) == [2]
    assert ids(search_incidents(history, "LDA")) == [3]  # any case


def test_a_word_half_typed_past_its_stem_still_matches(history: Store) -> None:
    # "connection" is indexed as "connect": every step of typing it finds the note.
    for typed in ("conne", "connect", "connecti", "connectio", "connection", "connections"):
        assert 2 in ids(search_incidents(history, typed)), typed


def test_stemming_matches_other_forms_of_a_word(history: Store) -> None:
    assert ids(search_incidents(history, "exhausted")) == [2, 1]  # exhausted, exhausts


def test_quotes_make_a_phrase(history: Store) -> None:
    assert ids(search_incidents(history, '"connection pool"')) == [2, 1]
    assert search_incidents(history, '"pool connection"') == []
    [hit] = search_incidents(history, '"redis connection pool"')
    assert hit.matches[0].snippet == "«Redis connection pool» exhausted on search-api"
    assert search_incidents(history, '"conn pool"') == []  # a phrase is exact, not a prefix


def test_words_are_anded_across_the_whole_record(history: Store) -> None:
    # "search" is in #2's title, "redis" in its timeline: both are #2.
    [hit] = search_incidents(history, "search redis")
    assert hit.incident.id == 2
    assert hit.where == ["timeline", "title"]  # the note holds both words
    assert search_incidents(history, "redis ldap") == []
    assert search_incidents(history, "checkout zzzz") == []


def test_a_hyphenated_word_is_a_phrase(history: Store) -> None:
    [hit] = search_incidents(history, "checkout-api")
    assert hit.incident.id == 1
    assert "«checkout-api»" in hit.matches[0].snippet
    assert ids(search_incidents(history, "search-api")) == [2]


@pytest.mark.parametrize(
    "query",
    [
        '"', '""', '"""', "-", "--", "(", ")", "()", "NEAR", "NEAR(a b)", "near/3", "*", "**",
        ":", "::", "a:b", "title:checkout", "^", "+", "{a b}", "[x]", "AND", "OR", "NOT",
        "a AND", "OR NOT pool", "'", "'; drop table incidents; --", "\\", "\x00", "\t\n",
        "日本語", "café", "🔥", "pool*", "-pool", '"pool', 'pool"', "x" * 5000,
        " ".join(["pool"] * 200),
    ],
)
def test_hostile_queries_never_raise(history: Store, query: str) -> None:
    hits = search_incidents(history, query)
    assert isinstance(hits, list)
    assert len(history.incidents()) == 3  # and nothing was written


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("pool*", [2, 1]),
        ("-pool", [2, 1]),  # not a NOT: a stressed person's stray dash
        ('"pool', [2, 1]),  # an unterminated quote runs to the end
        ("pool:", [2, 1]),
        ("(pool)", [2, 1]),
        ("AND pool", []),  # AND is a word like any other, and no record has it
        ("NEAR", []),
    ],
)
def test_odd_characters_are_text_not_syntax(
    history: Store, query: str, expected: list[int]
) -> None:
    assert ids(search_incidents(history, query)) == expected


def test_words_that_are_fts_operators_match_as_words(store: Store) -> None:
    incident = store.create_incident("Disk NEAR full AND NOT alerting", actor="a").id
    assert ids(search_incidents(store, "near")) == [incident]
    assert ids(search_incidents(store, "AND NOT")) == [incident]


def test_unicode_words_match(store: Store) -> None:
    incident = store.create_incident("Café crème: 日本語テキスト outage", actor="a").id
    assert ids(search_incidents(store, "cafe")) == [incident]  # diacritics folded
    assert ids(search_incidents(store, "CRÈME")) == [incident]
    assert ids(search_incidents(store, "日本")) == [incident]
    assert search_incidents(store, "🔥") == search_incidents(store, "")  # no words: a listing


def test_query_terms() -> None:
    assert query_terms('conn pool "exact phrase" checkout-api x') == [
        Term(("conn",), True),
        Term(("pool",), True),
        Term(("exact", "phrase"), False),
        Term(("checkout", "api"), True),
        Term(("x",), False),  # one letter: too short to be a prefix
    ]
    assert [t.fts() for t in query_terms('NEAR(a "b')] == ['"NEAR a"', '"b"']
    assert len(query_terms(" ".join(f"w{i}" for i in range(100)))) == MAX_TERMS
    assert query_terms('" - : * ( ) ^') == []


# -- filters -----------------------------------------------------------------------


def test_filters_without_words_list_newest_first(history: Store) -> None:
    assert ids(search_incidents(history)) == [3, 2, 1]
    assert ids(search_incidents(history, severity={Severity.CRITICAL})) == [1]
    assert ids(search_incidents(history, severity={Severity.MAJOR, Severity.MINOR})) == [3, 2]
    assert ids(search_incidents(history, status={Status.RESOLVED})) == [3]
    assert ids(search_incidents(history, status={Status.ONGOING})) == [2, 1]
    assert search_incidents(history)[0].matches == ()


def test_an_unassessed_incident_has_no_severity_to_match(history: Store) -> None:
    history.create_incident("Unassessed", actor="a")
    assert 4 not in ids(search_incidents(history, severity=set(Severity)))
    assert 4 in ids(search_incidents(history))


def test_date_filters_apply_to_detection_time(history: Store) -> None:
    since = T0 - timedelta(days=10)  # #2 was detected exactly then: included
    assert ids(search_incidents(history, since=since)) == [3, 2]
    assert ids(search_incidents(history, until=since)) == [1]  # until is exclusive
    assert ids(search_incidents(history, since=T0 - timedelta(days=31), until=since)) == [1]
    # Another zone, same instant.
    eastern = since.astimezone(datetime(2026, 1, 1, tzinfo=UTC).astimezone().tzinfo)
    assert ids(search_incidents(history, since=eastern)) == [3, 2]
    with pytest.raises(ValueError, match="timezone-aware"):
        search_incidents(history, since=datetime(2026, 11, 1))  # noqa: DTZ001 - the point


def test_filters_and_words_together(history: Store) -> None:
    assert ids(search_incidents(history, "pool", severity={Severity.MAJOR})) == [2]
    assert search_incidents(history, "pool", status={Status.RESOLVED}) == []
    assert ids(search_incidents(history, "pool", since=T0 - timedelta(days=20))) == [2]


# -- ordering ------------------------------------------------------------------------


def test_a_title_match_ranks_above_a_timeline_match(store: Store) -> None:
    in_title = store.create_incident("Kafka lag", detected_at=T0 - timedelta(days=9), actor="a")
    in_note = store.create_incident("Slow orders", detected_at=T0 - timedelta(days=1), actor="a")
    store.add_event(in_note.id, EventKind.NOTE, "kafka consumer restarted", actor="a")
    assert ids(search_incidents(store, "kafka")) == [in_title.id, in_note.id]


def test_words_together_rank_above_words_scattered(store: Store) -> None:
    scattered = store.create_incident("Outage", detected_at=T0, actor="a")
    store.add_event(scattered.id, EventKind.NOTE, "DNS alerts muted", actor="a")
    store.add_event(scattered.id, EventKind.NOTE, "resolver cache flushed", actor="a")
    together = store.create_incident(
        "Partial outage", detected_at=T0 - timedelta(days=5), actor="a"
    )
    store.add_event(together.id, EventKind.NOTE, "DNS resolver cache poisoned", actor="a")
    assert ids(search_incidents(store, "dns cache")) == [together.id, scattered.id]


def test_equal_matches_come_newest_first_and_limit_cuts(store: Store) -> None:
    for days in (3, 1, 2):
        store.create_incident("Disk full", detected_at=T0 - timedelta(days=days), actor="a")
    assert ids(search_incidents(store, "disk")) == [2, 3, 1]
    assert ids(search_incidents(store, "disk", limit=2)) == [2, 3]
    assert ids(search_incidents(store, limit=1)) == [3]


# -- snippets ------------------------------------------------------------------------


def test_a_snippet_is_one_safe_line(store: Store) -> None:
    incident = store.create_incident("Edge", actor="a").id
    noisy = (
        "[bold]x[/] «quoted» \x1b[31mred\x1b[0m " + "filler " * 30 + "needle here\n"
        "second line with more needle"
    )
    store.add_event(incident, EventKind.NOTE, noisy, actor="a")
    [hit] = search_incidents(store, "needle")
    text = hit.matches[0].snippet
    assert "\n" not in text
    assert "\x1b" not in text
    assert text.startswith("…filler")
    assert text.endswith("«needle» here")
    assert text.count("«") == 1  # the text's own guillemets became ‹ ›
    [hit] = search_incidents(store, "quoted")
    assert hit.matches[0].snippet.startswith("[bold]x[/] ‹«quoted»› [31mred")  # markup is text


def test_snippet_cuts_a_long_line_at_words() -> None:
    plain = "alpha " * 10 + "target " + "omega " * 30
    start = plain.index("target")
    text = snippet(plain, [(start, start + 6)])
    assert text.startswith("…alpha")
    assert "«target»" in text
    assert text.endswith("omega…")
    assert len(text) <= 90


def test_marked_segments() -> None:
    assert marked_segments("…the «connection pool» is «full»") == [
        ("…the ", False),
        ("connection pool", True),
        (" is ", False),
        ("full", True),
    ]
    assert marked_segments("no marks") == [("no marks", False)]
    assert marked_segments("a « b") == [("a « b", False)]  # unbalanced: shown as it is


# -- the search box's filter tokens --------------------------------------------------


def test_parse_search_takes_filters_out_of_the_text() -> None:
    request = parse_search(
        'sev:critical status:ongoing since:2026-11-01 until:2026-11-27 conn "a b" pool',
        now=T0,
    )
    assert request.text == 'conn "a b" pool'
    assert request.severity == {Severity.CRITICAL}
    assert request.status == {Status.ONGOING}
    assert request.since == datetime(2026, 11, 1, tzinfo=UTC)
    assert request.until == datetime(2026, 11, 28, tzinfo=UTC)  # a bare date: the whole day
    assert request.problems == ()
    assert request.filtered


def test_parse_search_prefixes_lists_and_repeats() -> None:
    request = parse_search("SEV:crit,maj severity:min status:mit Status:res", now=T0)
    assert request.severity == set(Severity)
    assert request.status == {Status.MITIGATED, Status.RESOLVED}
    assert request.text == ""
    assert parse_search("since:7d", now=T0).since == T0 - timedelta(days=7)
    assert parse_search("until:12h", now=T0).until == T0 - timedelta(hours=12)
    assert parse_search("since:2026-11-27T13:00+01:00", now=T0).since == datetime(
        2026, 11, 27, 12, 0, tzinfo=UTC
    )


def test_parse_search_reports_what_it_cannot_read() -> None:
    request = parse_search("sev:urgent since:last-week pool", now=T0)
    assert request.text == "pool"
    assert request.severity is None
    assert request.since is None
    assert request.problems == (
        "sev:urgent is not one of critical, major, minor",
        "'last-week' is not a date; use e.g. 2026-11-01, 2026-11-01T14:00Z or 7d",
    )
    # Half typed: no value yet, no complaint.
    assert parse_search("sev: status:", now=T0) == parse_search("", now=T0)
    # Quoted, or with an unknown key, it is text.
    assert parse_search('"sev:critical" http://x', now=T0).text == '"sev:critical" http://x'


def test_parse_bound() -> None:
    assert parse_bound("2026-11-01", now=T0) == datetime(2026, 11, 1, tzinfo=UTC)
    assert parse_bound("2026-11-01", now=T0, end=True) == datetime(2026, 11, 2, tzinfo=UTC)
    assert parse_bound("30m", now=T0) == T0 - timedelta(minutes=30)
    assert parse_bound("2w", now=T0) == T0 - timedelta(weeks=2)
    with pytest.raises(ValueError, match="is not a date"):
        parse_bound("soon", now=T0)
