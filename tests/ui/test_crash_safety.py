"""No handler can crash the app and take typed text with it; a vanished terminal saves and exits.

Faults are injected into several handlers (a bug raising in the middle of a
pin, a note, a checklist tick, a phase switch); the last-resort path must save
the editor's text (or copy it aside) before Textual exits, with status 1.
A terminal that goes away without SIGHUP (end of file or EIO on the pty) must
make `warroom tail` and the war room save and exit within seconds.
"""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import TextArea

from warroom.clock import FixedClock
from warroom.store import recovery
from warroom.store.store import Store
from warroom.ui.app import WarroomApp
from warroom.ui.screens.main import WarRoomScreen
from warroom.ui.widgets.guide import GuidePanel

pytestmark = pytest.mark.anyio

T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
WARROOM = Path(sys.executable).parent / "warroom"


class Injected(RuntimeError):
    """The bug under test."""


def boom(*args: object, **kwargs: object) -> None:
    raise Injected("injected fault")


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "crash.db", clock=FixedClock(T0)) as s:
        s.create_incident("Checkout 5xx", actor="ana")
        yield s


def saved_or_copied(store: Store) -> str:
    return store.artifact_text(1, 1) + "\n".join(c.text for c in recovery.copies())


@pytest.mark.parametrize(
    ("target", "keys"),
    [
        ("set_step", ()),  # GuidePanel.StepToggled
        ("add_event", ("ctrl+n", *"note", "enter")),  # the note dialog's callback
        ("phases", ("f9", "2")),  # the sidebar refresh while switching phase
        ("gate_results", ("ctrl+g",)),
    ],
)
async def test_a_bug_in_a_handler_saves_typing_first_and_exits_1(
    store: Store, target: str, keys: tuple[str, ...]
) -> None:
    bug = pytest.MonkeyPatch()  # its own: undoing it keeps conftest's state dir
    app = WarroomApp(store, actor="ana", clock=store.clock, incident_id=1, watch=False,
                     autosave_delay=60)  # only the last-resort flush can have saved it

    async def drive() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.screen.query_one("#editor-text", TextArea).focus()
            await pilot.press("ctrl+home", *"LASTWORDS")
            bug.setattr(Store, target, boom)
            if target == "set_step":
                app.screen.query_one(GuidePanel).post_message(GuidePanel.StepToggled(1, True))
            await pilot.press(*keys)
            await pilot.pause()

    with pytest.raises(Injected):
        await drive()
    bug.undo()
    assert app.return_code == 1
    assert "LASTWORDS" in saved_or_copied(store)


async def test_a_bug_while_saving_leaves_the_text_in_a_recovery_copy(store: Store) -> None:
    bug = pytest.MonkeyPatch()  # its own: undoing it keeps conftest's state dir
    app = WarroomApp(store, actor="ana", clock=store.clock, incident_id=1, watch=False,
                     autosave_delay=60)

    async def drive() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.screen.query_one("#editor-text", TextArea).focus()
            await pilot.press("ctrl+home", *"SAVEBUG")
            bug.setattr(Store, "save_artifact", boom)
            await pilot.press("ctrl+s")
            await pilot.pause()

    with pytest.raises(Injected):
        await drive()
    bug.undo()
    assert app.return_code == 1
    assert any("SAVEBUG" in c.text for c in recovery.copies())


async def test_pinning_an_empty_line_is_refused_not_a_crash(tmp_path: Path, store: Store) -> None:
    from warroom.ui.widgets.log_view import LogView

    log = tmp_path / "app.log"
    log.write_text("first\n\n   \nlast\n")
    store.add_log_source(1, "file", str(log))
    app = WarroomApp(store, actor="ana", clock=store.clock, incident_id=1, watch=True,
                     autosave_delay=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.screen.query_one(LogView)
        for _ in range(50):
            await pilot.pause(0.05)
            if len(view._view) >= 4:
                break
        app.screen.query_one("#editor-text", TextArea).focus()
        await pilot.press("ctrl+home", *"TYPED")
        view.focus()
        for row in (1, 2):  # the empty line and the blank one
            view.cursor = row
            await pilot.press("p")
            await pilot.pause()
        assert isinstance(app.screen, WarRoomScreen)
        assert app.return_code is None
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0
    assert store.artifact_text(1, 1).startswith("TYPED")
    assert not [e for e in store.events(1) if e.kind.value == "pin"]


def _wait_exit(proc: subprocess.Popen, timeout: float) -> int | None:
    try:
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        return None


def _read_until(fd: int, needle: bytes, timeout: float) -> None:
    seen = b""
    deadline = time.monotonic() + timeout
    while needle not in seen:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"{needle!r} never appeared on the terminal")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            seen += os.read(fd, 65536)


def _spawn(argv: list[str], env: dict[str, str]) -> tuple[subprocess.Popen, int]:
    """Start a warroom command on a pty that is not its controlling terminal (a new
    session, as a process left behind by a lost SSH session): closing the pty sends no
    SIGHUP, so only what it reads from the terminal can tell it the terminal is gone."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                            start_new_session=True, close_fds=True)
    os.close(slave)
    return proc, master


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "WARROOM_DB": str(tmp_path / "tty.db"), "TERM": "xterm-256color",
            "COLUMNS": "100", "LINES": "30", "WARROOM_AUTOSAVE_DELAY": "60"}


def test_tail_exits_when_its_terminal_vanishes(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("INFO ready\n")
    proc, fd = _spawn([str(WARROOM), "tail", str(log)], _env(tmp_path))
    try:
        _read_until(fd, b"ready", 60)
        os.close(fd)  # the terminal goes away: the child reads EOF/EIO, no SIGHUP arrives
        fd = -1
        status = _wait_exit(proc, 10)
        assert status is not None, "warroom tail kept running without its terminal"
        assert status != 0
    finally:
        proc.kill()
        proc.wait()
        if fd >= 0:
            os.close(fd)


def test_war_room_saves_and_exits_when_its_terminal_vanishes(tmp_path: Path) -> None:
    env = _env(tmp_path)
    with Store.open(Path(env["WARROOM_DB"])) as store:
        store.create_incident("tty test", actor="t")
    proc, fd = _spawn([str(WARROOM), "open", "1"], env)
    try:
        _read_until(fd, b"Triage", 60)
        os.write(fd, b"TTYGONE")
        _read_until(fd, b"TTYGONE", 30)
        os.close(fd)
        fd = -1
        status = _wait_exit(proc, 10)
        assert status is not None, "the war room kept running without its terminal"
        assert status != 0
    finally:
        proc.kill()
        proc.wait()
        if fd >= 0:
            os.close(fd)
    with Store.open(Path(env["WARROOM_DB"])) as store:
        assert "TTYGONE" in store.artifact_text(1, 1)
