"""The automatic gate checks named in a workflow's criteria (`check = "..."`).

Each check reads one parsed artifact and answers with a short sentence a
reviewer can act on. What a program cannot judge stays with the reviewer.
Re-exported by `warroom.core.artifacts`, which also runs them on Markdown.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from warroom.core.blame import failure_subjects, vocabulary_of
from warroom.core.markdown import clean_text, split_sections
from warroom.core.vocabulary import Vocabulary, default_vocabulary, phrase_regex, stems, words

if TYPE_CHECKING:
    from warroom.core.artifacts import (
        ArtifactModel,
        MitigationReport,
        PostMortemReport,
        RootCauseAnalysis,
        TriageAssessment,
    )

#: Blame language a blameless post-mortem avoids (the shipped vocabulary's list).
BLAME_WORDS = default_vocabulary().blame_words
#: Hedging that makes a root cause a guess rather than a finding.
SPECULATIVE_WORDS = default_vocabulary().hedges

# "fault" is also plain engineering vocabulary; those senses are not blame.
_TECHNICAL_FAULT = re.compile(
    r"\b(?:page|seg(?:mentation)?|hardware|disk|network|bus|protection|general)\s+faults?\b"
    r"|\bfaults?[\s-]+(?:toleran\w*|injection|domains?|isolation|detection)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CheckContext:
    """What a check may know beyond the artifact: the incident's people, the earlier
    artifacts (Markdown by code, for cross-checks), and the vocabulary to read with."""

    people: tuple[str, ...] = ()
    inputs: Mapping[str, str] = field(default_factory=dict)
    vocabulary: Vocabulary = field(default_factory=default_vocabulary)


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one automatic gate check."""

    check: str
    passed: bool
    detail: str


CHECKS: dict[str, Callable[..., CheckResult]] = {}


def _check(code: str) -> Callable[[Callable[..., tuple[bool, str]]], Callable[..., CheckResult]]:
    """Register a check on one artifact; it returns (passed, detail)."""

    def register(judge: Callable[..., tuple[bool, str]]) -> Callable[..., CheckResult]:
        name = judge.__name__

        def run(model: ArtifactModel, context: CheckContext | None = None) -> CheckResult:
            if model.code != code:
                raise TypeError(f"check {name!r} reads {code}, not {model.code}")
            passed, detail = judge(model, context or CheckContext())
            return CheckResult(check=name, passed=passed, detail=detail)

        CHECKS[name] = run
        return run

    return register


def _count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {plural or noun + 's'}"


def _quote(text: str, limit: int = 50) -> str:
    flat = " ".join(text.split())
    return f"“{flat if len(flat) <= limit else flat[: limit - 1] + '…'}”"


def blame_words_in(text: str, vocabulary: Vocabulary | None = None) -> list[str]:
    """The blame words and phrases in `text`, lowercase, each once, in order of appearance.

    A negated one is not blame: "no one is to blame", "nobody was at fault".
    """
    vocab = vocabulary or default_vocabulary()
    cleaned = _TECHNICAL_FAULT.sub(" ", text)
    found = [
        re.sub(r"\s+", " ", m.group(0).lower())
        for m in phrase_regex(vocab.blame_words).finditer(cleaned)
        if not vocab.negated_at(cleaned, m.start())
    ]
    return list(dict.fromkeys(found))


# -- INC-1 ---------------------------------------------------------------------


_UNFILLED = (": still the template placeholder", ": empty", ": section missing")


def _problems(m: ArtifactModel, *prefixes: str) -> list[str]:
    """What the reader found wrong in the named sections, beyond "not filled yet" (the
    detail says that already), without the section's own name in front."""
    return [p.split(": ", 1)[1] if p.startswith(prefixes[:1]) and ": " in p else p
            for p in m.problems if p.startswith(prefixes) and not p.endswith(_UNFILLED)]


def _first_problem(m: ArtifactModel, *prefixes: str) -> str | None:
    return next(iter(_problems(m, *prefixes)), None)


