"""Hints for the post-mortem's What Went Well / Poorly / Lessons Learned, from the record.

The round table should start from what the incident already recorded (gates
sent back, late stakeholder updates, slow detection), not from a blank page.
Pure functions over values the caller gathers from the store; each hint is a
sentence with its evidence, ready to become a bullet of INC-5. Hints name
phases and times, never people: the post-mortem is blameless.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from warroom.core.artifacts import StakeholderCommunication, next_update_at, parse_artifact
from warroom.core.evidence import one_line
from warroom.core.markdown import (
    find_section,
    is_placeholder,
    list_items,
    replace_section,
    strip_marker,
)
from warroom.core.models import (
    ArtifactVersion,
    EventKind,
    Incident,
    Severity,
    StoredDecision,
    TimelineEvent,
)

HintSection = Literal["well", "poorly", "lessons"]
#: The INC-5 section each kind of hint belongs in.
SECTION_HEADINGS: dict[str, str] = {
    "well": "What Went Well",
    "poorly": "What Went Poorly",
    "lessons": "Lessons Learned",
}

_MIN = timedelta(minutes=1)
#: How soon each severity is expected to be detected after impact began.
DETECT_EXPECTATION: dict[Severity, timedelta] = {
    Severity.CRITICAL: 5 * _MIN, Severity.MAJOR: 15 * _MIN, Severity.MINOR: 60 * _MIN,
}
#: How soon after detection someone is expected to acknowledge it.
ACKNOWLEDGE_EXPECTATION: dict[Severity, timedelta] = {
    Severity.CRITICAL: 5 * _MIN, Severity.MAJOR: 15 * _MIN, Severity.MINOR: 30 * _MIN,
}
#: How soon impact is expected to be mitigated.
MITIGATE_EXPECTATION: dict[Severity, timedelta] = {
    Severity.CRITICAL: 30 * _MIN, Severity.MAJOR: 60 * _MIN, Severity.MINOR: 240 * _MIN,
}
#: A stakeholder update this late or less still counts as on time.
UPDATE_GRACE = _MIN
#: From this many pinned log lines on, evidence gathering went well.
MANY_PINS = 5
# The words of each metric, and where it may count from (milestones.Metric.start).
_METRICS = {
    "detect": ("Detection", "detected", DETECT_EXPECTATION),
    "acknowledge": ("Acknowledgement", "acknowledged", ACKNOWLEDGE_EXPECTATION),
    "mitigate": ("Mitigation", "mitigated", MITIGATE_EXPECTATION),
}
_ALIASES = {
    "detect": ("detect", "time_to_detect", "ttd"),
    "acknowledge": ("acknowledge", "time_to_acknowledge", "time_to_ack", "tta"),
    "mitigate": ("mitigate", "time_to_mitigate", "ttm"),
}
_FROM = {"started": "after impact began", "detected": "after detection"}


@dataclass(frozen=True, slots=True)
class Hint:
    """One finding from the record, for one INC-5 section."""

    section: HintSection
    kind: str  # what produced it: "detect", "send_back", "overdue_updates", ...
    text: str  # a sentence with the evidence

    @property
    def heading(self) -> str:
        return SECTION_HEADINGS[self.section]


@dataclass(frozen=True)
class IncidentRecord:
    """What the hints read, gathered by the caller: the store, or a test."""

    incident: Incident
    codes: Mapping[int, str]  # phase number → artifact code ("INC-3")
    decisions: Sequence[StoredDecision] = ()
    events: Sequence[TimelineEvent] = ()
    versions: Sequence[ArtifactVersion] = ()  # every saved version of every artifact
    # warroom.core.milestones.Metrics, or a mapping such as {"detect": timedelta(...)};
    # None when milestones are not known: those hints are skipped.
    metrics: Any = None


def duration(delta: timedelta) -> str:
    """A duration as people say it: "45 s", "12 min", "1 h 05 min", "2 d 3 h"."""
    total = int(abs(delta).total_seconds())
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min" if minutes else f"{seconds} s"


def _clock(at: datetime) -> str:
    return at.strftime("%H:%M UTC")


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def metric_value(metrics: Any, name: str) -> tuple[timedelta, str | None] | None:
    """A metric's duration and what it counts from, read from whatever the caller has.

    Accepts milestones.Metrics (attributes holding a Metric with `.value` and
    `.start`), a mapping, timedeltas, or seconds as numbers.
    """
    if metrics is None:
        return None
    for key in _ALIASES[name]:
        value = metrics.get(key) if isinstance(metrics, Mapping) else getattr(metrics, key, None)
        start = None
        if value is not None and hasattr(value, "value"):
            start = getattr(getattr(value, "start", None), "value", None)
            value = value.value
        if isinstance(value, Mapping) and "seconds" in value:
            start, value = value.get("from"), value["seconds"]
        if isinstance(value, timedelta):
            return value, start
        if isinstance(value, int | float) and not isinstance(value, bool):
            return timedelta(seconds=value), start
    return None


def _metric_hints(record: IncidentRecord) -> list[Hint]:
    severity = record.incident.severity
    if record.metrics is None or severity is None:
        return []
    hints = []
    for name, (noun, verb, expectations) in _METRICS.items():
        found = metric_value(record.metrics, name)
        if found is None or found[0] < timedelta(0):
            continue
        took, start = found
        expected = expectations[severity]
        since = f" {_FROM[start]}" if start in _FROM else ""
        if took > expected:
            text = (f"{noun} took {duration(took)}{since}, above the {duration(expected)} "
                    f"expected for a {severity.value} incident.")
            hints.append(Hint("poorly", name, text))
        else:
            text = (f"{verb.capitalize()} {duration(took)}{since}, within the "
                    f"{duration(expected)} expected for a {severity.value} incident.")
            hints.append(Hint("well", name, text))
    return hints


def _quoted(comments: list[str]) -> str:
    said = [f"“{one_line(c, 80)}”" for c in comments if c.strip()]
    return f": {'; '.join(said)}" if said else ""


def _send_back_hints(record: IncidentRecord) -> list[Hint]:
    """Each gated phase sent back: how often, and the reviewers' comments (not their names)."""
    backs: dict[tuple[int, str], list[StoredDecision]] = defaultdict(list)
    for d in record.decisions:
        if d.verdict == "send_back":
            backs[(d.phase, d.outcome)].append(d)
    hints = []
    for (phase, outcome), decided in sorted(backs.items()):
        code = record.codes.get(phase, f"Phase {phase}")
        comments = _quoted([d.comment for d in decided])
        if outcome.casefold() == "mitigation insufficient":
            text = (f"The first mitigation was not enough: {code} was judged "
                    f"Mitigation insufficient {_times(len(decided))}{comments}.")
            hints.append(Hint("poorly", "mitigation_insufficient", text))
        else:
            text = f"{code} was sent back at its gate ({outcome}) {_times(len(decided))}{comments}."
            hints.append(Hint("poorly", "send_back", text))
    return hints


