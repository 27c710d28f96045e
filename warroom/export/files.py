"""Exported files are the incident in full: readable by their owner only (0600)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE = 0o600


def _open_private(path: Path, flags: int) -> int:
    """Open for writing, creating the file 0600; an existing file of ours is narrowed to 0600.

    Overwriting a world-readable file would otherwise leave the new contents
    as readable as the old. Devices, pipes and other people's files are left
    as they are (`-o /dev/stdout` must keep working).
    """
    fd = os.open(path, flags | os.O_WRONLY | os.O_CREAT, PRIVATE)
    try:
        info = os.fstat(fd)
        if stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid() \
                and stat.S_IMODE(info.st_mode) & 0o077:
            os.fchmod(fd, stat.S_IMODE(info.st_mode) & ~0o077)
    except OSError:
        os.close(fd)
        raise
    return fd


def touch_private(path: Path) -> None:
    """Check that `path` can be written (creating it 0600), before anything else is done."""
    os.close(_open_private(path, os.O_APPEND))


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path` as UTF-8, the file 0600 (see `_open_private`)."""
    with os.fdopen(_open_private(path, os.O_TRUNC), "w", encoding="utf-8") as handle:
        handle.write(text)
