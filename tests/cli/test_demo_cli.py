"""`warroom demo` never writes into the user's database: it has one of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_demo(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "WARROOM_DB": str(tmp_path / "real.db"),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "WARROOM_USER": "ana"}
    # No terminal here: the demo stops before its screen, after choosing its database.
    return subprocess.run([sys.executable, "-m", "warroom", *args], env=env,
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)


def test_demo_leaves_the_users_database_alone(tmp_path: Path) -> None:
    result = run_demo(tmp_path, "demo")
    assert result.returncode == 2
    assert "needs a terminal" in result.stderr
    assert not (tmp_path / "real.db").exists()
    assert str(tmp_path / "cache" / "warroom" / "demo.db") in result.stderr


def test_demo_goes_where_its_own_db_option_says(tmp_path: Path) -> None:
    result = run_demo(tmp_path, "demo", "--db", str(tmp_path / "mine.db"))
    assert str(tmp_path / "mine.db") in result.stderr
    assert not (tmp_path / "real.db").exists()
