"""--json on the commands scripts call: one JSON document on stdout that parses, nothing else."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli_flow import FILLED, env, run  # noqa: F401 - env is a fixture
from tests.hostile import TITLE, leaks


def as_json(env: dict[str, str], *args: str, stdin: str | None = None) -> dict:  # noqa: F811
    result = run(env, *args, "--json", stdin=stdin)
    assert not leaks(result.stdout)
    return json.loads(result.stdout)


def test_new_note_milestone_as_json(env: dict[str, str]) -> None:  # noqa: F811
    new = as_json(env, "new", "Checkout 5xx", "--severity", "major",
                  "--detected-at", "2026-11-27T13:55:10Z")
    assert new == {
        "id": new["id"], "title": "Checkout 5xx", "severity": "Major", "status": "Ongoing",
        "detected_at": "2026-11-27T13:55:10Z", "phase": 1, "phase_name": "Triage",
        "phase_state": "active",
    }
    incident = str(new["id"])

    note = as_json(env, "note", incident, "Rolled back to v2.13.2")
    assert note["id"] == new["id"]
    assert note["kind"] == "note"
    assert note["text"] == "Rolled back to v2.13.2"
    assert note["author"] == "ana"
    assert isinstance(note["event"], int)

    mark = as_json(env, "milestone", incident, "mitigated", "--at", "2026-11-27T14:20:00Z")
    assert (mark["kind"], mark["action"]) == ("mitigated", "set")
    mitigated = [m for m in mark["milestones"] if m["kind"] == "mitigated"]
    assert mitigated[0]["at"] == "2026-11-27T14:20:00Z"
    assert mark["metrics"]["time_to_mitigate"]["seconds"] == 25 * 60 - 10
    cleared = as_json(env, "milestone", incident, "acknowledged", "--clear")
    assert cleared["action"] in ("cleared", "nothing to clear")


def test_artifact_gate_and_complete_as_json(env: dict[str, str]) -> None:  # noqa: F811
    incident = run(env, "new", "Checkout 5xx", "--severity", "critical").stdout.split()[0]
    template = as_json(env, "artifact", incident, "INC-1")
    assert template["artifact"] == "INC-1"
    assert template["version"] == 1  # declaring with --severity wrote it into the template
    assert "Critical" in template["text"].split("## Impact")[0]
    assert template["text"].startswith("# [INC-1]: Triage Assessment")

    saved = as_json(env, "artifact", incident, "INC-1", "--from", "-",
                    stdin=(FILLED / "INC-1.md").read_text())
    assert (saved["version"], saved["created"], saved["conflict"]) == (2, True, False)
    assert "text" not in saved

    printed = as_json(env, "artifact", incident, "INC-1")
    assert printed["version"] == 2
    assert printed["author"] == "ana"
    assert printed["text"] == (FILLED / "INC-1.md").read_text()

    back = as_json(env, "gate", incident, "INC-1", "--revise", "--reviewer", "rita",
                   "--comment", "Name the payments on-call")
    assert (back["outcome"], back["reviewer"], back["state"]) == ("Revise", "rita", "revise")
    assert back["comment"] == "Name the payments on-call"

    approved = as_json(env, "gate", incident, "INC-1", "--approve", "--reviewer", "rita",
                       "--criterion", "1", "--criterion", "2", "--criterion", "3")
    assert approved["outcome"] == "Approved"
    assert approved["criteria_ticked"] == [1, 2, 3]
    assert approved["phases"]["INC-1"] == "approved"
    assert approved["phases"]["INC-2"] == "active"


def test_stored_hostile_text_is_escaped_in_json(env: dict[str, str]) -> None:  # noqa: F811
    title = TITLE.replace("\x00", "")  # an argument cannot hold NUL
    new = as_json(env, "new", title)
    assert new["title"] == title  # escaped on the wire, the same string once parsed
    note = as_json(env, "note", str(new["id"]), title)
    assert note["text"] == title


def test_json_of_a_missing_incident_is_still_one_line_and_status_2(
    env: dict[str, str], tmp_path: Path  # noqa: F811
) -> None:
    run(env, "list")  # creates the database
    result = run(env, "note", "99", "text", "--json", ok=False)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
