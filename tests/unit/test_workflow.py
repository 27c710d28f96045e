"""The workflow definition: the shipped incident-response workflow and the loader.

Expected values are copied from the seed (incident-response-workflow.md) by hand:
the shared seed directory may be absent where these tests run, so nothing here
reads it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

from warroom.core.workflow import (
    DEFAULT_WORKFLOW,
    WorkflowError,
    default_workflow,
    load_workflow,
)
from warroom.resources import data_dir

# -- the seed, hard-coded ----------------------------------------------------

SEED_PHASES = [
    # number, name, artifact code, artifact title, gated
    (1, "Triage", "INC-1", "Triage Assessment", True),
    (2, "Mitigate", "INC-2", "Mitigation Report", True),
    (3, "Communicate", "INC-3", "Stakeholder Communication", False),
    (4, "Root Cause", "INC-4", "Root Cause Analysis", True),
    (5, "Post-Mortem", "INC-5", "Post-Mortem Report", True),
    (6, "Action Items", "INC-6", "Action Item Tracker", False),
]

SEED_INPUTS = {
    1: (
        "Alert or incident report",
        "Initial symptoms and affected systems",
        "Time of first detection",
    ),
    2: ("[INC-1]: Triage Assessment",),
    3: ("[INC-1]: Triage Assessment", "[INC-2]: Mitigation Report"),
    4: (
        "[INC-1]: Triage Assessment",
        "[INC-2]: Mitigation Report",
        "Logs, traces, metrics from the incident window",
    ),
    5: (
        "[INC-1]: Triage Assessment",
        "[INC-2]: Mitigation Report",
        "[INC-4]: Root Cause Analysis",
    ),
    6: ("[INC-5]: Post-Mortem Report",),
}

SEED_PROCESS = {
    1: (
        "Assess severity (critical / major / minor)",
        "Identify affected users, services, and data",
        "Determine if the incident is ongoing or resolved",
        "Assign initial roles (who is investigating, who is communicating)",
        "Establish a timeline of known events",
    ),
    2: (
        "Identify the fastest path to reduce user impact "
        "(rollback, feature flag, scaling, failover)",
        "Execute mitigation steps",
        "Verify mitigation is effective (metrics returning to normal)",
        "Document what was done and the result",
    ),
    3: (
        "Draft stakeholder communication appropriate to severity",
        "Include: what happened, current status, what's being done, next update time",
        "Identify who needs to be notified (users, leadership, dependent teams)",
    ),
    4: (
        "Build a detailed timeline from logs and monitoring",
        "Identify the triggering event",
        "Trace the chain of causation from trigger to impact",
        "Distinguish root cause from contributing factors",
        "Identify systemic factors (missing monitoring, inadequate testing, etc.)",
    ),
    5: (
        "Review the incident end-to-end with the round table",
        "Evaluate what went well (detection, response, communication)",
        "Evaluate what went poorly",
        "Identify lessons learned",
        "Generate prioritized action items to prevent recurrence",
    ),
    6: (
        "Refine action items into trackable tasks",
        "Assign owners and priorities",
        "Identify quick wins vs. longer-term improvements",
        "Document the post-mortem and action items in the project record",
    ),
}

# The seed writes persona paths as `personas/<path>` (and the debug prompt as
# `prompts/debug.md`); the workflow stores them relative to the personas dir.
SEED_PERSONAS = {
    1: (("adopt", "special_purpose/incident-commander.md"),),
    2: (
        ("adopt", "special_purpose/incident-commander.md"),
        ("secondary", "operations_reliability/sre.md"),
    ),
    3: (("adopt", "special_purpose/incident-commander.md"),),
    4: (("adopt", "engineering/debugger.md"), ("prompt", "prompts/debug.md")),
    5: (("panel", "panels/incident-post-mortem.md"),),
    6: (("adopt", "process_people/tech-lead.md"),),
}

SEED_CRITERIA = {
    1: (
        "Severity is assessed.",
        "Impact scope is understood.",
        "Immediate actions are identified.",
    ),
    2: (
        "User impact is reduced or eliminated.",
        "Mitigation is verified with metrics.",
        "Residual risk is known.",
    ),
    4: (
        "Root cause is definitive, not speculative.",
        "Causal chain is traceable.",
        "Contributing and systemic factors are identified.",
    ),
    5: (
        "Post-mortem is blameless.",
        "Action items are concrete, prioritized, and address systemic factors.",
        "Lessons learned are actionable.",
    ),
}

SEED_OUTCOMES = {
    # approve label, approve effect, send-back label, send-back effect
    1: ("Approved", "proceed to Phase 2", "Revise", "gather more information, re-present [INC-1]"),
    2: (
        "Approved",
        "proceed to Phase 3",
        "Mitigation insufficient",
        "try alternative mitigation, re-present [INC-2]",
    ),
    4: ("Approved", "proceed to Phase 5", "Revise", "deepen investigation, re-present [INC-4]"),
    5: ("Approved", "proceed to Phase 6", "Revise", "address feedback, re-present [INC-5]"),
}

# The `## ` sections of each artifact's output block in the seed.
SEED_SECTIONS = {
    1: (
        "Severity",
        "Impact",
        "Status",
        "Timeline",
        "Initial Hypothesis",
        "Immediate Actions Needed",
    ),
    2: ("Mitigation Strategy", "Steps Taken", "Current Status", "Metrics", "Residual Risk"),
    3: ("Audience", "Message"),
    4: (
        "Detailed Timeline",
        "Triggering Event",
        "Causal Chain",
        "Root Cause",
        "Contributing Factors",
        "Systemic Factors",
    ),
    5: (
        "Incident Summary",
        "What Went Well",
        "What Went Poorly",
        "Lessons Learned",
        "Recommended Action Items",
    ),
    6: (
        "Quick Wins (do this week)",
        "Short-Term (do this sprint/cycle)",
        "Long-Term (schedule for planning)",
        "Post-Mortem Document",
    ),
}

SEED_INC3_SUBSECTIONS = ("What Happened", "Current Status", "What We're Doing", "Next Update")

SEED_PREREQUISITES = (
    "An active or recently resolved incident (alert, user report, monitoring signal)",
    "Access to logs, monitoring dashboards, and the affected system",
    "Communication channel for stakeholders",
)

PHASE_NUMBERS = [row[0] for row in SEED_PHASES]


def headings(markdown: str, level: int) -> list[str]:
    prefix = "#" * level + " "
    return [
        line[len(prefix) :].strip() for line in markdown.splitlines() if line.startswith(prefix)
    ]


@pytest.fixture(scope="module")
def wf():
    return default_workflow()


# -- the default workflow ----------------------------------------------------


def test_default_workflow_identity(wf):
    assert wf.name == DEFAULT_WORKFLOW == "incident-response"
    assert wf.title == "Incident Response"
    assert wf.description == (
        "Managing an active incident through mitigation, communication, "
        "root cause analysis, and post-mortem."
    )
    assert wf.prerequisites == SEED_PREREQUISITES
    assert wf.directory == data_dir("templates") / "incident-response"


def test_default_workflow_is_cached(wf):
    assert default_workflow() is wf


def test_default_workflow_has_exactly_the_seed_phases(wf):
    actual = [(p.number, p.name, p.artifact.code, p.artifact.title, p.gated) for p in wf.phases]
    assert actual == SEED_PHASES


def test_gated_phases_are_1_2_4_5(wf):
    assert [p.number for p in wf.phases if p.gated] == [1, 2, 4, 5]
    assert [p.number for p in wf.phases if p.gate is None] == [3, 6]


@pytest.mark.parametrize("number", PHASE_NUMBERS)
def test_artifact_label_and_template_name(wf, number):
    phase = wf.phase(number)
    assert phase.artifact.label == f"[INC-{number}]: {SEED_PHASES[number - 1][3]}"
    assert phase.artifact.template == f"INC-{number}.md"


@pytest.mark.parametrize("number", PHASE_NUMBERS)
def test_inputs_match_the_seed(wf, number):
    assert wf.phase(number).inputs == SEED_INPUTS[number]


@pytest.mark.parametrize("number", PHASE_NUMBERS)
def test_process_steps_match_the_seed(wf, number):
    assert wf.phase(number).process == SEED_PROCESS[number]


@pytest.mark.parametrize("number", PHASE_NUMBERS)
def test_personas_match_the_seed(wf, number):
    assert tuple((p.role, p.path) for p in wf.phase(number).personas) == SEED_PERSONAS[number]


@pytest.mark.parametrize(
    ("number", "path"),
    [(n, ref[1]) for n, refs in SEED_PERSONAS.items() for ref in refs],
)
def test_persona_files_exist_under_the_personas_dir(wf, number, path):
    personas = data_dir("personas")
    assert path in [p.path for p in wf.phase(number).personas]
    target = personas / path
    assert target.is_file(), f"phase {number}: {target} missing"
    assert target.read_text(encoding="utf-8").strip(), f"{target} is empty"


def test_every_persona_path_in_the_workflow_exists(wf):
    personas = data_dir("personas")
    missing = [
        (p.number, ref.path)
        for p in wf.phases
        for ref in p.personas
        if not (personas / ref.path).is_file()
    ]
    assert missing == []


@pytest.mark.parametrize("number", sorted(SEED_CRITERIA))
def test_gate_criteria_match_the_seed(wf, number):
    gate = wf.phase(number).gate
    assert gate is not None
    assert tuple(c.text for c in gate.criteria) == SEED_CRITERIA[number]
    assert all(c.check for c in gate.criteria)


@pytest.mark.parametrize("number", sorted(SEED_OUTCOMES))
def test_gate_outcomes_match_the_seed(wf, number):
    gate = wf.phase(number).gate
    assert gate is not None
    assert (
        gate.approve.label,
        gate.approve.effect,
        gate.send_back.label,
        gate.send_back.effect,
    ) == SEED_OUTCOMES[number]


@pytest.mark.parametrize("number", PHASE_NUMBERS)
def test_template_file_exists_and_headings_equal_the_seed(wf, number):
    path = wf.directory / wf.phase(number).artifact.template
    assert path.is_file()
    text = path.read_text(encoding="utf-8")
    assert wf.template(number) == text
    assert tuple(headings(text, 2)) == SEED_SECTIONS[number]


@pytest.mark.parametrize("number", PHASE_NUMBERS)
def test_template_title_is_the_artifact_label(wf, number):
    first = wf.template(number).splitlines()[0]
    assert first == f"# {wf.phase(number).artifact.label}"
    assert headings(wf.template(number), 1) == [wf.phase(number).artifact.label]


def test_inc3_message_subsections_equal_the_seed(wf):
    assert tuple(headings(wf.template(3), 3)) == SEED_INC3_SUBSECTIONS


@pytest.mark.parametrize("number", [1, 2, 4, 5, 6])
def test_templates_other_than_inc3_have_no_subsections(wf, number):
    assert headings(wf.template(number), 3) == []


def test_workflow_is_frozen(wf):
    with pytest.raises(ValidationError):
        wf.name = "other"


# -- phase lookup --------------------------------------------------------------


@pytest.mark.parametrize(
    "ref", ["2", " 2 ", 2, "INC-2", "inc-2", "Inc-2", " INC-2 ", "mitigate", "Mitigate", "MITIGATE"]
)
def test_phase_for_finds_phase_2(wf, ref):
    assert wf.phase_for(ref).number == 2


@pytest.mark.parametrize(
    ("ref", "number"),
    [
        ("1", 1),
        ("6", 6),
        ("INC-4", 4),
        ("root cause", 4),
        ("Root Cause", 4),
        ("post-mortem", 5),
        ("action items", 6),
        ("triage", 1),
        ("communicate", 3),
    ],
)
def test_phase_for_by_number_code_or_name(wf, ref, number):
    assert wf.phase_for(ref).number == number


@pytest.mark.parametrize(
    "ref",
    [
        "0",
        "7",
        "99",
        "-1",
        0,
        7,
        "",
        "   ",
        "INC-0",
        "INC-7",
        "INC2",
        "INC-",
        "mitigation",
        "mitigate!",
        "Mitigation Report",
        "1.0",
        "two",
    ],
)
def test_phase_for_unknown_raises_key_error(wf, ref):
    with pytest.raises(KeyError):
        wf.phase_for(ref)


def test_phase_for_error_lists_the_known_codes(wf):
    with pytest.raises(KeyError, match="INC-1, INC-2, INC-3, INC-4, INC-5, INC-6"):
        wf.phase_for("nope")


def test_phase_for_non_ascii_digit_raises_key_error(wf):
    with pytest.raises(KeyError):
        wf.phase_for("²")


@pytest.mark.parametrize("number", [0, 7, -1])
def test_phase_out_of_range_raises_key_error(wf, number):
    with pytest.raises(KeyError, match=r"1\.\.6"):
        wf.phase(number)


# -- loading broken definitions -----------------------------------------------

MINI = """\
name = "mini"
title = "Mini"

