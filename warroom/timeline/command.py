"""A command whose output is a log: ``journalctl -f``, ``ssh host tail -F x``,
``kubectl logs -f pod``. This is how logs from other machines arrive.

The command runs through the shell in its own process group (so stopping it
also stops ``ssh`` and whatever a pipeline started), with stdout and stderr
merged in arrival order and stdin closed (a command must never wait for the
user's keys). Its exit is reported with the status, and it can be restarted.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import time

from warroom.clock import Clock
from warroom.timeline.lines import LineSplitter
from warroom.timeline.records import RawLine, SourceState
from warroom.timeline.sources import Sink, Source, TailOptions

__all__ = ["CommandSource", "describe_exit"]

READ_SIZE = 64 * 1024
# How often a quiet reader looks up: to stop, and to notice the command exited
# while a child it left behind still holds the pipe open.
TICK = 0.25
TERM_GRACE = 2.0


def describe_exit(code: int) -> str:
    """``exit status 1`` or ``killed by SIGTERM``, for the source's detail."""
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


class CommandSource(Source):
    """Run a shell command and read its output line by line, in a thread."""

    kind = "command"

    def __init__(self, source_id: str, tag: str, command: str, sink: Sink, clock: Clock,
                 options: TailOptions, *, cwd: str | None = None,
                 env: dict[str, str] | None = None) -> None:
        super().__init__(source_id, tag, command, sink, clock, options)
        self._cwd = cwd
        self._env = env
        self._proc: subprocess.Popen[bytes] | None = None
        self.runs = 0
        self.exit_code: int | None = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def stop(self) -> None:
        super().stop()
        self._signal(signal.SIGTERM)

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the reader; a command that ignores SIGTERM gets SIGKILL."""
        grace = TERM_GRACE if timeout is None else min(TERM_GRACE, timeout)
        if self._thread is not None:
            self._thread.join(grace)
        if self.alive and self._stop.is_set():
            self._signal(signal.SIGKILL)
        return super().join(None if timeout is None else max(timeout - grace, 0.1))

    def _signal(self, sig: signal.Signals) -> None:
        proc = self._proc
        if proc is not None and proc.returncode is None:
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, sig)

    def _run(self) -> None:
        self.runs += 1
        self.exit_code = None
        try:
            proc = subprocess.Popen(  # a shell command line is what the user gave
                self.target, shell=True, cwd=self._cwd, env=self._env,
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                start_new_session=True, bufsize=0)
        except OSError as exc:
            self._report(SourceState.FAILED, f"could not start: {exc.strerror or exc}")
            return
        self._proc = proc
        self._report(SourceState.RUNNING, f"pid {proc.pid}, run {self.runs}")
        assert proc.stdout is not None
        try:
            self._read(proc)
        finally:
            proc.stdout.close()
        code = proc.wait()
        self.exit_code = code
        self._report(SourceState.EXITED, describe_exit(code), exit_code=code)

    def _read(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        splitter = LineSplitter(self.target, max_line=self._options.max_line_bytes)
        maker = self._maker()
        exited_at: float | None = None
        while not self._stop.is_set():
            ready, _, _ = select.select([fd], [], [], TICK)
            if not ready:
                if proc.poll() is not None:  # a leftover child holds the pipe: stop reading
                    exited_at = exited_at or time.monotonic()
                    if time.monotonic() - exited_at >= TICK:
                        break
                continue
            data = os.read(fd, READ_SIZE)
            lines: list[RawLine] = []
            if data:
                splitter.split(data, lines)
            else:
                splitter.flush(lines)  # end of output: the last line is complete now
            if lines:
                self._sink.submit(maker.make(lines), [])
            if not data:
                break
