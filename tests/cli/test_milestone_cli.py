"""`warroom milestone` and the milestones in `warroom status`, through the installed command."""

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


def run(env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(WARROOM), *args], env=env, capture_output=True, text=True, timeout=60
    )
    if ok:
        assert result.returncode == 0, result.stderr
    return result


def status(env: dict[str, str], incident: str) -> dict:
    return json.loads(run(env, "status", incident, "--json").stdout)


def test_set_by_time_from_an_entry_and_clear(env: dict[str, str]) -> None:
    incident = run(
        env, "new", "Checkout 5xx", "--detected-at", "2026-11-20T13:55:00Z"
    ).stdout.split()[0]

    out = run(env, "milestone", incident, "started", "--at", "2026-11-20T13:40:00Z").stdout
    assert "started       2026-11-20T13:40:00Z  set by ana" in out
    assert "time to detect 15m" in out

    run(env, "note", incident, "rollback finished")
    kinds = [m["kind"] for m in status(env, incident)["milestones"]]
    # Declared days after its detection: the declaration is not its acknowledgement (issue 15).
    assert kinds == ["started", "detected"]

    # Entry #3: #1 is "Incident declared", #2 the log of the started milestone.
    run(env, "milestone", incident, "mit", "--event", "3")  # a unique prefix will do
    data = status(env, incident)
    mitigated = data["milestones"][-1]
    assert (mitigated["kind"], mitigated["origin"], mitigated["event_id"]) == (
        "mitigated", "event", 3
    )
    assert data["metrics"]["time_to_mitigate"]["from"] == "started"
    assert data["metrics"]["time_to_resolve"] is None

    run(env, "milestone", incident, "mitigated", "--clear")
    data = status(env, incident)
    assert "mitigated" not in [m["kind"] for m in data["milestones"]]
    assert data["metrics"]["time_to_mitigate"] is None

    text = run(env, "status", incident).stdout
    assert "  mitigated     not set" in text
    assert "  detected      2026-11-20T13:55:00Z  default: detection time" in text


def test_detected_moves_the_incident_and_order_problems_show(env: dict[str, str]) -> None:
    incident = run(env, "new", "x", "--detected-at", "2026-11-20T13:55:00Z").stdout.split()[0]
    run(env, "milestone", incident, "detected", "--at", "2026-11-20T13:50:00Z")
    data = status(env, incident)
    assert data["detected_at"] == "2026-11-20T13:50:00Z"
    assert data["milestones"][0]["origin"] == "manual"

    run(env, "milestone", incident, "started", "--at", "2026-11-20T13:52:00Z")
    data = status(env, incident)
    assert data["milestone_problems"] == [
        "detected (2026-11-20T13:50:00Z) before started (2026-11-20T13:52:00Z)"
    ]
    assert "out of order: detected" in run(env, "status", incident).stdout


def test_inc2_approval_sets_mitigated(env: dict[str, str]) -> None:
    incident = run(env, "new", "x", "--severity", "critical").stdout.split()[0]
    run(env, "artifact", incident, "INC-1", "--from", str(FILLED / "INC-1.md"))
    run(env, "gate", incident, "INC-1", "--approve", "--reviewer", "rita",
        "--criterion", "1", "--criterion", "2", "--criterion", "3")
    run(env, "artifact", incident, "INC-2", "--from", str(FILLED / "INC-2.md"))
    run(env, "gate", incident, "INC-2", "--approve", "--reviewer", "rita")
    mitigated = status(env, incident)["milestones"][-1]
    assert (mitigated["kind"], mitigated["origin"], mitigated["set_by"]) == (
        "mitigated", "decision", "rita"
    )
    assert "mitigated" in run(env, "status", incident).stdout


def test_bad_input_is_one_line_and_status_2(env: dict[str, str]) -> None:
    incident = run(env, "new", "x").stdout.split()[0]
    bad_kind = run(env, "milestone", incident, "fixed", ok=False)
    assert bad_kind.returncode == 2
    assert "not one of started, detected" in bad_kind.stderr
    future = run(env, "milestone", incident, "resolved", "--at", "2999-01-01T00:00:00Z",
                 ok=False)
    assert future.returncode == 2
    assert "is in the future" in future.stderr
    missing = run(env, "milestone", incident, "started", "--event", "99", ok=False)
    assert (missing.returncode, missing.stderr.strip()) == (
        2, "warroom: error: no timeline entry #99"
    )
    both = run(env, "milestone", incident, "started", "--at", "2026-11-20T13:00:00Z",
               "--clear", ok=False)
    assert both.returncode == 2
    assert "Traceback" not in both.stderr + future.stderr + missing.stderr
