"""Search past incidents: titles, the latest artifacts and the timeline, through SQLite FTS5.

An incident matches when every term of the query is found somewhere in its
record (the title, the newest version of any artifact, or a note or pinned
line of its timeline); the words need not sit in the same place. Only the
newest version of an artifact counts, so words that were edited away stop
matching. Words an artifact only has because its template put them there
(headings such as "Root Cause", labels such as "Users affected:") do not
count either, or every incident with a saved INC-1 would match "impact".
System events (phase changes, decisions) are the audit log, not the record
of what happened: they are not searched; severity and status have filters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import sqlite_utils

from warroom.core.models import Incident, Severity, Status
from warroom.store.search_syntax import MARK_CLOSE, MARK_OPEN, Term, query_terms

if TYPE_CHECKING:
    from warroom.store.store import Store

# What FTS5's highlight() puts around matches: private-use characters no one types.
_HL_OPEN, _HL_CLOSE = "\ue000", "\ue001"
_HL_SPLIT = re.compile(f"({_HL_OPEN}|{_HL_CLOSE})")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_PLACEHOLDER = re.compile(r"<[^>]*>")
_HAS_WORD = re.compile(r"[^\W_]")
SNIPPET_CHARS = 80
_LEAD = 24  # context kept before the first match
# A title that matches says more than a word deep in an artifact.
_WEIGHT = {"title": 2.0, "artifact": 1.0, "timeline": 1.0}

_TITLE_SQL = """
select incidents_fts.rowid as doc, incidents_fts.rowid as incident_id,
       bm25(incidents_fts) as rank
from incidents_fts where incidents_fts match ?
"""
_ARTIFACT_SQL = """
select a.id as doc, a.incident_id, a.phase, a.version, bm25(artifact_versions_fts) as rank,
       highlight(artifact_versions_fts, 0, ?, ?) as marked
from artifact_versions_fts join artifact_versions a on a.id = artifact_versions_fts.rowid
where artifact_versions_fts match ?
  and a.version = (select max(v.version) from artifact_versions v
                   where v.incident_id = a.incident_id and v.phase = a.phase)
"""
_TIMELINE_SQL = """
select e.id as doc, e.incident_id, bm25(timeline_events_fts) as rank
from timeline_events_fts join timeline_events e on e.id = timeline_events_fts.rowid
where timeline_events_fts match ? and e.removed = 0 and e.kind != 'system'
"""
_FTS_TABLES = ("incidents_fts", "artifact_versions_fts", "timeline_events_fts")


@dataclass(frozen=True, slots=True)
class Match:
    """One place an incident matched, with a one-line snippet (matches between « and »)."""

    where: str  # "title", "INC-4 v3", "timeline"
    snippet: str


@dataclass(frozen=True, slots=True)
class SearchHit:
    """An incident a search found, how well it matched, and where."""

    incident: Incident
    score: float = 0.0  # higher is better; 0 when there was no text to match
    matches: tuple[Match, ...] = ()

    @property
    def where(self) -> list[str]:
        return [m.where for m in self.matches]


@dataclass(slots=True)
class _Doc:
    """A title, artifact version or timeline event that matched at least one term."""

    source: str  # "title", "artifact", "timeline"
    doc: int
    incident_id: int
    where: str
    order: int  # title first, artifacts in phase order, then the timeline
    relevance: dict[int, float] = field(default_factory=dict)  # per term found here
    plain: str = ""  # artifacts only: the body, with the spans that count
    spans: set[tuple[int, int]] = field(default_factory=set)


def search_incidents(
    store: Store,
    query: str = "",
    *,
    severity: set[Severity] | frozenset[Severity] | None = None,
    status: set[Status] | frozenset[Status] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 200,
) -> list[SearchHit]:
    """Incidents matching every term of `query` and every filter, best match first.

    Without any words the filtered incidents come newest first. Date filters
    apply to detection time: since <= detected_at < until.
    """
    for bound in (since, until):
        if bound is not None and bound.tzinfo is None:
            raise ValueError("search dates must be timezone-aware")
    allowed = {
        i.id: i
        for i in store.incidents()
        if (severity is None or i.severity in severity)
        and (status is None or i.status in status)
        and (since is None or i.detected_at >= since)
        and (until is None or i.detected_at < until)
    }
    terms = query_terms(query)
    if not terms:
        return [SearchHit(i) for i in list(allowed.values())[:limit]]
    db = store.db
    expressions = [_resolve(db, term) for term in terms]
    docs: dict[tuple[str, int], _Doc] = {}
    masks: dict[int, _Mask] = {}
    for number, expression in enumerate(expressions):
        for doc, relevance in _term_docs(store, expression, allowed, masks, docs):
            doc.relevance[number] = relevance
    by_incident: dict[int, list[_Doc]] = {}
    for doc in docs.values():
        by_incident.setdefault(doc.incident_id, []).append(doc)
    scores: dict[int, float] = {}
    for incident_id, found in by_incident.items():
        score = _score(found, len(terms))
        if score is not None:
            scores[incident_id] = score
    newest = {i: allowed[i].detected_at.timestamp() for i in scores}
    ranked = sorted(scores, key=lambda i: (-scores[i], -newest[i], -i))[:limit]
    everything = " OR ".join(expressions)
    return [
        SearchHit(allowed[i], scores[i], _matches(db, by_incident[i], everything)) for i in ranked
    ]


def _score(found: list[_Doc], terms: int) -> float | None:
    """None unless every term is found; else each term's best place, plus cohesion.

    A place counts its weight (a title most) and its bm25 relevance; an
    incident whose words sit together in one place beats one where they are
    scattered. bm25 alone is near zero in a small history, hence the weights.
    """
    best = [[d.relevance[n] for d in found if n in d.relevance] for n in range(terms)]
    if not all(best):
        return None
    together = max(len(d.relevance) for d in found)
    return round(sum(max(places) for places in best) + 0.5 * (together - 1), 4)


def _resolve(db: sqlite_utils.Database, term: Term) -> str:
    """The term's FTS5 string; for a prefix cut short by stemming, a few letters fewer."""
    expression = term.fts()
    for cut in term.cuts():
        if _anywhere(db, expression):
            return expression
        expression = term.fts(cut)
    return expression


