"""Times in an exported document, in its display zone (config display_tz, export --tz).

The zone is set for the length of one rendering (`in_zone`) instead of being threaded
through every section's function; UTC reads as before (`2026-11-27T14:02:11Z`), another
zone with its offset (`2026-11-27T15:02:11+01:00`), so each time stays unambiguous.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, tzinfo

from warroom.clock import iso

_ZONE: ContextVar[tzinfo] = ContextVar("export_zone", default=UTC)


def when(at: datetime) -> str:
    """An aware time as the document shows it: ISO-8601 to the second, in its zone."""
    zone = _ZONE.get()
    if zone is UTC:
        return iso(at)
    return at.astimezone(zone).isoformat(timespec="seconds")


def zone() -> tzinfo:
    return _ZONE.get()


@contextmanager
def in_zone(display: tzinfo) -> Iterator[None]:
    token = _ZONE.set(display)
    try:
        yield
    finally:
        _ZONE.reset(token)
