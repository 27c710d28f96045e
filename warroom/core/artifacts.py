"""Typed models of the six incident artifacts, read from the Markdown people edit.

Parsing never raises on what a person typed: whatever is missing, unreadable or
still a template placeholder is left empty and explained in `problems`, so the
gate checks and the header can use the artifact while it is half written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import ClassVar, Literal

from pydantic import BaseModel

from warroom.clock import parse_when
from warroom.core.checks import BLAME_WORDS as BLAME_WORDS
from warroom.core.checks import CHECKS, CheckContext, CheckResult
from warroom.core.checks import SPECULATIVE_WORDS as SPECULATIVE_WORDS
from warroom.core.markdown import (
    ARROW,
    DASH,
    SectionReader,
    clean_text,
    is_placeholder,
    labelled_values,
    normalize_heading,
    rsplit_dash,
    split_dash,
    split_sections,
    split_timestamp,
)
from warroom.core.measures import judge, read_metrics
from warroom.core.vocabulary import Vocabulary, phrase_regex

TEMPLATE_CODES = ("INC-1", "INC-2", "INC-3", "INC-4", "INC-5", "INC-6")

_PRIORITY = re.compile(r"^[\[(]?\s*(P\d)(?!\w)\s*[\])]?\s*[:.-]?\s*", re.IGNORECASE)
_OWNER_AT_END = re.compile(rf"(?:{DASH.pattern})?\s*(?<![\w.])@([A-Za-z0-9][\w.-]*)\s*$")
_OWNER_ANYWHERE = re.compile(r"(?<![\w.])@([A-Za-z0-9][\w.-]*)")
_OWNER_PLACEHOLDER = re.compile(rf"(?:{DASH.pattern})?\s*@?<[^<>\n]*>\s*$")
_TASK_PRIORITY = re.compile(r"^\[\s*(P[0-2])\s*\]\s*", re.IGNORECASE)  # only bracketed in INC-6
# "<event> (deploy log)", "<event> [source: grafana]", "<event>, source: app.log:88"
_TRAILING_SOURCE = re.compile(
    r"(?:\s*[(\[]\s*(?:source|src|from|via|per|see|evidence)?\s*:?\s*(?P<source>[^()\[\]\n]+?)"
    r"\s*[)\]]|[,;]?\s+(?:source|src|evidence|per)\s*:\s*(?P<source2>\S.*?))\s*$",
    re.IGNORECASE)
_DUE = re.compile(r"\s*\(\s*due\b[\s:]*([^()\n]*?)\s*\)\s*$", re.IGNORECASE)

Severity = Literal["Critical", "Major", "Minor"]
DataImpact = Literal["None", "Read degraded", "Write degraded", "Data loss"]
IncidentStatus = Literal["Ongoing", "Mitigated", "Resolved"]
MitigationStatus = Literal["Mitigated", "Partially mitigated", "Mitigation failed"]
CommsStatus = Literal["Mitigated", "Investigating", "Resolved"]
Priority = Literal["P0", "P1", "P2"]


def _bullets(items: list[str], placeholder: str, ordered: bool = False) -> str:
    """A Markdown list, or the template's placeholder lines when there is nothing to list."""
    if not items:
        return placeholder
    return "\n".join(f"{n}. {x}" if ordered else f"- {x}" for n, x in enumerate(items, 1))


class ArtifactModel(BaseModel):
    """What every artifact model carries: what is missing or unreadable, in plain words."""

    code: ClassVar[str]
    title: ClassVar[str]
    problems: list[str] = []

    def sections(self) -> list[tuple[str, str]]:
        """The (heading, body) pairs to render, in the template's order."""
        raise NotImplementedError


class TimelineEntry(BaseModel):
    """One known event of INC-1's timeline, as typed: "<timestamp> — <event>"."""

    timestamp: str
    event: str


