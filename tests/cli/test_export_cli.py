"""Export and import through the installed `warroom` command, as a responder would run them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.cli.test_cli_flow import FILLED, run

TOKEN = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "WARROOM_DB": str(tmp_path / "export.db"),
        "WARROOM_USER": "ana",
        "NO_COLOR": "1",
    }


@pytest.fixture
def incident(env: dict[str, str]) -> str:
    """An incident driven to INC-6 (written, not completed), with a secret in a note."""
    out = run(env, "new", "Checkout 5xx in EU", "--severity", "critical",
              "--detected-at", "2026-11-27T13:55:10Z")
    incident = out.stdout.splitlines()[0]
    run(env, "artifact", incident, "INC-1", "--from", str(FILLED / "INC-1.md"))
    run(env, "gate", incident, "INC-1", "--approve", "--reviewer", "rita",
        "--criterion", "1", "--criterion", "2", "--criterion", "3")
    run(env, "artifact", incident, "INC-2", "--from", str(FILLED / "INC-2-weak.md"))
    run(env, "gate", incident, "INC-2", "--revise", "--reviewer", "rita",
        "--comment", "Restart did not hold; roll back")
    run(env, "artifact", incident, "INC-2", "--from", str(FILLED / "INC-2.md"))
    run(env, "gate", incident, "INC-2", "--approve", "--reviewer", "rita")
    run(env, "artifact", incident, "INC-3", "--from", str(FILLED / "INC-3.md"))
    run(env, "complete", incident, "INC-3")
    run(env, "note", incident, f"leaked in the deploy log: token {TOKEN}")
    for code in ("INC-4", "INC-5"):
        run(env, "artifact", incident, code, "--from", str(FILLED / f"{code}.md"))
        run(env, "gate", incident, code, "--approve", "--reviewer", "sam")
    run(env, "artifact", incident, "INC-6", "--from", str(FILLED / "INC-6.md"))
    return incident


def test_markdown_and_html_are_redacted_and_recorded_in_inc6_when_asked(
    env: dict[str, str], incident: str, tmp_path: Path
) -> None:
    target = tmp_path / "postmortem.md"
    result = run(env, "export", incident, "-o", str(target), "--record")
    document = target.read_text()
    assert TOKEN not in document
    assert "leaked in the deploy log: token [REDACTED:github-token]" in document
    assert result.stderr.splitlines() == [
        f"INC-6 v2 names {target} as the post-mortem document",
        f"wrote {target} (markdown)",
        "redacted: 1 github-token",
    ]
    assert str(target) in run(env, "artifact", incident, "INC-6").stdout
    assert f"## Post-Mortem Document\n{target}" in document  # the file names itself
    assert "## [INC-6]: Action Item Tracker" in document
    assert "**Mitigation insufficient** by rita" in document

    page = tmp_path / "postmortem.html"
    result = run(env, "export", incident, "-o", str(page))
    html = page.read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert TOKEN not in html
    assert "<script" not in html
    assert "redacted: 1 github-token" in result.stderr
    assert "(html)" in result.stderr
    run(env, "complete", incident, "6")


def test_no_redact_and_user_patterns(env: dict[str, str], incident: str) -> None:
    raw = run(env, "export", incident, "--no-redact")
    assert TOKEN in raw.stdout
    assert raw.stderr.strip() == "not redacted (--no-redact)"
    custom = run(env, "export", incident, "--format", "html",
                 "--redact-pattern", r"checkout-api v(\d+\.\d+\.\d+)",
                 "--redact-pattern", "payments on-call")
    assert "checkout-api v[REDACTED:custom]" in custom.stdout
    assert "payments on-call" not in custom.stdout
    assert "1 github-token" in custom.stderr
    assert "custom" in custom.stderr


def test_bundle_round_trip_through_a_fresh_database(
    env: dict[str, str], incident: str, tmp_path: Path
) -> None:
    first = tmp_path / "bundle.json"
    result = run(env, "export", incident, "--format", "json", "-o", str(first))
    assert "redacted: 1 github-token" in result.stderr
    bundle = json.loads(first.read_text())
    assert TOKEN not in first.read_text()
    assert bundle["content_hash"]

    fresh = {**env, "WARROOM_DB": str(tmp_path / "fresh.db")}
    run(fresh, "new", "Another incident first")
    imported = run(fresh, "import", str(first))
    new_id = imported.stdout.strip()
    assert new_id == "2"
    assert "imported #2 Checkout 5xx in EU (uid " in imported.stderr
    second = tmp_path / "again.json"
    run(fresh, "export", new_id, "-o", str(second))  # json from the suffix
    assert second.read_bytes() == first.read_bytes()

    status = json.loads(run(fresh, "status", new_id, "--json").stdout)
    assert [d["outcome"] for d in status["decisions"]] == [
        "Approved", "Mitigation insufficient", "Approved", "Approved", "Approved"
    ]
    again = run(fresh, "import", str(first), ok=False)
    assert again.returncode == 2
    assert again.stderr.strip().endswith("is already in this database as #2; nothing imported")


def test_tampered_bundle_is_refused(env: dict[str, str], incident: str, tmp_path: Path) -> None:
    path = tmp_path / "bundle.json"
    run(env, "export", incident, "--format", "json", "--no-redact", "-o", str(path))
    text = path.read_text()
    assert TOKEN in text
    path.write_text(text.replace("Rolled checkout-api back", "Rolled checkout-api Back", 1))
    fresh = {**env, "WARROOM_DB": str(tmp_path / "fresh.db")}
    result = run(fresh, "import", str(path), ok=False)
    assert result.returncode == 2
    assert result.stderr == (
        "warroom: error: bundle content hash does not match: the file was changed after export\n"
    )
    assert run(fresh, "list", "--json").stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("import", "/nonexistent/bundle.json"), None, "does not exist"),
        (("import", "-"), "not json", "stdin is not JSON"),
        (("import", "-"), '{"format": "warroom-incident-bundle", "version": 9}',
         "bundle format version 9 is not supported"),
        (("import", "-"), "[1, 2]", "not a warroom bundle"),
        (("export", "1", "--redact-pattern", "(unclosed"), None, "is not a valid regex"),
        (("export", "1", "--format", "pdf"), None, "invalid choice: 'pdf'"),
        (("export", "1", "-o", "/nonexistent/dir/pm.md"), None, "cannot write"),
        (("export", "9"), None, "no incident #9"),
    ],
)
def test_bad_input_is_one_line_and_status_2(
    env: dict[str, str], args: tuple[str, ...], stdin: str | None, message: str
) -> None:
    run(env, "new", "An incident")
    result = run(env, *args, stdin=stdin, ok=False)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_export_is_a_read(env: dict[str, str], incident: str, tmp_path: Path) -> None:
    """Without --record, exporting writes the file and nothing into the incident."""
    before = run(env, "status", incident, "--json").stdout
    inc6 = run(env, "artifact", incident, "INC-6").stdout
    target = tmp_path / "postmortem.md"
    result = run(env, "export", incident, "-o", str(target))
    assert result.stderr.splitlines() == [
        f"wrote {target} (markdown)", "redacted: 1 github-token",
    ]
    assert run(env, "artifact", incident, "INC-6").stdout == inc6
    assert run(env, "status", incident, "--json").stdout == before


def test_public_audience_leaves_out_the_internal_record(
    env: dict[str, str], incident: str
) -> None:
    internal = run(env, "export", incident).stdout
    public = run(env, "export", incident, "--audience", "public").stdout
    uid = json.loads(run(env, "export", incident, "--format", "json").stdout)["incident"]["uid"]
    assert "## Audit log" in internal
    assert uid in internal
    assert "[INC-1]:" in internal
    assert "versions kept" in internal or "version kept" in internal
    for internal_only in ("## Audit log", uid, "[INC-", "version kept", "versions kept"):
        assert internal_only not in public
    assert "## Triage Assessment" in public
    assert "## Gate decisions" in public
    assert "**Mitigation insufficient** by rita" in public
