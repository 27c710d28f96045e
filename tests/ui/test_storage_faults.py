"""Storage faults set up for real under an open war room: no typed character is ever lost.

Each test types into the editor, breaks the database the way it breaks in
production (a full disk on a 2 MiB tmpfs, chmod, rm, mv), types more, and checks
that every character is in the database or in the recovery copy, that the
banner says what failed, and that quitting then is not status 0.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Static, TextArea

from warroom.clock import FixedClock
from warroom.store import recovery
from warroom.store.store import Store
from warroom.ui.app import WarroomApp
from warroom.ui.screens.recover import RecoverDialog

pytestmark = pytest.mark.anyio

T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
ROOT = os.geteuid() == 0
root_only = pytest.mark.skipif(not ROOT, reason="mounting a tmpfs needs root")
NOBODY = 65534
BULK = "".join(f"- 14:{n:02d}Z checkout pod {n} restarted\n" for n in range(60))  # new pages


def new_db(path: Path) -> None:
    with Store.open(path, clock=FixedClock(T0)) as store:
        store.create_incident("Checkout 5xx", actor="ana")


def make_app(store: Store) -> WarroomApp:
    app = WarroomApp(store, actor="ana", clock=store.clock, incident_id=1, watch=False,
                     autosave_delay=0.05)
    app.retry_delay = 0.1
    return app


async def type_text(pilot, text: str, pasted: str = "") -> None:
    """Type `text` at the start of the editor (after pasting `pasted` there, if any)."""
    area = pilot.app.screen.query_one("#editor-text", TextArea)
    area.focus()
    area.move_cursor((0, 0))
    if pasted:
        pilot.app.post_message(events.Paste(pasted))  # as the driver does
        await pilot.pause()
        area.move_cursor((0, 0))
    await pilot.press(*text)
    await pilot.pause(0.15)  # past the autosave throttle: the save has been tried


def fault_banner(app: WarroomApp) -> str:
    banner = app.screen.query_one("#save-fault", Static)
    return str(banner.render()) if banner.display else ""


def saved_text(path: Path) -> str:
    with Store.open(path) as store:
        return store.artifact_text(1, 1)


def recovered_text() -> str:
    found = recovery.copies()
    for copy in found:
        assert copy.path is not None
        assert stat.S_IMODE(copy.path.stat().st_mode) == 0o600
        assert stat.S_IMODE(copy.path.parent.stat().st_mode) == 0o700
    return "\n".join(c.text for c in found)


async def quit_status(pilot) -> int | None:
    await pilot.press("ctrl+q")
    await pilot.pause()
    return pilot.app.return_code


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB file system of its own, to fill up."""
    mount = tmp_path / "small"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(directory: Path) -> Path:
    """Take every free block (what a runaway log does to /var)."""
    filler = directory / "filler"
    # Unbuffered, and the close inside the suppress: a buffered close on a full disk raises too.
    with contextlib.suppress(OSError), filler.open("wb", buffering=0) as handle:
        while True:
            handle.write(b"\0" * 65536)
            handle.flush()
    return filler


@root_only
async def test_disk_full_keeps_the_text_retries_and_saves_when_space_is_back(
    tmpfs: Path,
) -> None:
    db = tmpfs / "w.db"
    new_db(db)
    with Store.open(db, clock=FixedClock(T0)) as store:
        app = make_app(store)
        async with app.run_test(size=(120, 40)) as pilot:
            await type_text(pilot, "BEFORE ")
            assert saved_text(db).startswith("BEFORE ")
            filler = fill(tmpfs)
            await type_text(pilot, "TYPED ", pasted=BULK)
            assert "disk full" in fault_banner(app)
            assert f"TYPED {BULK}BEFORE " in recovered_text()
            filler.unlink()
            await pilot.pause(0.4)  # the retry (every 0.1s here) saves it
            assert fault_banner(app) == ""
            assert saved_text(db).startswith(f"TYPED {BULK}BEFORE ")
            assert recovery.copies() == []  # saved: the copy is gone
            assert await quit_status(pilot) == 0


@root_only
async def test_quitting_on_a_full_disk_is_not_status_0_and_the_copy_is_offered_back(
    tmpfs: Path,
) -> None:
    db = tmpfs / "w.db"
    new_db(db)
    with Store.open(db, clock=FixedClock(T0)) as store:
        app = make_app(store)
        async with app.run_test(size=(120, 40)) as pilot:
            await type_text(pilot, "SAVED ")
            filler = fill(tmpfs)
            await type_text(pilot, "TYPED ", pasted=BULK)
            assert "disk full" in fault_banner(app)
            assert await quit_status(pilot) == 2
    assert f"TYPED {BULK}SAVED " in recovered_text()
    filler.unlink()
    # The next start: the copy is offered when the artifact opens; r restores and saves it.
    with Store.open(db, clock=FixedClock(T0)) as store:
        app = make_app(store)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, RecoverDialog)
            await pilot.press("r")
            await pilot.pause(0.3)
            assert saved_text(db).startswith(f"TYPED {BULK}SAVED ")
            assert recovery.copies() == []


