"""The review's reading of the store: every incident's facts in a few queries, not per incident.

Milestones come from warroom.store.milestones (`Milestones.all_of`, the same
defaults and precedence as `warroom status`); metrics from warroom.core.milestones.
What must be read out of artifacts (INC-1's services, INC-3's promised next
update, INC-4's root-cause category) is parsed once per artifact version and
kept in `artifact_facts`, so a review of 10,000 incidents reads rows, not Markdown.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from warroom.core import review
from warroom.core.artifacts import (
    RootCauseAnalysis,
    StakeholderCommunication,
    TriageAssessment,
    next_update_at,
    parse_artifact,
)
from warroom.core.hints import update_promises
from warroom.core.milestones import metrics
from warroom.core.review import ActionFacts, IncidentFacts, Review, Scope
from warroom.store.db import StoreError, UnreadableRow
from warroom.store.events import read_time
from warroom.store.milestones import Milestones

if TYPE_CHECKING:
    from warroom.store.store import Store

_READ_CODES = ("INC-1", "INC-3", "INC-4")
_CHUNK = 500  # ids per `in (...)`: well under SQLite's variable limit


@cache
def reader_digest() -> str:
    """A digest of the code that reads artifacts (the parser, the review's categories): a
    change there makes every cached fact stale, so an upgrade never shows old readings."""
    import warroom.core.artifacts as artifacts
    import warroom.core.markdown as markdown

    digest = hashlib.sha256()
    for module in (artifacts, markdown, review):
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()[:16]


def read_facts(code: str, body: str, saved_at: datetime) -> dict[str, Any]:
    """What the review needs of one artifact version (one full parse, as the gate reads it)."""
    model = parse_artifact(code, body)
    if isinstance(model, TriageAssessment):
        return {"services": model.services_affected}
    if isinstance(model, StakeholderCommunication):
        due = next_update_at(model, saved_at)
        return {"due": due.isoformat() if due else None}
    if isinstance(model, RootCauseAnalysis):
        return {"root_cause": review.root_cause_category(model.root_cause,
                                                         model.triggering_event)}
    return {}


def _codes(store: Store) -> dict[int, str]:
    return {spec.number: spec.artifact.code for spec in store.workflow.phases
            if spec.artifact.code in _READ_CODES}


def _artifact_facts(store: Store, ids: set[int]) -> dict[int, dict[str, Any]]:
    """Per incident: services, root_cause and the INC-3 (saved_at, due) list, from the cache
    (filled for the versions it lacks; kept in memory only if the file cannot be written)."""
    codes = _codes(store)
    if not codes:
        return {}
    marks = ",".join("?" * len(codes))
    rows = store.db.execute(
        "select v.id, v.incident_id, v.phase, v.version, v.saved_at, f.reader, f.facts "
        f"from artifact_versions v left join artifact_facts f on f.version_id = v.id "
        f"where v.phase in ({marks}) order by v.incident_id, v.phase, v.version",
        list(codes),
    ).fetchall()
    reader = reader_digest()
    latest: dict[tuple[int, str], tuple] = {}
    comms: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        if row[1] not in ids:
            continue
        code = codes[row[2]]
        if code == "INC-3":
            comms[row[1]].append(row)
        else:
            latest[(row[1], code)] = row  # ordered by version: the last one wins
    wanted = [*latest.values(), *(r for rs in comms.values() for r in rs)]
    facts = {r[0]: json.loads(r[6]) for r in wanted if r[5] == reader}
    missing = [r for r in wanted if r[5] != reader]
    if missing:
        facts.update(_fill(store, missing, codes, reader))

    found: dict[int, dict[str, Any]] = defaultdict(dict)
    for (incident_id, code), row in latest.items():
        found[incident_id].update(facts.get(row[0], {}))
        if code == "INC-4" and "root_cause" not in found[incident_id]:
            found[incident_id]["root_cause"] = None
    for incident_id, versions in comms.items():
        found[incident_id]["dues"] = [
            (read_time(r[4]), read_time(due) if (due := facts.get(r[0], {}).get("due")) else None)
            for r in versions
        ]
    return found


def _fill(
    store: Store, rows: list[tuple], codes: dict[int, str], reader: str
) -> dict[int, dict[str, Any]]:
    """Read the versions the cache lacks, and keep what was read when the file allows it."""
    by_id = {r[0]: r for r in rows}
    ids = list(by_id)
    made: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        for version_id, body in store.db.execute(
            f"select id, body from artifact_versions where id in ({','.join('?' * len(chunk))})",
            chunk,
        ):
            row = by_id[version_id]
            made[version_id] = read_facts(codes[row[2]], body, read_time(row[4]))
    try:
        from warroom.store.db import write_lock

        with write_lock(store.db):
            store.db["artifact_facts"].upsert_all(
                ({"version_id": k, "reader": reader, "facts": json.dumps(v)}
                 for k, v in made.items()),
                pk="version_id",
            )
    except StoreError:
        pass  # a read-only file (a reviewer's copy): the review is still right, only slower
    return made


def incident_facts(store: Store) -> tuple[list[IncidentFacts], int]:
    """Every readable incident's facts, and how many incidents could not be read."""
    incidents, unreadable = [], 0
    from warroom.store.store import _incident  # the one row reader, with its checks

    for row in store.db["incidents"].rows:
        try:
            incidents.append(_incident(row))
        except UnreadableRow:
            unreadable += 1
    ids = {i.id for i in incidents}
    milestones = Milestones(store).all_of(incidents)
    codes = {spec.number: spec.artifact.code for spec in store.workflow.phases}
    backs: dict[int, dict[str, int]] = defaultdict(dict)
    insufficient: dict[int, int] = defaultdict(int)
    for incident_id, phase, outcome, count in store.db.execute(
        "select incident_id, phase, outcome, count(*) from gate_decisions "
        "where verdict = 'send_back' group by incident_id, phase, outcome"
    ):
        if str(outcome).casefold() == "mitigation insufficient":
            insufficient[incident_id] += count
        else:
            code = codes.get(phase, f"Phase {phase}")
            backs[incident_id][code] = backs[incident_id].get(code, 0) + count
    inc3 = next((n for n, c in codes.items() if c == "INC-3"), None)
    completed = {
        incident_id: read_time(at) for incident_id, at in store.db.execute(
            "select incident_id, min(occurred_at) from timeline_events "
            "where kind = 'system' and text = ? group by incident_id", ["INC-3 completed"]
        )
    } if inc3 else {}
    read = _artifact_facts(store, ids)
    found = []
    for incident in incidents:
        extra = read.get(incident.id, {})
        kept, late = update_promises(extra.get("dues", []), completed.get(incident.id))
        values = metrics(milestones[incident.id])
        found.append(IncidentFacts(
            id=incident.id, title=incident.title,
            severity=incident.severity.value if incident.severity else None,
            status=incident.status.value, detected_at=incident.detected_at,
            durations={k: (m.value if m else None) for k, m in values.by_name().items()},
            services=tuple(extra.get("services", ())), root_cause=extra.get("root_cause"),
            send_backs=backs.get(incident.id, {}),
            mitigation_insufficient=insufficient.get(incident.id, 0),
            updates_kept=kept, updates_late=len(late),
        ))
    return found, unreadable


def action_facts(store: Store) -> list[ActionFacts]:
    """Every action item, as the review counts it."""
    return [
        ActionFacts(
            incident_id=r[0], owner=r[1], priority=r[2], status=r[3], due=r[4],
            created_at=read_time(r[5]), done_at=read_time(r[6]) if r[6] else None,
            updated_at=read_time(r[7]) if r[7] else None,
        )
        for r in store.db.execute(
            "select incident_id, owner, priority, status, due, created_at, done_at, updated_at "
            "from action_items"
        )
    ]


def build(
    store: Store, scope: Scope, *, today: date | None = None, grain: review.Grain | None = None
) -> tuple[Review, int]:
    """The review of the incidents in scope, and the number of unreadable incidents left out."""
    now = store.clock.now()
    facts, unreadable = incident_facts(store)
    result = review.build_review(
        facts, action_facts(store), scope=scope, today=today or now.date(), now=now,
        grain=grain,
    )
    return result, unreadable
