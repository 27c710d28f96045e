"""Declare an incident from an alert: the record starts with what the alert already knows."""

from __future__ import annotations

from datetime import datetime

from warroom.core.alerts import Alert, triage_draft
from warroom.core.models import EventKind, Incident, Severity
from warroom.store.store import Store


def declare_from_alert(
    store: Store,
    alert: Alert,
    *,
    actor: str,
    title: str | None = None,
    severity: Severity | None = None,
    detected_at: datetime | None = None,
) -> Incident:
    """Create the incident, its labels, an INC-1 draft (v1) and an "alert fired" entry.

    `title`, `severity` and `detected_at` are the responder's overrides. The
    draft carries the overriding severity (saving INC-1 sets the incident's
    severity from it); the timeline entry keeps the alert's own title and time,
    since that is what fired and when.
    """
    if severity is not None:
        alert_for_draft = alert.model_copy(update={"severity": severity})
    else:
        alert_for_draft = alert
    incident = store.create_incident(
        title or alert.title,
        severity=severity or alert.severity,
        detected_at=detected_at or alert.detected_at,
        actor=actor,
        triage_draft=False,  # the draft below says the severity, and more
    )
    if alert.labels:
        store.update_incident(incident.id, labels=alert.labels)
    who = f"alert:{alert.source}"
    try:
        phase = store.workflow.phase_for("INC-1").number
    except KeyError:  # a team's own workflow without the seed's triage artifact
        phase = None
    if phase is not None:
        body = triage_draft(alert_for_draft, store.workflow.template(phase))
        store.save_artifact(incident.id, phase, body, actor=who)
    store.add_event(
        incident.id, EventKind.NOTE, f"alert fired: {alert.title}", actor=who,
        occurred_at=alert.detected_at, source=f"{alert.source} alert",
    )
    if alert.resolved_at is not None:
        store.add_event(
            incident.id, EventKind.NOTE, f"alert resolved: {alert.title}", actor=who,
            occurred_at=alert.resolved_at, source=f"{alert.source} alert",
        )
    return store.incident(incident.id)
