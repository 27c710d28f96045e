"""The automatic gate checks named in a workflow's criteria (`check = "..."`).

Each check reads one parsed artifact and answers with a short sentence a
reviewer can act on. What a program cannot judge stays with the reviewer.
Re-exported by `warroom.core.artifacts`, which also runs them on Markdown.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from warroom.core.blame import failure_subjects, vocabulary_of
from warroom.core.markdown import clean_text, split_sections

if TYPE_CHECKING:
    from warroom.core.artifacts import (
        ArtifactModel,
        MitigationReport,
        PostMortemReport,
        RootCauseAnalysis,
        TriageAssessment,
    )

#: Blame language a blameless post-mortem avoids; matched as whole words, any case.
BLAME_WORDS = (
    "fault", "at fault", "blame", "blamed", "blaming", "careless", "carelessness", "negligent",
    "negligence", "incompetent", "incompetence", "should have known", "human error",
    "screwed up", "stupid", "lazy", "sloppy", "reckless", "dropped the ball",
)
#: Hedging that makes a root cause a guess rather than a finding.
SPECULATIVE_WORDS = (
    "maybe", "might", "possibly", "probably", "perhaps", "likely", "we think", "could have",
    "unclear", "not sure", "TBD", "presumably", "we believe",
)


def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = sorted((r"\s+".join(map(re.escape, w.split())) for w in words), key=len)
    return re.compile(rf"\b(?:{'|'.join(reversed(alternatives))})\b", re.IGNORECASE)


_BLAME = _words_pattern(BLAME_WORDS)
# "fault" is also plain engineering vocabulary; those senses are not blame.
_TECHNICAL_FAULT = re.compile(
    r"\b(?:page|seg(?:mentation)?|hardware|disk|network|bus|protection|general)\s+faults?\b"
    r"|\bfaults?[\s-]+(?:toleran\w*|injection|domains?|isolation|detection)\b",
    re.IGNORECASE,
)
_SPECULATIVE = _words_pattern(SPECULATIVE_WORDS)


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one automatic gate check."""

    check: str
    passed: bool
    detail: str


CHECKS: dict[str, Callable[[ArtifactModel], CheckResult]] = {}


def _check(code: str) -> Callable[[Callable[[Any], tuple[bool, str]]], Callable[..., CheckResult]]:
    """Register a check on one artifact; it returns (passed, detail)."""

    def register(judge: Callable[[Any], tuple[bool, str]]) -> Callable[..., CheckResult]:
        name = judge.__name__

        def run(model: ArtifactModel) -> CheckResult:
            if model.code != code:
                raise TypeError(f"check {name!r} reads {code}, not {model.code}")
            passed, detail = judge(model)
            return CheckResult(check=name, passed=passed, detail=detail)

        CHECKS[name] = run
        return run

    return register


def _count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {plural or noun + 's'}"


def blame_words_in(text: str) -> list[str]:
    """The blame words and phrases in `text`, lowercase, each once, in order of appearance."""
    cleaned = _TECHNICAL_FAULT.sub(" ", text)
    found = [re.sub(r"\s+", " ", m.group(0).lower()) for m in _BLAME.finditer(cleaned)]
    return list(dict.fromkeys(found))


@_check("INC-1")
def severity_assessed(m: TriageAssessment) -> tuple[bool, str]:
    if m.severity:
        return True, f"Severity is {m.severity}."
    return False, "Severity is not set to Critical, Major or Minor."


@_check("INC-1")
def impact_understood(m: TriageAssessment) -> tuple[bool, str]:
    missing = [
        name
        for name, value in (
            ("users affected", m.users_affected),
            ("services affected", m.services_affected),
            ("data impact", m.data_impact),
        )
        if not value
    ]
    if missing:
        return False, f"Impact is missing: {', '.join(missing)}."
    return True, "Users affected, services affected and data impact are filled."


@_check("INC-1")
def immediate_actions_identified(m: TriageAssessment) -> tuple[bool, str]:
    if m.immediate_actions:
        return True, f"{_count(len(m.immediate_actions), 'immediate action')} listed."
    return False, "No immediate action is listed yet."


@_check("INC-2")
def impact_reduced(m: MitigationReport) -> tuple[bool, str]:
    if m.current_status is None:
        return False, "Current status is not set (Mitigated / Partially mitigated / failed)."
    if m.current_status == "Mitigation failed":
        return False, "Current status is Mitigation failed: user impact is not reduced."
    if m.current_status == "Partially mitigated":
        return True, "Current status is Partially mitigated: impact reduced, not eliminated."
    return True, "Current status is Mitigated: user impact is reduced."


@_check("INC-2")
def verified_with_metrics(m: MitigationReport) -> tuple[bool, str]:
    complete = [x for x in m.metrics if x.before and x.after]
    if not complete:
        return False, "No metric has both a before and an after value."
    first = complete[0]
    return True, (
        f"{_count(len(complete), 'metric')} with before and after "
        f"(e.g. {first.name}: {first.before} → {first.after})."
    )


@_check("INC-2")
def residual_risk_known(m: MitigationReport) -> tuple[bool, str]:
    if m.residual_risk:
        return True, "Residual risk is stated."
    return False, 'Residual risk is not stated (write "None" if nothing remains).'


@_check("INC-4")
def root_cause_definitive(m: RootCauseAnalysis) -> tuple[bool, str]:
    if not m.root_cause:
        return False, "Root cause is not written yet."
    if hedge := _SPECULATIVE.search(m.root_cause):
        return False, f'Root cause is speculative: it says "{hedge.group(0)}".'
    return True, "Root cause is stated without speculative wording."


