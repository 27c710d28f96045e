"""LineBuffer: bounded memory, sequence numbers, counts of what was dropped."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from warroom.timeline.buffer import LineBuffer
from warroom.timeline.lines import LineSplitter
from warroom.timeline.records import LogRecord

AT = datetime(2026, 1, 1, tzinfo=UTC)


def rec(text: str) -> LogRecord:
    return LogRecord(0, "s1", "app", "/x.log", 0, None, text.encode(), text, None, None, False,
                     AT)


def test_holds_at_most_maxlen_and_counts_the_dropped() -> None:
    buf = LineBuffer(3)
    assert buf.extend([rec("a"), rec("b")]) == 2
    assert (buf.held, buf.dropped, buf.total, buf.first_seq) == (2, 0, 2, 1)
    buf.extend([rec("c"), rec("d"), rec("e")])
    assert [r.text for r in buf.snapshot()] == ["c", "d", "e"]
    assert [r.seq for r in buf.snapshot()] == [3, 4, 5]
    assert (len(buf), buf.dropped, buf.total, buf.first_seq, buf.maxlen) == (3, 2, 5, 3, 3)


def test_since_returns_only_newer_records_still_held() -> None:
    buf = LineBuffer(4)
    buf.extend(rec(str(i)) for i in range(6))  # seqs 1..6, holds 3..6
    assert [r.seq for r in buf.since(4)] == [5, 6]
    assert [r.seq for r in buf.since(0)] == [3, 4, 5, 6]
    assert buf.since(6) == []


def test_clear_keeps_the_counts() -> None:
    buf = LineBuffer(2)
    buf.extend([rec("a"), rec("b"), rec("c")])
    buf.clear()
    assert (buf.held, buf.dropped, buf.total, buf.first_seq) == (0, 1, 3, 0)


def test_rejects_a_zero_size() -> None:
    with pytest.raises(ValueError, match="at least one"):
        LineBuffer(0)


def test_concurrent_writers_get_unique_increasing_seqs() -> None:
    buf = LineBuffer(100_000)

    def write() -> None:
        for _ in range(200):
            buf.extend([rec("x") for _ in range(10)])

    threads = [threading.Thread(target=write) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seqs = [r.seq for r in buf.snapshot()]
    assert seqs == list(range(1, 8001))


def test_splitter_offsets_line_numbers_and_crlf() -> None:
    out: list = []
    s = LineSplitter("cmd")
    s.split(b"a\r\nb", out)
    s.split(b"c\n\nd", out)
    s.flush(out)
    assert out == [(b"a", "cmd", 0, 1), (b"bc", "cmd", 3, 2), (b"", "cmd", 6, 3),
                   (b"d", "cmd", 7, 4)]
