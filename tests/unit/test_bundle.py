"""The JSON bundle: complete, hashed, refused when touched, and identical after a round trip."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.unit.export_helpers import SECRET_LINE, T0, drive
from warroom.clock import FixedClock
from warroom.core.milestones import MilestoneKind
from warroom.export.bundle import (
    FORMAT,
    INCIDENT,
    LOCAL_COLUMNS,
    TABLES,
    BundleError,
    content_hash,
    export_bundle,
    import_bundle,
    redact_bundle,
)
from warroom.store.milestones import Milestones
from warroom.store.store import Store


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def source(tmp_path: Path, clock: FixedClock) -> Iterator[Store]:
    with Store.open(tmp_path / "source.db", clock=clock) as s:
        yield s


@pytest.fixture
def target(tmp_path: Path, clock: FixedClock) -> Iterator[Store]:
    with Store.open(tmp_path / "target.db", clock=clock) as s:
        yield s


@pytest.fixture
def bundle(source: Store, clock: FixedClock) -> dict[str, Any]:
    return export_bundle(source, drive(source, clock))


def _rehash(bundle: dict[str, Any]) -> dict[str, Any]:
    """A hand-made bundle that passes the hash, to reach the checks behind it."""
    bundle["content_hash"] = content_hash(bundle)
    return bundle


def _keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _keys(inner)


def test_round_trip_gives_the_same_bundle(bundle: dict[str, Any], target: Store) -> None:
    target.create_incident("Something else first, so the local id differs", actor="x")
    text = json.dumps(bundle, indent=2, ensure_ascii=False)
    new_id = import_bundle(target, json.loads(text))
    assert new_id == 2
    again = export_bundle(target, new_id)
    assert again == bundle
    assert json.dumps(again, indent=2, ensure_ascii=False) == text


def test_bundle_holds_everything_and_no_local_ids(bundle: dict[str, Any]) -> None:
    assert bundle["format"] == FORMAT
    assert bundle["version"] == 2
    assert len(bundle["content_hash"]) == 64
    assert not {"id", "incident_id", "event_id"} & set(_keys(bundle))
    counts = {table: len(bundle[table]) for table in TABLES}
    assert counts["phase_states"] == 6
    assert counts["artifact_versions"] == 8
    assert counts["gate_decisions"] == 4
    assert counts["log_sources"] == 2
    assert counts["roles"] == 1
    assert counts["action_items"] == 2
    assert counts["checklist"] == 1
    assert counts["panel_answers"] == 1
    assert {m["kind"] for m in bundle["milestones"]} == {"started", "mitigated"}
    assert bundle["gate_decisions"][0]["criteria_ticked"] == [1, 2, 3]
    assert bundle["gate_decisions"][0]["checks"] == {"1": True, "2": True, "3": True}


def test_schema_columns_match_the_bundle_fields(source: Store) -> None:
    """A column added to a table must be added to the bundle too (or named local)."""
    columns = set(source.db["incidents"].columns_dict) - LOCAL_COLUMNS
    assert columns == set(INCIDENT)
    for table, (fields, _) in TABLES.items():
        carried = {"event_id" if f == "event" else f for f in fields}
        columns = set(source.db[table].columns_dict) - LOCAL_COLUMNS
        assert columns == carried - LOCAL_COLUMNS, table


def test_removed_events_conflicts_and_milestone_links_survive(
    bundle: dict[str, Any], target: Store
) -> None:
    new_id = import_bundle(target, bundle)
    events = target.events(new_id, include_removed=True)
    removed = [e for e in events if e.removed]
    assert [e.text for e in removed] == ["wrong service, ignore"]
    assert [e.text for e in target.events(new_id)].count("wrong service, ignore") == 0
    versions = target.artifact_versions(new_id, 2)
    assert [(v.version, v.conflict, v.base_version) for v in versions] == [
        (1, False, None), (2, False, 1), (3, True, 1)
    ]
    assert target.artifact_versions(new_id, 1)[-1].after_approval
    started = Milestones(target).get(new_id, MilestoneKind.STARTED)
    assert started is not None
    assert target.event(started.event_id).text == SECRET_LINE
    assert [p.state.value for p in target.phases(new_id)] == [
        "amended", "approved", "completed", "approved", "in_review", "locked"
    ]
    assert target.steps_done(new_id, 3) == {1}


def test_changed_character_is_refused(bundle: dict[str, Any], target: Store) -> None:
    tampered = copy.deepcopy(bundle)
    body = tampered["artifact_versions"][0]["body"]
    tampered["artifact_versions"][0]["body"] = body.replace("Critical", "Critical.", 1)
    with pytest.raises(BundleError, match="bundle content hash does not match: the file was"):
        import_bundle(target, tampered)
    assert target.incidents() == []


def test_changed_hash_is_refused(bundle: dict[str, Any], target: Store) -> None:
    bundle["content_hash"] = "0" * 64
    with pytest.raises(BundleError, match="content hash does not match"):
        import_bundle(target, bundle)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b: b.update(version=3), "bundle format version 3 is not supported"),
        (lambda b: b.update(format="something-else"), "not a warroom bundle"),
        (lambda b: b.pop("timeline_events"), "bundle is missing timeline_events"),
        (lambda b: b.pop("content_hash"), "bundle is missing content_hash"),
    ],
)
def test_wrong_format_version_or_keys_are_refused(
    bundle: dict[str, Any], target: Store, change: Any, message: str
) -> None:
    change(bundle)
    with pytest.raises(BundleError, match=message):
        import_bundle(target, bundle)
    assert target.incidents() == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b: b["timeline_events"][1].pop("text"), r"timeline_events\[1\] is missing text"),
        (lambda b: b["incident"].pop("uid"), "bundle incident is missing uid"),
        (lambda b: b["artifact_versions"][0].update(version="1"),
         r"artifact_versions\[0\]\.version: Input should be a valid integer \(got '1'\)"),
        (lambda b: b["gate_decisions"][0].update(phase=9),
         r"gate_decisions\[0\]\.phase 9 is not in incident-response"),
        (lambda b: b["milestones"][0].update(event=99), "points at event 99"),
        (lambda b: b["incident"].update(workflow="other"), "follows workflow 'other'"),
        (lambda b: b.update(roles={}), "bundle roles: Input should be a valid list"),
    ],
)
def test_malformed_rows_are_refused_even_with_a_good_hash(
    bundle: dict[str, Any], target: Store, change: Any, message: str
) -> None:
    change(bundle)
    with pytest.raises(BundleError, match=message):
        import_bundle(target, _rehash(bundle))
    assert target.incidents() == []


def test_database_refusal_rolls_back_everything(bundle: dict[str, Any], target: Store) -> None:
    bundle["version"] = 1  # a version 1 bundle has no chain to refuse it first
    del bundle["audit_chain"]
    bundle["artifact_versions"].append(dict(bundle["artifact_versions"][0]))
    with pytest.raises(BundleError, match="rejected by the database"):
        import_bundle(target, _rehash(bundle))
    assert target.incidents() == []
    assert target.db["timeline_events"].count == 0


def test_duplicate_uid_is_refused(bundle: dict[str, Any], source: Store, target: Store) -> None:
    with pytest.raises(BundleError, match=r"already in this database as #1; nothing imported"):
        import_bundle(source, bundle)
    import_bundle(target, bundle)
    with pytest.raises(BundleError, match="already in this database"):
        import_bundle(target, bundle)
    assert len(target.incidents()) == 1


def test_redacted_bundle_is_rehashed_and_imports(bundle: dict[str, Any], target: Store) -> None:
    redacted, counts = redact_bundle(bundle)
    assert counts == {"bearer-token": 1}
    assert "abcdefghijklmnop1234567890" not in json.dumps(redacted)
    assert "abcdefghijklmnop1234567890" in json.dumps(bundle)  # the original is untouched
    assert redacted["content_hash"] == content_hash(redacted) != bundle["content_hash"]
    new_id = import_bundle(target, redacted)
    assert export_bundle(target, new_id) == redacted
    assert redact_bundle(redacted) == (redacted, {})
