"""Find the timestamp and the level of log lines, whatever their format.

The parser is a set of timestamp patterns plus level rules, not one rule per
product. Per source it learns which timestamp pattern (and where on the line:
after how many tokens) and which token holds the level, tries that first,
and falls back to the full search when a line stops matching, so the common
case is one anchored regex match and one token match.

Timestamps come from one grammar: the orders of the date parts (Y-m-d, d-m-Y,
m-d-Y, d-b-Y, b-d-Y, compact YYYYMMDD, year-less m-d and b-d) with the separators
logs use, a time with a fraction after a dot, a comma or a colon, and a zone. Where
a line carries several stamps the most complete wins: a date with a year over one
without, an epoch (seconds to nanoseconds) as the tie-breaker; a source learns the
winner's place. A line with a zone or an epoch gives an aware datetime; a line
without a zone gives a naive datetime (the writer's local time, which we do
not know), shown as a naive ISO string. Internally the hot path carries ISO
strings, converted per whole second once (a small cache) with the fraction
spliced in, so ``warroom parse`` never builds a datetime per line;
``ParsedLine.ts`` is made from that string. Year-less formats (syslog,
logcat, klog) take the year given, or else the reference time's year,
stepping back one year for dates that would be in the future. Time-only
stamps ("10:00:01") are not taken: without a date they would be guessed.

Levels are normalised to trace, debug, info, notice, warning, error and
critical. They come from the position a format gives them (the token after
the timestamp, after pid/tid columns, in brackets, ``level=`` pairs, JSON
fields, syslog ``<PRI>``) and never from a word inside the message: the scan
stops at a ``tag:`` token or at the second plain word.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any, TextIO

from warroom.clock import SystemClock
from warroom.timeline.zones import localize

# fmt: off
__all__ = ["LEVELS", "LineParser", "ParsedLine", "normalize_level", "parse_lines",
           "without_stamp", "write_parse_json"]

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


def _numeric_level(key: str, n: int) -> str | None:
    """Numeric levels: bunyan/pino ``level``, Python ``levelno``, syslog/GCP severity."""
    key = _key_name(key)
    if key == "levelno":  # Python logging
        return _PYTHON_LEVELNO.get(n)
    if key in ("severity", "syslogseverity", "priority"):
        if 0 <= n <= 7:
            return _SYSLOG_SEVERITY[n]
        if n >= 100:
            return _GCP[min(n // 100, 6) - 1]  # Google Cloud LogSeverity
        return None
    return _BUNYAN.get(n)  # bunyan / pino


# --- timestamp patterns -------------------------------------------------------------

# fmt: off
# Month and day names in the spellings logs use (Jan, JAN, jan, January): literal
# alternatives, because a case-insensitive group is several times slower to match.
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")


def _spellings(names: tuple[str, ...], short: int = 3) -> str:
    forms = []
    for name in names:
        tail = name[short:]
        for head, rest in ((name[:short], tail), (name[:short].upper(), tail.upper()),
                           (name[:short].lower(), tail.lower())):
            forms.append(head + (f"(?:{rest})?" if rest else ""))
    return "|".join(forms)


_MON = "(?P<b>" + _spellings(_MONTH_NAMES).replace("Sep(?:tember)?", "Sep(?:t(?:ember)?)?") + ")"
_WEEKDAY = "(?:" + _spellings(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                               "Saturday", "Sunday")) + ")"
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
_DAY = r"(?P<d>0?[1-9]|[12]\d|3[01])"
_MONTH = r"(?P<m>0?[1-9]|1[0-2])"
# A fraction after a dot, a comma or (three digits or more) a colon: 10:00:01:123.
_FRAC = r"(?:(?:[.,]|:(?=\d{3}))(?P<f>\d{1,9}))?(?!\d)"
_TIME = r"(?P<H>[01]?\d|2[0-3])(?P<tsep>[:.])(?P<M>[0-5]\d)(?P=tsep)(?P<S>[0-5]\d|60)" + _FRAC
_TZ = (r"(?:(?P<z>Z(?![A-Za-z])|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?(?![\d:]))"
       r"|\s(?P<z2>[+-](?:[01]\d|2[0-3])[0-5]\d(?!\d)|(?:UTC|GMT)(?![A-Za-z])))?")
_DATE_TIME = r"(?:[T_:-]|,?\s+)"  # between the date and the time


@dataclass(slots=True, frozen=True)
class _Pattern:
    """One timestamp shape; one without a year group takes the year from outside."""

    name: str
    regex: re.Pattern[str]


def _p(name: str, rx: str) -> _Pattern:
    return _Pattern(name, re.compile(rx))


# The grammar: the orders of the date parts (Y-m-d, d-m-Y, m-d-Y, d-b-Y, b-d-Y, year-less
# m-d and b-d), each with the separators logs use, then a time with any fraction and zone.
_PATTERNS: tuple[_Pattern, ...] = (
    # ISO-8601 and its relatives: log4j/Python "," millis, Go "/", BGL "-" and "." times,
    # a month name in the middle (2024-Jan-15).
    _p("iso", r"(?<![\d.])(?P<Y>(?:19|20)\d\d)(?P<ds>[-/.])(?:" + _MONTH + "|" + _MON
       + r")(?P=ds)" + _DAY + _DATE_TIME + _TIME + _TZ),
    # Compact: 20240115T100000Z (anywhere), 081109 203615 (HDFS; only at the start of a line).
    _p("compact", r"(?:^\[?|(?<=\s)(?=(?:19|20)\d{6}T))(?P<Y>(?:19|20)?\d\d)"
       r"(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])[ T_-]"
       r"(?P<H>[01]\d|2[0-3])(?P<M>[0-5]\d)(?P<S>[0-5]\d)" + _FRAC + _TZ),
    # A compact date with a separated time anywhere: 20240115-10:00:00:123, 20240115 10.00.00.
    _p("compact_date", r"(?<![\w.])(?P<Y>(?:19|20)\d\d)(?P<m>0[1-9]|1[0-2])"
       r"(?P<d>0[1-9]|[12]\d|3[01])[ T_:-]" + _TIME + _TZ),
    # yy/mm/dd HH:MM:SS (log4j "yy/MM/dd", Spark).
    _p("ymd2", r"(?<![\d/.])(?P<Y>\d\d)/(?P<m>0[1-9]|1[0-2])/(?P<d>0[1-9]|[12]\d|3[01])"
       r"[ T:]" + _TIME),
    # mm/dd/yyyy, mm-dd-yyyy (day first when the first number is over 12) and dd.mm.yyyy.
    _p("dmy", r"(?<![\d/.-])(?P<a>\d{1,2})(?P<ds>[-/.])(?P<c>\d{1,2})(?P=ds)"
       r"(?P<Y>(?:19|20)\d\d)" + _DATE_TIME + _TIME + _TZ),
    # Apache/nginx access (CLF): 10/Oct/2000:13:55:36 -0700.
    _p("clf", _DAY + r"/" + _MON + r"/(?P<Y>\d{4}):" + _TIME + _TZ),
    # 04 Dec 2005 04:47:44, Tue, 15 Nov 1994 08:12:31 GMT, 15-Jan-2024 10:00:00.123 (Tomcat).
    _p("dmonY", r"(?<!\w)" + _DAY + r"[ ./-]" + _MON + r"[ ./-](?P<Y>\d{4})[ T:]+" + _TIME
       + _TZ),
    # syslog "Jun 14 15:16:01", ctime "[Sun Dec 04 04:47:44 2005]", JUL "Jan 15, 2024 1:02:03 PM".
    _p("monD", r"(?<!\w)(?:" + _WEEKDAY + r",?\s+)?" + _MON
       + r"[\s-]+" + _DAY + r",?[\s-]+(?:(?P<Y>\d{4})\s+)?" + _TIME
       + r"(?:\s?(?P<p>[AaPp][Mm])\b)?(?:\s+(?P<Y2>(?:19|20)\d\d)(?!\d))?" + _TZ),
    # Year-less numeric: logcat "03-17 16:13:38.811", "[01.15 10:00:00]", "15/01 10:00:00"
    # (month first unless the first number is over 12).
    _p("md", r"(?<![\w.:/+-])(?P<a>[0-3]?\d)(?P<ds>[-/.])(?P<c>[0-3]?\d)(?:[T_-]|\s+)" + _TIME),
    # klog/glog "I0612 10:11:12.123456" (no year): the level letter is part of the stamp.
    _p("klog", r"^(?P<L>[IWEF])(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])\s+" + _TIME),
)
_KLOG = _PATTERNS[-1]
# An epoch in s, ms, us or ns: at the start of a line, after a key (ts=...), or anywhere
# as a whole token when it confirms a year-less stamp on the same line.
_EPOCH = _p("epoch", r"[\[(]?(?P<E>\d{10}(?:\d{3}){0,3}(?:\.\d{1,9})?)(?![\w.:-])")
_EPOCH_ANY = re.compile(r"(?:(?<=[\s\[(=])|^)(?P<E>\d{9,19}(?:\.\d{1,9})?)(?![\w.:-])")
_HEAD = 160  # how far into a line a timestamp may start
_TWO_DIGITS = re.compile(r"\d\d")
_MIN_EPOCH, _MAX_EPOCH = 946684800, 4102444800  # 2000-01-01 .. 2100-01-01
_EPOCH_DIGITS = {n + extra: n for n in (9, 10) for extra in (0, 3, 6, 9)}
_EPOCH_AGREES = timedelta(hours=27)  # a year-less wall time and an epoch: any zone apart
# fmt: on


def _split_epoch(text: str) -> tuple[str, str] | None:
    """Seconds and fraction digits of an epoch in s, ms, us or ns (told apart by length)."""
    whole, _, frac = text.partition(".")
    # 10 digits of seconds until 2286; 9 before 2001-09-09 (in ms: 12 digits, ...).
    digits = _EPOCH_DIGITS.get(len(whole))
    if digits is None or not whole.isdigit() or not _MIN_EPOCH <= int(whole[:digits]) < _MAX_EPOCH:
        return None
    return whole[:digits], whole[digits:] + frac


def _shape_regex(text: str) -> str:
    """A stamp's text as runs: "2024-01-15 10:00:00" gives ``\\d+-\\d+-\\d+\\s+\\d+:...``."""
    out = []
    for run in _RUNS.findall(text):
        c = run[0]
        out.append(
            r"\d+"
            if c.isdigit()
            else r"[A-Za-z]+"
            if c.isalpha()
            else r"\s+"
            if c.isspace()
            else re.escape(run)
        )
    return "".join(out)


