"""The review's figures on constructed incidents, against values worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from warroom.core.review import (
    DEFINITIONS,
    ActionFacts,
    IncidentFacts,
    Scope,
    build_review,
    is_overdue,
    median,
    p90,
    period_of,
    root_cause_category,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
MIN = timedelta(minutes=1)


def facts(n: int, day: str, severity: str | None = "Major", *, services: tuple[str, ...] = (),
          root_cause: str | None = None, **durations: timedelta | None) -> IncidentFacts:
    return IncidentFacts(
        id=n, title=f"incident {n}", severity=severity, status="Resolved",
        detected_at=datetime.fromisoformat(day).replace(tzinfo=UTC),
        durations={k: durations.get(k) for k in ("detect", "acknowledge", "mitigate", "resolve")},
        services=services, root_cause=root_cause,
    )


def test_median_and_p90_by_hand() -> None:
    assert median([]) is None
    assert p90([]) is None
    assert median([7]) == 7
    assert p90([7]) == 7
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 3, 2]) == 2.5  # (2 + 3) / 2
    # Nearest rank: ceil(0.9 * 10) = 9th value of 1..10; of 1..11 it is the ceil(9.9) = 10th.
    assert p90(list(range(10, 0, -1))) == 9
    assert p90(list(range(1, 12))) == 10
    assert p90([5, 1]) == 5  # ceil(1.8) = 2nd


def test_durations_left_out_and_counted() -> None:
    # TTA of five incidents: 2, 4, 6, 30 minutes and one missing; one TTM out of order.
    incidents = [
        facts(1, "2026-11-02T10:00", acknowledge=2 * MIN, mitigate=10 * MIN),
        facts(2, "2026-11-03T10:00", acknowledge=4 * MIN, mitigate=-5 * MIN),
        facts(3, "2026-11-10T10:00", acknowledge=6 * MIN, mitigate=20 * MIN),
        facts(4, "2026-11-11T10:00", acknowledge=30 * MIN),
        facts(5, "2026-11-12T10:00"),
    ]
    review = build_review(incidents, [], scope=Scope(), today=TODAY, now=NOW, grain="week")
    tta = review.duration("time_to_acknowledge")
    assert (tta.count, tta.missing, tta.out_of_order) == (4, 1, 0)
    assert tta.median == 300  # (4 + 6) / 2 minutes
    assert tta.p90 == 1800  # ceil(3.6) = 4th of 2, 4, 6, 30
    ttm = review.duration("time_to_mitigate")
    assert (ttm.count, ttm.missing, ttm.out_of_order) == (2, 2, 1)
    assert ttm.median == 900
    assert ttm.p90 == 1200
    ttd = review.duration("time_to_detect")
    assert (ttd.count, ttd.missing, ttd.median) == (0, 5, None)
    # Per ISO week: W45 holds #1 and #2 (TTA 2, 4), W46 holds #3, #4 (6, 30) and #5.
    assert review.periods[:2] == ["2026-W45", "2026-W46"]
    assert review.durations_by_period["2026-W45"]["time_to_acknowledge"] == 180
    assert review.durations_by_period["2026-W46"]["time_to_acknowledge"] == 1080
    data = review.as_json()["figures"]["time_to_acknowledge"]
    assert data == {
        "definition": "time_to_acknowledge", "label": "TTA", "incidents": 4,
        "median_seconds": 300, "p90_seconds": 1800, "missing": 1, "out_of_order": 0,
        "median_seconds_by_period": {p: data["median_seconds_by_period"][p]
                                     for p in review.periods},
    }
    assert data["median_seconds_by_period"]["2026-W46"] == 1080


def test_severity_per_period_and_scope() -> None:
    incidents = [
        facts(1, "2026-09-30T23:59", "Critical", services=("checkout",)),
        facts(2, "2026-10-01T00:00", "Critical", services=("Checkout", "auth")),
        facts(3, "2026-10-15T08:00", "Minor", services=("search",)),
        facts(4, "2026-11-20T08:00", None, services=("checkout",)),
    ]
    review = build_review(incidents, [], scope=Scope(), today=TODAY, now=NOW, grain="month")
    assert review.periods == ["2026-09", "2026-10", "2026-11", "2026-12"]
    assert review.by_severity["2026-09"] == {"Critical": 1, "Major": 0, "Minor": 0, "unset": 0}
    assert review.by_severity["2026-10"] == {"Critical": 1, "Major": 0, "Minor": 1, "unset": 0}
    assert review.by_severity["2026-11"]["unset"] == 1
    assert review.services == [("checkout", 3), ("auth", 1), ("search", 1)]  # any case

    since = datetime(2026, 10, 1, tzinfo=UTC)
    only = build_review(incidents, [], scope=Scope(since=since, service="CHECKOUT"),
                        today=TODAY, now=NOW)
    assert only.incidents == 2
    assert only.grain == "week"
    assert build_review(incidents, [], scope=Scope(severity="Minor"), today=TODAY,
                        now=NOW).incidents == 1
    until = build_review(incidents, [], scope=Scope(until=since), today=TODAY, now=NOW)
    assert until.incidents == 1  # until is exclusive: #2 at 00:00 is out


def test_action_items_by_owner_priority_and_burn_down() -> None:
    incidents = [facts(1, "2026-11-02T10:00"), facts(2, "2026-11-09T10:00")]
    t = datetime(2026, 11, 3, 9, tzinfo=UTC)
    items = [
        ActionFacts(1, "ana", "P0", "done", "2026-11-10", t, done_at=t + 8 * timedelta(days=1)),
        ActionFacts(1, "ana", "P1", "open", "2026-11-20", t),  # overdue on 12-01
        ActionFacts(2, "bo", "P1", "in progress", "2026-12-05", t + timedelta(days=7)),
        ActionFacts(2, None, None, "dropped", None, t + timedelta(days=7),
                    updated_at=t + timedelta(days=8)),
        ActionFacts(99, "zed", "P0", "open", "2026-01-01", t),  # not an incident in scope
    ]
    review = build_review(incidents, items, scope=Scope(), today=TODAY, now=NOW, grain="week")
    assert review.actions_total == {"opened": 4, "done": 1, "overdue": 1}
    assert review.actions_by_owner["ana"] == {"opened": 2, "done": 1, "overdue": 1}
    assert review.actions_by_owner["(no owner)"] == {"opened": 1, "done": 0, "overdue": 0}
    assert review.actions_by_priority["P1"] == {"opened": 2, "done": 0, "overdue": 1}
    # W45: 2 opened. W46: 2 opened, the dropped one closed (11-11) and the done one (11-11).
    assert [review.burn_down[p] for p in review.periods[:3]] == [2, 2, 2]
    assert is_overdue("open", "2026-11-30", TODAY)
    assert not is_overdue("done", "2026-01-01", TODAY)
    assert not is_overdue("open", "2026-12-01", TODAY)  # due today is not late yet


def test_gates_updates_and_root_causes_add_up() -> None:
    incidents = [
        facts(1, "2026-11-02T10:00", root_cause="deploy"),
        facts(2, "2026-11-03T10:00", root_cause="deploy"),
        facts(3, "2026-11-04T10:00", root_cause="capacity"),
        facts(4, "2026-11-05T10:00"),
    ]
    incidents[0] = IncidentFacts(**{**{f: getattr(incidents[0], f) for f in (
        "id", "title", "severity", "status", "detected_at", "durations", "services",
        "root_cause")}, "send_backs": {"INC-1": 2, "INC-4": 1}, "mitigation_insufficient": 1,
        "updates_kept": 2, "updates_late": 1})
    review = build_review(incidents, [], scope=Scope(), today=TODAY, now=NOW)
    data = review.as_json()["figures"]
    assert data["gate_send_backs"]["total"] == 3
    assert data["gate_send_backs"]["by_phase"] == {"INC-1": 2, "INC-4": 1}
    assert data["mitigation_insufficient_rounds"]["total"] == 1
    assert data["late_stakeholder_updates"] == {
        "definition": "late_stakeholder_updates", "late": 1, "due": 3, "incidents": 1}
    assert data["recurring_root_causes"]["categories"][0] == {
        "category": "deploy", "incidents": 2, "recurs": True}
    assert data["recurring_root_causes"]["no_root_cause_yet"] == 1
    for name, figure in data.items():
        assert figure["definition"] == name
        assert name in DEFINITIONS


@pytest.mark.parametrize(("root", "trigger", "category"), [
    ("The v2.14 deploy added a retry storm.", None, "deploy"),
    ("The TLS certificate expired.", "A deploy at midnight", "certificate"),
    ("Pool size set to 5 in the config.", None, "configuration"),
    ("Nobody knows.", "A traffic spike", "capacity"),
    ("Category: Human process\nThe runbook skipped a step.", None, "human process"),
    ("Something odd.", None, "other"),
    (None, "  ", None),
])
def test_root_cause_category(root: str | None, trigger: str | None, category: str | None) -> None:
    assert root_cause_category(root, trigger) == category


def test_periods_are_iso_weeks_and_months() -> None:
    assert period_of(datetime(2027, 1, 1, tzinfo=UTC), "week") == "2026-W53"
    assert period_of(datetime(2026, 12, 28, tzinfo=UTC), "week") == "2026-W53"
    assert period_of(datetime(2026, 11, 30, 23, 30, tzinfo=UTC), "month") == "2026-11"
    plus_two = datetime(2026, 12, 1, 1, 30, tzinfo=UTC).astimezone(
        timezone(timedelta(hours=2)))
    assert period_of(plus_two, "month") == "2026-12"  # 03:30+02:00 is 01:30 UTC
    assert period_of(datetime(2026, 12, 1, 1, 30, tzinfo=UTC) - 2 * timedelta(hours=1),
                     "month") == "2026-11"
