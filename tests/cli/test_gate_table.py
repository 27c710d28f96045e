"""Gates that mean what they say (issue 15), through the command line, in process.

The table in gate_cases.py holds faithful and hollow artifacts per gated phase:
each faithful one is approved with no tick, each hollow one refused (status 3).
Then the rules around ticks: a tick cannot pass a placeholder, a failed check is
overridden only with a written reason (which the export shows), "Not resolved
yet" sets nothing, and an amendment that blanks an approved section is refused.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.gate_cases import CASES, filled, template, variant
from warroom.cli.main import main

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
        ) -> Run:
    """`warroom ARGS` in this process: (status, stdout, stderr)."""
    monkeypatch.setenv("WARROOM_DB", str(tmp_path / "gates.db"))
    monkeypatch.setenv("WARROOM_USER", "ana")
    monkeypatch.setenv("NO_COLOR", "1")
    texts = tmp_path / "texts"
    texts.mkdir()

    def run(*args: str, text: str | None = None) -> tuple[int, str, str]:
        argv = list(args)
        if text is not None:
            path = texts / f"{len(list(texts.iterdir()))}.md"
            path.write_text(text, encoding="utf-8")
            argv += ["--from", str(path)]
        capsys.readouterr()
        code = main(argv)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def ok(run: Run, *args: str, text: str | None = None) -> str:
    code, out, err = run(*args, text=text)
    assert code == 0, err
    return out


def incident_at(run: Run, code: str, *, live: bool = False) -> str:
    """A new incident with every phase before `code` passed on the filled fixtures
    (`live`: detected now, else at the fixtures' time, days ago)."""
    detected = () if live else ("--detected-at", "2026-11-27T13:55:10Z")
    incident = ok(run, "new", "Checkout 5xx in EU", "--severity", "minor",
                  *detected).split()[0]
    for earlier in ("INC-1", "INC-2", "INC-3", "INC-4", "INC-5"):
        if earlier == code:
            break
        ok(run, "artifact", incident, earlier, text=filled(earlier))
        verb = ("complete",) if earlier == "INC-3" else ("gate",)
        extra = () if earlier == "INC-3" else ("--approve", "--reviewer", "rita")
        ok(run, *verb, incident, earlier, *extra)
    return incident


@pytest.mark.parametrize(("code", "name", "passes", "markdown"), CASES,
                         ids=[f"{c[0]}-{'faithful' if c[2] else 'hollow'}-{c[1]}" for c in CASES])
def test_gate_table(cli: Run, code: str, name: str, passes: bool, markdown: str) -> None:
    incident = incident_at(cli, code)
    ok(cli, "artifact", incident, code, text=markdown)
    status, _, err = cli("gate", incident, code, "--approve", "--reviewer", "rita")
    if passes:
        assert status == 0, f"faithful {code} '{name}' was refused: {err}"
    else:
        assert status == 3, f"hollow {code} '{name}' was approved"
        assert err.startswith("warroom: refused: cannot approve")
        assert err.count("\n") == 1


def test_the_table_is_balanced() -> None:
    for code in ("INC-1", "INC-2", "INC-4", "INC-5"):
        cases = [c for c in CASES if c[0] == code]
        assert len(cases) >= 10
        assert sum(c[2] for c in cases) >= 5
        assert sum(not c[2] for c in cases) >= 5


def test_ticks_cannot_approve_the_template(cli: Run) -> None:
    incident = incident_at(cli, "INC-1")
    status, _, err = cli("gate", incident, "INC-1", "--approve", "--reviewer", "rita",
                         "--criterion", "1", "--criterion", "2", "--criterion", "3")
    assert status == 3
    # Declaring with --severity fills Severity (v1); every other section is still the template.
    assert "INC-1: Impact (placeholders left), Status, Timeline" in err
    assert "ticking a criterion cannot pass a placeholder" in err


def test_an_override_needs_a_reason_and_the_export_shows_it(cli: Run, tmp_path: Path) -> None:
    incident = incident_at(cli, "INC-2")
    ok(cli, "artifact", incident, "INC-2",
       text=variant("INC-2", Residual_Risk="Still being measured, TBD"))
    status, _, err = cli("gate", incident, "INC-2", "--approve", "--reviewer", "rita",
                         "--criterion", "3")
    assert status == 3
    assert "needs a written reason" in err
    assert "--criterion '3: <why>'" in err
    out = ok(cli, "gate", incident, "INC-2", "--approve", "--reviewer", "rita",
             "--criterion", "3: impact still being measured")
    assert "criterion 3 overridden by rita: impact still being measured" in out
    export = ok(cli, "export", incident)
    assert "criterion 3 overridden by rita: impact still being measured" in export


def test_ungated_phases_cannot_be_completed_with_placeholders(cli: Run) -> None:
    incident = incident_at(cli, "INC-3")
    status, _, err = cli("complete", incident, "INC-3")
    assert status == 3
    assert "cannot complete INC-3: Audience" in err
    ok(cli, "artifact", incident, "INC-3",
       text=filled("INC-3").replace("Customer support, EU leadership, the payments team",
                                    "<Who is being notified>"))
    status, _, err = cli("complete", incident, "INC-3")
    assert status == 3
    assert "Audience" in err
    ok(cli, "artifact", incident, "INC-3", text=filled("INC-3"))
    ok(cli, "complete", incident, "INC-3")


@pytest.mark.parametrize(
    ("status_text", "expected"),
    [
        ("Not resolved yet", "Ongoing"),
        ("no longer ongoing", "Ongoing"),
        ("Resolved?", "Ongoing"),
        ("Mitigated, not resolved", "Mitigated"),
        ("Resolved at 14:40", "Resolved"),
    ],
)
def test_status_is_set_only_from_a_clear_statement(
    cli: Run, status_text: str, expected: str
) -> None:
    incident = incident_at(cli, "INC-1", live=True)
    ok(cli, "artifact", incident, "INC-1", text=variant("INC-1", Status=status_text))
    data = json.loads(ok(cli, "status", incident, "--json"))
    assert data["status"] == expected
    kinds = {m["kind"] for m in data["milestones"]}
    assert ("resolved" in kinds) is (expected == "Resolved")


@pytest.mark.parametrize(
    ("severity_text", "expected"),
    [("not critical", "Minor"), ("Critical?", "Minor"), ("High", "Major"),
     ("SEV-1", "Critical"), ("unknown", "Minor")],
)
def test_severity_is_set_only_from_a_clear_statement(
    cli: Run, severity_text: str, expected: str
) -> None:
    incident = incident_at(cli, "INC-1")  # declared Minor
    ok(cli, "artifact", incident, "INC-1", text=variant("INC-1", Severity=severity_text))
    data = json.loads(ok(cli, "status", incident, "--json"))
    assert data["severity"] == expected


def test_an_amendment_that_blanks_a_section_is_refused(cli: Run) -> None:
    incident = incident_at(cli, "INC-2")  # INC-1 approved
    status, _, err = cli("artifact", incident, "INC-1", text=template("INC-1"))
    assert status == 3
    assert "blanks Severity" in err
    status, _, err = cli("artifact", incident, "INC-1",
                         text=variant("INC-1", Immediate_Actions_Needed="- <Action>"))
    assert status == 3
    assert "Immediate Actions Needed" in err
    # A real amendment is kept, and marked for re-review.
    ok(cli, "artifact", incident, "INC-1", text=variant("INC-1", Severity="Major"))
    data = json.loads(ok(cli, "status", incident, "--json"))
    assert data["phases"][0]["state"] == "amended"
    ok(cli, "gate", incident, "INC-1", "--approve", "--reviewer", "rita")
    data = json.loads(ok(cli, "status", incident, "--json"))
    assert data["phases"][0]["state"] == "approved"


def test_an_incident_written_up_years_later_claims_no_milestone(cli: Run) -> None:
    """A 2017 outage declared today: no "time to acknowledge 3593d16h" (issue 15, point 7)."""
    incident = ok(cli, "new", "S3 us-east-1 outage", "--severity", "critical",
                  "--detected-at", "2017-02-28T17:37:00Z").split()[0]
    rca = variant("INC-4", Detailed_Timeline=(
        "- 2017-02-28T17:37:00Z — a playbook command removed too many index servers — AWS "
        "summary\n"
        "- 2017-02-28T21:54:00Z — S3 restored: back to normal in us-east-1 — AWS summary"))
    for code in ("INC-1", "INC-2", "INC-3"):
        ok(cli, "artifact", incident, code, text=filled(code))
        if code == "INC-3":
            ok(cli, "complete", incident, code)
        else:
            ok(cli, "gate", incident, code, "--approve", "--reviewer", "rita")
    ok(cli, "artifact", incident, "INC-4", text=rca)
    data = json.loads(ok(cli, "status", incident, "--json"))
    kinds = [m["kind"] for m in data["milestones"]]
    assert kinds == ["detected"]  # not acknowledged at today's declaration, not mitigated today
    assert data["proposed_milestones"] == [{
        "kind": "mitigated", "at": "2017-02-28T21:54:00Z",
        "source": "INC-4 Detailed Timeline: S3 restored: back to normal in us-east-1",
    }]
    export = ok(cli, "export", incident)
    assert "3593d" not in export
    assert "d16h" not in export
    assert "- **Duration:** unknown (no resolved milestone)" in export
    assert "  - mitigated: 2017-02-28T21:54:00Z (INC-4 Detailed Timeline" in export
