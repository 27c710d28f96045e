"""INC-2's metrics as people write them: list lines, a Markdown table, or a sentence.

"error rate — 38% → 0.2%", "| error rate | 38% | 0.2% |", "38% before, 0.2%
after" and "error rate fell from 38% to 0.2%" all say the same thing. Each is
read into (name, before, after); `judge` then says whether the change went the
way the metric's name says is better (error rate, latency: down; availability,
success: up), from the vocabulary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from warroom.core.markdown import ARROW, is_placeholder, rsplit_dash, strip_marker

_NUM = r"[~≈<>]?\s*-?\d[\d,]*(?:\.\d+)?\s*(?:%|ms|µs|us|s|sec|secs|seconds?|m|mins?|minutes?|h|" \
       r"hours?|k|K|M|rps|qps|req/s|/s|/min|x|GB|MB|KB|errors?|requests?)?(?![\w])"
_PROSE = (
    # "error rate fell from 38% to 0.2%", "from 38% to 0.2%"
    re.compile(rf"^(?P<name>.*?)[\s:—–-]*(?:\b\w+\s+)?\bfrom\s+(?P<before>{_NUM})\s+"
               rf"(?:down\s+|up\s+|back\s+)?to\s+(?P<after>{_NUM})", re.IGNORECASE),
    # "38% before, 0.2% after", "error rate 38% before and 0.2% after"
    re.compile(rf"^(?P<name>.*?)[\s:—–-]*(?P<before>{_NUM})\s*(?:\(\s*)?before\)?[\s,;]*"
               rf"(?:and\s+|but\s+)?(?P<after>{_NUM})\s*(?:\(\s*)?after\b", re.IGNORECASE),
    # "before: 38%, after: 0.2%"
    re.compile(rf"^(?P<name>.*?)[\s:—–-]*before[\s:=]+(?P<before>{_NUM})[\s,;]*(?:and\s+)?"
               rf"after[\s:=]+(?P<after>{_NUM})", re.IGNORECASE),
    # "error rate was 38%, now 0.2%"
    re.compile(rf"^(?P<name>.*?)\s+(?:was|were|at)\s+(?P<before>{_NUM})[\s,;]*(?:and\s+)?"
               rf"(?:is\s+|are\s+)?(?:now|since then|after)\s+(?:at\s+)?(?P<after>{_NUM})",
               re.IGNORECASE),
)
_TABLE_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_TABLE_RULE = re.compile(r"^[\s|:-]+$")
_SCALE = {"us": 0.001, "µs": 0.001, "ms": 1.0, "s": 1000.0, "sec": 1000.0, "secs": 1000.0,
          "second": 1000.0, "seconds": 1000.0, "m": 60000.0, "min": 60000.0, "mins": 60000.0,
          "minute": 60000.0, "minutes": 60000.0, "h": 3600000.0, "hour": 3600000.0,
          "hours": 3600000.0, "k": 1000.0, "K": 1000.0, "M": 1e6}


@dataclass(frozen=True)
class Reading:
    """One metric as read: its name, before and after, and the line it came from."""

    name: str
    before: str | None
    after: str | None
    line: int


def _value(text: str) -> float | None:
    """A number with its unit scaled (seconds to ms, k to thousands); None if there is none."""
    match = re.search(r"(-?\d[\d,]*(?:\.\d+)?)\s*([a-zA-Zµ%/]*)", text)
    if not match:
        return None
    number = float(match[1].replace(",", ""))
    return number * _SCALE.get(match[2], _SCALE.get(match[2].lower(), 1.0))


def judge(before: str | None, after: str | None, direction: str | None) -> str | None:
    """"better", "worse" or "same" for a change in a metric that gets better `direction`.

    None when a side has no number, or the direction is not known from the name.
    """
    if not before or not after:
        return None
    b, a = _value(before), _value(after)
    if b is None or a is None:
        return None
    if a == b:
        return "same"
    if direction is None:
        return None
    return "better" if (a < b) == (direction == "down") else "worse"


def _table(lines: list[tuple[int, str]]) -> list[Reading]:
    """A Markdown table: a name column, then before and after (by header, else in order)."""
    rows = [(n, [c.strip() for c in m[1].split("|")]) for n, line in lines
            if (m := _TABLE_ROW.match(line))]
    rows = [(n, cells) for n, cells in rows if not _TABLE_RULE.match("|".join(cells))]
    if len(rows) < 2:
        return []
    header = [c.lower() for c in rows[0][1]]

    def column(words: tuple[str, ...], default: int) -> int:
        return next((i for i, h in enumerate(header) if any(w in h for w in words)), default)

    before = column(("before", "was", "peak", "during", "from", "incident"), 1)
    after = column(("after", "now", "current", "to", "since", "mitigat"), 2)
    found = []
    for n, cells in rows[1:]:
        if len(cells) <= max(before, after):
            continue
        name = " ".join(c for i, c in enumerate(cells) if i not in (before, after)) or cells[0]
        found.append(Reading(name.strip(), cells[before] or None, cells[after] or None, n))
    return found


def _line(text: str, number: int) -> Reading | None:
    """One list line or sentence; None when it states no before and after."""
    sides = ARROW.split(text, maxsplit=1)
    if len(sides) == 2:
        name, before = rsplit_dash(sides[0])
        if before is None and (
            split := re.match(r"^(.*?\D)(?::\s*|\s+)(\d\S*(?:\s*\S+)?)$", name)
        ):
            name, before = split[1].strip(), split[2]
        if before is None and re.fullmatch(_NUM, name.strip()):
            name, before = "", name
        return Reading(name.strip(" :—-"), before, sides[1].strip() or None, number)
    for pattern in _PROSE:
        if match := pattern.search(text):
            name = re.sub(r"\b(?:fell|dropped|rose|went|climbed|improved|recovered|increased|"
                          r"decreased|went down|went up|came down|is|was)\s*$", "",
                          match["name"].strip(" :—–-,")).strip(" :—–-,")
            return Reading(name, match["before"].strip(), match["after"].strip(), number)
    return None


def read_metrics(body: str) -> list[Reading]:
    """The metrics in an INC-2 Metrics section, in order; a line that states no before and
    after is kept with its text as the name and no values (the caller says so)."""
    numbered = [(n, line) for n, line in enumerate(body.split("\n"), start=1)
                if not is_placeholder(strip_marker(line))]
    found = _table([(n, line) for n, line in numbered if _TABLE_ROW.match(line)])
    for n, line in numbered:
        if _TABLE_ROW.match(line) or line.lstrip().startswith("#"):
            continue
        text = strip_marker(line)
        pieces = [text] if ARROW.search(text) else [
            p for p in re.split(r"(?<=[.;])\s+", text) if p.strip()]
        read = [m for p in pieces if (m := _line(p, n))]
        found += read or [Reading(text, None, None, n)]
    return sorted(found, key=lambda r: r.line)
