"""The action item table, driven with the keyboard from the war room on a phase-6 incident."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, TextArea

from warroom.clock import FixedClock
from warroom.core.artifacts import ActionItemTracker, parse_artifact
from warroom.core.state import PhaseState, Verdict
from warroom.store.actions import import_from_post_mortem, publish_tracker
from warroom.store.store import Store
from warroom.ui.app import WarroomApp
from warroom.ui.screens.actions import ActionItemsScreen
from warroom.ui.screens.main import WarRoomScreen

pytestmark = pytest.mark.anyio

FILLED = Path(__file__).parent.parent / "fixtures" / "filled"
T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "actions.db", clock=FixedClock(T0)) as s:
        yield s


def at_phase_six(store: Store) -> int:
    """INC-1..INC-5 passed; the war room reopens on phase 6."""
    incident = store.create_incident("Checkout 5xx", actor="ana").id
    for number in range(1, 6):
        store.save_artifact(incident, number, (FILLED / f"INC-{number}.md").read_text(),
                            actor="ana")
        if store.workflow.phase(number).gated:
            store.decide(incident, number, Verdict.APPROVE, reviewer="bo")
        else:
            store.complete(incident, number, actor="ana")
    store.update_incident(incident, last_phase=6)
    return incident


def make_app(store: Store, incident_id: int) -> WarroomApp:
    return WarroomApp(store, actor="ana", clock=store.clock, incident_id=incident_id,
                      watch=False, autosave_delay=0.05)


def tracker(store: Store, incident: int) -> ActionItemTracker:
    model = parse_artifact("INC-6", store.artifact_text(incident, 6))
    assert isinstance(model, ActionItemTracker)
    return model


async def type_in_prompt(pilot, text: str) -> None:
    field = pilot.app.screen.query_one("#prompt-text", Input)
    field.value = text
    await pilot.press("enter")
    await pilot.pause()


async def test_import_edit_owner_tick_done_regenerates_inc6(store: Store) -> None:
    incident = at_phase_six(store)
    app = make_app(store, incident)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        war_room = app.screen
        assert isinstance(war_room, WarRoomScreen)
        assert war_room.phase == 6
        await pilot.press("ctrl+r")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ActionItemsScreen)
        table = screen.query_one(DataTable)
        assert table.has_focus
        assert table.row_count == 0

        await pilot.press("i")
        await pilot.pause()
        assert table.row_count == 3
        assert tracker(store, incident).quick_wins[0].action == (
            "Alert on payments connection pool saturation")
        assert store.latest_artifact(incident, 6).version == 1

        # The cursor starts on the first row's title; the owner is one to the right.
        assert table.cursor_coordinate == (0, 1)
        await pilot.press("right", "enter")
        await pilot.pause()
        await type_in_prompt(pilot, "dana")
        assert store.action_items(incident)[0].owner == "dana"
        assert tracker(store, incident).quick_wins[0].owner == "dana"

        # Space ticks it done: the box in INC-6 is ticked, done_at stamped.
        await pilot.press("space")
        await pilot.pause()
        first = store.action_items(incident)[0]
        assert (first.status, first.done_at) == ("done", T0)
        assert tracker(store, incident).quick_wins[0].done is True

        # p cycles the priority of the second row; d sets its due date.
        await pilot.press("down", "p")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        await type_in_prompt(pilot, "+7d")
        second = store.action_items(incident)[1]
        assert (second.priority, second.due) == ("P2", "2026-12-04")
        assert "- [ ] [P2] Extend the canary stage to 15 minutes — @release-engineering " \
               "(due 2026-12-04)" in store.artifact_text(incident, 6)

        # Each change was one saved version on top of the last; none flagged as a conflict.
        versions = store.artifact_versions(incident, 6)
        assert [v.version for v in versions] == [1, 2, 3, 4, 5]
        assert not any(v.conflict for v in versions)

        # Back in the war room, the editor shows the regenerated INC-6.
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is war_room
        assert war_room.base_version == 5
        editor = war_room.query_one("#editor-text", TextArea)
        assert editor.text == store.artifact_text(incident, 6)
        assert "- [x] [P0] Alert on payments connection pool saturation — @dana" in editor.text


async def test_add_drop_and_a_hand_edit_read_back(store: Store) -> None:
    incident = at_phase_six(store)
    import_from_post_mortem(store, incident, actor="ana")
    body = publish_tracker(store, incident, actor="ana", base_version=None).version.body
    app = make_app(store, incident)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        war_room = app.screen
        # A hand edit in the editor: the last line removed, a new one typed.
        area = war_room.query_one("#editor-text", TextArea)
        area.load_text(body.replace(
            "- [ ] [P2] Run load tests with production pool sizes — @checkout-team",
            "- [ ] Page the DBA on pool alerts — @kim"))
        await pilot.press("ctrl+r")  # flushes the typing, then reads it back
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ActionItemsScreen)
        statuses = [(i.title, i.status, i.origin) for i in store.action_items(incident)]
        assert statuses[2:] == [
            ("Run load tests with production pool sizes", "dropped", "INC-5 #3"),
            ("Page the DBA on pool alerts", "open", "INC-6"),
        ]
        assert screen.query_one(DataTable).row_count == 4

        await pilot.press("a")
        await pilot.pause()
        await type_in_prompt(pilot, "[P0] Rotate the pool credentials — @lee")
        added = store.action_items(incident)[-1]
        assert (added.title, added.owner, added.horizon, added.origin) == (
            "Rotate the pool credentials", "lee", "quick win", "manual")
        assert screen.selected == added

        await pilot.press("x")  # drop the new one: gone from INC-6, still in the table
        await pilot.pause()
        assert store.action_items(incident)[-1].status == "dropped"
        assert "Rotate the pool credentials" not in store.artifact_text(incident, 6)
        await pilot.press("x")  # and back
        await pilot.pause()
        assert "Rotate the pool credentials" in store.artifact_text(incident, 6)

        await pilot.press("escape")
        await pilot.pause()
        assert war_room.query_one("#editor-text", TextArea).text == store.artifact_text(
            incident, 6)
        assert store.machine(incident).state(6) is PhaseState.ACTIVE


async def test_locked_phase_six_is_read_only(store: Store) -> None:
    incident = store.create_incident("Early", actor="ana").id
    app = make_app(store, incident)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+r")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ActionItemsScreen)
        assert "locked until phase 5" in str(screen.read_only)
        await pilot.press("a")
        await pilot.pause()
        assert app.screen is screen  # no prompt
        assert store.action_items(incident) == []
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, WarRoomScreen)
