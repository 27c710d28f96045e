"""Declaring carries what was said: the severity chosen fills INC-1, a change shows its time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

FILLED = Path(__file__).parent.parent / "fixtures" / "filled"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "WARROOM_DB": str(tmp_path / "declare.db"), "WARROOM_USER": "ana"}


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "warroom", *args], env=env, input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_the_severity_chosen_when_declaring_is_in_inc1(env: dict[str, str]) -> None:
    assert run(env, "new", "Checkout 5xx", "--severity", "major").returncode == 0
    inc1 = run(env, "artifact", "1", "INC-1").stdout
    assert "## Severity\nMajor\n" in inc1
    refused = run(env, "gate", "1", "INC-1", "--approve", "--reviewer", "rita")
    assert refused.returncode == 3  # refused: impact and actions are still to fill in...
    assert "Severity is not set" not in refused.stderr  # ...but not the severity


def test_a_later_change_of_severity_in_inc1_is_shown_with_its_time(env: dict[str, str]) -> None:
    run(env, "new", "Checkout 5xx", "--severity", "major")
    text = (FILLED / "INC-1.md").read_text()  # says Critical
    assert run(env, "artifact", "1", "INC-1", "--from", "-", stdin=text).returncode == 0
    status = run(env, "status", "1").stdout
    assert "[Critical]" in status
    timeline = run(env, "export", "1", "--format", "json").stdout
    [change] = [line for line in timeline.splitlines() if "severity set to Critical" in line]
    assert "(was Major)" in change
