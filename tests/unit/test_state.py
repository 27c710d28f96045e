"""The phase state machine on the default incident-response workflow.

Every move (submit, decide, complete, edited) is tried from every state it can
meet: the allowed ones must change exactly the phases they should, the refused
ones must raise TransitionError with an actionable reason and change nothing.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest

from warroom.core.state import (
    Change,
    GateDecision,
    PhaseMachine,
    PhaseState,
    Transition,
    TransitionError,
    Verdict,
    initial_states,
)
from warroom.core.workflow import default_workflow

WF = default_workflow()
AT = datetime(2026, 11, 27, tzinfo=UTC)
S = PhaseState

GATED = [1, 2, 4, 5]
UNGATED = [3, 6]
ALL_PHASES = [1, 2, 3, 4, 5, 6]

NAMES = {1: "Triage", 2: "Mitigate", 3: "Communicate", 4: "Root Cause", 5: "Post-Mortem"}
SEND_BACK_LABEL = {1: "Revise", 2: "Mitigation insufficient", 4: "Revise", 5: "Revise"}
# What the phase before a locked phase must be for it to open.
LOCKED_REASON = {
    2: "INC-2 is locked until phase 1 (Triage) is approved",
    3: "INC-3 is locked until phase 2 (Mitigate) is approved",
    4: "INC-4 is locked until phase 3 (Communicate) is completed",
    5: "INC-5 is locked until phase 4 (Root Cause) is approved",
    6: "INC-6 is locked until phase 5 (Post-Mortem) is approved",
}


def passed_state(number: int) -> PhaseState:
    return S.APPROVED if number in GATED else S.COMPLETED


def states_at(number: int, state: PhaseState) -> dict[int, PhaseState]:
    """Phases before `number` passed, `number` in `state`, the rest locked."""
    return {
        n: passed_state(n) if n < number else state if n == number else S.LOCKED for n in ALL_PHASES
    }


def machine_at(number: int, state: PhaseState) -> PhaseMachine:
    return PhaseMachine(WF, states_at(number, state))


def approve(m: PhaseMachine, number: int, reviewer: str = "Dana", **kw) -> Transition:
    return m.decide(number, Verdict.APPROVE, reviewer=reviewer, at=AT, **kw)


def send_back(m: PhaseMachine, number: int, comment: str = "more detail", **kw) -> Transition:
    return m.decide(number, Verdict.SEND_BACK, reviewer="Dana", at=AT, comment=comment, **kw)


def refused(m: PhaseMachine, move, *args, match: str | None = None, **kw) -> str:
    """Run a move that must be refused; check it left every state as it was."""
    before = dict(m.states)
    with pytest.raises(TransitionError, match=match) as info:
        move(*args, **kw)
    assert m.states == before, "a refused move must not change any state"
    return str(info.value)


def pass_phase(m: PhaseMachine, number: int) -> None:
    if number in GATED:
        m.submit(number)
        approve(m, number)
    else:
        m.complete(number)


# -- PhaseState, Verdict, initial states ------------------------------------------


def test_phase_state_values():
    assert [s.value for s in PhaseState] == [
        "locked",
        "active",
        "in_review",
        "revise",
        "approved",
        "completed",
        "amended",
    ]
    assert Verdict.APPROVE == "approve"
    assert Verdict.SEND_BACK == "send_back"


@pytest.mark.parametrize(
    ("state", "label"),
    [
        (S.LOCKED, "locked"),
        (S.ACTIVE, "active"),
        (S.IN_REVIEW, "in review"),
        (S.REVISE, "revise"),
        (S.APPROVED, "approved"),
        (S.COMPLETED, "completed"),
        (S.AMENDED, "amended: needs re-review"),
    ],
)
def test_phase_state_label(state, label):
    assert state.label == label


@pytest.mark.parametrize(
    ("state", "passed"),
    [
        (S.LOCKED, False),
        (S.ACTIVE, False),
        (S.IN_REVIEW, False),
        (S.REVISE, False),
        (S.APPROVED, True),
        (S.COMPLETED, True),
        (S.AMENDED, True),
    ],
)
def test_phase_state_passed(state, passed):
    assert state.passed is passed


def test_initial_states_phase_1_active_rest_locked():
    assert initial_states(WF) == {
        1: S.ACTIVE,
        2: S.LOCKED,
        3: S.LOCKED,
        4: S.LOCKED,
        5: S.LOCKED,
        6: S.LOCKED,
    }


def test_new_machine_from_initial_states():
    m = PhaseMachine(WF, initial_states(WF))
    assert [m.state(n) for n in ALL_PHASES] == [S.ACTIVE] + [S.LOCKED] * 5
    assert m.current_phase() == 1


def test_machine_coerces_strings_and_defaults_missing_to_locked():
    m = PhaseMachine(WF, {1: "approved", 2: "active"})  # type: ignore[dict-item]
    assert m.states == {
        1: S.APPROVED,
        2: S.ACTIVE,
        3: S.LOCKED,
        4: S.LOCKED,
        5: S.LOCKED,
        6: S.LOCKED,
    }
    assert all(type(s) is PhaseState for s in m.states.values())


def test_machine_copies_the_states_it_is_given():
    given = initial_states(WF)
    m = PhaseMachine(WF, given)
    m.submit(1)
    assert given[1] is S.ACTIVE
    assert m.state(1) is S.IN_REVIEW


def test_machine_rejects_an_unknown_state():
    with pytest.raises(ValueError, match="bogus"):
        PhaseMachine(WF, {1: "bogus"})  # type: ignore[dict-item]


@pytest.mark.parametrize("number", [0, 7, -1])
def test_state_of_an_unknown_phase_raises_key_error(number):
    m = PhaseMachine(WF, initial_states(WF))
    with pytest.raises(KeyError):
        m.state(number)


# -- submit ------------------------------------------------------------------------


@pytest.mark.parametrize("number", GATED)
@pytest.mark.parametrize("state", [S.ACTIVE, S.REVISE, S.AMENDED])
def test_submit_goes_to_in_review(number, state):
    m = machine_at(number, state)
    before = dict(m.states)
    t = m.submit(number)
    assert m.state(number) is S.IN_REVIEW
    assert t.changes == (Change(number, state, S.IN_REVIEW),)
    assert t.summary == f"INC-{number} submitted for review"
    assert t.decision is None
    assert t.states == {**before, number: S.IN_REVIEW}


@pytest.mark.parametrize("number", GATED)
def test_submit_refused_when_already_in_review(number):
    m = machine_at(number, S.IN_REVIEW)
    assert refused(m, m.submit, number) == f"INC-{number} is already in review"


@pytest.mark.parametrize("number", GATED)
def test_submit_refused_when_approved(number):
    m = machine_at(number, S.APPROVED)
    message = refused(m, m.submit, number)
    assert message.startswith(f"INC-{number} is already approved")
    assert "amended" in message


@pytest.mark.parametrize("number", GATED)
def test_submit_refused_when_completed(number):
    m = machine_at(number, S.COMPLETED)
    message = refused(m, m.submit, number)
    assert message == f"INC-{number} is completed and cannot be submitted for review"


@pytest.mark.parametrize("number", [2, 4, 5])
def test_submit_refused_when_locked(number):
    m = PhaseMachine(WF, initial_states(WF))
    assert refused(m, m.submit, number) == LOCKED_REASON[number]


@pytest.mark.parametrize("number", UNGATED)
@pytest.mark.parametrize("state", list(PhaseState))
def test_submit_refused_on_ungated_phases(number, state):
    m = machine_at(number, state)
    message = refused(m, m.submit, number)
    assert message == f"INC-{number} has no gate: it is completed, not submitted for review"


def test_locked_phase_1_is_refused_not_crashed():
    m = PhaseMachine(WF, {})
    assert m.state(1) is S.LOCKED
    refused(m, m.submit, 1)


# -- decide: approve ---------------------------------------------------------------


@pytest.mark.parametrize("number", GATED)
def test_approve_from_in_review_unlocks_the_next_phase_only(number):
    m = machine_at(number, S.IN_REVIEW)
    before = dict(m.states)
    t = approve(m, number)
    assert m.state(number) is S.APPROVED
    assert m.state(number + 1) is S.ACTIVE
    assert t.changes == (
        Change(number, S.IN_REVIEW, S.APPROVED),
        Change(number + 1, S.LOCKED, S.ACTIVE),
    )
    expected = {**before, number: S.APPROVED, number + 1: S.ACTIVE}
    assert m.states == expected
    assert t.states == expected
    for other in ALL_PHASES:
        if other > number + 1:
            assert m.state(other) is S.LOCKED


@pytest.mark.parametrize("number", GATED)
def test_approve_outcome_is_named_approved(number):
    m = machine_at(number, S.IN_REVIEW)
    t = approve(m, number, reviewer="Dana Kim")
    assert t.decision is not None
    assert t.decision.outcome == "Approved"
    assert t.decision.verdict is Verdict.APPROVE
    assert t.summary == f"INC-{number} Approved by Dana Kim"


def test_approve_with_comment_puts_it_in_the_summary():
    m = machine_at(1, S.IN_REVIEW)
    t = approve(m, 1, comment="  good triage  ")
    assert t.summary == "INC-1 Approved by Dana: good triage"
    assert t.decision is not None
    assert t.decision.comment == "good triage"


def test_approve_does_not_touch_a_next_phase_that_is_already_open():
    # INC-1 amended after INC-2 was already opened and sent for review.
    m = PhaseMachine(WF, {1: S.AMENDED, 2: S.IN_REVIEW})
    m.submit(1)
    t = approve(m, 1)
    assert t.changes == (Change(1, S.IN_REVIEW, S.APPROVED),)
    assert m.states == {
        1: S.APPROVED,
        2: S.IN_REVIEW,
        3: S.LOCKED,
        4: S.LOCKED,
        5: S.LOCKED,
        6: S.LOCKED,
    }


def test_approve_phase_5_unlocks_phase_6():
    m = machine_at(5, S.IN_REVIEW)
    approve(m, 5)
    assert m.state(6) is S.ACTIVE
    assert m.current_phase() == 6


@pytest.mark.parametrize("number", GATED)
@pytest.mark.parametrize("state", [S.APPROVED, S.AMENDED, S.COMPLETED])
def test_approve_refused_when_already_passed(number, state):
    m = machine_at(number, state)
    assert refused(m, approve, m, number) == f"INC-{number} is already approved"


# -- decide: send back -------------------------------------------------------------


@pytest.mark.parametrize("number", GATED)
def test_send_back_goes_to_revise_and_unlocks_nothing(number):
    m = machine_at(number, S.IN_REVIEW)
    before = dict(m.states)
    t = send_back(m, number, comment="error rate still 5%")
    assert m.state(number) is S.REVISE
    assert m.state(number + 1) is S.LOCKED
    assert t.changes == (Change(number, S.IN_REVIEW, S.REVISE),)
    assert m.states == {**before, number: S.REVISE}
    assert t.decision is not None
    assert t.decision.verdict is Verdict.SEND_BACK
    assert t.decision.outcome == SEND_BACK_LABEL[number]
    assert t.summary == f"INC-{number} {SEND_BACK_LABEL[number]} by Dana: error rate still 5%"


def test_phase_2_send_back_is_named_mitigation_insufficient():
    m = machine_at(2, S.IN_REVIEW)
    t = send_back(m, 2, comment="p99 latency still high")
    assert t.decision is not None
    assert t.decision.outcome == "Mitigation insufficient"
    assert t.summary == "INC-2 Mitigation insufficient by Dana: p99 latency still high"


@pytest.mark.parametrize("number", [1, 4, 5])
def test_other_send_backs_are_named_revise(number):
    m = machine_at(number, S.IN_REVIEW)
    t = send_back(m, number)
    assert t.decision is not None
    assert t.decision.outcome == "Revise"


@pytest.mark.parametrize("number", GATED)
@pytest.mark.parametrize("comment", ["", " ", "   \t\n  "])
def test_send_back_needs_a_non_empty_comment(number, comment):
    m = machine_at(number, S.IN_REVIEW)
    message = refused(m, send_back, m, number, comment=comment)
    assert message == (
        f"sending INC-{number} back ({SEND_BACK_LABEL[number]}) "
        "needs a comment saying what to change"
    )


def test_approve_needs_no_comment():
    m = machine_at(1, S.IN_REVIEW)
    t = approve(m, 1)
    assert t.decision is not None
    assert t.decision.comment == ""


@pytest.mark.parametrize("number", GATED)
@pytest.mark.parametrize("state", [S.APPROVED, S.AMENDED])
def test_send_back_refused_after_approval(number, state):
    m = machine_at(number, state)
    message = refused(m, send_back, m, number)
    assert message == f"INC-{number} is {state.label}, not in review; submit it for review first"


# -- decide: refusals --------------------------------------------------------------


@pytest.mark.parametrize("number", GATED)
@pytest.mark.parametrize("verdict", list(Verdict))
@pytest.mark.parametrize("state", [S.ACTIVE, S.REVISE])
def test_decide_refused_when_not_in_review(number, verdict, state):
    m = machine_at(number, state)
    message = refused(m, m.decide, number, verdict, reviewer="Dana", at=AT, comment="why")
    assert message == f"INC-{number} is {state.label}, not in review; submit it for review first"


@pytest.mark.parametrize("number", [2, 4, 5])
@pytest.mark.parametrize("verdict", list(Verdict))
def test_decide_refused_on_a_locked_phase_names_the_phase_to_pass(number, verdict):
    m = machine_at(number - 1, S.ACTIVE)
    assert m.state(number) is S.LOCKED
    message = refused(m, m.decide, number, verdict, reviewer="Dana", at=AT, comment="x")
    assert message == LOCKED_REASON[number]
    assert f"phase {number - 1} ({NAMES[number - 1]})" in message


@pytest.mark.parametrize("number", UNGATED)
@pytest.mark.parametrize("verdict", list(Verdict))
@pytest.mark.parametrize("state", list(PhaseState))
def test_decide_refused_on_ungated_phases(number, verdict, state):
    m = machine_at(number, state)
    message = refused(m, m.decide, number, verdict, reviewer="Dana", at=AT, comment="x")
    assert message == f"INC-{number} has no gate: it is completed, not decided at a gate"


@pytest.mark.parametrize("verdict", list(Verdict))
@pytest.mark.parametrize("reviewer", ["", " ", "\t \n"])
def test_decide_refused_without_a_reviewer(verdict, reviewer):
    m = machine_at(1, S.IN_REVIEW)
    message = refused(m, m.decide, 1, verdict, reviewer=reviewer, at=AT, comment="x")
    assert message == "a gate decision needs the reviewer's name"


@pytest.mark.parametrize("verdict", list(Verdict))
def test_decide_refused_with_a_naive_datetime(verdict):
    m = machine_at(1, S.IN_REVIEW)
    naive = datetime(2026, 11, 27)  # noqa: DTZ001 - deliberately naive
    message = refused(m, m.decide, 1, verdict, reviewer="Dana", at=naive, comment="x")
    assert message == "a decision time must be timezone-aware"


def test_decide_accepts_a_non_utc_aware_datetime():
    m = machine_at(1, S.IN_REVIEW)
    at = datetime(2026, 11, 27, 9, 30, tzinfo=timezone(timedelta(hours=-5)))
    t = m.decide(1, Verdict.APPROVE, reviewer="Dana", at=at)
    assert t.decision is not None
    assert t.decision.decided_at == at


@pytest.mark.parametrize("verdict", list(Verdict))
@pytest.mark.parametrize(
    ("ticked", "bad"),
    [((0,), 0), ((4,), 4), ((-1,), -1), ((1, 2, 4), 4), ((1, 99, 0), 99)],
)
def test_decide_refused_with_a_criterion_out_of_range(verdict, ticked, bad):
    m = machine_at(1, S.IN_REVIEW)
    message = refused(
        m, m.decide, 1, verdict, reviewer="Dana", at=AT, criteria_ticked=ticked, comment="x"
    )
    assert message == f"INC-1 has criteria 1..3; no criterion {bad}"


@pytest.mark.parametrize(
    ("ticked", "recorded"),
    [
        ((), ()),
        ((1,), (1,)),
        ((3, 1, 2), (1, 2, 3)),
        ((2, 2, 1, 2), (1, 2)),
        ((3, 3, 3), (3,)),
    ],
)
def test_criteria_ticked_are_deduplicated_and_sorted(ticked, recorded):
    m = machine_at(1, S.IN_REVIEW)
    t = approve(m, 1, criteria_ticked=ticked)
    assert t.decision is not None
    assert t.decision.criteria_ticked == recorded


# -- GateDecision --------------------------------------------------------------------


def test_gate_decision_fields():
    m = machine_at(2, S.IN_REVIEW)
    t = m.decide(
        2,
        Verdict.SEND_BACK,
        reviewer="  Dana Kim  ",
        at=AT,
        criteria_ticked=(3, 1),
        comment="  roll back the flag too \n",
    )
    assert t.decision == GateDecision(
        phase=2,
        verdict=Verdict.SEND_BACK,
        outcome="Mitigation insufficient",
        reviewer="Dana Kim",
        decided_at=AT,
        criteria_ticked=(1, 3),
        comment="roll back the flag too",
    )
    assert t.summary == "INC-2 Mitigation insufficient by Dana Kim: roll back the flag too"


def test_gate_decision_is_frozen():
    t = approve(machine_at(1, S.IN_REVIEW), 1)
    assert t.decision is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.decision.reviewer = "someone else"  # type: ignore[misc]


def test_gate_decision_defaults():
    d = GateDecision(
        phase=1, verdict=Verdict.APPROVE, outcome="Approved", reviewer="D", decided_at=AT
    )
    assert d.criteria_ticked == ()
    assert d.comment == ""


# -- complete ------------------------------------------------------------------------


def test_complete_phase_3_unlocks_phase_4():
    m = machine_at(3, S.ACTIVE)
    before = dict(m.states)
    t = m.complete(3)
    assert t.changes == (Change(3, S.ACTIVE, S.COMPLETED), Change(4, S.LOCKED, S.ACTIVE))
    assert t.summary == "INC-3 completed"
    assert t.decision is None
    assert m.states == {**before, 3: S.COMPLETED, 4: S.ACTIVE}
    assert m.state(5) is S.LOCKED
    assert m.state(6) is S.LOCKED


def test_complete_phase_6_has_no_next_phase():
    m = machine_at(6, S.ACTIVE)
    t = m.complete(6)
    assert t.changes == (Change(6, S.ACTIVE, S.COMPLETED),)
    assert t.summary == "INC-6 completed"
    assert m.state(6) is S.COMPLETED


@pytest.mark.parametrize("number", UNGATED)
def test_complete_from_revise_is_allowed(number):
    m = machine_at(number, S.REVISE)
    m.complete(number)
    assert m.state(number) is S.COMPLETED


@pytest.mark.parametrize("number", GATED)
@pytest.mark.parametrize("state", list(PhaseState))
def test_complete_refused_on_gated_phases(number, state):
    m = machine_at(number, state)
    message = refused(m, m.complete, number)
    assert message == f"INC-{number} has a gate: it is approved by a reviewer, not completed"


@pytest.mark.parametrize("number", UNGATED)
def test_complete_refused_when_locked(number):
    m = machine_at(number - 1, S.IN_REVIEW)
    assert refused(m, m.complete, number) == LOCKED_REASON[number]


@pytest.mark.parametrize("number", UNGATED)
@pytest.mark.parametrize(
    ("state", "message"),
    [
        (S.COMPLETED, "is already completed"),
        (S.AMENDED, "is already amended: needs re-review"),
        (S.APPROVED, "is already approved"),
        (S.IN_REVIEW, "is in review and cannot be completed"),
    ],
)
def test_complete_refused_when_not_workable(number, state, message):
    m = machine_at(number, state)
    assert refused(m, m.complete, number) == f"INC-{number} {message}"


def test_complete_twice_is_refused():
    m = machine_at(3, S.ACTIVE)
    m.complete(3)
    assert refused(m, m.complete, 3) == "INC-3 is already completed"


# -- edits -----------------------------------------------------------------------------


@pytest.mark.parametrize("number", [2, 3, 4, 5, 6])
def test_edit_refusal_on_locked_phases(number):
    m = PhaseMachine(WF, initial_states(WF))
    assert m.edit_refusal(number) == LOCKED_REASON[number]


@pytest.mark.parametrize("number", ALL_PHASES)
@pytest.mark.parametrize("state", [s for s in PhaseState if s is not S.LOCKED])
def test_edit_refusal_none_when_not_locked(number, state):
    assert machine_at(number, state).edit_refusal(number) is None


@pytest.mark.parametrize("number", [2, 3, 4, 5, 6])
def test_edited_refused_on_locked_phases(number):
    m = PhaseMachine(WF, initial_states(WF))
    assert refused(m, m.edited, number) == LOCKED_REASON[number]


@pytest.mark.parametrize(
    ("number", "state"),
    [(n, S.APPROVED) for n in GATED] + [(n, S.COMPLETED) for n in UNGATED],
)
def test_edited_after_pass_marks_amended(number, state):
    m = machine_at(number, state)
    before = dict(m.states)
    t = m.edited(number)
    assert t is not None
    assert t.changes == (Change(number, state, S.AMENDED),)
    assert t.summary == f"INC-{number} amended after approval: needs re-review"
    assert t.decision is None
    assert m.states == {**before, number: S.AMENDED}
    assert m.state(number).passed


@pytest.mark.parametrize("number", ALL_PHASES)
@pytest.mark.parametrize("state", [S.ACTIVE, S.REVISE, S.IN_REVIEW, S.AMENDED])
def test_edited_otherwise_changes_nothing(number, state):
    m = machine_at(number, state)
    before = dict(m.states)
    assert m.edited(number) is None
    assert m.states == before


def test_amended_phase_can_be_reviewed_again():
    m = PhaseMachine(WF, initial_states(WF))
    pass_phase(m, 1)
    m.edited(1)
    assert m.state(1) is S.AMENDED
    assert m.current_phase() == 2  # amended still counts as passed
    m.submit(1)
    assert m.state(1) is S.IN_REVIEW
    approve(m, 1)
    assert m.state(1) is S.APPROVED
    assert m.state(2) is S.ACTIVE


# -- current phase, whole runs -------------------------------------------------------


def test_current_phase_walks_forward():
    m = PhaseMachine(WF, initial_states(WF))
    seen = [m.current_phase()]
    for number in ALL_PHASES:
        pass_phase(m, number)
        seen.append(m.current_phase())
    assert seen == [1, 2, 3, 4, 5, 6, 6]


@pytest.mark.parametrize("state", [S.ACTIVE, S.IN_REVIEW, S.REVISE])
def test_current_phase_stays_until_passed(state):
    assert machine_at(4, state).current_phase() == 4


def test_happy_path_1_to_6():
    m = PhaseMachine(WF, initial_states(WF))
    summaries = []
    for number in ALL_PHASES:
        assert m.state(number) is S.ACTIVE
        if number in GATED:
            summaries.append(m.submit(number).summary)
            summaries.append(approve(m, number, criteria_ticked=(1, 2, 3)).summary)
        else:
            summaries.append(m.complete(number).summary)
        assert m.state(number).passed
        for later in ALL_PHASES[number + 1 :]:
            assert m.state(later) is S.LOCKED
    assert [m.state(n) for n in ALL_PHASES] == [
        S.APPROVED,
        S.APPROVED,
        S.COMPLETED,
        S.APPROVED,
        S.APPROVED,
        S.COMPLETED,
    ]
    assert all(m.state(n).passed for n in ALL_PHASES)
    assert m.current_phase() == 6
    assert summaries == [
        "INC-1 submitted for review",
        "INC-1 Approved by Dana",
        "INC-2 submitted for review",
        "INC-2 Approved by Dana",
        "INC-3 completed",
        "INC-4 submitted for review",
        "INC-4 Approved by Dana",
        "INC-5 submitted for review",
        "INC-5 Approved by Dana",
        "INC-6 completed",
    ]


def test_revise_round_then_approval():
    m = PhaseMachine(WF, initial_states(WF))
    m.submit(1)
    t = send_back(m, 1, comment="severity missing")
    assert t.summary == "INC-1 Revise by Dana: severity missing"
    assert m.state(1) is S.REVISE
    assert m.state(2) is S.LOCKED
    assert m.current_phase() == 1
    assert m.edited(1) is None
    refused(m, approve, m, 1)
    t = m.submit(1)
    assert t.changes == (Change(1, S.REVISE, S.IN_REVIEW),)
    t = approve(m, 1)
    assert t.changes == (Change(1, S.IN_REVIEW, S.APPROVED), Change(2, S.LOCKED, S.ACTIVE))
    assert m.current_phase() == 2


def test_mitigation_insufficient_round_then_approval():
    m = machine_at(2, S.ACTIVE)
    m.submit(2)
    send_back(m, 2, comment="rollback did not help")
    assert m.state(2) is S.REVISE
    assert m.state(3) is S.LOCKED
    refused(m, m.complete, 3, match="locked until phase 2")
    m.submit(2)
    approve(m, 2)
    assert m.state(3) is S.ACTIVE
    m.complete(3)
    assert m.state(4) is S.ACTIVE


# -- Transition ------------------------------------------------------------------------


def test_transition_states_is_a_snapshot():
    m = PhaseMachine(WF, initial_states(WF))
    t = m.submit(1)
    assert t.states == m.states
    assert t.states is not m.states
    approve(m, 1)
    assert t.states[1] is S.IN_REVIEW
    assert t.states[2] is S.LOCKED


def test_transition_and_change_are_frozen():
    t = PhaseMachine(WF, initial_states(WF)).submit(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.summary = "x"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.changes[0].after = S.LOCKED  # type: ignore[misc]


def test_transition_defaults():
    t = Transition(changes=(), summary="nothing")
    assert t.decision is None
    assert t.states == {}
