"""Artifact models: parsing what people type, rendering back, and the automatic gate checks."""

from __future__ import annotations

import random
import tomllib
from datetime import UTC, datetime, timedelta, timezone

import pytest

from warroom.core.artifacts import (
    BLAME_WORDS,
    CHECKS,
    TEMPLATE_CODES,
    ActionItemTracker,
    ArtifactModel,
    CausalLink,
    CheckResult,
    Metric,
    MitigationReport,
    MitigationStep,
    PostMortemAction,
    PostMortemReport,
    RootCauseAnalysis,
    SourcedTimelineEntry,
    StakeholderCommunication,
    TimelineEntry,
    TrackedAction,
    TriageAssessment,
    next_update_at,
    parse_artifact,
    render_artifact,
    run_checks,
)
from warroom.core.markdown import replace_section
from warroom.resources import data_dir

TEMPLATES = data_dir("templates") / "incident-response"
WORKFLOW = tomllib.loads((TEMPLATES / "workflow.toml").read_text())
CHECKS_BY_CODE = {
    phase["artifact"]["code"]: [c["check"] for c in phase.get("gate", {}).get("criteria", [])]
    for phase in WORKFLOW["phases"]
}
NOW = datetime(2026, 11, 27, 14, 10, tzinfo=UTC)

FILLED = {
    "INC-1": """# [INC-1]: Triage Assessment

## Severity
Critical

## Impact
- **Users affected:** all EU checkout users (~40%)
- **Services affected:** checkout-api, payments
- **Data impact:** Write degraded

## Status
Ongoing

## Timeline
- 14:02 — Error-rate alert fires on checkout-api
- 14:05 — On-call acknowledges

## Initial Hypothesis
Deploy v2.3 exhausted the DB connection pool.

## Immediate Actions Needed
- Roll back v2.3
- Raise pool size to 50
""",
    "INC-2": """# [INC-2]: Mitigation Report

## Mitigation Strategy
Rolled back the deploy and raised the pool size.

## Steps Taken
1. Rolled back checkout-api to v2.2 — error rate fell within 3 minutes
2. Raised pool size from 10 to 50 — no more pool timeouts

## Current Status
Mitigated

## Metrics
- 5xx rate — 12% → 0.1%
- p99 latency — 4.2s → 180ms

## Residual Risk
None
""",
    "INC-3": """# [INC-3]: Stakeholder Communication

## Audience
Customers on the status page; support leads

## Message

### What Happened
Checkout failed for many EU customers for about 20 minutes.

### Current Status
Mitigated

### What We're Doing
We rolled back a change and are watching closely.

### Next Update
15:00 UTC
""",
    "INC-4": """# [INC-4]: Root Cause Analysis

## Detailed Timeline
- 13:58 — Deploy v2.3 rolls out — deploy log
- 14:02 — Pool exhausted, 5xx rises — checkout-api logs

## Triggering Event
Deploy of v2.3 at 13:58.

## Causal Chain
1. v2.3 opens a connection per request → pool exhausted
2. Pool exhausted → requests time out with 5xx

## Root Cause
v2.3 removed connection reuse in the order repository.

## Contributing Factors
- Pool size left at the default of 10

## Systemic Factors
- No load test on the deploy pipeline
""",
    "INC-5": """# [INC-5]: Post-Mortem Report

## Incident Summary
A deploy removed connection reuse and exhausted the pool; rollback fixed it.

## What Went Well
- Alert fired within 4 minutes

## What Went Poorly
- The deploy pipeline had no load test

## Lessons Learned
- Connection reuse needs a regression test

## Recommended Action Items
1. [P0] Add a pool saturation alert — SRE team
2. [P1] Add a load test stage to the pipeline — platform team
3. [P2] Document pool sizing — checkout team
""",
    "INC-6": """# [INC-6]: Action Item Tracker

## Quick Wins (do this week)
- [x] Add a pool saturation alert — @alice

## Short-Term (do this sprint/cycle)
- [ ] Add a load test stage — @bob

## Long-Term (schedule for planning)
- [ ] Move pool sizing into config review — @carol

## Post-Mortem Document
https://wiki.example/pm/42
""",
}

