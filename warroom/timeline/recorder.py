"""Run a command as the user would, and keep a bounded record of what it printed.

`warroom run` and the war room's command prompt both come here. On a terminal
the command gets terminals of its own (one pty for stdin and stdout, its
controlling terminal, and one for stderr, so both streams stay apart and both
still see a tty): colours, prompts, progress bars and ctrl+c behave as without
warroom, and the bytes are copied through as they come. Without a terminal
(a script, a pipe) it gets pipes. Either way each stream keeps its first and
last `LIMIT` bytes and counts what was between.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import selectors
import shlex
import signal
import struct
import subprocess
import termios
import time
import tty
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from warroom.clock import Clock

LIMIT = 64 * 1024  # bytes kept at each end of each stream
DRAIN_SECONDS = 0.5  # after the command ends: output still on its way (a child left behind)

Sink = Callable[[bytes], None]


class Tape:
    """The first and last `limit` bytes of a stream, and how many between were not kept."""

    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = limit
        self.head = bytearray()
        self._tail = bytearray()
        self.total = 0

    def write(self, data: bytes) -> None:
        self.total += len(data)
        room = self.limit - len(self.head)
        if room > 0:
            self.head += data[:room]
            data = data[room:]
        if data:
            self._tail += data
            if len(self._tail) > 2 * self.limit:  # trimmed in halves, not on every write
                del self._tail[: len(self._tail) - self.limit]

    @property
    def tail(self) -> bytes:
        return bytes(self._tail[-self.limit :])

    @property
    def skipped(self) -> int:
        return self.total - len(self.head) - len(self.tail)


def decoded(data: bytes) -> str:
    """Output as text: UTF-8 (invalid bytes replaced), a terminal's CR LF as LF."""
    return data.decode("utf-8", "replace").replace("\r\n", "\n")


@dataclass(slots=True)
class Finished:
    """A command that ran: its status (128+N when killed by signal N) and its output."""

    argv: list[str]
    status: int
    started_at: datetime
    ended_at: datetime
    stdout: Tape = field(default_factory=Tape)
    stderr: Tape = field(default_factory=Tape)
    error: str | None = None  # it could not be started: why

    @property
    def command(self) -> str:
        return shlex.join(self.argv)


def shell_status(returncode: int) -> int:
    """A status as a shell reports it: a command killed by signal N ended with 128+N."""
    return 128 - returncode if returncode < 0 else returncode


def _not_started(argv: list[str], exc: OSError, clock: Clock) -> Finished:
    """What a shell says and returns for a command it cannot start (127 missing, 126 refused)."""
    now = clock.now()
    missing = isinstance(exc, FileNotFoundError)
    why = "command not found" if missing else (exc.strerror or str(exc)).lower()
    result = Finished(argv, 127 if missing else 126, now, now, error=f"{argv[0]}: {why}")
    result.stderr.write(f"{result.error}\n".encode())
    return result


def _write_all(fd: int, data: bytes) -> None:
    while data:
        try:
            written = os.write(fd, data)
        except BlockingIOError:
            time.sleep(0.001)
            continue
        except OSError:
            return  # our own terminal or pipe went away: keep recording regardless
        data = data[written:]


def _to_fd(fd: int) -> Sink:
    return lambda data: _write_all(fd, data)


class _Forwarded:
    """Signals sent to warroom itself (hang-up, terminate) go on to the command."""

    SIGNALS = (signal.SIGHUP, signal.SIGTERM, signal.SIGQUIT)

    def __init__(self, target: Callable[[int], None], also_int: bool) -> None:
        self.target = target
        self.signals = (*self.SIGNALS, signal.SIGINT) if also_int else self.SIGNALS
        self.saved: dict[int, object] = {}

    def __enter__(self) -> _Forwarded:
        for sig in self.signals:
            self.saved[sig] = signal.signal(sig, self._forward)
        return self

    def _forward(self, signum: int, _frame: object) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            self.target(signum)

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self.saved.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]


def _pump(
    proc: subprocess.Popen[bytes],
    outputs: dict[int, tuple[Tape, Sink]],
    stdin: tuple[int, int] | None,
) -> None:
    """Copy each output fd to its sink and tape (and stdin to the command) until it ends."""
    selector = selectors.DefaultSelector()
    for fd in outputs:
        os.set_blocking(fd, False)
        selector.register(fd, selectors.EVENT_READ)
    if stdin is not None:
        selector.register(stdin[0], selectors.EVENT_READ)
    deadline: float | None = None
    while outputs:
        if deadline is None and proc.poll() is not None:
            deadline = time.monotonic() + DRAIN_SECONDS
            if stdin is not None:
                selector.unregister(stdin[0])
                stdin = None
        timeout = 0.1 if deadline is None else max(0.0, deadline - time.monotonic())
        if deadline is not None and timeout == 0.0:
            break
        for key, _ in selector.select(timeout):
            fd = key.fd
            if stdin is not None and fd == stdin[0]:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    data = b""
                if not data:  # our stdin ended: the command's does too (a pty sees ctrl+d)
                    selector.unregister(fd)
                    stdin = None
                    continue
                _write_all(stdin[1], data)
                continue
            try:
                data = os.read(fd, 65536)
            except BlockingIOError:
                continue
            except OSError as exc:  # EIO: a pty whose other end every process closed
                if exc.errno != errno.EIO:
                    raise
                data = b""
            if not data:
                selector.unregister(fd)
                del outputs[fd]
                continue
            tape, sink = outputs[fd]
            tape.write(data)
            sink(data)
    selector.close()
    proc.wait()


