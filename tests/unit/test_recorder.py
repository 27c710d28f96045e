"""The command recorder: bounded tapes, statuses, pipes and terminals."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime

import pytest

from warroom.clock import FixedClock
from warroom.timeline.recorder import Tape, run_on_terminal, run_with_pipes, shell_status

CLOCK = FixedClock(datetime(2026, 11, 27, 14, 0, tzinfo=UTC))


def test_tape_keeps_both_ends_and_counts_the_middle() -> None:
    tape = Tape(limit=10)
    for chunk in (b"0123456", b"789abcdef", b"ghijklmnopqrstuvwxyz"):
        tape.write(chunk)
    assert bytes(tape.head) == b"0123456789"
    assert tape.tail == b"qrstuvwxyz"
    assert tape.total == 36
    assert tape.skipped == 16


def test_tape_under_the_limit_keeps_all_in_head() -> None:
    tape = Tape(limit=10)
    tape.write(b"abc")
    assert (bytes(tape.head), tape.tail, tape.skipped) == (b"abc", b"", 0)


def test_big_output_keeps_first_and_last_64k() -> None:
    out: list[bytes] = []
    script = "import sys; sys.stdout.write('A' * 100000 + 'B' * 100000 + 'C' * 100000)"
    finished = run_with_pipes([sys.executable, "-c", script], CLOCK, stdout=out.append,
                              stderr=out.append, forward_signals=False)
    assert finished.status == 0
    assert b"".join(out) == b"A" * 100000 + b"B" * 100000 + b"C" * 100000  # all shown live
    assert bytes(finished.stdout.head) == b"A" * 65536
    assert finished.stdout.tail == b"C" * 65536
    assert finished.stdout.skipped == 300000 - 2 * 65536


def test_statuses_as_a_shell_reports_them() -> None:
    assert shell_status(3) == 3
    assert shell_status(-2) == 130  # killed by SIGINT
    missing = run_with_pipes(["no-such-command-here"], CLOCK, forward_signals=False)
    assert missing.status == 127
    assert missing.error == "no-such-command-here: command not found"


def test_on_a_terminal_every_stream_is_a_tty_and_streams_stay_apart() -> None:
    """The command sees terminals (stdin, stdout, stderr); stdout and stderr are taped apart."""
    master, slave = os.openpty()
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    script = ("import sys; print(sys.stdin.isatty(), sys.stdout.isatty(), sys.stderr.isatty());"
              "print('to stderr', file=sys.stderr); sys.exit(3)")
    try:
        finished = run_on_terminal([sys.executable, "-c", script], CLOCK, fd_in=slave,
                                   fd_out=out_w, fd_err=err_w)
    finally:
        for fd in (master, slave, out_w, err_w):
            os.close(fd)
    shown_out = os.read(out_r, 65536)
    shown_err = os.read(err_r, 65536)
    os.close(out_r)
    os.close(err_r)
    assert finished.status == 3
    assert bytes(finished.stdout.head).replace(b"\r\n", b"\n") == b"True True True\n"
    assert bytes(finished.stderr.head).replace(b"\r\n", b"\n") == b"to stderr\n"
    assert shown_out == bytes(finished.stdout.head)
    assert shown_err == bytes(finished.stderr.head)


@pytest.mark.parametrize("status", [0, 1, 3, 255])
def test_exit_status_comes_back(status: int) -> None:
    finished = run_with_pipes(
        [sys.executable, "-c", f"raise SystemExit({status})"], CLOCK, stdout=lambda _: None,
        stderr=lambda _: None, forward_signals=False,
    )
    assert finished.status == status