MODEL_TYPES: dict[str, type[ArtifactModel]] = {
    "INC-1": TriageAssessment,
    "INC-2": MitigationReport,
    "INC-3": StakeholderCommunication,
    "INC-4": RootCauseAnalysis,
    "INC-5": PostMortemReport,
    "INC-6": ActionItemTracker,
}


def checks_of(code: str, model: ArtifactModel) -> dict[str, CheckResult]:
    return {name: CHECKS[name](model) for name in CHECKS_BY_CODE[code]}


# --- templates --------------------------------------------------------------------------------


@pytest.mark.parametrize("code", TEMPLATE_CODES)
def test_template_parses_with_every_field_empty(code: str) -> None:
    model = parse_artifact(code, (TEMPLATES / f"{code}.md").read_text())
    assert type(model) is MODEL_TYPES[code]
    empty = MODEL_TYPES[code]()
    assert model.model_dump(exclude={"problems"}) == empty.model_dump(exclude={"problems"})
    assert model.problems
    assert all("still the template placeholder" in p for p in model.problems)


@pytest.mark.parametrize("code", [c for c in TEMPLATE_CODES if CHECKS_BY_CODE[c]])
def test_template_fails_every_check(code: str) -> None:
    template = (TEMPLATES / f"{code}.md").read_text()
    results = run_checks(code, template, CHECKS_BY_CODE[code])
    assert [r.check for r in results] == CHECKS_BY_CODE[code]
    assert not any(r.passed for r in results)
    assert all(r.detail for r in results)


@pytest.mark.parametrize("code", TEMPLATE_CODES)
def test_empty_model_renders_as_the_template(code: str) -> None:
    assert render_artifact(MODEL_TYPES[code]()) == (TEMPLATES / f"{code}.md").read_text()


def test_workflow_names_only_implemented_checks() -> None:
    named = {check for checks in CHECKS_BY_CODE.values() for check in checks}
    assert named == set(CHECKS)
    assert tuple(CHECKS_BY_CODE) == TEMPLATE_CODES


# --- filled examples --------------------------------------------------------------------------


@pytest.mark.parametrize("code", TEMPLATE_CODES)
def test_filled_example_parses_without_problems_and_passes(code: str) -> None:
    model = parse_artifact(code, FILLED[code])
    assert model.problems == []
    for name, result in checks_of(code, model).items():
        assert result.passed, (name, result.detail)


def test_filled_triage_fields() -> None:
    model = parse_artifact("INC-1", FILLED["INC-1"])
    assert model == TriageAssessment(
        severity="Critical",
        users_affected="all EU checkout users (~40%)",
        services_affected=["checkout-api", "payments"],
        data_impact="Write degraded",
        status="Ongoing",
        timeline=[
            TimelineEntry(timestamp="14:02", event="Error-rate alert fires on checkout-api"),
            TimelineEntry(timestamp="14:05", event="On-call acknowledges"),
        ],
        initial_hypothesis="Deploy v2.3 exhausted the DB connection pool.",
        immediate_actions=["Roll back v2.3", "Raise pool size to 50"],
    )


def test_filled_mitigation_fields() -> None:
    model = parse_artifact("INC-2", FILLED["INC-2"])
    assert isinstance(model, MitigationReport)
    assert model.steps[0] == MitigationStep(
        step="Rolled back checkout-api to v2.2", result="error rate fell within 3 minutes"
    )
    assert model.current_status == "Mitigated"
    assert model.metrics == [
        Metric(name="5xx rate", before="12%", after="0.1%", direction="down", change="better"),
        Metric(name="p99 latency", before="4.2s", after="180ms", direction="down",
               change="better"),
    ]
    assert model.residual_risk == "None"


def test_filled_communication_fields() -> None:
    model = parse_artifact("INC-3", FILLED["INC-3"])
    assert isinstance(model, StakeholderCommunication)
    assert model.audience == "Customers on the status page; support leads"
    assert model.current_status == "Mitigated"
    assert model.what_were_doing == "We rolled back a change and are watching closely."
    assert model.next_update == "15:00 UTC"


