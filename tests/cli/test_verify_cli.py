"""`warroom verify ID` through the installed command: 0 when the record is whole, 3 when a
row or an entry of its chain was changed or deleted by hand, naming it."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_cli_flow import FILLED, run

WARROOM = Path(sys.executable).parent / "warroom"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "WARROOM_DB": str(tmp_path / "v.db"), "WARROOM_USER": "ana",
            "NO_COLOR": "1"}


@pytest.fixture
def incident(env: dict[str, str]) -> str:
    run(env, "new", "Checkout 5xx", "--severity", "critical")
    run(env, "note", "1", "payments pool exhausted")
    run(env, "artifact", "1", "INC-1", "--from", str(FILLED / "INC-1.md"))
    run(env, "gate", "1", "INC-1", "--approve", "--reviewer", "rita",
        "--criterion", "1", "--criterion", "2", "--criterion", "3")
    return "1"


def by_hand(env: dict[str, str], sql: str) -> None:
    with sqlite3.connect(env["WARROOM_DB"]) as conn:
        conn.execute(sql)
    conn.close()


def test_a_whole_record_verifies(env: dict[str, str], incident: str) -> None:
    result = run(env, "verify", incident)
    assert result.stdout.startswith("audit chain: whole: ")
    assert "#1 verified; chain head " in result.stdout
    data = json.loads(run(env, "verify", incident, "--json").stdout)
    assert data["whole"] is True
    assert len(data["head"]) == 64


def test_an_entry_updated_by_hand_fails_with_its_name(env: dict[str, str], incident: str) -> None:
    by_hand(env, "update timeline_events set text = 'nothing happened' where id = 2")
    result = run(env, "verify", incident, ok=False)
    assert result.returncode == 3
    # Which chain entry recorded it depends on what declaring writes first (INC-1 v1 now).
    assert re.search(r"^  timeline entry #2 was changed outside warroom after chain entry \d+ "
                     r"recorded it$", result.stdout, re.M)
    assert "#1 FAILED verification" in result.stdout


def test_a_decision_deleted_by_hand_fails_with_its_name(env: dict[str, str], incident: str
                                                        ) -> None:
    by_hand(env, "delete from gate_decisions where id = 1")
    result = run(env, "verify", incident, ok=False)
    assert result.returncode == 3
    assert "gate decision #1 (chain entry " in result.stdout
    assert "is gone: deleted outside warroom" in result.stdout


def test_a_chain_entry_deleted_by_hand_fails(env: dict[str, str], incident: str) -> None:
    by_hand(env, "delete from audit_chain where seq = 2")
    result = run(env, "verify", incident, ok=False)
    assert result.returncode == 3
    assert "  entry 2 of the chain is missing (deleted)" in result.stdout.splitlines()


def test_an_unknown_incident_is_bad_input(env: dict[str, str]) -> None:
    result = run(env, "verify", "9", ok=False)
    assert result.returncode == 2
    assert "no incident #9" in result.stderr


def test_verify_finds_a_changed_pinned_line(tmp_path: Path) -> None:
    """The issue's case: a line pinned, then changed in its log: exit 3, the entry named."""
    from warroom.store.store import Store

    db = tmp_path / "pinned.db"
    log = tmp_path / "app.log"
    log.write_bytes(b"a\nERROR pool exhausted\nc\n")
    with Store.open(db) as store:
        incident = store.create_incident("x", actor="ana").id
        store.pin_line(incident, b"ERROR pool exhausted", actor="ana", logged_at=None,
                       received_at=store.clock.now(), source=str(log), position=2, level=None,
                       file=str(log))
    env = {**os.environ, "WARROOM_DB": str(db)}
    ok = subprocess.run([str(WARROOM), "verify", "1"], env=env, capture_output=True, text=True,
                        timeout=60)
    assert ok.returncode == 0, ok.stdout
    assert "pinned lines: 1 present" in ok.stdout
    log.write_bytes(b"a\nINFO nothing to see\nc\n")
    bad = subprocess.run([str(WARROOM), "verify", "1"], env=env, capture_output=True,
                         text=True, timeout=60)
    assert bad.returncode == 3
    assert "pinned lines: 1 changed" in bad.stdout
    assert f"timeline entry #2 ({log}:2): changed" in bad.stdout
