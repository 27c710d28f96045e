"""Post-mortem hints from a constructed record: each hint, and none when nothing is notable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from warroom.core.hints import (
    DETECT_EXPECTATION,
    MANY_PINS,
    Hint,
    IncidentRecord,
    infer_section,
    insert_item,
    metric_value,
    post_mortem_hints,
)
from warroom.core.milestones import Milestone, MilestoneKind, MilestoneOrigin, metrics
from warroom.core.models import (
    ArtifactVersion,
    EventKind,
    Incident,
    Severity,
    Status,
    StoredDecision,
    TimelineEvent,
)
from warroom.core.workflow import default_workflow

T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
CODES = {p.number: p.artifact.code for p in default_workflow().phases}
INC3 = (
    "# [INC-3]: Stakeholder Communication\n\n## Audience\nSupport\n\n## Message\n\n"
    "### What Happened\nCheckout failed.\n\n### Current Status\nInvestigating\n\n"
    "### What We're Doing\nRolling back.\n\n### Next Update\n{next}\n"
)


def incident(severity: Severity | None = Severity.CRITICAL) -> Incident:
    return Incident(id=1, uid="u", title="Checkout 5xx", severity=severity,
                    status=Status.RESOLVED, detected_at=T0, created_at=T0, workflow="w")


def record(**parts: object) -> IncidentRecord:
    severity = parts.pop("severity", Severity.CRITICAL)
    return IncidentRecord(incident=incident(severity), codes=CODES, **parts)  # type: ignore[arg-type]


def decision(phase: int, verdict: str, outcome: str, comment: str = "", n: int = 1,
             reviewer: str = "bo") -> StoredDecision:
    return StoredDecision(id=n, incident_id=1, phase=phase, verdict=verdict, outcome=outcome,
                          reviewer=reviewer, decided_at=T0 + timedelta(minutes=n),
                          criteria_ticked=(), comment=comment, artifact_version=1)


def version(phase: int, number: int, minutes: float, body: str = "text", *,
            conflict: bool = False, after_approval: bool = False) -> ArtifactVersion:
    return ArtifactVersion(incident_id=1, phase=phase, version=number, body=body, author="ana",
                           saved_at=T0 + timedelta(minutes=minutes), conflict=conflict,
                           after_approval=after_approval)


def event(n: int, kind: EventKind, text: str = "line", source: str | None = None,
          minutes: float = 0) -> TimelineEvent:
    at = T0 + timedelta(minutes=minutes)
    return TimelineEvent(id=n, incident_id=1, kind=kind, occurred_at=at, recorded_at=at,
                         text=text, author="ana", source=source)


def kinds(hints: list[Hint]) -> list[tuple[str, str]]:
    return [(h.section, h.kind) for h in hints]


# -- nothing notable -------------------------------------------------------------------


def test_no_hints_when_nothing_notable() -> None:
    quiet = record(
        decisions=[decision(1, "approve", "Approved"), decision(2, "approve", "Approved", n=2)],
        events=[event(1, EventKind.NOTE), *(event(n, EventKind.PIN) for n in range(2, 5))],
        versions=[version(1, 1, 1), version(2, 1, 5), version(3, 1, 6, INC3.format(next="TBD"))],
    )
    assert post_mortem_hints(quiet) == []
    assert post_mortem_hints(record()) == []


# -- time to detect, acknowledge, mitigate --------------------------------------------------


def test_detection_slower_than_the_severity_expects() -> None:
    [hint] = post_mortem_hints(record(metrics={"detect": timedelta(minutes=12)}))
    assert (hint.section, hint.kind) == ("poorly", "detect")
    assert hint.heading == "What Went Poorly"
    assert hint.text == "Detection took 12 min, above the 5 min expected for a Critical incident."


def test_the_same_detection_is_fine_for_a_minor_incident() -> None:
    [hint] = post_mortem_hints(record(metrics={"detect": timedelta(minutes=12)},
                                      severity=Severity.MINOR))
    assert (hint.section, hint.kind) == ("well", "detect")
    assert "within the 1 h 00 min expected for a Minor incident" in hint.text
    assert DETECT_EXPECTATION[Severity.MINOR] == timedelta(hours=1)


def test_metrics_from_milestones_fast_mitigation_and_quick_acknowledgement() -> None:
    def at(kind: MilestoneKind, minutes: int) -> Milestone:
        return Milestone(incident_id=1, kind=kind, at=T0 + timedelta(minutes=minutes),
                         origin=MilestoneOrigin.MANUAL)

    known = metrics([at(MilestoneKind.STARTED, -3), at(MilestoneKind.DETECTED, 0),
                     at(MilestoneKind.ACKNOWLEDGED, 2), at(MilestoneKind.MITIGATED, 20)])
    hints = post_mortem_hints(record(metrics=known))
    assert kinds(hints) == [("well", "detect"), ("well", "acknowledge"), ("well", "mitigate")]
    assert hints[1].text == ("Acknowledged 2 min after detection, within the 5 min expected "
                             "for a Critical incident.")
    assert hints[2].text.startswith("Mitigated 23 min after impact began, within the 30 min")


def test_metrics_are_skipped_without_severity_or_metrics() -> None:
    assert post_mortem_hints(record(metrics={"detect": 3600}, severity=None)) == []
    assert post_mortem_hints(record(metrics=None)) == []
    assert metric_value({"time_to_detect": {"seconds": 90, "from": "started"}}, "detect") == (
        timedelta(seconds=90), "started")
    assert metric_value({"detect": None}, "detect") is None


# -- gates sent back ------------------------------------------------------------------------


def test_a_gate_sent_back_with_its_comments_and_no_names() -> None:
    hints = post_mortem_hints(record(decisions=[
        decision(1, "send_back", "Revise", "Name the payments on-call", 1),
        decision(1, "send_back", "Revise", "", 2),
        decision(1, "approve", "Approved", "", 3),
    ]))
    assert kinds(hints) == [("poorly", "send_back")]
    assert hints[0].text == (
        "INC-1 was sent back at its gate (Revise) twice: “Name the payments on-call”."
    )
    assert "bo" not in hints[0].text.split()


def test_mitigation_insufficient_rounds() -> None:
    [hint] = post_mortem_hints(record(decisions=[
        decision(2, "send_back", "Mitigation insufficient", "Restart did not hold", 1),
        decision(2, "send_back", "Mitigation insufficient", "Errors back after 5 min", 2),
        decision(2, "send_back", "Mitigation insufficient", "Still 2% errors", 3),
    ]))
    assert (hint.section, hint.kind) == ("poorly", "mitigation_insufficient")
    assert "INC-2 was judged Mitigation insufficient 3 times" in hint.text
    assert "“Restart did not hold”; “Errors back after 5 min”; “Still 2% errors”" in hint.text


# -- stakeholder updates -----------------------------------------------------------------------


def test_an_overdue_stakeholder_update() -> None:
    versions = [
        version(3, 1, 0, INC3.format(next="in 30 minutes")),  # due 14:30
        version(3, 2, 45, INC3.format(next="in 1 hour")),  # came 14:45, due 15:45
    ]
    done = event(9, EventKind.SYSTEM, "INC-3 completed", minutes=50)
    [hint] = post_mortem_hints(record(versions=versions, events=[done]))
    assert (hint.section, hint.kind) == ("poorly", "overdue_updates")
    assert hint.text == (
        "Stakeholder updates were late 1 of 2 times (INC-3 next update: promised for "
        "14:30 UTC, came 14:45 UTC (15 min late))."
    )


def test_the_completion_keeps_the_last_promise_and_every_promise_kept() -> None:
    versions = [version(3, 1, 0, INC3.format(next="14:20 UTC")),
                version(3, 2, 19, INC3.format(next="in 30 minutes"))]
    done = event(9, EventKind.SYSTEM, "INC-3 completed", minutes=40)
    [hint] = post_mortem_hints(record(versions=versions, events=[done]))
    assert (hint.section, hint.kind) == ("well", "updates_on_time")
    assert hint.text == "Every stakeholder update promised in INC-3 came on time (2 updates)."


def test_a_late_completion_is_an_overdue_update_and_a_pending_one_is_not() -> None:
    versions = [version(3, 1, 0, INC3.format(next="in 30 minutes"))]
    late = event(9, EventKind.SYSTEM, "INC-3 completed", minutes=90)
    assert kinds(post_mortem_hints(record(versions=versions, events=[late]))) == [
        ("poorly", "overdue_updates")]
    assert post_mortem_hints(record(versions=versions)) == []


# -- edits ------------------------------------------------------------------------------------


def test_amended_after_approval_is_a_lesson() -> None:
    versions = [version(1, 1, 0), version(1, 2, 30, after_approval=True),
                version(1, 3, 31, after_approval=True), version(4, 5, 60, after_approval=True)]
    [hint] = post_mortem_hints(record(versions=versions))
    assert (hint.section, hint.heading) == ("lessons", "Lessons Learned")
    assert hint.text == ("Findings kept arriving after the gates: INC-1 and INC-4 changed after "
                         "approval (INC-1 v2, v3; INC-4 v5).")


def test_concurrent_edit_conflicts() -> None:
    versions = [version(2, 1, 0), version(2, 2, 1), version(2, 3, 2, conflict=True)]
    [hint] = post_mortem_hints(record(versions=versions))
    assert (hint.section, hint.kind) == ("poorly", "conflicts")
    assert hint.text == ("Concurrent edits collided once (INC-2 v3 saved on top of an older "
                         "version; both kept).")


# -- evidence --------------------------------------------------------------------------------


def test_many_pins_are_evidence_gathered() -> None:
    pins = [event(n, EventKind.PIN, source=f"/var/log/{n % 2}.log") for n in range(MANY_PINS)]
    notes = [event(90, EventKind.NOTE), event(91, EventKind.NOTE)]
    [hint] = post_mortem_hints(record(events=[*pins, *notes]))
    assert (hint.section, hint.kind) == ("well", "evidence")
    assert hint.text == ("Evidence was captured as it happened: 5 log lines pinned from "
                         "2 sources, 2 notes.")


def test_hints_come_well_then_poorly_then_lessons() -> None:
    hints = post_mortem_hints(record(
        metrics={"detect": timedelta(minutes=1)},
        decisions=[decision(4, "send_back", "Revise", "Add sources")],
        versions=[version(1, 2, 3, after_approval=True)],
    ))
    assert [h.section for h in hints] == ["well", "poorly", "lessons"]


# -- into INC-5 -------------------------------------------------------------------------------

TEMPLATE = (
    "# [INC-5]: Post-Mortem Report\n\n## What Went Well\n- <Item>\n- ...\n\n"
    "## What Went Poorly\n- <Item>\n- ...\n\n## Lessons Learned\n- <Lesson>\n- ...\n"
)


def test_insert_replaces_the_placeholders_and_keeps_the_rest() -> None:
    text = insert_item(TEMPLATE, "What Went Poorly", "INC-1 was sent back once.")
    assert "## What Went Poorly\n- INC-1 was sent back once.\n\n## Lessons" in text
    assert text.count("- <Item>") == 1  # What Went Well untouched
    again = insert_item(text, "What Went Poorly", "The pager  was  slow.")
    assert "- INC-1 was sent back once.\n- The pager was slow.\n\n## Lessons" in again
    assert insert_item(again, "What Went Poorly", "The pager was slow.") == again


def test_insert_keeps_prose_and_restores_a_deleted_section() -> None:
    text = "# [INC-5]\n\n## What Went Well\nA note.\n\n- Fast rollback\n"
    assert insert_item(text, "What Went Well", "Alert fired") == (
        "# [INC-5]\n\n## What Went Well\nA note.\n\n- Fast rollback\n- Alert fired\n")
    assert insert_item(text, "Lessons Learned", "Canary longer").endswith(
        "## Lessons Learned\n- Canary longer\n")


@pytest.mark.parametrize(
    ("answer", "section"),
    [
        ("Next time we should page payments directly", "lessons"),
        ("Support learned it from a customer, not from us", "poorly"),
        ("No, the runbook was out of date", "poorly"),
        ("The dashboards were missing on the jump host", "poorly"),
        ("Yes, the alert fired three minutes before users noticed", "well"),
    ],
)
def test_an_answer_goes_where_it_reads(answer: str, section: str) -> None:
    assert infer_section(answer) == section