@_check("INC-4")
def causal_chain_traceable(m: RootCauseAnalysis) -> tuple[bool, str]:
    missing = []
    if not m.causal_chain:
        missing.append("no cause → effect step in the causal chain")
    if not m.triggering_event:
        missing.append("no triggering event")
    if not m.detailed_timeline:
        missing.append("no entry in the detailed timeline")
    unsourced = sum(1 for entry in m.detailed_timeline if not entry.source)
    if unsourced:
        missing.append(
            f"{unsourced} of {len(m.detailed_timeline)} timeline entries have no source"
        )
    if missing:
        return False, f"Causal chain is not traceable: {'; '.join(missing)}."
    return True, (
        f"{_count(len(m.causal_chain), 'cause → effect step')} from the triggering event; "
        f"{_count(len(m.detailed_timeline), 'timeline entry', 'timeline entries')}, "
        "each with a source."
    )


@_check("INC-4")
def factors_identified(m: RootCauseAnalysis) -> tuple[bool, str]:
    missing = [
        kind
        for kind, factors in (("contributing", m.contributing_factors),
                              ("systemic", m.systemic_factors))
        if not factors
    ]
    if missing:
        return False, f"No {' and no '.join(missing)} factor identified."
    return True, (
        f"{_count(len(m.contributing_factors), 'contributing factor')} and "
        f"{_count(len(m.systemic_factors), 'systemic factor')} identified."
    )


@dataclass(frozen=True)
class Finding:
    """One piece of blame language in a post-mortem: a blame word, or a name blamed."""

    section: str
    phrase: str  # the blame word, or the name as written
    verb: str | None = None  # the failure a name is the subject of; None for a blame word
    known: bool = False  # a person known to the incident, not a capitalised-word guess

    def describe(self) -> str:
        if self.verb is None:
            return f'"{self.phrase}" in {self.section}'
        who = "" if self.known else "possible name "
        return f'{who}"{self.phrase}" as the subject of "{self.verb}" in {self.section}'


def section_findings(
    sections: list[tuple[str, str]], people: Iterable[str] = ()
) -> list[Finding]:
    """Blame words, then names blamed, section by section, for (heading, text) pairs."""
    people = tuple(people)
    vocabulary = vocabulary_of("\n".join(text for _, text in sections))
    found: list[Finding] = []
    for name, text in sections:
        found += [Finding(name, word) for word in blame_words_in(text)]
        found += [
            Finding(name, s.name, s.verb, s.known)
            for s in failure_subjects(text, people, vocabulary)
        ]
    return found


def blame_findings(markdown: str, people: Iterable[str] = ()) -> list[Finding]:
    """Blame in any artifact's Markdown, each finding with the section it is in.

    `people` are the names known to the incident; without them only @mentions
    and capitalised words before a failure verb count as names.
    """
    preamble, parts = split_sections(markdown)
    sections = [("Title", clean_text(re.sub(r"^\s*#\s.*$", "", preamble, flags=re.MULTILINE)))]
    sections += [(s.heading, clean_text(s.body)) for s in parts]
    return section_findings([(h, t) for h, t in sections if t.strip()], people)


def _post_mortem_sections(m: PostMortemReport) -> list[tuple[str, str]]:
    return [
        ("Incident Summary", m.summary or ""),
        ("What Went Well", "\n".join(m.went_well)),
        ("What Went Poorly", "\n".join(m.went_poorly)),
        ("Lessons Learned", "\n".join(m.lessons_learned)),
        ("Recommended Action Items",
         "\n".join(f"{a.action} — {a.owner or ''}" for a in m.action_items)),
    ]


def blameless_with(m: PostMortemReport, people: Iterable[str]) -> CheckResult:
    """The blameless check, knowing the incident's people (the gate dialog and the guide)."""
    if m.code != "INC-5":
        raise TypeError(f"check 'blameless' reads INC-5, not {m.code}")
    sections = _post_mortem_sections(m)
    if not any(text.strip() for _, text in sections):
        return CheckResult("blameless", False, "The post-mortem is not written yet.")
    found = section_findings(sections, people)
    if found:
        detail = f"Blame language: {', '.join(f.describe() for f in found)}."
        return CheckResult("blameless", False, detail)
    return CheckResult("blameless", True, "No blame language found.")


@_check("INC-5")
def blameless(m: PostMortemReport) -> tuple[bool, str]:
    result = blameless_with(m, ())
    return result.passed, result.detail


#: Checks that read the names of the people known to the incident, when the caller has them.
PEOPLE_CHECKS: dict[str, Callable[[ArtifactModel, Iterable[str]], CheckResult]] = {
    "blameless": blameless_with,  # type: ignore[dict-item]
}


@_check("INC-5")
def action_items_prioritized(m: PostMortemReport) -> tuple[bool, str]:
    items = m.action_items
    if not items:
        return False, "No recommended action item yet."
    unprioritized = [str(n) for n, a in enumerate(items, 1) if a.priority is None]
    empty = [str(n) for n, a in enumerate(items, 1) if not a.action.strip()]
    problems = []
    if unprioritized:
        problems.append(f"item {', '.join(unprioritized)} has no [P0]/[P1]/[P2] priority")
    if empty:
        problems.append(f"item {', '.join(empty)} has no action text")
    if problems:
        return False, f"Action items: {'; '.join(problems)}."
    counts = Counter(a.priority for a in items)
    spread = ", ".join(f"{p}: {counts[p]}" for p in ("P0", "P1", "P2") if counts[p])
    return True, f"{_count(len(items), 'action item')}, all prioritized ({spread})."


@_check("INC-5")
def lessons_learned(m: PostMortemReport) -> tuple[bool, str]:
    if m.lessons_learned:
        return True, f"{_count(len(m.lessons_learned), 'lesson')} learned."
    return False, "No lesson learned is written yet."
