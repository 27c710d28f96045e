"""Gate criteria: what the program checks, what the reviewer ticks, and when approval may pass.

Approving asserts every criterion holds. A criterion holds for the gate when
its automatic check passes, or when the reviewer ticks it: a criterion the
program cannot judge by a tick alone, a failed check only with a written reason
(a reviewer's judgment overrides a check, e.g. a blame word quoted on purpose,
and says why). No tick passes a section still holding the template.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from warroom.core.artifacts import CHECKS, CheckResult, parse_artifact
from warroom.core.checks import CheckContext
from warroom.core.markdown import (
    clean_text,
    find_placeholders,
    find_section,
    split_sections,
    strip_marker,
)
from warroom.core.vocabulary import Vocabulary, default_vocabulary
from warroom.core.workflow import PhaseSpec


@dataclass(frozen=True, slots=True)
class CriterionResult:
    """One approval criterion with the automatic check's result, if there is one."""

    number: int
    text: str
    auto: CheckResult | None

    @property
    def passed(self) -> bool | None:
        """True/False from the automatic check, None where only a reviewer can judge."""
        return None if self.auto is None else self.auto.passed


def evaluate_gate(
    phase: PhaseSpec,
    markdown: str,
    people: Iterable[str] = (),
    *,
    inputs: Mapping[str, str] | None = None,
    vocabulary: Vocabulary | None = None,
) -> list[CriterionResult]:
    """Run the automatic checks of a phase's gate on the artifact's Markdown.

    `people` are the names known to the incident (a name blamed in the
    post-mortem); `inputs` the earlier artifacts' Markdown by code, for the
    cross-checks (INC-5's action items against INC-4's systemic factors).
    """
    if phase.gate is None:
        return []
    vocab = vocabulary or default_vocabulary()
    model = parse_artifact(phase.artifact.code, markdown, vocab)
    context = CheckContext(people=tuple(people), inputs=dict(inputs or {}), vocabulary=vocab)
    return [
        CriterionResult(number=n, text=c.text,
                        auto=CHECKS[c.check](model, context) if c.check else None)
        for n, c in enumerate(phase.gate.criteria, start=1)
    ]


def unfilled_sections(template: str, markdown: str) -> list[str]:
    """The template's sections that are missing, empty or still hold its placeholders.

    A placeholder is a `<...>` token or a line that is only `...`; ticking a
    criterion cannot pass one, so the gate names them. Sections whose template
    body is only `###` subsections (INC-3's Message) are judged by those.
    """
    found = []
    for heading, level, body in _template_sections(template):
        section = find_section(markdown, heading, level)
        if section is None and level == 3:  # a subsection, inside whichever section holds it
            for parent in split_sections(markdown)[1]:
                if (section := find_section(parent.body, heading, 3)) is not None:
                    break
        if section is None:
            found.append(f"{heading} (missing)")
            continue
        text = section.body
        if level == 2 and not body.strip("\n").startswith("###"):
            text = re.split(r"^ {0,3}###\s", text, maxsplit=1, flags=re.MULTILINE)[0]
        if not clean_text(text):
            found.append(heading)
        elif find_placeholders(text) or any(
            _ELLIPSIS_LINE.match(strip_marker(line)) for line in text.splitlines()
        ):
            found.append(f"{heading} (placeholders left)")
    return found


_ELLIPSIS_LINE = re.compile(r"^\s*(?:\.{3,}|…)\s*$")


def _template_sections(template: str) -> list[tuple[str, int, str]]:
    """(heading, level, template body) of every section a person fills in."""
    out = []
    for section in split_sections(template)[1]:
        if section.body.strip().startswith("###"):
            out += [(sub.heading, 3, sub.body) for sub in split_sections(section.body, 3)[1]]
        else:
            out.append((section.heading, 2, section.body))
    return out


def approval_refusal(
    phase: PhaseSpec,
    results: list[CriterionResult],
    ticked: tuple[int, ...],
    overrides: Mapping[int, str] | None = None,
    unfilled: list[str] | None = None,
) -> str | None:
    """Why approval cannot pass yet, or None.

    Every section must be filled (a tick cannot pass a placeholder); every
    criterion must pass its automatic check, or be ticked by the reviewer: a
    criterion with no check by a tick alone, a failed check only with a written
    reason (`overrides`: criterion number to reason), which the decision log keeps.
    """
    code = phase.artifact.code
    if unfilled:
        return (f"cannot approve {code}: {', '.join(unfilled)} still "
                f"{'holds' if len(unfilled) == 1 else 'hold'} the template or nothing; fill "
                f"{'it' if len(unfilled) == 1 else 'them'} first (ticking a criterion cannot "
                "pass a placeholder)")
    reasons = {n: r.strip() for n, r in (overrides or {}).items() if r and r.strip()}
    unreasoned = [r for r in results
                  if r.passed is False and r.number in ticked and r.number not in reasons]
    if unreasoned:
        first = unreasoned[0]
        return (f"cannot approve {code}: criterion {first.number} \"{first.text}\" failed its "
                f"check ({first.auto.detail if first.auto else ''}); overriding it needs a "
                "written reason (the reason box in the gate dialog, or "
                f"--criterion '{first.number}: <why>' on the command line), kept in the decision "
                "log and the export")
    open_ = [r for r in results if r.passed is not True and r.number not in ticked]
    if not open_:
        return None
    first = open_[0]
    why = first.auto.detail if first.auto else "only a reviewer can judge it"
    rest = f" (and {len(open_) - 1} more)" if len(open_) > 1 else ""
    how = (f"--criterion {first.number}" if first.auto is None
           else f"--criterion '{first.number}: <why>'")
    return (
        f"cannot approve {code}: criterion {first.number} "
        f"\"{first.text}\" is not met: {why}{rest}; fix the artifact, or tick the criterion "
        f"as the reviewer (its box in the gate dialog, {how} on the "
        "command line) to approve on your judgment"
        + (", with the reason why" if first.auto is not None else "")
    )
