"""One open log file being read, whatever it holds: the follower's handle on it.

A plain UTF-8 file takes the fast path (``pread`` and split, nothing else).
Whatever else the file turns out to be, told from its first bytes
(``formats.sniff``), has its own way in: UTF-16/32 is split on its own
newlines and handed on as UTF-8; gzip is decompressed as it is read (opened
"at its end", it is decompressed to the end keeping only a bounded tail, since
a compressed stream cannot be read backwards); binary data is not read at all;
a FIFO is read as a stream, without positions to seek to.
"""

from __future__ import annotations

import contextlib
import os
import stat

from warroom.timeline.formats import (
    BINARY,
    GZIP,
    PLAIN,
    SNIFF_BYTES,
    Format,
    Gunzip,
    count_lines,
    first_line_end,
    last_lines,
    sniff,
)
from warroom.timeline.lines import LineSplitter
from warroom.timeline.records import RawLine

__all__ = ["STREAM", "OpenFile", "read_backlog"]

BLOCK = 64 * 1024
READ_CHUNK = 1 << 20
FINGERPRINT_BYTES = 256
STREAM = Format("stream", label="a pipe: lines as they are written")
COMPRESSED_BINARY = BINARY._replace(label="compressed binary data, not shown")


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


def _read_backlog_wide(fd: int, size: int, lines: int, max_bytes: int, sep: bytes, unit: int,
                       first: int) -> tuple[int, bytes]:
    """``read_backlog`` for UTF-16/32: line ends only on code-unit boundaries past ``first``.

    Blocks start on code-unit boundaries, so no line end straddles two of them.
    """
    end = size - (size - first) % unit
    need = lines + 1
    blocks: list[bytes] = []
    found = 0
    pos = end
    while pos > first:
        step_start = max(first, pos - BLOCK)
        block = os.pread(fd, pos - step_start, step_start)
        pos = step_start
        count = count_lines(block, sep, unit)
        if found + count >= need:
            cut = last_lines(block, need - found - 1, sep, unit) or 0
            blocks.append(block[cut:])
            blocks.reverse()
            return pos + cut, b"".join(blocks)
        found += count
        blocks.append(block)
        if end - pos >= max_bytes:
            data = b"".join(reversed(blocks))
            i = first_line_end(data, sep, unit)
            if i is None:  # one enormous unfinished line: skip it
                return end, b""
            return pos + i, data[i:]
    blocks.reverse()
    return first, b"".join(blocks)


class _Skim:
    """A compressed file opened at its end: decompress it all, keep only a bounded tail."""

    __slots__ = ("lines", "max_bytes", "newlines", "tail", "tail_start", "trimmed")

    def __init__(self, lines: int, max_bytes: int) -> None:
        self.lines, self.max_bytes = lines, max_bytes
        self.tail = bytearray()
        self.tail_start = 0
        self.newlines = 0  # line ends before tail_start
        self.trimmed = False