def test_filled_root_cause_fields() -> None:
    model = parse_artifact("INC-4", FILLED["INC-4"])
    assert isinstance(model, RootCauseAnalysis)
    assert model.detailed_timeline[1] == SourcedTimelineEntry(
        timestamp="14:02", event="Pool exhausted, 5xx rises", source="checkout-api logs"
    )
    assert model.causal_chain == [
        CausalLink(cause="v2.3 opens a connection per request", effect="pool exhausted"),
        CausalLink(cause="Pool exhausted", effect="requests time out with 5xx"),
    ]
    assert model.contributing_factors == ["Pool size left at the default of 10"]


def test_filled_post_mortem_and_tracker_fields() -> None:
    report = parse_artifact("INC-5", FILLED["INC-5"])
    assert isinstance(report, PostMortemReport)
    assert report.action_items[0] == PostMortemAction(
        priority="P0", action="Add a pool saturation alert", owner="SRE team"
    )
    assert [a.priority for a in report.action_items] == ["P0", "P1", "P2"]
    tracker = parse_artifact("INC-6", FILLED["INC-6"])
    assert isinstance(tracker, ActionItemTracker)
    assert tracker.quick_wins == [
        TrackedAction(done=True, action="Add a pool saturation alert", owner="alice")
    ]
    assert tracker.short_term[0].done is False
    assert tracker.post_mortem_document == "https://wiki.example/pm/42"


# --- round trip -------------------------------------------------------------------------------

FILLED_MODELS: list[ArtifactModel] = [
    TriageAssessment(
        severity="Minor",
        users_affected="Internal users of the admin UI",
        services_affected=["admin-ui"],
        data_impact="None",
        status="Resolved",
        timeline=[TimelineEntry(timestamp="2026-11-27T09:00:00Z", event="Report from support")],
        initial_hypothesis="Stale CDN cache.\n\nSecond paragraph with *emphasis*.",
        immediate_actions=["Purge the CDN cache"],
    ),
    MitigationReport(
        strategy="Failover to the standby region.",
        steps=[MitigationStep(step="Flip DNS to eu-west-2", result="traffic moved in 90s")],
        current_status="Partially mitigated",
        metrics=[Metric(name="error rate", before="30%", after="5%", direction="down",
                        change="better")],
        residual_risk="Standby has half the capacity.",
    ),
    StakeholderCommunication(
        audience="Leadership",
        what_happened="Payments were slow.",
        current_status="Investigating",
        what_were_doing="Failing over.",
        next_update="in 30 minutes",
    ),
    RootCauseAnalysis(
        detailed_timeline=[SourcedTimelineEntry(timestamp="09:00", event="Cert expired",
                                                source="cert-manager events")],
        triggering_event="Certificate expiry.",
        causal_chain=[CausalLink(cause="Cert expired", effect="TLS handshakes failed")],
        root_cause="Renewal job was disabled in March.",
        contributing_factors=["No expiry alert"],
        systemic_factors=["No inventory of certificates"],
    ),
    PostMortemReport(
        summary="Cert expired.",
        went_well=["Quick detection"],
        went_poorly=["No runbook"],
        lessons_learned=["Certificates need owners"],
        action_items=[PostMortemAction(priority="P1", action="Alert on expiry", owner="SRE")],
    ),
    ActionItemTracker(
        quick_wins=[TrackedAction(done=False, action="Alert on expiry", owner="dana.k")],
        short_term=[TrackedAction(done=True, action="Write a runbook", owner="eve")],
        long_term=[TrackedAction(done=False, action="Certificate inventory", owner="frank")],
        post_mortem_document="docs/post-mortems/2026-11-27.md",
    ),
]


@pytest.mark.parametrize("model", FILLED_MODELS, ids=lambda m: m.code)
def test_render_then_parse_round_trips(model: ArtifactModel) -> None:
    text = render_artifact(model)
    assert text.startswith(f"# [{model.code}]: {model.title}\n\n## ")
    assert parse_artifact(model.code, text) == model


@pytest.mark.parametrize("code", TEMPLATE_CODES)
def test_parse_render_parse_is_stable_for_filled_examples(code: str) -> None:
    model = parse_artifact(code, FILLED[code])
    assert parse_artifact(code, render_artifact(model)) == model