class TriageAssessment(ArtifactModel):
    """INC-1: how bad it is, who it hurts, and what must happen now."""

    code: ClassVar[str] = "INC-1"
    title: ClassVar[str] = "Triage Assessment"
    severity: Severity | None = None
    users_affected: str | None = None
    services_affected: list[str] = []
    data_impact: DataImpact | None = None
    status: IncidentStatus | None = None
    timeline: list[TimelineEntry] = []
    initial_hypothesis: str | None = None
    immediate_actions: list[str] = []

    def sections(self) -> list[tuple[str, str]]:
        impact = (
            f"- **Users affected:** {self.users_affected or '<scope>'}\n"
            f"- **Services affected:** {', '.join(self.services_affected) or '<list>'}\n"
            "- **Data impact:** "
            f"{self.data_impact or '<None / Read degraded / Write degraded / Data loss>'}"
        )
        timeline = [f"{e.timestamp} — {e.event}" for e in self.timeline]
        return [
            ("Severity", self.severity or "<Critical / Major / Minor>"),
            ("Impact", impact),
            ("Status", self.status or "<Ongoing / Mitigated / Resolved>"),
            ("Timeline", _bullets(timeline, "- <timestamp> — <event>\n- ...")),
            ("Initial Hypothesis", self.initial_hypothesis
             or "<Best current understanding of what's happening>"),
            ("Immediate Actions Needed", _bullets(self.immediate_actions, "- <Action>\n- ...")),
        ]


def _impact_field(fields: dict[str, str], synonyms: tuple[str, ...]) -> tuple[str, str] | None:
    """The (label, value) of an Impact line whose label is one of `synonyms` (folded)."""
    for key, value in fields.items():
        if any(key == w or key.startswith(w + " ") for w in synonyms):
            return key, value
    return None


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.;!])\s+|\n+", text) if s.strip()]


def _parse_triage(r: SectionReader) -> TriageAssessment:
    v = r.vocabulary
    severity = r.choice("Severity", "severity")
    impact = r.body("Impact")
    fields = labelled_values(impact or "")
    labels = {kind: tuple(normalize_heading(w) for w in v.labels.get(kind, (kind,)))
              for kind in ("users", "services", "data")}
    found = {kind: _impact_field(fields, words) for kind, words in labels.items()}
    prose = clean_text(impact or "") if not any(found.values()) else ""
    users = services = data = None
    if prose:  # Impact written as sentences, not the template's three lines
        sentences = _sentences(prose)
        user_words = phrase_regex(v.labels.get("user_words", ()))
        users = next((s for s in sentences if user_words.search(s)), None)
        service_like = re.compile(r"\b\w+[-.]\w+\b|\b(?:service|api|system|database|app)s?\b",
                                  re.IGNORECASE)
        services = next((s for s in sentences if service_like.search(s)), None)
        data_words = re.compile(r"\b(?:data|reads?|writes?|lost|loss|corrupt\w*)\b", re.I)
        data = next((s for s in sentences if data_words.search(s)), None)
        for label, value in (("Users affected", users), ("Services affected", services),
                             ("Data impact", data)):
            if value is None:
                r.problems.append(f"Impact: the text does not say {label.lower()}")
    elif impact is not None:
        for kind, label in (("users", "Users affected"), ("services", "Services affected"),
                            ("data", "Data impact")):
            if found[kind] is None:
                r.problems.append(f"Impact: no “{label}:” line")
        users, services, data = ((found[k] or ("", None))[1] for k in ("users", "services", "data"))

    def answer(label: str, value: str | None) -> str | None:
        if value is None:
            return None
        if is_placeholder(value):
            r.unfilled(f"Impact: {label}", value)
            return None
        if not v.answered(value):
            r.problems.append(f"Impact: {label}: {value.strip()!r} is not an answer yet")
            return None
        return value.strip()

    users = answer("Users affected", users)
    services = answer("Services affected", services)
    data_impact = None
    if data is not None and not is_placeholder(data):
        data_impact = r.pick("Impact: Data impact", data, "data_impact")
    elif data is not None:
        r.unfilled("Impact: Data impact", data)
    status = r.choice("Status", "status")
    timeline = []
    for item in r.items("Timeline"):
        stamp, event = split_timestamp(item.text)
        if is_placeholder(stamp) or event is None or is_placeholder(event):
            r.part("Timeline", item.line, "“<timestamp> — <event>”", None)
        else:
            timeline.append(TimelineEntry(timestamp=stamp, event=event))
    hypothesis = r.text_of("Initial Hypothesis")
    return TriageAssessment(
        severity=severity,
        users_affected=users,
        services_affected=[
            s.strip() for s in re.split(r"[,;]", services or "") if not is_placeholder(s)
        ] if not prose else ([services] if services else []),
        data_impact=data_impact,
        status=status,
        timeline=timeline,
        initial_hypothesis=hypothesis if v.answered(hypothesis) else None,
        immediate_actions=_answered_items(r, "Immediate Actions"),
        problems=r.problems,
    )


