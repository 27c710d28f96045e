"""The whole incident as one JSON bundle with a content hash, and loading it elsewhere.

A bundle moves an incident between databases (a laptop, the team's jump host,
an archive). It holds no local row ids: rows are in a fixed order and refer to
each other by position (a milestone names the timeline event it was set from
by its index), so export → import → export gives the same bundle, hash and all.
The hash is over a canonical JSON encoding of everything but the hash itself:
an edited file is refused rather than half-trusted. It is integrity, not
authenticity: anyone can make a bundle with a valid hash. So import treats a
bundle as data from a stranger: every field is checked before anything is
written (bundle_model), and its log sources arrive switched off.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from warroom.export.bundle_chain import carried_chain, chain_rows, check_chain, redacted_chain
from warroom.export.bundle_model import MAX_BUNDLE_BYTES, MIB, BundleModel, first_problem
from warroom.export.redact import Rule, compile_patterns, redact, redact_split_keys
from warroom.store.chain import (
    BOOL,
    CHAINED,
    INT,
    JSON,
    OPT_INT,
    OPT_STR,
    STR,
    Entry,
    canonical,
    entries,
    insert_entries,
    portable,
)
from warroom.store.db import StoreError, write_lock
from warroom.store.store import Store

FORMAT = "warroom-incident-bundle"
VERSION = 2  # 2: the audit chain is carried (audit_chain)
READS = (1, 2)  # the format versions import accepts; a version 1 bundle is chained on import

INCIDENT: dict[str, str] = {
    "uid": STR, "title": STR, "severity": OPT_STR, "status": STR, "detected_at": STR,
    "created_at": STR, "workflow": STR, "last_phase": INT, "labels": JSON,
}
# table -> (fields in the bundle, ORDER BY that makes positions stable)
TABLES: dict[str, tuple[dict[str, str], str]] = {
    "phase_states": ({"phase": INT, "state": STR, "updated_at": STR}, "phase"),
    "artifact_versions": (CHAINED["artifact_versions"], "phase, version"),
    "gate_decisions": (CHAINED["gate_decisions"], "id"),
    "timeline_events": (CHAINED["timeline_events"], "id"),
    "log_sources": ({"kind": STR, "spec": STR, "added_at": STR}, "id"),
    "roles": ({"role": STR, "person": STR, "assigned_at": STR}, "role"),
    "action_items": (
        {
            "title": STR, "owner": OPT_STR, "priority": OPT_STR, "horizon": OPT_STR,
            "status": STR, "due": OPT_STR, "created_at": STR, "updated_at": STR,
            "origin": OPT_STR, "done_at": OPT_STR,
        },
        "id",
    ),
    "checklist": ({"phase": INT, "step": INT, "done": BOOL, "updated_at": STR}, "phase, step"),
    "panel_answers": (
        {"role": STR, "question": STR, "answer": STR, "author": STR, "answered_at": STR},
        "id",
    ),
    # `event` is the index of the timeline event in this bundle (the row has event_id).
    "milestones": (
        {"kind": STR, "at": STR, "event": OPT_INT, "origin": STR, "set_by": STR, "set_at": STR},
        "kind",
    ),
}
# Columns deliberately not carried: local ids (see the module docstring).
LOCAL_COLUMNS = frozenset({"id", "incident_id", "event_id", "enabled"})
PHASED = ("phase_states", "artifact_versions", "gate_decisions", "checklist")


class BundleError(StoreError):
    """A bundle that cannot be imported; the message says why, for the command line."""




def content_hash(bundle: dict[str, Any]) -> str:
    """sha256 (hex) of the canonical encoding of everything except the hash itself."""
    hashed = {k: v for k, v in bundle.items() if k != "content_hash"}
    return hashlib.sha256(canonical(hashed)).hexdigest()


def _in(kind: str, value: Any) -> Any:
    """A bundle value as the database stores it."""
    if kind == BOOL:
        return int(value)
    if kind == JSON and value is not None and not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return value


def export_bundle(store: Store, incident_id: int) -> dict[str, Any]:
    """Every row of the incident, without local ids, plus format, version and content hash."""
    store.incident(incident_id)
    db = store.db
    row = next(db["incidents"].rows_where("id = ?", [incident_id]))
    bundle: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "incident": {k: portable(kind, row.get(k)) for k, kind in INCIDENT.items()},
    }
    index: dict[str, dict[int, int]] = {}  # row id -> position, for the chain and milestones
    for table, (fields, order) in TABLES.items():
        rows = list(db[table].rows_where("incident_id = ?", [incident_id], order_by=order))
        if table in CHAINED:
            index[table] = {r["id"]: n for n, r in enumerate(rows)}
        if table == "milestones":
            rows = [{**r, "event": index["timeline_events"].get(r["event_id"])} for r in rows]
        bundle[table] = [{k: portable(kind, r.get(k)) for k, kind in fields.items()} for r in rows]
    bundle["audit_chain"] = carried_chain(entries(db, incident_id), index)
    bundle["content_hash"] = content_hash(bundle)
    return bundle


def redact_bundle(
    bundle: dict[str, Any], extra_patterns: Iterable[str | Rule] = ()
) -> tuple[dict[str, Any], Counter[str]]:
    """A copy with secrets redacted in every text value, re-hashed; and the counts per kind."""
    rules = (*[p for p in extra_patterns if isinstance(p, Rule)],
             *compile_patterns(p for p in extra_patterns if isinstance(p, str)))
    counts: Counter[str] = Counter()

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            text, found = redact(value, rules)
            counts.update(found)
            return text
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    original = bundle  # what the chain's row hashes were taken over
    events = bundle.get("timeline_events")
    if isinstance(events, list) and all(isinstance(e, dict) for e in events):
        # A key pinned line by line spans entries, and each alone shows no BEGIN line.
        texts = redact_split_keys([e.get("text") or "" for e in events])
        bundle = {**bundle, "timeline_events": [
            {**e, "text": t} if e.get("text") else e for e, t in zip(events, texts, strict=True)
        ]}
    kept = ("format", "version", "content_hash", "audit_chain")  # hashes are not secrets
    body = {k: (v if k in kept else walk(v)) for k, v in bundle.items()}
    if original.get("audit_chain") is not None:
        body["audit_chain"] = redacted_chain(original, body)
    body["content_hash"] = content_hash(body)
    return body, counts


# -- import -------------------------------------------------------------------


def load_bundle(data: bytes, name: str) -> Any:
    """A bundle file's bytes as JSON, refusing anything over the size cap before parsing."""
    if len(data) > MAX_BUNDLE_BYTES:
        raise BundleError(
            f"{name} is over {MAX_BUNDLE_BYTES // MIB} MiB, larger than any bundle warroom "
            "writes; nothing imported"
        )
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise BundleError(
            f"{name} is not JSON ({exc}); give a bundle from `warroom export ID --format json`"
        ) from None


