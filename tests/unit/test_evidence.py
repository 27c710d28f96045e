"""The incident timeline inserted into INC-1 and INC-4, and its editing with an audit trail."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from warroom.clock import FixedClock
from warroom.core.artifacts import parse_artifact
from warroom.core.evidence import insert_timeline
from warroom.core.models import EventKind
from warroom.core.workflow import default_workflow
from warroom.store.db import StoreError
from warroom.store.store import Store

T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store.open(tmp_path / "e.db", clock=FixedClock(T0)) as s:
        yield s


def _pin_and_note(store: Store, incident_id: int) -> None:
    store.add_event(
        incident_id, EventKind.PIN, "ERROR pool exhausted [bold]x[/]", actor="ana",
        occurred_at=datetime(2026, 11, 27, 13, 53, 41, tzinfo=UTC),
        source="/var/log/app.log", position=88213, level="error",
    )
    store.add_event(
        incident_id, EventKind.NOTE, "rolled back\nto v2.13.2", actor="bo",
        occurred_at=datetime(2026, 11, 27, 14, 17, tzinfo=UTC),
    )


def test_inc1_gets_timestamp_event_lines_in_time_order(store: Store) -> None:
    incident = store.create_incident("x", actor="ana")
    _pin_and_note(store, incident.id)
    template = default_workflow().template(1)
    events = [e for e in store.events(incident.id) if e.kind is not EventKind.SYSTEM]
    out = insert_timeline(template, "INC-1", events)
    model = parse_artifact("INC-1", out)
    assert [(e.timestamp, e.event) for e in model.timeline] == [
        ("2026-11-27T13:53:41Z", "ERROR pool exhausted [bold]x[/]"),
        ("2026-11-27T14:17:00Z", "rolled back to v2.13.2"),
    ]
    assert "<timestamp>" not in out
    # Everything outside the Timeline section is untouched.
    assert out.split("## Timeline")[0] == template.split("## Timeline")[0]
    assert out.split("## Initial Hypothesis")[1] == template.split("## Initial Hypothesis")[1]


def test_a_pinned_line_does_not_repeat_its_own_timestamp(store: Store) -> None:
    incident = store.create_incident("x", actor="ana")
    store.add_event(
        incident.id, EventKind.PIN, "2026-11-27T13:53:41.648Z ERROR pool exhausted", actor="ana",
        occurred_at=datetime(2026, 11, 27, 13, 53, 41, 648000, tzinfo=UTC),
        source="/var/log/app.log", position=12, level="error",
    )
    store.add_event(incident.id, EventKind.NOTE, "2026-11-27 was a Friday", actor="bo")
    events = [e for e in store.events(incident.id) if e.kind is not EventKind.SYSTEM]
    out = insert_timeline(default_workflow().template(4), "INC-4", events)
    assert "- 2026-11-27T13:53:41Z — ERROR pool exhausted — /var/log/app.log:12" in out
    assert "— 2026-11-27 was a Friday — note by bo" in out  # a note is taken as written


def test_inc4_lines_carry_their_source(store: Store) -> None:
    incident = store.create_incident("x", actor="ana")
    _pin_and_note(store, incident.id)
    events = [e for e in store.events(incident.id) if e.kind is not EventKind.SYSTEM]
    out = insert_timeline(default_workflow().template(4), "INC-4", events)
    model = parse_artifact("INC-4", out)
    assert [(e.event, e.source) for e in model.detailed_timeline] == [
        ("ERROR pool exhausted [bold]x[/]", "/var/log/app.log:88213"),
        ("rolled back to v2.13.2", "note by bo"),
    ]


def test_insert_keeps_hand_written_entries_and_does_not_duplicate(store: Store) -> None:
    incident = store.create_incident("x", actor="ana")
    _pin_and_note(store, incident.id)
    events = [e for e in store.events(incident.id) if e.kind is not EventKind.SYSTEM]
    text = (Path(__file__).parent.parent / "fixtures" / "filled" / "INC-1.md").read_text()
    once = insert_timeline(text, "INC-1", events)
    twice = insert_timeline(once, "INC-1", events)
    assert once == twice
    stamps = [e.timestamp for e in parse_artifact("INC-1", once).timeline]
    assert stamps == sorted(stamps)
    assert "2026-11-27T13:52:00Z" in stamps  # the responder's own line survives
    assert len(stamps) == 4


def test_insert_refuses_an_artifact_without_timeline() -> None:
    with pytest.raises(ValueError, match="INC-2 has no timeline section"):
        insert_timeline("", "INC-2", [])


def test_edit_and_remove_leave_an_audit_trail(store: Store) -> None:
    incident = store.create_incident("x", actor="ana")
    _pin_and_note(store, incident.id)
    note = next(e for e in store.events(incident.id) if e.kind is EventKind.NOTE)
    fixed = datetime(2026, 11, 27, 14, 16, tzinfo=UTC)
    edited = store.edit_event(note.id, actor="ana", text="rolled back to v2.13.2",
                              occurred_at=fixed)
    assert (edited.text, edited.occurred_at) == ("rolled back to v2.13.2", fixed)
    store.remove_event(note.id, actor="ana")
    assert note.id not in [e.id for e in store.events(incident.id)]
    kept = [e for e in store.events(incident.id, include_removed=True) if e.id == note.id]
    assert kept[0].removed
    audit = [e.text for e in store.events(incident.id) if e.kind is EventKind.SYSTEM]
    assert any(f"#{note.id} edited" in t and "14:17:00Z → 2026-11-27T14:16:00Z" in t
               for t in audit)
    assert any(f"#{note.id} removed" in t for t in audit)
    system = next(e for e in store.events(incident.id) if e.kind is EventKind.SYSTEM)
    with pytest.raises(StoreError, match="audit log"):
        store.remove_event(system.id, actor="ana")
    with pytest.raises(StoreError, match="no timeline entry #999"):
        store.event(999)


def test_pin_record_keeps_the_line_its_time_and_where_to_find_it(store: Store,
                                                                 tmp_path: Path) -> None:
    from warroom.timeline.records import LogRecord

    log = tmp_path / "app.log"
    log.write_bytes(b"first\n2026-11-27T13:50:00Z WARN slow [b]x[/]\n")
    incident = store.create_incident("x", actor="ana")
    raw = b"2026-11-27T13:50:00Z WARN slow [b]x[/]"
    record = LogRecord(3, "s1", "app", str(log), 6, None, raw, raw.decode(),
                       datetime(2026, 11, 27, 13, 50, tzinfo=UTC), "warning", False, T0)
    pin = store.pin_record(incident.id, record, actor="ana")
    assert (pin.kind, pin.text, pin.level) == (EventKind.PIN, raw.decode(), "warning")
    assert (pin.source, pin.position) == (str(log), 2)  # counted: it was read from the end
    assert pin.occurred_at == datetime(2026, 11, 27, 13, 50, tzinfo=UTC)
    assert pin.recorded_at == T0
