"""Find the timestamp and the level of log lines, whatever their format.

The parser is a set of timestamp patterns plus level rules, not one rule per
product. Per source it learns which timestamp pattern (and where on the line)
and which level position the lines use, tries that first, and falls back to
the full search when a line stops matching, so the common case is one
anchored regex match and one short split.

Timestamps: a line with a zone or an epoch gives an aware datetime; a line
without a zone gives a naive datetime (the writer's local time, which we do
not know), shown as a naive ISO string. Year-less formats (syslog, logcat,
klog) take the year given, or the reference time's year, stepping back one
year for dates that would be in the future. Time-only stamps ("10:00:01")
are not taken: without a date they would be guessed, not parsed.

Levels are normalised to trace, debug, info, notice, warning, error and
critical. They come from the position a format gives them (the token after
the timestamp, after pid/tid columns, in brackets, ``level=`` pairs, JSON
fields, syslog ``<PRI>``) and never from a word inside the message: the scan
stops at a ``tag:`` token or at the second plain word.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TextIO

from warroom.clock import SystemClock

# fmt: off
__all__ = ["LEVELS", "LineParser", "ParsedLine", "normalize_level", "parse_lines",
           "write_parse_json"]

LEVELS = ("trace", "debug", "info", "notice", "warning", "error", "critical")

_ALIASES = {
    "trace": "TRACE TRC TRCE FINEST FINER VERBOSE VERB VRB",
    "debug": "DEBUG DBG DEBU DBUG FINE DEBUG1 DEBUG2 DEBUG3 DEBUG4 DEBUG5",
    "info": "INFO INF INFORMATION INFORMATIONAL LOG",
    "notice": "NOTICE",
    "warning": "WARNING WARN WRN WARNG",
    "error": "ERROR ERR ERRO EROR SEVERE",
    "critical": "CRITICAL CRIT CRT FATAL FATA FTL EMERG EMERGENCY ALERT PANIC PANI DPANIC",
}
# One-letter levels (logcat, klog, Ruby) are only taken where a format puts them.
_LETTERS = {"V": "trace", "D": "debug", "I": "info", "W": "warning", "E": "error",
            "F": "critical", "A": "critical"}
_WORDS: dict[str, str] = {}
for _lvl, _names in _ALIASES.items():
    for _name in _names.split():
        for _form in (_name, _name.capitalize(), _name.lower()):
            _WORDS[_form] = _lvl
_UPPER = {w: lv for w, lv in _WORDS.items() if w.isupper()}
_SYSLOG_SEVERITY = ("critical", "critical", "critical", "error", "warning", "notice", "info",
                    "debug")
_PYTHON_LEVELNO = {5: "trace", 10: "debug", 20: "info", 25: "notice", 30: "warning", 40: "error",
                   50: "critical"}
_BUNYAN = {10: "trace", 20: "debug", 30: "info", 40: "warning", 50: "error", 60: "critical"}
_GCP = ("debug", "info", "notice", "warning", "error", "critical")
# fmt: on


def normalize_level(word: str) -> str | None:
    """Map any level spelling (WARN, Warning, E, FATAL, 50...) to one of LEVELS."""
    key = word.strip().upper()
    return _UPPER.get(key) or _LETTERS.get(key)


def _numeric_level(key: str, value: float) -> str | None:
    """Numeric levels: bunyan/pino ``level``, Python ``levelno``, syslog/GCP severity."""
    n = int(value)
    if key == "levelno":  # Python logging
        return _PYTHON_LEVELNO.get(n)
    if key == "severity" or key == "syslog.severity" or key == "priority":
        if 0 <= n <= 7:
            return _SYSLOG_SEVERITY[n]
        if n >= 100:
            return _GCP[min(n // 100, 6) - 1]  # Google Cloud LogSeverity
        return None
    return _BUNYAN.get(n)  # bunyan / pino


# --- timestamp patterns -------------------------------------------------------------

# fmt: off
_MON = (r"(?P<b>(?i:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|"
        r"Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?))")
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
_DAY = r"(?P<d>0?[1-9]|[12]\d|3[01])"
_MONTH = r"(?P<m>0?[1-9]|1[0-2])"
_TIME = r"(?P<H>[01]?\d|2[0-3]):(?P<M>[0-5]\d):(?P<S>[0-5]\d|60)(?:[.,](?P<f>\d{1,9}))?(?!\d)"
_TZ = (r"(?:(?P<z>Z(?![A-Za-z])|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?(?![\d:]))"
       r"|\s(?P<z2>[+-](?:[01]\d|2[0-3])[0-5]\d(?!\d)|(?:UTC|GMT)(?![A-Za-z])))?")


@dataclass(slots=True, frozen=True)
class _Pattern:
    """One timestamp shape; one without a year group takes the year from outside."""

    name: str
    regex: re.Pattern[str]


def _p(name: str, rx: str) -> _Pattern:
    return _Pattern(name, re.compile(rx))


_PATTERNS: tuple[_Pattern, ...] = (
    # ISO-8601 and its relatives: log4j/Python "," millis, Go "/", BGL "-" and "." times.
    _p("iso", r"(?<![\d.])(?P<Y>(?:19|20)\d\d)(?P<ds>[-/.])" + _MONTH + r"(?P=ds)" + _DAY
       + r"(?:[T_:-]|\s+)(?P<H>[01]?\d|2[0-3])(?P<tsep>[:.])(?P<M>[0-5]\d)(?P=tsep)"
       r"(?P<S>[0-5]\d|60)(?:[.,](?P<f>\d{1,9}))?(?!\d)" + _TZ),
    # Compact: 20240115T100000Z, 081109 203615 (HDFS); only at the start of a line.
    _p("compact", r"^\[?(?P<Y>(?:19|20)?\d\d)(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])"
       r"[ T](?P<H>[01]\d|2[0-3])(?P<M>[0-5]\d)(?P<S>[0-5]\d)(?:[.,](?P<f>\d{1,9}))?(?!\d)"
       + _TZ),
    # yy/mm/dd HH:MM:SS (log4j "yy/MM/dd", Spark).
    _p("ymd2", r"(?<![\d/.])(?P<Y>\d\d)/(?P<m>0[1-9]|1[0-2])/(?P<d>0[1-9]|[12]\d|3[01])"
       r"[ T:]" + _TIME),
    # mm/dd/yyyy (dd/mm/yyyy when the first number is over 12) and dd.mm.yyyy.
    _p("dmy", r"(?<![\d/.])(?P<a>\d{1,2})(?P<ds>[/.])(?P<c>\d{1,2})(?P=ds)"
       r"(?P<Y>(?:19|20)\d\d)[ T:,]\s?" + _TIME + _TZ),
    # Apache/nginx access (CLF): 10/Oct/2000:13:55:36 -0700.
    _p("clf", _DAY + r"/" + _MON + r"/(?P<Y>\d{4}):" + _TIME + _TZ),
    # 04 Dec 2005 04:47:44, Tue, 15 Nov 1994 08:12:31 GMT, 15-Jan-2024 10:00:00.123 (Tomcat).
    _p("dmonY", r"(?<!\w)" + _DAY + r"[ -]" + _MON + r"[ -](?P<Y>\d{4})[ T:]+" + _TIME + _TZ),
    # syslog "Jun 14 15:16:01", ctime "[Sun Dec 04 04:47:44 2005]", JUL "Jan 15, 2024 1:02:03 PM".
    _p("monD", r"(?<!\w)(?:(?i:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?" + _MON
       + r"\s+" + _DAY + r",?\s+(?:(?P<Y>\d{4})\s+)?" + _TIME
       + r"(?:\s?(?P<p>[AaPp][Mm])\b)?(?:\s+(?P<Y2>(?:19|20)\d\d)(?!\d))?" + _TZ),
    # Android logcat threadtime "03-17 16:13:38.811" (no year).
    _p("logcat", r"^(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])\s+" + _TIME),
    # klog/glog "I0612 10:11:12.123456" (no year): the level letter is part of the stamp.
    _p("klog", r"^(?P<L>[IWEF])(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])\s+" + _TIME),
)
_KLOG = _PATTERNS[-1]
_EPOCH = _p("epoch", r"^[\[(]?(?P<E>\d{10}(?:\d{3}){0,3}(?:\.\d{1,9})?)(?![\d.:])")
_HEAD = 160  # how far into a line a timestamp may start
_MIN_EPOCH, _MAX_EPOCH = 946684800, 4102444800  # 2000-01-01 .. 2100-01-01
# fmt: on


def _epoch_dt(value: float) -> datetime | None:
    """Seconds, millis, micros or nanos since 1970, told apart by magnitude."""
    for scale in (1, 1e3, 1e6, 1e9):
        secs = value / scale
        if _MIN_EPOCH <= secs < _MAX_EPOCH:
            return datetime.fromtimestamp(secs, UTC)
    return None


def _tzinfo(z: str) -> timezone:
    if z in ("Z", "UTC", "GMT"):
        return UTC
    sign = -1 if z[0] == "-" else 1
    digits = z[1:].replace(":", "")
    mins = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) > 2 else 0)
    return timezone(timedelta(minutes=sign * mins))


# --- level rules --------------------------------------------------------------------

_STRIP = "[]()<>{}:;,|*#\"'"
_BRACKETS = ("[", "<", "(", "{")
_SCAN_TOKENS = 6
_CONTINUATION = re.compile(r"(?:\s|at |Caused by|Suppressed:|Traceback|\.\.\.|File \"|\}|\])")
_PRI = re.compile(r"<(\d{1,3})>")
_LOGFMT_KEYS = frozenset({"level", "lvl", "severity", "loglevel", "log.level", "levelname"})


def _word_level(tok: str, core: str, first: bool, numeric_before: bool) -> str | None:
    """Whether one token is a level, given how it is written and where it stands."""
    lv = _WORDS.get(core)
    if lv is not None:
        if core.isupper():
            return lv
        bracketed = tok[0] in _BRACKETS
        if core[0].isupper():  # "Info", "Warning": first token or bracketed
            return lv if first or bracketed else None
        return lv if bracketed or (first and tok.endswith(":")) else None  # "[notice]"
    if len(core) == 1:
        return _LETTERS.get(core) if numeric_before else None  # logcat "pid tid D"
    if "=" in core:
        key, _, val = core.partition("=")
        if key.lower() in _LOGFMT_KEYS:
            return normalize_level(val.strip("\"'"))
        return None
    if ":" in core:  # "[core:error]", "ERROR:root:msg"
        for part in core.split(":"):
            lv = _WORDS.get(part)
            if lv is not None and (part.isupper() or tok[0] in _BRACKETS):
                return lv
        return None
    if first and len(core) > 2 and core[1] == "/" and core[0] in _LETTERS:
        return _LETTERS[core[0]]  # logcat brief "D/Tag( 123):"
    return None


def _scan_level(text: str) -> tuple[str | None, int]:
    """First level token near the start of ``text``; returns (level, token index)."""
    plain = 0
    seen = 0
    numeric_before = False
    for i, tok in enumerate(text.split(None, _SCAN_TOKENS + 2)[: _SCAN_TOKENS + 2]):
        core = tok.strip(_STRIP)
        if not core or core in ("-", "--", "---"):
            continue
        lv = _word_level(tok, core, seen == 0, numeric_before)
        if lv is not None:
            return lv, i
        seen += 1
        if seen >= _SCAN_TOKENS or (tok.endswith(":") and ":" not in core):
            break
        if core.isdigit():
            numeric_before = seen == 1 or numeric_before
        else:
            numeric_before = False
            if core.isalpha() and not core.isupper():
                plain += 1
                if plain >= 2:  # message text has begun
                    break
    return None, -1


def _slot_regex(index: int) -> re.Pattern[str]:
    """Finds the ``index``-th whitespace-separated token (no backtracking blow-up)."""
    return re.compile(rf"\s*(?:\S+\s+){{{index}}}(\S+)")


_FIRST_TOKEN = _slot_regex(0)
_LEVELLESS_AFTER = 64


# --- the parser ---------------------------------------------------------------------


@dataclass(slots=True, frozen=True)
class ParsedLine:
    """A line's timestamp (aware if the line had a zone) and normalised level."""

    ts: datetime | None
    level: str | None
    continuation: bool


