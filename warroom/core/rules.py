"""How artifacts feed the incident's own fields (severity, status) shown in the header.

Keyed by artifact code: these are the seed's artifacts. A workflow with other
codes simply gets no derived fields.
"""

from __future__ import annotations

from typing import Any

from warroom.core.artifacts import parse_artifact
from warroom.core.milestones import MilestoneKind
from warroom.core.models import Severity, Status


def fields_from_saved(code: str, markdown: str) -> dict[str, Any]:
    """Incident fields an artifact states once saved: INC-1's severity and status."""
    if code != "INC-1":
        return {}
    model = parse_artifact(code, markdown)
    fields: dict[str, Any] = {}
    if getattr(model, "severity", None):
        fields["severity"] = Severity(model.severity)
    if getattr(model, "status", None):
        fields["status"] = Status(model.status)
    return fields


def fields_from_approved(code: str, markdown: str, status: Status) -> dict[str, Any]:
    """An approved INC-2 whose status is Mitigated marks an ongoing incident mitigated."""
    if code != "INC-2" or status is not Status.ONGOING:
        return {}
    model = parse_artifact(code, markdown)
    if getattr(model, "current_status", None) == "Mitigated":
        return {"status": Status.MITIGATED}
    return {}


def milestones_from_passed(code: str, markdown: str) -> tuple[MilestoneKind, ...]:
    """What a passed artifact says has happened, for milestones not set otherwise.

    INC-2 approved with status Mitigated: mitigated. INC-3 completed telling
    stakeholders Mitigated or Resolved: that milestone.
    """
    if code not in ("INC-2", "INC-3"):
        return ()
    status = getattr(parse_artifact(code, markdown), "current_status", None)
    if status == "Mitigated":
        return (MilestoneKind.MITIGATED,)
    if code == "INC-3" and status == "Resolved":
        return (MilestoneKind.RESOLVED,)
    return ()