# --- messy input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("critical", "Critical"),
        ("CRITICAL", "Critical"),
        ("SEV1", "Critical"),
        ("sev-1", "Critical"),
        ("Sev 0", "Critical"),
        ("P1 — checkout down", "Critical"),
        ("sev2", "Major"),
        ("P2", "Major"),
        ("**Major** (was Minor at first)", "Major"),
        ("- minor", "Minor"),
        ("SEV-3", "Minor"),
        ("p3", "Minor"),
    ],
)
def test_severity_spellings(typed: str, expected: str) -> None:
    model = parse_artifact("INC-1", f"## Severity\n{typed}\n")
    assert isinstance(model, TriageAssessment)
    assert model.severity == expected
    assert not any(p.startswith("Severity") for p in model.problems)


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("Critical / Major / Minor", "names Critical and Major and Minor"),
        ("bad", "'bad' is not one of Critical / Major / Minor"),
        ("<Critical / Major / Minor>", "still the template placeholder"),
        ("", "empty"),
    ],
)
def test_unreadable_severity_is_none_with_a_problem(typed: str, problem: str) -> None:
    model = parse_artifact("INC-1", f"## Severity\n{typed}\n")
    assert isinstance(model, TriageAssessment)
    assert model.severity is None
    assert any(p.startswith("Severity:") and problem in p for p in model.problems)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("none", "None"),
        ("No data loss", "None"),
        ("read-degraded", "Read degraded"),
        ("reads degraded (replica lag)", "Read degraded"),
        ("WRITE DEGRADED", "Write degraded"),
        ("Data loss — 12 orders", "Data loss"),
        ("nonetheless, reads degraded", "Read degraded"),
    ],
)
def test_data_impact_is_normalised(typed: str, expected: str) -> None:
    model = parse_artifact("INC-1", f"## Impact\n- **Data impact:** {typed}\n")
    assert isinstance(model, TriageAssessment)
    assert model.data_impact == expected


def test_messy_triage_crlf_reordered_tabs_dashes_and_prose() -> None:
    text = (
        "# [INC-1]: Triage Assessment\n"
        "Written in a hurry.\n"
        "## Immediate Actions   \n"
        "*\tRoll back\t\n"
        "Scale up\n"
        "##  severity\n"
        "sev1  \n"
        "## Timeline\n"
        "Some prose before the list.\n"
        "- 14:02 – alert\n"
        "- 2026-11-27T14:05Z - page sent\n"
        "- 14:07 ack\n"
        "- no time here\n"
        "## Impact\n"
        "- Users affected: everyone\n"
        "- **Services affected**: api; web , \n"
        "## Extra section\n"
        "ignored\n"
    ).replace("\n", "\r\n")
    model = parse_artifact("INC-1", text)
    assert isinstance(model, TriageAssessment)
    assert model.severity == "Critical"
    assert model.immediate_actions == ["Roll back Scale up"]
    assert [(e.timestamp, e.event) for e in model.timeline] == [
        ("14:02", "alert"),
        ("2026-11-27T14:05Z", "page sent"),
        ("14:07", "ack"),
    ]
    assert model.users_affected == "everyone"
    assert model.services_affected == ["api", "web"]
    assert model.data_impact is None
    assert model.problems == [
        "Impact: no “Data impact:” line",
        "Status: section missing",
        "Timeline: line 5 has no “<timestamp> — <event>”",
        "Initial Hypothesis: section missing",
    ]


def test_half_filled_mitigation_lists_what_is_missing() -> None:
    text = """## Steps Taken
1. Rolled back
2. Restarted pods -- errors gone
3. <Step> — <result>

## Metrics
- error rate -> back to normal
- p99 latency: 2.4s ⟶ 200ms
- queue depth 900 → 12
- throughput looks fine
- latency — <before> → 90ms

## Current Status
partially mitigated
"""
    model = parse_artifact("INC-2", text)
    assert isinstance(model, MitigationReport)
    assert model.steps == [
        MitigationStep(step="Rolled back", result=None),
        MitigationStep(step="Restarted pods", result="errors gone"),
    ]
    assert model.current_status == "Partially mitigated"
    assert model.metrics == [
        Metric(name="error rate", before=None, after="back to normal", direction="down"),
        Metric(name="p99 latency", before="2.4s", after="200ms", direction="down",
               change="better"),
        Metric(name="queue depth", before="900", after="12", direction="down", change="better"),
        Metric(name="throughput looks fine"),
        Metric(name="latency", before=None, after="90ms", direction="down"),
    ]
    assert model.problems == [
        "Mitigation Strategy: section missing",
        "Steps Taken: line 1 has no result (“<step> — <result>”)",
        "Metrics: line 1 has no before value",
        "Metrics: line 4 has no before → after",
        "Metrics: line 5 has no before value",
        "Residual Risk: section missing",
    ]


