"""The exported post-mortem shows its times in its display zone, and says which."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from warroom.clock import FixedClock
from warroom.core.models import EventKind
from warroom.export.postmortem import export_postmortem
from warroom.store.store import Store
from warroom.timeline.zones import get_zone

T0 = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)


def test_times_in_the_display_zone_and_the_zone_stated(tmp_path: Path) -> None:
    with Store.open(tmp_path / "z.db", clock=FixedClock(T0)) as store:
        incident = store.create_incident("x", actor="ana", detected_at=T0).id
        store.add_event(incident, EventKind.NOTE, "rolled back", actor="ana",
                        occurred_at=datetime(2026, 7, 1, 10, 5, tzinfo=UTC))
        utc, _ = export_postmortem(store, incident)
        berlin, _ = export_postmortem(store, incident, display=get_zone("Europe/Berlin"))
    assert "- **Times are in:** UTC" in utc
    assert "- **Detected:** 2026-07-01T10:00:00Z" in utc
    assert "- 2026-07-01T10:05:00Z — rolled back (note by ana)" in utc
    assert "- **Times are in:** Europe/Berlin" in berlin
    assert "- **Detected:** 2026-07-01T12:00:00+02:00" in berlin  # summer time
    assert "- 2026-07-01T12:05:00+02:00 — rolled back (note by ana)" in berlin
    assert "10:05:00Z" not in berlin
