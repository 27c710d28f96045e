"""Gate criteria: what the program checks, what the reviewer ticks, and when approval may pass.

Approving asserts every criterion holds. A criterion holds for the gate when
its automatic check passes, or when the reviewer ticks it (a reviewer's
judgment overrides a check, e.g. a blame word quoted on purpose). Criteria the
program cannot judge must be ticked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from warroom.core.artifacts import CHECKS, CheckResult, parse_artifact
from warroom.core.checks import PEOPLE_CHECKS
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
    phase: PhaseSpec, markdown: str, people: Iterable[str] = ()
) -> list[CriterionResult]:
    """Run the automatic checks of a phase's gate on the artifact's Markdown.

    `people` are the names known to the incident, for the checks that look for
    them (a name blamed in the post-mortem).
    """
    if phase.gate is None:
        return []
    model = parse_artifact(phase.artifact.code, markdown)
    people = tuple(people)

    def run(check: str) -> CheckResult:
        if people and check in PEOPLE_CHECKS:
            return PEOPLE_CHECKS[check](model, people)
        return CHECKS[check](model)

    return [
        CriterionResult(number=n, text=c.text, auto=run(c.check) if c.check else None)
        for n, c in enumerate(phase.gate.criteria, start=1)
    ]


def approval_refusal(
    phase: PhaseSpec, results: list[CriterionResult], ticked: tuple[int, ...]
) -> str | None:
    """Why approval cannot pass yet, or None: every criterion must pass or be ticked."""
    open_ = [r for r in results if r.passed is not True and r.number not in ticked]
    if not open_:
        return None
    first = open_[0]
    why = first.auto.detail if first.auto else "only a reviewer can judge it"
    rest = f" (and {len(open_) - 1} more)" if len(open_) > 1 else ""
    return (
        f"cannot approve {phase.artifact.code}: criterion {first.number} "
        f"\"{first.text}\" is not met: {why}{rest}; fix the artifact, or tick the criterion "
        f"as the reviewer (its box in the gate dialog, --criterion {first.number} on the "
        "command line) to approve on your judgment"
    )