def test_communication_tolerates_missing_message_heading_and_level_two_subsections() -> None:
    text = "## Audience\nEveryone\n## What Happened\nOutage\n### Current Status\nresolved\n"
    model = parse_artifact("INC-3", text)
    assert isinstance(model, StakeholderCommunication)
    assert (model.audience, model.what_happened, model.current_status) == (
        "Everyone",
        "Outage",
        "Resolved",
    )
    assert model.problems == ["What We're Doing: section missing", "Next Update: section missing"]


def test_root_cause_timeline_without_source_and_multi_step_chain() -> None:
    text = """## Detailed Timeline
- 13:58 — deploy — ci
- 14:02 — pool exhausted
- just words
## Causal Chain
1. deploy -> no reuse => pool exhausted → 5xx
2. something happened
"""
    model = parse_artifact("INC-4", text)
    assert isinstance(model, RootCauseAnalysis)
    assert [e.source for e in model.detailed_timeline] == ["ci", None]
    assert [(c.cause, c.effect) for c in model.causal_chain] == [
        ("deploy", "no reuse"),
        ("no reuse", "pool exhausted"),
        ("pool exhausted", "5xx"),
    ]
    assert "Detailed Timeline: line 2 has no source" in model.problems
    assert any(p.startswith("Detailed Timeline: line 3 has no") for p in model.problems)
    assert "Causal Chain: line 2 has no “<cause> → <effect>”" in model.problems


def test_post_mortem_action_item_variants() -> None:
    text = """## Recommended Action Items
1. [p0] Alert on pool saturation — SRE
2. P1: Load test stage
3. (P2) Runbook -- on-call
4. Fix the thing
5. [P3] Someday
6. [P1] — <owner suggestion>
7. [P2] <Action> — <owner suggestion>
"""
    model = parse_artifact("INC-5", text)
    assert isinstance(model, PostMortemReport)
    assert [(a.priority, a.action, a.owner) for a in model.action_items] == [
        ("P0", "Alert on pool saturation", "SRE"),
        ("P1", "Load test stage", None),
        ("P2", "Runbook", "on-call"),
        (None, "Fix the thing", None),
        (None, "[P3] Someday", None),
    ]
    assert "Recommended Action Items: line 4 has no [P0]/[P1]/[P2] priority" in model.problems
    assert any("line 5" in p and "P3 is not one" in p for p in model.problems)


def test_tracker_owner_variants() -> None:
    text = """## Quick Wins
- [ ] Alert on saturation — @alice
- [X] Ask @bob.s to review pools
- [ ] Write docs
- Unchecked plain item – @carol
- [ ] Email ops@example.com the summary
- [ ] <Action> — @<owner>
- [ ] Real action — @<owner>
"""
    model = parse_artifact("INC-6", text)
    assert isinstance(model, ActionItemTracker)
    assert [(t.done, t.action, t.owner) for t in model.quick_wins] == [
        (False, "Alert on saturation", "alice"),
        (True, "Ask @bob.s to review pools", "bob.s"),
        (False, "Write docs", None),
        (False, "Unchecked plain item", "carol"),
        (False, "Email ops@example.com the summary", None),
        (False, "Real action", None),
    ]
    assert "Quick Wins: line 3 has no @owner" in model.problems
    assert "Short-Term: section missing" in model.problems