[[phases]]
number = 1
name = "Alpha"
artifact = { code = "X-1", title = "Alpha Doc", template = "X-1.md" }
personas = [{ role = "adopt", path = "a.md" }]
[phases.gate]
criteria = [{ text = "It is done." }]
approve = { label = "Approved" }
send_back = { label = "Revise" }

[[phases]]
number = 2
name = "Beta"
artifact = { code = "X-2", title = "Beta Doc", template = "X-2.md" }
"""


def write_workflow(directory: Path, old: str = "", new: str = "") -> Path:
    """Write the mini workflow with one exact edit, plus its two templates."""
    directory.mkdir(parents=True, exist_ok=True)
    text = MINI
    if old:
        assert MINI.count(old) == 1, f"edit target {old!r} must occur exactly once"
        text = MINI.replace(old, new)
    (directory / "workflow.toml").write_text(text, encoding="utf-8")
    (directory / "X-1.md").write_text("# [X-1]: Alpha Doc\n\n## One\n", encoding="utf-8")
    (directory / "X-2.md").write_text("# [X-2]: Beta Doc\n\n## Two\n", encoding="utf-8")
    return directory


def load_error(directory: Path) -> str:
    with pytest.raises(WorkflowError) as info:
        load_workflow(directory)
    message = str(info.value)
    assert str(directory / "workflow.toml") in message, "the message names the file"
    return message


def test_mini_workflow_loads(tmp_path):
    workflow = load_workflow(write_workflow(tmp_path))
    assert workflow.name == "mini"
    assert [p.number for p in workflow.phases] == [1, 2]
    assert workflow.phase(1).gated
    assert not workflow.phase(2).gated
    assert workflow.directory == tmp_path
    assert workflow.template(2) == "# [X-2]: Beta Doc\n\n## Two\n"


def test_copy_of_the_default_workflow_loads(tmp_path, wf):
    target = tmp_path / "copy"
    shutil.copytree(wf.directory, target)
    workflow = load_workflow(target)
    assert workflow.directory == target
    assert workflow.phases == wf.phases


def test_missing_file(tmp_path):
    message = load_error(tmp_path)
    assert "cannot read workflow definition" in message


def test_missing_directory(tmp_path):
    message = load_error(tmp_path / "nowhere")
    assert "cannot read workflow definition" in message


def test_invalid_toml(tmp_path):
    message = load_error(write_workflow(tmp_path, 'title = "Mini"', 'title = "Mini'))
    assert "not valid TOML" in message
    assert "line 2" in message


def test_non_utf8_file(tmp_path):
    (tmp_path / "workflow.toml").write_bytes(b'name = "\xff"\n')
    load_error(tmp_path)


def test_phase_missing_name(tmp_path):
    message = load_error(write_workflow(tmp_path, 'name = "Alpha"\n', ""))
    assert re.search(r"field phases\[0\].*\.name: Field required", message), message


def test_workflow_missing_title(tmp_path):
    message = load_error(write_workflow(tmp_path, 'title = "Mini"\n', ""))
    assert "field title: Field required" in message


@pytest.mark.parametrize(
    ("old", "new", "got"),
    [
        ("number = 1\n", "number = 3\n", "[3, 2]"),
        ("number = 2\n", "number = 1\n", "[1, 1]"),
    ],
    ids=["gap", "duplicate-number"],
)
def test_phases_numbered_out_of_order(tmp_path, old, new, got):
    message = load_error(write_workflow(tmp_path, old, new))
    assert "phases must be numbered 1..2 in order" in message
    assert got in message


def test_phases_listed_in_reverse_order(tmp_path):
    write_workflow(tmp_path)
    head, first, second = MINI.split("[[phases]]")
    reordered = f"{head}[[phases]]{second}\n[[phases]]{first}"
    (tmp_path / "workflow.toml").write_text(reordered, encoding="utf-8")
    message = load_error(tmp_path)
    assert "phases must be numbered 1..2 in order, got [2, 1]" in message


def test_phases_numbered_from_zero(tmp_path):
    message = load_error(write_workflow(tmp_path, "number = 1\n", "number = 0\n"))
    assert "phases[0] (Alpha).number" in message


def test_duplicate_artifact_codes(tmp_path):
    message = load_error(write_workflow(tmp_path, 'code = "X-2"', 'code = "X-1"'))
    assert "artifact codes must be unique" in message
    assert "['X-1', 'X-1']" in message


def test_malformed_artifact_code(tmp_path):
    message = load_error(write_workflow(tmp_path, 'code = "X-2"', 'code = "x2"'))
    assert "field phases[1] (Beta).artifact.code" in message


def test_gate_with_no_criteria(tmp_path):
    message = load_error(
        write_workflow(tmp_path, 'criteria = [{ text = "It is done." }]', "criteria = []")
    )
    assert "field phases[0] (Alpha).gate.criteria" in message
    assert "at least 1 item" in message


def test_gate_missing_send_back(tmp_path):
    message = load_error(write_workflow(tmp_path, 'send_back = { label = "Revise" }\n', ""))
    assert "field phases[0] (Alpha).gate.send_back: Field required" in message


def test_unknown_persona_role(tmp_path):
    message = load_error(write_workflow(tmp_path, 'role = "adopt"', 'role = "lead"'))
    assert "field phases[0] (Alpha).personas[0].role" in message
    assert "'adopt', 'secondary', 'panel' or 'prompt'" in message


def test_template_file_that_does_not_exist(tmp_path):
    message = load_error(write_workflow(tmp_path, 'template = "X-2.md"', 'template = "Y-2.md"'))
    assert "field phases[1] (Beta).artifact.template" in message
    assert "Y-2.md does not exist" in message
    assert str(tmp_path) in message


def test_template_deleted_after_writing(tmp_path):
    write_workflow(tmp_path)
    (tmp_path / "X-1.md").unlink()
    message = load_error(tmp_path)
    assert "field phases[0] (Alpha).artifact.template: X-1.md does not exist" in message


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('title = "Mini"\n', 'title = "Mini"\nowner = "me"\n', "field owner"),
        ('name = "Beta"\n', 'name = "Beta"\ncolour = "red"\n', "field phases[1] (Beta).colour"),
        (
            'send_back = { label = "Revise" }',
            'send_back = { label = "Revise" }\nquorum = 2',
            "field phases[0] (Alpha).gate.quorum",
        ),
        (
            'title = "Beta Doc", template',
            'title = "Beta Doc", owner = "me", template',
            "field phases[1] (Beta).artifact.owner",
        ),
    ],
    ids=["top-level", "phase", "gate", "artifact"],
)
def test_unknown_extra_field(tmp_path, old, new, field):
    message = load_error(write_workflow(tmp_path, old, new))
    assert field in message
    assert "Extra inputs are not permitted" in message


def test_several_errors_are_counted(tmp_path):
    write_workflow(tmp_path)
    text = (tmp_path / "workflow.toml").read_text(encoding="utf-8")
    text = text.replace('title = "Mini"\n', 'owner = "me"\n')
    (tmp_path / "workflow.toml").write_text(text, encoding="utf-8")
    message = load_error(tmp_path)
    assert message.endswith("(and 1 more)")