@_check("INC-1")
def severity_assessed(m: TriageAssessment, ctx: CheckContext) -> tuple[bool, str]:
    if m.severity:
        return True, f"Severity is {m.severity}."
    why = _first_problem(m, "Severity")
    return False, f"Severity is not set: {why}." if why else (
        "Severity is not set to Critical, Major or Minor.")


@_check("INC-1")
def impact_understood(m: TriageAssessment, ctx: CheckContext) -> tuple[bool, str]:
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
        why = _problems(m, "Impact:")
        detail = f"Impact is not understood yet: missing {', '.join(missing)}"
        return False, detail + (f" ({'; '.join(why)})." if why else ".")
    return True, (f"Users affected ({_quote(m.users_affected or '', 30)}), services affected "
                  f"and data impact ({m.data_impact}) are filled.")


@_check("INC-1")
def immediate_actions_identified(m: TriageAssessment, ctx: CheckContext) -> tuple[bool, str]:
    if m.immediate_actions:
        return True, f"{_count(len(m.immediate_actions), 'immediate action')} listed."
    why = _first_problem(m, "Immediate Actions")
    return False, "No immediate action is listed yet" + (f" ({why})." if why else ".")


# -- INC-2 ---------------------------------------------------------------------


def _worse(m: MitigationReport) -> list[str]:
    return [f"{x.name} {x.before} → {x.after} went the wrong way (it should go "
            f"{x.direction})" for x in m.metrics if x.change == "worse"]


@_check("INC-2")
def impact_reduced(m: MitigationReport, ctx: CheckContext) -> tuple[bool, str]:
    if m.current_status is None:
        why = _first_problem(m, "Current Status")
        return False, ("Current status is not set (Mitigated / Partially mitigated / failed)"
                       + (f": {why}." if why else "."))
    if m.current_status == "Mitigation failed":
        return False, "Current status is Mitigation failed: user impact is not reduced."
    worse = _worse(m)
    better = [x for x in m.metrics if x.change == "better"]
    if worse and not better:
        return False, f"Current status is {m.current_status}, but {'; '.join(worse)}."
    if m.current_status == "Partially mitigated":
        return True, "Current status is Partially mitigated: impact reduced, not eliminated."
    return True, "Current status is Mitigated: user impact is reduced."


@_check("INC-2")
def verified_with_metrics(m: MitigationReport, ctx: CheckContext) -> tuple[bool, str]:
    complete = [x for x in m.metrics if x.before and x.after]
    if not complete:
        return False, "No metric has both a before and an after value."
    worse = _worse(m)
    if worse:
        return False, f"A metric got worse: {'; '.join(worse)}."
    moved = [x for x in complete if x.change != "same"]
    if not moved:
        return False, "No metric changed: the before and after values are the same."
    first = next((x for x in moved if x.change == "better"), moved[0])
    unjudged = [x.name for x in moved if x.change is None]
    note = (f"; direction not judged for {', '.join(unjudged)} (its name does not say which "
            "way is better)") if unjudged else ""
    return True, (
        f"{_count(len(complete), 'metric')} with before and after "
        f"(e.g. {first.name}: {first.before} → {first.after}){note}."
    )


@_check("INC-2")
def residual_risk_known(m: MitigationReport, ctx: CheckContext) -> tuple[bool, str]:
    if m.residual_risk:
        return True, "Residual risk is stated."
    why = _first_problem(m, "Residual Risk")
    if why and "not an answer" in why:
        return False, f"Residual risk is not known yet: {why}."
    return False, 'Residual risk is not stated (write "None" if nothing remains).'


# -- INC-4 ---------------------------------------------------------------------


