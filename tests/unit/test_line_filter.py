"""The log view's filter: what it keeps, and when a new filter may run over the last result."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from warroom.timeline.filter import LineFilter
from warroom.timeline.records import LogRecord

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def rec(text: str, level: str | None = None) -> LogRecord:
    return LogRecord(0, "s1", "app", "/x.log", 0, None, text.encode(), text, None, level, False,
                     NOW)


LINES = [
    rec("GET /health 200", "info"),
    rec("Connection REFUSED by db-1", "error"),
    rec("retrying connection to db-1", "warning"),
    rec("trace id=7 enter pool.acquire", "trace"),
    rec("    at Pool.acquire(Pool.java:42)", None),
    rec("db-1 is down", "critical"),
]


def texts(records: list[LogRecord]) -> list[str]:
    return [r.text for r in records]


@pytest.mark.parametrize(
    ("text", "level", "expected"),
    [
        ("", None, [r.text for r in LINES]),
        ("connection", None, ["Connection REFUSED by db-1", "retrying connection to db-1"]),
        ("refused", "error", ["Connection REFUSED by db-1"]),
        ("", "warning", ["Connection REFUSED by db-1", "retrying connection to db-1",
                         "db-1 is down"]),
        ("", "critical", ["db-1 is down"]),
        ("/db-\\d is/", None, ["db-1 is down"]),
        ("/^get /", None, ["GET /health 200"]),  # regexes ignore case too
        ("/acquire/", "trace", ["trace id=7 enter pool.acquire"]),  # no level: hidden
        ("[error]", None, []),  # text, not a character class
        ("/", None, ["GET /health 200"]),  # one slash is text, not an empty regex
    ],
)
def test_select_keeps_the_matching_lines_in_order(text: str, level: str | None,
                                                 expected: list[str]) -> None:
    flt = LineFilter(text, level)
    assert texts(flt.select(LINES)) == expected


def test_a_bad_regex_is_reported_and_taken_literally() -> None:
    flt = LineFilter("/db-(/")
    assert flt.error is not None
    assert flt.error.startswith("bad regex")
    assert texts(flt.select([rec("x /db-(/ y"), rec("db-1")])) == ["x /db-(/ y"]


def test_an_unknown_level_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown level 'loud'"):
        LineFilter("", "loud")


@pytest.mark.parametrize(
    ("old", "new", "narrows"),
    [
        (("", None), ("c", None), True),
        (("c", None), ("co", None), True),
        (("co", None), ("c", None), False),  # backspace widens
        (("Con", None), ("xconn", None), True),  # case-insensitive containment
        (("", None), ("", "info"), True),
        (("", "info"), ("", "warning"), True),
        (("", "warning"), ("", "info"), False),
        (("", "error"), ("", None), False),  # the level cycle wraps to everything
        (("db", "info"), ("db-1", "error"), True),
        (("db", "error"), ("db-1", "info"), False),
        (("/db/", None), ("/db-1/", None), False),  # regexes are not compared
        (("/db/", None), ("/db/", "error"), True),
        (("db", None), ("/db/", None), False),
    ],
)
def test_narrows(old: tuple[str, str | None], new: tuple[str, str | None],
                 narrows: bool) -> None:
    assert LineFilter(*new).narrows(LineFilter(*old)) is narrows


def test_a_narrowed_filter_over_the_last_result_equals_one_over_everything() -> None:
    steps = [("", None), ("", "debug"), ("d", "debug"), ("db", "debug"), ("db-", "warning"),
             ("db-1", "error"), ("db-1 ", "error"), ("db-1 is", "critical")]
    shown, last = list(LINES), LineFilter()
    for text, level in steps:
        flt = LineFilter(text, level)
        assert flt.narrows(last)
        shown, last = flt.select(shown), flt
        assert shown == flt.select(LINES), (text, level)
