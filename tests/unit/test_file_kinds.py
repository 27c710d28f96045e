"""Files of every kind: wide encodings, binary, gzip, FIFOs, devices, odd names, huge lines.

The follower is stepped by hand (no threads) where it can be; the engine tests
check what a source reports through its real thread and watcher.
"""

from __future__ import annotations

import gzip
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.unit.tail_helpers import Collected, wait_until
from warroom.clock import FixedClock
from warroom.timeline.engine import TailEngine
from warroom.timeline.follow import FileFollower, FollowResult, locate
from warroom.timeline.records import RecordMaker, SourceEvent
from warroom.timeline.records import SourceState as S
from warroom.timeline.sources import FileSource, GlobSource, TailOptions

T0 = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
FAST = dict(poll_interval=0.02, safety_interval=0.2, reglob_interval=0.2, rotate_wait=0.5)
LINES = ["2024-05-01T10:00:00Z INFO started", "2024-05-01T10:00:01Z ERROR héllo wörld",
         "2024-05-01T10:00:02Z WARN last"]


def texts(result: FollowResult) -> list[bytes]:
    return [line[0] for line in result.lines]


def states(result: FollowResult) -> list[S]:
    return [change.state for change in result.changes]


def write(path: Path, data: bytes) -> None:
    with path.open("ab") as f:
        f.write(data)


def utf8(lines: list[str]) -> list[bytes]:
    return [line.encode() for line in lines]


@pytest.fixture
def engine() -> Iterator[TailEngine]:
    with TailEngine(options=TailOptions(**FAST)) as eng:  # type: ignore[arg-type]
        yield eng


# --- UTF-16 and UTF-32 ----------------------------------------------------------------

WIDE = ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"]
BOMS = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff", "utf-32-le": b"\xff\xfe\x00\x00",
        "utf-32-be": b"\x00\x00\xfe\xff"}


def encoded(codec: str, text: str) -> bytes:
    """``text`` in ``codec`` with its byte-order mark, as Windows tools write it."""
    return BOMS.get(codec, b"") + text.encode(codec)


@pytest.mark.parametrize("codec", WIDE)
def test_wide_text_is_decoded_from_its_backlog_and_as_it_grows(tmp_path: Path,
                                                               codec: str) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(encoded(codec, "\r\n".join(LINES) + "\r\n"))
    f = FileFollower(log, backlog=2)
    first = f.check()
    assert texts(first) == utf8(LINES[1:])  # no "2␀0␀2␀4", no CR, no BOM
    assert first.changes[0].state is S.FOLLOWING
    assert "decoded" in first.changes[0].detail
    write(log, "next ünïcode\nhalf".encode(codec.replace("utf-16", "utf-16-le")
                                           .replace("utf-32", "utf-32-le")
                                           if codec in ("utf-16", "utf-32") else codec))
    assert texts(f.check()) == [b"next \xc3\xbcn\xc3\xafcode"]
    assert [line[0] for line in f.close()] == [b"half"]


def test_wide_text_read_from_its_start_numbers_lines_and_skips_the_bom(tmp_path: Path) -> None:
    log = tmp_path / "later.log"
    f = FileFollower(log)
    assert states(f.check()) == [S.WAITING]
    log.write_bytes(encoded("utf-16-le", "one\ntwo\n"))
    result = f.check()
    assert result.lines == [(b"one", str(log), 2, 1), (b"two", str(log), 10, 2)]


def test_wide_newline_bytes_off_a_character_boundary_do_not_end_a_line(tmp_path: Path) -> None:
    # U+0A41 then U+0100 is 41 0A 00 01 in UTF-16LE: "\n\0" at an odd offset.
    log = tmp_path / "app.log"
    log.write_bytes(encoded("utf-16-le", "a\u0a41\u0100b\nnext\n"))
    f = FileFollower(log, start="start")
    assert texts(f.check()) == ["a\u0a41\u0100b".encode(), b"next"]


