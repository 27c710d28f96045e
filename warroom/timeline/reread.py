"""Finding a pinned line again in its log, later: in the file, or where rotation took it.

A pin remembers its file, its line number (or byte offset, for a big file
opened at its end), the SHA-256 of its bytes and the file's inode, size and
mtime then. Logrotate renames `app.log` to `app.log.1` and compresses older
ones (`app.log.2.gz`); a line is looked for in the file and in those siblings,
at the same place, since rotation by renaming keeps a file's lines where they were.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import zlib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Found(StrEnum):
    """What became of a pinned line."""

    PRESENT = "present"  # in the file, unchanged
    ROTATED = "rotated away"  # in a rotated sibling (.1, .gz), unchanged
    CHANGED = "changed"  # the file it was pinned from is there, but the line differs
    GONE = "gone"  # neither the file nor a sibling holds it


@dataclass(frozen=True, slots=True)
class Pinned:
    """Where a line was pinned from, and what it was."""

    path: str
    line: int | None  # 1-based
    offset: int | None  # byte offset, when there is no line number
    sha256: str
    inode: int | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    found: Found
    where: str | None = None  # the file it was found in (or that changed)


def siblings(path: str) -> list[str]:
    """The file, then its rotated siblings in rotation order: app.log, app.log.1, app.log.1.gz,
    app.log.2, app.log.2.gz, ... (and app.log.gz)."""
    base = Path(path)
    numbered: list[tuple[int, int, str]] = []
    pattern = re.compile(re.escape(base.name) + r"\.(\d+)(\.gz)?$")
    try:
        names = os.listdir(base.parent)
    except OSError:
        names = []
    for name in names:
        if match := pattern.match(name):
            numbered.append((int(match[1]), bool(match[2]), str(base.parent / name)))
    rest = [str(base.parent / f"{base.name}.gz")] if f"{base.name}.gz" in names else []
    return [path, *(p for _, _, p in sorted(numbered)), *rest]


def _open(path: str):
    return gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")  # noqa: SIM115


def read_at(path: str, line: int | None, offset: int | None) -> bytes | None:
    """The line at a 1-based number or byte offset (without its line end); None if the file
    is shorter, missing, unreadable or damaged."""
    try:
        with _open(path) as handle:
            if line is None:
                if offset is None:
                    return None
                handle.seek(offset)
                data = handle.readline()
            else:
                data = b""
                for number, data in enumerate(handle, start=1):  # noqa: B007
                    if number == line:
                        break
                else:
                    return None
    except (OSError, EOFError, zlib.error):
        return None
    if not data:
        return None
    return data.rstrip(b"\n")


def _matches(data: bytes | None, sha256: str) -> bool:
    if data is None:
        return False
    return sha256 in (hashlib.sha256(data).hexdigest(),
                      hashlib.sha256(data.rstrip(b"\r")).hexdigest())


def _inode(path: str) -> int | None:
    try:
        return os.stat(path).st_ino
    except OSError:
        return None


def find(pin: Pinned) -> Outcome:
    """Look for the pinned line in its file and the file's rotated siblings."""
    candidates = siblings(pin.path)
    for candidate in candidates:
        if _matches(read_at(candidate, pin.line, pin.offset), pin.sha256):
            return Outcome(Found.PRESENT if candidate == pin.path else Found.ROTATED, candidate)
    # Not found unchanged. The file it came from, if still there (by inode: it may have been
    # rotated under another name), holding a line there now: the line was changed.
    for candidate in candidates:
        if candidate.endswith(".gz"):
            continue
        same = pin.inode is not None and _inode(candidate) == pin.inode
        unknown = pin.inode is None and candidate == pin.path
        if (same or unknown) and read_at(candidate, pin.line, pin.offset) is not None:
            return Outcome(Found.CHANGED, candidate)
    return Outcome(Found.GONE)
