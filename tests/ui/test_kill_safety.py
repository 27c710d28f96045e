"""Nothing typed is lost: kill -9 loses at most a second, SIGHUP/SIGTERM save first."""

from __future__ import annotations

import contextlib
import os
import pty
import select
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from warroom.store.store import Store

WARROOM = Path(sys.executable).parent / "warroom"

TYPIST = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from warroom.store.store import Store
    from warroom.ui.app import WarroomApp

    async def main() -> None:
        store = Store.open(Path(sys.argv[1]))
        app = WarroomApp(store, actor="typist", incident_id=1, watch=False, autosave_delay=0.5)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+home", *"KILLMARK")
            print("typed", flush=True)
            await asyncio.sleep(120)

    asyncio.run(main())
    """
)


def _new_incident(path: Path) -> None:
    with Store.open(path) as store:
        store.create_incident("kill test", actor="t")


def _saved_text(path: Path) -> str:
    with Store.open(path) as store:
        return store.artifact_text(1, 1)


def test_kill_9_mid_edit_loses_at_most_a_second(tmp_path: Path) -> None:
    db = tmp_path / "kill.db"
    _new_incident(db)
    script = tmp_path / "typist.py"
    script.write_text(TYPIST)
    proc = subprocess.Popen(
        [sys.executable, str(script), str(db)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "typed"
        time.sleep(1.0)  # the promise under test is "at most one second behind"
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        proc.kill()
    assert _saved_text(db).startswith("KILLMARK")


def _read_until(fd: int, needle: bytes, timeout: float) -> bytes:
    """Read the terminal output until `needle` shows (the app has drawn what we typed)."""
    seen = b""
    deadline = time.monotonic() + timeout
    while needle not in seen:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"{needle!r} never appeared on the terminal")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM])
def test_hangup_or_terminate_saves_before_exit(tmp_path: Path, signum: int) -> None:
    db = tmp_path / "hup.db"
    _new_incident(db)
    env = {
        **os.environ,
        "WARROOM_DB": str(db),
        "WARROOM_AUTOSAVE_DELAY": "60",  # only the signal handler can have saved it
        "TERM": "xterm-256color",
        "COLUMNS": "100",
        "LINES": "30",
    }
    pid, fd = pty.fork()
    if pid == 0:  # the child: a real terminal, as over SSH
        os.execve(str(WARROOM), [str(WARROOM), "open", "1"], env)
    try:
        _read_until(fd, b"Triage", 30)
        os.write(fd, b"HUPMARK")
        _read_until(fd, b"HUPMARK", 15)
        os.kill(pid, signum)
        deadline = time.monotonic() + 15
        status = None
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            try:
                select.select([fd], [], [], 0.1)
                os.read(fd, 65536)
            except OSError:
                time.sleep(0.05)
        assert status is not None, "warroom did not exit on the signal"
        assert os.WIFEXITED(status)
        assert os.WEXITSTATUS(status) == 128 + signum
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.close(fd)
    assert "HUPMARK" in _saved_text(db)
