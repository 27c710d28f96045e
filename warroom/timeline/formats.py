"""What a followed file holds, told from its first bytes, and how to read the unusual kinds.

Most logs are UTF-8 text and take the plain path (``reader.OpenFile.read``),
which this module does not touch. The rest are told apart once, from the
file's first bytes:

- UTF-16 or UTF-32 text, by its byte-order mark (or, without one, by the NUL
  bytes of ASCII text in UTF-16): split on the encoded newline at code-unit
  boundaries and handed on as UTF-8, so nothing shows as ``2␀0␀2␀4``;
- gzip data (a rotated ``app.log.1.gz``): read through ``zlib``, decompressed;
- binary data (NUL bytes, or mostly control bytes and invalid UTF-8): not
  shown at all; the source says so.

Files that are not regular files are named by ``special_kind`` (a FIFO is not
among them: it is read as a stream).
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import zlib
from typing import NamedTuple

__all__ = ["BINARY", "GZIP", "PLAIN", "Format", "Gunzip", "Wide", "compressed", "count_lines",
           "first_line_end", "last_lines", "sniff", "special_kind"]

SNIFF_BYTES = 8192
GZIP_MAGIC = b"\x1f\x8b"
# A run this long is a hole (a writer that kept its offset after copytruncate, a crash
# that left preallocated space): the text around it is still a log.
_HOLE = re.compile(rb"\x00{64,}")
# Bytes that plain text does not hold: C0 controls but tab, newline, vertical tab,
# form feed, carriage return and ESC (colour codes), and DEL.
_CONTROL = re.compile(rb"[\x01-\x08\x0e-\x1a\x1c-\x1f\x7f]")
BINARY_SHARE = 0.3  # more control bytes and invalid UTF-8 than this: binary (Latin-1 is not)


class Wide(NamedTuple):
    """A text encoding wider than a byte: lines end with ``newline`` on a ``unit`` boundary."""

    codec: str
    unit: int
    newline: bytes
    bom: int  # bytes of byte-order mark at the start of the file (skipped)
    label: str


class Format(NamedTuple):
    """How to read a file: ``kind`` is "plain", "wide", "gzip" or "binary"."""

    kind: str
    wide: Wide | None = None
    label: str = ""


PLAIN = Format("plain")
GZIP = Format("gzip", label="gzip, read decompressed")
BINARY = Format("binary", label="not shown")


def _wide(codec: str, unit: int, bom: int, label: str) -> Format:
    w = Wide(codec, unit, "\n".encode(codec), bom, label)
    return Format("wide", w, f"{label}, decoded")


# UTF-32 LE first: its mark begins with UTF-16 LE's.
_BOMS = (
    (codecs.BOM_UTF32_LE, _wide("utf-32-le", 4, 4, "UTF-32LE")),
    (codecs.BOM_UTF32_BE, _wide("utf-32-be", 4, 4, "UTF-32BE")),
    (codecs.BOM_UTF16_LE, _wide("utf-16-le", 2, 2, "UTF-16LE")),
    (codecs.BOM_UTF16_BE, _wide("utf-16-be", 2, 2, "UTF-16BE")),
)
_UTF16_LE_NO_BOM = _wide("utf-16-le", 2, 0, "UTF-16LE")
_UTF16_BE_NO_BOM = _wide("utf-16-be", 2, 0, "UTF-16BE")


def sniff(head: bytes) -> Format | None:
    """The format of a file whose first bytes are ``head``; None while too few to tell.

    A file still too short to hold a whole byte-order mark (or the gzip magic)
    that begins like one is undecided: its writer may be half way through it.
    """
    if len(head) < 4 and any(
            mark.startswith(head) for mark in (GZIP_MAGIC, *(m for m, _ in _BOMS))):
        return None
    for mark, fmt in _BOMS:
        if head.startswith(mark):
            return fmt
    if head.startswith(GZIP_MAGIC):
        return GZIP
    if b"\x00" in head:
        guess = _utf16_without_bom(head)
        if guess is not None:
            return guess
        if b"\x00" in _HOLE.sub(b"", head):
            return BINARY
    odd = len(_CONTROL.findall(head)) + head.decode("utf-8", "replace").count("\ufffd")
    # A multi-byte character cut by the end of the sample is not a sign of binary.
    return BINARY if odd > max(3, BINARY_SHARE * len(head)) else PLAIN


def _utf16_without_bom(head: bytes) -> Format | None:
    """ASCII-heavy UTF-16 shows a NUL in every other byte, on one side only."""
    pairs = len(head) // 2
    if pairs < 8:
        return None
    even = head[0:pairs * 2:2].count(0)
    odd = head[1:pairs * 2:2].count(0)
    if odd > 0.8 * pairs and even < 0.05 * pairs:
        return _UTF16_LE_NO_BOM
    if even > 0.8 * pairs and odd < 0.05 * pairs:
        return _UTF16_BE_NO_BOM
    return None


def compressed(path: str) -> bool:
    """Whether the file at ``path`` starts like gzip data (False when it cannot be read)."""
    try:
        with open(path, "rb") as f:
            return f.read(2) == GZIP_MAGIC
    except OSError:
        return False


def special_kind(mode: int) -> str | None:
    """Why a file of this mode is not followed, or None (a regular file, a FIFO)."""
    if stat.S_ISREG(mode) or stat.S_ISFIFO(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a directory"
    if stat.S_ISCHR(mode):
        return "is a character device"
    if stat.S_ISBLK(mode):
        return "is a block device"
    if stat.S_ISSOCK(mode):
        return "is a socket"
    return "not a regular file"


def last_lines(data: bytes, lines: int, sep: bytes = b"\n", unit: int = 1) -> int | None:
    """Index in ``data`` where its last ``lines`` complete lines (and any unfinished
    one after them) begin; None when ``data`` holds fewer line ends than that.

    ``data`` must start on a code-unit boundary; a separator found off one (a
    UTF-16 character whose bytes look like a newline) is not a line end.
    """
    need = lines + 1  # the line end before the first wanted line
    cut = len(data)
    found = 0
    while found < need:
        i = data.rfind(sep, 0, cut)
        if i < 0:
            return None
        if i % unit:
            cut = i + len(sep) - 1
            continue
        found += 1
        cut = i
    return cut + len(sep)


def first_line_end(data: bytes, sep: bytes = b"\n", unit: int = 1) -> int | None:
    """Index just past the first line end of ``data`` (on a code-unit boundary), or None."""
    i = data.find(sep)
    while i >= 0 and i % unit:
        i = data.find(sep, i + 1)
    return None if i < 0 else i + len(sep)


def count_lines(data: bytes, sep: bytes = b"\n", unit: int = 1) -> int:
    """Line ends in ``data`` (starting on a code-unit boundary)."""
    if unit == 1:
        return data.count(sep)
    count, i = 0, data.find(sep)
    while i >= 0:
        if i % unit:
            i = data.find(sep, i + 1)
            continue
        count += 1
        i = data.find(sep, i + len(sep))
    return count


class Gunzip:
    """Decompress a gzip file as it is read, member after member, a bounded amount at a time.

    ``cpos`` is how far into the compressed file we have read; the caller keeps
    its own position in the decompressed stream.
    """

    __slots__ = ("_d", "_input", "cpos", "damaged")

    CHUNK = 256 * 1024

    def __init__(self) -> None:
        self._d = zlib.decompressobj(31)
        self._input = b""
        self.cpos = 0
        self.damaged = ""  # why decompression stopped, when the data is not gzip any more

    @property
    def ended(self) -> bool:
        """The last member is complete and nothing follows it (yet)."""
        return self._d.eof and not self._input

    @property
    def pending(self) -> bool:
        """Compressed bytes read but not yet decompressed (output was capped)."""
        return bool(self._input)

    def take(self, fd: int, want: int) -> bytes:
        """Up to ``want`` decompressed bytes; fewer when the file holds no more for now."""
        parts: list[bytes] = []
        got = 0
        while got < want and not self.damaged:
            if not self._input:
                self._input = os.pread(fd, self.CHUNK, self.cpos)
                self.cpos += len(self._input)
                if not self._input:
                    break
            d = self._d
            if d.eof:  # another member follows (``cat a.gz b.gz``, or gzip -c >>)
                self._input = self._input.lstrip(b"\x00")  # zero padding is allowed
                if not self._input:
                    continue
                d = self._d = zlib.decompressobj(31)
            try:
                out = d.decompress(self._input, want - got)
            except zlib.error as exc:
                self.damaged = f"gzip data damaged near byte {self.cpos}: {exc}"
                self._input = b""
                break
            self._input = d.unused_data if d.eof else d.unconsumed_tail
            if out:
                parts.append(out)
                got += len(out)
        return b"".join(parts)
