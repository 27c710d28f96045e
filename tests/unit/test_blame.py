"""The blameless check: names as the subject of a failure, blame words, each with its section."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from warroom.clock import FixedClock
from warroom.core.artifacts import parse_artifact
from warroom.core.blame import failure_subjects, incident_people, person_like
from warroom.core.checks import CHECKS, Finding, blame_findings
from warroom.core.gates import evaluate_gate
from warroom.core.state import TransitionError, Verdict
from warroom.core.workflow import default_workflow
from warroom.store import post_mortem
from warroom.store.db import StoreError
from warroom.store.store import Store

FILLED = Path(__file__).parent.parent / "fixtures" / "filled"
T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
PM = (FILLED / "INC-5.md").read_text(encoding="utf-8")


def poorly(*lines: str) -> str:
    """The filled INC-5 with these lines in What Went Poorly."""
    old = "- The first mitigation (restart) cost 10 minutes"
    return PM.replace(old, "\n".join(f"- {line}" for line in lines))


def names(text: str, people: tuple[str, ...] = ()) -> list[tuple[str, str, bool]]:
    return [(s.name, s.verb, s.known) for s in failure_subjects(text, people)]


# -- who is blamed -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Bob forgot to renew the certificate.", [("Bob", "forgot", False)]),
        ("Alice broke the deploy.", [("Alice", "broke", False)]),
        ("@sam didn't page the DBA.", [("@sam", "didn't", True)]),
        ("Then Bob simply neglected the runbook", [("Bob", "neglected", False)]),
        ("Bob's change caused the outage", [("Bob", "caused", False)]),
        ("Bob and Alice missed the alert", [("Bob", "missed", False), ("Alice", "missed", False)]),
        ("Bob Smith failed to escalate", [("Bob Smith", "failed to", False)]),
        # A role standing for one person is blame too (issue 15).
        ("The on-call messed up; Dana ignored the page",
         [("The on-call", "messed up", True), ("Dana", "ignored", False)]),
        ("the on-call engineer forgot to page payments",
         [("the on-call engineer", "forgot", True)]),
        # Products are not people; what happened to someone is not their failure.
        ("Statuspage didn't update for 20 minutes", []),
        ("The on-call didn't get paged because the route was wrong", []),
    ],
)
def test_names_as_the_subject_of_a_failure(text: str, found: list[tuple[str, str, bool]]) -> None:
    assert names(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "Bob fixed the alert.",
        "Alice rolled back the deploy within ten minutes.",
        "Monitoring failed to page anyone.",
        "The deploy that Bob approved caused the outage.",
        "We didn't have a runbook for this.",
        "The alert Bob set up missed the spike.",
        "Checkout broke at 13:52; the checkout service failed to reach payments.",
        "When `Bob` forgot, nothing happened.",
        "Nobody forgot anything; Everyone missed the dashboards.",
        "Redis failed to respond and Kafka ignored the retention setting.",
    ],
)
def test_not_blame(text: str) -> None:
    assert names(text) == []


def test_known_people_are_found_in_any_case() -> None:
    assert names("bo didn't escalate", ("bo",)) == [("bo", "didn't", True)]
    assert names("bo didn't escalate") == []  # lowercase, and no one said bo is a person
    assert names("Ana Lima neglected it", ("ana.lima@example.com",)) == [
        ("Ana Lima", "neglected", True)]


def test_people_of_an_incident_are_people_not_teams() -> None:
    found = incident_people(
        ["ana", "bo", "warroom", "payments team", "release engineering", "SRE", "Ana Lima", None],
        ["Ping @sam and @ana; mail ops@example.com"],
    )
    assert found == ["ana", "bo", "Ana Lima", "sam"]
    assert not person_like("checkout-team")


# -- findings with their section ---------------------------------------------------------------


def test_blame_findings_name_the_section() -> None:
    text = poorly("Bob forgot to renew the certificate", "It was human error",
                  "Bob fixed the alert")
    assert blame_findings(text) == [
        Finding("What Went Poorly", "human error"),
        Finding("What Went Poorly", "Bob", "forgot", known=False),
    ]
    summary = PM.replace("A connection-handling regression", "@sam caused a regression")
    [finding] = blame_findings(summary)
    assert finding == Finding("Incident Summary", "@sam", "caused", known=True)
    assert finding.describe() == '"@sam" as the subject of "caused" in Incident Summary'


def test_a_name_written_lowercase_elsewhere_is_a_word() -> None:
    text = poorly("Ingress missed the slow leak", "the ingress timeout was too short")
    assert blame_findings(text) == []


def test_no_findings_in_the_filled_post_mortem_and_its_template() -> None:
    assert blame_findings(PM, ["ana", "bo"]) == []
    assert blame_findings(default_workflow().template(5)) == []


# -- the gate check ---------------------------------------------------------------------------


def test_the_registered_check_still_takes_only_the_model() -> None:
    result = CHECKS["blameless"](parse_artifact("INC-5", poorly("Alice broke the deploy")))
    assert not result.passed
    assert result.detail == (
        'Blame language: possible name "Alice" as the subject of "broke" in What Went Poorly.')


def test_the_gate_knows_the_incidents_people() -> None:
    spec = default_workflow().phase(5)
    text = poorly("bo didn't escalate to payments")
    assert evaluate_gate(spec, text)[0].passed is True
    blamed = evaluate_gate(spec, text, ["bo"])[0]
    assert blamed.passed is False
    assert blamed.auto is not None
    assert '"bo" as the subject of "didn\'t" in What Went Poorly' in blamed.auto.detail


# -- the store: people, answers, and the gate ------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "pm.db", clock=FixedClock(T0)) as s:
        yield s


def at_post_mortem(store: Store) -> int:
    incident = store.create_incident("Checkout 5xx", actor="ana").id
    for n in range(1, 5):
        store.save_artifact(incident, n, (FILLED / f"INC-{n}.md").read_text(), actor="ana")
        if store.workflow.phase(n).gated:
            store.decide(incident, n, Verdict.APPROVE, reviewer="bo")
        else:
            store.complete(incident, n, actor="ana")
    return incident


def test_a_reviewer_blamed_by_name_needs_the_reviewers_tick(store: Store) -> None:
    incident = at_post_mortem(store)
    store.set_role(incident, "Incident commander", "Dana Ruiz", actor="ana")
    assert {"ana", "bo", "Dana Ruiz"} <= set(post_mortem.people(store, incident))
    store.save_artifact(incident, 5, poorly("bo didn't escalate to payments"), actor="ana")
    [blameless, *_] = store.gate_results(incident, 5)
    assert blameless.passed is False
    with pytest.raises(TransitionError, match="is not met"):
        store.decide(incident, 5, Verdict.APPROVE, reviewer="cy")
    # A failed check is overridden only with a written reason (issue 15), kept with the decision.
    with pytest.raises(TransitionError, match="needs a written reason"):
        store.decide(incident, 5, Verdict.APPROVE, reviewer="cy", criteria_ticked=[1])
    store.decide(incident, 5, Verdict.APPROVE, reviewer="cy", criteria_ticked=[1],
                 overrides={1: "bo asked for the line to stay as written"})
    decision = store.decisions(incident, 5)[-1]
    assert decision.checks[1] is False  # recorded as the dialog showed
    assert decision.overrides == {1: "bo asked for the line to stay as written"}


def test_answers_are_kept_and_the_newest_shown(store: Store) -> None:
    incident = at_post_mortem(store)
    post_mortem.add_answer(store, incident, "Facilitator", "Q?", " first ", actor="ana")
    store.clock.advance(minutes=1)  # type: ignore[attr-defined]
    post_mortem.add_answer(store, incident, "Facilitator", "Q?", "second", actor="bo")
    answers = post_mortem.answers(store, incident)
    assert [(a.answer, a.author) for a in answers] == [("first", "ana"), ("second", "bo")]
    assert answers[1].answered_at == datetime(2026, 11, 27, 14, 1, tzinfo=UTC)
    with pytest.raises(StoreError, match="needs some text"):
        post_mortem.add_answer(store, incident, "Facilitator", "Q?", "  ", actor="ana")


def test_hints_from_the_store(store: Store) -> None:
    incident = store.create_incident("Checkout 5xx", actor="ana").id
    store.save_artifact(incident, 1, (FILLED / "INC-1.md").read_text(), actor="ana")
    store.decide(incident, 1, Verdict.SEND_BACK, reviewer="bo", comment="Name the on-call")
    [hint] = post_mortem.hints(store, incident)
    assert hint.text == "INC-1 was sent back at its gate (Revise) once: “Name the on-call”."
