"""Follow one file by name, like ``tail -F``, as a state machine without threads.

``FileFollower.check()`` is called whenever something may have changed (a
file event, a poll tick); it returns the complete lines that appeared and the
state changes it saw, and never raises for the file's sake. Keeping it free
of threads and watchers makes every rotation case testable step by step.

How the cases are told apart, on each check:

- the name now points to another inode, or to nothing: the old file was
  renamed (rotation) or deleted. The old descriptor is read to its end and
  kept "draining" for ``rotate_wait`` seconds, for the lines a writer adds
  before it reopens; the new file is read from its start.
- same inode, smaller than our position: truncated (copytruncate).
- same inode, not smaller, but its first bytes differ from the fingerprint
  taken earlier: truncated and regrown past the old size between two checks,
  which no size comparison can see.
- open or stat refused, a directory, an I/O error: unreadable, retried on
  every check.

Opening starts at the end with a bounded backlog read backwards in blocks, so
a 1 GB file costs a few reads, not a scan.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import time
from collections.abc import Callable
from typing import Literal, NamedTuple

from warroom.timeline.lines import LineSplitter
from warroom.timeline.records import LogRecord, RawLine, SourceState

__all__ = ["FileFollower", "FollowResult", "StateChange", "read_backlog"]

BLOCK = 64 * 1024
READ_CHUNK = 1 << 20
FINGERPRINT_BYTES = 256
# A pinned line from the backlog of a file opened at its end has no line number
# yet; it is counted when pinned (about 25 ms for 32 MiB in the page cache).
# Past this, or if the file changed under it, the line is located by byte offset.
COUNT_LINES_UP_TO = 32 << 20

Opener = Callable[[str], int]


def _default_opener(path: str) -> int:
    return os.open(path, os.O_RDONLY | os.O_CLOEXEC)


class StateChange(NamedTuple):
    state: SourceState
    path: str
    detail: str


class FollowResult(NamedTuple):
    lines: list[RawLine]
    changes: list[StateChange]
    more: bool  # stopped at the per-check read limit: check again without waiting


def line_number_at(path: str, offset: int, raw: bytes) -> int | None:
    """The number of the line ``raw`` found at ``offset`` in ``path``, counting newlines.

    None when the file no longer holds that line there (rotated away, rewritten),
    when it cannot be read, or when ``offset`` is past COUNT_LINES_UP_TO.
    """
    if offset > COUNT_LINES_UP_TO:
        return None
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        if raw and os.pread(fd, len(raw), offset) != raw:
            return None
        count = pos = 0
        while pos < offset:
            chunk = os.pread(fd, min(READ_CHUNK, offset - pos), pos)
            if not chunk:
                return None
            count += chunk.count(b"\n")
            pos += len(chunk)
        return count + 1
    except OSError:
        return None
    finally:
        os.close(fd)


def locate(record: LogRecord) -> tuple[str, int | None]:
    """Where to find a line again: (path, line number), else ("path@byte-offset", None).

    Lines read after opening a file at its end carry no line number (counting
    them all would mean reading the file); one is counted only when pinned.
    """
    line_no = record.line_no
    if line_no is None and record.offset >= 0:
        line_no = line_number_at(record.path, record.offset, record.raw)
    if line_no is not None:
        return record.path, line_no
    return f"{record.path}@{record.offset}", None


def read_backlog(fd: int, size: int, lines: int, max_bytes: int) -> tuple[int, bytes]:
    """Return ``(start, data)``: the last ``lines`` complete lines of the first
    ``size`` bytes plus any unfinished last line, reading backwards in blocks.

    Reads at most about ``max_bytes``; if that is not enough for ``lines``
    lines, starts at the first line boundary found within it.
    """
    need = lines + 1  # the newline before the first wanted line
    blocks: list[bytes] = []
    pos = size
    start = 0
    found = 0
    while pos > 0:
        step = min(BLOCK, pos)
        pos -= step
        block = os.pread(fd, step, pos)
        count = block.count(b"\n")
        if found + count >= need:
            cut = len(block)
            for _ in range(need - found):
                cut = block.rfind(b"\n", 0, cut)
            blocks.append(block[cut + 1:])
            start = pos + cut + 1
            break
        found += count
        blocks.append(block)
        if size - pos >= max_bytes:
            data = b"".join(reversed(blocks))
            first = data.find(b"\n")
            if first < 0:  # one enormous unfinished line: skip it
                return size, b""
            return pos + first + 1, data[first + 1:]
    blocks.reverse()
    return start, b"".join(blocks)


class _Handle(LineSplitter):
    """An open file being read: the splitter's position, plus identity and fingerprint."""

    __slots__ = ("dev", "fd", "fp", "ino", "last_data", "mtime", "size")

    def __init__(self, fd: int, path: str, st: os.stat_result, max_line: int) -> None:
        super().__init__(path, max_line=max_line)
        self.fd = fd
        self.dev, self.ino = st.st_dev, st.st_ino
        self.fp = b""
        self.size, self.mtime = -1, -1
        self.last_data = 0.0

    def read(self, out: list[RawLine], limit: int) -> tuple[int, bool]:
        """Read from ``pos`` towards the end, at most ``limit`` bytes.

        Returns (bytes read, whether the limit stopped us).
        """
        total = 0
        while total < limit:
            want = min(READ_CHUNK, limit - total)
            data = os.pread(self.fd, want, self.pos)
            total += len(data)
            if data:
                self.split(data, out)
            if len(data) < want:  # the end, for now
                return total, False
        return total, True

    def fingerprint(self) -> None:
        self.fp = os.pread(self.fd, FINGERPRINT_BYTES, 0)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)