@pytest.fixture
def nobody_dir() -> Iterator[Path]:
    """A directory the unprivileged user owns, with its own state dir for recovery copies.

    As root, permission bits do not stop a write; the test then runs as nobody
    (seteuid, restored after), which is what a responder's own account is.
    """
    base = Path(__import__("tempfile").mkdtemp(prefix="warroom-faults-"))
    base.chmod(0o777)
    state = base / "state"
    state.mkdir()
    room = base / "room"
    room.mkdir()
    if ROOT:
        for path in (state, room):
            os.chown(path, NOBODY, NOBODY)
    old = os.environ.get("XDG_STATE_HOME")
    os.environ["XDG_STATE_HOME"] = str(state)
    try:
        yield room
    finally:
        if old is not None:
            os.environ["XDG_STATE_HOME"] = old
        os.chmod(room, 0o755)
        shutil.rmtree(base, ignore_errors=True)


@contextlib.contextmanager
def as_nobody() -> Iterator[None]:
    if not ROOT:
        yield
        return
    os.setegid(NOBODY)
    os.seteuid(NOBODY)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


def own(directory: Path) -> None:
    if ROOT:
        for path in [directory, *directory.iterdir()]:
            os.chown(path, NOBODY, NOBODY)


async def test_read_only_database_file_keeps_the_text(nobody_dir: Path) -> None:
    db = nobody_dir / "w.db"
    new_db(db)
    own(nobody_dir)
    db.chmod(0o444)
    with as_nobody(), Store.open(db, clock=FixedClock(T0)) as store:
        app = make_app(store)
        async with app.run_test(size=(120, 40)) as pilot:
            await type_text(pilot, "READ-ONLY-FILE ")
            assert "database is read-only" in fault_banner(app)
            assert "chmod u+w" in fault_banner(app)
            assert await quit_status(pilot) == 2
        assert "READ-ONLY-FILE " in recovered_text()


async def test_directory_made_read_only_under_the_war_room_loses_nothing(
    nobody_dir: Path,
) -> None:
    """SQLite writes through the -wal it already holds: typing is saved, no false alarm."""
    db = nobody_dir / "w.db"
    new_db(db)
    own(nobody_dir)
    with as_nobody(), Store.open(db, clock=FixedClock(T0)) as store:
        app = make_app(store)
        async with app.run_test(size=(120, 40)) as pilot:
            await type_text(pilot, "BEFORE ")
            nobody_dir.chmod(0o555)
            await type_text(pilot, "READ-ONLY-DIR ")
            assert fault_banner(app) == ""
            assert await quit_status(pilot) == 0
    nobody_dir.chmod(0o755)
    assert saved_text(db).startswith("READ-ONLY-DIR BEFORE ")


@pytest.mark.parametrize("how", ["deleted", "replaced"])
async def test_database_deleted_or_replaced_under_the_war_room(tmp_path: Path, how: str) -> None:
    db = tmp_path / "w.db"
    new_db(db)
    with Store.open(db, clock=FixedClock(T0)) as store:
        app = make_app(store)
        async with app.run_test(size=(120, 40)) as pilot:
            await type_text(pilot, "BEFORE ")
            moved = tmp_path / "moved.db"
            os.rename(db, moved)  # `mv w.db moved.db`: SQLite would go on writing into it
            if how == "replaced":
                new_db(tmp_path / "other.db")
                os.rename(tmp_path / "other.db", db)  # `mv other.db w.db`
            await type_text(pilot, "AFTER-MV ")
            assert f"database was {how}" in fault_banner(app)
            # Nothing went into the file that is no longer the database (read through
            # the war room's own connection, which still holds it).
            assert not store.artifact_text(1, 1).startswith("AFTER-MV")
            os.replace(moved, db)  # put back: the retry saves
            await pilot.pause(0.4)
            assert fault_banner(app) == ""
            assert await quit_status(pilot) == 0
    assert saved_text(db).startswith("AFTER-MV BEFORE ")


async def test_database_deleted_and_quit_exits_2_with_the_text_in_the_copy(
    tmp_path: Path,
) -> None:
    db = tmp_path / "w.db"
    new_db(db)
    with Store.open(db, clock=FixedClock(T0)) as store:
        app = make_app(store)
        async with app.run_test(size=(120, 40)) as pilot:
            await type_text(pilot, "BEFORE ")
            db.unlink()
            await type_text(pilot, "GONE ")
            assert "database was deleted" in fault_banner(app)
            await pilot.press("f9", "2")  # leaving the phase would drop the text: refused
            await pilot.pause()
            assert app.screen.phase == 1
            assert await quit_status(pilot) == 2
    assert "GONE BEFORE " in recovered_text()