def test_wide_backlog_across_blocks_matches_the_file_tail(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    lines = [f"line {n} " + "x" * (n * 37 % 900) for n in range(3000)]
    log.write_bytes(encoded("utf-16-le", "\n".join(lines) + "\nunfinished"))
    f = FileFollower(log, backlog=50)
    result = f.check()
    assert texts(result) == utf8(lines[-50:])
    write(log, " now\n".encode("utf-16-le"))
    assert texts(f.check()) == [b"unfinished now"]


def test_utf16_without_a_bom_is_recognised_by_its_nul_bytes() -> None:
    from warroom.timeline.formats import sniff

    assert sniff("2024-05-01 INFO ok\n".encode("utf-16-le")).wide.codec == "utf-16-le"
    assert sniff("2024-05-01 INFO ok\n".encode("utf-16-be")).wide.codec == "utf-16-be"


# --- binary ---------------------------------------------------------------------------

ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8


def test_a_binary_file_is_not_shown_and_says_so(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(ELF)
    f = FileFollower(log)
    result = f.check()
    assert result.lines == []
    assert result.changes[0][::2] == (S.BINARY, "not shown")
    write(log, b"text appended to a binary\n" + ELF)
    assert f.check().lines == []
    log.write_bytes(b"a log again\n")  # truncated and rewritten as text
    result = f.check()
    assert texts(result) == [b"a log again"]
    assert states(result) == [S.TRUNCATED, S.FOLLOWING]


def test_a_binary_file_that_appears_empty_is_told_when_its_bytes_come(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(b"")
    f = FileFollower(log)
    assert states(f.check()) == [S.FOLLOWING]
    write(log, ELF)
    result = f.check()
    assert (result.lines, states(result)) == ([], [S.BINARY])


@pytest.mark.parametrize(("head", "kind"), [
    pytest.param(b"2024-05-01 INFO plain\n" * 100, "plain", id="utf-8"),
    pytest.param("café crème à la française\n".encode("latin-1") * 50, "plain", id="latin-1"),
    pytest.param(b"\x1b[31mERROR\x1b[0m coloured\n" * 50, "plain", id="ansi-colours"),
    pytest.param(b"\x00" * 4096 + b"after a hole left by copytruncate\n" * 20, "plain",
                 id="nul-hole"),
    pytest.param(ELF, "binary", id="elf"),
    pytest.param(b"SQLite format 3\x00\x10\x00\x01\x01\x00@  " + b"\x00" * 80 + b"\x0d\x00",
                 "binary", id="sqlite"),
    pytest.param(bytes(range(1, 256)) * 4, "binary", id="no-nul-binary"),
    pytest.param(gzip.compress(b"x\n"), "gzip", id="gzip"),
])
def test_sniff_tells_text_from_binary(head: bytes, kind: str) -> None:
    from warroom.timeline.formats import sniff

    assert sniff(head).kind == kind


def test_a_file_too_short_to_tell_waits_for_more_bytes() -> None:
    from warroom.timeline.formats import sniff

    assert sniff(b"\xff") is None
    assert sniff(b"\x1f") is None
    assert sniff(b"ok").kind == "plain"


# --- gzip -----------------------------------------------------------------------------

def numbered(count: int) -> bytes:
    return b"".join(b"2024-05-01T10:00:00Z INFO request %d\n" % n for n in range(count))


def test_a_rotated_gz_shows_its_last_lines_decompressed_with_line_numbers(tmp_path: Path) -> None:
    log = tmp_path / "app.log.2.gz"
    log.write_bytes(gzip.compress(numbered(5000)))
    f = FileFollower(log, backlog=3)
    result = f.check()
    assert texts(result) == [b"2024-05-01T10:00:00Z INFO request %d" % n
                             for n in (4997, 4998, 4999)]
    assert [line[3] for line in result.lines] == [4998, 4999, 5000]
    assert result.changes[0][::2] == (S.FOLLOWING, "gzip, read decompressed")
    assert f.check() == FollowResult([], [], False)


def test_a_gz_decompresses_in_bounded_steps_without_stalling(tmp_path: Path) -> None:
    log = tmp_path / "app.log.1.gz"
    log.write_bytes(gzip.compress(numbered(50_000)))  # ~1.9 MB decompressed
    f = FileFollower(log, backlog=2, read_limit=64 * 1024, max_backlog_bytes=4096)
    result = f.check()
    steps = 1
    while result.more:
        assert result.lines == []
        result = f.check()
        steps += 1
    assert steps > 10
    assert texts(result) == [b"2024-05-01T10:00:00Z INFO request 49998",
                             b"2024-05-01T10:00:00Z INFO request 49999"]
    assert [line[3] for line in result.lines] == [49999, 50000]


def test_a_gz_from_its_start_then_a_member_appended_and_an_unfinished_last_line(
        tmp_path: Path) -> None:
    log = tmp_path / "app.log.gz"
    f = FileFollower(log)
    f.check()
    log.write_bytes(gzip.compress(b"one\ntwo\n"))
    result = f.check()
    assert result.lines == [(b"one", str(log), 0, 1), (b"two", str(log), 4, 2)]
    write(log, gzip.compress(b"three\nno newline at the end"))  # gzip -c >> app.log.gz
    assert texts(f.check()) == [b"three", b"no newline at the end"]
    record = RecordMaker("s1", "app", FixedClock(T0)).make(result.lines[1:])[0]
    assert locate(record) == (str(log), 2)


def test_damaged_gzip_keeps_the_lines_before_and_says_why(tmp_path: Path) -> None:
    log = tmp_path / "app.log.gz"
    good = gzip.compress(numbered(10))
    log.write_bytes(good + b"\x1f\x8b\x08\x00garbage that is not deflate" * 10)
    f = FileFollower(log, start="start")
    result = f.check()
    assert len(result.lines) == 10
    assert result.changes[-1].state is S.UNREADABLE
    assert "gzip data damaged" in result.changes[-1].detail
    assert f.check().lines == []  # not read again and again


def test_gzip_of_utf16_and_of_binary(tmp_path: Path) -> None:
    wide = tmp_path / "win.log.gz"
    wide.write_bytes(gzip.compress(encoded("utf-16-le", "one\r\ntwo\r\n")))
    result = FileFollower(wide).check()
    assert texts(result) == [b"one", b"two"]
    blob = tmp_path / "core.gz"
    blob.write_bytes(gzip.compress(ELF))
    result = FileFollower(blob).check()
    assert result.lines == []
    assert result.changes[-1][::2] == (S.BINARY, "compressed binary data, not shown")


# --- FIFOs, devices, directories, permissions --------------------------------------------

def test_a_fifo_streams_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    f = FileFollower(fifo)
    result = f.check()  # must not block: nobody writes yet
    assert result.lines == []
    assert result.changes[0].state is S.FOLLOWING
    assert f.needs_polling
    for round_ in (1, 2):  # a writer comes, goes, and another comes
        writer = os.open(fifo, os.O_WRONLY)
        os.write(writer, b"line %d\nhalf" % round_)
        assert texts(f.check()) == [b"line %d" % round_]
        os.write(writer, b" done\n")
        os.close(writer)
        assert texts(f.check()) == [b"half done"]
        assert f.check().lines == []
    assert f.check().changes == []


def test_a_fifo_streams_through_the_engine(engine: TailEngine, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    engine.add_path(str(fifo))
    got = Collected(engine)
    got.until_state(S.FOLLOWING)
    with fifo.open("w") as writer:
        writer.write("2024-05-01T10:00:00Z ERROR through a pipe\n")
        writer.flush()
        got.until_text("2024-05-01T10:00:00Z ERROR through a pipe")
    assert got.records[-1].level == "error"


@pytest.mark.parametrize(("path", "detail"), [
    ("/dev/zero", "is a character device"),
    ("/dev/null", "is a character device"),
])
def test_a_device_is_named_not_read(engine: TailEngine, path: str, detail: str) -> None:
    source = engine.add_path(path)
    got = Collected(engine)
    event = got.until_state(S.UNREADABLE)
    assert event.detail == detail  # type: ignore[attr-defined]
    assert source.state is S.UNREADABLE
    assert got.records == []


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to read as another user")
def test_a_mode_000_file_is_unreadable_to_its_reader(tmp_path: Path) -> None:
    """Root reads any file: check it as an ordinary user, the way a responder runs."""
    tmp_path.chmod(0o755)
    log = tmp_path / "secret.log"
    log.write_text("hidden\n")
    log.chmod(0)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child drops to "nobody" and reports what it saw
        try:
            os.close(read_end)
            os.setgid(65534)
            os.setuid(65534)
            r = FileFollower(log).check()
            os.write(write_end, f"{r.changes[0].state.value}|{r.changes[0].detail}|"
                                f"{len(r.lines)}".encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as got:
        seen = got.read().decode()
    os.waitpid(pid, 0)
    assert seen == "unreadable|permission denied|0"


def test_the_tag_says_why_a_source_shows_no_lines() -> None:
    from warroom.timeline.records import state_text

    def text(state: S, detail: str = "", code: int | None = None) -> str:
        return state_text(SourceEvent("s1", state, FixedClock(T0).now(), "/x", detail, code))

    assert text(S.UNREADABLE, "is a directory") == "unreadable: is a directory"
    assert text(S.UNREADABLE, "is a directory; polling (forced)") == "unreadable: is a directory"
    assert text(S.UNREADABLE, "permission denied") == "unreadable: permission denied"
    assert text(S.BINARY, "not shown") == "binary, not shown"
    assert text(S.WAITING, "does not exist yet") == "waiting: does not exist yet"
    assert text(S.EXITED, "", 3) == "exited 3"
    assert text(S.FOLLOWING, "UTF-16LE, decoded") == "following"
    assert text(S.UNREADABLE, "renamed to \x1b]0;owned\x07x") == "unreadable: renamed to x"


# --- names with wildcard characters ------------------------------------------------------

@pytest.mark.parametrize("name", ["app[1].log", "what?.log", "*.log", "a[b*c?.log"])
def test_a_file_whose_name_has_wildcards_opens_as_that_file(engine: TailEngine, tmp_path: Path,
                                                            name: str) -> None:
    literal = tmp_path / name
    literal.write_text("from the literal file\n")
    (tmp_path / "app1.log").write_text("from a file the pattern would match\n")
    (tmp_path / "whatX.log").write_text("from a file the pattern would match\n")
    source = engine.add_path(str(literal))
    assert isinstance(source, FileSource)
    got = Collected(engine)
    got.until_text("from the literal file")
    assert got.texts() == ["from the literal file"]


def test_a_pattern_that_is_no_file_is_still_a_glob(engine: TailEngine, tmp_path: Path) -> None:
    (tmp_path / "app1.log").write_text("matched\n")
    source = engine.add_path(str(tmp_path / "app[0-9].log"))
    assert isinstance(source, GlobSource)
    Collected(engine).until_text("matched")


# --- huge lines -----------------------------------------------------------------------------

def test_a_line_cut_for_display_counts_the_bytes_left_out() -> None:
    maker = RecordMaker("s1", "app", FixedClock(T0), display_max=100)
    huge = b"2024-05-01T10:00:00Z ERROR " + b"x" * 5000
    exact = "y" * 99 + "…"  # a whole line that happens to end like a cut one
    records = maker.make([(huge, "/x", 0, 1), (b"short", "/x", 5027, 2),
                          (exact.encode(), "/x", 5033, 3)])
    assert len(records[0].text) == 100
    assert records[0].cut == len(huge) - 99
    assert records[0].raw == huge  # the pin still takes it whole
    assert records[0].level == "error"
    assert [r.cut for r in records[1:]] == [0, 0]


def test_an_endless_line_is_cut_in_pieces_each_saying_what_is_not_shown(engine: TailEngine,
                                                                        tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(b"")
    engine.add_file(log)
    got = Collected(engine)
    got.until_state(S.FOLLOWING)
    write(log, b"z" * (3 << 20) + b"\n")
    wait_until(lambda: sum(len(r.raw) for r in got.pull().records) >= 3 << 20)
    cap = engine.options.display_max
    assert [r.cut for r in got.records] == [(1 << 20) - cap + 1] * 3


def test_no_thread_is_left_blocked_on_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with TailEngine(options=TailOptions(**FAST)) as engine:  # type: ignore[arg-type]
        engine.add_path(str(fifo))
        Collected(engine).until_state(S.FOLLOWING)
    assert engine.threads_alive == []
    assert threading.active_count() < 50


def test_logrotate_compressing_a_rotated_file_shows_its_lines_once(engine: TailEngine,
                                                                   tmp_path: Path) -> None:
    """app.log -> app.log.1 -> app.log.2.gz under a glob app.log*: the .gz is a copy."""
    log = tmp_path / "app.log"
    log.write_text("first\nsecond\n")
    engine.add_glob(str(tmp_path / "app.log*"))
    got = Collected(engine)
    got.until_text("second")
    os.rename(log, tmp_path / "app.log.1")
    log.write_text("third\n")
    got.until_text("third")
    (tmp_path / "app.log.2.gz").write_bytes(gzip.compress((tmp_path / "app.log.1").read_bytes()))
    (tmp_path / "app.log.1").unlink()
    with log.open("a") as f:
        f.write("fourth\n")
    got.until_text("fourth")
    wait_until(lambda: any(e.path == str(tmp_path / "app.log.2.gz") for e in got.pull().events))
    assert sorted(got.pull().texts()) == ["first", "fourth", "second", "third"]


def test_a_gz_already_there_when_a_glob_starts_shows_its_last_lines(engine: TailEngine,
                                                                    tmp_path: Path) -> None:
    (tmp_path / "app.log.1.gz").write_bytes(gzip.compress(b"old one\nold two\n"))
    engine.add_glob(str(tmp_path / "app.log*"))
    got = Collected(engine)
    got.until_text("old two")
    assert got.texts() == ["old one", "old two"]
