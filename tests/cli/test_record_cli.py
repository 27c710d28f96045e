"""`warroom run`: runs as typed, its status comes back, the record is in the timeline."""

from __future__ import annotations

import os
import select
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

from warroom.core.models import EventKind
from warroom.store.store import Store
from warroom.timeline.sanitize import sanitize

WARROOM = Path(sys.executable).parent / "warroom"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "WARROOM_DB": str(tmp_path / "cli.db"), "WARROOM_USER": "ana",
            "NO_COLOR": "1"}


def warroom(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(WARROOM), *args], env=env, capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)


def actions(env: dict[str, str]):
    with Store.open(Path(env["WARROOM_DB"])) as store:
        return [e for e in store.events(1) if e.kind is EventKind.ACTION]


def test_a_run_with_exit_3_is_recorded_with_its_output(env: dict[str, str],
                                                       tmp_path: Path) -> None:
    assert warroom(env, "new", "Checkout 5xx").returncode == 0
    script = "echo restarting; echo 'connection refused' >&2; exit 3"
    result = subprocess.run(
        [str(WARROOM), "run", "1", "--", "sh", "-c", script], env=env, capture_output=True,
        text=True, timeout=60, cwd=tmp_path, stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 3
    assert result.stdout == "restarting\n"  # shown as it ran, untouched
    assert result.stderr.startswith("connection refused\n")
    assert "recorded in #1 as entry #" in result.stderr
    [action] = actions(env)
    assert action.text == shlex.join(["sh", "-c", script])
    assert action.exit_status == 3
    assert action.author == "ana"
    assert action.action is not None
    assert action.action.cwd == str(tmp_path)
    assert action.action.user == "ana"
    assert action.action.host == os.uname().nodename
    assert action.action.ended_at >= action.action.started_at == action.occurred_at
    assert action.action.stdout.text == "restarting\n"
    assert action.action.stderr.text == "connection refused\n"
    assert action.sha256
    assert len(action.sha256) == 64


def test_a_command_that_does_not_exist_is_127_and_recorded(env: dict[str, str]) -> None:
    warroom(env, "new", "Checkout 5xx")
    result = warroom(env, "run", "1", "--", "no-such-command-xyz", "--flag")
    assert result.returncode == 127
    assert "no-such-command-xyz: command not found" in result.stderr
    [action] = actions(env)
    assert (action.text, action.exit_status) == ("no-such-command-xyz --flag", 127)


def test_bad_input_is_exit_2_and_runs_nothing(env: dict[str, str], tmp_path: Path) -> None:
    warroom(env, "new", "Checkout 5xx")
    marker = tmp_path / "ran"
    missing = warroom(env, "run", "7", "--", "touch", str(marker))
    assert missing.returncode == 2
    assert "no incident #7" in missing.stderr
    assert not marker.exists()
    empty = warroom(env, "run", "1")
    assert empty.returncode == 2
    assert "nothing to run" in empty.stderr


def test_hostile_output_is_kept_whole_and_shown_sanitised(env: dict[str, str]) -> None:
    warroom(env, "new", "Checkout 5xx")
    warroom(env, "run", "1", "--", "printf", "ok \\033]0;pwned\\007 [bold]x[/bold]\\n")
    [action] = actions(env)
    assert action.action.stdout.text == "ok \x1b]0;pwned\x07 [bold]x[/bold]\n"  # the evidence
    assert "\x1b" not in sanitize(action.action.stdout.text)


def _read_until(fd: int, wanted: bytes, seconds: float = 30) -> bytes:
    seen = b""
    deadline = time.monotonic() + seconds
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                seen += os.read(fd, 4096)
            except OSError:
                break
    return seen


def test_on_a_terminal_the_command_sees_one_and_ctrl_c_goes_to_it(env: dict[str, str]) -> None:
    warroom(env, "new", "Checkout 5xx")
    master, slave = os.openpty()
    script = ("import sys, time; print('tty', sys.stdin.isatty(), sys.stdout.isatty(), "
              "sys.stderr.isatty(), flush=True); time.sleep(60)")
    proc = subprocess.Popen([str(WARROOM), "run", "1", "--", sys.executable, "-c", script],
                            env=env, stdin=slave, stdout=slave, stderr=slave,
                            start_new_session=True)
    os.close(slave)
    try:
        seen = _read_until(master, b"tty True True True")
        assert b"tty True True True" in seen
        os.write(master, b"\x03")  # ctrl+c, as typed
        seen += _read_until(master, b"recorded in #1")
        assert proc.wait(timeout=30) == 130
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    [action] = actions(env)
    assert action.exit_status == 130
    assert "tty True True True" in action.action.stdout.text


def test_export_takes_a_display_zone_and_refuses_an_unknown_one(env: dict[str, str],
                                                                 tmp_path: Path) -> None:
    warroom(env, "new", "Checkout 5xx", "--detected-at", "2026-01-15T10:00:00Z")
    shown = warroom(env, "export", "1", "--tz", "America/New_York")
    assert shown.returncode == 0
    assert "- **Detected:** 2026-01-15T05:00:00-05:00" in shown.stdout
    assert "- **Times are in:** America/New_York" in shown.stdout
    out = tmp_path / "pm.md"
    bad = warroom(env, "export", "1", "--tz", "Mars/Olympus", "-o", str(out))
    assert bad.returncode == 2
    assert "unknown time zone 'Mars/Olympus'" in bad.stderr
    assert not out.exists()
