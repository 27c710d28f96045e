"""`warroom shell`: a real bash (and zsh) on a pty, recording each command line it runs."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from warroom.core.models import EventKind
from warroom.store.store import Store
from warroom.store.verify import verify

WARROOM = Path(sys.executable).parent / "warroom"


def _read_until(fd: int, wanted: bytes, seen: bytearray, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                data = os.read(fd, 4096)
            except OSError:
                return wanted in seen
            if not data:
                break
            seen += data
    return wanted in seen


def _session(tmp_path: Path, shell: str, lines: list[str]) -> tuple[bytes, int, Path]:
    """Run `warroom shell 1` with `shell` on a pty, type `lines` at its prompts, then exit."""
    db = tmp_path / "shell.db"
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "WARROOM_DB": str(db), "WARROOM_USER": "ana", "HOME": str(home),
           "SHELL": shell, "PS1": "$ ", "TERM": "xterm"}
    env.pop("ZDOTDIR", None)
    env.pop("PROMPT_COMMAND", None)
    subprocess.run([str(WARROOM), "new", "Checkout 5xx"], env=env, check=True,
                   capture_output=True, timeout=60)
    master, slave = os.openpty()
    proc = subprocess.Popen([str(WARROOM), "shell", "1"], env=env, stdin=slave, stdout=slave,
                            stderr=slave, start_new_session=True, cwd=tmp_path)
    os.close(slave)
    seen = bytearray()
    try:
        for n, line in enumerate([*lines, "exit"]):
            # Wait for the prompt (n+1 of them) before typing: typed ahead, a line would be
            # read before the hooks are in place.
            deadline = time.monotonic() + 60
            while seen.count(b"[INC #1] ") < n + 1 and time.monotonic() < deadline:
                _read_until(master, b"\x00never", seen, 0.3)
            os.write(master, line.encode() + b"\r")
        _read_until(master, b"recording ended", seen)
        status = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    return bytes(seen), status, db


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_a_shell_session_records_three_commands(tmp_path: Path, shell: str) -> None:
    path = shutil.which(shell)
    if path is None:
        pytest.skip(f"{shell} is not installed")
    screen, status, db = _session(tmp_path, path, ["echo one", "", "false", "(exit 3)"])
    assert status == 3  # as the shell itself ends: `exit` after a command that failed with 3
    assert b"output is NOT captured" in screen
    assert b"[INC #1] " in screen  # the prompt says it is recording
    assert b"3 commands recorded into #1" in screen
    with Store.open(db) as store:
        events = store.events(1)
        actions = [e for e in events if e.kind is EventKind.ACTION]
        assert [(a.text, a.exit_status) for a in actions] == [
            ("echo one", 0), ("false", 1), ("(exit 3)", 3)]
        for action in actions:
            assert action.action.how == "shell"
            assert action.action.cwd == str(tmp_path)
            assert action.action.user == "ana"
            assert action.action.stdout is None  # not captured, and it says so
            assert action.action.ended_at >= action.action.started_at
        systems = [e.text for e in events if e.kind is EventKind.SYSTEM]
        assert any(t.startswith("Shell recording started by ana") for t in systems)
        assert any(t.startswith("Shell recording ended: 3 commands") for t in systems)
        assert verify(store, 1).passed  # the hook's rows are in the audit chain


def test_a_shell_that_is_not_bash_or_zsh_is_refused(tmp_path: Path) -> None:
    env = {**os.environ, "WARROOM_DB": str(tmp_path / "s.db"), "SHELL": "/bin/fish"}
    subprocess.run([str(WARROOM), "new", "x"], env=env, check=True, capture_output=True)
    result = subprocess.run([str(WARROOM), "shell", "1"], env=env, capture_output=True,
                            text=True, stdin=subprocess.DEVNULL, timeout=60)
    assert result.returncode == 2
    assert "is not bash or zsh" in result.stderr


def test_the_hook_records_directly_and_never_breaks_the_shell(tmp_path: Path) -> None:
    """The tiny entry point: a direct insert; a database it cannot write is one line, exit 1."""
    import warroom

    hook = Path(warroom.__file__).resolve().parent / "hook.py"
    db = tmp_path / "h.db"
    with Store.open(db) as store:
        store.create_incident("x", actor="ana")
    argv = [sys.executable, "-I", "-S", str(hook), "-", str(db), "1", "ana", "web-1", "4",
            "1764252000.25", "1764252002.5", "/srv", "systemctl restart nginx"]
    assert subprocess.run(argv, timeout=60).returncode == 0
    with Store.open(db) as store:
        [action] = [e for e in store.events(1) if e.kind is EventKind.ACTION]
        assert (action.text, action.exit_status, action.source) == (
            "systemctl restart nginx", 4, "web-1")
        assert action.action.started_at.timestamp() == 1764252000.25
        assert verify(store, 1).passed
    argv[5] = str(tmp_path / "missing" / "x.db")
    failed = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert failed.returncode == 1
    assert "this command was not recorded" in failed.stderr


def test_the_hook_loads_neither_the_cli_nor_textual_nor_pydantic(tmp_path: Path) -> None:
    """What the shell waits for stays small: the standard library and the chain's hashing."""
    import warroom

    hook = Path(warroom.__file__).resolve().parent / "hook.py"
    db = tmp_path / "h.db"
    with Store.open(db) as store:
        store.create_incident("x", actor="ana")
    argv = [sys.executable, "-I", "-S", "-X", "importtime", str(hook), "-", str(db), "1",
            "ana", "h", "0", "1.0", "2.0", "/", "ls"]
    trace = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=True).stderr
    out = [line.rsplit("|", 1)[-1].strip() for line in trace.splitlines() if "|" in line]
    assert "warroom.store.hashing" in out
    for heavy in ("textual", "pydantic", "sqlite_utils", "warroom.cli", "warroom.store.store",
                  "typing", "dataclasses"):
        assert heavy not in out, heavy
