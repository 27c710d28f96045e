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

import os
import stat
import time
from collections.abc import Callable
from typing import Literal, NamedTuple

from warroom.timeline.formats import special_kind
from warroom.timeline.reader import FINGERPRINT_BYTES, READ_CHUNK, OpenFile, read_backlog
from warroom.timeline.records import LogRecord, RawLine, SourceState

__all__ = ["FileFollower", "FollowResult", "StateChange", "read_backlog"]

# A pinned line from the backlog of a file opened at its end has no line number
# yet; it is counted when pinned (about 25 ms for 32 MiB in the page cache).
# Past this, or if the file changed under it, the line is located by byte offset.
COUNT_LINES_UP_TO = 32 << 20

Opener = Callable[[str], int]


def _default_opener(path: str) -> int:
    # O_NONBLOCK: opening a FIFO must not wait for a writer (regular files ignore it).
    return os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)


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
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # a FIFO's lines are gone once read
            return None
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
        self._cur: OpenFile | None = None
        self._draining: list[OpenFile] = []
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
        why = special_kind(st.st_mode)
        if why is not None:
            self._unreadable(changes, why)
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
        why = special_kind(st.st_mode)
        if why is not None:
            os.close(fd)
            self._unreadable(changes, why)
            return False
        h = OpenFile(fd, self.path, st, self._max_line)
        start = self._start
        detail = ""
        h.tell_format()
        compressed = h.fmt is not None and h.fmt.kind == "gzip"
        if start == "start" and st.st_size > self._catchup and not h.fifo:
            start, detail = "end", f"started near the end of {st.st_size} bytes"
        if isinstance(start, int) and compressed:
            start = "end"  # read before under another name: decompressed, nothing handed out
            h.start_at_end(st.st_size, 0, self._max_backlog, lines)
        elif start == "end":
            h.start_at_end(st.st_size, self.backlog, self._max_backlog, lines)
        elif isinstance(start, int) and not h.fifo:
            h.pos, h.line_no = min(start, st.st_size), (1 if start == 0 else None)
            if h.wide is not None:
                h.pos = max(h.pos, h.wide.bom)
        h.fingerprint()
        h.size, h.mtime = st.st_size, st.st_mtime_ns
        self._cur = h
        self._start = "start"  # whatever appears under this name later is new
        _, hit = h.read(lines, self._limit)
        self._announce(h, changes, detail, opening=True)
        return hit

    def _announce(self, h: OpenFile, changes: list[StateChange], detail: str = "", *,
                  opening: bool = False) -> None:
        """Say what the file turned out to hold (binary, UTF-16, gzip, damaged, a pipe)."""
        if not (opening or h.announce or (h.gz is not None and h.gz.damaged)):
            return
        h.announce = False
        fmt = h.fmt
        if h.gz is not None and h.gz.damaged:
            self._set(changes, SourceState.UNREADABLE, h.gz.damaged)
        elif fmt is not None and fmt.kind == "binary":
            self._set(changes, SourceState.BINARY, fmt.label)
        else:
            label = fmt.label if fmt is not None else ""
            self._set(changes, SourceState.FOLLOWING, "; ".join(filter(None, [label, detail])))

    @property
    def needs_polling(self) -> bool:
        """A FIFO sends no change events: its reader must look on every poll tick."""
        return self._cur is not None and self._cur.fifo

    def _check_current(self, h: OpenFile, lines: list[RawLine],
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
        if h.fifo:
            _, hit = h.read(lines, self._limit)
            return hit
        pos = h.file_pos
        if (st.st_size == h.size and st.st_mtime_ns == h.mtime and pos >= st.st_size
                and h.caught_up):
            return False  # the common poll: nothing happened
        try:
            if h.fmt is None:
                h.tell_format()  # a file that was empty: its first bytes have come
            if st.st_size < pos or self._regrown(h):
                self._truncated(h, st, lines, changes)
            elif (self._max_lag is not None and st.st_size - pos > self._max_lag
                  and h.gz is None):
                self._skip_ahead(h, st.st_size, lines, changes)
            _, hit = h.read(lines, self._limit)
            if len(h.fp) < FINGERPRINT_BYTES and h.file_pos > len(h.fp):
                h.fingerprint()
        except OSError as exc:
            self._retire(h, lines)
            self._unreadable(changes, exc)
            return False
        self._announce(h, changes)
        h.size, h.mtime = st.st_size, st.st_mtime_ns
        return hit

    def _regrown(self, h: OpenFile) -> bool:
        """The first bytes changed: truncated and written again past our position."""
        return bool(h.fp) and os.pread(h.fd, len(h.fp), 0) != h.fp

    def _truncated(self, h: OpenFile, st: os.stat_result, lines: list[RawLine],
                   changes: list[StateChange]) -> None:
        h.flush(lines)
        old = h.file_pos
        h.rewind()
        h.fingerprint()
        how = "shrank" if st.st_size < old else "rewritten from the start"
        self._set(changes, SourceState.TRUNCATED, f"{how}: was {old} bytes, now {st.st_size}")
        self._set(changes, SourceState.FOLLOWING)

    def _skip_ahead(self, h: OpenFile, size: int, lines: list[RawLine],
                    changes: list[StateChange]) -> None:
        h.flush(lines)
        old = h.pos
        h.line_no = None
        self.skipped_bytes += max(0, h.start_at_end(size, self.backlog, self._max_backlog,
                                                    lines) - old)
        self._set(changes, SourceState.FOLLOWING,
                  f"fell behind: skipped {self.skipped_bytes} bytes in all to keep up")

    def _retire(self, h: OpenFile, lines: list[RawLine]) -> None:
        h.flush(lines)
        h.close()
        self._cur = None

    def _replaced(self, h: OpenFile, st: os.stat_result | None, lines: list[RawLine],
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
