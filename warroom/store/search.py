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

The work is done in SQL where it can be: one query per term and place
(titles, latest artifacts, the timeline grouped per incident), and one more
for the places that hold every term at once. Template words are checked
only in the phases whose template has the term at all (a temporary FTS
table of the templates answers that with the same tokenizer).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import sqlite_utils

from warroom.core.models import Incident, Severity, Status
from warroom.store.search_syntax import Term, query_terms
from warroom.store.search_text import HL_CLOSE, HL_OPEN, TemplateMask, snippet, split_marks

if TYPE_CHECKING:
    from warroom.store.store import Store

# A title that matches says more than a word deep in an artifact.
_WEIGHT = {"title": 2.0, "artifact": 1.0, "timeline": 1.0}
_TOGETHER = 0.5  # per extra term, when one title, artifact or entry holds them all
_TIMELINE = 100  # where the timeline sorts among places: after the artifacts
SNIPPET_PLACES = 3  # places per incident that get a snippet; the rest are listed by name

_TITLE_SQL = """
select rowid, bm25(incidents_fts) from incidents_fts where incidents_fts match ?
"""
# The newest version of each artifact only; `{phases}` picks the phases (a list of ints).
_ARTIFACT_SQL = """
select a.id, a.incident_id, a.phase, a.version, bm25(artifact_versions_fts){marked}
from artifact_versions_fts join artifact_versions a on a.id = artifact_versions_fts.rowid
where artifact_versions_fts match ? and a.phase {phases}
  and a.version = (select max(v.version) from artifact_versions v
                   where v.incident_id = a.incident_id and v.phase = a.phase)
"""
# The best entry per incident; materialized because bm25() cannot sit inside min().
_TIMELINE_SQL = """
with found as materialized (
    select e.incident_id as incident_id, e.id as doc, bm25(timeline_events_fts) as rank
    from timeline_events_fts join timeline_events e on e.id = timeline_events_fts.rowid
    where timeline_events_fts match ? and e.removed = 0 and e.kind != 'system'
)
select incident_id, doc, min(rank) from found group by incident_id
"""
_FTS_TABLES = ("incidents_fts", "artifact_versions_fts", "timeline_events_fts")
# Temporary FTS tables (this connection's own, never in the file): the templates, and the
# few texts to cut snippets from (highlight() on the big tables reads whole doclists per row).
_TEMPLATES = "warroom_search_templates"
_SNIPPETS = "warroom_search_snippets"
_TEXT_SQL = {
    "title": "select id, title from incidents where id in ({ids})",
    "artifact": "select id, body from artifact_versions where id in ({ids})",
    "timeline": "select id, text from timeline_events where id in ({ids})",
}


@dataclass(frozen=True, slots=True)
class Match:
    """One place an incident matched, with a one-line snippet (matches between « and »)."""

    where: str  # "title", "INC-4 v3", "timeline"
    snippet: str  # "" past the first SNIPPET_PLACES places of an incident


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
class _Place:
    """An incident's title, one artifact (its newest version) or its timeline, as matched."""

    source: str  # "title", "artifact", "timeline"
    where: str
    order: int  # title first, artifacts in phase order, then the timeline
    phase: int = 0
    best: dict[int, tuple[float, int]] = field(default_factory=dict)  # term -> relevance, doc
    together: int | None = None  # a doc holding every term, if any


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
    search = _Search(store, allowed)
    expressions = [search.resolve(term) for term in terms]
    for number, expression in enumerate(expressions):
        search.add_term(number, expression)
    if len(terms) > 1:
        search.add_together(" AND ".join(expressions), len(terms))
    scores = {
        incident_id: score
        for incident_id, places in search.places.items()
        if (score := _score(places.values(), len(terms))) is not None
    }
    newest = {i: allowed[i].detected_at.timestamp() for i in scores}
    ranked = sorted(scores, key=lambda i: (-scores[i], -newest[i], -i))[:limit]
    matches = search.matches(ranked, " OR ".join(expressions))
    return [SearchHit(allowed[i], scores[i], matches[i]) for i in ranked]


