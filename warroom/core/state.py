"""The phase state machine: pure rules, no I/O.

Gates are hard stops: the phase after a gated phase stays locked until a named
reviewer approves. Ungated phases are completed, not approved. Every move is
checked here and refused with a reason a responder can act on; the store and
the UI only carry out what this module allows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from warroom.core.workflow import PhaseSpec, Workflow


class PhaseState(StrEnum):
    """Where a phase stands."""

    LOCKED = "locked"
    ACTIVE = "active"
    IN_REVIEW = "in_review"
    REVISE = "revise"
    APPROVED = "approved"
    COMPLETED = "completed"
    AMENDED = "amended"

    @property
    def label(self) -> str:
        return {
            PhaseState.IN_REVIEW: "in review",
            PhaseState.AMENDED: "amended: needs re-review",
        }.get(self, self.value)

    @property
    def passed(self) -> bool:
        """True once the phase no longer holds the next one back."""
        return self in _PASSED


_PASSED = frozenset({PhaseState.APPROVED, PhaseState.COMPLETED, PhaseState.AMENDED})
_WORKABLE = frozenset({PhaseState.ACTIVE, PhaseState.REVISE})


class Verdict(StrEnum):
    """The two ways a gate can be decided."""

    APPROVE = "approve"
    SEND_BACK = "send_back"


class TransitionError(ValueError):
    """A move the workflow does not allow; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class GateDecision:
    """One reviewer's decision at a gate; recorded once, never rewritten."""

    phase: int
    verdict: Verdict
    outcome: str  # the seed's name: "Approved", "Revise", "Mitigation insufficient"
    reviewer: str
    decided_at: datetime
    criteria_ticked: tuple[int, ...] = ()
    comment: str = ""
    overrides: Mapping[int, str] = field(default_factory=dict)  # criterion -> written reason


@dataclass(frozen=True, slots=True)
class Change:
    """One phase moving from one state to another."""

    phase: int
    before: PhaseState
    after: PhaseState


@dataclass(frozen=True, slots=True)
class Transition:
    """The result of an allowed move: the state changes and a line for the audit log."""

    changes: tuple[Change, ...]
    summary: str
    decision: GateDecision | None = None
    states: dict[int, PhaseState] = field(default_factory=dict)


def initial_states(workflow: Workflow) -> dict[int, PhaseState]:
    """A new incident: phase 1 active, the rest locked."""
    return {
        p.number: PhaseState.ACTIVE if p.number == 1 else PhaseState.LOCKED
        for p in workflow.phases
    }