def _answered_items(r: SectionReader, heading: str, *, nothing_counts: bool = False) -> list[str]:
    """A list section's entries that say something ("TBD", "None", "?" do not), noted if not."""
    kept = []
    for item in r.items(heading):
        if r.vocabulary.answered(item.text, nothing_counts=nothing_counts):
            kept.append(item.text)
        else:
            r.problems.append(f"{heading}: line {item.line} {item.text.strip()!r} "
                              "is not an answer yet")
    return kept


class MitigationStep(BaseModel):
    """One step taken and what it did: "<step> — <result>"."""

    step: str
    result: str | None = None


class Metric(BaseModel):
    """A number that shows the mitigation worked: "<metric> — <before> → <after>".

    `direction` is which way the metric's name says is better ("down" for an
    error rate, "up" for availability, None when the name does not say);
    `change` is "better", "worse" or "same" when the numbers and the direction tell.
    """

    name: str
    before: str | None = None
    after: str | None = None
    direction: str | None = None
    change: str | None = None


class MitigationReport(ArtifactModel):
    """INC-2: what was done to reduce impact, and the numbers that show it worked."""

    code: ClassVar[str] = "INC-2"
    title: ClassVar[str] = "Mitigation Report"
    strategy: str | None = None
    steps: list[MitigationStep] = []
    current_status: MitigationStatus | None = None
    metrics: list[Metric] = []
    residual_risk: str | None = None

    def sections(self) -> list[tuple[str, str]]:
        steps = [f"{s.step} — {s.result}" if s.result else s.step for s in self.steps]
        metrics = [
            f"{m.name} — {m.before or '<before>'} → {m.after or '<after>'}"
            if m.before or m.after else m.name
            for m in self.metrics
        ]
        return [
            ("Mitigation Strategy", self.strategy or "<What was done to reduce impact>"),
            ("Steps Taken", _bullets(steps, "1. <Step> — <result>\n2. <Step> — <result>\n...",
                                     True)),
            ("Current Status", self.current_status
             or "<Mitigated / Partially mitigated / Mitigation failed>"),
            ("Metrics", _bullets(metrics, "- <metric> — <before> → <after>\n- ...")),
            ("Residual Risk", self.residual_risk or "<Any remaining exposure>"),
        ]