def _window_size(fd: int) -> bytes | None:
    try:
        return fcntl.ioctl(fd, termios.TIOCGWINSZ, struct.pack("HHHH", 0, 0, 0, 0))
    except OSError:
        return None


def _take_terminal() -> None:
    """In the child, after setsid: its stdin pty becomes its controlling terminal."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def run_on_terminal(argv: Sequence[str], clock: Clock, *, fd_in: int = 0, fd_out: int = 1,
                    fd_err: int = 2) -> Finished:
    """Run on ptys of its own, our terminal raw meanwhile so every key (ctrl+c too) goes to it."""
    argv = list(argv)
    out_master, out_slave = os.openpty()
    err_master, err_slave = os.openpty()
    saved = termios.tcgetattr(fd_in)
    size = _window_size(fd_out) or _window_size(fd_in)
    for slave in (out_slave, err_slave):
        termios.tcsetattr(slave, termios.TCSANOW, saved)
        if size:
            fcntl.ioctl(slave, termios.TIOCSWINSZ, size)
    started = clock.now()
    try:
        proc = subprocess.Popen(
            argv, stdin=out_slave, stdout=out_slave, stderr=err_slave,
            start_new_session=True, preexec_fn=_take_terminal,  # noqa: PLW1509 - no threads here
        )
    except OSError as exc:
        for fd in (out_master, out_slave, err_master, err_slave):
            os.close(fd)
        return _not_started(argv, exc, clock)
    os.close(out_slave)
    os.close(err_slave)

    def resized(_signum: int, _frame: object) -> None:
        now = _window_size(fd_out) or _window_size(fd_in)
        if now:
            for master in (out_master, err_master):
                with contextlib.suppress(OSError):
                    fcntl.ioctl(master, termios.TIOCSWINSZ, now)

    finished = Finished(argv, 0, started, started)
    previous = signal.signal(signal.SIGWINCH, resized)
    try:
        tty.setraw(fd_in, termios.TCSANOW)
        with _Forwarded(lambda sig: os.killpg(proc.pid, sig), also_int=True):
            _pump(
                proc,
                {out_master: (finished.stdout, _to_fd(fd_out)),
                 err_master: (finished.stderr, _to_fd(fd_err))},
                (fd_in, out_master),
            )
    finally:
        termios.tcsetattr(fd_in, termios.TCSAFLUSH, saved)
        signal.signal(signal.SIGWINCH, previous)
        os.close(out_master)
        os.close(err_master)
    finished.status = shell_status(proc.returncode)
    finished.ended_at = clock.now()
    return finished


def run_with_pipes(argv: Sequence[str], clock: Clock, *, stdout: Sink | None = None,
                   stderr: Sink | None = None, stdin: int | None = None,
                   forward_signals: bool = True,
                   on_start: Callable[[subprocess.Popen[bytes]], None] | None = None,
                   ) -> Finished:
    """Run with our stdin (or `stdin`), its output through pipes copied to the sinks as it comes.

    Ctrl+c on a terminal reaches the command directly (it is in our process
    group); warroom itself waits it out and records.
    """
    argv = list(argv)
    started = clock.now()
    try:
        proc = subprocess.Popen(
            argv, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=not forward_signals,
        )
    except OSError as exc:
        return _not_started(argv, exc, clock)
    assert proc.stdout is not None
    assert proc.stderr is not None
    if on_start is not None:
        on_start(proc)
    finished = Finished(argv, 0, started, started)
    outputs = {proc.stdout.fileno(): (finished.stdout, stdout or _to_fd(1)),
               proc.stderr.fileno(): (finished.stderr, stderr or _to_fd(2))}
    try:
        if forward_signals:
            # SIGINT from the terminal reaches the command by itself; a handler that does
            # nothing keeps warroom alive to record (and is reset in the command by exec).
            previous = signal.signal(signal.SIGINT, lambda *_: None)
            try:
                with _Forwarded(proc.send_signal, also_int=False):
                    _pump(proc, outputs, None)
            finally:
                signal.signal(signal.SIGINT, previous)
        else:
            _pump(proc, outputs, None)
    finally:
        proc.stdout.close()
        proc.stderr.close()
    finished.status = shell_status(proc.returncode)
    finished.ended_at = clock.now()
    return finished


def on_terminal(fd_in: int = 0, fd_out: int = 1) -> bool:
    """Whether the command should get terminals of its own: we have one, in and out."""
    return os.isatty(fd_in) and os.isatty(fd_out)


def run(argv: Sequence[str], clock: Clock) -> Finished:
    """Run as the user would: on a terminal if we are on one, else with pipes."""
    if on_terminal():
        return run_on_terminal(argv, clock)
    return run_with_pipes(argv, clock)
