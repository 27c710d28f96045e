"""The command line names the real cause of a storage fault, in one line, with status 2.

Never "is corrupt, restore it from a backup" (which sends a responder to restore
a healthy file) nor "internal error" for a full disk or a permission.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from warroom.store.store import Store

WARROOM = Path(sys.executable).parent / "warroom"
ROOT = os.geteuid() == 0
NOBODY = 65534


def warroom(*args: str, db: Path | str) -> subprocess.CompletedProcess:
    env = {**os.environ, "WARROOM_DB": str(db), "WARROOM_USER": "ana"}
    return subprocess.run([str(WARROOM), *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def warroom_as_nobody(
    *args: str, db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> subprocess.CompletedProcess:
    """The same entry point, in this process with the unprivileged user's ids when root.

    (A child process as nobody cannot start this interpreter: it lives under /root.)
    """
    import getpass  # noqa: F401 - imported lazily by the CLI; nobody cannot read /root

    import warroom.cli.main  # noqa: F401
    from warroom.entry import main

    monkeypatch.setenv("WARROOM_DB", str(db))
    monkeypatch.setenv("WARROOM_USER", "ana")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(db.parent / "no-config"))  # pytest's is 0700
    capsys.readouterr()
    if ROOT:
        os.setegid(NOBODY)
        os.seteuid(NOBODY)
    try:
        code = main(list(args))
    finally:
        if ROOT:
            os.seteuid(0)
            os.setegid(0)
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out, err)


def assert_one_line(result: subprocess.CompletedProcess, cause: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert cause in result.stderr
    for wrong in ("corrupt", "internal error", "Traceback"):
        assert wrong not in result.stderr


def new_db(path: Path) -> None:
    with Store.open(path) as store:
        store.create_incident("Checkout 5xx", actor="ana")


def test_mistyped_database_directory_is_an_error_not_a_new_database() -> None:
    result = warroom("list", db="/no/such/dir/x.db")
    assert_one_line(result, "directory /no/such/dir does not exist")
    assert not Path("/no/such").exists()


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    if not ROOT:
        pytest.skip("mounting a tmpfs needs root")
    mount = tmp_path / "small"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(directory: Path) -> None:
    with contextlib.suppress(OSError), (directory / "filler").open("wb", buffering=0) as handle:
        while True:
            handle.write(b"\0" * 65536)
            handle.flush()


def test_disk_full_is_named(small_disk: Path, tmp_path: Path) -> None:
    db = small_disk / "w.db"
    new_db(db)
    fill(small_disk)
    draft = tmp_path / "triage.md"
    draft.write_text("## Impact\n" + "checkout pods restarting\n" * 20_000)
    result = warroom("artifact", "1", "INC-1", "--from", str(draft), db=db)
    assert_one_line(result, "disk full")
    assert warroom("new", "Another", db=small_disk / "fresh.db").returncode == 2


@pytest.fixture
def room() -> Iterator[Path]:
    """A directory the unprivileged user owns (as root, permission bits stop nothing)."""
    base = Path(tempfile.mkdtemp(prefix="warroom-cli-faults-"))
    base.chmod(0o755)
    room = base / "room"
    room.mkdir()
    try:
        yield room
    finally:
        room.chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)


def give_away(room: Path) -> None:
    if ROOT:
        for path in [room, *room.iterdir()]:
            os.chown(path, NOBODY, NOBODY)


def test_read_only_database_file_is_named(
    room: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = room / "w.db"
    new_db(db)
    give_away(room)
    db.chmod(0o444)
    run = functools.partial(warroom_as_nobody, db=db, capsys=capsys, monkeypatch=monkeypatch)
    assert_one_line(run("note", "1", "mitigated"), "database is read-only")
    assert run("list").returncode == 0  # reading still works


def test_read_only_directory_is_named(
    room: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = room / "w.db"
    new_db(db)
    give_away(room)
    room.chmod(0o555)
    run = functools.partial(warroom_as_nobody, capsys=capsys, monkeypatch=monkeypatch)
    assert_one_line(run("list", db=db), "directory is not writable")
    assert_one_line(run("new", "x", db=room / "new.db"), "directory is not writable")
