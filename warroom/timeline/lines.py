"""Cut a byte stream into lines, remembering where each one starts.

Shared by files and command pipes. Data arrives in arbitrary chunks, so the
unfinished last line is held until its newline comes; a line that never ends
is cut at ``max_line`` bytes so memory stays bounded.
"""

from __future__ import annotations

from warroom.timeline.records import RawLine

__all__ = ["LineSplitter"]


class LineSplitter:
    """Split chunks into (raw, path, offset, line_no) lines; CRLF counts as one ending."""

    __slots__ = ("line_no", "max_line", "partial", "path", "pos")

    def __init__(self, path: str, *, pos: int = 0, line_no: int | None = 1,
                 max_line: int = 1 << 20) -> None:
        self.path = path
        self.pos = pos  # offset of the next byte to come
        self.line_no = line_no  # number of the next line, None when unknown
        self.partial = b""
        self.max_line = max_line

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

    def flush(self, out: list[RawLine]) -> None:
        """Hand out the unfinished last line: nothing will complete it."""
        if self.partial:
            out.append((self.partial, self.path, self.pos - len(self.partial), self.line_no))
            self.partial = b""
            if self.line_no is not None:
                self.line_no += 1