_RUNS = re.compile(r"\d+|[A-Za-z]+|\s+|.")
# A stamp of the learned shape must end where it did: no fraction, zone or AM/PM after it.
_SHAPE_END = r"(?![\d.,:]\d|\d|\s?[+-]\d\d|Z(?![A-Za-z])|\s(?:UTC|GMT|[AaPp][Mm])\b)"


def _with_fraction(base: str, frac: str) -> str:
    """Put fraction digits into a whole-second ISO string, as isoformat() would."""
    micro = (frac + "000000")[:6]
    return base if micro == "000000" else base[:19] + "." + micro + base[19:]


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
_CLOSERS = "]>)}"
_SCAN_TOKENS = 6
_CONTINUATION = re.compile(r"(?:\s|at |Caused by|Suppressed:|Traceback|\.\.\.|File \"|\}|\])")
_CSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
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
    if len(core) == 1:  # logcat "pid tid D", or one bracketed letter "[W]"
        closed = tok[0] in _BRACKETS and len(tok) >= 3 and tok.rstrip(":")[-1] in _CLOSERS
        return _LETTERS.get(core) if numeric_before or closed else None
    if "=" in core:
        key, _, val = core.partition("=")
        if key.lower() in _LOGFMT_KEYS:
            return normalize_level(val.strip("\"'"))
        return None
    if ":" in core or "/" in core:  # "[core:error]", "ERROR:root:msg", "[main/WARN]"
        for part in core.replace("/", ":").split(":"):
            lv = _WORDS.get(part)
            if lv is not None and (part.isupper() or tok[0] in _BRACKETS):
                return lv
        if not first or core[1] != "/":
            return None
    if first and len(core) > 2 and core[1] == "/" and core[0] in _LETTERS:
        return _LETTERS[core[0]]  # logcat brief "D/Tag( 123):"
    return None