def _reason(exc: OSError) -> str:
    if exc.errno is not None:
        return os.strerror(exc.errno).lower()
    return str(exc)


class FileFollower:
    """Follow ``path`` by name across rotation, truncation, deletion, absence.

    Args:
        start: "end" opens with the last ``backlog`` lines; "start" reads the
            file from its beginning (a file that appeared after we began);
            an int starts at that byte offset (a file already read under
            another name).
        catchup_bytes: a file that appears later and is bigger than this is
            opened like "end", so a huge file moved into place is not replayed.
        rotate_wait: seconds an old file is still read after a rotation,
            for lines its writer adds before it reopens the new one.
        max_lag_bytes: when this far behind the end (a writer faster than we
            parse), jump to the last ``backlog`` lines instead: the lag stays
            bounded, and lines a bounded buffer would drop anyway are not
            parsed first. The bytes skipped are counted and reported.
    """

    def __init__(self, path: str | os.PathLike[str], *, backlog: int = 200,
                 start: Literal["end", "start"] | int = "end",
                 opener: Opener | None = None, max_line_bytes: int = 1 << 20,
                 max_backlog_bytes: int = 16 << 20, catchup_bytes: int = 8 << 20,
                 read_limit: int = 8 << 20, rotate_wait: float = 2.0,
                 max_lag_bytes: int | None = 16 << 20,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.path = os.path.abspath(os.fspath(path))
        self.backlog = backlog
        self._start: Literal["end", "start"] | int = start
        self._opener = opener or _default_opener
        self._max_line = max_line_bytes
        self._max_backlog = max_backlog_bytes
        self._catchup = catchup_bytes
        self._limit = read_limit
        self._rotate_wait = rotate_wait
        self._max_lag = max_lag_bytes
        self.skipped_bytes = 0
        self._monotonic = monotonic
        self._cur: _Handle | None = None
        self._draining: list[_Handle] = []
        self.state: SourceState | None = None
        self.detail = ""
        self._settling = False

    @property
    def draining(self) -> bool:
        """True while an old (rotated or deleted) file is still being read."""
        return bool(self._draining)

    @property
    def position(self) -> tuple[int, int, int] | None:
        """(device, inode, offset) of the file being followed, if open."""
        h = self._cur
        return (h.dev, h.ino, h.pos) if h is not None else None

    def inodes(self) -> list[tuple[int, int, int]]:
        """(device, inode, offset) of every open file, current and draining."""
        return [(h.dev, h.ino, h.pos) for h in [*self._draining, *filter(None, [self._cur])]]

    def check(self) -> FollowResult:
        """Look at the file once; return new complete lines and state changes."""
        lines: list[RawLine] = []
        changes: list[StateChange] = []
        more = self._drain_old(lines)
        if self._cur is None:
            more = self._open(lines, changes) or more
        else:
            more = self._check_current(self._cur, lines, changes) or more
        return FollowResult(lines, changes, more)

    def close(self) -> list[RawLine]:
        """Close every descriptor; returns the unfinished lines they held."""
        lines: list[RawLine] = []
        for h in [*self._draining, *filter(None, [self._cur])]:
            h.flush(lines)
            h.close()
        self._draining.clear()
        self._cur = None
        return lines

    # --- internals -----------------------------------------------------------------

    def _set(self, changes: list[StateChange], state: SourceState, detail: str = "",
             path: str | None = None) -> None:
        transition = state in (SourceState.ROTATED, SourceState.TRUNCATED)
        if transition or self._settling or state != self.state or detail != self.detail:
            changes.append(StateChange(state, path or self.path, detail))
        self._settling = transition  # a transition is always followed by a settled state
        if not transition:
            self.state, self.detail = state, detail

    def _drain_old(self, lines: list[RawLine]) -> bool:
        more = False
        now = self._monotonic()
        for h in list(self._draining):
            try:
                got, hit = h.read(lines, self._limit)
            except OSError:
                got, hit = 0, False
            if got:
                h.last_data = now
            more = more or hit
            if not hit and now - h.last_data >= self._rotate_wait:
                h.flush(lines)
                h.close()
                self._draining.remove(h)
        return more

    def _unreadable(self, changes: list[StateChange], exc: OSError | str) -> None:
        self._set(changes, SourceState.UNREADABLE,
                  exc if isinstance(exc, str) else _reason(exc))

    def _open(self, lines: list[RawLine], changes: list[StateChange]) -> bool:
        try:
            st = os.stat(self.path)
        except (FileNotFoundError, NotADirectoryError):
            if self.state not in (SourceState.WAITING, SourceState.DELETED):
                self._set(changes, SourceState.WAITING, "does not exist yet")
            if self._start == "end":
                self._start = "start"  # when it appears, all of it is new
            return False
        except OSError as exc:
            self._unreadable(changes, exc)
            return False
        if stat.S_ISDIR(st.st_mode):
            self._unreadable(changes, "is a directory")
            return False
        if not stat.S_ISREG(st.st_mode):
            self._unreadable(changes, "not a regular file")
            return False
        try:
            fd = self._opener(self.path)
        except OSError as exc:
            self._unreadable(changes, exc)
            return False
        try:
            return self._start_reading(fd, lines, changes)
        except OSError as exc:
            os.close(fd)
            self._cur = None
            self._unreadable(changes, exc)
            return False

    def _start_reading(self, fd: int, lines: list[RawLine], changes: list[StateChange]) -> bool:
        st = os.fstat(fd)  # the file actually opened, should the name have moved meanwhile
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EISDIR if stat.S_ISDIR(st.st_mode) else errno.EINVAL,
                          "not a regular file")
        h = _Handle(fd, self.path, st, self._max_line)
        start = self._start
        detail = ""
        if start == "start" and st.st_size > self._catchup:
            start, detail = "end", f"started near the end of {st.st_size} bytes"
        if start == "end":
            begin, data = read_backlog(fd, st.st_size, self.backlog, self._max_backlog)
            h.pos, h.line_no = begin, (1 if begin == 0 else None)
            if data:
                h.split(data, lines)
        elif isinstance(start, int):
            h.pos, h.line_no = min(start, st.st_size), (1 if start == 0 else None)
        h.fingerprint()
        h.size, h.mtime = st.st_size, st.st_mtime_ns
        self._cur = h
        self._start = "start"  # whatever appears under this name later is new
        self._set(changes, SourceState.FOLLOWING, detail)
        _, hit = h.read(lines, self._limit)
        return hit

    def _check_current(self, h: _Handle, lines: list[RawLine],
                       changes: list[StateChange]) -> bool:
        try:
            st: os.stat_result | None = os.stat(self.path)
        except (FileNotFoundError, NotADirectoryError):
            st = None
        except OSError as exc:
            self._retire(h, lines)
            self._unreadable(changes, exc)
            return False
        if st is None or (st.st_dev, st.st_ino) != (h.dev, h.ino):
            return self._replaced(h, st, lines, changes)
        if st.st_size == h.size and st.st_mtime_ns == h.mtime and h.pos >= st.st_size:
            return False  # the common poll: nothing happened
        try:
            if st.st_size < h.pos or self._regrown(h):
                self._truncated(h, st, lines, changes)
            elif self._max_lag is not None and st.st_size - h.pos > self._max_lag:
                self._skip_ahead(h, st.st_size, lines, changes)
            _, hit = h.read(lines, self._limit)
            if len(h.fp) < FINGERPRINT_BYTES and h.pos > len(h.fp):
                h.fingerprint()
        except OSError as exc:
            self._retire(h, lines)
            self._unreadable(changes, exc)
            return False
        h.size, h.mtime = st.st_size, st.st_mtime_ns
        return hit

    def _regrown(self, h: _Handle) -> bool:
        """The first bytes changed: truncated and written again past our position."""
        return bool(h.fp) and os.pread(h.fd, len(h.fp), 0) != h.fp

    def _truncated(self, h: _Handle, st: os.stat_result, lines: list[RawLine],
                   changes: list[StateChange]) -> None:
        h.flush(lines)
        old = h.pos
        h.pos, h.line_no = 0, 1
        h.fingerprint()
        how = "shrank" if st.st_size < old else "rewritten from the start"
        self._set(changes, SourceState.TRUNCATED, f"{how}: was {old} bytes, now {st.st_size}")
        self._set(changes, SourceState.FOLLOWING)

    def _skip_ahead(self, h: _Handle, size: int, lines: list[RawLine],
                    changes: list[StateChange]) -> None:
        h.flush(lines)
        begin, data = read_backlog(h.fd, size, self.backlog, self._max_backlog)
        self.skipped_bytes += max(0, begin - h.pos)
        h.pos, h.line_no = begin, None
        if data:
            h.split(data, lines)
        self._set(changes, SourceState.FOLLOWING,
                  f"fell behind: skipped {self.skipped_bytes} bytes in all to keep up")

    def _retire(self, h: _Handle, lines: list[RawLine]) -> None:
        h.flush(lines)
        h.close()
        self._cur = None

    def _replaced(self, h: _Handle, st: os.stat_result | None, lines: list[RawLine],
                  changes: list[StateChange]) -> bool:
        """The name no longer leads to our file: finish it, then follow the new one."""
        self._cur = None
        try:
            nlink = os.fstat(h.fd).st_nlink
        except OSError:
            nlink = 0
        new_name = _name_of(os.path.dirname(self.path), h.dev, h.ino) if nlink else None
        if new_name is not None:
            h.path = new_name  # provenance: where these lines can be found now
        try:
            _, hit = h.read(lines, self._limit)
        except OSError:
            hit = False
        self._draining.append(h)
        h.last_data = self._monotonic()
        if nlink == 0:
            if st is None:
                self._set(changes, SourceState.DELETED, "waiting for it to be created again")
                return hit
            self._set(changes, SourceState.ROTATED, "deleted and created again")
        else:
            moved = f"renamed to {os.path.basename(new_name)}" if new_name else "moved away"
            self._set(changes, SourceState.ROTATED, moved)
            if st is None:
                self._set(changes, SourceState.WAITING, "waiting for a new file")
                return hit
        return self._open(lines, changes) or hit


def _name_of(directory: str, dev: int, ino: int) -> str | None:
    """Where a rotated file went: the entry of ``directory`` with that inode."""
    try:
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.inode() == ino:
                    try:
                        if entry.stat(follow_symlinks=False).st_dev == dev:
                            return entry.path
                    except OSError:
                        continue
    except OSError:
        return None
    return None
