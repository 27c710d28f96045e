"""A responder drives an incident through all six phases with the keyboard."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input, Static, TextArea

from warroom.clock import FixedClock
from warroom.core.state import PhaseState, Verdict
from warroom.store.store import Store
from warroom.ui.app import WarroomApp
from warroom.ui.screens.main import WarRoomScreen

pytestmark = pytest.mark.anyio  # anyio's pytest plugin runs the async tests on asyncio

FILLED = Path(__file__).parent.parent / "fixtures" / "filled"
T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store.open(tmp_path / "flow.db", clock=FixedClock(T0)) as s:
        yield s


def make_app(store: Store, incident_id: int | None = None) -> WarroomApp:
    return WarroomApp(
        store, actor="ana", clock=store.clock, incident_id=incident_id, watch=False,
        autosave_delay=0.05,
    )


async def paste_artifact(pilot, name: str) -> None:
    """Replace the artifact's text the way a responder pastes a prepared draft."""
    area = pilot.app.screen.query_one("#editor-text", TextArea)
    area.focus()
    area.select_all()  # what f7 does
    pilot.app.post_message(events.Paste((FILLED / name).read_text()))  # as the driver does
    await pilot.pause()
    await pilot.press("ctrl+s")
    await pilot.pause()


async def gate(pilot, key: str, comment: str = "") -> None:
    await pilot.press("ctrl+g")
    await pilot.pause()
    if comment:
        pilot.app.screen.query_one("#gate-comment", Input).focus()
        await pilot.press(*comment)
    await pilot.press(key)
    await pilot.pause()


def states(store: Store, incident_id: int) -> list[str]:
    return [p.state.value for p in store.phases(incident_id)]


async def test_incident_through_all_six_phases(store: Store) -> None:
    incident = store.create_incident("Checkout 5xx", actor="ana")
    app = make_app(store, incident.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WarRoomScreen)
        assert screen.phase == 1

        # INC-1: sent back once with a comment, shown above the editor.
        await paste_artifact(pilot, "INC-1.md")
        await gate(pilot, "f9", comment="Name the on-call")
        assert states(store, incident.id)[0] == "revise"
        banner = screen.query_one("#editor-banner", Static)
        assert "Name the on-call" in str(banner.render())
        assert screen.phase == 1
        await pilot.press("ctrl+g")  # opened, then cancelled: nothing changes
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert states(store, incident.id)[0] == "revise"
        assert "Name the on-call" in str(banner.render())  # the reviewer's ask stays in sight
        await gate(pilot, "f8")
        assert states(store, incident.id)[:2] == ["approved", "active"]
        assert screen.phase == 2  # approval moves the responder on

        # INC-2: mitigation insufficient, then approved.
        await paste_artifact(pilot, "INC-2-weak.md")
        await gate(pilot, "f9", comment="Restart did not hold")
        assert store.decisions(incident.id)[-1].outcome == "Mitigation insufficient"
        await paste_artifact(pilot, "INC-2.md")
        await gate(pilot, "f8")
        assert screen.phase == 3

        # INC-3 is completed, not approved.
        await paste_artifact(pilot, "INC-3.md")
        await gate(pilot, "f8")
        assert states(store, incident.id)[2] == "completed"

        for name in ("INC-4.md", "INC-5.md"):
            await paste_artifact(pilot, name)
            await gate(pilot, "f8")
        await paste_artifact(pilot, "INC-6.md")
        await gate(pilot, "f8")

    assert states(store, incident.id) == [
        "approved", "approved", "completed", "approved", "approved", "completed"
    ]
    decisions = store.decisions(incident.id)
    assert [(d.phase, d.outcome, d.reviewer) for d in decisions] == [
        (1, "Revise", "ana"), (1, "Approved", "ana"), (2, "Mitigation insufficient", "ana"),
        (2, "Approved", "ana"), (4, "Approved", "ana"), (5, "Approved", "ana"),
    ]
    assert decisions[0].comment == "Name the on-call"
    assert store.artifact_text(incident.id, 6) == (FILLED / "INC-6.md").read_text()
    incident = store.incident(incident.id)
    assert (incident.severity.value, incident.status.value) == ("Critical", "Mitigated")


