"""Command sources: real subprocesses, their output, exit status, restart and stop."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.unit.tail_helpers import Collected, wait_until
from warroom.timeline import command as command_module
from warroom.timeline.command import describe_exit
from warroom.timeline.engine import TailEngine
from warroom.timeline.records import SourceState


@pytest.fixture
def engine() -> Iterator[TailEngine]:
    with TailEngine() as eng:
        yield eng


def test_stdout_and_stderr_lines_then_exit_status(engine: TailEngine) -> None:
    source = engine.add_command(
        "echo '2024-05-01T10:00:00Z INFO out'; echo 'ERROR err' >&2; printf 'unfinished'; exit 3")
    got = Collected(engine)
    event = got.until_state(SourceState.EXITED)
    assert (event.exit_code, event.detail) == (3, "exit status 3")  # type: ignore[attr-defined]
    got.pull()
    assert got.texts() == ["2024-05-01T10:00:00Z INFO out", "ERROR err", "unfinished"]
    assert [r.level for r in got.records[:2]] == ["info", "error"]
    assert [(r.line_no, r.offset) for r in got.records] == [(1, 0), (2, 30), (3, 40)]
    assert {r.path for r in got.records} == {source.target}
    assert source.tag == "echo"
    assert got.states() == [SourceState.RUNNING, SourceState.EXITED]
    assert source.exit_code == 3


def test_restart_runs_the_command_again(engine: TailEngine) -> None:
    source = engine.add_command("echo run")
    got = Collected(engine)
    got.until_state(SourceState.EXITED)
    engine.restart(source.source_id)
    wait_until(lambda: got.pull().states().count(SourceState.EXITED) == 2)
    assert got.texts() == ["run", "run"]
    assert source.runs == 2


def test_stopping_a_long_running_command_terminates_its_process_group(
        engine: TailEngine) -> None:
    source = engine.add_command("sleep 60 | cat; echo never")
    got = Collected(engine)
    got.until_state(SourceState.RUNNING)
    started = time.monotonic()
    engine.remove(source.source_id)
    assert time.monotonic() - started < 2
    got.pull()
    exited = [e for e in got.events if e.state is SourceState.EXITED]
    assert exited[0].detail == "killed by SIGTERM"
    assert got.states()[-1] is SourceState.STOPPED
    assert "never" not in got.texts()


def test_a_command_ignoring_sigterm_is_killed(engine: TailEngine,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(command_module, "TERM_GRACE", 0.3)
    source = engine.add_command("trap '' TERM; echo ready; while :; do sleep 0.05; done")
    got = Collected(engine)
    got.until_text("ready")
    engine.remove(source.source_id)
    assert not source.alive
    assert source.exit_code == -9


def test_a_command_that_cannot_start_is_failed(engine: TailEngine, tmp_path) -> None:
    source = engine.add_command("echo hi", cwd=str(tmp_path / "missing"))
    got = Collected(engine)
    event = got.until_state(SourceState.FAILED)
    assert "could not start" in event.detail  # type: ignore[attr-defined]
    assert source.state is SourceState.FAILED


def test_exit_does_not_wait_for_a_child_left_holding_the_pipe(engine: TailEngine) -> None:
    engine.add_command("(sleep 30 &) ; echo bye")
    got = Collected(engine)
    event = got.until_state(SourceState.EXITED, timeout=3)
    assert event.exit_code == 0  # type: ignore[attr-defined]
    assert got.texts() == ["bye"]


def test_high_volume_output_arrives_in_order(engine: TailEngine) -> None:
    engine.add_command("seq 1 50000")
    got = Collected(engine)
    got.until_state(SourceState.EXITED, timeout=20)
    got.pull()
    assert got.texts() == [str(i) for i in range(1, 50001)]


def test_describe_exit() -> None:
    assert describe_exit(0) == "exit status 0"
    assert describe_exit(-15) == "killed by SIGTERM"
    assert describe_exit(-99) == "killed by signal 99"
