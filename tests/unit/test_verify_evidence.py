"""warroom verify re-reads each pinned line: present, rotated away, changed or gone."""

from __future__ import annotations

import gzip
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from warroom.clock import FixedClock
from warroom.store.store import Store
from warroom.store.verify import pinned_lines, verify
from warroom.timeline.reread import Found, Pinned, find, siblings

T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
LINES = [b"12:00:01 INFO start", b"12:00:02 ERROR pool exhausted", b"12:00:03 INFO retry"]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "v.db", clock=FixedClock(T0)) as s:
        yield s


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "app.log"
    path.write_bytes(b"\n".join(LINES) + b"\n")
    return path


def _pin(store: Store, incident: int, log: Path, number: int) -> int:
    return store.pin_line(incident, LINES[number - 1], actor="ana", logged_at=None,
                          received_at=T0, source=str(log), position=number, level=None,
                          file=str(log)).id


def test_a_line_still_there_is_present(store: Store, log: Path) -> None:
    incident = store.create_incident("x", actor="ana").id
    _pin(store, incident, log, 2)
    result = pinned_lines(store, incident)
    assert result.passed
    assert result.summary == "1 present"
    assert verify(store, incident).passed


def test_a_line_rotated_to_dot_1_and_then_gz_is_rotated_away(store: Store, log: Path) -> None:
    incident = store.create_incident("x", actor="ana").id
    _pin(store, incident, log, 2)
    os.rename(log, f"{log}.1")
    log.write_bytes(b"13:00:00 INFO new file\n" * 5)  # the new file: its line 2 is another
    assert pinned_lines(store, incident).summary == "1 rotated away"
    with open(f"{log}.1", "rb") as src, gzip.open(f"{log}.2.gz", "wb") as dst:
        shutil.copyfileobj(src, dst)
    os.remove(f"{log}.1")
    result = pinned_lines(store, incident)
    assert result.passed
    assert result.notes == (f"timeline entry #2 ({log}:2): rotated away, in {log}.2.gz",)


def test_a_changed_line_fails_verification(store: Store, log: Path) -> None:
    incident = store.create_incident("x", actor="ana").id
    _pin(store, incident, log, 2)
    with open(log, "r+b") as handle:  # the same file (inode), its line 2 rewritten
        handle.seek(len(LINES[0]) + 1)
        handle.write(b"12:00:02 INFO all fine    ")
    result = pinned_lines(store, incident)
    assert not result.passed
    assert "changed" in result.summary
    assert "the line there differs from the one pinned" in result.problems[0]
    assert not verify(store, incident).passed


def test_a_deleted_log_is_gone(store: Store, log: Path) -> None:
    incident = store.create_incident("x", actor="ana").id
    _pin(store, incident, log, 3)
    log.unlink()
    result = pinned_lines(store, incident)
    assert result.summary == "1 gone"
    assert not result.passed


def test_a_pin_by_byte_offset_is_found(tmp_path: Path, log: Path) -> None:
    import hashlib

    offset = len(LINES[0]) + 1
    digest = hashlib.sha256(LINES[1]).hexdigest()
    assert find(Pinned(str(log), None, offset, digest)).found is Found.PRESENT
    assert find(Pinned(str(log), None, 0, digest)).found is Found.CHANGED


def test_siblings_in_rotation_order(tmp_path: Path) -> None:
    for name in ("app.log", "app.log.1", "app.log.2.gz", "app.log.10.gz", "app.log.3",
                 "other.log.1"):
        (tmp_path / name).write_bytes(b"")
    names = [Path(p).name for p in siblings(str(tmp_path / "app.log"))]
    assert names == ["app.log", "app.log.1", "app.log.2.gz", "app.log.3", "app.log.10.gz"]


def test_lines_from_a_command_are_not_checked(store: Store) -> None:
    incident = store.create_incident("x", actor="ana").id
    store.add_log_source(incident, "cmd", "journalctl -f")
    store.pin_line(incident, b"x", actor="ana", logged_at=None, received_at=T0,
                   source="journalctl -f", position=3, level=None)
    result = pinned_lines(store, incident)
    assert result.passed
    assert result.summary == "1 from a command, not checked"
