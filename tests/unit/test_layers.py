"""The layer rule: only warroom.ui imports textual."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "warroom"
BELOW_UI = sorted(
    ".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts)
    for p in PACKAGE.rglob("*.py")
    if "ui" not in p.relative_to(PACKAGE).parts
    and p.name != "__main__.py"
)


def test_modules_below_the_ui_were_found() -> None:
    assert "warroom.store.store" in BELOW_UI
    assert "warroom.core.state" in BELOW_UI
    assert not any(name.startswith("warroom.ui") for name in BELOW_UI)


@pytest.mark.parametrize("module", BELOW_UI)
def test_module_does_not_import_textual(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"{module} pulls in textual: {out}"


def test_the_tail_fast_path_loads_neither_the_store_nor_the_models() -> None:
    """`warroom tail FILE` must open fast: no store, no core models, no pydantic (~70 ms)."""
    code = (
        "import sys, warroom.entry, warroom.cli.logs, warroom.config\n"
        "warroom.config.load_settings()\n"
        "heavy = ('warroom.store', 'warroom.core', 'pydantic', 'sqlite_utils')\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith(heavy))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""
