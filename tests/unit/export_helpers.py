"""An incident with a bit of everything, for the export tests: drafts, amendments, a conflict,
pins with sources, a removed entry, decisions both ways, roles, sources, actions, milestones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from warroom.clock import FixedClock
from warroom.core.milestones import MilestoneKind
from warroom.core.models import EventKind
from warroom.core.state import Verdict
from warroom.store.milestones import Milestones
from warroom.store.store import Store

T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
FILLED = Path(__file__).parent.parent / "fixtures" / "filled"
SECRET_LINE = "auth failed Authorization: Bearer abcdefghijklmnop1234567890 user=bob"


def filled(code: str) -> str:
    return (FILLED / f"{code}.md").read_text()


def drive(store: Store, clock: FixedClock) -> int:
    """INC-1 approved then amended, INC-2 sent back then approved, INC-3 completed,
    INC-4 approved, INC-5 in review (a draft), INC-6 locked."""
    incident = store.create_incident("Checkout 5xx in EU", actor="ana")
    iid = incident.id
    tick = lambda: clock.advance(minutes=1)  # noqa: E731 - a tiny local helper
    store.set_role(iid, "Incident Commander", "ana", actor="ana")
    store.add_log_source(iid, "file", "/var/log/checkout.log")
    store.add_log_source(iid, "cmd", "journalctl -f -u payments")
    tick()
    pin = store.pin_line(
        iid, SECRET_LINE.encode(), actor="ana", logged_at=T0 - timedelta(minutes=9),
        received_at=clock.now(), source="/var/log/checkout.log", position=1042, level="error",
    )
    gone = store.add_event(iid, EventKind.NOTE, "wrong service, ignore", actor="lee")
    store.remove_event(gone.id, actor="lee")
    store.add_event(iid, EventKind.NOTE, "Rolled back <b>checkout-api</b>", actor="ana")
    Milestones(store).set_from_event(iid, MilestoneKind.STARTED, pin.id, actor="ana")
    tick()
    store.save_artifact(iid, 1, filled("INC-1"), actor="ana")
    store.decide(iid, 1, Verdict.APPROVE, reviewer="rita", criteria_ticked=[1, 2, 3])
    tick()
    store.save_artifact(iid, 1, filled("INC-1") + "\nAmended: payments team paged.\n", actor="ana")
    tick()
    store.save_artifact(iid, 2, filled("INC-2-weak"), actor="ana")
    store.decide(iid, 2, Verdict.SEND_BACK, reviewer="rita", comment="Restart did not hold")
    store.save_artifact(iid, 2, filled("INC-2"), actor="ana")
    store.save_artifact(iid, 2, filled("INC-2") + "\n<!-- lee -->\n", actor="lee", base_version=1)
    store.decide(iid, 2, Verdict.APPROVE, reviewer="rita")
    tick()
    store.save_artifact(iid, 3, filled("INC-3"), actor="ana")
    store.complete(iid, 3, actor="ana")
    store.set_step(iid, 3, 1, True)
    store.save_artifact(iid, 4, filled("INC-4"), actor="sam")
    store.decide(iid, 4, Verdict.APPROVE, reviewer="sam")
    tick()
    store.save_artifact(iid, 5, filled("INC-5"), actor="sam")
    store.submit(iid, 5, actor="sam")
    store.add_action_item(iid, "Alert on pool saturation", owner="dana", priority="P0",
                          horizon="quick win", due="2026-12-04")
    store.add_action_item(iid, "Extend the canary | to 15 minutes", owner="lee", priority="P1")
    store.db["panel_answers"].insert({
        "incident_id": iid, "role": "Facilitator", "question": "What surprised you?",
        "answer": "The pool limit", "author": "ana", "answered_at": clock.now().isoformat(),
    })
    return iid
