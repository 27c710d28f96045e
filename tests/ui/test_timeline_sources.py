"""The source tag in the timeline panel: a source with no lines still shows its state,
and a huge line says on its row how much of it is not shown."""

from __future__ import annotations

import gzip
import os
import time
from pathlib import Path

import pytest

from warroom.ui.tail_app import TailApp
from warroom.ui.widgets.log_view import LogView

pytestmark = pytest.mark.anyio


async def wait_for(pilot, predicate, timeout: float = 10.0) -> None:
    """Let the app run until `predicate()` holds: lines arrive from other threads."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.02)


def status(app: TailApp) -> str:
    return str(app.query_one("#timeline-status").render())


def make_directory(tmp_path: Path) -> str:
    (tmp_path / "logs").mkdir()
    return str(tmp_path / "logs")


def make_binary(tmp_path: Path) -> str:
    (tmp_path / "core").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8)
    return str(tmp_path / "core")


def make_missing(tmp_path: Path) -> str:
    return str(tmp_path / "not-yet.log")


@pytest.mark.parametrize(("make", "shown"), [
    (make_directory, "logs unreadable: is a directory"),
    (lambda _: "/dev/zero", "zero unreadable: is a character device"),
    (make_binary, "core binary, not shown"),
    (make_missing, "not-yet waiting: does not exist yet"),
])
@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_a_source_with_no_lines_shows_its_state_on_its_tag(
        tmp_path: Path, make, shown: str, size: tuple[int, int]) -> None:
    app = TailApp([make(tmp_path)], [], force_polling=True)
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: shown in status(app))
        assert app.query_one(LogView).held == 0


async def test_each_source_shows_its_own_state_beside_one_with_lines(tmp_path: Path) -> None:
    good = tmp_path / "app.log"
    good.write_text("2026-11-27T13:50:00Z INFO request ok\n")
    wide = tmp_path / "win.log"
    wide.write_bytes("\ufeff2026-11-27T13:51:00Z ERROR from windows\r\n".encode("utf-16-le"))
    rotated = tmp_path / "old.log.1.gz"
    rotated.write_bytes(gzip.compress(b"2026-11-27T13:49:00Z WARN rotated away\n"))
    locked = tmp_path / "locked"
    locked.mkdir()
    app = TailApp([str(good), str(wide), str(rotated), str(locked)], [], force_polling=True)
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.query_one(LogView)
        await wait_for(pilot, lambda: view.held == 3)
        await wait_for(pilot, lambda: "locked unreadable: is a directory" in status(app))
        assert [r.text for r in view._view] == [
            "2026-11-27T13:49:00Z WARN rotated away",
            "2026-11-27T13:50:00Z INFO request ok",
            "2026-11-27T13:51:00Z ERROR from windows",
        ]


async def test_a_huge_line_says_on_its_row_how_many_bytes_are_not_shown(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(b"2026-11-27T13:50:00Z ERROR " + b"x" * 200_000 + b"\n")
    app = TailApp([str(log)], [], force_polling=True)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(LogView)
        await wait_for(pilot, lambda: view.held == 1)
        await pilot.pause()
        row = "".join(segment.text for segment in view.render_line(0))
        assert len(row) == view.scrollable_content_region.width
        assert row.rstrip().endswith(f"…[+{200_027 - 4095:,} bytes]")
        assert "ERROR xxx" in row


async def test_a_fifo_streams_into_the_panel(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    app = TailApp([str(fifo)], [])
    async with app.run_test(size=(100, 20)) as pilot:
        await wait_for(pilot, lambda: "pipe following" in status(app))
        writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        try:
            os.write(writer, b"2026-11-27T13:50:00Z INFO through the pipe\n")
            view = app.query_one(LogView)
            await wait_for(pilot, lambda: view.held == 1)
        finally:
            os.close(writer)
        assert view.current is not None
        assert view.current.text == "2026-11-27T13:50:00Z INFO through the pipe"


async def test_a_file_it_may_not_read_says_permission_denied(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A mode-000 file (simulated: the tests run as root, who reads any file)."""
    from warroom.timeline import follow

    log = tmp_path / "secret.log"
    log.write_text("2026-11-27T13:50:00Z INFO hidden\n")

    def refuse(path: str) -> int:
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(follow, "_default_opener", refuse)
    app = TailApp([str(log)], [], force_polling=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "secret unreadable: permission denied" in status(app))
        assert app.query_one(LogView).held == 0