@pytest.mark.parametrize(
    ("code", "typed", "expected"),
    [
        ("INC-1", "ongoing", "Ongoing"),
        ("INC-1", "Mitigated, monitoring", "Mitigated"),
        ("INC-1", "RESOLVED at 15:10", "Resolved"),
        ("INC-2", "mitigated", "Mitigated"),
        ("INC-2", "Partially mitigated — EU only", "Partially mitigated"),
        ("INC-2", "partial", "Partially mitigated"),
        ("INC-2", "Not mitigated yet", "Mitigation failed"),
        ("INC-2", "mitigation FAILED", "Mitigation failed"),
        ("INC-3", "Investigating", "Investigating"),
        ("INC-3", "still investigating the cause", "Investigating"),
        ("INC-3", "resolved", "Resolved"),
    ],
)
def test_status_spellings(code: str, typed: str, expected: str) -> None:
    heading = "Status" if code == "INC-1" else "Current Status"
    model = parse_artifact(code, f"## {heading}\n{typed}\n")
    assert getattr(model, "status" if code == "INC-1" else "current_status") == expected
    assert not any(p.startswith(heading) for p in model.problems)


def test_long_unreadable_value_is_quoted_short_in_the_problem() -> None:
    model = parse_artifact("INC-1", "## Severity\n" + "word " * 500)
    [problem] = [p for p in model.problems if p.startswith("Severity")]
    assert len(problem) < 120
    assert "…" in problem


def test_timeline_inserted_with_replace_section_parses() -> None:
    template = (TEMPLATES / "INC-1.md").read_text()
    entries = "- 2026-11-27T14:02:11Z — ERROR pool exhausted\n- 2026-11-27T14:03:00Z — note: paged"
    model = parse_artifact("INC-1", replace_section(template, "Timeline", entries))
    assert isinstance(model, TriageAssessment)
    assert model.timeline == [
        TimelineEntry(timestamp="2026-11-27T14:02:11Z", event="ERROR pool exhausted"),
        TimelineEntry(timestamp="2026-11-27T14:03:00Z", event="note: paged"),
    ]
    assert not any(p.startswith("Timeline") for p in model.problems)
    rca = (TEMPLATES / "INC-4.md").read_text()
    sourced = "- 14:02 — ERROR pool exhausted — /var/log/app.log:1042"
    model4 = parse_artifact("INC-4", replace_section(rca, "Detailed Timeline", sourced))
    assert isinstance(model4, RootCauseAnalysis)
    assert model4.detailed_timeline[0].source == "/var/log/app.log:1042"


def test_title_naming_another_artifact_is_a_problem() -> None:
    model = parse_artifact("INC-2", FILLED["INC-1"])
    assert model.problems[0] == "Title: names INC-1, but this is INC-2"


GARBAGE = [
    "",
    "\n\n\n",
    "garbage",
    "## \n##\n###\n#",
    "\x00\x01\x02 binary \ufffd\ud7ff",
    "```\n## Severity\nCritical\n```",
    "## Severity\n" + "x" * 10_000,
    "- [ ] — @\n1. [P] — \n- → →\n- —\n",
    "<<<>>> <a <b> c>",
]


@pytest.mark.parametrize("code", TEMPLATE_CODES)
@pytest.mark.parametrize("text", GARBAGE)
def test_garbage_never_raises(code: str, text: str) -> None:
    model = parse_artifact(code, text)
    assert isinstance(model, MODEL_TYPES[code])
    assert model.problems
    assert isinstance(render_artifact(model), str)


@pytest.mark.parametrize("code", TEMPLATE_CODES)
def test_every_truncation_and_random_damage_parses(code: str) -> None:
    text = FILLED[code]
    rng = random.Random(code)
    alphabet = "#-*→—–>[]@<>:x1 \n\r\t"
    damaged = ["".join(rng.choice(alphabet) if rng.random() < 0.1 else c for c in text)
               for _ in range(20)]
    for sample in [text[:cut] for cut in range(0, len(text), 3)] + damaged:
        model = parse_artifact(code, sample)
        assert isinstance(model, MODEL_TYPES[code])
        for check in CHECKS_BY_CODE[code]:
            assert isinstance(CHECKS[check](model).passed, bool)


def test_unknown_code_and_check_are_programming_errors() -> None:
    with pytest.raises(ValueError, match="unknown artifact code"):
        parse_artifact("INC-7", "")
    with pytest.raises(ValueError, match="unknown check"):
        run_checks("INC-1", "", ["no_such_check"])
    with pytest.raises(TypeError, match="severity_assessed"):
        CHECKS["severity_assessed"](MitigationReport())


# --- checks -----------------------------------------------------------------------------------


def filled_with(code: str, section: str, body: str) -> str:
    """The filled example for `code` with one section's body replaced."""
    return replace_section(FILLED[code], section, body)