def _scan_level(text: str) -> tuple[str | None, int]:
    """First level token near the start of ``text``; returns (level, token index).

    Words inside a bracketed field ("[order service]") are a field, not the message,
    so a level in a second bracket is still found.
    """
    plain = 0
    seen = 0
    numeric_before = False
    in_field = False
    tokens = text.split(None, _SCAN_TOKENS + 2)[: _SCAN_TOKENS + 2]
    for i, tok in enumerate(tokens):
        core = tok.strip(_STRIP)
        if not core or core in ("-", "--", "---"):
            continue
        lv = _word_level(tok, core, seen == 0, numeric_before)
        if lv is not None:
            return lv, i
        seen += 1
        if tok.endswith(":") and ":" not in core and not in_field:
            # The message starts here ("sshd[42]: ..."); it may open with its own level,
            # as databases logging through syslog do ("postgres[7]: [3-1] WARNING:  ...").
            rest = text.split(None, i + 1)
            lv = _message_level(rest[i + 1]) if len(rest) > i + 1 else None
            return (lv, -1) if lv is not None else (None, -1)
        if seen >= _SCAN_TOKENS:
            break
        opens = tok[0] in _BRACKETS and tok.rstrip(":,")[-1] not in _CLOSERS
        if core.isdigit():
            numeric_before = seen == 1 or numeric_before
        else:
            numeric_before = False
            if core.isalpha() and not core.isupper() and not (in_field or opens):
                plain += 1
                if plain >= 2:  # message text has begun
                    break
        if opens:
            in_field = True
        elif in_field and tok.rstrip(":,")[-1] in _CLOSERS:
            in_field = False
    return None, -1


