"""The post-mortem panel guide read into roles and questions, robust to a team's edits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from warroom.core.panel import PanelAnswer, PanelRole, latest_answers, load_panel, parse_panel
from warroom.resources import data_dir

SHIPPED = data_dir("personas") / "panels" / "incident-post-mortem.md"


def test_the_shipped_panel_has_six_roles_with_questions() -> None:
    roles = load_panel(SHIPPED)
    assert [r.name for r in roles] == [
        "Facilitator",
        "Incident Commander",
        "SRE / On-call Responder",
        "Service Owner / Developer",
        "Customer / Support Liaison",
        "Security and Quality",
    ]
    assert all(len(r.questions) == 6 for r in roles)
    assert roles[0].description.startswith("Runs the session, keeps it blameless")
    assert roles[0].questions[0] == "Does everyone agree the timeline is accurate and complete?"
    # The sections around the roles are no roles.
    assert not any("Closing" in r.name or "round table" in r.name for r in roles)


def test_a_role_is_name_description_and_questions() -> None:
    text = "## Role: Scribe\n\n*Writes it down.*\n\n### Questions\n\n- What was said?\n- Who?\n"
    assert parse_panel(text) == [PanelRole("Scribe", "Writes it down.", ("What was said?", "Who?"))]


@pytest.mark.parametrize(
    "heading",
    ["## Role: Scribe", "## role: Scribe", "## Role — Scribe", "## Role - Scribe",
     "## **Role:** Scribe", "## Role: Scribe ##"],
)
def test_role_headings_as_people_type_them(heading: str) -> None:
    [role] = parse_panel(f"{heading}\n\n*Writes.*\n\n### Questions\n- Q?\n")
    assert role.name == "Scribe"
    assert role.questions == ("Q?",)


def test_windows_line_endings_numbered_and_starred_lists() -> None:
    text = "## Role: A\r\n_Italic with underscores._\r\n### Questions\r\n1. One?\r\n2. Two?\r\n"
    text += "## Role: B\n*B.*\n### Questions\n* Three?\n+ Four?\n"
    roles = parse_panel(text)
    assert roles[0] == PanelRole("A", "Italic with underscores.", ("One?", "Two?"))
    assert roles[1].questions == ("Three?", "Four?")


def test_no_italic_line_takes_the_first_prose_line() -> None:
    [role] = parse_panel("## Role: A\n\nSpeaks for the users.\n\n### Questions\n- Q?\n")
    assert role.description == "Speaks for the users."


def test_no_questions_heading_takes_the_entries_that_ask() -> None:
    [role] = parse_panel("## Role: A\n*A.*\n\n- Is it fixed?\n- a remark, not a question\n")
    assert role.questions == ("Is it fixed?",)


def test_wrapped_question_emphasis_and_duplicates() -> None:
    text = (
        "## Role: A\n*A.*\n### Questions\n- A **long** question\n  that wraps?\n"
        "- `code` here?\n- `code` here?\n"
    )
    [role] = parse_panel(text)
    assert role.questions == ("A long question that wraps?", "code here?")


def test_a_role_named_twice_is_one_role() -> None:
    text = "## Role: A\n*First.*\n### Questions\n- One?\n## Role: a\n### Questions\n- Two?\n"
    assert parse_panel(text) == [PanelRole("A", "First.", ("One?", "Two?"))]


def test_a_role_without_questions_is_kept() -> None:
    [role] = parse_panel("## Role: Observer\n*Listens.*\n")
    assert role == PanelRole("Observer", "Listens.", ())


def test_roles_one_level_down_and_fenced_headings_ignored() -> None:
    text = (
        "# Panel\n## Roles\n### Role: A\n*A.*\n#### Questions\n- One?\n"
        "```\n### Role: Not a role\n```\n### Role: B\n#### Questions\n- Two?\n"
    )
    found = [(r.name, r.questions) for r in parse_panel(text)]
    assert found == [("A", ("One?",)), ("B", ("Two?",))]


@pytest.mark.parametrize("text", ["", "# Panel\n\nNo roles here.\n", "## Closing\n- Thanks?\n"])
def test_no_roles(text: str) -> None:
    assert parse_panel(text) == []


def test_a_missing_file_raises_for_the_caller(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_panel(tmp_path / "missing.md")


def test_latest_answers_keep_the_newest_per_question() -> None:
    t0 = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
    answers = [
        PanelAnswer(1, "A", "Q?", "first", "ana", t0),
        PanelAnswer(1, "A", "Q?", "second", "bo", t0 + timedelta(minutes=1)),
        PanelAnswer(1, "B", "Q?", "other role", "ana", t0),
    ]
    latest = latest_answers(answers)
    assert latest[("A", "Q?")].answer == "second"
    assert latest[("B", "Q?")].answer == "other role"