# fmt: off
_TS_KEYS = ("time", "timestamp", "ts", "@timestamp", "t", "datetime", "date", "@t", "asctime",
            "eventTime", "time_local", "created_at", "__REALTIME_TIMESTAMP")
_LEVEL_KEYS = ("level", "severity", "lvl", "log.level", "levelname", "loglevel", "@l",
               "levelno", "priority", "PRIORITY", "syslog.severity", "s")
# fmt: on

_Result = tuple[datetime | None, str | None, str | None, bool]  # ts, iso, level, continuation
_NOTHING: _Result = (None, None, None, False)


class LineParser:
    """Parse one source's lines in order, learning its format as it goes.

    Not thread-safe: one parser per source.
    """

    def __init__(self, *, year: int | None = None, now: datetime | None = None) -> None:
        ref = now if now is not None else SystemClock().now()
        # Compared against naive wall times from the log: drop the zone on purpose.
        self._ref = ref.replace(tzinfo=None)
        self._year = year
        self._pattern: _Pattern | None = None
        # Where the learned stamp starts: after ``_skip`` whitespace-separated tokens
        # plus ``_shift`` characters ("[" in access logs); -1 means anywhere in the head.
        self._skip = 0
        self._shift = 0
        self._slot: re.Pattern[str] | None = None  # finds the learned level token
        self._slot_letter = False  # the learned level is one letter (logcat)
        self._misses = 0  # stamped lines without any level since the format was learned
        self._json = False
        self._ts_key = "time"
        self._level_key = "level"
        self._cache: dict[str, tuple[datetime, str] | None] = {}
        self._record: tuple[datetime | None, str | None, str | None] | None = None

    def parse(self, line: str) -> ParsedLine:
        """Parse one line (a trailing newline is ignored)."""
        ts, _iso, level, cont = self._parse(line)
        return ParsedLine(ts, level, cont)

    # The hot path: returns the ISO string too, so the JSON writer need not format again.
    def _parse(self, line: str) -> _Result:
        line = line.rstrip("\r\n")
        if not line:
            return _NOTHING
        if line[0] == "{" or (self._json and line.lstrip()[:1] == "{"):
            found = self._parse_json(line)
            if found is not None:
                self._record = found
                return (*found, False)
        pat = self._pattern
        m = None
        if pat is not None:
            skip = self._skip
            if skip == 0:
                m = pat.regex.match(line, self._shift)
            elif skip > 0:
                parts = line.split(None, skip)
                if len(parts) > skip:
                    m = pat.regex.match(line, len(line) - len(parts[skip]) + self._shift)
            else:
                m = pat.regex.search(line, 0, _HEAD)
        if m is None:
            if line.isspace():
                return _NOTHING
            record = self._record
            if record is not None and _CONTINUATION.match(line):
                return (*record, True)
            found_m = self._search(line)
            if found_m is None:
                own = self._line_level(line, 0, 0, None)
                if record is not None and own is None:
                    return (*record, True)
                return (None, None, own, False)
            pat, m = found_m
            self._learn(line, pat, m)
        text = m.group()
        conv = self._cache.get(text, False)
        if conv is False:
            conv = self._convert(pat, m)
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[text] = conv
        ts, iso = (None, None) if conv is None else conv  # None: no real date (Feb 30)
        level = None
        slot = self._slot
        if slot is not None:
            found_tok = slot.match(line, m.end())
            if found_tok is not None:
                tok = found_tok.group(1)
                core = tok.strip(_STRIP)
                level = _UPPER.get(core) or (
                    core and _word_level(tok, core, True, self._slot_letter)
                )
        if not level:
            if self._misses < _LEVELLESS_AFTER:
                level = self._line_level(line, m.start(), m.end(), m)
                if level is None and self._slot is None:
                    self._misses += 1
            else:  # a format without levels (syslog): only look right after the stamp
                found_tok = _FIRST_TOKEN.match(line, m.end())
                if found_tok is not None:
                    tok = found_tok.group(1)
                    core = tok.strip(_STRIP)
                    level = core and _word_level(tok, core, True, False) or None
        self._record = (ts, iso, level)
        return ts, iso, level, False

    def _learn(self, line: str, pat: _Pattern, m: re.Match[str]) -> None:
        """Remember where this source's stamp is, so later lines need one match."""
        self._pattern, self._slot, self._misses = pat, None, 0
        self._cache.clear()
        start = m.start()
        before = line[:start]
        tokens = before.split()
        if not tokens or before[-1].isspace():  # at the start, or starting a token
            self._skip, self._shift = len(tokens), 0 if tokens else start
        elif len(tokens[-1]) <= 2:  # after a short opener: "[10/Oct/2000:...", "E, [2024-..."
            self._skip, self._shift = len(tokens) - 1, len(tokens[-1])
            if self._skip == 0:
                self._shift = start
        else:
            self._skip = -1  # glued to a longer word: search the head

    def _search(self, line: str) -> tuple[_Pattern, re.Match[str]] | None:
        """The full search: earliest (then longest) calendar stamp, else a leading epoch."""
        best: tuple[_Pattern, re.Match[str]] | None = None
        for pat in _PATTERNS:
            m = pat.regex.search(line, 0, _HEAD)
            if m is not None and (
                best is None
                or m.start() < best[1].start()
                or (m.start() == best[1].start() and m.end() > best[1].end())
            ):
                best = (pat, m)
        if best is None:
            m = _EPOCH.regex.match(line)
            if m is not None and _epoch_dt(float(m.group("E"))) is not None:
                best = (_EPOCH, m)
        return best

    def _convert(self, pat: _Pattern, m: re.Match[str]) -> tuple[datetime, str] | None:
        """Turn a match into (datetime, ISO string); None when it is no real date."""
        g = m.groupdict()
        try:
            if pat is _EPOCH:
                dt = _epoch_dt(float(g["E"]))
                return None if dt is None else (dt, dt.isoformat())
            if pat.name == "dmy":
                a, c = int(g["a"]), int(g["c"])
                month, day = (c, a) if g["ds"] == "." or a > 12 else (a, c)
            else:
                month = int(g["m"]) if g.get("m") else _MONTHS[g["b"][:3].lower()]
                day = int(g["d"])
            hour = int(g["H"])
            if g.get("p"):
                hour = hour % 12 + (12 if g["p"][0] in "pP" else 0)
            frac = g.get("f")
            micro = int(frac[:6].ljust(6, "0")) if frac else 0
            second = min(int(g["S"]), 59)  # a leap second shows as :59
            year_text = g.get("Y") or g.get("Y2")
            if year_text:
                year = int(year_text)
                if year < 100:  # POSIX %y: 69-99 are 1900s
                    year += 1900 if year >= 69 else 2000
                guessed = False
            else:
                year = self._year if self._year is not None else self._ref.year
                guessed = self._year is None
            # Log wall times are naive unless the line names its zone (module docstring).
            dt = datetime(year, month, day, hour, int(g["M"]), second, micro)  # noqa: DTZ001
            if guessed and dt > self._ref + timedelta(days=1):
                dt = dt.replace(year=year - 1)
            z = g.get("z") or g.get("z2")
            if z:
                dt = dt.replace(tzinfo=_tzinfo(z))
        except ValueError:
            return None
        return dt, dt.isoformat()

    def _line_level(
        self, line: str, start: int, end: int, m: re.Match[str] | None = None
    ) -> str | None:
        """The level at the format's position: inline, learned slot, prefix, or scan."""
        if m is not None and m.re is _KLOG.regex:
            return _LETTERS[m.group("L")]
        if line[0] == "<":
            pri = _PRI.match(line)
            if pri is not None:
                return _SYSLOG_SEVERITY[int(pri.group(1)) % 8]
        rest = line[end : end + 200]
        if start > 0:  # "[ERROR] 2024-...", "level=info ts=..."
            lv, _ = _scan_level(line[:start])
            if lv is not None:
                return lv
        lv, idx = _scan_level(rest)
        if lv is not None and m is not None:
            self._slot = _slot_regex(idx)
            self._slot_letter = len(rest.split()[idx].strip(_STRIP)) == 1
        return lv

    def _parse_json(self, line: str) -> tuple[datetime | None, str | None, str | None] | None:
        """A JSON object line: timestamp and level from the usual field names."""
        try:
            obj = json.loads(line)
        except ValueError:
            return None
        if not isinstance(obj, dict):
            return None
        self._json = True
        ts = iso = level = None
        for key in (self._ts_key, *_TS_KEYS):
            value = obj.get(key)
            if value is None:
                continue
            conv = self._json_ts(value)
            if conv is not None:
                ts, iso = conv
                self._ts_key = key
                break
        log = obj.get("log")
        for key in (self._level_key, *_LEVEL_KEYS):
            value = obj.get(key)
            if value is None and key == "log.level" and isinstance(log, dict):
                value = log.get("level")
            if value is None:
                continue
            if isinstance(value, bool):
                continue
            if isinstance(value, int | float):
                level = _numeric_level(key, value)
            elif isinstance(value, str):  # journald's "PRIORITY": "6" is a number too
                digits = value.isdigit()
                level = (
                    _numeric_level(key.lower(), int(value)) if digits else normalize_level(value)
                )
            if level is not None:
                self._level_key = key
                break
        return ts, iso, level

    def _json_ts(self, value: Any) -> tuple[datetime, str] | None:
        if isinstance(value, dict):  # MongoDB: {"t": {"$date": "..."}}
            value = value.get("$date")
        if isinstance(value, bool):
            return None
        if isinstance(value, int | float):
            dt = _epoch_dt(float(value))
            return None if dt is None else (dt, dt.isoformat())
        if not isinstance(value, str):
            return None
        hit = self._cache.get(value, False)
        if hit is False:
            found = self._search(value)
            hit = None if found is None else self._convert(*found)
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[value] = hit
        return hit


