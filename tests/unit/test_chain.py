"""The audit record is hash-chained: verify finds what was changed by hand, bundles carry it."""

from __future__ import annotations

import copy
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.unit.export_helpers import T0, drive
from warroom.clock import FixedClock
from warroom.core.models import EventKind
from warroom.export.bundle import (
    BundleError,
    content_hash,
    export_bundle,
    import_bundle,
    redact_bundle,
)
from warroom.store import chain
from warroom.store.store import Store
from warroom.store.verify import Report, audit_chain


def verify(store: Store, incident_id: int) -> Report:
    """The audit chain's check alone: drive() pins lines from a log that is not on this
    machine, which the pinned-lines check rightly reports as gone."""
    store.incident(incident_id)
    return Report(incident_id, [audit_chain(store, incident_id)])


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def store(tmp_path: Path, clock: FixedClock) -> Iterator[Store]:
    with Store.open(tmp_path / "chain.db", clock=clock) as s:
        yield s


@pytest.fixture
def driven(store: Store, clock: FixedClock) -> int:
    return drive(store, clock)


def problems(store: Store, incident_id: int) -> list[str]:
    (result,) = verify(store, incident_id).results
    return list(result.problems)


def by_hand(store: Store, sql: str, *args: object) -> None:
    """A change made outside warroom, with its own connection (as the sqlite3 shell would)."""
    with sqlite3.connect(store.path) as conn:
        conn.execute(sql, args)
    conn.close()


def test_every_write_is_chained_and_the_chain_is_whole(store: Store, driven: int) -> None:
    links = chain.entries(store.db, driven)
    written = sum(store.db[t].count_where("incident_id = ?", [driven]) for t in chain.CHAINED)
    assert len(links) == written + 1  # + the removed note's second entry (removed = 1)
    assert [seq for seq, _ in links] == list(range(1, len(links) + 1))
    assert links[0][1].prev_hash == chain.GENESIS
    assert all(e.prev_hash == links[n - 1][1].hash for n, (_, e) in enumerate(links) if n)
    report = verify(store, driven)
    assert report.passed
    assert report.results[0].summary.startswith(f"whole: {len(links)} entries, head ")


def test_rewording_and_removing_on_purpose_keep_it_whole(store: Store) -> None:
    incident = store.create_incident("x", actor="ana")
    note = store.add_event(incident.id, EventKind.NOTE, "first words", actor="ana")
    store.edit_event(note.id, actor="ana", text="better words")
    store.remove_event(note.id, actor="ana")
    assert problems(store, incident.id) == []


def test_a_timeline_entry_edited_by_hand_is_named(store: Store, driven: int) -> None:
    pin = next(e for e in store.events(driven) if e.kind is EventKind.PIN)
    by_hand(store, "update timeline_events set text = 'nothing to see' where id = ?", pin.id)
    found = problems(store, driven)
    assert len(found) == 1
    assert found[0].startswith(f"timeline entry #{pin.id} was changed outside warroom after "
                               "chain entry ")


def test_deleting_a_decision_or_a_version_by_hand_is_named(store: Store, driven: int) -> None:
    decision = store.decisions(driven)[0]
    by_hand(store, "delete from gate_decisions where id = ?", decision.id)
    by_hand(store, "delete from artifact_versions where incident_id = ? and phase = 4", driven)
    found = problems(store, driven)
    assert any(p.startswith(f"gate decision #{decision.id} (chain entry ") and
               p.endswith("is gone: deleted outside warroom") for p in found)
    assert any(p.startswith("artifact version #") and "is gone" in p for p in found)


def test_a_chain_entry_deleted_or_edited_by_hand_is_named(store: Store, driven: int) -> None:
    by_hand(store, "delete from audit_chain where incident_id = ? and seq = 5", driven)
    assert problems(store, driven)[:2] == [
        "entry 5 of the chain is missing (deleted)",
        "entry 6 does not follow entry 4: an entry before it was changed, added or deleted",
    ]
    by_hand(store, "update audit_chain set row_hash = ? where incident_id = ? and seq = 9",
            "0" * 64, driven)
    assert "entry 9 was changed: its hash does not match what it records" in problems(
        store, driven)


def test_a_row_added_by_hand_is_named(store: Store, driven: int) -> None:
    by_hand(store, "insert into timeline_events (incident_id, kind, occurred_at, recorded_at, "
            "text, author, removed) values (?, 'note', ?, ?, 'planted', 'eve', 0)",
            driven, T0.isoformat(), T0.isoformat())
    (found,) = problems(store, driven)
    assert found.endswith("is not in the chain: added outside warroom")
    assert found.startswith("timeline entry #")


