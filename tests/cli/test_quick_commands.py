"""The commands people type mid-incident answer at once: they load only what they use.

Load is measured by what is imported (a figure that does not depend on how
busy the machine is); bench/startup.py measures the time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import sys
from warroom.entry import main
code = main(sys.argv[1:])
heavy = ("textual", "pydantic", "sqlite_utils", "warroom.store", "warroom.core.artifacts",
         "warroom.core.checks", "warroom.timeline.parse", "warroom.export", "rich")
print("\\n" + __import__("json").dumps(sorted(
    name for name in sys.modules if name.split(".")[0] in heavy or name.startswith(heavy)
)))
raise SystemExit(code)
"""


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "WARROOM_DB": str(tmp_path / "quick.db"), "WARROOM_USER": "ana"}
    subprocess.run([sys.executable, "-m", "warroom", "new", "Checkout 5xx"], env=env,
                   check=True, capture_output=True)
    return env


def loaded(env: dict[str, str], *args: str) -> set[str]:
    result = subprocess.run([sys.executable, "-c", PROBE, *args], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def test_version_loads_nothing_of_the_store_or_the_screen(env: dict[str, str]) -> None:
    assert loaded(env, "--version") == set()


@pytest.mark.parametrize(
    "args",
    [("note", "1", "rolled back"), ("list",), ("status", "1"), ("artifact", "1", "INC-1")],
    ids=["note", "list", "status", "artifact"],
)
def test_everyday_commands_load_no_screen(
    env: dict[str, str], args: tuple[str, ...]
) -> None:
    modules = loaded(env, *args)
    assert "warroom.store.store" in modules  # the probe sees what it should
    unwanted = {m for m in modules if m.split(".")[0] in ("textual", "rich")}
    unwanted |= modules & {"warroom.timeline.parse", "warroom.export.postmortem"}
    assert not unwanted
