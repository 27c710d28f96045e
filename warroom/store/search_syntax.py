"""What people type into a search, turned into safe FTS5 terms and filters.

Written for someone under stress: plain words are ANDed and match as
prefixes ("conn pool" finds "connection pool"), double quotes make a phrase,
and `sev:` / `status:` / `since:` / `until:` tokens filter. Nothing typed can
become FTS5 syntax: every term is rebuilt from its letters and digits inside
double quotes, so a stray `"`, `-`, `:`, `(`, `*` or `NEAR` is text, never an
error.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from warroom.clock import parse_when
from warroom.core.models import Severity, Status

MARK_OPEN, MARK_CLOSE = "«", "»"  # around matched words in a snippet; never markup
MAX_TERMS = 16  # a pasted log line is not a query; the first words are plenty
MIN_PREFIX = 2  # a one-letter prefix matches most of the index and tells nothing

# A quoted phrase (the closing quote may be missing), or a run of anything else.
_TOKEN = re.compile(r'"([^"]*)(?:"|$)|([^\s"]+)')
# Letters and digits: what FTS5's unicode61 tokenizer keeps as token characters.
_WORD = re.compile(r"[^\W_]+")
_FILTER = re.compile(r"^(sev|severity|status|since|until):(.*)$", re.IGNORECASE)
_RELATIVE = re.compile(r"^(\d{1,4})([mhdw])$", re.IGNORECASE)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


@dataclass(frozen=True, slots=True)
class Term:
    """One word or phrase of a query, as FTS5 tokens; ANDed with the other terms."""

    tokens: tuple[str, ...]
    prefix: bool  # the last token matches as a prefix (a plain word, still being typed)

    def fts(self, cut: int = 0) -> str:
        """The FTS5 string for this term; `cut` drops letters from the prefix's end."""
        tokens = list(self.tokens)
        if cut:
            tokens[-1] = tokens[-1][:-cut]
        return '"' + " ".join(tokens) + '"' + ("*" if self.prefix else "")

    def cuts(self) -> range:
        """How many letters may be dropped when the prefix itself finds nothing.

        The porter stemmer indexes "connection" as "connect", so the prefix
        "connecti" (typed on the way to "connection") matches no stored token;
        one to three letters fewer does.
        """
        last = self.tokens[-1]
        if not self.prefix or len(last) < 6:
            return range(0)
        return range(1, min(3, len(last) - 5) + 1)


def query_terms(query: str) -> list[Term]:
    """Split a query into terms: words (prefix) and "quoted phrases" (exact)."""
    terms: list[Term] = []
    for match in _TOKEN.finditer(unicodedata.normalize("NFKC", query)):
        phrase, word = match.group(1), match.group(2)
        tokens = tuple(_WORD.findall(phrase if phrase is not None else word))
        if not tokens:
            continue
        prefix = phrase is None and len(tokens[-1]) >= MIN_PREFIX
        terms.append(Term(tokens, prefix))
    return terms[:MAX_TERMS]


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """A search box's text split into free text and filters, with what could not be read."""

    text: str = ""
    severity: frozenset[Severity] | None = None
    status: frozenset[Status] | None = None
    since: datetime | None = None
    until: datetime | None = None
    problems: tuple[str, ...] = field(default_factory=tuple)

    @property
    def filtered(self) -> bool:
        return any(f is not None for f in (self.severity, self.status, self.since, self.until))


def parse_bound(text: str, *, now: datetime, end: bool = False) -> datetime:
    """A date filter's value: an ISO time or date, or an age such as 30m, 12h, 7d, 2w.

    A bare date as the end of a range means the end of that day (people who
    type until:2026-11-27 mean to include the 27th). Raises ValueError.
    """
    raw = text.strip()
    relative = _RELATIVE.match(raw)
    if relative:
        amount, unit = int(relative.group(1)), relative.group(2).lower()
        return now - timedelta(**{_UNITS[unit]: amount})
    try:
        at = parse_when(raw)
    except ValueError:
        raise ValueError(
            f"{text!r} is not a date; use e.g. 2026-11-01, 2026-11-01T14:00Z or 7d"
        ) from None
    if end and re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        at += timedelta(days=1)
    return at.astimezone(UTC)


def _choices(kind: str, raw: str, members: type[Severity] | type[Status]) -> set:
    """Members named by a comma list; a prefix is enough ("crit", "mit")."""
    chosen = set()
    for part in filter(None, (p.strip().lower() for p in raw.split(","))):
        found = [m for m in members if m.value.lower().startswith(part)]
        if not found:
            names = ", ".join(m.value.lower() for m in members)
            raise ValueError(f"{kind}:{part} is not one of {names}")
        chosen.update(found)
    return chosen


def parse_search(text: str, *, now: datetime) -> SearchRequest:
    """Take `sev:`, `status:`, `since:` and `until:` tokens out of a search box's text.

    Values may be comma lists and repeated tokens add up (sev:crit,major).
    A token whose value cannot be read is dropped with a problem to show;
    one with no value yet (still being typed) is dropped quietly.
    """
    kept: list[str] = []
    severity: set[Severity] = set()
    status: set[Status] = set()
    since = until = None
    problems: list[str] = []
    for match in _TOKEN.finditer(text):
        phrase, word = match.group(1), match.group(2)
        if phrase is not None:
            kept.append(f'"{phrase}"')
            continue
        found = _FILTER.match(word)
        if not found:
            kept.append(word)
            continue
        key, value = found.group(1).lower(), found.group(2)
        if not value.strip(","):
            continue
        try:
            if key in ("sev", "severity"):
                severity |= _choices("sev", value, Severity)
            elif key == "status":
                status |= _choices("status", value, Status)
            elif key == "since":
                since = parse_bound(value, now=now)
            else:
                until = parse_bound(value, now=now, end=True)
        except ValueError as exc:
            problems.append(str(exc))
    return SearchRequest(
        text=" ".join(kept),
        severity=frozenset(severity) or None,
        status=frozenset(status) or None,
        since=since,
        until=until,
        problems=tuple(problems),
    )


def marked_segments(snippet: str) -> list[tuple[str, bool]]:
    """A snippet as (text, matched) pieces, for a UI to highlight or a CLI to print."""
    pieces: list[tuple[str, bool]] = []
    for part in re.split(f"({MARK_OPEN}[^{MARK_CLOSE}]*{MARK_CLOSE})", snippet):
        if part.startswith(MARK_OPEN) and part.endswith(MARK_CLOSE) and len(part) >= 2:
            pieces.append((part[1:-1], True))
        elif part:
            pieces.append((part, False))
    return pieces
