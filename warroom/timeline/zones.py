"""Time zones of log sources and of the display.

A log line without a zone was written in its host's wall time. Each source has a
zone (``FILE@Europe/Berlin``; default the machine's local zone), so its naive
stamps become aware times and sources in different zones merge on one time line.
Times are shown in one display zone (config ``display_tz``, default UTC).

Wall times around a change of offset are resolved as a log is written, forward:
a time in a spring-forward gap (02:30 that never happened) is read with the offset
before the change, i.e. moved forward by the gap, as clocks that log it did; a time
in an autumn fold (02:30 twice) is its first occurrence, unless the source had
already passed it, then its second.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["ZoneError", "display_time", "get_zone", "local_zone", "localize", "split_zone",
           "zone_name"]


class ZoneError(ValueError):
    """A zone name that is not a zone; worded for the user."""


_NAME = re.compile(r"^(?:[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)*|local)$")


def local_zone() -> tzinfo:
    """The machine's zone: TZ, else /etc/localtime, else UTC (a container without one)."""
    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    try:
        return _etc_localtime()
    except (ZoneInfoNotFoundError, OSError, ValueError):
        return UTC


def _etc_localtime() -> tzinfo:
    path = "/etc/localtime"
    real = os.path.realpath(path)
    if "/zoneinfo/" in real:
        return ZoneInfo(real.split("/zoneinfo/", 1)[1])
    with open(path, "rb") as fh:
        return ZoneInfo.from_file(fh, key="localtime")


def get_zone(name: str) -> tzinfo:
    """A zone by IANA name ("Europe/Berlin"), "UTC" or "local"; ZoneError if unknown."""
    if name in ("UTC", "Z", "utc"):
        return UTC
    if name == "local":
        return local_zone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ZoneError(
            f"unknown time zone {name!r}: give an IANA name such as Europe/Berlin, UTC or local"
        ) from None


def zone_name(zone: tzinfo) -> str:
    """A zone's name as a person writes it back (Europe/Berlin, UTC)."""
    if zone is UTC:
        return "UTC"
    return getattr(zone, "key", None) or str(zone)


def split_zone(spec: str) -> tuple[str, str | None]:
    """``app.log@Europe/Berlin`` -> ("app.log", "Europe/Berlin"); a spec without a zone
    (or whose ``@`` part is no zone name, as in ``user@host.log``) comes back whole."""
    path, sep, name = spec.rpartition("@")
    if not sep or not path or not _NAME.match(name):
        return spec, None
    try:
        get_zone(name)
    except ZoneError:
        if "/" in name:  # looks like a zone: say so rather than follow a file of that name
            raise
        return spec, None
    return path, name


def localize(wall: datetime, zone: tzinfo, after: datetime | None = None) -> datetime:
    """A naive wall time as an aware time in ``zone`` (gap: moved forward; fold: first
    occurrence, or the second when ``after``, the source's previous time, is past it)."""
    if zone is UTC:
        return wall.replace(tzinfo=UTC)
    first = wall.replace(tzinfo=zone, fold=0)
    second = wall.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall:
        # In a gap: fold=0 reads it with the offset before the change; normalise.
        return first.astimezone(UTC).astimezone(zone)
    if after is not None and first < after:
        return second
    return first


def display_time(when: datetime, zone: tzinfo, fmt: str = "%H:%M:%S") -> str:
    """An aware time in the display zone; a naive one (no zone known) as written."""
    if when.tzinfo is None:
        return when.strftime(fmt)
    return when.astimezone(zone).strftime(fmt)