def test_the_migration_chains_what_was_written_before(tmp_path: Path, clock: FixedClock) -> None:
    path = tmp_path / "old.db"
    with Store.open(path, clock=clock) as store:
        driven = drive(store, clock)
    with sqlite3.connect(path) as conn:  # back to schema 4: no chain yet
        conn.execute("drop table audit_chain")
        conn.execute("drop table if exists artifact_facts")  # schema 7's
        for column in ("exit_status", "action", "sha256", "file_inode", "file_size",
                       "file_mtime_ns"):  # schema 6's
            conn.execute(f"alter table timeline_events drop column {column}")
        conn.execute("pragma user_version = 4")
    conn.close()
    with Store.open(path, clock=clock) as store:
        assert verify(store, driven).passed
        assert len(chain.entries(store.db, driven)) > 20


# -- bundles ------------------------------------------------------------------


@pytest.fixture
def target(tmp_path: Path, clock: FixedClock) -> Iterator[Store]:
    with Store.open(tmp_path / "target.db", clock=clock) as s:
        yield s


def test_the_bundle_carries_the_chain_and_the_import_is_whole(
    store: Store, driven: int, target: Store
) -> None:
    bundle = export_bundle(store, driven)
    assert len(bundle["audit_chain"]) == len(chain.entries(store.db, driven))
    assert bundle["audit_chain"][-1]["hash"] == chain.head(store.db, driven)[1]
    new_id = import_bundle(target, copy.deepcopy(bundle))
    assert verify(target, new_id).passed
    assert chain.head(target.db, new_id)[1] == chain.head(store.db, driven)[1]  # same record


def test_a_redacted_bundle_is_rechained_and_imports_whole(
    store: Store, driven: int, target: Store
) -> None:
    redacted, counts = redact_bundle(export_bundle(store, driven))
    assert counts
    assert verify(target, import_bundle(target, redacted)).passed


def test_a_record_changed_before_export_is_not_imported(
    store: Store, driven: int, target: Store
) -> None:
    pin = next(e for e in store.events(driven) if e.kind is EventKind.PIN)
    by_hand(store, "update timeline_events set author = 'eve' where id = ?", pin.id)
    bundle = export_bundle(store, driven)
    with pytest.raises(BundleError, match=r"^bundle timeline_events\[\d+\] was changed after "
                       r"audit_chain\[\d+\] recorded it; nothing imported$"):
        import_bundle(target, bundle)
    redacted, _ = redact_bundle(bundle)  # redaction does not mend it
    with pytest.raises(BundleError, match="was changed after audit_chain"):
        import_bundle(target, redacted)
    assert target.incidents() == []


def _rehashed(bundle: dict[str, Any]) -> dict[str, Any]:
    bundle["content_hash"] = content_hash(bundle)
    return bundle


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b: b["timeline_events"][1].update(text="edited in the file"),
         r"bundle timeline_events\[1\] was changed after audit_chain\[\d+\] recorded it"),
        (lambda b: b["audit_chain"].pop(3),
         r"bundle audit_chain\[3\] does not follow the entry before it"),
        (lambda b: b["audit_chain"][2].update(row_hash="f" * 64),
         r"bundle audit_chain\[2\] was changed: its hash does not match"),
        (lambda b: b["gate_decisions"].append(dict(b["gate_decisions"][0])),
         r"bundle gate_decisions\[4\] is not in the audit chain"),
        (lambda b: b.pop("audit_chain"), "bundle is missing audit_chain"),
    ],
)
def test_a_bundle_whose_chain_does_not_hold_is_refused(
    store: Store, driven: int, target: Store, change: Any, message: str
) -> None:
    bundle = export_bundle(store, driven)
    change(bundle)
    with pytest.raises(BundleError, match=message):
        import_bundle(target, _rehashed(bundle))
    assert target.incidents() == []


def test_a_version_1_bundle_is_chained_on_import(store: Store, driven: int, target: Store) -> None:
    bundle = export_bundle(store, driven)
    bundle["version"] = 1
    del bundle["audit_chain"]
    new_id = import_bundle(target, _rehashed(bundle))
    assert verify(target, new_id).passed
    assert export_bundle(target, new_id)["version"] == 2
