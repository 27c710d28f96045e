"""Property test: formats composed from parts at random, stamp and level recovered.

A format is an order of the date parts with its separators, a separator before the
time, a time separator, a fraction (after a dot, comma or colon), a zone, brackets
around the stamp, and a level in one of the positions and spellings logs use. The
parser was shown none of these compositions; it must read every one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from warroom.timeline.parse import LineParser

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
SPELLINGS = {
    "trace": ["TRACE", "TRC"],
    "debug": ["DEBUG", "DBG"],
    "info": ["INFO", "INF"],
    "notice": ["NOTICE"],
    "warning": ["WARN", "WARNING", "WRN"],
    "error": ["ERROR", "ERR"],
    "critical": ["CRITICAL", "FATAL", "CRIT"],
}
WORDS = ["request", "served", "cache", "miss", "retry", "upstream", "pool", "shard", "lag"]


@dataclass(frozen=True)
class Stamp:
    text: str
    when: datetime  # what the parser must give back (aware when the stamp had a zone)


@st.composite
def stamps(draw: st.DrawFn) -> Stamp:
    """One timestamp written in a format composed at random."""
    # Wall times as logs write them: naive until a zone is drawn.
    low, high = datetime(2001, 1, 1), datetime(2037, 12, 31)  # noqa: DTZ001
    when = draw(st.datetimes(min_value=low, max_value=high))
    y, mo, d = when.year, when.month, when.day
    mon = draw(st.sampled_from([MONTHS[mo - 1], MONTHS[mo - 1].upper(), MONTHS[mo - 1].lower()]))
    order = draw(
        st.sampled_from(["ymd", "dmy.", "dmy", "mdy", "dbY", "bdY", "Ybd", "compact", "bd", "md"])
    )
    sep = draw(st.sampled_from("-/."))
    if order == "ymd":
        date = f"{y}{sep}{mo:02d}{sep}{d:02d}"
    elif order == "dmy.":
        date = f"{d:02d}.{mo:02d}.{y}"
    elif order == "dmy":  # day first is only readable when the day cannot be a month
        d = draw(st.integers(13, 28))
        date = f"{d:02d}{draw(st.sampled_from('-/'))}{mo:02d}{sep if sep != '.' else '/'}{y}"
        date = date.replace("-", date[2]).replace("/", date[2])
    elif order == "mdy":
        s = draw(st.sampled_from("-/"))
        date = f"{mo:02d}{s}{d:02d}{s}{y}"
    elif order == "dbY":
        s = draw(st.sampled_from(" -"))
        date = f"{d:02d}{s}{mon}{s}{y}"
    elif order == "bdY":
        date = f"{mon} {d:02d} {y}"
    elif order == "Ybd":
        date = f"{y}-{mon}-{d:02d}"
    elif order == "compact":
        date = f"{y}{mo:02d}{d:02d}"
    elif order == "bd":
        date = f"{mon} {d:2d}"
    else:  # md, year-less: month first (day first only when over twelve)
        s = draw(st.sampled_from("-/."))
        date = f"{mo:02d}{s}{d:02d}"
    when = when.replace(day=d)
    by_name = order in ("dbY", "bdY", "bd")
    dt_sep = " " if by_name else draw(st.sampled_from(["T", " ", "_", "-"]))
    t_sep = ":" if by_name or order in ("compact",) else draw(st.sampled_from("::."))
    clock = f"{when:%H}{t_sep}{when:%M}{t_sep}{when:%S}"
    digits = draw(st.sampled_from([0, 1, 3, 6, 9]))
    when = when.replace(microsecond=0)
    if digits:
        frac = draw(st.integers(0, 10**digits - 1))
        text = f"{frac:0{digits}d}"
        fsep = draw(st.sampled_from(".,:" if digits >= 3 else ".,"))
        clock += fsep + text
        when = when.replace(microsecond=int((text + "000000")[:6]))
    zone = ""
    if order not in ("bd", "md") and not by_name:
        zone = draw(st.sampled_from(["", "Z", "+02:00", "-0530", " UTC"]))
    if zone:
        offset = {"Z": 0, "+02:00": 120, "-0530": -330, " UTC": 0}[zone]
        when = when.replace(tzinfo=UTC if offset == 0 else timezone(timedelta(minutes=offset)))
    return Stamp(f"{date}{dt_sep}{clock}{zone}", when)


@st.composite
def lines(draw: st.DrawFn) -> tuple[str, Stamp, str]:
    """A whole line: bracketed or bare stamp, a level in some position and spelling."""
    stamp = draw(stamps())
    level = draw(st.sampled_from(sorted(SPELLINGS)))
    word = draw(st.sampled_from(SPELLINGS[level]))
    bracket = draw(st.sampled_from(["", "[]", "()"]))
    head = f"{bracket[0]}{stamp.text}{bracket[1]}" if bracket else stamp.text
    message = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=6)))
    position = draw(
        st.sampled_from(
            [
                "after",
                "bracketed",
                "second-bracket",
                "logfmt",
                "before",
                "lower-bracketed",
                "capitalised-bracketed",
            ]
        )
    )
    field = draw(st.sampled_from(["[main]", "[worker-3]", "[pool-1-thread-2]", "[order api]"]))
    line = {
        "after": f"{head} {word} {message}",
        "bracketed": f"{head} [{word}] {message}",
        "second-bracket": f"{head} {field} [{word}] {message}",
        "logfmt": f'{head} level={word.lower()} msg="{message}"',
        "before": f"[{word}] {head} {message}",
        "lower-bracketed": f"{head} [{word.lower()}] {message}",
        "capitalised-bracketed": f"{head} {field} [{word.capitalize()}] {message}",
    }[position]
    return line, stamp, level


@settings(max_examples=200, deadline=None)
@given(lines())
def test_composed_formats_give_back_stamp_and_level(case: tuple[str, Stamp, str]) -> None:
    line, stamp, level = case
    parsed = LineParser(year=stamp.when.year).parse(line)
    assert parsed.ts == stamp.when, line
    assert parsed.ts is not None
    assert (parsed.ts.tzinfo is None) == (stamp.when.tzinfo is None), line
    assert parsed.level == level, line


@settings(max_examples=40, deadline=None)
@given(st.lists(lines(), min_size=2, max_size=5))
def test_a_source_in_one_composed_format_reads_line_after_line(
    cases: list[tuple[str, Stamp, str]],
) -> None:
    """The learned fast path gives what the full search gives, line after line (in time
    order, as a log is written: a year-less stamp going back half a year is a new year)."""
    year = cases[0][1].when.year
    ordered = sorted((c for c in cases if c[1].when.year == year), key=lambda c: _utc(c[1]))
    parser = LineParser(year=year)
    for line, _stamp, _level in ordered:
        fresh = LineParser(year=year).parse(line)
        got = parser.parse(line)
        assert (got.ts, got.level) == (fresh.ts, fresh.level), line


def _utc(stamp: Stamp) -> datetime:
    when = stamp.when
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
