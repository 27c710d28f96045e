"""Cut a byte stream into lines, remembering where each one starts.

Shared by files and command pipes. Data arrives in arbitrary chunks, so the
unfinished last line is held until its newline comes; a line that never ends
is cut at ``max_line`` bytes so memory stays bounded.

A UTF-16 or UTF-32 file (``wide``) is split on its own newline, at code-unit
boundaries only, and its lines are handed on as UTF-8: everything after the
splitter (sanitising, parsing, pinning) sees the same kind of bytes as for any
log. Offsets stay those of the file.
"""

from __future__ import annotations

from warroom.timeline.formats import Wide
from warroom.timeline.records import RawLine

__all__ = ["LineSplitter"]


class LineSplitter:
    """Split chunks into (raw, path, offset, line_no) lines; CRLF counts as one ending."""

    __slots__ = ("line_no", "max_line", "partial", "path", "pos", "wide")

    def __init__(self, path: str, *, pos: int = 0, line_no: int | None = 1,
                 max_line: int = 1 << 20) -> None:
        self.path = path
        self.pos = pos  # offset of the next byte to come
        self.line_no = line_no  # number of the next line, None when unknown
        self.partial = b""
        self.max_line = max_line
        self.wide: Wide | None = None  # set for UTF-16/32 text: split with split_wide

    def split(self, data: bytes, out: list[RawLine]) -> None:
        """Append the complete lines of ``partial + data`` to ``out``; keep the rest."""
        offset = self.pos - len(self.partial)
        self.pos += len(data)
        if self.partial:
            data = self.partial + data
        parts = data.split(b"\n")
        rest = parts.pop()
        path, line_no = self.path, self.line_no
        append = out.append
        crlf = b"\r" in data
        for part in parts:
            append((part[:-1] if crlf and part[-1:] == b"\r" else part, path, offset, line_no))
            offset += len(part) + 1
            if line_no is not None:
                line_no += 1
        max_line = self.max_line
        while len(rest) > max_line:  # no newline in sight
            append((rest[:max_line], path, offset, line_no))
            rest, offset = rest[max_line:], offset + max_line
        self.partial = rest
        self.line_no = line_no

    def split_wide(self, data: bytes, out: list[RawLine]) -> None:
        """``split`` for UTF-16/32 text: newlines on code-unit boundaries, lines as UTF-8.

        ``pos`` must be on a code-unit boundary (a line start, or just after the BOM).
        """
        wide = self.wide
        assert wide is not None
        sep, unit, codec = wide.newline, wide.unit, wide.codec
        offset = self.pos - len(self.partial)
        self.pos += len(data)
        if self.partial:
            data = self.partial + data
        path, line_no = self.path, self.line_no
        append = out.append
        start, i = 0, data.find(sep)
        while i >= 0:
            if (i - start) % unit:  # bytes of two characters that look like a newline
                i = data.find(sep, i + 1)
                continue
            append((_utf8(data[start:i], codec), path, offset + start, line_no))
            if line_no is not None:
                line_no += 1
            start = i + len(sep)
            i = data.find(sep, start)
        rest, offset = data[start:], offset + start
        max_line = max(self.max_line - self.max_line % unit, unit)
        while len(rest) > max_line:
            append((_utf8(rest[:max_line], codec), path, offset, line_no))
            rest, offset = rest[max_line:], offset + max_line
        self.partial = rest
        self.line_no = line_no

    def flush(self, out: list[RawLine]) -> None:
        """Hand out the unfinished last line: nothing will complete it."""
        if self.partial:
            raw = self.partial if self.wide is None else _utf8(self.partial, self.wide.codec)
            out.append((raw, self.path, self.pos - len(self.partial), self.line_no))
            self.partial = b""
            if self.line_no is not None:
                self.line_no += 1


def _utf8(raw: bytes, codec: str) -> bytes:
    """A line of a wide encoding as UTF-8 (U+FFFD for what does not decode), without its CR."""
    text = raw.decode(codec, "replace")
    return (text[:-1] if text.endswith("\r") else text).encode("utf-8", "replace")