def _completed_at(record: IncidentRecord, code: str) -> datetime | None:
    """When an ungated phase was first completed, from its audit entry."""
    for event in record.events:
        if event.kind is EventKind.SYSTEM and event.text == f"{code} completed":
            return event.occurred_at
    return None


def update_dues(record: IncidentRecord) -> list[tuple[datetime, datetime | None]]:
    """Each INC-3 version's save time and the next update it promised (None: no time read)."""
    phases = {n for n, code in record.codes.items() if code == "INC-3"}
    versions = sorted((v for v in record.versions if v.phase in phases), key=lambda v: v.version)
    dues = []
    for version in versions:
        model = parse_artifact("INC-3", version.body)
        assert isinstance(model, StakeholderCommunication)
        dues.append((version.saved_at, next_update_at(model, version.saved_at)))
    return dues


def update_promises(
    dues: Sequence[tuple[datetime, datetime | None]], completed: datetime | None
) -> tuple[int, list[tuple[datetime, datetime]]]:
    """Was each next-update promise of INC-3 kept? (kept, [(due, came) for each late one]).

    `dues` is every INC-3 version in order, as (saved_at, promised next update). A
    promise is kept by the next version, or by INC-3's completion for the last one,
    arriving at most UPDATE_GRACE after it was due; one still pending is not counted.
    """
    kept, late = 0, []
    for index, (saved_at, due) in enumerate(dues):
        if due is None or due <= saved_at:
            continue
        if index + 1 < len(dues):
            came: datetime | None = dues[index + 1][0]
        else:
            came = completed if completed is not None and completed >= saved_at else None
        if came is None:
            continue  # still pending when the record was read
        if came - due > UPDATE_GRACE:
            late.append((due, came))
        else:
            kept += 1
    return kept, late


