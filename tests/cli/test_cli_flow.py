"""A whole incident driven through all six phases with the installed `warroom` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FILLED = Path(__file__).parent.parent / "fixtures" / "filled"
WARROOM = Path(sys.executable).parent / "warroom"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "WARROOM_DB": str(tmp_path / "cli.db"),
        "WARROOM_USER": "ana",
        "NO_COLOR": "1",
    }


def run(env: dict[str, str], *args: str, stdin: str | None = None, ok: bool = True):
    result = subprocess.run(
        [str(WARROOM), *args], env=env, input=stdin, capture_output=True, text=True, timeout=60
    )
    if ok:
        assert result.returncode == 0, result.stderr
    return result


def test_installed_command_exists() -> None:
    assert WARROOM.exists(), "warroom console script is not installed in this environment"


def test_whole_incident_through_all_six_phases(env: dict[str, str], tmp_path: Path) -> None:
    out = run(
        env, "new", "Checkout 5xx in EU", "--severity", "critical",
        "--detected-at", "2026-11-27T13:55:10Z",
    )
    incident = out.stdout.splitlines()[0]
    assert incident.isdigit()

    template = run(env, "artifact", incident, "INC-1").stdout
    assert template.startswith("# [INC-1]: Triage Assessment")

    # INC-1: sent back once, then approved.
    run(env, "artifact", incident, "INC-1", "--from", str(FILLED / "INC-1.md"))
    run(env, "gate", incident, "INC-1", "--revise", "--reviewer", "rita",
        "--comment", "Name the payments on-call")
    run(env, "artifact", incident, "INC-1", "--from", "-",
        stdin=(FILLED / "INC-1.md").read_text() + "\n")
    run(env, "gate", incident, "INC-1", "--approve", "--reviewer", "rita",
        "--criterion", "1", "--criterion", "2", "--criterion", "3")

    # INC-2: mitigation insufficient, then approved.
    run(env, "artifact", incident, "INC-2", "--from", str(FILLED / "INC-2-weak.md"))
    sent_back = run(env, "gate", incident, "INC-2", "--revise", "--reviewer", "rita",
                    "--comment", "Restart did not hold; roll back").stdout
    assert "Mitigation insufficient" in sent_back
    run(env, "artifact", incident, "INC-2", "--from", str(FILLED / "INC-2.md"))
    run(env, "gate", incident, "INC-2", "--approve", "--reviewer", "rita")

    # INC-3 has no gate: completed.
    run(env, "artifact", incident, "INC-3", "--from", str(FILLED / "INC-3.md"))
    run(env, "complete", incident, "INC-3")

    run(env, "note", incident, "Reconciliation job started")

    for code in ("INC-4", "INC-5"):
        run(env, "artifact", incident, code, "--from", str(FILLED / f"{code}.md"))
        run(env, "gate", incident, code, "--approve", "--reviewer", "sam")

    run(env, "artifact", incident, "INC-6", "--from", str(FILLED / "INC-6.md"))
    run(env, "complete", incident, "6")

    status = json.loads(run(env, "status", incident, "--json").stdout)
    assert [p["state"] for p in status["phases"]] == [
        "approved", "approved", "completed", "approved", "approved", "completed"
    ]
    assert [(d["phase"], d["outcome"]) for d in status["decisions"]] == [
        (1, "Revise"), (1, "Approved"), (2, "Mitigation insufficient"), (2, "Approved"),
        (4, "Approved"), (5, "Approved"),
    ]
    assert status["decisions"][1]["criteria_ticked"] == [1, 2, 3]
    assert status["decisions"][0]["comment"] == "Name the payments on-call"

    listed = json.loads(run(env, "list", "--json").stdout)
    assert [(i["id"], i["title"]) for i in listed] == [(int(incident), "Checkout 5xx in EU")]

    target = tmp_path / "postmortem.md"
    run(env, "export", incident, "-o", str(target))
    document = target.read_text()
    headings = [line for line in document.splitlines() if line.startswith("## ")]
    assert headings[:2] == ["## Overview", "## Phases"]
    assert [h for h in headings if h.startswith("## [INC-")] == [
        "## [INC-1]: Triage Assessment",
        "## [INC-2]: Mitigation Report",
        "## [INC-3]: Stakeholder Communication",
        "## [INC-4]: Root Cause Analysis",
        "## [INC-5]: Post-Mortem Report",
        "## [INC-6]: Action Item Tracker",
    ]
    assert "Rolled checkout-api back to v2.13.2." in document
    assert "Reconciliation job started" in document
    assert "**Mitigation insufficient** by rita" in document
    assert "Restart did not hold; roll back" in document
    assert document.index("## Incident timeline") < document.index("## Gate decisions")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("status", "41"), "no incident #41"),
        (("status", "abc"), "is not a number"),
        (("new", "x", "--severity", "sev0"), "not one of critical, major, minor"),
        (("new", "x", "--detected-at", "yesterday"), "not an ISO-8601 time"),
        (("artifact", "1", "INC-7"), "no phase or artifact 'INC-7'"),
        (("artifact", "1", "INC-1", "--from", "/nonexistent/file.md"), "does not exist"),
        (("artifact", "1", "INC-2", "--from", "-"), "INC-2 is locked until phase 1"),
        (("parse", "/nonexistent.log"), "does not exist"),
        (("frobnicate",), "invalid choice"),
    ],
)
def test_bad_input_is_one_line_and_status_2(
    env: dict[str, str], args: tuple[str, ...], message: str
) -> None:
    run(env, "new", "An incident")
    result = run(env, *args, ok=False, stdin="")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("gate", "1", "INC-1", "--revise", "--reviewer", "r"), "needs a comment"),
        (("gate", "1", "INC-3", "--approve", "--reviewer", "r"), "INC-3 has no gate"),
        (("complete", "1", "INC-1"), "INC-1 has a gate"),
        (("gate", "1", "INC-2", "--approve", "--reviewer", "r"), "locked until phase 1"),
        (("gate", "1", "INC-1", "--approve", "--reviewer", "r", "--criterion", "1"),
         "ticking a criterion cannot pass a placeholder"),
    ],
)
def test_refused_by_a_workflow_rule_is_one_line_and_status_3(
    env: dict[str, str], args: tuple[str, ...], message: str
) -> None:
    run(env, "new", "An incident")
    result = run(env, *args, ok=False, stdin="")
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]


def test_not_a_database_is_one_line(env: dict[str, str], tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("just notes\n" * 20)
    result = run(env, "--db", str(bogus), "list", ok=False)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "not a warroom database" in result.stderr
    assert bogus.read_text() == "just notes\n" * 20


def test_version_and_module_entry(env: dict[str, str]) -> None:
    assert run(env, "--version").stdout.startswith("warroom ")
    module = subprocess.run(
        [sys.executable, "-m", "warroom", "--version"], capture_output=True, text=True, env=env,
        check=True,
    )
    assert module.stdout.startswith("warroom ")
