"""Helpers for the tail engine tests: wait on a condition, never a fixed sleep."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(predicate: Callable[[], T], timeout: float = 5.0, interval: float = 0.005) -> T:
    """Return the predicate's first truthy value; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s: {predicate!r}")
        time.sleep(interval)


class Collected:
    """Everything drained from an engine so far, with waits on what should arrive."""

    def __init__(self, engine: object) -> None:
        self.engine = engine
        self.records: list = []
        self.events: list = []

    def pull(self) -> Collected:
        batch = self.engine.drain()  # type: ignore[attr-defined]
        self.records += batch.records
        self.events += batch.events
        return self

    def texts(self, source_id: str | None = None) -> list[str]:
        return [r.text for r in self.records if source_id is None or r.source_id == source_id]

    def states(self, source_id: str | None = None) -> list[str]:
        return [e.state for e in self.events if source_id is None or e.source_id == source_id]

    def until_text(self, text: str, timeout: float = 5.0) -> None:
        wait_until(lambda: text in self.pull().texts(), timeout)

    def until_count(self, count: int, timeout: float = 5.0) -> None:
        wait_until(lambda: len(self.pull().records) >= count, timeout)

    def until_state(self, state: str, timeout: float = 5.0, *, path: str | None = None,
                    after: int = 0) -> object:
        def seen() -> object:
            self.pull()
            for event in self.events[after:]:
                if event.state == state and (path is None or event.path == path):
                    return event
            return None

        return wait_until(seen, timeout)
