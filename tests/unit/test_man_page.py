"""warroom.1, as scripts/build-offline writes it: generated from the parser, every command in it."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest

pytest.importorskip("argparse_manpage", reason="the build extra is not installed")

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build-offline"


def _build_offline():
    loader = importlib.machinery.SourceFileLoader("build_offline", str(SCRIPT))
    spec = importlib.util.spec_from_loader("build_offline", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_man_page_names_every_command_and_the_environment(tmp_path: Path) -> None:
    from warroom.cli.main import build_parser

    page = _build_offline().man_page("9.9.9")
    assert page.startswith('.TH WARROOM "1"')
    assert "warroom 9.9.9" in page.splitlines()[0]
    sub = next(a for a in build_parser()._actions if a.dest == "command")  # noqa: SLF001
    for name in sub.choices:
        assert f"\\fBwarroom\\fR \\fI\\,{name}\\/\\fR" in page, name
    for section in ("ENVIRONMENT", "EXIT STATUS", "WARROOM_DB"):
        assert section in page
    if shutil.which("man"):
        (tmp_path / "warroom.1").write_text(page)
        shown = subprocess.run(
            ["man", "-l", str(tmp_path / "warroom.1")], capture_output=True, text=True,
            env={"MANWIDTH": "80", "PATH": "/usr/bin:/bin", "MANPAGER": "cat"}, check=True,
        ).stdout
        assert "warroom - a terminal war room" in shown
