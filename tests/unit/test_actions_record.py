"""Recorded commands in the store, in INC-2's Steps Taken, in bundles and in the post-mortem."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from warroom.clock import FixedClock
from warroom.core.artifacts import parse_artifact
from warroom.core.commands import insert_steps, status_text
from warroom.core.models import ActionDetail, EventKind, Output
from warroom.export.bundle import export_bundle, import_bundle, redact_bundle
from warroom.export.postmortem import export_postmortem
from warroom.store.store import Store

T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "a.db", clock=FixedClock(T0)) as s:
        yield s


def _detail(start: datetime, seconds: float, out: str = "", err: str = "") -> ActionDetail:
    return ActionDetail(
        cwd="/srv/checkout", user="ana", host="web-1", started_at=start,
        ended_at=start + timedelta(seconds=seconds), how="run",
        stdout=Output(head=out, total=len(out)), stderr=Output(head=err, total=len(err)),
    )


def _record(store: Store, incident: int, command: str, status: int, minutes: int,
            **kw: str):
    return store.record_action(incident, command, status,
                               _detail(T0 + timedelta(minutes=minutes), 3, **kw), actor="ana")


def test_an_action_keeps_what_ran_where_and_how_it_ended(store: Store) -> None:
    incident = store.create_incident("x", actor="ana").id
    event = _record(store, incident, "systemctl restart nginx", 3, 2, err="Job failed\n")
    assert event.kind is EventKind.ACTION
    assert (event.text, event.exit_status, event.author) == ("systemctl restart nginx", 3, "ana")
    assert event.occurred_at == T0 + timedelta(minutes=2)
    assert event.recorded_at == T0 + timedelta(minutes=2, seconds=3)
    assert event.action.stderr.text == "Job failed\n"
    assert event.sha256 is not None
    assert len(event.sha256) == 64
    assert store.event(event.id) == event


def test_a_pinned_line_keeps_its_hash_and_its_file_as_it_was(store: Store,
                                                             tmp_path: Path) -> None:
    incident = store.create_incident("x", actor="ana").id
    log = tmp_path / "app.log"
    log.write_bytes(b"first\nERROR pool exhausted\n")
    stat = log.stat()
    event = store.pin_line(incident, b"ERROR pool exhausted", actor="ana", logged_at=None,
                           received_at=T0, source=str(log), position=2, level="error",
                           file=str(log))
    assert event.sha256 == hashlib.sha256(b"ERROR pool exhausted").hexdigest()
    assert (event.file_inode, event.file_size, event.file_mtime_ns) == (
        stat.st_ino, stat.st_size, stat.st_mtime_ns)


def test_status_words() -> None:
    assert status_text(0) == "exit 0 (ok)"
    assert status_text(3) == "exit 3 (failed)"
    assert status_text(130) == "exit 130 (interrupted)"
    assert status_text(137) == "exit 137 (killed by SIGKILL)"
    assert status_text(127) == "exit 127 (command not found)"
    assert status_text(None) == "no status"


def test_actions_go_into_steps_taken_in_the_seed_format(store: Store) -> None:
    incident = store.create_incident("x", actor="ana").id
    later = _record(store, incident, "curl -sf https://checkout/health", 0, 9)
    first = _record(store, incident, "kubectl rollout undo deploy/checkout", 3, 5)
    template = store.workflow.template(2)
    body = insert_steps(template, [later, first])
    assert "<Step>" not in body
    assert ("1. 2026-11-27T14:05:00Z ran `kubectl rollout undo deploy/checkout` on web-1 — "
            "exit 3 (failed) after 3.0s") in body
    assert ("2. 2026-11-27T14:09:00Z ran `curl -sf https://checkout/health` on web-1 — "
            "exit 0 (ok) after 3.0s") in body
    steps = parse_artifact("INC-2", body).steps
    assert [s.result for s in steps] == ["exit 3 (failed) after 3.0s", "exit 0 (ok) after 3.0s"]
    # Again, with a step a person wrote: kept, not doubled, numbered on.
    edited = body.replace("2. 2026", "2. Scaled pool to 200 — errors fell\n3. 2026")
    again = insert_steps(edited, [first, later])
    assert again.count("kubectl rollout undo") == 1
    assert "2. Scaled pool to 200 — errors fell" in again
    assert "3. 2026-11-27T14:09:00Z ran `curl" in again


def test_actions_travel_in_bundles_and_secrets_in_output_are_redacted(
    store: Store, tmp_path: Path
) -> None:
    incident = store.create_incident("x", actor="ana").id
    _record(store, incident, f"deploy --token {TOKEN}", 0, 2, out=f"using {TOKEN}\n")
    bundle = export_bundle(store, incident)
    with Store.open(tmp_path / "b.db", clock=FixedClock(T0)) as other:
        new_id = import_bundle(other, json.loads(json.dumps(bundle)))
        [copy] = [e for e in other.events(new_id) if e.kind is EventKind.ACTION]
        [original] = [e for e in store.events(incident) if e.kind is EventKind.ACTION]
        assert copy.model_dump(exclude={"id", "incident_id"}) == original.model_dump(
            exclude={"id", "incident_id"})
    redacted, counts = redact_bundle(bundle)
    assert TOKEN not in json.dumps(redacted)
    assert counts


def test_the_post_mortem_lists_actions_with_their_status_and_output(store: Store) -> None:
    incident = store.create_incident("x", actor="ana").id
    _record(store, incident, "systemctl restart nginx", 3, 2,
            err=f"Job failed; token {TOKEN}\n")
    document, _ = export_postmortem(store, incident)
    assert "ran `systemctl restart nginx`" in document
    assert "exit 3 (failed)" in document
    assert "Job failed" in document
    assert TOKEN not in document


def test_an_exit_status_changed_by_hand_breaks_the_audit_chain(store: Store) -> None:
    from warroom.store.verify import verify

    incident = store.create_incident("x", actor="ana").id
    event = _record(store, incident, "systemctl restart nginx", 3, 2)
    assert verify(store, incident).passed
    store.db.execute("update timeline_events set exit_status = 0 where id = ?", [event.id])
    report = verify(store, incident)
    assert not report.passed
    assert any(f"timeline entry #{event.id} was changed" in p
               for r in report.results for p in r.problems)
