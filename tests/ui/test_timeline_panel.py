"""The live timeline: following, pausing, filtering, pinning evidence, untrusted lines."""

from __future__ import annotations

import os
import pty
import select
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import Input

from warroom.clock import FixedClock
from warroom.core.artifacts import parse_artifact
from warroom.core.models import EventKind
from warroom.store.store import Store
from warroom.ui.app import WarroomApp
from warroom.ui.tail_app import TailApp
from warroom.ui.widgets.log_view import LogView

pytestmark = pytest.mark.anyio

T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
WARROOM = Path(sys.executable).parent / "warroom"


def write_log(path: Path, lines: list[str]) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.writelines(line + "\n" for line in lines)


async def wait_for(pilot, predicate, timeout: float = 10.0) -> None:
    """Let the app run until `predicate()` holds: lines arrive from other threads."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.02)


def row_text(view: LogView, y: int) -> str:
    return "".join(segment.text for segment in view.render_line(y))


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "app.log"
    write_log(path, [f"2026-11-27T13:5{n}:00Z INFO request {n} ok" for n in range(10)])
    return path


async def test_follow_pause_filter_level_search(log: Path) -> None:
    app = TailApp([str(log)], [], force_polling=True)
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(LogView)
        await wait_for(pilot, lambda: view.held == 10)
        assert view.following
        write_log(log, ["2026-11-27T14:00:00Z ERROR pool exhausted"])
        await wait_for(pilot, lambda: view.held == 11)
        assert view.current.text.endswith("pool exhausted")  # followed to the newest
        await pilot.press("up")
        assert not view.following  # reading back pauses the stream
        write_log(log, ["2026-11-27T14:00:01Z WARN slow query"])
        await wait_for(pilot, lambda: view.held == 12)
        assert view.current.text.endswith("request 9 ok")  # the cursor stayed put
        await pilot.press("end")
        assert view.following
        assert view.current.text.endswith("slow query")

        await pilot.press("l", "l", "l", "l")  # minimum level: debug, info, warning, error
        await pilot.pause()
        assert view.filter.min_level == "error"
        assert view.shown == 1
        await pilot.press("l")  # back to everything
        await pilot.press("slash", *"request [5-7]")
        await pilot.pause()
        assert view.shown == 0  # literal text: no line holds "request [5-7]"
        app.query_one("#timeline-filter", Input).value = "/request [5-7]/"
        await pilot.pause()
        assert view.shown == 3
        assert view.filter.pattern is not None
        await pilot.press("escape")
        app.query_one("#timeline-filter", Input).value = ""
        await pilot.pause()
        assert view.shown == 12
        await pilot.press("s", *"request 2")
        await pilot.press("enter")
        await pilot.pause()
        assert view.current.text.endswith("request 2 ok")


async def test_typing_narrows_and_backspace_widens_the_filter(log: Path) -> None:
    app = TailApp([str(log)], [], force_polling=True)
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(LogView)
        await wait_for(pilot, lambda: view.held == 10)
        await pilot.press("slash", *"REQUEST")  # case does not matter
        assert view.shown == 10
        await pilot.press("space", "3")
        assert view.shown == 1
        assert view.current.text.endswith("request 3 ok")
        await pilot.press("backspace", "backspace", "backspace")  # "REQUES": all again
        assert view.shown == 10
        write_log(log, ["2026-11-27T14:00:00Z ERROR request 10 failed", "2026-11-27T14:00:01Z x"])
        await wait_for(pilot, lambda: view.held == 12)
        assert view.shown == 11  # new lines pass through the same filter
        await pilot.press("escape", "l", "l", "l", "l")  # ≥ error, on top of the text
        assert view.shown == 1
        assert view.current.text.endswith("request 10 failed")


async def test_pin_copies_the_whole_line_with_its_provenance(tmp_path: Path, log: Path) -> None:
    store = Store.open(tmp_path / "pin.db", clock=FixedClock(T0))
    incident = store.create_incident("x", actor="ana")
    long_line = "2026-11-27T14:00:00Z ERROR " + "x" * 10_000 + " END"
    write_log(log, [long_line])
    app = TailApp([str(log)], [], store=store, incident_id=incident.id, actor="ana",
                  force_polling=True)
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(LogView)
        await wait_for(pilot, lambda: view.held == 11)
        assert len(view.current.text) < len(long_line)  # cut for display...
        await pilot.press("p")
        await pilot.pause()
        assert view.current.seq in view.pinned
        assert row_text(view, view.cursor - int(view.scroll_offset.y)).startswith("*")
    pins = [e for e in store.events(incident.id) if e.kind is EventKind.PIN]
    assert len(pins) == 1
    assert pins[0].text == long_line  # ...but pinned whole
    assert pins[0].source == str(log)
    assert pins[0].position == 11
    assert pins[0].level == "error"
    assert pins[0].occurred_at == datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
    store.close()


async def test_a_pinned_backlog_line_names_its_line_number(tmp_path: Path) -> None:
    """Opened at its end, the file's lines carry no number until one is pinned."""
    log = tmp_path / "big.log"
    write_log(log, [f"2026-11-27T13:00:00Z INFO request {n}" for n in range(1, 301)])
    store = Store.open(tmp_path / "pin.db", clock=FixedClock(T0))
    incident = store.create_incident("x", actor="ana")
    app = TailApp([str(log)], [], store=store, incident_id=incident.id, actor="ana",
                  force_polling=True)
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(LogView)
        await wait_for(pilot, lambda: view.held == 200)  # the backlog: lines 101-300
        await pilot.press("up", "up", "p")
        await pilot.pause()
    pin = next(e for e in store.events(incident.id) if e.kind is EventKind.PIN)
    assert pin.text.endswith("request 298")
    assert (pin.source, pin.position) == (str(log), 298)
    store.close()