def _anywhere(db: sqlite_utils.Database, expression: str) -> bool:
    return any(
        db.execute(f"select 1 from {table} where {table} match ? limit 1", [expression]).fetchone()
        for table in _FTS_TABLES
    )


def _term_docs(
    store: Store,
    expression: str,
    allowed: dict[int, Incident],
    masks: dict[int, _Mask],
    docs: dict[tuple[str, int], _Doc],
) -> Iterator[tuple[_Doc, float]]:
    """Every place one term matches, with its relevance there (weight x (1 - bm25))."""
    db = store.db
    for row in db.execute(_TITLE_SQL, [expression]).fetchall():
        if row[1] in allowed:
            doc = docs.setdefault(("title", row[0]), _Doc("title", row[0], row[1], "title", 0))
            yield doc, _WEIGHT["title"] * (1 - row[2])
    for doc_id, incident_id, phase, version, rank, marked in db.execute(
        _ARTIFACT_SQL, [_HL_OPEN, _HL_CLOSE, expression]
    ).fetchall():
        if incident_id not in allowed:
            continue
        plain, spans = _spans(marked)
        mask = masks.get(phase) or masks.setdefault(phase, _Mask.for_phase(store, phase))
        spans = {s for s in spans if not mask.covers(plain, s)}
        if not spans:  # only the template's own words matched
            continue
        doc = docs.setdefault(
            ("artifact", doc_id),
            _Doc("artifact", doc_id, incident_id, f"{_code(store, phase)} v{version}", phase),
        )
        doc.plain = plain
        doc.spans |= spans
        yield doc, _WEIGHT["artifact"] * (1 - rank)
    for doc_id, incident_id, rank in db.execute(_TIMELINE_SQL, [expression]).fetchall():
        if incident_id in allowed:
            key = ("timeline", doc_id)
            doc = docs.setdefault(key, _Doc("timeline", doc_id, incident_id, "timeline", 100))
            yield doc, _WEIGHT["timeline"] * (1 - rank)


def _code(store: Store, phase: int) -> str:
    try:
        return store.workflow.phase(phase).artifact.code
    except (KeyError, IndexError, ValueError):
        return f"phase {phase}"


def _matches(db: sqlite_utils.Database, docs: Iterable[_Doc], everything: str) -> tuple[Match, ...]:
    """The best place per "where", those matching more terms first, each with a snippet."""
    chosen: dict[str, _Doc] = {}
    for doc in docs:
        held = chosen.get(doc.where)
        if held is None or _strength(doc) > _strength(held):
            chosen[doc.where] = doc
    ordered = sorted(chosen.values(), key=lambda d: (-len(d.relevance), d.order, d.where))
    return tuple(Match(d.where, _snippet_of(db, d, everything)) for d in ordered)