class PhaseMachine:
    """Applies workflow moves to one incident's phase states."""

    def __init__(self, workflow: Workflow, states: Mapping[int, PhaseState]) -> None:
        self.workflow = workflow
        self.states: dict[int, PhaseState] = {
            p.number: PhaseState(states.get(p.number, PhaseState.LOCKED)) for p in workflow.phases
        }

    # -- questions -----------------------------------------------------------

    def state(self, number: int) -> PhaseState:
        self.workflow.phase(number)
        return self.states[number]

    def current_phase(self) -> int:
        """The phase a responder should be working on: the first not yet passed."""
        for p in self.workflow.phases:
            if not self.states[p.number].passed:
                return p.number
        return self.workflow.phases[-1].number

    def edit_refusal(self, number: int) -> str | None:
        """Why the phase's artifact may not be edited now, or None if it may."""
        phase = self.workflow.phase(number)
        if self.states[number] is PhaseState.LOCKED:
            if number == 1:
                return f"{phase.artifact.code} is locked"
            before = self.workflow.phase(number - 1)
            how = "approved" if before.gated else "completed"
            return (
                f"{phase.artifact.code} is locked until phase {before.number} "
                f"({before.name}) is {how}"
            )
        return None

    # -- moves ---------------------------------------------------------------

    def submit(self, number: int) -> Transition:
        """Present a gated phase's artifact for review."""
        phase = self._gated(number, "submitted for review")
        state = self.states[number]
        if state is PhaseState.IN_REVIEW:
            raise TransitionError(f"{phase.artifact.code} is already in review")
        if state is PhaseState.APPROVED:
            raise TransitionError(
                f"{phase.artifact.code} is already approved; an edit makes it amended, "
                "which can be reviewed again"
            )
        if state not in (*_WORKABLE, PhaseState.AMENDED):
            raise self._refuse(phase, "submitted for review")
        return self._apply(
            [(number, PhaseState.IN_REVIEW)], f"{phase.artifact.code} submitted for review"
        )

    def decide(
        self,
        number: int,
        verdict: Verdict,
        *,
        reviewer: str,
        at: datetime,
        criteria_ticked: tuple[int, ...] = (),
        comment: str = "",
        overrides: Mapping[int, str] | None = None,
    ) -> Transition:
        """Record a reviewer's decision at the gate of a phase that is in review.

        `overrides` are the reasons the reviewer wrote for ticking criteria whose
        automatic check failed (each reason ticks its criterion too).
        """
        phase = self._gated(number, "decided at a gate")
        assert phase.gate is not None
        state = self.states[number]
        if state is not PhaseState.IN_REVIEW:
            if state in _PASSED and verdict is Verdict.APPROVE:
                raise TransitionError(f"{phase.artifact.code} is already approved")
            raise TransitionError(
                f"{phase.artifact.code} is {state.label}, not in review; submit it for review first"
            )
        if not reviewer.strip():
            raise TransitionError("a gate decision needs the reviewer's name")
        if at.tzinfo is None:
            raise TransitionError("a decision time must be timezone-aware")
        count = len(phase.gate.criteria)
        reasons = {n: r.strip() for n, r in (overrides or {}).items() if r and r.strip()}
        criteria_ticked = (*criteria_ticked, *reasons)
        bad = [n for n in criteria_ticked if not 1 <= n <= count]
        if bad:
            raise TransitionError(
                f"{phase.artifact.code} has criteria 1..{count}; no criterion {bad[0]}"
            )
        if verdict is Verdict.SEND_BACK and not comment.strip():
            raise TransitionError(
                f"sending {phase.artifact.code} back ({phase.gate.send_back.label}) "
                "needs a comment saying what to change"
            )
        outcome = (phase.gate.approve if verdict is Verdict.APPROVE else phase.gate.send_back).label
        decision = GateDecision(
            phase=number,
            verdict=verdict,
            outcome=outcome,
            reviewer=reviewer.strip(),
            decided_at=at,
            criteria_ticked=tuple(sorted(set(criteria_ticked))),
            comment=comment.strip(),
            overrides=dict(sorted(reasons.items())) if verdict is Verdict.APPROVE else {},
        )
        moves = [(number, PhaseState.APPROVED if verdict is Verdict.APPROVE else PhaseState.REVISE)]
        if verdict is Verdict.APPROVE:
            moves += self._unlock_next(number)
        summary = f"{phase.artifact.code} {outcome} by {decision.reviewer}"
        if decision.comment:
            summary += f": {decision.comment}"
        for n, reason in decision.overrides.items():
            summary += f"; criterion {n} overridden by {decision.reviewer}: {reason}"
        return self._apply(moves, summary, decision)

    def complete(self, number: int) -> Transition:
        """Mark an ungated phase complete, unlocking the next."""
        phase = self.workflow.phase(number)
        if phase.gated:
            raise TransitionError(
                f"{phase.artifact.code} has a gate: it is approved by a reviewer, not completed"
            )
        state = self.states[number]
        if state in _PASSED:
            raise TransitionError(f"{phase.artifact.code} is already {state.label}")
        if state not in _WORKABLE:
            raise self._refuse(phase, "completed")
        moves = [(number, PhaseState.COMPLETED), *self._unlock_next(number)]
        return self._apply(moves, f"{phase.artifact.code} completed")

    def edited(self, number: int) -> Transition | None:
        """An artifact was saved; an edit after approval marks it amended."""
        refusal = self.edit_refusal(number)
        if refusal:
            raise TransitionError(refusal)
        if self.states[number] in (PhaseState.APPROVED, PhaseState.COMPLETED):
            code = self.workflow.phase(number).artifact.code
            return self._apply([(number, PhaseState.AMENDED)],
                               f"{code} amended after approval: needs re-review")
        return None

    # -- helpers -------------------------------------------------------------

    def _gated(self, number: int, what: str) -> PhaseSpec:
        phase = self.workflow.phase(number)
        if not phase.gated:
            raise TransitionError(
                f"{phase.artifact.code} has no gate: it is completed, not {what}"
            )
        if self.states[number] is PhaseState.LOCKED:
            raise TransitionError(self.edit_refusal(number) or "locked")
        return phase

    def _refuse(self, phase: PhaseSpec, what: str) -> TransitionError:
        state = self.states[phase.number]
        if state is PhaseState.LOCKED:
            return TransitionError(self.edit_refusal(phase.number) or "locked")
        return TransitionError(f"{phase.artifact.code} is {state.label} and cannot be {what}")

    def _unlock_next(self, number: int) -> list[tuple[int, PhaseState]]:
        if number < len(self.workflow.phases) and self.states[number + 1] is PhaseState.LOCKED:
            return [(number + 1, PhaseState.ACTIVE)]
        return []

    def _apply(
        self,
        moves: list[tuple[int, PhaseState]],
        summary: str,
        decision: GateDecision | None = None,
    ) -> Transition:
        changes = tuple(Change(n, self.states[n], after) for n, after in moves)
        for change in changes:
            self.states[change.phase] = change.after
        return Transition(changes, summary, decision, dict(self.states))
