"""What the tail engine hands out: log records, source state events, batches.

A record keeps the raw bytes of its line (what a pin copies into the incident
timeline, whole) next to the sanitised text (what the screen shows, cut to a
display length), so the evidence is never the display's mangled copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from enum import StrEnum

from warroom.clock import Clock
from warroom.timeline.parse import LineParser
from warroom.timeline.sanitize import ELLIPSIS, sanitize
from warroom.timeline.zones import local_zone

__all__ = ["Batch", "LogRecord", "RawLine", "RecordMaker", "SourceEvent", "SourceState",
           "state_text"]

# (raw line without its newline, file path or command, byte offset, 1-based line number)
RawLine = tuple[bytes, str, int, int | None]


class SourceState(StrEnum):
    """The state a source shows. ROTATED and TRUNCATED are transitions: the event
    announcing one is always followed by the state the source settled in."""

    WAITING = "waiting"  # the file (or its directory) does not exist yet
    FOLLOWING = "following"
    ROTATED = "rotated"  # renamed away or replaced by a new file of the same name
    TRUNCATED = "truncated"  # shrank, or was truncated and regrew (copytruncate)
    UNREADABLE = "unreadable"  # permission denied, a directory, a device, an I/O error
    BINARY = "binary"  # not text: followed, but its bytes are not shown
    DELETED = "deleted"  # removed; waiting for it to be created again
    RUNNING = "running"  # a command source's process is running
    EXITED = "exited"  # the process ended; see exit_code
    FAILED = "failed"  # the command could not be started
    STOPPED = "stopped"  # the source was removed or the engine closed


@dataclass(slots=True, frozen=True)
class SourceEvent:
    """A change of a source's state, reported instead of raising."""

    source_id: str
    state: SourceState
    at: datetime
    path: str | None = None  # the file concerned (a glob has many), or the command
    detail: str = ""  # facts joined by "; ", the first one why the state is what it is
    exit_code: int | None = None  # EXITED only; negative: killed by that signal


# States in which a source shows no lines: its tag says why, not only what.
_WHY = frozenset({SourceState.WAITING, SourceState.UNREADABLE, SourceState.FAILED})


def state_text(event: SourceEvent) -> str:
    """What a source's tag says of it: "following", "exited 3", "unreadable: is a
    directory", "binary, not shown". Safe to show (a detail may hold a file name)."""
    text = event.state.value
    why = event.detail.split("; ", 1)[0]  # not how it is watched (events or polling)
    if event.state is SourceState.EXITED and event.exit_code is not None:
        text += f" {event.exit_code}"
    elif event.state is SourceState.BINARY:
        text += f", {why or 'not shown'}"
    elif why and event.state in _WHY:
        text += f": {why}"
    return sanitize(text)


class LogRecord:
    """One line from a source. Treat as immutable; ``seq`` is set by the buffer.

    ``offset`` and ``line_no`` locate the line in ``path`` for provenance:
    ``line_no`` is None when the engine started reading in the middle of a big
    file (counting its lines would mean reading it all). ``raw`` is not stored
    twice: for the common plain-ASCII line it is re-encoded from ``text``, which
    keeps a 100k-line buffer about a third smaller.
    """

    __slots__ = ("_raw", "continuation", "cut", "level", "line_no", "offset", "path",
                 "received", "seq", "source_id", "tag", "text", "ts")

    def __init__(self, seq: int, source_id: str, tag: str, path: str, offset: int,
                 line_no: int | None, raw: bytes, text: str, ts: datetime | None,
                 level: str | None, continuation: bool, received: datetime,
                 cut: int = 0) -> None:
        self.seq = seq  # engine-wide arrival order, from 1
        self.source_id = source_id
        self.tag = tag
        self.path = path  # the file it was read from (its name at read time), or the command
        self.offset = offset  # byte offset of the line's start in that file or output
        self.line_no = line_no
        # Equal lengths can only mean equal content when the text is the ASCII of raw.
        self._raw: bytes | None = (
            None if len(raw) == len(text) and raw == text.encode() else raw)
        self.text = text  # sanitize(raw), cut to the display length
        self.ts = ts
        self.level = level
        self.continuation = continuation  # part of a record started by an earlier line
        self.received = received  # when the engine read it (the injected clock)
        self.cut = cut  # bytes of the line not in ``text`` (cut for display), 0 when whole

    @property
    def raw(self) -> bytes:
        """The line as read, without its line terminator; whole, never cut."""
        return self._raw if self._raw is not None else self.text.encode()

    def __repr__(self) -> str:
        return (f"LogRecord(seq={self.seq}, source_id={self.source_id!r}, path={self.path!r}, "
                f"offset={self.offset}, line_no={self.line_no}, raw={self.raw!r}, "
                f"level={self.level!r}, ts={self.ts!r})")


@dataclass(slots=True)
class Batch:
    """What a consumer gets from one drain: everything new since the last drain."""

    records: list[LogRecord] = field(default_factory=list)
    events: list[SourceEvent] = field(default_factory=list)
    held: int = 0  # lines now held in the buffer
    dropped: int = 0  # lines evicted from the buffer since it was created
    missed: int = 0  # lines evicted before this consumer saw them (since the last drain)
    first_seq: int = 0  # seq of the oldest line still held (0 when empty)

    def __bool__(self) -> bool:
        return bool(self.records or self.events or self.missed)


class RecordMaker:
    """Turn one file's (or command's) raw lines into records: sanitise and parse.

    Holds the LineParser that learns this file's format, so it is per file and
    used from one thread only.
    """

    def __init__(self, source_id: str, tag: str, clock: Clock, *, display_max: int = 4096,
                 zone: tzinfo | None = None):
        self._source_id = source_id
        self._tag = tag
        self._clock = clock
        self._display_max = display_max
        # Naive stamps are the writer's wall time: in the source's zone, else this machine's.
        self._parser = LineParser(now=clock.now(), zone=zone or local_zone())

    def make(self, lines: Sequence[RawLine]) -> list[LogRecord]:
        """Sanitise and parse ``lines``; one clock reading for the whole batch."""
        if not lines:
            return []
        now = self._clock.now()
        parse = self._parser.parse
        sid, tag, cap = self._source_id, self._tag, self._display_max
        out: list[LogRecord] = []
        append = out.append
        for raw, path, offset, line_no in lines:
            text = sanitize(raw, max_len=cap)
            # A cut line (a long JSON record) is parsed whole, or its fields would be lost.
            parsed = parse(raw.decode("utf-8", "replace") if len(raw) > cap else text)
            cut = _cut_bytes(raw, text, cap) if cap and len(text) == cap else 0
            append(LogRecord(0, sid, tag, path, offset, line_no, raw, text, parsed.ts,
                             parsed.level, parsed.continuation, now, cut))
        return out


def _cut_bytes(raw: bytes, text: str, cap: int) -> int:
    """How many bytes of ``raw`` its display text ``text`` (``cap`` long) leaves out.

    Counted as the line's length less what the shown part takes in UTF-8: exact
    for text, close when control sequences were stripped from what is shown.
    """
    if text[-1] != ELLIPSIS:
        return 0
    if len(raw) <= 4 * cap + 256 and sanitize(raw) == text:  # a whole line that ends in "…"
        return 0
    return max(1, len(raw) - len(text[:-1].encode("utf-8")))