def _message_level(msg: str) -> str | None:
    """The level a message opens with after a ``tag:``: a capital word with a colon or a
    bracketed word, after bracketed counters and key=value fields, or a JSON object's."""
    if msg[:1] == "{":
        try:
            obj = _decode_json(msg)[0]
        except ValueError:
            return None
        return _pick(obj, "level", _LEVEL_KEYS, _json_level)[0] if type(obj) is dict else None
    for tok in msg.split(None, 5)[:5]:
        core = tok.strip(_STRIP)
        if not core:
            continue
        bracketed = tok[0] in _BRACKETS
        lv = _WORDS.get(core)
        if lv is not None and ((core.isupper() and tok.endswith(":")) or bracketed):
            return lv
        if "=" in core:
            key, _, val = core.partition("=")
            if key.lower() in _LOGFMT_KEYS:
                return normalize_level(val.strip("\"'"))
            continue
        if not (bracketed or core.isdigit()):
            return None
    return None


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


# JSON field names, compared by their letters alone (Level, @level, LOG_LEVEL, logLevel,
# severity_text all read as a level), in order of preference.
# fmt: off
_TS_KEYS = ("time", "timestamp", "ts", "t", "datetime", "date", "asctime", "eventtime",
            "timelocal", "createdat", "realtimetimestamp", "timegenerated")
_LEVEL_KEYS = ("level", "severity", "lvl", "loglevel", "levelname", "l", "levelno",
               "priority", "syslogseverity", "s", "severitytext", "levelstr")
# fmt: on


def _key_name(key: str) -> str:
    """A JSON key reduced to its letters in lower case: "@Log_Level" -> "loglevel"."""
    return key.lower().lstrip("@_").replace("_", "").replace(".", "").replace("-", "")


_Result = tuple[str | None, str | None, bool]  # ISO timestamp, level, continuation
_NOTHING: _Result = (None, None, False)
_MISSING = object()


