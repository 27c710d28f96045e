"""Recorded commands in the war room: shown with their status, written into INC-2's Steps Taken."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable

from warroom.clock import FixedClock
from warroom.core.artifacts import parse_artifact
from warroom.core.models import ActionDetail, Output
from warroom.core.state import Verdict
from warroom.store.store import Store
from warroom.ui.app import WarroomApp
from warroom.ui.screens.events import EventsScreen

T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
FILLED = Path(__file__).parent.parent / "fixtures" / "filled"

pytestmark = pytest.mark.anyio


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cmd.db", clock=FixedClock(T0)) as s:
        yield s


def _record(store: Store, incident: int, command: str, status: int, minutes: int) -> None:
    start = T0 + timedelta(minutes=minutes)
    detail = ActionDetail(cwd="/srv", user="ana", host="web-1", started_at=start,
                          ended_at=start + timedelta(seconds=2), how="run",
                          stdout=Output(), stderr=Output(head="\x1b]0;pwned\x07boom\n"))
    store.record_action(incident, command, status, detail, actor="ana")


async def test_commands_show_their_status_and_go_into_steps_taken(store: Store) -> None:
    incident = store.create_incident("Checkout 5xx", actor="ana").id
    store.save_artifact(incident, 1, (FILLED / "INC-1.md").read_text(), actor="ana")
    store.decide(incident, 1, Verdict.APPROVE, reviewer="bo", criteria_ticked=(1, 2, 3))
    store.update_incident(incident, last_phase=2)
    _record(store, incident, "kubectl rollout undo deploy/checkout", 3, 5)
    _record(store, incident, "curl -sf https://checkout/health", 0, 7)
    _record(store, incident, "echo unrelated", 0, 8)
    app = WarroomApp(store, actor="ana", clock=store.clock, incident_id=incident,
                     watch=False, autosave_delay=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+t")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EventsScreen)
        table = screen.query_one(DataTable)
        kinds = [str(table.get_row_at(n)[1]) for n in range(table.row_count)]
        assert "action ✗ exit 3 (failed)" in kinds
        assert "action ✓ exit 0 (ok)" in kinds
        # Mark the first two commands (space moves on), then 2 writes them into INC-2.
        first = next(n for n, k in enumerate(kinds) if k.startswith("action"))
        table.move_cursor(row=first)
        await pilot.press("space", "space", "2")
        await pilot.pause(0.3)
        assert not isinstance(app.screen, EventsScreen)
    body = store.artifact_text(incident, 2)
    steps = parse_artifact("INC-2", body).steps
    assert [s.step for s in steps] == [
        "2026-11-27T14:05:00Z ran `kubectl rollout undo deploy/checkout` on web-1",
        "2026-11-27T14:07:00Z ran `curl -sf https://checkout/health` on web-1",
    ]
    assert [s.result for s in steps] == ["exit 3 (failed) after 2.0s", "exit 0 (ok) after 2.0s"]
    assert "unrelated" not in body


async def test_a_command_run_from_the_war_room_is_confirmed_shown_and_recorded(
    store: Store,
) -> None:
    from textual.widgets import Log

    from warroom.core.models import EventKind
    from warroom.ui.screens.run_command import CommandOutput, ConfirmRun

    incident = store.create_incident("Checkout 5xx", actor="ana").id
    app = WarroomApp(store, actor="ana", clock=store.clock, incident_id=incident,
                     watch=False, autosave_delay=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f8")
        await pilot.pause()
        for key in "printf 'ok\\033]0;pwned\\007\\n'; exit 3":
            await pilot.press(key if key != " " else "space")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmRun)
        assert app.screen.argv[:2] == ["sh", "-c"]
        await pilot.press("y")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CommandOutput)
        for _ in range(200):
            if screen.finished is not None:
                break
            await pilot.pause(0.05)
        await pilot.pause()
        shown = "\n".join(screen.query_one(Log).lines)
        assert "ok" in shown
        assert "\x1b" not in shown  # untrusted output reaches the screen sanitised
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CommandOutput)
    [action] = [e for e in store.events(incident) if e.kind is EventKind.ACTION]
    assert action.exit_status == 3
    assert action.action.how == "war room"
    assert action.action.stdout.text == "ok\x1b]0;pwned\x07\n"  # the record keeps it whole
