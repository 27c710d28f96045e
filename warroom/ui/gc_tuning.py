"""Garbage collection tuned for a log viewer that holds 100,000 records.

With CPython's default thresholds a full collection runs every second or so
under 10,000 lines a second and scans every held record: 130-300 ms with all
threads stopped, which is the stream stalling and keys going unanswered
(bench/e2e_tail.py measured it). Held records are not cyclic (reference
counting frees them when dropped), and the short-lived cyclic garbage (Rich
strips evicted from the row cache) dies young, so rare full collections lose
nothing and the young generations still collect the cycles.
"""

from __future__ import annotations

import gc

# Young collections every 10,000 allocations; a full one after 20 x 100 of those.
THRESHOLDS = (10_000, 20, 100)


_saved: list[tuple[int, int, int]] = []


def tune_gc() -> None:
    """Freeze what start-up built (it lives as long as the app) and make full scans rare."""
    _saved.append(gc.get_threshold())
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)


def restore_gc() -> None:
    """Undo tune_gc when the app ends (tests run many apps in one process)."""
    gc.unfreeze()
    if _saved:
        gc.set_threshold(*_saved.pop())
