"""`warroom report` through the command line: the file it writes, its input errors, and
hostile service names that reach the terminal and the HTML page inert."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest

from tests.hostile import TITLE, leaks
from warroom.cli.main import main
from warroom.store.store import Store

FILLED = Path(__file__).parent.parent / "fixtures" / "filled"
EVIL_SERVICE = "<script>alert(1)</script> | **bold** \x1b]0;PWNED-TITLE\x07 checkout"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "r.db"
    monkeypatch.setenv("WARROOM_DB", str(path))
    monkeypatch.setenv("WARROOM_USER", "ana")
    with Store.open(path) as store:
        for title in ("Checkout 5xx", TITLE):
            incident = store.create_incident(title, actor="ana")
            body = (FILLED / "INC-1.md").read_text()
            body = re.sub(r"(\*\*Services affected:\*\*).*", rf"\1 {EVIL_SERVICE}, payments",
                          body)
            store.save_artifact(incident.id, 1, body, actor="ana")
    return path


def test_json_names_every_definition(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--json"]) == 0
    out = capsys.readouterr().out
    assert leaks(out) == []
    data = json.loads(out)
    assert data["scope"]["incidents"] == 2
    for name, figure in data["figures"].items():
        assert figure["definition"] == name
        assert name in data["definitions"]
    services = {s["service"]: s["incidents"]
                for s in data["figures"]["recurring_services"]["services"]}
    assert services["payments"] == 2


def test_terminal_output_is_sanitised(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--since", "30d", "--by", "month"]) == 0
    out = capsys.readouterr().out
    assert "# Incident review" in out
    assert leaks(out) == []
    assert "PWNED-TITLE" not in out or "\x1b]0;" not in out


def test_html_file_is_inert_standalone_and_private(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "review.html"
    assert main(["report", "-o", str(target)]) == 0
    page = target.read_text()
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert "Content-Security-Policy" in page
    assert "default-src 'none'" in page
    assert page.count("<svg") >= 5
    assert "<script" not in page.lower().replace("&lt;script", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "\x1b" not in page
    assert "\x07" not in page
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", page)  # nothing fetched


def test_markdown_file_keeps_names_as_text(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "review.md"
    assert main(["report", "--severity", "critical", "-o", str(target)]) == 0
    assert "0 incidents" in target.read_text()
    assert main(["report", "-o", str(target)]) == 0
    text = target.read_text()
    assert "\\<script\\>" in text
    assert "\\| \\*\\*bold\\*\\*" in text
    assert "\x1b" not in text


@pytest.mark.parametrize(("args", "says"), [
    (["report", "-o", "review.pdf"], "name a .html or .md file"),
    (["report", "--since", "yesterday"], "is not a date"),
    (["report", "--since", "2026-13-01"], "is not a date"),
    (["report", "--since", "2026-11-02", "--until", "2026-11-01"], "--since must come before"),
    (["report", "--json", "-o", "x.html"], "--json prints to stdout"),
])
def test_bad_input_is_one_line_and_status_2(
    db: Path, capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert says in err
    assert len(err.strip().splitlines()) == 1


def test_bad_severity_is_status_2(db: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["report", "--severity", "huge"])
    assert exited.value.code == 2


def test_the_report_command_loads_nothing_until_it_runs() -> None:
    import subprocess
    import sys

    code = ("import sys; from warroom.cli.main import build_parser; build_parser(); "
            "print([m for m in ('warroom.core.review', 'warroom.store.review', "
            "'warroom.export.review', 'textual_plotext') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONPATH": str(Path.cwd())}).stdout
    assert out.strip() == "[]"
