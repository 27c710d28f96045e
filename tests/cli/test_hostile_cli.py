"""Every command that prints stored text sends a terminal nothing but inert text.

The commands run on a real pseudo-terminal, and every byte they send is read:
an incident declared from a hostile alert or imported from someone's bundle
must not retitle the window, write the clipboard or reset the terminal when
someone types `warroom list`.
"""

from __future__ import annotations

import contextlib
import os
import pty
import select
import shlex
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.hostile import HOSTILE, TITLE, leaks
from warroom.clock import FixedClock
from warroom.core.models import EventKind
from warroom.store.store import Store

WARROOM = Path(sys.executable).parent / "warroom"
T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


def on_a_terminal(script: str, env: dict[str, str], timeout: float = 120) -> bytes:
    """Run a shell script on a pty; everything it wrote, up to its own end marker."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execve("/bin/sh", ["/bin/sh", "-c", f"{script}; echo SCRIPT-DONE"], env)
    output = b""
    try:
        deadline = time.monotonic() + timeout
        while b"SCRIPT-DONE" not in output and time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    output += os.read(fd, 1 << 16)
                except OSError:  # EIO: the script ended and closed the terminal
                    break
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    assert b"SCRIPT-DONE" in output, output[-2000:]
    return output


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    db = tmp_path / "hostile.db"
    with Store.open(db, clock=FixedClock(T0)) as store:
        incident = store.create_incident(TITLE, actor="eve")
        store.save_artifact(incident.id, 1, "## Impact\n" + "\n".join(HOSTILE) + "\n",
                            actor="eve", base_version=0)
        store.add_event(incident.id, EventKind.NOTE, "\n".join(HOSTILE), actor="eve")
        store.pin_line(incident.id, HOSTILE[4].encode(), actor="eve", logged_at=None,
                       received_at=T0, source="/var/log/\x1b]0;PWNED-TITLE\x07.log",
                       position=3, level="error")
        store.add_action_item(incident.id, TITLE, owner=HOSTILE[1], priority="P1")
    return {**os.environ, "WARROOM_DB": str(db), "WARROOM_USER": "ana", "TERM": "xterm"}


def test_what_the_commands_print_is_inert(env: dict[str, str], tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.json"
    w = shlex.quote(str(WARROOM))
    script = "; ".join([
        f"{w} list", f"{w} list --json", f"{w} list clipboard", f"{w} status 1",
        f"{w} artifact 1 INC-1", f"{w} actions", f"{w} actions --json",
        f"{w} export 1", f"{w} export 1 --format html", f"{w} export 1 --format json",
        f"{w} export 1 --no-redact --format json -o {shlex.quote(str(bundle))}",
        # Someone else's bundle, into another database: the title it prints is theirs.
        f"WARROOM_DB={shlex.quote(str(tmp_path / 'other.db'))} {w} import "
        f"{shlex.quote(str(bundle))}",
        f"{w} milestone 1 detected --event 3",
    ])
    output = on_a_terminal(script, env)
    assert not leaks(output), leaks(output)
    assert b"PWNED-TITLE" in output  # the text is shown, only its sequences are gone
    assert b"[@click=app.quit]quit[/]" in output  # markup is text
    at = output.find(b"imported ")
    assert at >= 0
    assert b"Checkout" in output[at:at + 40], output[at - 200:at + 200]


def test_the_bundle_keeps_the_text_whole(env: dict[str, str], tmp_path: Path) -> None:
    """Sparing the terminal loses nothing: the JSON escapes what it cannot print raw."""
    import json
    import subprocess

    done = subprocess.run([str(WARROOM), "export", "1", "--format", "json", "--no-redact"],
                          env=env, capture_output=True, timeout=60, check=True)
    assert not leaks(done.stdout)
    assert json.loads(done.stdout)["incident"]["title"] == TITLE