class OpenFile(LineSplitter):
    """An open file being read: the splitter's position, plus identity and fingerprint.

    ``pos`` is an offset in what the lines are cut from: the file itself, or
    its decompressed stream for gzip (``file_pos`` is always in the file).
    """

    __slots__ = ("announce", "dev", "fd", "fifo", "fmt", "fp", "gz", "ino", "last_data",
                 "mtime", "size", "skim")

    def __init__(self, fd: int, path: str, st: os.stat_result, max_line: int) -> None:
        super().__init__(path, max_line=max_line)
        self.fd = fd
        self.dev, self.ino = st.st_dev, st.st_ino
        self.fp = b""
        self.size, self.mtime = -1, -1
        self.last_data = 0.0
        self.fifo = stat.S_ISFIFO(st.st_mode)
        self.fmt: Format | None = STREAM if self.fifo else None  # None: not told yet
        self.gz: Gunzip | None = None
        self.skim: _Skim | None = None
        self.announce = False  # the format was just told: the follower reports it

    @property
    def file_pos(self) -> int:
        """How far into the file (not its decompressed stream) we have read."""
        return self.gz.cpos if self.gz is not None else self.pos

    @property
    def caught_up(self) -> bool:
        """Nothing read but not yet handed out (decompressed output is capped per read)."""
        return self.gz is None or not (self.gz.pending or self.skim)

    def read(self, out: list[RawLine], limit: int) -> tuple[int, bool]:
        """Read from ``pos`` towards the end, at most ``limit`` bytes.

        Returns (bytes read, whether the limit stopped us).
        """
        if self.fmt is not PLAIN:
            return self._read_other(out, limit)
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
        if not self.fifo:
            self.fp = os.pread(self.fd, FINGERPRINT_BYTES, 0)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)

    # --- telling the format, and starting ------------------------------------------

    def tell_format(self) -> bool:
        """Look at the file's first bytes; True once its format is known."""
        if self.fmt is None:
            fmt = sniff(os.pread(self.fd, SNIFF_BYTES, 0))
            if fmt is not None:
                self._become(fmt)
        return self.fmt is not None

    def _become(self, fmt: Format) -> None:
        self.fmt, self.announce = fmt, True
        if fmt is GZIP:
            self.gz = Gunzip()
            self.line_no = 1  # read from its start, so every line number is known
        elif fmt.wide is not None:
            self.wide = fmt.wide
            if self.pos < fmt.wide.bom:
                self.pos = fmt.wide.bom

    def start_at_end(self, size: int, lines: int, max_bytes: int, out: list[RawLine]) -> int:
        """Begin with the last ``lines`` lines (a compressed file: once decompressed).

        Returns where reading begins now (the position, when nothing is skipped).
        """
        fmt = self.fmt
        if fmt is None or fmt.kind in ("binary", "stream"):
            return self.pos  # a file too short to tell holds no backlog worth the name
        if fmt.kind == "gzip":
            self.skim = _Skim(lines, max_bytes)
            return self.pos
        w = fmt.wide
        if w is not None:
            begin, data = _read_backlog_wide(self.fd, size, lines, max_bytes, w.newline, w.unit,
                                             w.bom)
            self.pos, self.line_no = begin, (1 if begin <= w.bom else None)
            if data:
                self.split_wide(data, out)
            return begin
        begin, data = read_backlog(self.fd, size, lines, max_bytes)
        self.pos, self.line_no = begin, (1 if begin == 0 else None)
        if data:
            self.split(data, out)
        return begin

    def rewind(self) -> None:
        """Start again from the first byte (truncated): its format is told afresh."""
        self.pos, self.line_no, self.partial = 0, 1, b""
        if not self.fifo:
            self.fmt, self.gz, self.skim, self.wide = None, None, None, None

    # --- the kinds off the fast path -----------------------------------------------

    def _read_other(self, out: list[RawLine], limit: int) -> tuple[int, bool]:
        if self.fmt is None and not self.tell_format():
            return 0, False
        if self.fmt is PLAIN:
            return self.read(out, limit)
        if self.fmt.kind == "binary":
            self.pos = os.fstat(self.fd).st_size  # not read; the position only tells truncation
            return 0, False
        if self.fifo:
            return self._read_stream(out, limit)
        if self.gz is not None:
            return self._read_gzip(out, limit)
        total = 0
        while total < limit:
            want = min(READ_CHUNK, limit - total)
            data = os.pread(self.fd, want, self.pos)
            total += len(data)
            if data:
                self.split_wide(data, out)
            if len(data) < want:
                return total, False
        return total, True

    def _read_stream(self, out: list[RawLine], limit: int) -> tuple[int, bool]:
        total = 0
        while total < limit:
            try:
                data = os.read(self.fd, min(READ_CHUNK, limit - total))
            except BlockingIOError:  # a writer is there, with nothing to say yet
                return total, False
            if not data:  # no writer at the moment
                return total, False
            total += len(data)
            self.split(data, out)
        return total, True

    def _read_gzip(self, out: list[RawLine], limit: int) -> tuple[int, bool]:
        gz = self.gz
        assert gz is not None
        total = 0
        while total < limit:
            want = min(READ_CHUNK, limit - total)
            data = gz.take(self.fd, want)
            total += len(data)
            if data and not self._feed_gzip(data, out):
                return total, False
            if len(data) < want:
                if self.skim is not None and not gz.damaged:
                    self._end_skim(out)
                if gz.ended:
                    self.flush(out)  # a complete stream: its last line will not go on
                return total, False
        return total, True

    def _feed_gzip(self, data: bytes, out: list[RawLine]) -> bool:
        """Split decompressed bytes (told apart first); False when they are binary."""
        if self.pos == 0 and self.wide is None and not self.partial:
            inner = sniff(data[:SNIFF_BYTES]) or PLAIN
            if inner is BINARY:
                self.gz, self.skim = None, None
                self.fmt, self.announce = COMPRESSED_BINARY, True
                return False
            if inner.wide is not None:
                self.wide = inner.wide
                self.fmt, self.announce = GZIP._replace(label=f"gzip of {inner.label}"), True
                data, self.pos = data[inner.wide.bom:], inner.wide.bom
        skim = self.skim
        if skim is None:
            (self.split if self.wide is None else self.split_wide)(data, out)
            return True
        sep, unit = (self.wide.newline, self.wide.unit) if self.wide else (b"\n", 1)
        if not skim.tail:
            skim.tail_start = self.pos
        tail = skim.tail
        tail += data
        self.pos += len(data)
        if len(tail) > 2 * skim.max_bytes:  # trimmed in halves: each byte is moved about once
            excess = len(tail) - skim.max_bytes
            excess -= excess % unit
            skim.newlines += count_lines(tail[:excess], sep, unit)
            del tail[:excess]
            skim.tail_start, skim.trimmed = skim.tail_start + excess, True
        return True

    def _end_skim(self, out: list[RawLine]) -> None:
        """Decompressed to the end: hand out the last lines, numbered."""
        skim, self.skim = self.skim, None
        assert skim is not None
        sep, unit = (self.wide.newline, self.wide.unit) if self.wide else (b"\n", 1)
        tail = bytes(skim.tail)
        cut = last_lines(tail, skim.lines, sep, unit) if skim.lines else len(tail)
        if cut is None:
            cut = 0
            if skim.trimmed:  # started mid-line: begin at the first whole one
                i = first_line_end(tail, sep, unit)
                cut = len(tail) if i is None else i
        self.pos = skim.tail_start + cut
        self.line_no = skim.newlines + count_lines(tail[:cut], sep, unit) + 1
        if cut < len(tail):
            (self.split if self.wide is None else self.split_wide)(tail[cut:], out)