def parse_lines(
    lines: Iterable[str], *, year: int | None = None, now: datetime | None = None
) -> Iterator[ParsedLine]:
    """Parse lines of one source in order with a fresh parser."""
    parser = LineParser(year=year, now=now)
    for line in lines:
        yield parser.parse(line)


def write_parse_json(
    path: Path, out: TextIO, *, year: int | None = None, now: datetime | None = None
) -> int:
    """``warroom parse FILE``: one JSON object per input line; returns the line count.

    Opening errors propagate as OSError. Lines are split on b"\\n" only, so the
    numbering matches ``wc -l``/editors even with stray CRs inside a line.
    """
    parser = LineParser(year=year, now=now)
    parse: Callable[[str], _Result] = parser._parse
    n = 0
    buf: list[str] = []
    with open(path, "rb") as fh:
        for raw in fh:
            n += 1
            _ts, iso, level, _cont = parse(raw.decode("utf-8", "replace"))
            # ISO strings and level names never need JSON escaping.
            ts_json = '"' + iso + '"' if iso else "null"
            level_json = '"' + level + '"' if level else "null"
            buf.append(f'{{"line": {n}, "ts": {ts_json}, "level": {level_json}}}\n')
            if len(buf) >= 4096:
                out.write("".join(buf))
                buf.clear()
    out.write("".join(buf))
    return n
