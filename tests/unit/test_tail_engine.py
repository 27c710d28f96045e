"""TailEngine with real files and real threads, with file events and with forced polling."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.unit.tail_helpers import Collected, wait_until
from warroom.clock import FixedClock
from warroom.timeline.engine import TailEngine
from warroom.timeline.records import Batch, SourceState
from warroom.timeline.sources import TailOptions

FAST = dict(poll_interval=0.02, safety_interval=0.2, reglob_interval=0.2, rotate_wait=0.5)


@pytest.fixture(params=["events", "polling"])
def engine(request: pytest.FixtureRequest) -> Iterator[TailEngine]:
    options = TailOptions(force_polling=request.param == "polling", **FAST)  # type: ignore[arg-type]
    with TailEngine(options=options) as eng:
        yield eng


def append(path: Path, text: str) -> None:
    with path.open("a") as f:
        f.write(text)


def test_appended_lines_arrive_with_parsed_time_level_and_provenance(engine: TailEngine,
                                                                     tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("2024-05-01T10:00:00Z INFO started\n")
    source = engine.add_file(log, tag="app")
    got = Collected(engine)
    got.until_text("2024-05-01T10:00:00Z INFO started")
    append(log, "2024-05-01T10:00:01Z ERROR \x1b]0;owned\x07failed [b]x[/b]\n")
    got.until_count(2)
    record = got.records[-1]
    assert record.text == "2024-05-01T10:00:01Z ERROR failed [b]x[/b]"  # OSC stripped
    assert record.raw == b"2024-05-01T10:00:01Z ERROR \x1b]0;owned\x07failed [b]x[/b]"
    assert (record.level, record.ts) == ("error", datetime(2024, 5, 1, 10, 0, 1, tzinfo=UTC))
    assert (record.source_id, record.tag, record.path) == (source.source_id, "app", str(log))
    assert (record.offset, record.line_no) == (34, 2)
    assert got.records[0].seq < record.seq
    assert source.state is SourceState.FOLLOWING


def test_partial_line_waits_for_its_newline(engine: TailEngine, tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("")
    engine.add_file(log)
    got = Collected(engine)
    got.until_state(SourceState.FOLLOWING)
    append(log, "half")
    append(log, " and the rest\nnext\n")
    got.until_text("next")
    assert got.texts() == ["half and the rest", "next"]


def test_rename_rotation_loses_nothing(engine: TailEngine, tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("line 0\n")
    engine.add_file(log)
    got = Collected(engine)
    got.until_text("line 0")
    writer = log.open("a", buffering=1)
    for n in range(1, 6):
        writer.write(f"line {n} before rotation\n")
        seen = len(got.events)
        os.rename(log, tmp_path / f"app.log.{n}")
        writer.write(f"line {n} late, to the old file\n")
        writer.close()
        writer = log.open("a", buffering=1)
        writer.write(f"line {n} right after rotation\n")
        got.until_state(SourceState.ROTATED, after=seen)
        got.until_text(f"line {n} right after rotation")
        got.until_text(f"line {n} late, to the old file")
    writer.close()
    texts = got.texts()
    assert len(texts) == len(set(texts)) == 16
    late = next(r for r in got.records if r.text == "line 3 late, to the old file")
    assert late.path == str(tmp_path / "app.log.3")


def test_copytruncate(engine: TailEngine, tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("old 1\nold 2\n")
    engine.add_file(log)
    got = Collected(engine)
    got.until_text("old 2")
    shutil.copyfile(log, tmp_path / "app.log.1")
    os.truncate(log, 0)
    append(log, "after truncation\n")
    got.until_text("after truncation")
    assert SourceState.TRUNCATED in got.states()
    assert got.records[-1].offset == 0


def test_truncate_and_regrow_past_old_size(engine: TailEngine, tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("short\n")
    engine.add_file(log)
    got = Collected(engine)
    got.until_text("short")
    with log.open("r+") as f:  # one step: no check can see the file small
        f.truncate(0)
        f.write("a much longer first line after truncation\nsecond\n")
    got.until_text("second")
    assert SourceState.TRUNCATED in got.states()
    assert got.texts()[-2:] == ["a much longer first line after truncation", "second"]


def test_delete_and_recreate(engine: TailEngine, tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("first life\n")
    engine.add_file(log)
    got = Collected(engine)
    got.until_text("first life")
    log.unlink()
    got.until_state(SourceState.DELETED)
    log.write_text("second life\n")
    got.until_text("second life")
    assert got.states()[-1] is SourceState.FOLLOWING


def test_file_and_directory_that_do_not_exist_yet(engine: TailEngine, tmp_path: Path) -> None:
    log = tmp_path / "later" / "app.log"
    source = engine.add_file(log)
    got = Collected(engine)
    got.until_state(SourceState.WAITING)
    log.parent.mkdir()
    log.write_text("hello\n")
    got.until_text("hello", timeout=5)
    append(log, "more\n")
    got.until_text("more")
    assert source.state is SourceState.FOLLOWING


def test_unreadable_file_reported_then_recovered(engine: TailEngine, tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.mkdir()  # root can read any file, but nobody can read a directory as a log
    source = engine.add_file(log)
    got = Collected(engine)
    event = got.until_state(SourceState.UNREADABLE)
    assert event.detail == "is a directory"  # type: ignore[attr-defined]
    log.rmdir()
    log.write_text("readable now\n")
    got.until_text("readable now")
    assert source.state is SourceState.FOLLOWING


def test_permission_denied_through_the_opener(engine: TailEngine, tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("secret\n")
    allowed = threading.Event()

    def opener(path: str) -> int:
        if not allowed.is_set():
            raise PermissionError(13, "Permission denied", path)
        return os.open(path, os.O_RDONLY)

    engine.add_file(log, opener=opener)
    got = Collected(engine)
    assert got.until_state(SourceState.UNREADABLE).detail == "permission denied"  # type: ignore[attr-defined]
    allowed.set()
    append(log, "granted\n")
    got.until_text("granted")


def test_glob_picks_up_new_files(engine: TailEngine, tmp_path: Path) -> None:
    (tmp_path / "a.log").write_text("from a\n")
    (tmp_path / "skip.txt").write_text("not matched\n")
    source = engine.add_glob(str(tmp_path / "*.log"))
    got = Collected(engine)
    got.until_text("from a")
    (tmp_path / "b.log").write_text("from b, old content\n")
    got.until_text("from b, old content")
    append(tmp_path / "b.log", "from b, appended\n")
    got.until_text("from b, appended")
    assert "not matched" not in got.texts()
    assert source.files == [str(tmp_path / "a.log"), str(tmp_path / "b.log")]  # type: ignore[attr-defined]
    assert {r.path for r in got.records} == {str(tmp_path / "a.log"), str(tmp_path / "b.log")}


def test_glob_over_subdirectories(engine: TailEngine, tmp_path: Path) -> None:
    engine.add_glob(str(tmp_path / "*" / "app.log"))
    got = Collected(engine)
    got.until_state(SourceState.WAITING)
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "app.log").write_text("nested\n")
    got.until_text("nested")


def test_glob_rotation_matching_the_pattern_does_not_replay(engine: TailEngine,
                                                            tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("one\n")
    engine.add_glob(str(tmp_path / "app.log*"))
    got = Collected(engine)
    got.until_text("one")
    os.rename(log, tmp_path / "app.log.1")
    log.write_text("two\n")
    got.until_text("two")
    append(tmp_path / "app.log.1", "three, late\n")
    got.until_text("three, late")
    append(log, "four\n")
    got.until_text("four")
    wait_until(lambda: len(engine.sources["s1"].files) == 2, 5)  # type: ignore[attr-defined]
    append(tmp_path / "app.log.1", "five, later still\n")
    got.until_text("five, later still")
    assert sorted(got.texts()) == sorted(["one", "two", "three, late", "four",
                                          "five, later still"])


def test_forced_polling_is_reported(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("x\n")
    with TailEngine(options=TailOptions(force_polling=True, poll_interval=0.02)) as eng:
        source = eng.add_file(log)
        got = Collected(eng)
        got.until_text("x")
        wait_until(lambda: source.polling == "polling (forced)")
        assert any(e.detail == "polling (forced)" for e in got.pull().events)


def test_fixed_clock_stamps_records_and_events(tmp_path: Path) -> None:
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    log = tmp_path / "app.log"
    log.write_text("Jan  2 03:00:00 host app: hi\n")
    with TailEngine(clock=FixedClock(at)) as eng:
        eng.add_file(log)
        got = Collected(eng)
        got.until_count(1)
    assert got.records[0].received == at
    assert all(e.at == at for e in got.events)
    assert got.records[0].ts is not None
    assert got.records[0].ts.year == 2026


def test_small_buffer_drops_and_counts(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("")
    with TailEngine(buffer_size=10, options=TailOptions(**FAST)) as eng:  # type: ignore[arg-type]
        eng.add_file(log)
        got = Collected(eng)
        got.until_state(SourceState.FOLLOWING)
        append(log, "".join(f"n{i}\n" for i in range(25)))
        wait_until(lambda: eng.buffer.total == 25)
        assert eng.undrained == 25  # the rate a consumer sees, dropped lines included
        batch = eng.drain()
        assert eng.undrained == 0
    assert [r.text for r in batch.records] == [f"n{i}" for i in range(15, 25)]
    assert (batch.held, batch.dropped, batch.missed) == (10, 15, 15)
    assert batch.first_seq == 16


def test_on_batch_callback_gets_coalesced_batches(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("")
    batches: list[Batch] = []
    with TailEngine(on_batch=batches.append, batch_interval=0.05) as eng:
        eng.add_file(log)
        wait_until(lambda: any(b.events for b in batches))
        with log.open("a") as f:
            for i in range(2000):
                f.write(f"line {i}\n")
                f.flush()
        wait_until(lambda: sum(len(b.records) for b in batches) == 2000)
    assert len(batches) < 200  # batches, not one call per line
    texts = [r.text for b in batches for r in b.records]
    assert texts == [f"line {i}" for i in range(2000)]


def test_close_stops_every_thread_and_process(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("x\n")
    eng = TailEngine()
    eng.add_file(log)
    eng.add_glob(str(tmp_path / "*.log"))
    command = eng.add_command("echo started; exec sleep 60")
    got = Collected(eng)
    got.until_text("started")
    process = command._proc
    assert process is not None
    assert eng.threads_alive
    eng.close()
    assert eng.threads_alive == []
    assert process.poll() is not None
    with pytest.raises(RuntimeError):
        eng.add_file(log)


def test_remove_reports_stopped(tmp_path: Path) -> None:
    with TailEngine() as eng:
        source = eng.add_file(tmp_path / "none.log")
        eng.remove(source.source_id)
        assert not source.alive
        assert eng.drain().events[-1].state is SourceState.STOPPED
        assert eng.sources == {}


def test_timeline_engine_does_not_import_textual() -> None:
    code = ("import sys, warroom.timeline.engine, warroom.timeline.command; "
            "sys.exit('textual' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


@pytest.mark.parametrize("kind", ["file", "glob"])
def test_a_burst_bigger_than_one_read_arrives_whole(tmp_path: Path, kind: str) -> None:
    log = tmp_path / "app.log"
    log.write_text("")
    options = TailOptions(read_limit=1000, **FAST)  # type: ignore[arg-type]
    with TailEngine(options=options) as eng:
        if kind == "file":
            eng.add_file(log)
        else:
            eng.add_glob(str(tmp_path / "*.log"))
        got = Collected(eng)
        got.until_state(SourceState.FOLLOWING)
        append(log, "".join(f"burst line {i:05d}\n" for i in range(2000)))  # 36 reads
        got.until_count(2000)
    assert got.texts() == [f"burst line {i:05d}" for i in range(2000)]