def _score(places: Iterable[_Place], terms: int) -> float | None:
    """None unless every term is found; else each term's best place, plus togetherness.

    A place counts its weight (a title most) and its bm25 relevance; an
    incident with one title, artifact or entry holding every term beats one
    where they are scattered. bm25 alone is near zero in a small history.
    """
    places = list(places)
    best = [[p.best[n][0] for p in places if n in p.best] for n in range(terms)]
    if not all(best):
        return None
    together = any(p.together is not None for p in places)
    return round(sum(max(found) for found in best) + together * _TOGETHER * (terms - 1), 4)


class _Search:
    """One search on one connection: the places each term was found in, per incident."""

    def __init__(self, store: Store, allowed: dict[int, Incident]) -> None:
        self.store = store
        self.db: sqlite_utils.Database = store.db
        self.allowed = allowed
        self.places: dict[int, dict[str, _Place]] = {}
        self._masks: dict[int, TemplateMask] = {}
        self._templates_ready = False

    def resolve(self, term: Term) -> str:
        """The term's FTS5 string; for a prefix cut short by stemming, a few letters fewer."""
        expression = term.fts()
        for cut in term.cuts():
            if self._anywhere(expression):
                return expression
            expression = term.fts(cut)
        return expression

    def _anywhere(self, expression: str) -> bool:
        return any(
            self.db.execute(f"select 1 from {t} where {t} match ? limit 1", [expression]).fetchone()
            for t in _FTS_TABLES
        )

    def _place(self, incident_id: int, source: str, phase: int = 0, version: int = 0) -> _Place:
        key = f"artifact {phase}" if source == "artifact" else source
        places = self.places.setdefault(incident_id, {})
        if key not in places:
            where, order = source, (0 if source == "title" else _TIMELINE)
            if source == "artifact":
                where, order = f"{self._code(phase)} v{version}", phase
            places[key] = _Place(source, where, order, phase)
        return places[key]

    def add_term(self, number: int, expression: str) -> None:
        """Record where one term is found, in every allowed incident."""
        for doc, rank in self.db.execute(_TITLE_SQL, [expression]).fetchall():
            if doc in self.allowed:
                self._place(doc, "title").best[number] = (_WEIGHT["title"] * (1 - rank), doc)
        templated = self._templated(expression)
        for doc, incident_id, phase, version, rank, *marked in self._artifacts(
            expression, templated
        ):
            if incident_id not in self.allowed:
                continue
            if marked and not self._mask(phase).genuine(*split_marks(marked[0])):
                continue  # only the template's own words matched
            place = self._place(incident_id, "artifact", phase, version)
            place.best[number] = (_WEIGHT["artifact"] * (1 - rank), doc)
        for incident_id, doc, rank in self.db.execute(_TIMELINE_SQL, [expression]).fetchall():
            if incident_id in self.allowed:
                place = self._place(incident_id, "timeline")
                place.best[number] = (_WEIGHT["timeline"] * (1 - rank), doc)

    def add_together(self, expression: str, terms: int) -> None:
        """Mark the places where one title, artifact or entry holds every term."""
        for doc, _rank in self.db.execute(_TITLE_SQL, [expression]).fetchall():
            if "title" in self.places.get(doc, {}):
                self.places[doc]["title"].together = doc
        for doc, incident_id, phase, *_rest in self._artifacts(expression, set()):
            place = self.places.get(incident_id, {}).get(f"artifact {phase}")
            if place is not None and len(place.best) == terms:  # each term genuine there
                place.together = doc
        for incident_id, doc, _rank in self.db.execute(_TIMELINE_SQL, [expression]).fetchall():
            place = self.places.get(incident_id, {}).get("timeline")
            if place is not None:
                place.together = doc

    def _artifacts(self, expression: str, templated: set[int]) -> list[tuple]:
        """Matching newest artifact versions; highlighted in the phases named."""
        rows = []
        phases = ",".join(str(int(p)) for p in sorted(templated))
        marked = f", highlight(artifact_versions_fts, 0, '{HL_OPEN}', '{HL_CLOSE}')"
        if templated:
            sql = _ARTIFACT_SQL.format(marked=marked, phases=f"in ({phases})")
            rows += self.db.execute(sql, [expression]).fetchall()
        sql = _ARTIFACT_SQL.format(marked="", phases=f"not in ({phases})" if phases else "> 0")
        rows += self.db.execute(sql, [expression]).fetchall()
        return rows

    def _templated(self, expression: str) -> set[int]:
        """The phases whose template has this term somewhere (its words need checking)."""
        if not self._templates_ready:
            self.db.execute(
                f"create virtual table if not exists temp.{_TEMPLATES} "
                "using fts5(body, tokenize='porter')"
            )
            self.db.execute(f"delete from temp.{_TEMPLATES}")
            for phase in self.store.workflow.phases:
                self.db.execute(
                    f"insert into temp.{_TEMPLATES}(rowid, body) values (?, ?)",
                    [phase.number, self._template(phase.number)],
                )
            self._templates_ready = True
        sql = f"select rowid from temp.{_TEMPLATES} where {_TEMPLATES} match ?"
        return {row[0] for row in self.db.execute(sql, [expression]).fetchall()}

    def _template(self, phase: int) -> str:
        try:
            return self.store.workflow.template(phase)
        except (KeyError, IndexError, ValueError, OSError):
            return ""

    def _mask(self, phase: int) -> TemplateMask:
        if phase not in self._masks:
            self._masks[phase] = TemplateMask.of(self._template(phase))
        return self._masks[phase]

    def _code(self, phase: int) -> str:
        try:
            return self.store.workflow.phase(phase).artifact.code
        except (KeyError, IndexError, ValueError):
            return f"phase {phase}"

    def matches(self, ranked: list[int], everything: str) -> dict[int, tuple[Match, ...]]:
        """Each place the incidents matched, those holding more terms first, with snippets."""
        chosen = {
            incident_id: sorted(
                self.places[incident_id].values(),
                key=lambda p: (p.together is None, -len(p.best), p.order),
            )
            for incident_id in ranked
        }
        wanted = [
            (p.source, _doc_of(p)) for places in chosen.values() for p in places[:SNIPPET_PLACES]
        ]
        marked = self._highlight(wanted, everything)
        return {
            incident_id: tuple(
                Match(p.where, self._snippet(p, marked.get((p.source, _doc_of(p)), "")))
                if n < SNIPPET_PLACES
                else Match(p.where, "")
                for n, p in enumerate(places)
            )
            for incident_id, places in chosen.items()
        }

    def _highlight(self, wanted: list[tuple[str, int]], expression: str) -> dict:
        """highlight() of the texts wanted, through a small temporary FTS table."""
        texts: dict[tuple[str, int], str] = {}
        for source, sql in _TEXT_SQL.items():
            ids = sorted({doc for s, doc in wanted if s == source})
            for chunk in range(0, len(ids), 500):
                part = ids[chunk : chunk + 500]
                query = sql.format(ids=",".join("?" * len(part)))
                texts.update(((source, d), t) for d, t in self.db.execute(query, part))
        if not texts:
            return {}
        keys = list(texts)
        db = self.db
        db.execute(
            f"create virtual table if not exists temp.{_SNIPPETS} "
            "using fts5(body, tokenize='porter')"
        )
        db.execute(f"delete from temp.{_SNIPPETS}")
        db.conn.executemany(
            f"insert into temp.{_SNIPPETS}(rowid, body) values (?, ?)",
            [(n, texts[key]) for n, key in enumerate(keys)],
        )
        rows = db.execute(
            f"select rowid, highlight({_SNIPPETS}, 0, ?, ?) from temp.{_SNIPPETS} "
            f"where {_SNIPPETS} match ?",
            [HL_OPEN, HL_CLOSE, expression],
        ).fetchall()
        db.execute(f"delete from temp.{_SNIPPETS}")
        return {keys[n]: text for n, text in rows}

    def _snippet(self, place: _Place, marked: str) -> str:
        plain, spans = split_marks(marked)
        if place.source == "artifact":
            spans = self._mask(place.phase).keep(plain, spans) or spans
        return snippet(plain, spans)


def _doc_of(place: _Place) -> int:
    """The text a place's snippet comes from: one holding every term, else the best one."""
    return place.together if place.together is not None else max(place.best.values())[1]
