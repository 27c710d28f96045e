"""Milestones for incidents written up after the fact: no default claims what nobody said.

A 2017 outage declared today is not acknowledged at its declaration, nor
mitigated at today's gate decision. Defaults stand only for an incident run
live (declared soon after detection, decided while it happens); otherwise the
milestones are proposed from the times the artifacts state, for a person to
confirm, or left unset so the metric reads unknown, never years.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from warroom.core.artifacts import parse_artifact
from warroom.core.hints import ACKNOWLEDGE_EXPECTATION
from warroom.core.milestones import MilestoneKind
from warroom.core.models import Incident, Severity

#: A decision this long after detection is not made "during the incident".
LIVE_WINDOW = timedelta(days=7)

# What an artifact's timeline entry says when it marks a milestone.
_SAYS = (
    (MilestoneKind.RESOLVED, re.compile(
        r"\b(?:resolved|fixed for good|closed|all clear|fully recovered)\b", re.I)),
    (MilestoneKind.MITIGATED, re.compile(
        r"\b(?:mitigated|rolled back|rollback (?:finished|complete|done)|recovered|restored|"
        r"back to (?:normal|baseline)|error rate (?:back|down)|failover (?:finished|complete))\b",
        re.I)),
    (MilestoneKind.ACKNOWLEDGED, re.compile(
        r"\b(?:acknowledged|acked|on-?call (?:paged|joined|responded)|incident declared)\b",
        re.I)),
    (MilestoneKind.STARTED, re.compile(
        r"\b(?:impact (?:began|started)|first errors?|errors? (?:began|started)|outage began)\b",
        re.I)),
)
_NEGATED = re.compile(r"\b(?:not|no longer|never|un)\s*$", re.I)
_FULL_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?(?:\s*UTC)?$",
    re.I)


@dataclass(frozen=True)
class Proposal:
    """A milestone the artifacts state, not yet confirmed by anyone."""

    kind: MilestoneKind
    at: datetime
    source: str  # "INC-4 Detailed Timeline: rollback to v2.13.2"


def declared_soon(incident: Incident) -> bool:
    """Whether the incident was declared within its severity's expected acknowledgement
    time after detection: only then does the declaration stand for "acknowledged"."""
    expected = ACKNOWLEDGE_EXPECTATION[incident.severity or Severity.MINOR]
    return incident.created_at - incident.detected_at <= expected


def _when(stamp: str) -> datetime | None:
    """A timeline stamp with a date (a time of day alone could be any day)."""
    stamp = stamp.strip()
    if not _FULL_TIME.match(stamp):
        return None
    text = re.sub(r"\s*UTC$", "", stamp, flags=re.I).replace(" ", "T", 1)
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC)


def propose_milestones(artifacts: Mapping[str, str]) -> list[Proposal]:
    """The first entry stating each milestone in INC-1's Timeline and INC-4's Detailed
    Timeline (Markdown by code), with a full date; negated entries ("not resolved") do not."""
    entries: list[tuple[str, str, str]] = []
    if "INC-4" in artifacts:
        rca = parse_artifact("INC-4", artifacts["INC-4"])
        entries += [("INC-4 Detailed Timeline", e.timestamp, e.event)
                    for e in getattr(rca, "detailed_timeline", [])]
    if "INC-1" in artifacts:
        triage = parse_artifact("INC-1", artifacts["INC-1"])
        entries += [("INC-1 Timeline", e.timestamp, e.event)
                    for e in getattr(triage, "timeline", [])]
    found: dict[MilestoneKind, Proposal] = {}
    for where, stamp, event in entries:
        at = _when(stamp)
        if at is None:
            continue
        for kind, says in _SAYS:
            match = says.search(event)
            if match and not _NEGATED.search(event[: match.start()]) and kind not in found:
                found[kind] = Proposal(kind, at, f"{where}: {event}")
                break
    return sorted(found.values(), key=lambda p: p.at)
