"""Milestones and metrics: the arithmetic, the defaults, the automatic ones, and the audit log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from warroom.clock import FixedClock
from warroom.core.milestones import (
    SKEW_THRESHOLD,
    Milestone,
    MilestoneKind,
    MilestoneOrigin,
    as_json,
    clock_skew,
    compact,
    describe_skew,
    header_metrics,
    metrics,
    order_problems,
)
from warroom.core.models import EventKind, Status, TimelineEvent
from warroom.core.state import Verdict
from warroom.store.db import StoreError
from warroom.store.milestones import Milestones
from warroom.store.store import Store

T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
FILLED = Path(__file__).parent.parent / "fixtures" / "filled"
K = MilestoneKind


def ms(kind: MilestoneKind, minutes: float, origin: str = "manual") -> Milestone:
    return Milestone(
        incident_id=1, kind=kind, at=T0 + timedelta(minutes=minutes),
        origin=MilestoneOrigin(origin),
    )


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def store(tmp_path: Path, clock: FixedClock) -> Store:
    with Store.open(tmp_path / "m.db", clock=clock) as s:
        yield s


def system_texts(store: Store, incident_id: int) -> list[str]:
    return [e.text for e in store.events(incident_id) if e.kind is EventKind.SYSTEM]


# -- the arithmetic ----------------------------------------------------------


def test_metrics_from_all_five() -> None:
    m = metrics([ms(K.STARTED, 0), ms(K.DETECTED, 3), ms(K.ACKNOWLEDGED, 5),
                 ms(K.MITIGATED, 28), ms(K.RESOLVED, 95)])
    assert m.detect.value == timedelta(minutes=3)
    assert m.acknowledge.value == timedelta(minutes=2)
    assert (m.mitigate.value, m.mitigate.start) == (timedelta(minutes=28), K.STARTED)
    assert (m.resolve.value, m.resolve.start) == (timedelta(minutes=95), K.STARTED)
    assert [x.label for x in m.known()] == ["TTD", "TTA", "TTM", "TTR"]


def test_metrics_without_a_start_count_from_detection() -> None:
    m = metrics([ms(K.DETECTED, 3), ms(K.MITIGATED, 28)])
    assert m.detect is None
    assert m.acknowledge is None
    assert (m.mitigate.value, m.mitigate.start) == (timedelta(minutes=25), K.DETECTED)
    assert m.resolve is None


def test_metrics_of_nothing() -> None:
    assert metrics([]).known() == []
    assert metrics([ms(K.STARTED, 0)]).known() == []


def test_a_negative_metric_is_kept_and_the_order_named() -> None:
    milestones = [ms(K.STARTED, 0), ms(K.DETECTED, 10), ms(K.MITIGATED, 5)]
    assert metrics(milestones).mitigate.value == timedelta(minutes=5)
    assert order_problems(milestones) == [
        "mitigated (2026-11-27T14:05:00Z) before detected (2026-11-27T14:10:00Z)"
    ]
    late_start = [ms(K.STARTED, 20), ms(K.DETECTED, 10), ms(K.MITIGATED, 5)]
    assert metrics(late_start).detect.value == timedelta(minutes=-10)
    assert order_problems(late_start) == [
        "detected (2026-11-27T14:10:00Z) before started (2026-11-27T14:20:00Z)",
        "mitigated (2026-11-27T14:05:00Z) before started (2026-11-27T14:20:00Z)",
        "mitigated (2026-11-27T14:05:00Z) before detected (2026-11-27T14:10:00Z)",
    ]


def test_equal_times_are_in_order() -> None:
    assert order_problems([ms(K.DETECTED, 0), ms(K.ACKNOWLEDGED, 0)]) == []


def test_header_leaves_out_a_metric_of_two_defaults() -> None:
    defaults = [ms(K.DETECTED, 0, "incident"), ms(K.ACKNOWLEDGED, 0, "incident")]
    assert header_metrics(defaults) == []
    shown = header_metrics([ms(K.STARTED, -4), *defaults, ms(K.MITIGATED, 30)])
    assert [(m.label, compact(m.value)) for m in shown] == [("TTD", "4m"), ("TTM", "34m")]
    late = [ms(K.DETECTED, 0, "incident"), ms(K.ACKNOWLEDGED, 4, "incident")]
    assert [(m.label, compact(m.value)) for m in header_metrics(late)] == [("TTA", "4m")]


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=45), "45s"),
        (timedelta(minutes=3), "3m"),
        (timedelta(minutes=3, seconds=20), "3m20s"),
        (timedelta(hours=1, minutes=5), "1h05m"),
        (timedelta(days=2, hours=3, minutes=9), "2d3h"),
        (timedelta(days=1), "1d"),
        (timedelta(minutes=-7), "-7m"),
        (timedelta(0), "0s"),
    ],
)
def test_compact_durations(delta: timedelta, text: str) -> None:
    assert compact(delta) == text


def test_kinds_parse_by_name_or_prefix() -> None:
    assert list(MilestoneKind) == [K.STARTED, K.DETECTED, K.ACKNOWLEDGED, K.MITIGATED, K.RESOLVED]
    assert MilestoneKind.parse("Mitigated") is K.MITIGATED
    assert MilestoneKind.parse("ack") is K.ACKNOWLEDGED
    with pytest.raises(ValueError, match="started, detected, acknowledged"):
        MilestoneKind.parse("fixed")


# -- clock skew --------------------------------------------------------------


def event(kind: EventKind, logged: float, arrived: float = 0) -> TimelineEvent:
    return TimelineEvent(
        id=1, incident_id=1, kind=kind, text="x", author="a",
        occurred_at=T0 + timedelta(minutes=logged), recorded_at=T0 + timedelta(minutes=arrived),
    )


def test_skew_of_a_line_stamped_after_it_arrived() -> None:
    skew = clock_skew(event(EventKind.PIN, 7))
    assert skew == timedelta(minutes=7)
    assert describe_skew(skew) == "stamped 7m after it arrived: its clock may run ahead"


def test_skew_of_a_line_logged_long_before_it_was_read_is_worded_neutrally() -> None:
    skew = clock_skew(event(EventKind.PIN, -7))
    assert skew == timedelta(minutes=-7)
    assert describe_skew(skew) == "logged 7m before it was read"


def test_small_differences_and_non_pins_are_not_skew() -> None:
    assert timedelta(minutes=2) == SKEW_THRESHOLD
    assert clock_skew(event(EventKind.PIN, 2)) is None
    assert clock_skew(event(EventKind.PIN, -1.5)) is None
    assert clock_skew(event(EventKind.NOTE, -30)) is None  # a note given an earlier time
    assert clock_skew(event(EventKind.SYSTEM, 30)) is None


def test_a_pin_keeps_when_its_line_arrived(store: Store, clock: FixedClock) -> None:
    incident = store.create_incident("x", actor="a")
    arrived = T0 - timedelta(minutes=1)
    clock.advance(minutes=10)  # pinned well after it arrived: that is not skew
    pin = store.pin_line(
        incident.id, b"ERROR x", actor="a", logged_at=T0 + timedelta(minutes=6),
        received_at=arrived, source="/var/log/app.log", position=3, level="error",
    )
    assert pin.recorded_at == arrived
    assert clock_skew(pin) == timedelta(minutes=7)
    untimed = store.pin_line(
        incident.id, b"plain", actor="a", logged_at=None, received_at=arrived,
        source="/var/log/app.log", position=4, level=None,
    )
    assert clock_skew(untimed) is None


# -- defaults ----------------------------------------------------------------


def test_defaults_are_detection_and_declaration(store: Store, clock: FixedClock) -> None:
    detected = T0 - timedelta(minutes=12)
    clock.advance(minutes=3)
    incident = store.create_incident("x", detected_at=detected, actor="ana")
    found = Milestones(store).all(incident.id)
    assert [(m.kind, m.at, m.origin, m.implicit) for m in found] == [
        (K.DETECTED, detected, MilestoneOrigin.INCIDENT, True),
        (K.ACKNOWLEDGED, T0 + timedelta(minutes=3), MilestoneOrigin.INCIDENT, True),
    ]
    assert found[1].provenance() == "default: declared in warroom"
    assert Milestones(store).metrics(incident.id).acknowledge.value == timedelta(minutes=15)
    assert system_texts(store, incident.id) == ["Incident declared: x"]  # defaults are not logged


def test_detected_follows_the_incident_detection_time(store: Store) -> None:
    incident = store.create_incident("x", actor="ana")
    later = T0 - timedelta(minutes=30)
    store.update_incident(incident.id, detected_at=later)
    assert Milestones(store).get(incident.id, K.DETECTED).at == later


# -- setting by hand and from the timeline -----------------------------------


def test_manual_set_and_override_are_logged(store: Store, clock: FixedClock) -> None:
    incident = store.create_incident("x", actor="ana")
    book = Milestones(store)
    first = book.set_at(incident.id, K.STARTED, T0 - timedelta(minutes=20), actor="ana")
    assert (first.origin, first.set_by, first.set_at) == (MilestoneOrigin.MANUAL, "ana", T0)
    clock.advance(minutes=1)
    book.set_at(incident.id, K.STARTED, T0 - timedelta(minutes=25), actor="bo")
    book.set_at(incident.id, K.STARTED, T0 - timedelta(minutes=25), actor="bo")  # no change
    assert system_texts(store, incident.id)[1:] == [
        "Milestone started set to 2026-11-27T13:40:00Z by ana",
        "Milestone started set to 2026-11-27T13:35:00Z by bo (was 2026-11-27T13:40:00Z)",
    ]
    assert book.get(incident.id, K.STARTED).set_by == "bo"
    assert book.metrics(incident.id).detect.value == timedelta(minutes=25)


def test_a_time_in_the_future_is_refused(store: Store) -> None:
    incident = store.create_incident("x", actor="ana")
    with pytest.raises(StoreError, match="in the future"):
        Milestones(store).set_at(incident.id, K.MITIGATED, T0 + timedelta(hours=1), actor="a")
    Milestones(store).set_at(incident.id, K.MITIGATED, T0 + timedelta(minutes=1), actor="a")


def test_set_from_a_pinned_line(store: Store) -> None:
    incident = store.create_incident("x", actor="ana")
    line_at = T0 - timedelta(minutes=8)
    pin = store.pin_line(
        incident.id, b"ERROR pool exhausted", actor="ana", logged_at=line_at, received_at=T0,
        source="/var/log/app.log", position=12, level="error",
    )
    book = Milestones(store)
    started = book.set_from_event(incident.id, K.STARTED, pin.id, actor="ana")
    assert (started.at, started.origin, started.event_id) == (
        line_at, MilestoneOrigin.EVENT, pin.id
    )
    assert started.provenance() == f"pin #{pin.id} by ana"
    assert system_texts(store, incident.id)[-1] == (
        f"Milestone started set to 2026-11-27T13:52:00Z from pin #{pin.id} by ana"
    )


def test_setting_detected_moves_the_incident_detection_time(store: Store) -> None:
    incident = store.create_incident("x", actor="ana")
    note = store.add_event(
        incident.id, EventKind.NOTE, "pager fired", actor="ana",
        occurred_at=T0 - timedelta(minutes=5),
    )
    book = Milestones(store)
    detected = book.set_from_event(incident.id, K.DETECTED, note.id, actor="ana")
    assert not detected.implicit
    assert store.incident(incident.id).detected_at == T0 - timedelta(minutes=5)
    assert system_texts(store, incident.id)[-1] == (
        f"Milestone detected set to 2026-11-27T13:55:00Z from note #{note.id} by ana "
        "(was 2026-11-27T14:00:00Z, the default); the incident's detection time follows"
    )
    assert book.clear(incident.id, K.DETECTED, actor="ana")
    assert book.get(incident.id, K.DETECTED).implicit
    assert store.incident(incident.id).detected_at == T0 - timedelta(minutes=5)


def test_set_from_an_entry_of_another_incident_or_removed_is_refused(store: Store) -> None:
    one = store.create_incident("one", actor="ana")
    two = store.create_incident("two", actor="ana")
    note = store.add_event(one.id, EventKind.NOTE, "n", actor="ana")
    book = Milestones(store)
    with pytest.raises(StoreError, match="belongs to incident"):
        book.set_from_event(two.id, K.STARTED, note.id, actor="ana")
    store.remove_event(note.id, actor="ana")
    with pytest.raises(StoreError, match="was removed"):
        book.set_from_event(one.id, K.STARTED, note.id, actor="ana")
    with pytest.raises(StoreError, match="no timeline entry"):
        book.set_from_event(one.id, K.STARTED, 999, actor="ana")


def test_clear_is_logged_and_falls_back_to_the_default(store: Store) -> None:
    incident = store.create_incident("x", actor="ana")
    book = Milestones(store)
    assert not book.clear(incident.id, K.MITIGATED, actor="ana")  # nothing set: nothing logged
    book.set_at(incident.id, K.ACKNOWLEDGED, T0 - timedelta(minutes=1), actor="ana")
    book.set_at(incident.id, K.MITIGATED, T0, actor="ana")
    assert book.clear(incident.id, K.MITIGATED, actor="bo")
    assert book.clear(incident.id, K.ACKNOWLEDGED, actor="bo")
    assert book.get(incident.id, K.MITIGATED) is None
    assert book.get(incident.id, K.ACKNOWLEDGED).implicit
    assert system_texts(store, incident.id)[-2:] == [
        "Milestone mitigated cleared by bo (was 2026-11-27T14:00:00Z)",
        "Milestone acknowledged cleared by bo (was 2026-11-27T13:59:00Z); back to the default "
        "2026-11-27T14:00:00Z (declared in warroom)",
    ]


# -- set by decisions and status ---------------------------------------------


def approve_inc1(store: Store, incident_id: int) -> None:
    store.save_artifact(incident_id, 1, (FILLED / "INC-1.md").read_text(), actor="ana")
    store.decide(incident_id, 1, Verdict.APPROVE, reviewer="rita", criteria_ticked=(1, 2, 3))


def test_inc2_approved_mitigated_sets_mitigated(store: Store, clock: FixedClock) -> None:
    incident = store.create_incident("x", actor="ana")
    approve_inc1(store, incident.id)
    store.save_artifact(incident.id, 2, (FILLED / "INC-2.md").read_text(), actor="ana")
    clock.advance(minutes=30)
    store.decide(incident.id, 2, Verdict.APPROVE, reviewer="rita")
    mitigated = Milestones(store).get(incident.id, K.MITIGATED)
    assert (mitigated.at, mitigated.origin, mitigated.set_by) == (
        T0 + timedelta(minutes=30), MilestoneOrigin.DECISION, "rita"
    )
    assert store.incident(incident.id).status is Status.MITIGATED
    assert "Milestone mitigated set to 2026-11-27T14:30:00Z from INC-2 approved by rita" in (
        system_texts(store, incident.id)
    )
    assert Milestones(store).metrics(incident.id).mitigate.start is K.DETECTED


def test_inc2_approval_keeps_a_mitigated_set_by_hand(store: Store, clock: FixedClock) -> None:
    incident = store.create_incident("x", actor="ana")
    by_hand = T0 - timedelta(minutes=2)
    Milestones(store).set_at(incident.id, K.MITIGATED, by_hand, actor="ana")
    approve_inc1(store, incident.id)
    store.save_artifact(incident.id, 2, (FILLED / "INC-2.md").read_text(), actor="ana")
    clock.advance(minutes=30)
    store.decide(incident.id, 2, Verdict.APPROVE, reviewer="rita")
    mitigated = Milestones(store).get(incident.id, K.MITIGATED)
    assert (mitigated.at, mitigated.origin) == (by_hand, MilestoneOrigin.MANUAL)
    assert sum("Milestone mitigated" in t for t in system_texts(store, incident.id)) == 1


def test_inc2_not_mitigated_sets_nothing(store: Store) -> None:
    incident = store.create_incident("x", actor="ana")
    approve_inc1(store, incident.id)
    weak = (FILLED / "INC-2.md").read_text().replace(
        "## Current Status\nMitigated", "## Current Status\nPartially mitigated"
    )
    store.save_artifact(incident.id, 2, weak, actor="ana")
    store.decide(incident.id, 2, Verdict.APPROVE, reviewer="rita")
    assert Milestones(store).get(incident.id, K.MITIGATED) is None


def test_inc3_completed_resolved_sets_resolved(store: Store, clock: FixedClock) -> None:
    incident = store.create_incident("x", actor="ana")
    approve_inc1(store, incident.id)
    store.save_artifact(incident.id, 2, (FILLED / "INC-2.md").read_text(), actor="ana")
    store.decide(incident.id, 2, Verdict.APPROVE, reviewer="rita")
    resolved = (FILLED / "INC-3.md").read_text().replace(
        "### Current Status\nMitigated", "### Current Status\nResolved"
    )
    store.save_artifact(incident.id, 3, resolved, actor="ana")
    clock.advance(hours=2)
    store.complete(incident.id, 3, actor="cy")
    got = Milestones(store).get(incident.id, K.RESOLVED)
    assert (got.at, got.origin, got.set_by) == (
        T0 + timedelta(hours=2), MilestoneOrigin.DECISION, "cy"
    )


def test_status_set_resolved_sets_resolved_once(store: Store, clock: FixedClock) -> None:
    incident = store.create_incident("x", actor="ana")
    clock.advance(minutes=40)
    store.update_incident(incident.id, status=Status.RESOLVED)
    got = Milestones(store).get(incident.id, K.RESOLVED)
    assert (got.at, got.origin, got.set_by) == (
        T0 + timedelta(minutes=40), MilestoneOrigin.STATUS, "warroom"
    )
    assert system_texts(store, incident.id)[-2:] == [
        "status set to Resolved",
        "Milestone resolved set to 2026-11-27T14:40:00Z from status Resolved by warroom",
    ]
    clock.advance(minutes=5)
    store.update_incident(incident.id, status=Status.ONGOING)
    store.update_incident(incident.id, status=Status.RESOLVED)
    assert Milestones(store).get(incident.id, K.RESOLVED).at == T0 + timedelta(minutes=40)


def test_as_json_has_seconds_and_where_each_count_starts(store: Store) -> None:
    incident = store.create_incident("x", actor="ana")
    Milestones(store).set_at(incident.id, K.STARTED, T0 - timedelta(minutes=3), actor="ana")
    data = as_json(Milestones(store).all(incident.id))
    assert [m["kind"] for m in data["milestones"]] == ["started", "detected", "acknowledged"]
    assert data["milestones"][1]["implicit"] is True
    assert data["metrics"]["time_to_detect"] == {"seconds": 180, "from": "started",
                                                  "to": "detected"}
    assert data["metrics"]["time_to_mitigate"] is None
    assert data["milestone_problems"] == []