def _parse_mitigation(r: SectionReader) -> MitigationReport:
    v = r.vocabulary
    strategy = r.text_of("Mitigation Strategy")
    if strategy is not None and not v.answered(strategy):
        r.problems.append(f"Mitigation Strategy: {strategy!r} is not an answer yet")
        strategy = None
    steps = []
    for item in r.items("Steps Taken"):
        parts = split_dash(item.text, 1)
        if not v.answered(parts[0]):
            r.problems.append(f"Steps Taken: line {item.line} {item.text!r} is not a step")
            continue
        result = r.part("Steps Taken", item.line, "result (“<step> — <result>”)",
                        parts[1] if len(parts) == 2 else None)
        steps.append(MitigationStep(step=parts[0], result=result))
    status = r.choice("Current Status", "mitigation")
    metrics = []
    body = r.body("Metrics")
    readings = read_metrics(body or "")
    for m in readings:
        if m.before is None and m.after is None:
            r.problems.append(f"Metrics: line {m.line} has no before → after")
            metrics.append(Metric(name=m.name))
            continue
        before = r.part("Metrics", m.line, "before value", m.before)
        after = r.part("Metrics", m.line, "after value", m.after)
        direction = v.direction(m.name)
        metrics.append(Metric(name=m.name or "metric", before=before, after=after,
                              direction=direction, change=judge(before, after, direction)))
    if body is not None and not readings:
        r.unfilled("Metrics", body)
    residual = r.text_of("Residual Risk")
    if residual is not None and not v.answered(residual, nothing_counts=True):
        r.problems.append(f"Residual Risk: {residual!r} is not an answer yet")
        residual = None
    return MitigationReport(
        strategy=strategy,
        steps=steps,
        current_status=status,
        metrics=metrics,
        residual_risk=residual,
        problems=r.problems,
    )


class StakeholderCommunication(ArtifactModel):
    """INC-3: the message to stakeholders, including when they hear from us next."""

    code: ClassVar[str] = "INC-3"
    title: ClassVar[str] = "Stakeholder Communication"
    audience: str | None = None
    what_happened: str | None = None
    current_status: CommsStatus | None = None
    what_were_doing: str | None = None
    next_update: str | None = None

    def sections(self) -> list[tuple[str, str]]:
        message = [
            ("What Happened", self.what_happened or "<Brief, non-technical summary>"),
            ("Current Status", self.current_status or "<Mitigated / Investigating / Resolved>"),
            ("What We're Doing", self.what_were_doing or "<Next steps>"),
            ("Next Update", self.next_update or "<When stakeholders will hear from us again>"),
        ]
        body = "\n\n".join(f"### {heading}\n{text}" for heading, text in message)
        return [("Audience", self.audience or "<Who is being notified>"), ("Message", f"\n{body}")]


_MESSAGE = ("What Happened", "Current Status", "What We're Doing", "Next Update")


def _parse_communication(r: SectionReader) -> StakeholderCommunication:
    return StakeholderCommunication(
        audience=r.text_of("Audience"),
        what_happened=r.text_of("What Happened"),
        current_status=r.choice("Current Status", "comms"),
        what_were_doing=r.text_of("What We're Doing"),
        next_update=r.text_of("Next Update"),
        problems=r.problems,
    )


_RELATIVE = re.compile(
    r"(?:^|\b(?:in|every)\s+)(\d+(?:\.\d+)?|an?|half an)\s*"
    r"(minutes?|mins?|m|hours?|hrs?|h)\b", re.IGNORECASE)
_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")
_CLOCK = re.compile(
    r"\b([01]?\d|2[0-3]):([0-5]\d)\s*(am|pm|a\.m\.|p\.m\.)?(?:\s*(?-i:([A-Z]{2,5}))\b)?",
    re.IGNORECASE)


def next_update_at(model: StakeholderCommunication, now: datetime) -> datetime | None:
    """When the next stakeholder update is due, read from INC-3's "Next Update" text.

    Understands an ISO-8601 time (UTC when no zone), "HH:MM" or "HH:MM UTC" (the
    next such time after `now`), and "in 30 minutes" / "in 1 hour" / "in 2h" / "30m"
    (from `now`). Anything else, including other time zones, gives None.
    """
    if now.tzinfo is None:
        raise ValueError("next_update_at needs a timezone-aware `now`")
    now = now.astimezone(UTC)
    text = (model.next_update or "").strip()
    if match := _ISO.search(text):
        try:
            return parse_when(match.group(0).replace(" ", "T", 1))
        except ValueError:
            return None
    if match := _RELATIVE.search(text):
        amount = {"a": 1.0, "an": 1.0, "half an": 0.5}.get(match[1].lower()) or float(match[1])
        return now + timedelta(minutes=amount * (60 if match[2][0] in "hH" else 1))
    if match := _CLOCK.search(text):
        hour, minute, meridiem, zone = int(match[1]), int(match[2]), match[3], match[4]
        if zone and zone.upper() not in ("UTC", "Z", "GMT"):
            return None
        if meridiem:
            if hour > 12:
                return None
            hour = hour % 12 + (12 if meridiem.lower().startswith("p") else 0)
        due = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
        return due if due > now else due + timedelta(days=1)
    return None