@_check("INC-4")
def root_cause_definitive(m: RootCauseAnalysis, ctx: CheckContext) -> tuple[bool, str]:
    v = ctx.vocabulary
    if not m.root_cause:
        why = _first_problem(m, "Root Cause")
        return False, "Root cause is not written yet" + (f" ({why})." if why else ".")
    for where, text in (("Root cause", m.root_cause),
                        ("Triggering event", m.triggering_event or ""),
                        ("Causal chain", "\n".join(f"{c.cause} → {c.effect}"
                                                   for c in m.causal_chain))):
        if hedge := v.hedge_in(text):
            return False, f'{where} is speculative: it says "{hedge}".'
    said = words(m.root_cause)
    plain = " ".join(said).strip(" .")
    if plain in {x.lower() for x in v.vague_root_causes}:
        return False, (f"Root cause {_quote(m.root_cause)} names no mechanism: say what failed "
                       "and why.")
    if len(said) < v.root_cause_min_words:
        return False, (f"Root cause {_quote(m.root_cause)} is too short to say what failed and "
                       f"why ({len(said)} words; at least {v.root_cause_min_words}).")
    return True, "Root cause is stated without speculative wording."


@_check("INC-4")
def causal_chain_traceable(m: RootCauseAnalysis, ctx: CheckContext) -> tuple[bool, str]:
    v = ctx.vocabulary
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
    thin = [f"{_quote(c.cause, 25)} → {_quote(c.effect, 25)}" for c in m.causal_chain
            if min(len(words(c.cause)), len(words(c.effect))) < v.step_min_words]
    if thin:
        missing.append(f"{_count(len(thin), 'step')} name no mechanism ({thin[0]}: at least "
                       f"{v.step_min_words} words each side)")
    chain_text = " ".join(f"{c.cause} {c.effect}" for c in m.causal_chain)
    if m.causal_chain and m.triggering_event and not (
        stems(m.triggering_event) & stems(chain_text)
    ):
        missing.append("the chain does not start from the triggering event (no word in common)")
    if missing:
        return False, f"Causal chain is not traceable: {'; '.join(missing)}."
    return True, (
        f"{_count(len(m.causal_chain), 'cause → effect step')} from the triggering event; "
        f"{_count(len(m.detailed_timeline), 'timeline entry', 'timeline entries')}, "
        "each with a source."
    )


@_check("INC-4")
def factors_identified(m: RootCauseAnalysis, ctx: CheckContext) -> tuple[bool, str]:
    missing = [
        kind
        for kind, factors in (("contributing", m.contributing_factors),
                              ("systemic", m.systemic_factors))
        if not factors
    ]
    if missing:
        why = _first_problem(m, "Contributing Factors", "Systemic Factors")
        return False, (f"No {' and no '.join(missing)} factor identified"
                       + (f" ({why})." if why else "."))
    return True, (
        f"{_count(len(m.contributing_factors), 'contributing factor')} and "
        f"{_count(len(m.systemic_factors), 'systemic factor')} identified."
    )


# -- INC-5 ---------------------------------------------------------------------


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
    sections: list[tuple[str, str]], people: Iterable[str] = (),
    vocabulary: Vocabulary | None = None,
) -> list[Finding]:
    """Blame words, then names blamed, section by section, for (heading, text) pairs."""
    people = tuple(people)
    vocab = vocabulary or default_vocabulary()
    document = vocabulary_of("\n".join(text for _, text in sections))
    found: list[Finding] = []
    for name, text in sections:
        found += [Finding(name, word) for word in blame_words_in(text, vocab)]
        found += [
            Finding(name, s.name, s.verb, s.known)
            for s in failure_subjects(text, people, document, vocab)
        ]
    return found


def blame_findings(markdown: str, people: Iterable[str] = ()) -> list[Finding]:
    """Blame in any artifact's Markdown, each finding with the section it is in.

    `people` are the names known to the incident; without them only @mentions,
    roles standing for a person and capitalised words before a failure verb count.
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


@_check("INC-5")
def blameless(m: PostMortemReport, ctx: CheckContext) -> tuple[bool, str]:
    sections = _post_mortem_sections(m)
    if not any(text.strip() for _, text in sections):
        return False, "The post-mortem is not written yet."
    found = section_findings(sections, ctx.people, ctx.vocabulary)
    if found:
        return False, f"Blame language: {', '.join(f.describe() for f in found)}."
    return True, "No blame language found."


def blameless_with(m: PostMortemReport, people: Iterable[str]) -> CheckResult:
    """The blameless check, knowing the incident's people (the gate dialog and the guide)."""
    return CHECKS["blameless"](m, CheckContext(people=tuple(people)))


