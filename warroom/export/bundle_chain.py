"""The audit chain in a bundle: carried as it is, checked on import, kept whole by redaction.

In a bundle an entry names its row by table and index (the bundle has no
local ids); the hashes are the database's own, since rows are hashed in the
portable form the bundle carries. Import refuses a chain that does not hold:
a bundle of a record changed by hand is not laundered into a new database.
"""

from __future__ import annotations

from typing import Any

from warroom.store.chain import (
    CHAINED,
    GENESIS,
    Entry,
    backfill_order,
    build,
    relinked,
    row_hash,
)


def carried_chain(
    links: list[tuple[int, Entry]], index: dict[str, dict[int, int]]
) -> list[dict[str, Any]]:
    """The database's chain as the bundle carries it; a row that is gone has index None."""
    return [
        {"table": e.table, "row": index.get(e.table, {}).get(e.row) if e.row is not None else None,
         "row_hash": e.row_hash, "prev_hash": e.prev_hash, "hash": e.hash}
        for _, e in links
    ]


def _entries(carried: list[dict[str, Any]]) -> list[Entry]:
    return [Entry(c["table"], c["row"], c["row_hash"], c["prev_hash"], c["hash"])
            for c in carried]


def check_chain(bundle: dict[str, Any]) -> str | None:
    """What is wrong with a (validated) bundle's chain, naming the entry or row; None: whole."""
    prev = GENESIS
    newest: dict[tuple[str, int | None], int] = {}
    chain = _entries(bundle["audit_chain"])
    for n, entry in enumerate(chain):
        where = f"bundle audit_chain[{n}]"
        if not entry.linked:
            return f"{where} was changed: its hash does not match what it records"
        if entry.prev_hash != prev:
            return (f"{where} does not follow the entry before it: an entry was changed, added "
                    "or deleted (before export, or in the file)")
        if entry.row is None or not 0 <= entry.row < len(bundle[entry.table]):
            return f"{where} records a row of {entry.table} that is not in the bundle (deleted)"
        newest[(entry.table, entry.row)] = n
        prev = entry.hash
    for table in CHAINED:
        for i, row in enumerate(bundle[table]):
            n = newest.get((table, i))
            if n is None:
                return f"bundle {table}[{i}] is not in the audit chain (added outside warroom)"
            if row_hash(table, row) != chain[n].row_hash:
                return (f"bundle {table}[{i}] was changed after audit_chain[{n}] recorded it")
    return None


def chain_rows(bundle: dict[str, Any]) -> list[Entry]:
    """A chain for a version 1 bundle (made before chains): its rows in the order written."""
    rows = [(table, i, row) for table in CHAINED for i, row in enumerate(bundle[table])]
    return build(backfill_order(rows))


def redacted_chain(original: dict[str, Any], redacted: dict[str, Any]) -> list[dict[str, Any]]:
    """The chain re-hashed over the redacted rows, so a redacted bundle imports whole; a link
    that was broken before stays broken (see chain.relinked)."""
    changed = {
        (table, i): (row_hash(table, before), row_hash(table, after))
        for table in CHAINED
        for i, (before, after) in enumerate(zip(original[table], redacted[table], strict=True))
        if before != after
    }
    chain = _entries(original["audit_chain"])
    return [
        {"table": e.table, "row": e.row, "row_hash": e.row_hash, "prev_hash": e.prev_hash,
         "hash": e.hash}
        for e in relinked(chain, changed)  # type: ignore[arg-type]
    ]
