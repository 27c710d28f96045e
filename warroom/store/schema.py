"""Schema migrations, numbered by position: migration N brings user_version to N.

Never edit a migration that has shipped; add the next one.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils


def _v1(db: sqlite_utils.Database) -> None:
    """Incidents, phases, artifacts, decisions, timeline, sources, roles, action items."""
    db["incidents"].create(
        {
            "id": int,
            "uid": str,
            "title": str,
            "severity": str,
            "status": str,
            "detected_at": str,
            "created_at": str,
            "workflow": str,
            "last_phase": int,
        },
        pk="id",
        not_null={"uid", "title", "status", "detected_at", "created_at", "workflow"},
        defaults={"last_phase": 1},
    )
    db["incidents"].create_index(["uid"], unique=True)
    db["phase_states"].create(
        {"incident_id": int, "phase": int, "state": str, "updated_at": str},
        pk=("incident_id", "phase"),
        not_null={"state", "updated_at"},
        foreign_keys=[("incident_id", "incidents", "id")],
    )
    db["artifact_versions"].create(
        {
            "id": int,
            "incident_id": int,
            "phase": int,
            "version": int,
            "body": str,
            "author": str,
            "saved_at": str,
            "base_version": int,
            "conflict": int,
            "after_approval": int,
        },
        pk="id",
        not_null={"incident_id", "phase", "version", "body", "author", "saved_at"},
        defaults={"conflict": 0, "after_approval": 0},
        foreign_keys=[("incident_id", "incidents", "id")],
    )
    db["artifact_versions"].create_index(["incident_id", "phase", "version"], unique=True)
    db["gate_decisions"].create(
        {
            "id": int,
            "incident_id": int,
            "phase": int,
            "verdict": str,
            "outcome": str,
            "reviewer": str,
            "decided_at": str,
            "criteria_ticked": str,
            "comment": str,
            "artifact_version": int,
            "checks": str,
        },
        pk="id",
        not_null={"incident_id", "phase", "verdict", "outcome", "reviewer", "decided_at"},
        foreign_keys=[("incident_id", "incidents", "id")],
    )
    db["timeline_events"].create(
        {
            "id": int,
            "incident_id": int,
            "kind": str,
            "occurred_at": str,
            "recorded_at": str,
            "text": str,
            "author": str,
            "source": str,
            "position": int,
            "level": str,
            "removed": int,
        },
        pk="id",
        not_null={"incident_id", "kind", "occurred_at", "recorded_at", "text", "author"},
        defaults={"removed": 0},
        foreign_keys=[("incident_id", "incidents", "id")],
    )
    db["timeline_events"].create_index(["incident_id", "occurred_at"])
    db["log_sources"].create(
        {"id": int, "incident_id": int, "kind": str, "spec": str, "added_at": str},
        pk="id",
        not_null={"incident_id", "kind", "spec", "added_at"},
        foreign_keys=[("incident_id", "incidents", "id")],
    )
    db["log_sources"].create_index(["incident_id", "kind", "spec"], unique=True)
    db["roles"].create(
        {"incident_id": int, "role": str, "person": str, "assigned_at": str},
        pk=("incident_id", "role"),
        not_null={"person", "assigned_at"},
        foreign_keys=[("incident_id", "incidents", "id")],
    )
    db["action_items"].create(
        {
            "id": int,
            "incident_id": int,
            "title": str,
            "owner": str,
            "priority": str,
            "horizon": str,
            "status": str,
            "due": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"incident_id", "title", "status", "created_at", "updated_at"},
        foreign_keys=[("incident_id", "incidents", "id")],
    )
    db["checklist"].create(
        {"incident_id": int, "phase": int, "step": int, "done": int, "updated_at": str},
        pk=("incident_id", "phase", "step"),
        not_null={"done", "updated_at"},
        foreign_keys=[("incident_id", "incidents", "id")],
    )


def _v2(db: sqlite_utils.Database) -> None:
    """Milestones, alert labels, action item provenance, and full-text search of the record."""
    db["milestones"].create(
        {
            "incident_id": int,
            "kind": str,  # started | detected | acknowledged | mitigated | resolved
            "at": str,
            "event_id": int,  # the timeline event it was set from, if any
            "origin": str,  # "event", "decision", "manual"
            "set_by": str,
            "set_at": str,
        },
        pk=("incident_id", "kind"),
        not_null={"at", "origin", "set_by", "set_at"},
        foreign_keys=[("incident_id", "incidents", "id")],
    )
    db["incidents"].add_column("labels", str)  # JSON object: alert labels, services
    db["action_items"].add_column("origin", str)  # e.g. "INC-5 #2": where the item came from
    db["action_items"].add_column("done_at", str)
    # Search across titles, artifacts and the timeline; triggers keep the indexes current.
    for table, column in (("incidents", "title"), ("artifact_versions", "body"),
                          ("timeline_events", "text")):
        db[table].enable_fts([column], create_triggers=True, tokenize="porter")
        db[table].populate_fts([column])  # what was written before this migration


def _v3(db: sqlite_utils.Database) -> None:
    """The post-mortem round table's answers: every answer kept, the newest shown."""
    db["panel_answers"].create(
        {
            "id": int,
            "incident_id": int,
            "role": str,
            "question": str,
            "answer": str,
            "author": str,
            "answered_at": str,
        },
        pk="id",
        not_null={"incident_id", "role", "question", "answer", "author", "answered_at"},
        foreign_keys=[("incident_id", "incidents", "id")],
    )
    db["panel_answers"].create_index(["incident_id", "role", "question"])


