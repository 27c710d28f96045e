"""Action items: INC-5 → rows, rows → INC-6 → rows, hand edits read back, the store's records."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from warroom.clock import FixedClock
from warroom.core.actions import (
    NewAction,
    check_field,
    clean_title,
    cycle,
    from_post_mortem_text,
    handle,
    parse_due,
    read_back,
    tracker_markdown,
)
from warroom.core.artifacts import ActionItemTracker, TrackedAction, parse_artifact
from warroom.core.models import EventKind
from warroom.core.state import Verdict
from warroom.store.actions import (
    add_item,
    import_from_post_mortem,
    list_actions,
    publish_tracker,
    sync_from_markdown,
    sync_latest,
    update_item,
)
from warroom.store.store import Store

FILLED = Path(__file__).parent.parent / "fixtures" / "filled"
INC5 = (FILLED / "INC-5.md").read_text(encoding="utf-8")
TEMPLATE = (Path(__file__).parents[2] / "templates" / "incident-response" / "INC-6.md").read_text()
T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Row:
    """A stored row as the pure functions see it."""

    id: int
    title: str
    owner: str | None = None
    priority: str | None = None
    horizon: str | None = None
    status: str = "open"
    due: str | None = None


def rows_of(*drafts: NewAction) -> list[Row]:
    return [
        Row(n, d.title, d.owner, d.priority, d.horizon, d.status, d.due)
        for n, d in enumerate(drafts, start=1)
    ]


# -- INC-5 → rows ----------------------------------------------------------------------


def test_post_mortem_items_become_rows_with_horizon_and_origin() -> None:
    rows = from_post_mortem_text(INC5)
    assert [(r.title, r.owner, r.priority, r.horizon, r.origin) for r in rows] == [
        ("Alert on payments connection pool saturation", "payments team", "P0", "quick win",
         "INC-5 #1"),
        ("Extend the canary stage to 15 minutes", "release engineering", "P1", "short-term",
         "INC-5 #2"),
        ("Run load tests with production pool sizes", "checkout team", "P2", "long-term",
         "INC-5 #3"),
    ]
    assert all(r.status == "open" for r in rows)


def test_post_mortem_template_gives_no_rows() -> None:
    template = (FILLED.parents[2] / "templates" / "incident-response" / "INC-5.md").read_text()
    assert from_post_mortem_text(template) == []


def test_unprioritized_recommendation_keeps_no_horizon() -> None:
    text = INC5.replace("1. [P0] Alert", "1. Alert")
    first = from_post_mortem_text(text)[0]
    assert (first.priority, first.horizon, first.origin) == (None, None, "INC-5 #1")


# -- rows → INC-6 -----------------------------------------------------------------------


def test_generated_lines_read_back_by_parse_artifact() -> None:
    rows = [
        Row(1, "Alert on pool saturation", "dana", "P0", "quick win", due="2026-12-04"),
        Row(2, "Extend the canary", "release engineering", "P1", "short-term", "done"),
        Row(3, "Load tests", None, "P2", "long-term"),
        Row(4, "Forget it", "x", "P2", "long-term", "dropped"),
    ]
    text = tracker_markdown(rows, TEMPLATE)
    assert "- [ ] [P0] Alert on pool saturation — @dana (due 2026-12-04)\n" in text
    assert "- [x] [P1] Extend the canary — @release-engineering\n" in text
    assert "Forget it" not in text
    tracker = parse_artifact("INC-6", text)
    assert isinstance(tracker, ActionItemTracker)
    assert tracker.quick_wins == [TrackedAction(
        done=False, action="Alert on pool saturation", owner="dana", priority="P0",
        due="2026-12-04")]
    assert tracker.short_term == [TrackedAction(
        done=True, action="Extend the canary", owner="release-engineering", priority="P1")]
    assert tracker.long_term == [TrackedAction(action="Load tests", priority="P2")]
    # The Post-Mortem Document section is the template's, untouched.
    assert text.endswith("## Post-Mortem Document\n<path or link to published post-mortem>\n")


def test_generation_keeps_every_other_section_byte_for_byte() -> None:
    current = (FILLED / "INC-6.md").read_text().replace(
        "## Post-Mortem Document\npostmortem-1.md",
        "## Post-Mortem Document\nhttps://wiki.example/pm/42\n\nNotes kept *as typed*.",
    )
    text = tracker_markdown([Row(1, "New", "ana", "P0", "quick win")], current)
    assert text.startswith("# [INC-6]: Action Item Tracker\n\n## Quick Wins (do this week)\n"
                           "- [ ] [P0] New — @ana\n\n## Short-Term")
    assert text.endswith("https://wiki.example/pm/42\n\nNotes kept *as typed*.\n")
    # An empty horizon shows the template's placeholder, which parses as nothing.
    assert "## Long-Term (schedule for planning)\n- [ ] <Action> — @<owner>\n- ...\n" in text


def test_round_trip_rows_markdown_rows_is_a_no_op() -> None:
    rows = rows_of(*from_post_mortem_text(INC5))
    text = tracker_markdown(rows, TEMPLATE)
    assert read_back(rows, text).empty
    assert tracker_markdown(rows, text) == text


def test_short_headings_are_found_not_duplicated() -> None:
    current = "# [INC-6]: Action Item Tracker\n\n## Quick Wins\n- [ ] old — @a\n"
    text = tracker_markdown([Row(1, "Fresh", "b", "P0")], current)
    assert text.count("Quick Wins") == 1
    assert "## Quick Wins\n- [ ] [P0] Fresh — @b\n" in text
    assert "## Short-Term (do this sprint/cycle)" in text


# -- INC-6 → rows (a hand edit) ---------------------------------------------------------


def test_hand_edit_new_removed_ticked_and_moved() -> None:
    rows = rows_of(*from_post_mortem_text(INC5))
    text = tracker_markdown(rows, TEMPLATE)
    edited = (
        text.replace("- [ ] [P0] Alert on payments", "- [x] [P0] Alert on payments")
        .replace("- [ ] [P2] Run load tests with production pool sizes — @checkout-team\n", "")
        .replace("- [ ] [P1] Extend the canary stage to 15 minutes — @release-engineering",
                 "- [ ] Write the pool runbook — @lee (due 2026-12-11)")
        .replace("## Long-Term (schedule for planning)\n",
                 "## Long-Term (schedule for planning)\n"
                 "- [ ] [P1] extend the  canary stage to 15 minutes — @sam\n")
    )
    edit = read_back(rows, edited)
    assert [(c.item_id, c.fields) for c in edit.changes] == [
        (1, {"status": "done"}),
        (2, {"horizon": "long-term", "owner": "sam"}),
    ]
    assert edit.added == [NewAction(
        title="Write the pool runbook", owner="lee", horizon="short-term", due="2026-12-11",
        origin="INC-6")]
    assert edit.dropped == [3]


def test_unticking_reopens_and_a_line_typed_back_revives_a_dropped_row() -> None:
    rows = [Row(1, "A", "x", "P0", "quick win", "done"), Row(2, "B", "y", "P0", "quick win",
                                                              "dropped")]
    edit = read_back(rows, "## Quick Wins\n- [ ] [P0] A — @x\n- [ ] [P0] B — @y\n")
    assert [(c.item_id, c.fields) for c in edit.changes] == [
        (1, {"status": "open"}), (2, {"status": "open"})]
    assert not edit.dropped


def test_duplicate_titles_match_one_row_each_and_a_bad_date_keeps_the_old_one() -> None:
    rows = [Row(1, "Same", "a", due="2026-12-01"), Row(2, "Same", "a")]
    text = "## Short-Term\n- [ ] Same — @a (due friday)\n- [ ] Same — @a\n- [ ] Same — @a\n"
    edit = read_back(rows, text)
    assert edit.changes == []
    assert [a.title for a in edit.added] == ["Same"]
    assert edit.dropped == []


def test_a_line_in_the_seeds_format_keeps_priority_and_due() -> None:
    rows = [Row(1, "A", "x", "P0", "quick win", due="2026-12-04")]
    assert read_back(rows, "## Quick Wins\n- [ ] A — @x\n").empty
    edit = read_back(rows, "## Quick Wins\n- [ ] [P2] A — @y (due 2026-12-24)\n")
    assert edit.changes[0].fields == {"owner": "y", "priority": "P2", "due": "2026-12-24"}


def test_an_empty_tracker_drops_every_live_row() -> None:
    rows = [Row(1, "A"), Row(2, "B", status="dropped")]
    assert read_back(rows, TEMPLATE).dropped == [1]


# -- values ------------------------------------------------------------------------------


def test_values_people_type() -> None:
    assert handle("payments team") == "payments-team"
    assert handle("@dana.k") == "dana.k"
    assert handle("SRE / on-call") == "SRE-on-call"
    assert handle("  ") is None
    assert clean_title("  Alert\n on  saturation ") == "Alert on saturation"
    with pytest.raises(ValueError, match="needs a title"):
        clean_title("<Action>")
    today = date(2026, 11, 27)
    assert parse_due("2026-12-04", today) == "2026-12-04"
    assert parse_due("+3d", today) == "2026-11-30"
    assert parse_due("2w", today) == "2026-12-11"
    assert parse_due("", today) is None
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_due("next friday", today)
    assert cycle(("a", "b", "c"), "c") == "a"
    assert cycle(("a", "b"), None) == "a"
    with pytest.raises(ValueError, match="not one of P0, P1, P2"):
        check_field("priority", "P3")
    with pytest.raises(ValueError, match="not a date"):
        check_field("due", "soon")


# -- the store ---------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "a.db", clock=FixedClock(T0)) as s:
        yield s


def at_phase_six(store: Store) -> int:
    """An incident with INC-1..INC-5 approved or completed: phase 6 is open."""
    incident = store.create_incident("Checkout 5xx", actor="ana").id
    for number in range(1, 6):
        text = (FILLED / f"INC-{number}.md").read_text()
        store.save_artifact(incident, number, text, actor="ana")
        if store.workflow.phase(number).gated:
            store.decide(incident, number, Verdict.APPROVE, reviewer="bo")
        else:
            store.complete(incident, number, actor="ana")
    return incident


def audit(store: Store, incident: int) -> list[str]:
    return [e.text for e in store.events(incident) if e.kind is EventKind.SYSTEM
            and e.text.startswith("Action item")]


def test_import_is_idempotent_and_audited(store: Store) -> None:
    incident = at_phase_six(store)
    first = import_from_post_mortem(store, incident, actor="ana")
    assert [(i.priority, i.horizon, i.origin) for i in first.added] == [
        ("P0", "quick win", "INC-5 #1"), ("P1", "short-term", "INC-5 #2"),
        ("P2", "long-term", "INC-5 #3")]
    again = import_from_post_mortem(store, incident, actor="ana")
    assert (again.added, again.skipped) == ([], 3)
    assert len(store.action_items(incident)) == 3
    assert audit(store, incident)[0] == (
        "Action item #1 added from INC-5 #1: 'Alert on payments connection pool saturation' "
        "(P0, @payments-team)")


def test_update_stamps_done_at_and_logs_each_change(store: Store) -> None:
    incident = at_phase_six(store)
    item = add_item(store, incident, NewAction("Add a runbook", priority="P1"), actor="ana")
    assert (item.origin, item.horizon, item.status) == ("manual", "short-term", "open")
    done = update_item(store, item.id, actor="bo", owner="@dana", status="done", due="2026-12-04")
    assert (done.owner, done.status, done.due, done.done_at) == ("dana", "done", "2026-12-04", T0)
    reopened = update_item(store, item.id, actor="bo", status="in progress")
    assert reopened.done_at is None
    assert update_item(store, item.id, actor="bo", owner="dana") == reopened  # no change, no entry
    assert audit(store, incident)[1:] == [
        "Action item #1 'Add a runbook': owner - → 'dana'; status 'open' → 'done'; "
        "due - → '2026-12-04'",
        "Action item #1 'Add a runbook': status 'done' → 'in progress'",
    ]
    with pytest.raises(ValueError, match="status 'later' is not one of"):
        update_item(store, item.id, actor="bo", status="later")
    with pytest.raises(ValueError, match="cannot update"):
        update_item(store, item.id, actor="bo", incident_id=2)


def test_publish_then_hand_edit_then_sync(store: Store) -> None:
    incident = at_phase_six(store)
    import_from_post_mortem(store, incident, actor="ana")
    saved = publish_tracker(store, incident, actor="ana", base_version=None)
    assert saved.created
    assert saved.version.version == 1
    assert "- [ ] [P0] Alert on payments connection pool saturation — @payments-team" in (
        saved.version.body)
    assert sync_latest(store, incident, actor="ana").empty  # what the rows generate
    assert not publish_tracker(store, incident, actor="ana", base_version=1).created

    edited = saved.version.body.replace("- [ ] [P0] Alert", "- [x] [P0] Alert").replace(
        "- [ ] [P2] Run load tests with production pool sizes — @checkout-team",
        "- [ ] Page the DBA on pool alerts — @kim")
    store.save_artifact(incident, 6, edited, actor="bo", base_version=1)
    edit = sync_latest(store, incident, actor="bo")
    assert (len(edit.changes), len(edit.added), edit.dropped) == (1, 1, [3])
    items = {i.title: i for i in store.action_items(incident)}
    assert items["Alert on payments connection pool saturation"].done_at == T0
    assert items["Run load tests with production pool sizes"].status == "dropped"
    assert (items["Page the DBA on pool alerts"].origin,
            items["Page the DBA on pool alerts"].horizon) == ("INC-6", "long-term")
    assert audit(store, incident)[-3:] == [
        "Action item #1 'Alert on payments connection pool saturation' (INC-6 edit): "
        "status 'open' → 'done'",
        "Action item #4 added from an INC-6 edit: 'Page the DBA on pool alerts' (@kim)",
        "Action item #3 'Run load tests with production pool sizes' "
        "(its line was removed from INC-6): status 'open' → 'dropped'",
    ]
    assert sync_from_markdown(store, incident, edited, actor="bo").empty  # read back once
    # The next publish writes the hand edit in the table's own format.
    assert "- [ ] Page the DBA on pool alerts — @kim" in publish_tracker(
        store, incident, actor="ana", base_version=2).version.body


def test_a_never_saved_tracker_drops_nothing(store: Store) -> None:
    incident = at_phase_six(store)
    import_from_post_mortem(store, incident, actor="ana")
    assert sync_latest(store, incident, actor="ana").empty
    assert all(i.status == "open" for i in store.action_items(incident))


def test_list_across_incidents_with_filters(store: Store) -> None:
    first = at_phase_six(store)
    import_from_post_mortem(store, first, actor="ana")
    second = store.create_incident("Search slow", actor="ana").id
    late = add_item(store, second, NewAction("Tune the index", owner="Dana", priority="P0",
                                             due="2026-12-20"), actor="ana")
    soon = add_item(store, second, NewAction("Cache warmup", owner="lee", priority="P0",
                                             due="2026-12-01"), actor="ana")
    update_item(store, 2, actor="ana", status="done")
    listed = list_actions(store)
    assert [(e.incident.id, e.item.id) for e in listed] == [
        (second, soon.id), (second, late.id), (first, 1), (first, 2), (first, 3)]
    assert [e.item.id for e in list_actions(store, open_only=True)] == [soon.id, late.id, 1, 3]
    assert [e.item.id for e in list_actions(store, owner="@dana")] == [late.id]
    assert [e.item.id for e in list_actions(store, owner="PAYMENTS-team")] == [1]
