"""The demo: a simulated outage a first-time user can drive, on the default database."""

from __future__ import annotations

from datetime import timedelta

from warroom.core.models import EventKind, Severity
from warroom.resources import data_dir
from warroom.store.store import Store

DEMO_TITLE = "Demo: checkout 5xx after deploy"


def create_demo_incident(store: Store, *, actor: str) -> int:
    """Declare the demo incident with a half-written INC-1, as a responder would start it."""
    now = store.clock.now()
    incident = store.create_incident(
        DEMO_TITLE, severity=Severity.CRITICAL, detected_at=now - timedelta(minutes=4),
        actor=actor,
    )
    draft = (data_dir("data") / "demo" / "INC-1.md").read_text(encoding="utf-8")
    store.save_artifact(incident.id, 1, draft, actor=actor)
    store.add_event(
        incident.id, EventKind.NOTE, "5xx rate alert fired for checkout-api", actor="alertmanager",
        occurred_at=now - timedelta(minutes=4),
    )
    return incident.id
