"""Snapshot tests: what the responder sees, at 80x24 and 120x40.

Every state is built through the Store API before the app starts; the clock
stands still, the database path is relative (the picker shows it), watchers
and cursor blink are off, and no toast is on screen. Update the baselines with
`pytest tests/ui/test_snapshots.py --snapshot-update`, then look at each SVG.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from warroom.clock import FixedClock
from warroom.core.actions import NewAction
from warroom.core.models import Severity, Status
from warroom.core.state import Verdict
from warroom.store.actions import add_item, import_from_post_mortem, publish_tracker, update_item
from warroom.store.store import Store
from warroom.ui.app import WarroomApp

FILLED = Path(__file__).parent.parent / "fixtures" / "filled"
NOW = datetime(2026, 11, 27, 14, 30, tzinfo=UTC)
DETECTED = datetime(2026, 11, 27, 13, 55, 10, tzinfo=UTC)
SIZES = pytest.mark.parametrize(
    "size", [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
)
# The filled artifact for each phase, in the order a responder passes them.
PASSING = {1: "INC-1.md", 2: "INC-2.md", 3: "INC-3.md", 4: "INC-4.md", 5: "INC-5.md", 6: "INC-6.md"}

RunBefore = Callable[[Pilot[Any]], Awaitable[None]]


# -- building state through the store -----------------------------------------


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    # Relative path: the picker shows it, and it must not contain the random tmp dir.
    monkeypatch.chdir(tmp_path)
    # The app picks the 16-colour theme for NO_COLOR or TERM=xterm: pin the default one.
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    with Store.open(Path("warroom.db"), clock=FixedClock(NOW)) as s:
        yield s


def make_app(store: Store, incident_id: int | None = None) -> WarroomApp:
    return WarroomApp(store, actor="ana", clock=store.clock, incident_id=incident_id, watch=False)


def declare(
    store: Store,
    title: str = "Checkout returns 5xx",
    *,
    severity: Severity | None = None,
    detected_at: datetime = DETECTED,
) -> int:
    return store.create_incident(title, severity=severity, detected_at=detected_at, actor="ana").id


def fill(
    store: Store,
    incident_id: int,
    phase: int,
    name: str | None = None,
    *,
    actor: str = "ana",
    base_version: int | None = None,
) -> None:
    text = (FILLED / (name or PASSING[phase])).read_text(encoding="utf-8")
    store.save_artifact(incident_id, phase, text, actor=actor, base_version=base_version)


def pass_phases(store: Store, incident_id: int, upto: int) -> None:
    """Fill and pass phases 1..upto: approve the gated ones, complete the others."""
    for number in range(1, upto + 1):
        fill(store, incident_id, number)
        if store.workflow.phase(number).gated:
            store.decide(incident_id, number, Verdict.APPROVE, reviewer="bo")
        else:
            store.complete(incident_id, number, actor="ana")


def resume_at(store: Store, incident_id: int, phase: int) -> None:
    """Where the app reopens the incident, as if the responder had left it there."""
    store.update_incident(incident_id, last_phase=phase)


# -- driving the app ------------------------------------------------------------


async def settle(pilot: Pilot[Any]) -> None:
    """Let the screen finish, stop every cursor blinking, and check no toast is up."""
    await pilot.pause()
    for screen in pilot.app.screen_stack:
        for widget in [*screen.query(TextArea), *screen.query(Input)]:
            widget.cursor_blink = False
    await pilot.pause()
    # Private, test-only: toasts show in snap_compare output, so none may be up.
    assert not pilot.app._notifications, "a toast would be in the snapshot"


def keys(*pressed: str) -> RunBefore:
    """A run_before that presses keys (opening a dialog), settling before and after."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        if pressed:
            await pilot.press(*pressed)
            await settle(pilot)

    return run_before


# -- the incident picker ----------------------------------------------------------


