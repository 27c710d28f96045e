"""`warroom list` with a query and filters, through the installed command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from warroom.clock import FixedClock
from warroom.core.models import EventKind, Severity, Status
from warroom.store.store import Store

WARROOM = Path(sys.executable).parent / "warroom"
T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A history of three incidents, written through the store."""
    db = tmp_path / "list.db"
    with Store.open(db, clock=FixedClock(T0)) as store:
        one = store.create_incident(
            "Checkout 5xx",
            severity=Severity.CRITICAL,
            detected_at=datetime(2026, 10, 2, tzinfo=UTC),
            actor="a",
        )
        store.add_event(one.id, EventKind.NOTE, "payments connection pool exhausted", actor="a")
        store.update_incident(one.id, status=Status.RESOLVED)
        two = store.create_incident(
            "Search latency", severity=Severity.MAJOR, detected_at=T0 - timedelta(days=3),
            actor="b",
        )
        store.save_artifact(two.id, 1, "## Impact\nRedis connection pool full.\n", actor="b")
        store.create_incident("Login errors", detected_at=T0 - timedelta(hours=1), actor="c")
    return {**os.environ, "WARROOM_DB": str(db), "WARROOM_USER": "ana", "NO_COLOR": "1"}


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(WARROOM), "list", *args], env=env, capture_output=True, text=True, timeout=60
    )


def listed(env: dict[str, str], *args: str) -> list[dict]:
    result = run(env, *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_a_query_every_incident_newest_first(env: dict[str, str]) -> None:
    rows = listed(env)
    assert [r["id"] for r in rows] == [3, 2, 1]
    assert "matched" not in rows[0]


def test_a_query_finds_the_record_and_says_where(env: dict[str, str]) -> None:
    rows = listed(env, "conn", "pool")  # words: no quotes needed
    by_id = {r["id"]: r for r in rows}
    assert set(by_id) == {1, 2}
    assert by_id[2]["matched"] == ["INC-1 v2"]  # v1: the severity said when declaring
    assert by_id[2]["snippet"] == "Redis «connection» «pool» full."
    assert by_id[1]["matched"] == ["timeline"]
    assert by_id[1]["snippet"] == "payments «connection» «pool» exhausted"
    assert rows[0]["score"] >= rows[1]["score"] > 0  # best first


def test_the_text_output_shows_where_under_each_incident(env: dict[str, str]) -> None:
    result = run(env, "redis")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("#2 ")
    assert lines[0].endswith("Search latency")
    assert lines[1] == "      INC-1 v2: «Redis» connection pool full."
    assert len(lines) == 2


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--severity", "critical"], [1]),
        (["--severity", "critical", "--severity", "MAJOR"], [2, 1]),
        (["--status", "resolved"], [1]),
        (["--status", "ongoing"], [3, 2]),
        (["--since", "2026-11-01"], [3, 2]),
        (["--until", "2026-10-02"], [1]),  # a date includes its day
        (["--until", "2026-10-01"], []),
        (["--since", "5000w"], [3, 2, 1]),  # an age, from the (real) clock
        (["--until", "5000w"], []),
        (["pool", "--status", "ongoing"], [2]),
        (["sev:crit,major", "redis"], [2]),  # the picker's tokens work here too
        (["sev:crit", "pool"], [1]),
        (["status:resolved", "--severity", "major"], []),
    ],
)
def test_filters(env: dict[str, str], args: list[str], expected: list[int]) -> None:
    assert [r["id"] for r in listed(env, *args)] == expected


@pytest.mark.parametrize("query", ['"', "-", ":", "NEAR(", "🔥"])
def test_odd_queries_are_text(env: dict[str, str], query: str) -> None:
    result = run(env, "--json", "--", query)
    assert result.returncode == 0, result.stderr
    assert isinstance(json.loads(result.stdout), list)


def test_nothing_found_says_so(env: dict[str, str]) -> None:
    result = run(env, "zookeeper")
    assert result.returncode == 0
    assert result.stdout == "no incident matches\n"
    assert listed(env, "zookeeper") == []


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--severity", "urgent"], "severity 'urgent' is not one of critical, major, minor"),
        (["--status", "done"], "status 'done' is not one of ongoing, mitigated, resolved"),
        (["--since", "last week"], "'last week' is not a date"),
        (["sev:urgent"], "sev:urgent is not one of critical, major, minor"),
        (["--limit", "0"], "--limit must be at least 1"),
    ],
)
def test_bad_filters_are_one_line_and_status_2(
    env: dict[str, str], args: list[str], error: str
) -> None:
    result = run(env, *args)
    assert result.returncode == 2
    assert error in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_limit(env: dict[str, str]) -> None:
    assert [r["id"] for r in listed(env, "--limit", "2")] == [3, 2]