async def test_pin_and_insert_into_inc1_from_the_war_room(tmp_path: Path, log: Path) -> None:
    store = Store.open(tmp_path / "w.db", clock=FixedClock(T0))
    incident = store.create_incident("x", actor="ana")
    store.add_log_source(incident.id, "file", str(log))
    app = WarroomApp(store, actor="ana", clock=store.clock, incident_id=incident.id,
                     autosave_delay=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.screen.query_one(LogView)
        await wait_for(pilot, lambda: view.held == 10)
        await pilot.press("f4")  # to the timeline
        assert view.has_focus
        await pilot.press("up", "p")
        await pilot.pause()
        await pilot.press("ctrl+t")
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause(0.2)
    timeline = parse_artifact("INC-1", store.artifact_text(incident.id, 1)).timeline
    assert [(t.timestamp, t.event) for t in timeline] == [
        ("2026-11-27T13:58:00Z", "INFO request 8 ok")  # the line's own stamp is not repeated
    ]
    store.close()


async def test_markup_in_lines_is_text(tmp_path: Path) -> None:
    path = tmp_path / "evil.log"
    write_log(path, ["[bold]not bold[/] [@click=app.quit]quit[/] [/] [red"])
    app = TailApp([str(path)], [], force_polling=True)
    async with app.run_test(size=(100, 20)) as pilot:
        view = app.query_one(LogView)
        await wait_for(pilot, lambda: view.held == 1)
        await pilot.pause()
        shown = row_text(view, 0)
        assert "[bold]not bold[/] [@click=app.quit]quit[/] [/] [red" in shown
        await pilot.click(LogView)
        assert app.is_running  # the [@click=...] text is not an action


EVIL = (
    b"OSC-TITLE \x1b]0;PWNED-TITLE\x07 "
    b"OSC-52 \x1b]52;c;SGVsbG8=\x07 "
    b"CSI \x1b[31;1;4;5;7;9mEVIL-SGR \x1b[2J "
    b"DCS \x1bP1$qm\x1b\\ "
    b"C1 \xc2\x9b31;7mC1-CSI raw \x9b31m "
    b"BIDI \xe2\x80\xaeRTL-OVERRIDE "
    b"MARKUP [@click=app.quit]x[/]"
)


def test_escape_sequences_in_a_log_never_reach_the_terminal(tmp_path: Path) -> None:
    """Run `warroom tail` on a real terminal and read every byte it sends."""
    path = tmp_path / "evil.log"
    path.write_bytes(EVIL + b" EVIL-END\n")
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "250", "LINES": "20"}
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(str(WARROOM), [str(WARROOM), "tail", "--poll", str(path)], env)
    output = b""
    try:
        deadline = time.monotonic() + 20
        while b"EVIL-END" not in output and time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                output += os.read(fd, 1 << 16)
        assert b"EVIL-END" in output, "the line never showed"
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    for injected in (b"]0;PWNED", b"]52;", b"[31;1;4;5;7;9m", b"\x1bP1$q", b"\xc2\x9b",
                     b"\xe2\x80\xae"):
        assert injected not in output, f"{injected!r} reached the terminal"
    assert b"[@click=app.quit]x[/]" in output  # shown literally
    assert b"EVIL-SGR" in output  # the text around a removed sequence still shows


async def test_an_ended_command_shows_its_exit_and_restarts(tmp_path: Path) -> None:
    app = TailApp([], ["echo first run; exit 3"])
    async with app.run_test(size=(100, 20)) as pilot:
        view = app.query_one(LogView)
        panel = app.query_one("#timeline-panel")
        await wait_for(pilot, lambda: view.held == 1)
        await wait_for(pilot, lambda: "exited 3" in str(
            app.query_one("#timeline-status").render()))
        await pilot.press("r")
        await wait_for(pilot, lambda: view.held == 2)
        assert view.current.text == "first run"  # the second run's line
        assert panel.engine is not None