def _strength(doc: _Doc) -> tuple[int, float]:
    return len(doc.relevance), sum(doc.relevance.values())


def _snippet_of(db: sqlite_utils.Database, doc: _Doc, everything: str) -> str:
    if doc.source == "artifact":
        return snippet(doc.plain, doc.spans)
    table = "incidents_fts" if doc.source == "title" else "timeline_events_fts"
    row = db.execute(
        f"select highlight({table}, 0, ?, ?) from {table} where {table} match ? and rowid = ?",
        [_HL_OPEN, _HL_CLOSE, everything, doc.doc],
    ).fetchone()
    if row is None:
        return ""
    plain, spans = _spans(row[0])
    return snippet(plain, spans)


def _spans(marked: str) -> tuple[str, set[tuple[int, int]]]:
    """Text from highlight() back to plain text plus the (start, end) of each match."""
    plain: list[str] = []
    spans: set[tuple[int, int]] = set()
    position, start = 0, None
    for part in _HL_SPLIT.split(marked or ""):
        if part == _HL_OPEN:
            start = position
        elif part == _HL_CLOSE:
            if start is not None and position > start:
                spans.add((start, position))
            start = None
        else:
            plain.append(part)
            position += len(part)
    return "".join(plain), spans


def _clean(text: str) -> str:
    """Snippet text: no control characters, no literal markers, no Markdown bold."""
    text = text.replace(MARK_OPEN, "‹").replace(MARK_CLOSE, "›").replace("**", "")
    return _UNPRINTABLE.sub(" ", text)


def snippet(plain: str, spans: Iterable[tuple[int, int]], width: int = SNIPPET_CHARS) -> str:
    """One line around the first match, matches between « and », cuts shown with …."""
    ordered = sorted(spans)
    if not ordered:
        return " ".join(_clean(plain[:width]).split())
    first, first_end = ordered[0]
    line_start = plain.rfind("\n", 0, first) + 1
    line_end = plain.find("\n", first_end)
    line_end = len(plain) if line_end < 0 else line_end
    start = max(line_start, min(first - _LEAD, line_end - width))  # use the room there is
    if start > line_start:  # begin at a word
        space = plain.find(" ", start, first)
        start = space + 1 if space >= 0 else start
    end = min(line_end, max(start + width, first_end))
    if end < line_end:  # end at a word
        space = plain.rfind(" ", first_end, end)
        end = space if space > first_end else end
    out, cursor = [], start
    for a, b in ordered:
        a, b = max(a, cursor), min(b, end)
        if a >= b:
            continue
        out += [_clean(plain[cursor:a]), MARK_OPEN, _clean(plain[a:b]), MARK_CLOSE]
        cursor = b
    out.append(_clean(plain[cursor:end]))
    text = " ".join("".join(out).split())
    head = "…" if plain[line_start:start].strip() else ""
    tail = "…" if plain[end:line_end].strip() else ""
    return f"{head}{text}{tail}"


@dataclass(frozen=True, slots=True)
class _Mask:
    """The text a phase's template brings, so that its words do not count as matches."""

    lines: frozenset[str]
    fragments: tuple[str, ...]

    @classmethod
    def for_phase(cls, store: Store, phase: int) -> _Mask:
        try:
            template = store.workflow.template(phase)
        except (KeyError, IndexError, ValueError, OSError):
            return cls(frozenset(), ())
        lines = [line.strip() for line in template.splitlines()]
        fragments = {
            fragment.strip()
            for line in lines
            for fragment in _PLACEHOLDER.split(line)
            if _HAS_WORD.search(fragment)
        }
        return cls(frozenset(filter(None, lines)), tuple(sorted(fragments, key=len, reverse=True)))

    def covers(self, plain: str, span: tuple[int, int]) -> bool:
        """Whether a match lies in a template line, or in a template label on its line."""
        start, end = span
        line_start = plain.rfind("\n", 0, start) + 1
        line_end = plain.find("\n", start)
        line_end = len(plain) if line_end < 0 else line_end
        line = plain[line_start:line_end]
        if line.strip() in self.lines:
            return True
        for fragment in self.fragments:
            at = line.find(fragment)
            while at >= 0:
                if line_start + at <= start and end <= line_start + at + len(fragment):
                    return True
                at = line.find(fragment, at + 1)
        return False