def _v4(db: sqlite_utils.Database) -> None:
    """Log sources can be off: an imported incident's sources wait for someone to enable them.

    Sources already here were added on this host, by its users: they stay on.
    """
    db["log_sources"].add_column("enabled", int, not_null_default=1)


def _v5(db: sqlite_utils.Database) -> None:
    """The audit record, hash-chained (see warroom.store.chain); existing rows are chained."""
    from warroom.store.chain import backfill

    db["audit_chain"].create(
        {
            "id": int,
            "incident_id": int,
            "seq": int,  # from 1, per incident
            "tbl": str,  # timeline_events | gate_decisions | artifact_versions
            "row_id": int,
            "row_hash": str,
            "prev_hash": str,
            "hash": str,
        },
        pk="id",
        not_null={"incident_id", "seq", "tbl", "row_hash", "prev_hash", "hash"},
        foreign_keys=[("incident_id", "incidents", "id")],
    )
    db["audit_chain"].create_index(["incident_id", "seq"], unique=True)
    backfill(db)


def _v6(db: sqlite_utils.Database) -> None:
    """Recorded commands (actions) and evidence that can be checked later.

    An action keeps its exit status, and its details (where, who, when, the
    output kept) as JSON. Pinned lines and actions keep a SHA-256 of their
    content; a line pinned from a file also the file's inode, size and mtime
    then. Lines pinned before this have none (verify hashes their stored text);
    the new columns are hashed into the audit chain only when set, so the
    chain of an older record still holds.
    """
    events = db["timeline_events"]
    for column, kind in (("exit_status", int), ("action", str), ("sha256", str),
                         ("file_inode", int), ("file_size", int), ("file_mtime_ns", int)):
        events.add_column(column, kind)


def _v7(db: sqlite_utils.Database) -> None:
    """What the review reads of an artifact version (services, next update, root-cause
    category), kept so a report over thousands of incidents does not parse them all again.

    A cache: a version's row is written the first time a review needs it, and rewritten
    when `reader` (a digest of the code that reads artifacts) changes. Never exported.
    """
    db["artifact_facts"].create(
        {"version_id": int, "reader": str, "facts": str},
        pk="version_id",
        not_null={"reader", "facts"},
        foreign_keys=[("version_id", "artifact_versions", "id")],
    )


def _v8(db: sqlite_utils.Database) -> None:
    """Gate decisions keep the reviewer's written reason for each failed check overridden."""
    if "overrides" not in db["gate_decisions"].columns_dict:  # a file put back to v7 has it
        db["gate_decisions"].add_column("overrides", str)  # JSON object: criterion -> reason


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _v1, _v2, _v3, _v4, _v5, _v6, _v7, _v8,
]
SCHEMA_VERSION = len(MIGRATIONS)