CHECK_CASES = [
    # (check, code, markdown, passed, words in the detail)
    ("severity_assessed", "INC-1", FILLED["INC-1"], True, "Critical"),
    ("severity_assessed", "INC-1", filled_with("INC-1", "Severity", "bad"), False, "not set"),
    ("impact_understood", "INC-1", FILLED["INC-1"], True, "filled"),
    ("impact_understood", "INC-1",
     filled_with("INC-1", "Impact", "- **Users affected:** all\n- **Data impact:** none"),
     False, "services affected"),
    ("immediate_actions_identified", "INC-1", FILLED["INC-1"], True, "2 immediate actions"),
    ("immediate_actions_identified", "INC-1", filled_with("INC-1", "Immediate Actions", "- ..."),
     False, "No immediate action"),
    ("impact_reduced", "INC-2", FILLED["INC-2"], True, "Mitigated"),
    ("impact_reduced", "INC-2", filled_with("INC-2", "Current Status", "Partially mitigated"),
     True, "not eliminated"),
    ("impact_reduced", "INC-2", filled_with("INC-2", "Current Status", "Mitigation failed"),
     False, "Mitigation failed"),
    ("impact_reduced", "INC-2", filled_with("INC-2", "Current Status", "<x>"), False, "not set"),
    ("verified_with_metrics", "INC-2", FILLED["INC-2"], True, "5xx rate: 12% → 0.1%"),
    ("verified_with_metrics", "INC-2", filled_with("INC-2", "Metrics", "- error rate is fine"),
     False, "before and an after"),
    ("residual_risk_known", "INC-2", FILLED["INC-2"], True, "stated"),
    ("residual_risk_known", "INC-2", filled_with("INC-2", "Residual Risk", "<Any>"), False,
     "not stated"),
    ("root_cause_definitive", "INC-4", FILLED["INC-4"], True, "without speculative"),
    ("root_cause_definitive", "INC-4",
     filled_with("INC-4", "Root Cause", "The pool was Probably too small."), False,
     '"Probably"'),
    ("root_cause_definitive", "INC-4",
     filled_with("INC-4", "Root Cause", "We  think it was DNS."), False, '"We  think"'),
    ("root_cause_definitive", "INC-4", filled_with("INC-4", "Root Cause", "Cause is TBD"),
     False, '"TBD"'),
    ("root_cause_definitive", "INC-4", filled_with("INC-4", "Root Cause", "<x>"), False,
     "not written"),
    ("causal_chain_traceable", "INC-4", FILLED["INC-4"], True, "2 cause → effect steps"),
    ("causal_chain_traceable", "INC-4",
     filled_with("INC-4", "Detailed Timeline", "- 13:58 — deploy — ci\n- 14:02 — boom"),
     False, "1 of 2 timeline entries have no source"),
    ("causal_chain_traceable", "INC-4", filled_with("INC-4", "Causal Chain", "1. it broke"),
     False, "no cause → effect step"),
    ("causal_chain_traceable", "INC-4", filled_with("INC-4", "Triggering Event", ""), False,
     "no triggering event"),
    ("factors_identified", "INC-4", FILLED["INC-4"], True, "1 contributing factor"),
    ("factors_identified", "INC-4", filled_with("INC-4", "Systemic Factors", "- ..."), False,
     "No systemic factor"),
    ("blameless", "INC-5", FILLED["INC-5"], True, "No blame"),
    ("blameless", "INC-5",
     filled_with("INC-5", "What Went Poorly", "- Bob was careless\n- human   error on deploy"),
     False, '"careless" in What Went Poorly, "human error" in What Went Poorly'),
    ("blameless", "INC-5",
     filled_with("INC-5", "Incident Summary", "It was the DBA's fault; they should have known."),
     False, '"fault" in Incident Summary, "should have known" in Incident Summary'),
    ("blameless", "INC-5",
     filled_with("INC-5", "Incident Summary", "A page fault storm; fault-tolerance and "
                 "fault injection worked; default settings."),
     True, "No blame"),
    ("action_items_prioritized", "INC-5", FILLED["INC-5"], True, "P0: 1, P1: 1, P2: 1"),
    ("action_items_prioritized", "INC-5",
     filled_with("INC-5", "Recommended Action Items", "1. [P0] Alert — SRE\n2. Load test"),
     False, "item 2 has no [P0]/[P1]/[P2] priority"),
    ("action_items_prioritized", "INC-5",
     filled_with("INC-5", "Recommended Action Items", "1. [P1] — SRE"), False,
     "item 1 has no action text"),
    ("lessons_learned", "INC-5", FILLED["INC-5"], True, "1 lesson"),
    ("lessons_learned", "INC-5", filled_with("INC-5", "Lessons Learned", ""), False, "No lesson"),
]