def _update_hints(record: IncidentRecord) -> list[Hint]:
    """Was each next-update promise of INC-3 kept by the next version or the completion?"""
    kept, late = update_promises(update_dues(record), _completed_at(record, "INC-3"))
    if late:
        worst = ", ".join(
            f"promised for {_clock(due)}, came {_clock(came)} ({duration(came - due)} late)"
            for due, came in late[:3]
        )
        text = (f"Stakeholder updates were late {len(late)} of {len(late) + kept} times "
                f"(INC-3 next update: {worst}).")
        return [Hint("poorly", "overdue_updates", text)]
    if kept:
        text = (f"Every stakeholder update promised in INC-3 came on time "
                f"({kept} update{'s' if kept > 1 else ''}).")
        return [Hint("well", "updates_on_time", text)]
    return []


def _versions_by_code(record: IncidentRecord, flag: str) -> dict[str, list[int]]:
    found: dict[str, list[int]] = defaultdict(list)
    for v in sorted(record.versions, key=lambda v: (v.phase, v.version)):
        if getattr(v, flag):
            found[record.codes.get(v.phase, f"Phase {v.phase}")].append(v.version)
    return found


def _list_versions(found: dict[str, list[int]]) -> str:
    return "; ".join(f"{code} " + ", ".join(f"v{n}" for n in numbers)
                     for code, numbers in found.items())


def _edit_hints(record: IncidentRecord) -> list[Hint]:
    hints = []
    amended = _versions_by_code(record, "after_approval")
    if amended:
        text = ("Findings kept arriving after the gates: "
                f"{' and '.join(amended)} changed after approval ({_list_versions(amended)}).")
        hints.append(Hint("lessons", "amended", text))
    conflicts = _versions_by_code(record, "conflict")
    if conflicts:
        count = sum(len(n) for n in conflicts.values())
        text = (f"Concurrent edits collided {_times(count)} "
                f"({_list_versions(conflicts)} saved on top of an older version; both kept).")
        hints.append(Hint("poorly", "conflicts", text))
    return hints


def _evidence_hints(record: IncidentRecord) -> list[Hint]:
    pins = [e for e in record.events if e.kind is EventKind.PIN and not e.removed]
    if len(pins) < MANY_PINS:
        return []
    sources = {e.source for e in pins if e.source}
    notes = sum(1 for e in record.events if e.kind is EventKind.NOTE and not e.removed)
    parts = [f"{len(pins)} log lines pinned"]
    if sources:
        parts[0] += f" from {len(sources)} source{'s' if len(sources) > 1 else ''}"
    if notes:
        parts.append(f"{notes} note{'s' if notes > 1 else ''}")
    text = f"Evidence was captured as it happened: {', '.join(parts)}."
    return [Hint("well", "evidence", text)]


def post_mortem_hints(record: IncidentRecord) -> list[Hint]:
    """Every hint the record supports: went well first, then poorly, then lessons."""
    hints = [
        *_metric_hints(record),
        *_send_back_hints(record),
        *_update_hints(record),
        *_edit_hints(record),
        *_evidence_hints(record),
    ]
    order = list(SECTION_HEADINGS)
    return sorted(hints, key=lambda h: order.index(h.section))


_LESSON_WORDS = re.compile(
    r"\b(?:lessons?|next time|should|must|needs? to|in future|going forward|"
    r"make sure|always|never again)\b", re.IGNORECASE)
_POORLY_WORDS = re.compile(
    r"\b(?:no|not|didn't|did not|wasn't|weren't|couldn't|slow\w*|late|missing|missed|"
    r"fail\w*|lost|hard|confus\w*|unclear|delay\w*|broke\w*|without|poor\w*|too)\b",
    re.IGNORECASE)


def infer_section(answer: str) -> HintSection:
    """Where a round-table answer most likely belongs; the reviewer can still choose."""
    if _LESSON_WORDS.search(answer):
        return "lessons"
    if _POORLY_WORDS.search(answer):
        return "poorly"
    return "well"


def insert_item(markdown: str, heading: str, item: str) -> str:
    """Add a bullet at the end of a section, dropping its template placeholders; once only.

    Everything else in the section stays as written. A section someone deleted
    is added back at the end (see replace_section).
    """
    item = " ".join(item.split())
    section = find_section(markdown, heading)
    body = section.body if section else ""
    if any(" ".join(i.text.split()) == item for i in list_items(body)):
        return markdown
    lines = [
        line for line in body.replace("\r\n", "\n").split("\n")
        if not (line.strip() and is_placeholder(strip_marker(line)))
    ]
    while lines and not lines[-1].strip():
        lines.pop()
    lines.append(f"- {item}")
    return replace_section(markdown, section.heading if section else heading, "\n".join(lines))
