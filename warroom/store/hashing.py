"""The audit chain's hashing, with nothing but the standard library's json and hashlib.

Split from warroom.store.chain so that `warroom shell`'s hook (warroom.hook), which
runs after every command at the user's prompt, can chain what it writes without
loading typing, dataclasses or sqlite-utils: each import there costs milliseconds
the shell waits for. See warroom.store.chain for what the chain is.
"""

from __future__ import annotations

import hashlib
import json

TYPE_CHECKING = False  # typing itself is not imported: it is one of those costs
if TYPE_CHECKING:
    import sqlite3
    from typing import Any

    import sqlite_utils

GENESIS = "0" * 64  # what the first entry of an incident's chain follows

# Field kinds, as the bundle carries a column (see warroom.export.bundle).
STR, OPT_STR, INT, OPT_INT, BOOL, JSON = "str", "str?", "int", "int?", "bool", "json"

# The chained tables, the fields of a row that are hashed, and the order rows are listed in.
CHAINED: dict[str, dict[str, str]] = {
    "artifact_versions": {
        "phase": INT, "version": INT, "body": STR, "author": STR, "saved_at": STR,
        "base_version": OPT_INT, "conflict": BOOL, "after_approval": BOOL,
    },
    "gate_decisions": {
        "phase": INT, "verdict": STR, "outcome": STR, "reviewer": STR, "decided_at": STR,
        "criteria_ticked": JSON, "comment": OPT_STR, "artifact_version": OPT_INT, "checks": JSON,
        "overrides": JSON,
    },
    "timeline_events": {
        "kind": STR, "occurred_at": STR, "recorded_at": STR, "text": STR, "author": STR,
        "source": OPT_STR, "position": OPT_INT, "level": OPT_STR, "removed": BOOL,
        "exit_status": OPT_INT, "action": JSON, "sha256": OPT_STR, "file_inode": OPT_INT,
        "file_size": OPT_INT, "file_mtime_ns": OPT_INT,
    },
}
# Fields added after rows were first chained (schema v6): hashed only when set, so an entry
# made before they existed still matches its row.
LATER: dict[str, frozenset[str]] = {
    "gate_decisions": frozenset({"overrides"}),  # schema v8
    "timeline_events": frozenset(
        {"exit_status", "action", "sha256", "file_inode", "file_size", "file_mtime_ns"}
    ),
}
def canonical(data: Any) -> bytes:
    """The one byte encoding hashes are taken over (the bundle's content hash too)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8", "surrogatepass")


def portable(kind: str, value: Any) -> Any:
    """A stored value as the bundle carries it: flags as booleans, JSON columns decoded."""
    if kind == BOOL:
        return bool(value)
    if kind == JSON and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value  # not JSON after all: carried (and stored back) as it was
    return value


def row_form(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """A stored row as it is hashed (and as the bundle carries it)."""
    return {k: portable(kind, row.get(k)) for k, kind in CHAINED[table].items()}


def row_hash(table: str, form: dict[str, Any]) -> str:
    """sha256 of a row's portable form, its table included."""
    later = LATER.get(table, frozenset())
    hashed = {k: v for k, v in form.items() if v is not None or k not in later}
    return hashlib.sha256(canonical({"table": table, "row": hashed})).hexdigest()


def entry_hash(prev_hash: str, table: str, hashed_row: str) -> str:
    """An entry's own hash: over the one before it, and the row it records."""
    return hashlib.sha256(
        canonical({"prev": prev_hash, "table": table, "row": hashed_row})
    ).hexdigest()


def head(db: sqlite_utils.Database | sqlite3.Connection, incident_id: int) -> tuple[int, str]:
    """The newest entry's number and hash (0 and GENESIS for an empty chain)."""
    row = db.execute(
        "select seq, hash from audit_chain where incident_id = ? order by seq desc limit 1",
        [incident_id],
    ).fetchone()
    return (row[0], row[1]) if row else (0, GENESIS)


def append_row(db: sqlite_utils.Database | sqlite3.Connection, incident_id: int, table: str,
               row_id: int, row: dict[str, Any]) -> None:
    """`append` for a row already in hand, with plain SQL: the shell hook calls it with a bare
    sqlite3 connection (it loads neither sqlite-utils nor the store)."""
    hashed = row_hash(table, row_form(table, row))
    seq, prev = head(db, incident_id)
    db.execute(
        "insert into audit_chain (incident_id, seq, tbl, row_id, row_hash, prev_hash, hash) "
        "values (?, ?, ?, ?, ?, ?, ?)",
        [incident_id, seq + 1, table, row_id, hashed, prev, entry_hash(prev, table, hashed)],
    )


def action_sha256(command: str, status: int | None, action: dict[str, Any]) -> str:
    """The SHA-256 a recorded command keeps: over its command line, status and details as
    stored (parsed back from their JSON, so it does not hang on how times were spelled)."""
    content = {"command": command, "exit_status": status, "action": action}
    return hashlib.sha256(canonical(content)).hexdigest()
