"""`warroom verify`: checks that an incident's record is what warroom wrote.

Each check is a function from (store, incident id) to a CheckResult; CHECKS
lists them in the order they run and report: the audit chain, each pinned line
read again from its file (or where rotation took it), each recorded command
against its SHA-256. To add one, write the function and append it to CHECKS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from warroom.store import chain

if TYPE_CHECKING:
    from warroom.store.store import Store


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check's verdict: a one-line summary, and each problem found (none: it passed)."""

    name: str
    summary: str
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # what was found for each item, problems or not

    @property
    def passed(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class Report:
    incident_id: int
    results: list[CheckResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)


Check = Callable[["Store", int], CheckResult]


def describe_row(store: Store, table: str, row_id: int | None) -> str:
    """A row as a person finds it: "timeline entry #34", "gate decision #3", "INC-2 v3"."""
    if table == "timeline_events":
        return f"timeline entry #{row_id}"
    if table == "gate_decisions":
        return f"gate decision #{row_id}"
    row = store.db.execute(
        "select phase, version from artifact_versions where id = ?", [row_id]
    ).fetchone()
    if row is None:
        return f"artifact version #{row_id}"
    try:
        code = store.workflow.phase(row[0]).artifact.code
    except KeyError:
        code = f"phase {row[0]}"
    return f"{code} v{row[1]} (artifact version #{row_id})"


def audit_chain(store: Store, incident_id: int) -> CheckResult:
    """Recompute the incident's hash chain: links, entries, and the rows they record."""
    db = store.db
    links = chain.entries(db, incident_id)
    problems: list[str] = []
    prev, expected, prev_seq = chain.GENESIS, 1, 0
    newest: dict[tuple[str, int | None], tuple[int, chain.Entry]] = {}
    for seq, entry in links:
        if seq != expected:
            missing = f"{expected}" if seq == expected + 1 else f"{expected} to {seq - 1}"
            problems.append(f"entry {missing} of the chain is missing (deleted)")
        if not entry.linked:
            problems.append(f"entry {seq} was changed: its hash does not match what it records")
        elif entry.prev_hash != prev:
            problems.append(
                f"entry {seq} does not follow entry {prev_seq}: an entry before it was "
                "changed, added or deleted"
            )
        prev, expected, prev_seq = entry.hash, seq + 1, seq
        newest[(entry.table, entry.row)] = (seq, entry)
    for (table, row_id), (seq, entry) in newest.items():
        row = db.execute(
            f"select * from {table} where id = ? and incident_id = ?", [row_id, incident_id]
        ).fetchone() if table in chain.CHAINED else None
        what = describe_row(store, table, row_id)
        if row is None:
            problems.append(f"{what} (chain entry {seq}) is gone: deleted outside warroom")
            continue
        columns = [d[0] for d in db.execute(f"select * from {table} limit 0").description]
        form = chain.row_form(table, dict(zip(columns, row, strict=True)))
        if chain.row_hash(table, form) != entry.row_hash:
            problems.append(
                f"{what} was changed outside warroom after chain entry {seq} recorded it"
            )
    for table in chain.CHAINED:
        for (row_id,) in db.execute(
            f"select id from {table} where incident_id = ? order by id", [incident_id]
        ).fetchall():
            if (table, row_id) not in newest:
                problems.append(
                    f"{describe_row(store, table, row_id)} is not in the chain: "
                    "added outside warroom"
                )
    head = f"head {prev[:16]}" if links else "empty"
    if problems:
        summary = f"broken: {len(problems)} problem{'s' if len(problems) != 1 else ''} " \
                  f"in {len(links)} entries"
    else:
        summary = f"whole: {len(links)} entries, {head}"
    return CheckResult("audit chain", summary, tuple(problems))


def _pin_place(source: str, position: int | None) -> tuple[str, int | None, int | None]:
    """(path, line, byte offset) from a pin's source: "path" with its line number, or
    "path@offset" for a line read from a big file's end."""
    if position is None and "@" in source:
        path, _, offset = source.rpartition("@")
        if offset.isdigit():
            return path, None, int(offset)
    return source, position, None


def pinned_lines(store: Store, incident_id: int) -> CheckResult:
    """Read each pinned line again from its file, or from where rotation took it (.1, .gz)."""
    import hashlib

    from warroom.timeline.reread import Found, Pinned, find

    commands = {s.spec for s in store.log_sources(incident_id) if s.kind == "cmd"}
    rows = store.db.execute(
        "select id, text, source, position, sha256, file_inode from timeline_events "
        "where incident_id = ? and kind = 'pin' and removed = 0 order by id", [incident_id]
    ).fetchall()
    counts: dict[str, int] = {}
    notes: list[str] = []
    problems: list[str] = []
    for row_id, text, source, position, sha256, inode in rows:
        if not source or source in commands or source.split("@")[0] in commands:
            counts["from a command, not checked"] = counts.get(
                "from a command, not checked", 0) + 1
            continue
        path, line, offset = _pin_place(source, position)
        digest = sha256 or hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        outcome = find(Pinned(path, line, offset, digest, inode))
        where = f"{path}:{line}" if line is not None else source
        note = f"timeline entry #{row_id} ({where}): {outcome.found.value}"
        if outcome.found is Found.ROTATED:
            note += f", in {outcome.where}"
        elif outcome.found is Found.CHANGED:
            note += f": the line there differs from the one pinned ({outcome.where})"
        elif outcome.found is Found.GONE:
            note += ": neither the file nor a rotated sibling holds it"
        notes.append(note)
        if outcome.found in (Found.CHANGED, Found.GONE):
            problems.append(note)
        counts[outcome.found.value] = counts.get(outcome.found.value, 0) + 1
    if not rows:
        summary = "none pinned"
    else:
        order = [f.value for f in Found] + ["from a command, not checked"]
        summary = ", ".join(f"{counts[k]} {k}" for k in order if counts.get(k))
    return CheckResult("pinned lines", summary, tuple(problems), tuple(notes))


def recorded_commands(store: Store, incident_id: int) -> CheckResult:
    """Each recorded command's SHA-256 against its content as stored now."""
    import json

    rows = store.db.execute(
        "select id, text, exit_status, action, sha256 from timeline_events "
        "where incident_id = ? and kind = 'action' order by id", [incident_id]
    ).fetchall()
    problems = []
    for row_id, text, status, action, sha256 in rows:
        try:
            detail = json.loads(action) if action else None
        except ValueError:
            detail = action
        if sha256 != chain.action_sha256(text, status, detail):
            problems.append(f"timeline entry #{row_id} (command {text[:60]!r}): its content "
                            "does not match the SHA-256 recorded with it")
    if not rows:
        return CheckResult("recorded commands", "none recorded")
    summary = (f"{len(rows) - len(problems)} of {len(rows)} match their SHA-256"
               if problems else f"{len(rows)} match their SHA-256")
    return CheckResult("recorded commands", summary, tuple(problems))


CHECKS: list[Check] = [audit_chain, pinned_lines, recorded_commands]


def verify(store: Store, incident_id: int) -> Report:
    """Run every check on one incident (StoreError if there is no such incident); an
    incident whose row no longer reads is still checked: that is when it matters."""
    if store.db.execute("select 1 from incidents where id = ?", [incident_id]).fetchone() is None:
        store.incident(incident_id)  # the usual "no incident #N" error
    return Report(incident_id, [check(store, incident_id) for check in CHECKS])
