"""A bounded, thread-safe ring of log records.

Memory must not grow with the amount of log that passed through: the ring
holds at most ``maxlen`` records and counts the ones it had to drop. Every
record gets a sequence number on the way in, so a reader can ask for "what is
new since seq N" and tell which of the lines it shows were evicted.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable
from itertools import islice

from warroom.timeline.records import LogRecord

__all__ = ["DEFAULT_MAXLEN", "LineBuffer"]

DEFAULT_MAXLEN = 100_000


class LineBuffer:
    """The last ``maxlen`` records, with counts of lines held, seen and dropped."""

    def __init__(self, maxlen: int = DEFAULT_MAXLEN) -> None:
        if maxlen < 1:
            raise ValueError("a line buffer holds at least one line")
        self._ring: deque[LogRecord] = deque(maxlen=maxlen)
        self._lock = threading.Lock()
        self._total = 0
        self._dropped = 0

    @property
    def maxlen(self) -> int:
        return self._ring.maxlen or 0

    @property
    def total(self) -> int:
        """Records ever appended; also the seq of the newest one."""
        return self._total

    @property
    def dropped(self) -> int:
        """Records evicted to keep within ``maxlen``."""
        return self._dropped

    @property
    def held(self) -> int:
        return len(self._ring)

    def __len__(self) -> int:
        return len(self._ring)

    @property
    def first_seq(self) -> int:
        """The seq of the oldest record held, 0 when empty."""
        with self._lock:
            return self._ring[0].seq if self._ring else 0

    def extend(self, records: Iterable[LogRecord]) -> int:
        """Append records, numbering them; returns the seq of the last one."""
        with self._lock:
            ring = self._ring
            seq = self._total
            before = len(ring)
            count = 0
            for record in records:
                seq += 1
                record.seq = seq
                ring.append(record)
                count += 1
            self._total = seq
            self._dropped += max(0, before + count - (ring.maxlen or 0))
            return seq

    def since(self, seq: int) -> list[LogRecord]:
        """Records with a seq above ``seq``, oldest first (those evicted are gone)."""
        with self._lock:
            new = self._total - seq
            if new <= 0:
                return []
            if new >= len(self._ring):
                return list(self._ring)
            tail = list(islice(reversed(self._ring), new))
        tail.reverse()
        return tail

    def snapshot(self) -> list[LogRecord]:
        """All records held, oldest first."""
        with self._lock:
            return list(self._ring)

    def clear(self) -> None:
        """Forget the held records (counts stay: they describe what passed through)."""
        with self._lock:
            self._ring.clear()