class SourcedTimelineEntry(BaseModel):
    """A timeline entry with its evidence: "<timestamp> — <event> — <source>"."""

    timestamp: str
    event: str
    source: str | None = None


class CausalLink(BaseModel):
    """One step of the causal chain: "<cause> → <effect>"."""

    cause: str
    effect: str


class RootCauseAnalysis(ArtifactModel):
    """INC-4: the evidenced chain from trigger to impact, and why it could happen."""

    code: ClassVar[str] = "INC-4"
    title: ClassVar[str] = "Root Cause Analysis"
    detailed_timeline: list[SourcedTimelineEntry] = []
    triggering_event: str | None = None
    causal_chain: list[CausalLink] = []
    root_cause: str | None = None
    contributing_factors: list[str] = []
    systemic_factors: list[str] = []

    def sections(self) -> list[tuple[str, str]]:
        timeline = [" — ".join(p for p in (e.timestamp, e.event, e.source) if p)
                    for e in self.detailed_timeline]
        chain = [f"{link.cause} → {link.effect}" for link in self.causal_chain]
        return [
            ("Detailed Timeline", _bullets(timeline, "- <timestamp> — <event> — <source>\n- ...")),
            ("Triggering Event", self.triggering_event or "<What set off the incident>"),
            ("Causal Chain", _bullets(
                chain, "1. <Cause> → <Effect>\n2. <Effect> → <Further effect>\n...", True)),
            ("Root Cause", self.root_cause or "<The fundamental issue>"),
            ("Contributing Factors", _bullets(self.contributing_factors, "- <Factor>\n- ...")),
            ("Systemic Factors", _bullets(
                self.systemic_factors, "- <What allowed this to happen or go undetected>\n- ...")),
        ]


def _parse_root_cause(r: SectionReader) -> RootCauseAnalysis:
    timeline = []
    for item in r.items("Detailed Timeline"):
        stamp, rest = split_timestamp(item.text)
        if is_placeholder(stamp) or rest is None or is_placeholder(rest):
            r.part("Detailed Timeline", item.line, "“<timestamp> — <event> — <source>”", None)
            continue
        event, source = rsplit_dash(rest)
        if source is None and (paren := _TRAILING_SOURCE.search(event)):
            event = event[: paren.start()].strip()
            source = (paren["source"] or paren["source2"]).strip()
        timeline.append(SourcedTimelineEntry(timestamp=stamp, event=event, source=r.part(
            "Detailed Timeline", item.line, "source", source)))
    trigger = r.text_of("Triggering Event")
    if trigger is not None and not r.vocabulary.answered(trigger):
        r.problems.append(f"Triggering Event: {trigger!r} is not an answer yet")
        trigger = None
    chain = []
    for item in r.items("Causal Chain"):
        steps = ARROW.split(item.text)
        if len(steps) < 2 or any(is_placeholder(step) for step in steps):
            r.problems.append(f"Causal Chain: line {item.line} has no “<cause> → <effect>”")
        else:
            chain += [CausalLink(cause=a.strip(), effect=b.strip()) for a, b in pairwise(steps)]
    root_cause = r.text_of("Root Cause")
    if root_cause is not None and not r.vocabulary.answered(root_cause):
        r.problems.append(f"Root Cause: {root_cause!r} is not an answer yet")
    return RootCauseAnalysis(
        detailed_timeline=timeline,
        triggering_event=trigger,
        causal_chain=chain,
        root_cause=root_cause if r.vocabulary.answered(root_cause) else None,
        contributing_factors=_answered_items(r, "Contributing Factors"),
        systemic_factors=_answered_items(r, "Systemic Factors"),
        problems=r.problems,
    )