async def test_gate_refusal_keeps_the_dialog_open(store: Store) -> None:
    incident = store.create_incident("x", actor="ana")
    app = make_app(store, incident.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.press("f8")  # the template passes no check and nothing is ticked
        await pilot.pause()
        assert type(app.screen).__name__ == "GateDialog"
        error = str(app.screen.query_one("#dialog-error", Static).render())
        assert "cannot approve INC-1" in error
        await pilot.press("escape")
        await pilot.pause()
    assert states(store, incident.id)[0] == "active"  # a refused approval records nothing
    assert store.decisions(incident.id) == []


async def test_locked_phase_is_read_only_with_the_reason(store: Store) -> None:
    incident = store.create_incident("x", actor="ana")
    app = make_app(store, incident.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("alt+3")
        await pilot.pause()
        screen = app.screen
        assert screen.phase == 3
        area = screen.query_one("#editor-text", TextArea)
        assert area.read_only
        assert "locked until phase 2" in str(screen.query_one("#editor-banner", Static).render())
        await pilot.press(*"typing")
        await pilot.pause()
    assert store.artifact_versions(incident.id, 3) == []


async def test_typing_autosaves_and_resume_returns_to_the_phase(store: Store) -> None:
    incident = store.create_incident("x", actor="ana")
    store.save_artifact(incident.id, 1, (FILLED / "INC-1.md").read_text(), actor="ana")
    store.decide(incident.id, 1, Verdict.APPROVE, reviewer="r")
    app = make_app(store, incident.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("alt+2")
        await pilot.pause()
        await pilot.press("ctrl+home", *"Mitigation")
        await pilot.pause(0.2)
        # Saved while typing, before any explicit save or quit.
        assert store.artifact_text(incident.id, 2).startswith("Mitigation")
    app = make_app(store, incident.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.screen.phase == 2  # reopens where the responder left it
        text = app.screen.query_one("#editor-text", TextArea).text
        assert text.startswith("Mitigation")


async def test_edit_after_approval_is_marked_amended(store: Store) -> None:
    incident = store.create_incident("x", actor="ana")
    store.save_artifact(incident.id, 1, (FILLED / "INC-1.md").read_text(), actor="ana")
    store.decide(incident.id, 1, Verdict.APPROVE, reviewer="r")
    app = make_app(store, incident.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("alt+1")
        await pilot.pause()
        await pilot.press("ctrl+end", *" more")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "amended after approval" in str(
            app.screen.query_one("#editor-banner", Static).render()
        )
    assert store.machine(incident.id).state(1) is PhaseState.AMENDED


async def test_process_steps_ticks_are_saved(store: Store) -> None:
    incident = store.create_incident("x", actor="ana")
    app = make_app(store, incident.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        steps = app.screen.query_one("#guide-steps")
        steps.focus()
        await pilot.pause()
        steps.highlighted = 1
        await pilot.press("enter")
        await pilot.press("down", "down", "space")
        await pilot.pause()
        assert steps.highlighted == 3
        await pilot.press("space")  # untick step 4 again
        await pilot.pause()
    assert store.steps_done(incident.id, 1) == {2}


async def test_concurrent_save_is_kept_and_reported(store: Store) -> None:
    incident = store.create_incident("x", actor="ana")
    app = make_app(store, incident.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        # Another responder saves INC-1 from their own session meanwhile.
        store.save_artifact(incident.id, 1, "bo's version", actor="bo", base_version=0)
        await pilot.press("ctrl+home", *"ana ")
        await pilot.press("ctrl+s")
        await pilot.pause()
    versions = store.artifact_versions(incident.id, 1)
    assert [v.author for v in versions[:2]] == ["bo", "ana"]
    assert versions[0].body == "bo's version"  # never overwritten
    assert versions[1].conflict  # ana's first save raced bo's and is kept as its own
    assert not any(v.conflict for v in versions[2:])  # then she builds on the newest
    assert versions[-1].body.startswith("ana ")


async def test_overdue_stakeholder_update_turns_the_header_red_and_rings(store: Store) -> None:
    incident = store.create_incident("x", actor="ana")
    for phase in (1, 2):
        store.save_artifact(incident.id, phase, (FILLED / f"INC-{phase}.md").read_text(),
                            actor="ana")
        store.decide(incident.id, phase, Verdict.APPROVE, reviewer="r")
    inc3 = (FILLED / "INC-3.md").read_text().replace("2026-11-27T16:00:00Z", "13:30 UTC")
    store.save_artifact(incident.id, 3, inc3, actor="ana")  # saved 14:00: next 13:30 is tomorrow
    app = make_app(store, incident.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        header = app.screen.query_one("#header")
        assert "next update in 23:30:00" in str(header.render())
        store.clock.advance(hours=24)
        app.screen.tick()
        await pilot.pause()
        assert "UPDATE DUE 00:30:00 ago" in str(header.render())
        assert any("is due now" in n.message for n in app._notifications)


async def test_f9_then_a_digit_opens_that_phase(store: Store) -> None:
    incident = store.create_incident("x", actor="ana")
    app = make_app(store, incident.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("f9")
        await pilot.pause()  # focus moves to the phase list
        await pilot.press("4")
        await pilot.pause()
        assert app.screen.phase == 4
        assert app.screen.query_one("#editor-text", TextArea).read_only  # locked, shown