class LineParser:
    """Parse one source's lines in order, learning its format as it goes.

    ``year`` is the year of year-less stamps (syslog, logcat); without it they
    take the year of ``now``, the reference time (pass the app clock's now;
    default the system clock's). Stateful and not thread-safe: one parser
    per source, fed in order, as it tracks the current multi-line record.
    """

    def __init__(
        self, *, year: int | None = None, now: datetime | None = None, zone: tzinfo | None = None
    ) -> None:
        ref = now if now is not None else SystemClock().now()
        # Compared against naive wall times from the log: drop the zone on purpose.
        self._ref = ref.replace(tzinfo=None)
        self._year = year
        # The source's zone: naive stamps become aware in it (None: left naive).
        self._zone = zone
        self._last_zoned: datetime | None = None  # the last zoned time, for DST folds
        self._volatile = False  # the stamp just read depends on the line before (a fold)
        self._rollovers = 0  # New Years seen in a year-less stream
        self._last_yearless: datetime | None = None
        self._pattern: _Pattern | None = None
        # Where the learned stamp starts: after ``_skip`` whitespace-separated tokens
        # plus ``_shift`` characters ("[" in access logs); -1 means anywhere in the head.
        self._skip = 0
        self._shift = 0
        self._slot: re.Pattern[str] | None = None  # finds the learned level token
        self._slot_letter = False  # the learned level is one letter (logcat)
        self._misses = 0  # stamped lines without any level since the format was learned
        self._json = False
        self._json_pattern: _Pattern | None = None
        self._ts_key = "time"
        self._level_key = "level"
        self._json_levels: dict[str | int, str | None] = {}
        # Stamp text -> ISO string (None: no real date); stamps with a fraction are
        # cached by their whole second, so millisecond logs still hit.
        self._cache: dict[str, str | None] = {}
        self._epochs: dict[str, str] = {}
        # The learned stamp's shape and the whole seconds already read through it.
        self._shape: re.Pattern[str] | None = None
        self._shape_text = ""
        self._shape_frac = False
        self._shapes: dict[str, str] = {}
        self._slot_words: dict[str, str | None] = {}  # token at the level slot -> level
        self._record: tuple[str | None, str | None] | None = None
        self._last: tuple[str | None, datetime | None] = (None, None)

    def parse(self, line: str) -> ParsedLine:
        """Parse one line (a trailing newline is ignored)."""
        iso, level, cont = self._parse(line)
        if iso is None:
            return ParsedLine(None, level, cont)
        if self._last[0] != iso:
            self._last = (iso, datetime.fromisoformat(iso))
        return ParsedLine(self._last[1], level, cont)

    # The hot path works on ISO strings: the JSON writer needs no datetime at all.
    def _parse(self, line: str) -> _Result:
        line = line.rstrip("\r\n")
        if not line:
            return _NOTHING
        if "\x1b" in line:  # coloured output: "\x1b[32mINFO\x1b[0m" is still INFO
            line = _CSI.sub("", line)
            if not line:
                return _NOTHING
        if line[0] == "{" or (self._json and line.lstrip()[:1] == "{"):
            found = self._parse_json(line)
            if found is not None:
                self._record = found
                return found[0], found[1], False
        pat = self._pattern
        m = None
        if pat is not None:
            skip = self._skip
            pos = -1
            if skip == 0:
                pos = self._shift
            elif skip > 0:
                parts = line.split(None, skip)
                if len(parts) > skip:
                    pos = len(line) - len(parts[skip]) + self._shift
            else:
                m = pat.regex.search(line, 0, _HEAD)
            if pos >= 0:
                shape = self._shape
                sm = None if shape is None else shape.match(line, pos)
                if sm is not None:
                    # The stamp has the learned shape: a known whole second needs no more.
                    frac = sm.group(2) if self._shape_frac else None
                    base = self._shapes.get(sm.group(1) + sm.group(3) if frac else sm.group(1))
                    if base is not None:
                        iso = base if not frac else _with_fraction(base, frac)
                        return self._after_stamp(line, iso, pos, sm.end(), None)
                m = pat.regex.match(line, pos)
        if m is None:
            if line.isspace():
                return _NOTHING
            record = self._record
            if record is not None and _CONTINUATION.match(line):
                return (*record, True)
            # Every stamp has two digits in a row: a line without them needs no search.
            found_m = self._search(line) if _TWO_DIGITS.search(line, 0, _HEAD) else None
            if found_m is None:
                own = self._line_level(line, 0, 0, None)
                if record is not None and own is None:
                    return (*record, True)
                if own is not None and record is not None and record[1] is None and record[0]:
                    self._record = (record[0], own)  # JUL: the level is on the second line
                    return record[0], own, True
                self._record = None if own is None else (None, own)  # "ERROR:root:..."
                return None, own, False
            pat, m = found_m
            self._learn(line, pat, m)
        iso = self._stamp(pat, m)
        if self._skip >= 0:
            self._learn_shape(pat, m)
        return self._after_stamp(line, iso, m.start(), m.end(), m)

    def _after_stamp(
        self, line: str, iso: str | None, start: int, end: int, m: re.Match[str] | None
    ) -> _Result:
        """The level of a line whose stamp is at ``start:end``; remembers the record."""
        level = None
        slot = self._slot
        if slot is not None:
            found_tok = slot.match(line, end)
            if found_tok is not None:
                tok = found_tok.group(1)
                level = self._slot_words.get(tok, _MISSING)  # type: ignore[assignment]
                if level is _MISSING:
                    core = tok.strip(_STRIP)
                    level = core and _word_level(tok, core, True, self._slot_letter) or None
                    if len(self._slot_words) > 512:
                        self._slot_words.clear()
                    self._slot_words[tok] = level
        if not level and self._misses < _LEVELLESS_AFTER:
            level = self._line_level(line, start, end, m, learn=True)
            if level is None and self._slot is None:
                self._misses += 1
                if self._misses == _LEVELLESS_AFTER:
                    # A format without levels (syslog): only look right after the stamp.
                    self._slot, self._slot_letter = _FIRST_TOKEN, False
        self._record = (iso, level)
        return iso, level, False

    def _learn_shape(self, pat: _Pattern, m: re.Match[str]) -> None:
        """Remember the shape of a stamp just read in full (digits and letters as runs), so
        the next lines are one simple match and a lookup by their whole second."""
        if pat is _EPOCH or pat is _KLOG:
            self._shape = None
            return
        text = m.group()
        at = m.start()
        frac = m.group("f")
        if frac:
            head, tail = text[: m.start("f") - at], text[m.end("f") - at :]
            key = head + tail
            rx = f"({_shape_regex(head)})(\\d+)({_shape_regex(tail)})"
        else:
            key = text
            rx = f"({_shape_regex(text)})()()"
        if self._shape_text != rx:
            self._shape_text = rx
            self._shape = re.compile(rx + _SHAPE_END)
            self._shape_frac = bool(frac)
        base = self._cache.get(key) if frac else self._cache.get(text)
        if base is not None:
            if len(self._shapes) > 4096:
                self._shapes.clear()
            self._shapes[key] = base

    def _learn(self, line: str, pat: _Pattern, m: re.Match[str]) -> None:
        """Remember where this source's stamp is, so later lines need one match."""
        self._pattern, self._slot, self._misses = pat, None, 0
        self._cache.clear()
        self._shapes.clear()
        start = m.start()
        before = line[:start]
        tokens = before.split()
        if not tokens or before[-1].isspace():  # at the start, or starting a token
            self._skip, self._shift = len(tokens), 0 if tokens else start
        elif len(tokens[-1]) <= 2 or tokens[-1].endswith(("=", '="')):
            # after a short opener or a key: "[10/Oct/2000:...", "E, [2024-...", "ts=17..."
            self._skip, self._shift = len(tokens) - 1, len(tokens[-1])
            if self._skip == 0:
                self._shift = start
        else:
            self._skip = -1  # glued to a longer word: search the head

    def _search(self, line: str) -> tuple[_Pattern, re.Match[str]] | None:
        return _find_stamp(line)

    def _stamp(self, pat: _Pattern, m: re.Match[str]) -> str | None:
        """The ISO string for a matched stamp, through the per-second cache."""
        if pat is _EPOCH:
            return self._epoch_iso(m.group("E"))
        cache = self._cache
        frac = m.group("f")
        key = m.group()
        if frac:
            at = m.start()
            key = key[: m.start("f") - at] + key[m.end("f") - at :]
        base = cache.get(key, _MISSING)
        if base is _MISSING:
            base = self._base(pat, m)
            if len(cache) > 4096:
                cache.clear()
            if self._volatile:
                self._volatile = False
            else:
                cache[key] = base
        if base is None or not frac:
            return base  # type: ignore[return-value]
        return _with_fraction(base, frac)  # type: ignore[arg-type]

    def _epoch_iso(self, text: str) -> str | None:
        whole, _, frac = text.partition(".")
        digits = _EPOCH_DIGITS.get(len(whole))
        if digits is not None:  # a second already seen: no checks, no datetime
            base = self._epochs.get(whole[:digits])
            if base is not None:
                frac = whole[digits:] + frac
                return _with_fraction(base, frac) if frac else base
        split = _split_epoch(text)
        if split is None:
            return None
        secs, frac = split
        base = self._epochs.get(secs)
        if base is None:
            base = datetime.fromtimestamp(int(secs), UTC).isoformat()
            if len(self._epochs) > 4096:
                self._epochs.clear()
            self._epochs[secs] = base
        return _with_fraction(base, frac) if frac else base

    def _yearless(self, dt: datetime) -> datetime:
        """Pick the year of a year-less stamp: not in the future, and moving forward."""
        if self._year is None and not self._rollovers and dt > self._ref + timedelta(days=1):
            dt = dt.replace(year=dt.year - 1)  # written before now, so last year's
        last = self._last_yearless
        if last is not None and dt < last - timedelta(days=180):  # December, then January
            self._rollovers += 1
            dt = dt.replace(year=dt.year + 1)
        self._last_yearless = dt
        return dt

    def _base(self, pat: _Pattern, m: re.Match[str]) -> str | None:
        """A stamp to the whole second as ISO-8601; None when it is no real date."""
        g = m.groupdict()
        try:
            month, day, hour, minute, second = _fields(m)  # type: ignore[misc]
            year_text = g.get("Y") or g.get("Y2")
            if year_text:
                year = int(year_text)
                if year < 100:  # POSIX %y: 69-99 are 1900s
                    year += 1900 if year >= 69 else 2000
            else:
                year = (self._year or self._ref.year) + self._rollovers
            # Log wall times are naive unless the line names its zone (module docstring).
            dt = datetime(year, month, day, hour, minute, second)  # noqa: DTZ001
            if not year_text:
                dt = self._yearless(dt)
            z = g.get("z") or g.get("z2")
            if z:
                dt = dt.replace(tzinfo=_tzinfo(z))
            elif self._zone is not None:
                dt = self._zoned(dt)
        except ValueError:
            return None
        return dt.isoformat()

    def _zoned(self, wall: datetime) -> datetime:
        """A naive stamp in the source's zone; an ambiguous one (a DST fold) is not cached."""
        zone = self._zone
        dt = localize(wall, zone, self._last_zoned)  # type: ignore[arg-type]
        if wall.replace(tzinfo=zone, fold=0).utcoffset() != wall.replace(
            tzinfo=zone, fold=1
        ).utcoffset():
            self._volatile = True
        self._last_zoned = dt
        return dt

    def _line_level(
        self, line: str, start: int, end: int, m: re.Match[str] | None = None, learn: bool = False
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
        if lv is not None and learn and idx >= 0:
            self._slot = _slot_regex(idx)
            self._slot_words.clear()
            self._slot_letter = len(rest.split()[idx].strip(_STRIP)) == 1
        return lv

    def _parse_json(self, line: str) -> tuple[str | None, str | None] | None:
        """A JSON object line: timestamp and level from the usual field names."""
        try:
            obj = _decode_json(line if line[0] == "{" else line.lstrip())[0]
        except ValueError:
            return None
        if type(obj) is not dict:
            return None
        self._json = True
        iso, self._ts_key = _pick(obj, self._ts_key, _TS_KEYS, self._json_ts)
        value = obj.get(self._level_key)
        kind = type(value)
        if kind is str or kind is int:  # the learned key's values, read once each
            level = self._json_levels.get(value, _MISSING)
            if level is _MISSING:
                level = _json_level(self._level_key, value)
                if len(self._json_levels) > 256:
                    self._json_levels.clear()
                self._json_levels[value] = level
            if level is not None:
                return iso, level  # type: ignore[return-value]
        key = self._level_key
        level, self._level_key = _pick(obj, key, _LEVEL_KEYS, _json_level)
        if self._level_key != key:
            self._json_levels.clear()
        return iso, level

    def _json_ts(self, key: str, value: Any) -> str | None:
        kind = type(value)
        if kind is int:
            return self._epoch_iso(str(value))
        if kind is float:  # digits, not float maths: .123 must not become .122999
            if not 0 < value < 1e20:  # also NaN and infinity, which JSON here allows
                return None
            return self._epoch_iso(repr(value) if value < 1e15 else str(int(value)))
        if kind is dict:  # MongoDB: {"t": {"$date": "..."}}
            value = value.get("$date")
        if type(value) is not str:
            return None
        pat = self._json_pattern
        m = None if pat is None else pat.regex.match(value)
        if m is None:
            found = self._search(value)
            if found is None:
                return None
            pat, m = found
            self._json_pattern = pat
        return self._stamp(pat, m)


_decode_json = json.JSONDecoder().raw_decode


def _pick(
    obj: dict[str, Any], learned: str, keys: tuple[str, ...], read: Callable[[str, Any], str | None]
) -> tuple[str | None, str]:
    """The field that reads as a value, trying the one learned from earlier lines first,
    then every key whose letters name one (in the order of ``keys``)."""
    value = obj.get(learned)
    if value is not None and (found := read(learned, value)) is not None:
        return found, learned
    named = sorted((keys.index(name), key) for key in obj if (name := _key_name(key)) in keys)
    for _, key in named:
        if (found := read(key, obj[key])) is not None:
            return found, key
    if keys is _LEVEL_KEYS:  # ECS, not flattened: {"log": {"level": ..}}
        log = obj.get("log")
        value = log.get("level") if type(log) is dict else None
        if value is not None and (found := read("level", value)) is not None:
            return found, learned
    return None, learned


def _json_level(key: str, value: Any) -> str | None:
    """A JSON level field: a word, a number, or a number in a string (journald)."""
    kind = type(value)
    if kind is str:
        return _numeric_level(key, int(value)) if value.isdigit() else normalize_level(value)
    if kind is int or (kind is float and math.isfinite(value)):  # JSON here allows NaN
        return _numeric_level(key, int(value))
    return None


def parse_lines(
    lines: Iterable[str], *, year: int | None = None, now: datetime | None = None
) -> Iterator[ParsedLine]:
    """Parse lines of one source in order with a fresh parser."""
    parser = LineParser(year=year, now=now)
    for line in lines:
        yield parser.parse(line)


def _has_year(m: re.Match[str]) -> bool:
    g = m.groupdict()
    return bool(g.get("Y") or g.get("Y2"))


def _find_stamp(line: str) -> tuple[_Pattern, re.Match[str]] | None:
    """The full search: the most complete stamp on the line, then the earliest (then longest).

    A calendar date with a year wins over an epoch, which wins over a year-less date
    (syslog relaying a database's own full stamp; an epoch beside a year-less header).
    An epoch is taken at the start of a line, after a key (``ts=``), or beside a year-less
    stamp it agrees with; elsewhere a long number is more likely an id.
    """
    best: tuple[int, int, int, int] | None = None
    found: tuple[_Pattern, re.Match[str]] | None = None
    for i, pat in enumerate(_PATTERNS):
        m = pat.regex.search(line, 0, _HEAD)
        if m is None:
            continue
        rank = (0 if _has_year(m) else 2, m.start(), -m.end(), i)
        if best is None or rank < best:
            best, found = rank, (pat, m)
    if best is not None and best[0] == 0:
        return found
    epoch = _find_epoch(line, found[1] if found is not None else None)
    return epoch if epoch is not None else found


def _find_epoch(line: str, yearless: re.Match[str] | None) -> tuple[_Pattern, re.Match[str]] | None:
    """An epoch where one is meant as the line's time (see ``_find_stamp``)."""
    for e in _EPOCH_ANY.finditer(line, 0, _HEAD):
        split = _split_epoch(e.group("E"))
        if split is None:
            continue
        start = e.start()
        keyed = start > 0 and line[start - 1] == "="
        leading = start == 0 or (start == 1 and line[0] in "[(")
        if yearless is not None and not leading:
            when = datetime.fromtimestamp(int(split[0]), UTC).replace(tzinfo=None)
            wall = _yearless_wall(yearless, when.year)
            if wall is None or abs(wall - when) > _EPOCH_AGREES:
                continue
        elif not (leading or keyed):
            continue
        m = _EPOCH.regex.match(line, start - 1 if start == 1 else start)
        if m is not None:
            return _EPOCH, m
    return None


def _yearless_wall(m: re.Match[str], year: int) -> datetime | None:
    """A year-less stamp's wall time in a given year (None if it is no date)."""
    fields = _fields(m)
    if fields is None:
        return None
    month, day, hour, minute, second = fields
    try:
        return datetime(year, month, day, hour, minute, second)  # noqa: DTZ001 - wall time
    except ValueError:
        return None


def _fields(m: re.Match[str]) -> tuple[int, int, int, int, int] | None:
    """Month, day, hour, minute, second of a calendar stamp, in the order its format means."""
    g = m.groupdict()
    if g.get("a"):
        a, c = int(g["a"]), int(g["c"])
        if g.get("Y"):  # dd.mm.yyyy; mm/dd/yyyy unless the first is over 12
            month, day = (c, a) if g["ds"] == "." or a > 12 else (a, c)
        else:  # year-less: month first (01.15, 03-17) unless the first is over 12
            month, day = (c, a) if a > 12 else (a, c)
    else:
        month = int(g["m"]) if g.get("m") else _MONTHS[g["b"][:3].lower()]
        day = int(g["d"])
    hour = int(g["H"])
    if g.get("p"):
        hour = hour % 12 + (12 if g["p"][0] in "pP" else 0)
    return month, day, hour, int(g["M"]), min(int(g["S"]), 59)  # a leap second shows as :59


def without_stamp(line: str) -> str:
    """The line without the timestamp it starts with ("2024-05-01T10:00:00Z INFO x" gives
    "INFO x"), for an entry that shows its time already; any other line comes back whole."""
    found = _find_stamp(line)
    if found is None or found[0] is _KLOG or line[: found[1].start()] not in ("", "["):
        return line  # klog's stamp holds its level letter: kept whole
    rest = line[found[1].end() :]
    if line.startswith("[") and rest.startswith("]"):
        rest = rest[1:]
    rest = rest.lstrip(" \t,|")
    return rest or line


_LEVEL_JSON = {lv: f'"{lv}"}}\n' for lv in LEVELS} | {None: "null}\n"}


def write_parse_json(
    path: Path,
    out: TextIO,
    *,
    year: int | None = None,
    now: datetime | None = None,
    zone: tzinfo | None = None,
) -> int:
    """``warroom parse FILE``: one JSON object per input line; returns the line count.

    Opening errors propagate as OSError. Lines are split on b"\\n" only, so the
    numbering matches ``wc -l``/editors even with stray CRs inside a line.
    """
    parser = LineParser(year=year, now=now, zone=zone)
    parse: Callable[[str], _Result] = parser._parse
    n = 0
    buf: list[str] = []
    # Decoded in large chunks by the io layer; newline="\n" splits on LF alone, untranslated.
    with open(path, encoding="utf-8", errors="replace", newline="\n") as fh:
        for text in fh:
            n += 1
            iso, level, _cont = parse(text)
            # ISO strings and level names never need JSON escaping.
            buf.append(
                f'{{"line": {n}, "ts": "{iso}", "level": {_LEVEL_JSON[level]}'
                if iso
                else f'{{"line": {n}, "ts": null, "level": {_LEVEL_JSON[level]}'
            )
            if len(buf) >= 4096:
                out.write("".join(buf))
                buf.clear()
    out.write("".join(buf))
    return n
