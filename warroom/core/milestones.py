"""Incident milestones and the metrics read from them (time to detect, mitigate, ...).

Pure values and arithmetic: the store decides where a milestone comes from,
this module only says what the milestones mean. A metric is None when one of
its two milestones is unknown; a negative metric is kept (the data says so)
and `order_problems` names the milestones that are out of order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from warroom.clock import iso
from warroom.core.models import EventKind, TimelineEvent

# A pinned line whose own time is further than this from when warroom read it is
# worth a word: merged sources disagree, or the line was read from a backlog.
SKEW_THRESHOLD = timedelta(minutes=2)


class MilestoneKind(StrEnum):
    """The moments of an incident, in the order they should happen."""

    STARTED = "started"  # impact began
    DETECTED = "detected"
    ACKNOWLEDGED = "acknowledged"
    MITIGATED = "mitigated"
    RESOLVED = "resolved"

    @classmethod
    def parse(cls, text: str) -> MilestoneKind:
        """Accept any case or a unique prefix ("mit"); ValueError lists the kinds."""
        raw = text.strip().lower()
        matches = [k for k in cls if k.value == raw] or [
            k for k in cls if raw and k.value.startswith(raw)
        ]
        if len(matches) != 1:
            names = ", ".join(k.value for k in cls)
            raise ValueError(f"milestone {text!r} is not one of {names}")
        return matches[0]


ORDER: tuple[MilestoneKind, ...] = tuple(MilestoneKind)


class MilestoneOrigin(StrEnum):
    """Where a milestone's time came from; "incident" ones are defaults, never stored."""

    EVENT = "event"  # a timeline entry: a pinned line, a note, a system event
    DECISION = "decision"  # a gate decision or a completed phase (INC-2, INC-3)
    MANUAL = "manual"  # typed in by someone
    STATUS = "status"  # the incident's status was set Mitigated or Resolved
    INCIDENT = "incident"  # implicit: the incident's detection or declaration time


@dataclass(frozen=True, slots=True)
class Milestone:
    """One milestone of one incident, with its provenance.

    Plain values (not a validated model): the review builds tens of thousands at once,
    always from values already read and checked.
    """

    incident_id: int
    kind: MilestoneKind
    at: datetime
    origin: MilestoneOrigin
    event_id: int | None = None
    set_by: str | None = None
    set_at: datetime | None = None
    note: str = ""  # for a default: which field it stands for

    @property
    def implicit(self) -> bool:
        """A default read from the incident, not something anyone set."""
        return self.origin is MilestoneOrigin.INCIDENT

    def provenance(self) -> str:
        """Where it came from, in a few words: "pin #12 by ana", "default: declared in warroom"."""
        if self.implicit:
            return f"default: {self.note}" if self.note else "default"
        what = {
            MilestoneOrigin.EVENT: f"{self.note or 'entry'} #{self.event_id}",
            MilestoneOrigin.DECISION: self.note or "decision",
            MilestoneOrigin.MANUAL: "set",
            MilestoneOrigin.STATUS: self.note or "status change",
        }[self.origin]
        return f"{what} by {self.set_by}" if self.set_by else what


@dataclass(frozen=True, slots=True)
class Metric:
    """One duration between two milestones; `start` says which milestone it counts from."""

    name: str  # "detect", "acknowledge", "mitigate", "resolve"
    label: str  # "TTD", ...
    start: MilestoneKind
    end: MilestoneKind
    value: timedelta

    @property
    def title(self) -> str:
        return f"time to {self.name}"


@dataclass(frozen=True, slots=True)
class Metrics:
    """Time to detect, acknowledge, mitigate and resolve; None where not known yet."""

    detect: Metric | None = None
    acknowledge: Metric | None = None
    mitigate: Metric | None = None
    resolve: Metric | None = None

    def by_name(self) -> dict[str, Metric | None]:
        return {"detect": self.detect, "acknowledge": self.acknowledge,
                "mitigate": self.mitigate, "resolve": self.resolve}

    def known(self) -> list[Metric]:
        """The metrics that have a value, in workflow order."""
        return [m for m in self.by_name().values() if m]


def _by_kind(milestones: Iterable[Milestone]) -> dict[MilestoneKind, Milestone]:
    return {m.kind: m for m in milestones}


def metrics(milestones: Iterable[Milestone]) -> Metrics:
    """The four durations; mitigate and resolve count from started, or from detected
    when the start of impact is unknown (the Metric's `start` says which)."""
    at = {k: m.at for k, m in _by_kind(milestones).items()}
    K = MilestoneKind

    def between(
        name: str, label: str, starts: tuple[MilestoneKind, ...], end: MilestoneKind
    ) -> Metric | None:
        if end not in at:
            return None
        for start in starts:
            if start in at:
                return Metric(name=name, label=label, start=start, end=end,
                              value=at[end] - at[start])
        return None

    return Metrics(
        detect=between("detect", "TTD", (K.STARTED,), K.DETECTED),
        acknowledge=between("acknowledge", "TTA", (K.DETECTED,), K.ACKNOWLEDGED),
        mitigate=between("mitigate", "TTM", (K.STARTED, K.DETECTED), K.MITIGATED),
        resolve=between("resolve", "TTR", (K.STARTED, K.DETECTED), K.RESOLVED),
    )