class PostMortemAction(BaseModel):
    """A recommended action item: "[P0] <action> — <owner suggestion>"."""

    priority: Priority | None = None
    action: str
    owner: str | None = None


class PostMortemReport(ArtifactModel):
    """INC-5: the blameless review, its lessons and the prioritized follow-ups."""

    code: ClassVar[str] = "INC-5"
    title: ClassVar[str] = "Post-Mortem Report"
    summary: str | None = None
    went_well: list[str] = []
    went_poorly: list[str] = []
    lessons_learned: list[str] = []
    action_items: list[PostMortemAction] = []

    def sections(self) -> list[tuple[str, str]]:
        actions = [
            " — ".join(p for p in (f"[{a.priority}] {a.action}" if a.priority else a.action,
                                   a.owner) if p)
            for a in self.action_items
        ]
        return [
            ("Incident Summary", self.summary or "<One-paragraph summary>"),
            ("What Went Well", _bullets(self.went_well, "- <Item>\n- ...")),
            ("What Went Poorly", _bullets(self.went_poorly, "- <Item>\n- ...")),
            ("Lessons Learned", _bullets(self.lessons_learned, "- <Lesson>\n- ...")),
            ("Recommended Action Items", _bullets(actions, "\n".join(
                f"{n}. [P{n - 1}] <Action> — <owner suggestion>" for n in (1, 2, 3)) + "\n...",
                True)),
        ]


def _parse_post_mortem(r: SectionReader) -> PostMortemReport:
    summary = r.text_of("Incident Summary")
    lists = [_answered_items(r, h) for h in
             ("What Went Well", "What Went Poorly", "Lessons Learned")]
    actions = []
    label = "Recommended Action Items"
    items = r.items(label)
    for item in items:
        match = _PRIORITY.match(item.text)
        rest = item.text[match.end() :] if match else item.text
        if is_placeholder(rest):
            continue
        priority = match[1].upper() if match else None
        if priority not in ("P0", "P1", "P2"):
            found = f" ({priority} is not one)" if priority else ""
            r.problems.append(f"{label}: line {item.line} has no [P0]/[P1]/[P2] priority{found}")
            priority, rest = None, item.text  # keep an unknown "[P3]" where the reader sees it
        action, owner = rsplit_dash(rest)
        action = r.part(label, item.line, "action", action) or ""
        owner = None if owner is None or is_placeholder(owner) else owner
        actions.append(PostMortemAction(priority=priority, action=action, owner=owner))
    if items and not actions:
        r.unfilled(label, "<Action>")
    return PostMortemReport(summary=summary, went_well=lists[0], went_poorly=lists[1],
                            lessons_learned=lists[2], action_items=actions, problems=r.problems)


class TrackedAction(BaseModel):
    """A tracked task: "- [ ] <action> — @<owner>", optionally "[P0] " first and " (due …)" last."""

    done: bool = False
    action: str
    owner: str | None = None
    priority: Priority | None = None
    due: str | None = None

    def line(self) -> str:
        """The task as a Markdown list entry, the way `_parse_tracker` reads it back."""
        text = f"- [{'x' if self.done else ' '}] "
        text += f"[{self.priority}] " if self.priority else ""
        text += self.action + (f" — @{self.owner}" if self.owner else "")
        return text + (f" (due {self.due})" if self.due else "")


class ActionItemTracker(ArtifactModel):
    """INC-6: the follow-ups as trackable tasks, by horizon, with owners."""

    code: ClassVar[str] = "INC-6"
    title: ClassVar[str] = "Action Item Tracker"
    quick_wins: list[TrackedAction] = []
    short_term: list[TrackedAction] = []
    long_term: list[TrackedAction] = []
    post_mortem_document: str | None = None

    def sections(self) -> list[tuple[str, str]]:
        def tasks(items: list[TrackedAction]) -> str:
            return "\n".join(t.line() for t in items) or "- [ ] <Action> — @<owner>\n- ..."

        return [
            ("Quick Wins (do this week)", tasks(self.quick_wins)),
            ("Short-Term (do this sprint/cycle)", tasks(self.short_term)),
            ("Long-Term (schedule for planning)", tasks(self.long_term)),
            ("Post-Mortem Document", self.post_mortem_document
             or "<path or link to published post-mortem>"),
        ]


