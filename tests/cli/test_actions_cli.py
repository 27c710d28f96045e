"""`warroom actions` with the installed command: filters, JSON; an INC-6 saved is read back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from warroom.core.actions import NewAction
from warroom.core.state import Verdict
from warroom.store.actions import add_item, import_from_post_mortem, update_item
from warroom.store.store import Store

FILLED = Path(__file__).parent.parent / "fixtures" / "filled"
WARROOM = Path(sys.executable).parent / "warroom"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Two incidents: the first at phase 6 with INC-5's three items, the second with one."""
    path = tmp_path / "cli.db"
    with Store.open(path) as store:
        first = store.create_incident("Checkout 5xx in EU", actor="ana").id
        for number in range(1, 6):
            store.save_artifact(first, number, (FILLED / f"INC-{number}.md").read_text(),
                                actor="ana")
            if store.workflow.phase(number).gated:
                store.decide(first, number, Verdict.APPROVE, reviewer="bo")
            else:
                store.complete(first, number, actor="ana")
        import_from_post_mortem(store, first, actor="ana")
        update_item(store, 1, actor="ana", status="done")
        update_item(store, 2, actor="ana", owner="dana", due="2000-01-01")
        second = store.create_incident("Search slow", actor="ana").id
        add_item(store, second, NewAction("Tune the \x1b[31mindex", owner="Dana", priority="P0"),
                 actor="ana")
    return path


def run(db: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WARROOM_DB": str(db), "WARROOM_USER": "ana", "NO_COLOR": "1"}
    result = subprocess.run([str(WARROOM), *args], env=env, capture_output=True, text=True,
                            timeout=60)
    if ok:
        assert result.returncode == 0, result.stderr
    return result


def test_lists_across_incidents_most_urgent_first(db: Path) -> None:
    lines = run(db, "actions").stdout.splitlines()
    assert lines[0].split() == ["INCIDENT", "PRI", "STATUS", "DUE", "OWNER", "HORIZON",
                                "ACTION", "ITEM"]
    assert [line.split()[0] for line in lines[1:]] == ["#2", "#1", "#1", "#1"]
    assert "P0  open" in lines[1]
    assert "\x1b" not in lines[1]  # typed text cannot drive the terminal
    assert "2000-01-01!" in lines[3]  # overdue
    assert "release engineering" not in lines[3]  # dana took it over
    assert lines[3].rstrip().endswith("Extend the canary stage to 15 minutes")


def test_open_and_owner_filters(db: Path) -> None:
    open_items = run(db, "actions", "--open").stdout
    assert "Alert on payments connection pool saturation" not in open_items  # done
    dana = run(db, "actions", "--owner", "@DANA").stdout.splitlines()[1:]
    assert len(dana) == 2
    assert "no open action items for nobody" in run(db, "actions", "--open", "--owner",
                                                    "nobody").stdout


def test_json(db: Path) -> None:
    rows = json.loads(run(db, "actions", "--json", "--open").stdout)
    assert [(r["incident_id"], r["id"], r["priority"], r["status"]) for r in rows] == [
        (2, 4, "P0", "open"), (1, 2, "P1", "open"), (1, 3, "P2", "open")]
    second = rows[1]
    assert second == {
        "incident_id": 1, "incident_title": "Checkout 5xx in EU", "id": 2, "priority": "P1",
        "title": "Extend the canary stage to 15 minutes", "owner": "dana",
        "horizon": "short-term", "status": "open", "due": "2000-01-01", "overdue": True,
        "origin": "INC-5 #2", "done_at": None, "updated_at": second["updated_at"],
    }
    assert json.loads(run(db, "actions", "--json", "--owner", "zed").stdout) == []


def test_an_inc6_saved_from_the_cli_is_read_back(db: Path, tmp_path: Path) -> None:
    typed = tmp_path / "inc6.md"
    typed.write_text((FILLED / "INC-6.md").read_text().replace(
        "- [ ] Run load tests with production pool sizes — @sam",
        "- [ ] Add a pool dashboard — @sam"))
    result = run(db, "artifact", "1", "INC-6", "--from", str(typed))
    # Written in the seed's own format (no priorities, no dates): matched by title, owners
    # and boxes taken from the lines, priorities and due dates kept; a line removed drops
    # its row, never deletes it.
    assert "action items: 2 changed, 1 added, 1 dropped" in result.stderr
    rows = json.loads(run(db, "actions", "--json").stdout)
    mine = {r["title"]: r for r in rows if r["incident_id"] == 1}
    alert = mine["Alert on payments connection pool saturation"]
    assert (alert["owner"], alert["priority"], alert["status"]) == ("dana", "P0", "open")
    canary = mine["Extend the canary stage to 15 minutes"]
    assert (canary["owner"], canary["due"]) == ("lee", "2000-01-01")
    assert mine["Run load tests with production pool sizes"]["status"] == "dropped"
    assert (mine["Add a pool dashboard"]["origin"], mine["Add a pool dashboard"]["horizon"]) == (
        "INC-6", "long-term")


def test_bad_flag_is_one_line(db: Path) -> None:
    result = run(db, "actions", "--bogus", ok=False)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