def order_problems(milestones: Iterable[Milestone]) -> list[str]:
    """Every pair of known milestones out of order, e.g. "mitigated (…) before detected (…)"."""
    known = _by_kind(milestones)
    problems = []
    for i, early in enumerate(ORDER):
        for late in ORDER[i + 1 :]:
            if early in known and late in known and known[late].at < known[early].at:
                problems.append(
                    f"{late} ({iso(known[late].at)}) before {early} ({iso(known[early].at)})"
                )
    return problems


_ZERO_ISH = timedelta(minutes=1)


def header_metrics(milestones: Iterable[Milestone]) -> list[Metric]:
    """The metrics worth a place in the header: those resting on a milestone someone set.

    Time to acknowledge from two defaults, an incident declared as it was
    detected, is a zero that says nothing, so it waits until one of them is set;
    declared minutes after the detection (an alert's time) it is shown.
    """
    known = _by_kind(milestones)
    return [
        m for m in metrics(known.values()).known()
        if not (known[m.start].implicit and known[m.end].implicit and m.value < _ZERO_ISH)
    ]


def compact(delta: timedelta) -> str:
    """A duration in two units at most: 45s, 3m, 3m20s, 1h05m, 2d3h; negative with a minus."""
    sign = "-" if delta < timedelta(0) else ""
    total = int(abs(delta).total_seconds())
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        text = f"{days}d{hours}h" if hours else f"{days}d"
    elif hours:
        text = f"{hours}h{minutes:02d}m"
    elif minutes:
        text = f"{minutes}m{seconds:02d}s" if seconds else f"{minutes}m"
    else:
        text = f"{seconds}s"
    return sign + text


def clock_skew(event: TimelineEvent, threshold: timedelta = SKEW_THRESHOLD) -> timedelta | None:
    """How far a pinned line's own time is from when warroom read it, if beyond `threshold`.

    Positive: the line claims a time after it arrived (its writer's clock runs
    ahead). Negative: it was logged well before it was read; a clock running
    behind, or simply a backlog read at start, so it is worded neutrally.
    Only pins have a time of their own; notes and system events return None.
    """
    if event.kind is not EventKind.PIN:
        return None
    skew = event.occurred_at - event.recorded_at
    return skew if abs(skew) > threshold else None


def describe_skew(skew: timedelta) -> str:
    """Words for a skew, e.g. "logged 7m before it was read" or "stamped 3m after it arrived"."""
    if skew > timedelta(0):
        return f"stamped {compact(skew)} after it arrived: its clock may run ahead"
    return f"logged {compact(-skew)} before it was read"


def as_json(milestones: Iterable[Milestone]) -> dict[str, object]:
    """Milestones, metrics and problems as plain JSON values (ISO times, seconds)."""
    milestones = list(milestones)
    return {
        "milestones": [
            {
                "kind": m.kind.value,
                "at": iso(m.at),
                "origin": m.origin.value,
                "event_id": m.event_id,
                "set_by": m.set_by,
                "set_at": iso(m.set_at) if m.set_at else None,
                "implicit": m.implicit,
            }
            for m in milestones
        ],
        "metrics": {
            f"time_to_{name}": (
                {"seconds": int(metric.value.total_seconds()), "from": metric.start.value,
                 "to": metric.end.value}
                if metric else None
            )
            for name, metric in metrics(milestones).by_name().items()
        },
        "milestone_problems": order_problems(milestones),
    }



def summary_lines(milestones: Iterable[Milestone]) -> list[str]:
    """Plain-text lines for `warroom status` and the post-mortem: each milestone with where
    it came from, the four metrics (saying what mitigate and resolve count from), problems."""
    milestones = list(milestones)
    known = _by_kind(milestones)
    lines = []
    for kind in ORDER:
        m = known.get(kind)
        lines.append(
            f"{kind.value:<13} {iso(m.at)}  {m.provenance()}" if m else f"{kind.value:<13} not set"
        )
    parts = []
    for name, metric in metrics(milestones).by_name().items():
        if metric is None:
            parts.append(f"{name} -")
            continue
        fallback = metric.end in (MilestoneKind.MITIGATED, MilestoneKind.RESOLVED) \
            and metric.start is MilestoneKind.DETECTED
        parts.append(f"{name} {compact(metric.value)}"
                     + (" (from detected: start unknown)" if fallback else ""))
    lines.append("time to " + " · ".join(parts))
    lines += [f"out of order: {p}" for p in order_problems(milestones)]
    return lines
