"""FileFollower: tail -F semantics, step by step, without threads or watchers."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from warroom.timeline import follow
from warroom.timeline.follow import FileFollower, read_backlog
from warroom.timeline.records import LogRecord
from warroom.timeline.records import SourceState as S


def texts(result: follow.FollowResult) -> list[bytes]:
    return [line[0] for line in result.lines]


def states(result: follow.FollowResult) -> list[S]:
    return [change.state for change in result.changes]


def write(path: Path, data: bytes) -> None:
    with path.open("ab") as f:
        f.write(data)


@pytest.fixture
def log(tmp_path: Path) -> Path:
    return tmp_path / "app.log"


def test_opens_at_the_end_with_a_backlog_then_follows_appends(log: Path) -> None:
    log.write_bytes(b"one\ntwo\nthree\n")
    f = FileFollower(log, backlog=2)
    first = f.check()
    assert texts(first) == [b"two", b"three"]
    assert states(first) == [S.FOLLOWING]
    assert [(line[2], line[3]) for line in first.lines] == [(4, None), (8, None)]
    write(log, b"four\nfive\n")
    again = f.check()
    assert texts(again) == [b"four", b"five"]
    assert again.lines[0][1:] == (str(log), 14, None)
    assert again.changes == []
    assert f.check().lines == []


def test_small_file_backlog_knows_line_numbers(log: Path) -> None:
    log.write_bytes(b"a\nb\n")
    f = FileFollower(log, backlog=10)
    assert [line[3] for line in f.check().lines] == [1, 2]
    write(log, b"c\n")
    assert f.check().lines == [(b"c", str(log), 4, 3)]


def test_partial_line_is_held_until_completed(log: Path) -> None:
    log.write_bytes(b"done\nhalf")
    f = FileFollower(log, backlog=5)
    assert texts(f.check()) == [b"done"]
    write(log, b"-way")
    assert f.check().lines == []
    write(log, b" there\r\nnext\n")
    assert f.check().lines == [(b"half-way there", str(log), 5, 2), (b"next", str(log), 21, 3)]


def test_backlog_reads_backwards_only_a_few_blocks(log: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    line = b"2024-05-01T10:00:00Z INFO a line of ordinary length for a log file, padded..\n"
    with log.open("wb") as out:
        out.write(line * 300_000)  # ~23 MB
        out.write(b"the last complete line\nunfinished")
    read = 0
    real_pread = os.pread

    def counting(fd: int, n: int, offset: int) -> bytes:
        nonlocal read
        data = real_pread(fd, n, offset)
        read += len(data)
        return data

    monkeypatch.setattr(os, "pread", counting)
    f = FileFollower(log, backlog=100)
    result = f.check()
    assert len(result.lines) == 100
    assert result.lines[-1][0] == b"the last complete line"
    assert result.lines[0][0] == line.rstrip(b"\n")
    assert read < 256 * 1024
    monkeypatch.undo()
    write(log, b" now finished\n")
    assert texts(f.check()) == [b"unfinished now finished"]


@pytest.mark.parametrize("lines", [0, 1, 3, 50, 5000])
def test_read_backlog_matches_the_file_tail_across_block_boundaries(log: Path,
                                                                    lines: int) -> None:
    body = b"".join(b"x" * (i * 37 % 9000) + b"%d\n" % i for i in range(3000)) + b"tail"
    log.write_bytes(body)
    fd = os.open(log, os.O_RDONLY)
    try:
        start, data = read_backlog(fd, len(body), lines, 64 << 20)
    finally:
        os.close(fd)
    assert data == body[start:]
    complete = data.split(b"\n")[:-1]
    expected = body.split(b"\n")[:-1][-lines:] if lines else []
    assert complete == expected


def test_backlog_is_bounded_in_bytes(log: Path) -> None:
    log.write_bytes(b"y" * 1_000_000 + b"\nshort\n" + b"z" * 300_000)
    fd = os.open(log, os.O_RDONLY)
    try:
        start, data = read_backlog(fd, log.stat().st_size, 10, 200_000)
        assert (start, data) == (log.stat().st_size, b"")  # one huge unfinished line
        start, data = read_backlog(fd, log.stat().st_size, 10, 400_000)
        assert data.startswith(b"short\nz")
        assert start == 1_000_001
    finally:
        os.close(fd)


def test_rename_and_create_rotation_keeps_old_tail_and_new_lines(log: Path) -> None:
    log.write_bytes(b"before\n")
    f = FileFollower(log, backlog=5)
    f.check()
    writer = log.open("ab", buffering=0)  # the application's descriptor
    rotated = log.with_name("app.log.1")
    os.rename(log, rotated)
    writer.write(b"late line to the old file\n")
    log.write_bytes(b"first line after rotation\n")
    result = f.check()
    assert result.lines == [
        (b"late line to the old file", str(rotated), 7, 2),
        (b"first line after rotation", str(log), 0, 1),
    ]
    assert states(result) == [S.ROTATED, S.FOLLOWING]
    assert "app.log.1" in result.changes[0].detail
    writer.write(b"still reaching the old one\n")  # before the app reopens
    assert texts(f.check()) == [b"still reaching the old one"]
    writer.close()


def test_rotation_seen_before_the_new_file_exists(log: Path) -> None:
    log.write_bytes(b"x\n")
    f = FileFollower(log)
    f.check()
    os.rename(log, log.with_name("app.log.1"))
    gap = f.check()
    assert states(gap) == [S.ROTATED, S.WAITING]
    assert f.state is S.WAITING
    log.write_bytes(b"new 1\nnew 2\n")
    result = f.check()
    assert states(result) == [S.FOLLOWING]
    assert [(line[0], line[3]) for line in result.lines] == [(b"new 1", 1), (b"new 2", 2)]


def test_old_file_is_let_go_after_rotate_wait(log: Path) -> None:
    clock = [100.0]
    log.write_bytes(b"x\n")
    f = FileFollower(log, rotate_wait=2.0, monotonic=lambda: clock[0])
    f.check()
    writer = log.open("ab", buffering=0)
    os.rename(log, log.with_name("app.log.1"))
    log.write_bytes(b"")
    f.check()
    assert f.draining
    writer.write(b"unfinished")
    clock[0] += 1.0
    assert f.check().lines == []
    clock[0] += 2.5
    result = f.check()
    assert texts(result) == [b"unfinished"]  # flushed: nothing will complete it now
    assert not f.draining
    writer.close()


def test_copytruncate_is_detected_by_the_size(log: Path) -> None:
    log.write_bytes(b"aaaa\nbbbb\n")
    f = FileFollower(log)
    f.check()
    shutil.copyfile(log, log.with_name("app.log.1"))
    os.truncate(log, 0)
    write(log, b"new\n")
    result = f.check()
    assert states(result) == [S.TRUNCATED, S.FOLLOWING]
    assert result.lines == [(b"new", str(log), 0, 1)]
    assert "shrank" in result.changes[0].detail


def test_truncated_and_regrown_past_old_size_is_detected_by_fingerprint(log: Path) -> None:
    log.write_bytes(b"2024-01-01 old line\n")
    f = FileFollower(log)
    f.check()
    with log.open("r+b") as out:  # truncate, then regrow past the old size
        out.truncate(0)
        out.write(b"2024-01-02 new first line\n2024-01-02 new second line\n")
    result = f.check()
    assert states(result) == [S.TRUNCATED, S.FOLLOWING]
    assert texts(result) == [b"2024-01-02 new first line", b"2024-01-02 new second line"]
    assert "rewritten" in result.changes[0].detail


def test_fingerprint_grows_with_a_file_that_started_empty(log: Path) -> None:
    log.write_bytes(b"")
    f = FileFollower(log)
    f.check()
    write(log, b"first\n")
    assert texts(f.check()) == [b"first"]
    with log.open("r+b") as out:
        out.truncate(0)
        out.write(b"other\nlonger content\n")
    assert states(f.check()) == [S.TRUNCATED, S.FOLLOWING]


def test_delete_then_create_again(log: Path) -> None:
    log.write_bytes(b"x\n")
    f = FileFollower(log)
    f.check()
    log.unlink()
    assert states(f.check()) == [S.DELETED]
    assert f.check().changes == []
    log.write_bytes(b"back\n")
    result = f.check()
    assert states(result) == [S.FOLLOWING]
    assert texts(result) == [b"back"]


def test_delete_and_create_between_two_checks(log: Path) -> None:
    log.write_bytes(b"x\n")
    f = FileFollower(log)
    f.check()
    log.unlink()
    log.write_bytes(b"fresh\n")
    result = f.check()
    assert states(result) == [S.ROTATED, S.FOLLOWING]
    assert texts(result) == [b"fresh"]


def test_file_that_does_not_exist_yet_is_read_from_its_start(tmp_path: Path) -> None:
    log = tmp_path / "later" / "app.log"
    f = FileFollower(log, backlog=1)
    assert states(f.check()) == [S.WAITING]
    assert f.check().changes == []
    log.parent.mkdir()
    log.write_bytes(b"1\n2\n3\n")
    result = f.check()
    assert states(result) == [S.FOLLOWING]
    assert texts(result) == [b"1", b"2", b"3"]


def test_a_huge_file_appearing_later_is_not_replayed(log: Path) -> None:
    f = FileFollower(log, backlog=2, catchup_bytes=1000)
    f.check()
    log.write_bytes(b"line\n" * 1000)
    result = f.check()
    assert len(result.lines) == 2
    assert "near the end" in result.changes[0].detail


def test_permission_denied_via_opener_then_readable(log: Path) -> None:
    log.write_bytes(b"secret 1\nsecret 2\n")
    allowed = False

    def opener(path: str) -> int:
        if not allowed:
            raise PermissionError(13, "Permission denied", path)
        return os.open(path, os.O_RDONLY)

    f = FileFollower(log, opener=opener)
    result = f.check()
    assert result.changes == [follow.StateChange(S.UNREADABLE, str(log), "permission denied")]
    assert f.check().changes == []  # retried quietly
    allowed = True
    result = f.check()
    assert states(result) == [S.FOLLOWING]
    assert texts(result) == [b"secret 1", b"secret 2"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_permission_denied_for_real(log: Path) -> None:
    log.write_bytes(b"x\n")
    log.chmod(0)
    f = FileFollower(log)
    assert states(f.check()) == [S.UNREADABLE]
    log.chmod(0o644)
    assert states(f.check()) == [S.FOLLOWING]


def test_a_directory_is_unreadable_until_replaced_by_a_file(log: Path) -> None:
    log.mkdir()
    f = FileFollower(log)
    result = f.check()
    assert result.changes[0][::2] == (S.UNREADABLE, "is a directory")
    log.rmdir()
    log.write_bytes(b"file now\n")
    assert texts(f.check()) == [b"file now"]


def test_read_error_while_following_is_reported_not_raised(log: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    log.write_bytes(b"x\n")
    f = FileFollower(log)
    f.check()
    write(log, b"y\n")

    def failing(fd: int, n: int, offset: int) -> bytes:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "pread", failing)
    result = f.check()
    assert result.changes[0][::2] == (S.UNREADABLE, "input/output error")
    monkeypatch.undo()
    assert states(f.check()) == [S.FOLLOWING]


def test_an_endless_line_is_cut_to_keep_memory_bounded(log: Path) -> None:
    log.write_bytes(b"")
    f = FileFollower(log, max_line_bytes=1000)
    f.check()
    write(log, b"q" * 2500)
    result = f.check()
    assert [(len(line[0]), line[2]) for line in result.lines] == [(1000, 0), (1000, 1000)]
    write(log, b"\n")
    assert [(len(line[0]), line[2]) for line in f.check().lines] == [(500, 2000)]


def test_read_limit_leaves_the_rest_for_the_next_check(log: Path) -> None:
    log.write_bytes(b"")
    f = FileFollower(log, read_limit=100)
    f.check()
    write(log, b"0123456789\n" * 30)
    first = f.check()
    assert first.more
    assert len(first.lines) == 9
    second = f.check()
    assert second.more
    rest = f.check()
    assert len(first.lines) + len(second.lines) + len(rest.lines) + len(f.check().lines) == 30


def test_close_hands_back_unfinished_lines(log: Path) -> None:
    log.write_bytes(b"done\nhalf")
    f = FileFollower(log)
    f.check()
    assert f.close() == [(b"half", str(log), 5, 2)]


def test_a_reader_far_behind_skips_to_the_last_lines(log: Path) -> None:
    log.write_bytes(b"")
    f = FileFollower(log, backlog=3, max_lag_bytes=1000)
    f.check()
    write(log, b"".join(b"line %04d\n" % i for i in range(500)))  # 5,000 bytes behind
    result = f.check()
    assert texts(result) == [b"line 0497", b"line 0498", b"line 0499"]
    assert [line[3] for line in result.lines] == [None, None, None]
    assert f.skipped_bytes == 4970
    assert result.changes[0][::2] == (
        S.FOLLOWING, "fell behind: skipped 4970 bytes in all to keep up")
    write(log, b"next\n")
    assert f.check().lines == [(b"next", str(log), 5000, None)]


def _record(path: Path, offset: int, raw: bytes, line_no: int | None = None) -> LogRecord:
    now = datetime(2026, 12, 3, tzinfo=UTC)
    return LogRecord(1, "s1", "app", str(path), offset, line_no, raw, raw.decode(), None, None,
                     False, now)


def test_a_pinned_backlog_line_is_located_by_its_line_number(log: Path) -> None:
    log.write_bytes(b"".join(b"line %d\n" % n for n in range(1, 301)))
    f = FileFollower(log, backlog=5)
    raw, path, offset, line_no = f.check().lines[2]  # "line 298", read from the end
    assert (raw, line_no) == (b"line 298", None)  # opening did not count the lines
    assert follow.locate(_record(log, offset, raw)) == (str(log), 298)
    assert follow.locate(_record(log, offset, raw, line_no=7)) == (str(log), 7)  # known: kept


def test_a_line_that_moved_or_is_too_far_is_located_by_byte_offset(
        log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log.write_bytes(b"a\nb\nline three\n")
    record = _record(log, 4, b"line three")
    assert follow.locate(record) == (str(log), 3)
    monkeypatch.setattr(follow, "COUNT_LINES_UP_TO", 3)
    assert follow.locate(record) == (f"{log}@4", None)
    monkeypatch.undo()
    log.write_bytes(b"rotated\nand rewritten\n")
    assert follow.locate(record) == (f"{log}@4", None)  # not that line any more
    log.unlink()
    assert follow.locate(record) == (f"{log}@4", None)