@SIZES
def test_picker_with_incidents(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    """Three incidents, newest first: phase 1 active, all passed and resolved, INC-2 sent back."""
    checkout = declare(store, "Checkout returns 5xx for EU customers")
    fill(store, checkout, 1)
    store.decide(checkout, 1, Verdict.APPROVE, reviewer="bo")
    fill(store, checkout, 2, "INC-2-weak.md")
    store.decide(checkout, 2, Verdict.SEND_BACK, reviewer="bo", comment="Restart did not hold")

    search = declare(
        store,
        "Search latency p99 over 2s",
        severity=Severity.MAJOR,
        detected_at=NOW - timedelta(days=3, hours=2),
    )
    pass_phases(store, search, 6)
    # Re-assessed after INC-1 (whose text says Critical), then resolved.
    store.update_incident(search, severity=Severity.MAJOR, status=Status.RESOLVED)

    declare(store, "Login page slow in APAC", detected_at=NOW - timedelta(minutes=4, seconds=30))
    assert snap_compare(make_app(store), terminal_size=size, run_before=keys())


@SIZES
def test_picker_empty(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(store), terminal_size=size, run_before=keys())


def search_for(typed: str) -> RunBefore:
    """A run_before that types into the picker's box and waits for the search worker."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press(*typed)
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await settle(pilot)

    return run_before


@SIZES
def test_picker_search(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    """"pool": a title matches at once; two more are found by an artifact and a pinned line."""
    checkout = declare(store, "Checkout returns 5xx for EU customers", severity=Severity.CRITICAL,
                       detected_at=NOW - timedelta(days=20))
    fill(store, checkout, 1)  # "...exhausts the payments-gateway connection pool."
    search = declare(store, "Search latency p99 over 2s", severity=Severity.MAJOR,
                     detected_at=NOW - timedelta(days=6))
    store.pin_line(
        search, b"2026-11-21T10:01:02Z ERROR search-api: redis connection pool exhausted (max=64)",
        actor="ana", logged_at=None, received_at=NOW - timedelta(days=6),
        source="/var/log/search.log", position=1234, level="error",
    )
    store.update_incident(search, status=Status.RESOLVED)
    declare(store, "Connection pool alarms on db-primary", detected_at=NOW - timedelta(minutes=9))
    assert snap_compare(make_app(store), terminal_size=size, run_before=search_for("pool"))


@SIZES
def test_new_incident_dialog(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    """ctrl+n in the picker: detection time defaults to the (fixed) clock."""
    declare(store)
    assert snap_compare(make_app(store), terminal_size=size, run_before=keys("ctrl+n"))


# -- the war room screen in each phase state -----------------------------------------


@SIZES
def test_phase1_active_template(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    incident = declare(store, severity=Severity.CRITICAL)
    assert snap_compare(make_app(store, incident), terminal_size=size, run_before=keys())


@SIZES
def test_phase1_revise_banner(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    """The reviewer's comment shows above the editor until the next submission."""
    incident = declare(store)
    fill(store, incident, 1)
    store.decide(
        incident,
        1,
        Verdict.SEND_BACK,
        reviewer="bo",
        comment="Name the payments on-call and when they were paged",
    )
    assert snap_compare(make_app(store, incident), terminal_size=size, run_before=keys())


@SIZES
def test_phase2_active_after_approval(
    snap_compare: Any, store: Store, size: tuple[int, int]
) -> None:
    incident = declare(store)
    pass_phases(store, incident, 1)
    resume_at(store, incident, 2)
    assert snap_compare(make_app(store, incident), terminal_size=size, run_before=keys())


@SIZES
def test_phase2_in_review(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    incident = declare(store)
    pass_phases(store, incident, 1)
    fill(store, incident, 2)
    store.submit(incident, 2, actor="ana")
    resume_at(store, incident, 2)
    assert snap_compare(make_app(store, incident), terminal_size=size, run_before=keys())


@SIZES
def test_locked_phase_read_only(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    """Phase 3 opened while phase 1 is still active: read-only, with the reason."""
    incident = declare(store)
    resume_at(store, incident, 3)
    assert snap_compare(make_app(store, incident), terminal_size=size, run_before=keys())


@SIZES
def test_phase1_amended(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    incident = declare(store)
    pass_phases(store, incident, 1)
    text = (FILLED / "INC-1.md").read_text(encoding="utf-8")
    store.save_artifact(
        incident, 1, text + "- 2026-11-27T14:20:00Z — EU traffic drained\n", actor="ana"
    )
    assert snap_compare(make_app(store, incident), terminal_size=size, run_before=keys())


@SIZES
def test_all_six_passed(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    incident = declare(store)
    pass_phases(store, incident, 6)
    resume_at(store, incident, 6)
    assert snap_compare(make_app(store, incident), terminal_size=size, run_before=keys())


# -- dialogs on the war room screen ----------------------------------------------


@SIZES
def test_gate_dialog_phase1(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    """ctrl+g opens the filled INC-1's gate (submitting nothing until a decision)."""
    incident = declare(store)
    fill(store, incident, 1)
    app = make_app(store, incident)
    assert snap_compare(app, terminal_size=size, run_before=keys("ctrl+g"))


@SIZES
def test_gate_dialog_phase2(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    """Phase 2's send-back button says "Mitigation insufficient"."""
    incident = declare(store)
    pass_phases(store, incident, 1)
    fill(store, incident, 2)
    resume_at(store, incident, 2)
    app = make_app(store, incident)
    assert snap_compare(app, terminal_size=size, run_before=keys("ctrl+g"))


@SIZES
def test_complete_dialog_phase3(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    incident = declare(store)
    pass_phases(store, incident, 2)
    fill(store, incident, 3)
    resume_at(store, incident, 3)
    app = make_app(store, incident)
    assert snap_compare(app, terminal_size=size, run_before=keys("ctrl+g"))


@SIZES
def test_help_screen(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    incident = declare(store)
    assert snap_compare(make_app(store, incident), terminal_size=size, run_before=keys("f1"))


@SIZES
def test_version_history(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    """Three versions of INC-1, v2 highlighted to show its diff; ana's v3 raced bo's v2."""
    incident = declare(store)
    clock = store.clock
    assert isinstance(clock, FixedClock)
    first = store.workflow.template(1).replace("<Critical / Major / Minor>", "Major")
    clock.advance(minutes=-12)
    store.save_artifact(incident, 1, first, actor="ana")
    clock.advance(minutes=5)
    fill(store, incident, 1, actor="bo", base_version=1)
    clock.advance(minutes=4)
    ana = first.replace("<Ongoing / Mitigated / Resolved>", "Ongoing")
    store.save_artifact(incident, 1, ana, actor="ana", base_version=1)
    clock.advance(minutes=3)  # back to NOW
    assert clock.now() == NOW
    assert [v.conflict for v in store.artifact_versions(incident, 1)] == [False, False, True]
    app = make_app(store, incident)
    assert snap_compare(app, terminal_size=size, run_before=keys("f5", "down"))


@SIZES
def test_note_dialog(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    incident = declare(store)
    assert snap_compare(make_app(store, incident), terminal_size=size, run_before=keys("ctrl+n"))


# -- the action item table ----------------------------------------------------------


@SIZES
def test_action_items_table(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    """INC-5's items imported on phase 6: done, in progress with a due date, overdue, dropped,
    and a title with markup in it, shown as typed."""
    incident = declare(store, severity=Severity.CRITICAL)
    pass_phases(store, incident, 5)
    import_from_post_mortem(store, incident, actor="ana")
    first, second, third = store.action_items(incident)
    update_item(store, first.id, actor="ana", owner="dana", status="done")
    update_item(store, second.id, actor="ana", status="in progress", due="2026-12-04")
    update_item(store, third.id, actor="ana", due="2026-11-20")  # before NOW: overdue
    add_item(store, incident, NewAction("Rotate [red]pool[/red] credentials", owner="lee",
                                        priority="P1"), actor="ana")
    dropped = add_item(store, incident, NewAction("Rewrite the pool", priority="P2"), actor="ana")
    update_item(store, dropped.id, actor="ana", status="dropped")
    publish_tracker(store, incident, actor="ana", base_version=None)
    resume_at(store, incident, 6)
    assert snap_compare(make_app(store, incident), terminal_size=size, run_before=keys("ctrl+r"))


# -- the post-mortem round table ------------------------------------------------------


@SIZES
def test_round_table(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    """Phase 5 with ctrl+f: criteria with a name blamed, hints from the record (INC-2 judged
    Mitigation insufficient once), the panel's roles with one question answered."""
    from warroom.store import post_mortem

    incident = declare(store, severity=Severity.CRITICAL)
    pass_phases(store, incident, 1)
    fill(store, incident, 2, "INC-2-weak.md")
    store.decide(incident, 2, Verdict.SEND_BACK, reviewer="bo", comment="Restart did not hold")
    fill(store, incident, 2)
    store.decide(incident, 2, Verdict.APPROVE, reviewer="bo")
    for number in (3, 4):
        fill(store, incident, number)
        if number == 3:
            store.complete(incident, 3, actor="ana")
        else:
            store.decide(incident, 4, Verdict.APPROVE, reviewer="bo")
    text = (FILLED / "INC-5.md").read_text(encoding="utf-8")
    store.save_artifact(incident, 5, text.replace(
        "- The first mitigation (restart) cost 10 minutes", "- bo didn't escalate to payments"),
        actor="ana")
    post_mortem.add_answer(store, incident, "Facilitator",
                           "Does everyone agree the timeline is accurate and complete?",
                           "Yes: the pinned lines match the INC-4 timeline", actor="ana")
    resume_at(store, incident, 5)
    assert snap_compare(make_app(store, incident), terminal_size=size, run_before=keys("ctrl+f"))
