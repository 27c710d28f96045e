"""`warroom new --from-alert` through the installed command, as a responder would use it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from warroom.resources import data_dir

SAMPLES = data_dir("data") / "alerts"
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


def test_new_from_an_alertmanager_payload(env: dict[str, str]) -> None:
    out = run(env, "new", "--from-alert", str(SAMPLES / "alertmanager.json"))
    incident = out.stdout.strip()
    assert incident.isdigit()
    assert "CheckoutHighErrorRate" in out.stderr
    assert "alert from alertmanager, detected 2026-11-26T13:52:10Z" in out.stderr

    status = json.loads(run(env, "status", incident, "--json").stdout)
    assert status["title"] == "CheckoutHighErrorRate"
    assert status["severity"] == "Critical"
    assert status["status"] == "Ongoing"
    assert status["detected_at"] == "2026-11-26T13:52:10Z"

    draft = run(env, "artifact", incident, "INC-1").stdout
    assert draft.startswith("# [INC-1]: Triage Assessment")
    assert "## Severity\nCritical\n" in draft
    assert "- **Services affected:** checkout\n" in draft
    assert "- 2026-11-26T13:52:10Z — alert fired: CheckoutHighErrorRate (alertmanager)" in draft

    document = run(env, "export", incident).stdout
    assert "alert fired: CheckoutHighErrorRate" in document


@pytest.mark.parametrize(
    ("name", "title", "severity"),
    [
        ("grafana", "PaymentsLatencyHigh", "Major"),
        ("pagerduty", "Search API: Elasticsearch cluster health is red", "Critical"),
    ],
)
def test_new_from_stdin(env: dict[str, str], name: str, title: str, severity: str) -> None:
    payload = (SAMPLES / f"{name}.json").read_text()
    incident = run(env, "new", "--from-alert", "-", stdin=payload).stdout.strip()
    status = json.loads(run(env, "status", incident, "--json").stdout)
    assert (status["title"], status["severity"]) == (title, severity)


def test_explicit_title_severity_and_time_win(env: dict[str, str]) -> None:
    incident = run(
        env, "new", "Checkout down in EU", "--severity", "major",
        "--detected-at", "2026-11-26T13:40:00Z",
        "--from-alert", str(SAMPLES / "alertmanager.json"),
    ).stdout.strip()
    status = json.loads(run(env, "status", incident, "--json").stdout)
    assert (status["title"], status["severity"], status["detected_at"]) == (
        "Checkout down in EU", "Major", "2026-11-26T13:40:00Z"
    )
    draft = run(env, "artifact", incident, "INC-1").stdout
    assert "## Severity\nMajor\n" in draft
    assert "- 2026-11-26T13:52:10Z — alert fired" in draft  # the alert's own time stays


def test_a_plain_new_still_needs_a_title(env: dict[str, str]) -> None:
    result = run(env, "new", ok=False)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "warroom: error: give the incident a TITLE, or --from-alert FILE to take it from an alert"
    ]


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("", "stdin is empty"),
        ("not json at all", "stdin is not JSON: Expecting value at line 1 column 1"),
        ('{"alerts": [', "stdin is not JSON"),
        ("[]", "expected a JSON object, got a list"),
        ("{}", "no 'alerts' list, no 'event' object and no 'ruleName'"),
        ('"firing"', "got a string"),
        ('{"alerts": [{"labels": {"alertname": "X"}}]}',
         "stdin: Alertmanager payload: alerts[0] has no startsAt"),
        ('{"event": {"event_type": "incident.triggered", "data": {}}}',
         "PagerDuty v3 payload: event.data has no title"),
        pytest.param("[" * 100_000 + "]" * 100_000, "nested too deeply", id="nested-too-deep"),
    ],
)
def test_a_bad_payload_is_one_line_and_status_2(
    env: dict[str, str], stdin: str, message: str
) -> None:
    result = run(env, "new", "--from-alert", "-", stdin=stdin, ok=False)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("warroom: error: ")
    assert message in lines[0]
    assert result.stdout == ""
    assert json.loads(run(env, "list", "--json").stdout) == []  # nothing was created


@pytest.mark.parametrize(
    ("path", "message"),
    [("/nonexistent/alert.json", "does not exist"), (".", "cannot read .")],
)
def test_a_bad_file_is_one_line_and_status_2(env: dict[str, str], path: str, message: str) -> None:
    result = run(env, "new", "--from-alert", path, ok=False)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert message in result.stderr


def test_a_binary_file_is_one_line(env: dict[str, str], tmp_path: Path) -> None:
    blob = tmp_path / "alert.json"
    blob.write_bytes(b"\xff\xfe\x00{garbage")
    result = run(env, "new", "--from-alert", str(blob), ok=False)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "is not UTF-8 text" in result.stderr
