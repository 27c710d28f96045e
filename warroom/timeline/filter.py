"""Which log lines a view shows: a text or /regex/ and a minimum level.

A filter runs over every line held (100,000 by default) each time the user
types a character or cycles the level, while lines keep arriving, so it is
built for one pass in a list comprehension: a set lookup for the level, a
lower-cased substring test for plain text (a case-insensitive regex is about
six times slower), and a narrowed filter runs over what the previous one
kept instead of over everything.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from warroom.timeline.parse import LEVELS
from warroom.timeline.records import LogRecord

__all__ = ["LEVEL_RANK", "LineFilter"]

LEVEL_RANK = {name: rank for rank, name in enumerate(LEVELS)}


class LineFilter:
    """A text (case-insensitive) or /regex/ and a minimum level; empty accepts every line."""

    def __init__(self, text: str = "", min_level: str | None = None) -> None:
        if min_level is not None and min_level not in LEVEL_RANK:
            raise ValueError(f"unknown level {min_level!r}: one of {', '.join(LEVELS)}")
        self.text = text
        self.min_level = min_level
        self.error: str | None = None
        self.is_regex = len(text) > 1 and text.startswith("/") and text.endswith("/")
        self.pattern = self._compile(text)  # also marks the matches on screen
        self._needle = text.lower() if text and self.pattern is not None else ""
        # Lines without a level are hidden once a minimum level is set.
        self.levels: frozenset[str] | None = (
            None if min_level is None else frozenset(LEVELS[LEVEL_RANK[min_level]:])
        )

    def _compile(self, text: str) -> re.Pattern[str] | None:
        if not text:
            return None
        if self.is_regex:
            try:
                return re.compile(text[1:-1], re.IGNORECASE)
            except re.error as exc:
                self.error = f"bad regex: {exc}"
                self.is_regex = False  # taken literally, slashes and all
        return re.compile(re.escape(text), re.IGNORECASE)

    @property
    def empty(self) -> bool:
        return self.pattern is None and self.levels is None

    def select(self, records: Sequence[LogRecord]) -> list[LogRecord]:
        """The records this filter accepts, in order: one specialised pass."""
        levels, pattern, needle = self.levels, self.pattern, self._needle
        if pattern is None:
            if levels is None:
                return list(records)
            return [r for r in records if r.level in levels]
        if self.is_regex:
            search = pattern.search
            if levels is None:
                return [r for r in records if search(r.text)]
            return [r for r in records if r.level in levels and search(r.text)]
        if levels is None:
            return [r for r in records if needle in r.text.lower()]
        return [r for r in records if r.level in levels and needle in r.text.lower()]

    def narrows(self, other: LineFilter) -> bool:
        """Whether every line this filter accepts is accepted by `other` too.

        Then this filter can run over `other`'s result instead of every line:
        typing one more character, or raising the minimum level.
        """
        if other.levels is not None and (self.levels is None or not self.levels <= other.levels):
            return False
        if other.pattern is None or self.text == other.text:
            return True
        return not self.is_regex and not other.is_regex and other._needle in self._needle

    def describe(self) -> str:
        parts = []
        if self.text:
            parts.append(f"filter {self.text}")
        if self.min_level:
            parts.append(f"≥{self.min_level}")
        return ", ".join(parts)
