"""An incident ends: resolved (the clocks stop), then closed (it leaves the default list)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FILLED = Path(__file__).parent.parent / "fixtures" / "filled"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "WARROOM_DB": str(tmp_path / "life.db"), "WARROOM_USER": "ana"}
    for title in ("Checkout 5xx", "Search slow"):
        subprocess.run([sys.executable, "-m", "warroom", "new", title], env=env, check=True,
                       capture_output=True)
    return env


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "warroom", *args], env=env, input=stdin,
                          capture_output=True, text=True, timeout=60)


def listed(env: dict[str, str], *args: str) -> list[int]:
    return [row["id"] for row in json.loads(run(env, "list", "--json", *args).stdout)]


def test_resolve_then_close_with_a_reason(env: dict[str, str]) -> None:
    assert run(env, "resolve", "1").returncode == 0
    status = json.loads(run(env, "status", "1", "--json").stdout)
    assert status["status"] == "Resolved"
    kinds = [m["kind"] for m in status["milestones"]]
    assert "resolved" in kinds  # the milestone: the clocks stop there

    refused = run(env, "close", "1")
    assert refused.returncode == 3  # refused by a workflow rule
    assert "INC-6" in refused.stderr
    assert "--reason" in refused.stderr
    assert "Traceback" not in refused.stderr

    assert run(env, "close", "1", "--reason", "duplicate of #2").returncode == 0
    assert listed(env) == [2]
    assert sorted(listed(env, "--all")) == [1, 2]
    assert listed(env, "--status", "closed") == [1]
    bundle = run(env, "export", "1", "--format", "json").stdout
    assert "duplicate of #2" in bundle


def test_editing_inc1_does_not_take_the_status_back(env: dict[str, str]) -> None:
    run(env, "resolve", "1")
    text = (FILLED / "INC-1.md").read_text()  # its Status section says Ongoing
    assert "## Status\nOngoing" in text
    assert run(env, "artifact", "1", "INC-1", "--from", "-", stdin=text).returncode == 0
    assert json.loads(run(env, "status", "1", "--json").stdout)["status"] == "Resolved"
    record = run(env, "export", "1").stdout  # the difference is said, in the audit log
    assert "INC-1 says Ongoing; the incident stays Resolved" in record