def check_bundle(store: Store, bundle: Any) -> BundleModel:
    """Refuse, with one line naming the field, anything but an untouched bundle this
    warroom reads; return it validated, field by field (see bundle_model)."""
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT:
        raise BundleError(f"not a warroom bundle (format is not {FORMAT!r})")
    if bundle.get("version") not in READS:
        raise BundleError(
            f"bundle format version {bundle.get('version')!r} is not supported "
            f"(this warroom reads versions {', '.join(map(str, READS))})"
        )
    try:
        model = BundleModel.model_validate(bundle)
    except ValidationError as exc:
        raise BundleError(f"{first_problem(exc)}; nothing imported") from None
    if bundle["content_hash"] != content_hash(bundle):
        raise BundleError("bundle content hash does not match: the file was changed after export")
    workflow = model.incident.workflow
    if workflow != store.workflow.name:
        raise BundleError(
            f"bundle follows workflow {workflow!r}; this database uses {store.workflow.name!r}"
        )
    phases = {p.number for p in store.workflow.phases}
    if model.incident.last_phase not in phases:
        raise BundleError(f"bundle incident.last_phase {model.incident.last_phase} is not in "
                          f"{workflow}")
    for table in PHASED:
        for n, row in enumerate(getattr(model, table)):
            if row.phase not in phases:
                raise BundleError(f"bundle {table}[{n}].phase {row.phase} is not in {workflow}")
    if (model.audit_chain is None) != (model.version == 1):
        raise BundleError(
            "bundle is missing audit_chain" if model.audit_chain is None
            else "bundle format version 1 carries no audit_chain; this one does"
        )
    problem = check_chain(bundle) if model.audit_chain is not None else None
    if problem:
        raise BundleError(f"{problem}; nothing imported")
    events = len(model.timeline_events)
    for n, milestone in enumerate(model.milestones):
        if milestone.event is not None and not 0 <= milestone.event < events:
            raise BundleError(
                f"bundle milestones[{n}].event points at event {milestone.event}, not in it"
            )
    return model


def import_bundle(store: Store, bundle: Any) -> int:
    """Load a bundle as a new incident (same uid, new local id) in one transaction.

    The incident's uid must not be in this database yet: importing twice would
    fork one incident's record into two.
    """
    checked = check_bundle(store, bundle).model_dump(mode="json")
    db = store.db
    uid = checked["incident"]["uid"]
    with write_lock(db):
        existing = list(db["incidents"].rows_where("uid = ?", [uid]))
        if existing:
            raise BundleError(
                f"incident {uid} is already in this database as #{existing[0]['id']}; "
                "nothing imported"
            )
        try:
            incidents = db["incidents"]
            incidents.insert(
                {k: _in(kind, checked["incident"][k]) for k, kind in INCIDENT.items()}
            )
            incident_id = int(incidents.last_pk)
            ids: dict[str, list[int]] = {name: [] for name in CHAINED}
            for name, (fields, _) in TABLES.items():
                table = db[name]
                for row in checked[name]:
                    values = {k: _in(kind, row[k]) for k, kind in fields.items()}
                    if name == "milestones":
                        event = values.pop("event")
                        values["event_id"] = (
                            None if event is None else ids["timeline_events"][event]
                        )
                    if name == "log_sources":  # data from elsewhere: off until enabled here
                        values["enabled"] = 0
                    table.insert({"incident_id": incident_id, **values})
                    if name in CHAINED:
                        ids[name].append(int(table.last_pk))
            carried = checked.get("audit_chain")
            links = chain_rows(checked) if carried is None else [
                Entry(c["table"], c["row"], c["row_hash"], c["prev_hash"], c["hash"])
                for c in carried
            ]
            insert_entries(db, incident_id, [
                Entry(e.table, ids[e.table][e.row], e.row_hash, e.prev_hash, e.hash)
                for e in links if e.row is not None
            ])
        except sqlite3.IntegrityError as exc:
            raise BundleError(
                f"bundle rejected by the database ({exc}); nothing imported"
            ) from None
    return incident_id