def _factors(inputs: Mapping[str, str], vocab: Vocabulary) -> list[str]:
    """INC-4's systemic factors, when the incident has an INC-4 to cross-check with."""
    from warroom.core.artifacts import parse_artifact  # the models import this module

    if "INC-4" not in inputs:
        return []
    rca = parse_artifact("INC-4", inputs["INC-4"], vocab)
    return list(getattr(rca, "systemic_factors", []))


def _addresses(action: str, factor: str) -> bool:
    shared = stems(action) & stems(factor)
    return len(shared) >= min(2, len(stems(factor)))


@_check("INC-5")
def action_items_prioritized(m: PostMortemReport, ctx: CheckContext) -> tuple[bool, str]:
    v = ctx.vocabulary
    items = m.action_items
    if not items:
        return False, "No recommended action item yet."
    problems = []
    unprioritized = [str(n) for n, a in enumerate(items, 1) if a.priority is None]
    if unprioritized:
        problems.append(f"item {', '.join(unprioritized)} has no [P0]/[P1]/[P2] priority")
    generic = {g.lower() for g in v.generic_owners}
    for n, a in enumerate(items, 1):
        if not a.action.strip():
            problems.append(f"item {n} has no action text")
        elif hollow := v.exhortation_in(a.action):
            problems.append(f'item {n} {_quote(a.action, 30)} is an exhortation ("{hollow}"), '
                            "not an action")
        elif len(words(a.action)) < v.action_min_words:
            problems.append(f"item {n} {_quote(a.action, 30)} is not concrete (a verb and what "
                            "it acts on)")
        owner = (a.owner or "").strip().lstrip("@").strip(" .").lower()
        if not owner:
            problems.append(f"item {n} has no owner")
        elif owner in generic or not v.answered(owner):
            problems.append(f"item {n}'s owner “{a.owner}” is nobody in particular; name a person "
                            "or a team")
    factors = _factors(ctx.inputs, v)
    open_ = [f for f in factors if not any(_addresses(a.action, f) for a in items)]
    if factors and len(open_) == len(factors):
        problems.append(f"no item addresses INC-4's systemic factors ({_quote(open_[0], 40)}"
                        + (f" and {len(open_) - 1} more" if len(open_) > 1 else "") + ")")
    if problems:
        return False, f"Action items: {'; '.join(problems)}."
    counts = Counter(a.priority for a in items)
    spread = ", ".join(f"{p}: {counts[p]}" for p in ("P0", "P1", "P2") if counts[p])
    note = (f"; not addressed: INC-4's {', '.join(_quote(f, 40) for f in open_)}"
            if open_ else "")
    return True, f"{_count(len(items), 'action item')}, all prioritized ({spread}){note}."


@_check("INC-5")
def lessons_learned(m: PostMortemReport, ctx: CheckContext) -> tuple[bool, str]:
    v = ctx.vocabulary
    if not m.lessons_learned:
        why = _first_problem(m, "Lessons Learned")
        return False, "No lesson learned is written yet" + (f" ({why})." if why else ".")
    weak = []
    for lesson in m.lessons_learned:
        if hollow := v.exhortation_in(lesson):
            weak.append(f'{_quote(lesson, 30)} is an exhortation ("{hollow}")')
        elif len(words(lesson)) < v.lesson_min_words:
            weak.append(f"{_quote(lesson, 30)} is too short to act on")
    if weak:
        return False, f"Lessons learned are not actionable: {'; '.join(weak)}."
    return True, f"{_count(len(m.lessons_learned), 'lesson')} learned."