def _split_due(text: str) -> tuple[str, str | None]:
    """Take a trailing "(due 2026-12-04)" off a task: ("<rest>", "2026-12-04")."""
    match = _DUE.search(text)
    if match is None or is_placeholder(match[1]):
        return text, None
    return text[: match.start()].rstrip(), match[1]


def _parse_tracker(r: SectionReader) -> ActionItemTracker:
    horizons = []
    for heading in ("Quick Wins", "Short-Term", "Long-Term"):
        tasks = []
        for item in r.items(heading):
            text, due = _split_due(_OWNER_PLACEHOLDER.sub("", item.text))
            owner = None
            if match := _OWNER_AT_END.search(text):
                owner, text = match[1].rstrip("."), text[: match.start()].strip()
            elif match := _OWNER_ANYWHERE.search(text):
                owner = match[1].rstrip(".")
            if due is None:
                text, due = _split_due(text)
            priority = None
            if match := _TASK_PRIORITY.match(text):
                priority, text = match[1].upper(), text[match.end() :]
            if is_placeholder(text):
                continue
            if owner is None:
                r.problems.append(f"{heading}: line {item.line} has no @owner")
            tasks.append(TrackedAction(done=bool(item.checked), action=text, owner=owner,
                                       priority=priority, due=due))
        horizons.append(tasks)
    return ActionItemTracker(
        quick_wins=horizons[0],
        short_term=horizons[1],
        long_term=horizons[2],
        post_mortem_document=r.text_of("Post-Mortem Document"),
        problems=r.problems,
    )


_PARSERS: dict[str, Callable[[SectionReader], ArtifactModel]] = {
    "INC-1": _parse_triage, "INC-2": _parse_mitigation, "INC-3": _parse_communication,
    "INC-4": _parse_root_cause, "INC-5": _parse_post_mortem, "INC-6": _parse_tracker,
}


def parse_artifact(code: str, markdown: str, vocabulary: Vocabulary | None = None
                   ) -> ArtifactModel:
    """Read an artifact's Markdown into its model; never raises on the Markdown itself.

    Raises ValueError for an unknown `code`: that is a programming error.
    """
    if code not in _PARSERS:
        raise ValueError(f"unknown artifact code {code!r}; expected one of {TEMPLATE_CODES}")
    reader = SectionReader(markdown, _MESSAGE if code == "INC-3" else (), vocabulary)
    title = re.search(r"^#[ \t]*\[(INC-\d+)\]", split_sections(reader.text)[0], re.MULTILINE)
    if title and title[1] != code:
        reader.problems.append(f"Title: names {title[1]}, but this is {code}")
    return _PARSERS[code](reader)


def render_artifact(model: ArtifactModel) -> str:
    """Markdown in the template's shape; an empty field renders as its template placeholder."""
    parts = [f"# [{model.code}]: {model.title}"]
    parts += [f"## {heading}\n{body}" for heading, body in model.sections()]
    return "\n\n".join(parts) + "\n"


def run_checks(code: str, markdown: str, checks: list[str],
               context: CheckContext | None = None) -> list[CheckResult]:
    """Parse an artifact once and run the named automatic checks on it, in order.

    Raises ValueError for a check id no code implements (a workflow definition error).
    """
    unknown = [name for name in checks if name not in CHECKS]
    if unknown:
        raise ValueError(f"unknown check(s) {unknown}; known: {sorted(CHECKS)}")
    vocab = context.vocabulary if context else None
    model = parse_artifact(code, markdown, vocab)
    return [CHECKS[name](model, context) for name in checks]
