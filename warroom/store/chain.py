"""The audit record, hash-chained: tamper evidence for what an incident's file says happened.

The audit record is three tables: timeline events (notes, pins, system events),
gate decisions and artifact versions. Beside them, `audit_chain` holds one
entry per write, per incident, in order: which row was written, the hash of
that row's content as written (`row_hash`), the hash of the entry before
(`prev_hash`) and its own hash over those. Rows are hashed in the portable form
the bundle carries (no local ids), so an entry means the same in any database
an incident is imported into.

A timeline entry may be reworded or removed on purpose (with an audit event);
that appends a new entry for the same row, so the newest entry of each row
must match the row as it is now. `verify` then finds an entry changed or
deleted by hand, a row changed or deleted by hand, and a row added by hand.

What it does not do: it has no key. Someone who recomputes every hash after
editing (or cuts the newest entries off the end) is not caught by the file
alone; the head hash printed by `warroom verify` can be noted elsewhere (the
ticket, the chat) and compared later.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from warroom.store.hashing import (  # noqa: F401 - the chain's vocabulary, used from here
    BOOL,
    CHAINED,
    GENESIS,
    INT,
    JSON,
    LATER,
    OPT_INT,
    OPT_STR,
    STR,
    action_sha256,
    append_row,
    canonical,
    entry_hash,
    head,
    portable,
    row_form,
    row_hash,
)

if TYPE_CHECKING:
    import sqlite_utils

# When each kind of row was written: the order the migration backfills chains in.
WRITTEN_AT = {"artifact_versions": "saved_at", "gate_decisions": "decided_at",
              "timeline_events": "recorded_at"}



@dataclass(frozen=True, slots=True)
class Entry:
    """One link. `row` is a local row id in the database, an index in a bundle (None: no
    row, e.g. an exported incident whose row was deleted by hand)."""

    table: str
    row: int | None
    row_hash: str
    prev_hash: str
    hash: str

    @property
    def linked(self) -> bool:
        """Its own hash is right for what it says."""
        return self.hash == entry_hash(self.prev_hash, self.table, self.row_hash)


def append(db: sqlite_utils.Database, incident_id: int, table: str, row_id: int) -> None:
    """Record a row just written (inserted or changed) as the next entry of the chain.

    Call it inside the write transaction that wrote the row, so that the row
    and its entry land together or not at all.
    """
    append_row(db, incident_id, table, row_id, db[table].get(row_id))


def insert_entries(db: sqlite_utils.Database, incident_id: int, entries: Iterable[Entry]) -> None:
    """Store entries as they are (an imported chain), numbered from 1."""
    db["audit_chain"].insert_all(
        {"incident_id": incident_id, "seq": n, "tbl": e.table, "row_id": e.row,
         "row_hash": e.row_hash, "prev_hash": e.prev_hash, "hash": e.hash}
        for n, e in enumerate(entries, start=1)
    )


def entries(db: sqlite_utils.Database, incident_id: int) -> list[tuple[int, Entry]]:
    """The incident's chain in order, each entry with its number."""
    return [
        (r["seq"], Entry(r["tbl"], r["row_id"], r["row_hash"], r["prev_hash"], r["hash"]))
        for r in db["audit_chain"].rows_where("incident_id = ?", [incident_id], order_by="seq")
    ]


def build(rows: Iterable[tuple[str, Any, dict[str, Any]]]) -> list[Entry]:
    """A fresh chain over rows given in order as (table, row ref, portable form)."""
    chain: list[Entry] = []
    prev = GENESIS
    for table, ref, form in rows:
        hashed = row_hash(table, form)
        entry = Entry(table, ref, hashed, prev, entry_hash(prev, table, hashed))
        chain.append(entry)
        prev = entry.hash
    return chain


def backfill_order(rows: Iterable[tuple[str, Any, dict[str, Any]]]) -> list[Any]:
    """Rows written before the chain existed, in the order they were written (by their own
    times, then table, then position): the best order there is after the fact."""
    tables = list(CHAINED)
    listed = list(enumerate(rows))
    listed.sort(key=lambda n_row: (n_row[1][2][WRITTEN_AT[n_row[1][0]]] or "",
                                   tables.index(n_row[1][0]), n_row[0]))
    return [row for _, row in listed]


def backfill(db: sqlite_utils.Database) -> None:
    """Chain every incident's existing audit record (the migration that adds the chain)."""
    for (incident_id,) in db.execute("select id from incidents order by id").fetchall():
        rows = [
            (table, r["id"], row_form(table, r))
            for table in CHAINED
            for r in db[table].rows_where("incident_id = ?", [incident_id], order_by="id")
        ]
        insert_entries(db, incident_id, build(backfill_order(rows)))


def relinked(chain: list[Entry], new_hashes: dict[tuple[str, int], tuple[str, str]]
             ) -> Iterator[Entry]:
    """The chain after some rows were rewritten on purpose (secrets redacted for export).

    `new_hashes` maps (table, row) to (old row hash, new row hash). The newest
    entry of such a row takes the new hash if it matched the old one, and the
    links after it are recomputed; a link that was already broken stays broken,
    so redaction never mends a chain that had been tampered with.
    """
    newest = {(e.table, e.row): n for n, e in enumerate(chain)}
    prev_old = prev_new = GENESIS
    for n, entry in enumerate(chain):
        intact = entry.prev_hash == prev_old and entry.linked
        key = (entry.table, entry.row)
        hashed = entry.row_hash
        if key in new_hashes and newest.get(key) == n and new_hashes[key][0] == hashed:
            hashed = new_hashes[key][1]
        out = (Entry(entry.table, entry.row, hashed, prev_new,
                     entry_hash(prev_new, entry.table, hashed)) if intact else entry)
        prev_old, prev_new = entry.hash, out.hash
        yield out
