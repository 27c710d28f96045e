"""Pilot tests of the incident picker and the declare-an-incident dialog on the real app."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import Input, Select, Static

from warroom.clock import FixedClock
from warroom.core.models import EventKind, Severity
from warroom.core.state import Verdict
from warroom.store.search import Match
from warroom.store.search_syntax import SearchRequest
from warroom.store.store import Store
from warroom.ui.app import WarroomApp
from warroom.ui.screens.new_incident import NewIncidentDialog
from warroom.ui.screens.picker import (
    FilterInput,
    IncidentPicker,
    IncidentTable,
    compact_age,
    match_line,
)

pytestmark = pytest.mark.anyio

SIZE = (120, 40)
T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
FILLED_INC1 = (Path(__file__).parent.parent / "fixtures" / "filled" / "INC-1.md").read_text()
HOSTILE = "[bold]x[/] and [@click=app.quit] and [red]oops"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def store(tmp_path: Path, clock: FixedClock) -> Iterator[Store]:
    with Store.open(tmp_path / "picker.db", clock=clock) as s:
        yield s


@pytest.fixture
def seeded(store: Store, clock: FixedClock) -> Store:
    """#1 in phase 2 sent back, #2 untouched, #3 (newest) in review."""
    one = store.create_incident(
        "Checkout 5xx",
        severity=Severity.CRITICAL,
        detected_at=T0 - timedelta(hours=2, minutes=5),
        actor="ana",
    )
    store.save_artifact(one.id, 1, FILLED_INC1, actor="ana")
    store.decide(one.id, 1, Verdict.APPROVE, reviewer="rita")
    store.decide(one.id, 2, Verdict.SEND_BACK, reviewer="rita", comment="no metrics yet")
    store.create_incident(
        "Search latency",
        severity=Severity.MAJOR,
        detected_at=T0 - timedelta(days=4),
        actor="bo",
    )
    three = store.create_incident("Login errors", detected_at=T0 - timedelta(minutes=3), actor="cy")
    store.save_artifact(three.id, 1, "draft", actor="cy")
    store.submit(three.id, 1, actor="cy")
    return store


def make_app(store: Store, clock: FixedClock) -> WarroomApp:
    return WarroomApp(store, actor="tester", clock=clock, watch=False)


def rows(app: WarroomApp) -> list[list[str]]:
    table = app.screen.query_one(IncidentTable)
    if not table.display:
        return []
    return [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]


def message(app: WarroomApp) -> str:
    return str(app.screen.query_one("#picker-message", Static).render())


def screen_text(app: WarroomApp) -> str:
    """What the terminal shows, as plain text."""
    update = app.screen._compositor.render_full_update(simplify=True)  # private, test-only
    return "\n".join("".join(strip.text for strip in line) for line in update.strips)


async def test_lists_incidents_newest_first_with_phase_and_state(
    seeded: Store, clock: FixedClock
) -> None:
    severity_one = seeded.incident(1).severity  # approving INC-1 may have set it from the text
    app = make_app(seeded, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, IncidentPicker)
        assert rows(app) == [
            ["#3", "Login errors", "unassessed", "Ongoing", "1 Triage · in review", "3m"],
            ["#2", "Search latency", "Major", "Ongoing", "1 Triage · active", "4d"],
            [
                "#1",
                "Checkout 5xx",
                severity_one.value if severity_one else "unassessed",
                seeded.incident(1).status.value,
                "2 Mitigate · revise",
                "2h 05m",
            ],
        ]
        heading = str(app.screen.query_one("#picker-heading", Static).render())
        assert heading.endswith(f"warroom — incidents in {seeded.path}")
        assert "3 incidents" in message(app)
        assert app.focused is app.screen.query_one(FilterInput)


async def test_typing_in_the_filter_narrows_the_rows(seeded: Store, clock: FixedClock) -> None:
    app = make_app(seeded, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"checkout")
        assert [r[0] for r in rows(app)] == ["#1"]
        assert "1 of 3" in message(app)
        filter_input = app.screen.query_one(FilterInput)
        for query, expected in [
            ("MAJOR", ["#2"]),  # severity, any case
            ("revise", ["#1"]),  # phase state
            ("triage", ["#3", "#2"]),  # phase name
            ("#3", ["#3"]),  # id
            ("ongoing triage", ["#3", "#2"]),  # every word must match
            ("", ["#3", "#2", "#1"]),
        ]:
            filter_input.value = query
            await pilot.pause()
            assert [r[0] for r in rows(app)] == expected, query
        filter_input.value = "no such thing"
        await pilot.pause()
        assert rows(app) == []
        assert "No incident matches 'no such thing'" in message(app)


