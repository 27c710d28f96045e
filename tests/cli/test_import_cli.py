"""Import is data, never code: bundles checked field by field, sources off, bad rows listed.

Through the installed `warroom` command, as a responder (or an attacker who
made the bundle, and recomputed its hash) would run it.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_cli_flow import run
from warroom.export.bundle import content_hash


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "WARROOM_DB": str(tmp_path / "here.db"), "WARROOM_USER": "ana",
            "NO_COLOR": "1"}


def make_bundle(tmp_path: Path, marker: Path) -> dict[str, Any]:
    """A bundle from another machine whose incident follows a command and /etc/shadow."""
    from warroom.store.store import Store

    theirs = {**os.environ, "WARROOM_DB": str(tmp_path / "theirs.db"), "WARROOM_USER": "eve"}
    run(theirs, "new", "Checkout 5xx", "--severity", "major")
    with Store.open(tmp_path / "theirs.db") as store:
        store.add_log_source(1, "cmd", f"touch {marker}")
        store.add_log_source(1, "file", "/etc/shadow")
    out = tmp_path / "bundle.json"
    run(theirs, "export", "1", "--format", "json", "-o", str(out))
    return json.loads(out.read_text())


def write(tmp_path: Path, bundle: dict[str, Any]) -> Path:
    """The bundle with its hash recomputed (anyone can), written to a file."""
    bundle["content_hash"] = content_hash(bundle)
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(bundle))
    return path


def test_imported_sources_are_listed_off(env: dict[str, str], tmp_path: Path) -> None:
    bundle = make_bundle(tmp_path, tmp_path / "ran")
    result = run(env, "import", str(write(tmp_path, bundle)))
    assert result.stdout.strip() == "1"
    assert f"log source 1 (off) command: touch {tmp_path / 'ran'}" in result.stderr
    assert "log source 2 (off) file: /etc/shadow" in result.stderr
    assert "warroom open 1 --enable-source N" in result.stderr
    status = json.loads(run(env, "status", "1", "--json").stdout)
    assert [(s["number"], s["kind"], s["enabled"]) for s in status["log_sources"]] == [
        (1, "cmd", False), (2, "file", False)
    ]
    assert not (tmp_path / "ran").exists()
    refused = run(env, "open", "1", "--enable-source", "3", ok=False)
    assert refused.returncode == 2
    assert "has no log source 3 (its sources are 1 to 2" in refused.stderr


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b["incident"].update(severity="Pwned"), "bundle incident.severity: Input "
         "should be 'Critical', 'Major' or 'Minor' (got 'Pwned')"),
        (lambda b: b["incident"].update(title="x" * 301), "bundle incident.title: String "
         "should have at most 300 characters"),
        (lambda b: b["incident"].update(detected_at="last tuesday"), "bundle "
         "incident.detected_at: Value error, 'last tuesday' is not an ISO-8601 time"),
        (lambda b: b["timeline_events"][0].update(occurred_at="2026-11-27T14:00:00"), "bundle "
         "timeline_events[0].occurred_at: Value error, '2026-11-27T14:00:00' has no time zone"),
        (lambda b: b["timeline_events"][0].update(kind="exec"), "bundle timeline_events[0].kind"),
        (lambda b: b["phase_states"][0].update(state="pwned"), "bundle phase_states[0].state"),
        (lambda b: b["artifact_versions"].insert(0, 
            {"phase": 1, "version": 1, "body": "x" * (1024 * 1024 + 1), "author": "eve",
             "saved_at": "2026-11-27T14:00:00+00:00", "base_version": None, "conflict": False,
             "after_approval": False}),
         "bundle artifact_versions[0].body: Value error, is 1,048,577 bytes, over the 1,048,576"),
    ],
)
def test_a_bad_bundle_writes_nothing_and_names_the_field(
    env: dict[str, str], tmp_path: Path, change: Any, field: str
) -> None:
    bundle = make_bundle(tmp_path, tmp_path / "ran")
    change(bundle)
    result = run(env, "import", str(write(tmp_path, bundle)), ok=False)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"warroom: error: {field}")
    assert result.stderr.count("\n") == 1
    assert "nothing imported" in result.stderr
    assert json.loads(run(env, "list", "--json").stdout) == []


def test_a_bundle_over_64_mib_is_refused_unread(env: dict[str, str], tmp_path: Path) -> None:
    huge = tmp_path / "huge.json"
    with huge.open("wb") as handle:
        handle.truncate(64 * 1024 * 1024 + 1)
    result = run(env, "import", str(huge), ok=False)
    assert result.returncode == 2
    assert "is over 64 MiB" in result.stderr


def test_list_and_status_survive_a_row_changed_by_hand(env: dict[str, str]) -> None:
    for title in ("First", "Second", "Third"):
        run(env, "new", title, "--severity", "minor")
    with sqlite3.connect(env["WARROOM_DB"]) as conn:
        conn.execute("update incidents set severity = 'Pwned' where id = 2")
    listed = run(env, "list")
    lines = listed.stdout.splitlines()
    assert lines[0].startswith("#3")
    assert lines[2].startswith("#1")
    assert lines[1] == (
        "#2    unreadable: severity 'Pwned' is not one of Critical, Major, Minor"
    )
    rows = json.loads(run(env, "list", "--json").stdout)
    assert [r["id"] for r in rows] == [3, 2, 1]
    assert rows[1] == {"id": 2, "unreadable": "severity 'Pwned' is not one of Critical, Major, "
                                              "Minor"}
    searched = run(env, "list", "First")
    assert searched.stdout.startswith("#1")
    assert "note: incident #2 is unreadable" in searched.stderr
    status = run(env, "status", "2", ok=False)
    assert status.returncode == 2
    assert "incident #2 is unreadable: severity 'Pwned'" in status.stderr