@pytest.mark.parametrize(("check", "code", "markdown", "passed", "detail"), CHECK_CASES)
def test_check(check: str, code: str, markdown: str, passed: bool, detail: str) -> None:
    [result] = run_checks(code, markdown, [check])
    assert result == CheckResult(check=check, passed=passed, detail=result.detail)
    assert detail in result.detail


def test_every_check_passes_and_fails_at_least_once() -> None:
    outcomes = {(case[0], case[3]) for case in CHECK_CASES}
    assert outcomes == {(name, passed) for name in CHECKS for passed in (True, False)}


def test_blame_words_are_exported_and_all_detected() -> None:
    assert {"fault", "blame", "careless", "human error", "should have known"} <= set(BLAME_WORDS)
    for word in BLAME_WORDS:
        text = filled_with("INC-5", "Lessons Learned", f"- Not a lesson: {word.upper()}.")
        [result] = run_checks("INC-5", text, ["blameless"])
        assert not result.passed, word
        assert f'"{word}" in Lessons Learned' in result.detail


def test_run_checks_keeps_the_requested_order() -> None:
    names = ["immediate_actions_identified", "severity_assessed"]
    assert [r.check for r in run_checks("INC-1", FILLED["INC-1"], names)] == names


# --- next update ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("15:00 UTC", datetime(2026, 11, 27, 15, 0, tzinfo=UTC)),
        ("15:00", datetime(2026, 11, 27, 15, 0, tzinfo=UTC)),
        ("at 09:30 tomorrow", datetime(2026, 11, 28, 9, 30, tzinfo=UTC)),
        ("14:10 UTC", datetime(2026, 11, 28, 14, 10, tzinfo=UTC)),
        ("3:30pm", datetime(2026, 11, 27, 15, 30, tzinfo=UTC)),
        ("in 30 minutes", NOW + timedelta(minutes=30)),
        ("We will post again in 1 hour.", NOW + timedelta(hours=1)),
        ("in 2h", NOW + timedelta(hours=2)),
        ("30m", NOW + timedelta(minutes=30)),
        ("in an hour", NOW + timedelta(hours=1)),
        ("every 45 mins", NOW + timedelta(minutes=45)),
        ("2026-11-27T16:00:00Z", datetime(2026, 11, 27, 16, 0, tzinfo=UTC)),
        ("2026-11-27 16:00", datetime(2026, 11, 27, 16, 0, tzinfo=UTC)),
        ("2026-11-27T17:00:00+01:00", datetime(2026, 11, 27, 16, 0, tzinfo=UTC)),
        ("15:00 CET", None),
        ("when we know more", None),
        ("<When stakeholders will hear from us again>", None),
    ],
)
def test_next_update_at(typed: str, expected: datetime | None) -> None:
    model = parse_artifact("INC-3", f"## Message\n### Next Update\n{typed}\n")
    assert isinstance(model, StakeholderCommunication)
    due = next_update_at(model, NOW)
    assert due == expected
    if due is not None:
        assert due.utcoffset() == timedelta(0)


def test_next_update_at_converts_now_to_utc_and_refuses_naive_now() -> None:
    model = StakeholderCommunication(next_update="15:00")
    plus_two = timezone(timedelta(hours=2))
    assert next_update_at(model, datetime(2026, 11, 27, 16, 10, tzinfo=plus_two)) == datetime(
        2026, 11, 27, 15, 0, tzinfo=UTC
    )
    assert next_update_at(StakeholderCommunication(), NOW) is None
    with pytest.raises(ValueError, match="timezone-aware"):
        next_update_at(model, datetime(2026, 11, 27, 14, 10))  # noqa: DTZ001