async def test_enter_in_the_filter_opens_the_top_match(seeded: Store, clock: FixedClock) -> None:
    app = make_app(seeded, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"search", "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "WarRoomScreen"
        assert app.screen.incident_id == 2  # type: ignore[attr-defined]


async def test_enter_on_a_row_opens_that_incident(seeded: Store, clock: FixedClock) -> None:
    app = make_app(seeded, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down")  # from the filter into the list
        assert app.focused is app.screen.query_one(IncidentTable)
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "WarRoomScreen"
        assert app.screen.incident_id == 1  # type: ignore[attr-defined]
        # Resumed where it was left.
        assert app.screen.phase == seeded.incident(1).last_phase  # type: ignore[attr-defined]


async def test_focus_moves_between_filter_and_list(seeded: Store, clock: FixedClock) -> None:
    app = make_app(seeded, clock)
    async with app.run_test(size=SIZE) as pilot:
        picker = app.screen
        table, filter_input = picker.query_one(IncidentTable), picker.query_one(FilterInput)
        await pilot.press("escape")
        assert app.focused is table
        await pilot.press("up")  # on the first row: back to the filter
        assert app.focused is filter_input
        await pilot.press("down", "slash")
        assert app.focused is filter_input
        assert filter_input.value == ""  # "/" focused the filter; it did not type
        await pilot.press("n")  # in the filter "n" is a letter
        assert filter_input.value == "n"
        assert isinstance(app.screen, IncidentPicker)


async def test_ctrl_n_declares_an_incident_and_opens_it(seeded: Store, clock: FixedClock) -> None:
    app = make_app(seeded, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, NewIncidentDialog)
        assert dialog.query_one("#new-detected", Input).value == "2026-11-27T14:00:00Z"
        await pilot.press("tab", "enter")  # the severity menu
        await pilot.pause()
        await pilot.press("down", "down", "enter")  # past "not assessed" to Major
        await pilot.pause()
        assert dialog.query_one(Select).value is Severity.MAJOR
        assert app.focused is dialog.query_one("#new-detected", Input)  # on to the next field
        dialog.query_one("#new-title", Input).focus()
        await pilot.press(*"Payments down", "enter")
        await pilot.pause()
        incident = seeded.incidents()[0]
        assert (incident.id, incident.title) == (4, "Payments down")
        assert incident.severity is Severity.MAJOR
        assert incident.detected_at == T0
        assert type(app.screen).__name__ == "WarRoomScreen"
        assert app.screen.incident_id == 4  # type: ignore[attr-defined]


async def test_plain_n_from_the_list_opens_the_dialog_and_escape_cancels(
    seeded: Store, clock: FixedClock
) -> None:
    app = make_app(seeded, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape", "n")
        await pilot.pause()
        assert isinstance(app.screen, NewIncidentDialog)
        await pilot.press(*"never mind", "escape")
        await pilot.pause()
        assert isinstance(app.screen, IncidentPicker)
        assert len(seeded.incidents()) == 3


@pytest.mark.parametrize(
    ("detected", "error"),
    [
        ("yesterday at noon", "is not an ISO-8601 time"),
        ("2026-11-28T09:00:00Z", "is in the future"),
    ],
)
async def test_a_bad_detection_time_is_an_inline_error(
    seeded: Store, clock: FixedClock, detected: str, error: str
) -> None:
    app = make_app(seeded, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        dialog = app.screen
        await pilot.press(*"Disk full")
        dialog.query_one("#new-detected", Input).value = detected
        await pilot.click("#declare")
        await pilot.pause()
        shown = dialog.query_one("#new-error", Static)
        assert shown.display
        assert error in str(shown.render())
        assert "\n" not in str(shown.render())
        assert app.screen is dialog
        assert app.focused is dialog.query_one("#new-detected", Input)
        assert len(seeded.incidents()) == 3
        # Fixed, it goes through.
        dialog.query_one("#new-detected", Input).value = "2026-11-27T13:30:00+01:00"
        await pilot.press("enter")
        await pilot.pause()
        assert seeded.incidents()[0].detected_at == datetime(2026, 11, 27, 12, 30, tzinfo=UTC)


async def test_a_title_is_required(seeded: Store, clock: FixedClock) -> None:
    app = make_app(seeded, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("space", "enter")
        await pilot.pause()
        assert isinstance(app.screen, NewIncidentDialog)
        assert "title is required" in str(app.screen.query_one("#new-error", Static).render())
        assert len(seeded.incidents()) == 3


async def test_an_empty_database_says_how_to_start(store: Store, clock: FixedClock) -> None:
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert rows(app) == []
        assert message(app) == "No incidents yet. Press ctrl+n to declare one."
        assert "No incidents yet. Press ctrl+n to declare one." in screen_text(app)
        await pilot.press("down", "escape")  # nothing to move to; nothing breaks
        assert isinstance(app.screen, IncidentPicker)


async def test_markup_in_a_title_shows_literally(store: Store, clock: FixedClock) -> None:
    store.create_incident(HOSTILE, actor="eve")
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one(IncidentTable)
        cell = table.get_row_at(0)[1]
        assert cell.plain == HOSTILE
        assert not cell.spans
        assert HOSTILE in screen_text(app)
        await pilot.press(*"click=app", "enter")  # the filter matches it literally, too
        await pilot.pause()
        assert app.is_running
        assert type(app.screen).__name__ == "WarRoomScreen"


async def test_the_list_follows_the_store_when_shown_again(
    seeded: Store, clock: FixedClock
) -> None:
    app = make_app(seeded, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape", "down")  # highlight #2
        seeded.create_incident("Another responder's incident", actor="dee")
        clock.advance(minutes=10)
        await pilot.press("n", "escape")  # the dialog and back: the picker reloads
        await pilot.pause()
        assert [r[0] for r in rows(app)] == ["#4", "#3", "#2", "#1"]
        assert rows(app)[1][5] == "13m"
        assert app.screen.highlighted_id() == 2  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("delta", "shown"),
    [
        (timedelta(seconds=-5), "0s"),
        (timedelta(seconds=45), "45s"),
        (timedelta(minutes=3, seconds=59), "3m"),
        (timedelta(hours=2, minutes=5), "2h 05m"),
        (timedelta(hours=23, minutes=59), "23h 59m"),
        (timedelta(days=4, hours=3), "4d"),
    ],
)
def test_compact_age(delta: timedelta, shown: str) -> None:
    assert compact_age(delta) == shown


# -- searching the record ------------------------------------------------------------


async def settle(app: WarroomApp, pilot: object) -> None:
    """Let the box's change start the search, the worker finish, its answer reach the screen."""
    await pilot.pause()  # type: ignore[attr-defined]
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]


def ids(app: WarroomApp) -> list[str]:
    return [r[0] for r in rows(app)]


def second_line(app: WarroomApp, ref: str) -> str:
    """The "where it matched" line under an incident's title, or ""."""
    for row in rows(app):
        if row[0] == ref:
            return row[1].partition("\n")[2]
    raise AssertionError(f"{ref} is not listed")


@pytest.fixture
def history(seeded: Store) -> Store:
    """The seeded three, with notes to find: #2 has the pool, #3 mentions checkout."""
    seeded.add_event(2, EventKind.NOTE, "redis connection pool exhausted on search-api", actor="bo")
    seeded.add_event(3, EventKind.NOTE, "users report the checkout button spins", actor="cy")
    return seeded


async def test_search_finds_incidents_by_their_record(history: Store, clock: FixedClock) -> None:
    app = make_app(history, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"conn pool")
        await settle(app, pilot)
        # #2 by its note; #1 by its INC-1 ("...exhausts the payments-gateway connection pool").
        assert sorted(ids(app)) == ["#1", "#2"]
        assert second_line(app, "#2") == "  timeline: redis connection pool exhausted on search-api"
        assert second_line(app, "#1").startswith("  INC-1 v2: ")
        assert "2 of 3" in message(app)
        table = app.screen.query_one(IncidentTable)
        title = table.get_row_at(0)[1]
        marked = [title.plain[span.start : span.end] for span in title.spans if span.style]
        assert "connection" in marked
        assert "pool" in marked


async def test_instant_matches_first_then_what_only_the_search_found(
    history: Store, clock: FixedClock
) -> None:
    app = make_app(history, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"checkout")
        await settle(app, pilot)
        assert ids(app) == ["#1", "#3"]  # #1 by its title at once, #3 by its timeline
        assert second_line(app, "#3") == "  timeline: users report the checkout button spins"
        # The title is on screen: the line under it is the next place it matched.
        assert second_line(app, "#1").startswith("  INC-1 v2: ")
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "WarRoomScreen"
        assert app.screen.incident_id == 3  # type: ignore[attr-defined]


async def test_enter_opens_an_incident_only_the_search_found(
    history: Store, clock: FixedClock
) -> None:
    app = make_app(history, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"redis")
        await settle(app, pilot)
        assert ids(app) == ["#2"]
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.incident_id == 2  # type: ignore[attr-defined]


async def test_short_input_only_filters_the_list(history: Store, clock: FixedClock) -> None:
    app = make_app(history, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"po")  # two letters: no search of the record
        await settle(app, pilot)
        assert rows(app) == []
        assert not app.screen._hits  # type: ignore[attr-defined]
        await pilot.press("o")
        await settle(app, pilot)
        assert sorted(ids(app)) == ["#1", "#2"]
        await pilot.press("backspace")
        await pilot.pause()
        assert rows(app) == []  # the search's rows go with the search


async def test_filter_tokens_in_the_box(history: Store, clock: FixedClock) -> None:
    app = make_app(history, clock)
    async with app.run_test(size=SIZE) as pilot:
        filter_input = app.screen.query_one(FilterInput)
        for query, expected in [
            ("sev:major", ["#2"]),
            ("sev:crit,maj", ["#2", "#1"]),
            ("status:ongoing sev:maj", ["#2"]),
            ("since:1d", ["#3", "#1"]),  # detected 3 minutes and 2 hours ago
            ("until:1d", ["#2"]),
            ("since:2026-11-27", ["#3", "#1"]),
            ("until:2026-11-23", ["#2"]),  # detected on the 23rd: that day is included
            ("sev:major pool", ["#2"]),  # filters and a search together
            ("sev:critical pool", ["#1"]),
            ("sev:minor pool", []),
        ]:
            filter_input.value = query
            await settle(app, pilot)
            assert ids(app) == expected, query


async def test_a_filter_it_cannot_read_is_named(history: Store, clock: FixedClock) -> None:
    app = make_app(history, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"sev:urgent")
        await settle(app, pilot)
        assert message(app) == "sev:urgent is not one of critical, major, minor"
        assert ids(app) == ["#3", "#2", "#1"]  # ignored, not "nothing matches"
        await pilot.press(*" since:soon")
        await settle(app, pilot)
        assert "'soon' is not a date" in message(app)


@pytest.mark.parametrize(
    "query", ['"', "-", ":", "(", "NEAR(", "*", "AND OR", "\\", "日本語", "'; drop table x"]
)
async def test_odd_input_in_the_box_is_text(
    history: Store, clock: FixedClock, query: str
) -> None:
    app = make_app(history, clock)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one(FilterInput).value = query
        await settle(app, pilot)
        assert app.is_running
        assert isinstance(app.screen, IncidentPicker)
        assert not app.screen._search_error  # type: ignore[attr-defined]
        assert len(history.incidents()) == 3


async def test_a_narrow_terminal_trades_the_phase_column_for_the_snippet(
    history: Store, clock: FixedClock
) -> None:
    app = make_app(history, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.screen.query_one(IncidentTable)
        assert "phase" in [str(c.key.value) for c in table.columns.values()]
        await pilot.press(*"pool")
        await settle(app, pilot)
        assert "phase" not in [str(c.key.value) for c in table.columns.values()]
        assert second_line(app, "#2") == "  timeline: redis connection pool exhausted on search-api"
        await pilot.press("ctrl+u")
        await pilot.pause()
        assert "phase" in [str(c.key.value) for c in table.columns.values()]
    app = make_app(history, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"pool")
        await settle(app, pilot)
        columns = [str(c.key.value) for c in app.screen.query_one(IncidentTable).columns.values()]
        assert "phase" in columns


async def test_a_stale_answer_is_ignored(history: Store, clock: FixedClock) -> None:
    app = make_app(history, clock)
    async with app.run_test(size=SIZE) as pilot:
        picker = app.screen
        await pilot.press(*"redis")
        await settle(app, pilot)
        old = picker._hits  # type: ignore[attr-defined]
        picker.post_message(IncidentPicker.SearchDone(SearchRequest(text="pool"), [], ""))
        await pilot.pause()
        assert picker._hits == old  # type: ignore[attr-defined]
        assert ids(app) == ["#2"]


async def test_the_search_runs_again_when_the_picker_is_shown_again(
    history: Store, clock: FixedClock
) -> None:
    app = make_app(history, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"zookeeper")
        await settle(app, pilot)
        assert rows(app) == []
        assert "No incident matches 'zookeeper'" in message(app)
        history.add_event(1, EventKind.NOTE, "zookeeper session expired", actor="dee")
        await pilot.press("ctrl+n", "escape")  # the dialog and back: the picker reloads
        await settle(app, pilot)
        assert ids(app) == ["#1"]


def test_match_line_keeps_the_first_match_in_view() -> None:
    match = Match("INC-1 v1", "The v2.14.0 deploy exhausts the payments-gateway connection «pool».")
    assert match_line(match, 80).plain == (
        "  INC-1 v1: The v2.14.0 deploy exhausts the payments-gateway connection pool."
    )
    assert match_line(match, 48).plain == "  INC-1 v1: …payments-gateway connection pool."
    assert match_line(match, 36).plain == "  INC-1 v1: …connection pool."
    line = match_line(Match("title", "[bold]x[/] «pool»"), 40)
    assert line.plain == "  title: [bold]x[/] pool"  # markup in a record is text
    assert [line.plain[s.start : s.end] for s in line.spans if s.style != "dim"] == ["pool"]
