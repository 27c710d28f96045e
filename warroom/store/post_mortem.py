"""The post-mortem round table in the store: answers, the incident's people, the hints' record.

Functions over a Store rather than more methods on it: the rules live in
warroom.core (panel, hints, blame); this module reads and writes the rows.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from warroom.core.artifacts import parse_artifact
from warroom.core.blame import incident_people
from warroom.core.hints import Hint, IncidentRecord, post_mortem_hints
from warroom.core.milestones import header_metrics
from warroom.core.panel import PanelAnswer
from warroom.store.db import StoreError, write_lock
from warroom.store.milestones import Milestones

if TYPE_CHECKING:
    from warroom.store.store import Store


def add_answer(
    store: Store, incident_id: int, role: str, question: str, answer: str, *, actor: str
) -> PanelAnswer:
    """Keep a round-table answer; an earlier answer to the question stays in the file."""
    answer = answer.strip()
    if not answer:
        raise StoreError("an answer needs some text")
    store.incident(incident_id)
    now = store.clock.now()
    with write_lock(store.db):
        store.db["panel_answers"].insert(
            {
                "incident_id": incident_id,
                "role": role,
                "question": question,
                "answer": answer,
                "author": actor,
                "answered_at": now.astimezone(UTC).isoformat(),
            }
        )
    return PanelAnswer(incident_id, role, question, answer, actor, now)


def answers(store: Store, incident_id: int) -> list[PanelAnswer]:
    """Every answer given at the incident's round table, oldest first."""
    rows = store.db["panel_answers"].rows_where("incident_id = ?", [incident_id], order_by="id")
    return [
        PanelAnswer(
            r["incident_id"], r["role"], r["question"], r["answer"], r["author"],
            datetime.fromisoformat(r["answered_at"]),
        )
        for r in rows
    ]


def _column(store: Store, sql: str, incident_id: int) -> list[str]:
    return [row[0] for row in store.db.execute(sql, [incident_id]).fetchall() if row[0]]


def people(store: Store, incident_id: int) -> list[str]:
    """Everyone the record names: roles, authors, reviewers, answerers, owners, @mentions."""
    names = [r.person for r in store.roles(incident_id)]
    for sql in (
        "select distinct author from artifact_versions where incident_id = ?",
        "select distinct reviewer from gate_decisions where incident_id = ?",
        "select distinct author from timeline_events where incident_id = ? and kind != 'system'",
        "select distinct author from panel_answers where incident_id = ?",
        "select distinct owner from action_items where incident_id = ?",
    ):
        names += _column(store, sql, incident_id)
    texts = []
    for spec in store.workflow.phases:
        latest = store.latest_artifact(incident_id, spec.number)
        if latest is None:
            continue
        texts.append(latest.body)
        if spec.artifact.code == "INC-5":
            model = parse_artifact("INC-5", latest.body)
            names += [a.owner for a in getattr(model, "action_items", []) if a.owner]
    return incident_people(names, texts)


def _metrics(store: Store, incident_id: int) -> dict[str, Any] | None:
    """The metrics resting on a milestone someone set, by name; None without milestones."""
    known = header_metrics(Milestones(store).all(incident_id))
    return {m.name: m for m in known} or None


def record(store: Store, incident_id: int) -> IncidentRecord:
    """What the hints read, gathered from the store."""
    versions = [
        v for spec in store.workflow.phases
        for v in store.artifact_versions(incident_id, spec.number)
    ]
    return IncidentRecord(
        incident=store.incident(incident_id),
        codes={spec.number: spec.artifact.code for spec in store.workflow.phases},
        decisions=store.decisions(incident_id),
        events=store.events(incident_id),
        versions=versions,
        metrics=_metrics(store, incident_id),
    )


def hints(store: Store, incident_id: int) -> list[Hint]:
    """The post-mortem hints for one incident (see warroom.core.hints)."""
    return post_mortem_hints(record(store, incident_id))

