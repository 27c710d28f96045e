"""The lifecycle on screen: a key resolves, the header's clocks stop, closed leaves the picker."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from warroom.clock import FixedClock
from warroom.core.models import Status
from warroom.store.store import Store
from warroom.ui.app import WarroomApp
from warroom.ui.widgets.header import IncidentHeader

pytestmark = pytest.mark.anyio

FILLED = Path(__file__).parent.parent / "fixtures" / "filled"
T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "life.db", clock=FixedClock(T0)) as s:
        s.create_incident("Checkout 5xx", actor="ana", detected_at=T0 - timedelta(hours=1))
        s.create_incident("Search slow", actor="ana")
        yield s


def header_text(app: WarroomApp) -> str:
    return str(app.screen.query_one(IncidentHeader).render())


async def test_resolving_from_the_screen_stops_the_clocks(store: Store) -> None:
    app = WarroomApp(store, actor="ana", clock=store.clock, incident_id=1, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "T+01:00:00" in header_text(app)
        await pilot.press("alt+s")
        await pilot.pause()
        await pilot.press(*"resolved", "enter")
        await pilot.pause()
        assert store.incident(1).status is Status.RESOLVED
        text = header_text(app)
        assert "Resolved" in text
        assert "lasted 01:00:00" in text
        assert "T+" not in text
        assert "UPDATE DUE" not in text


async def test_a_closed_incident_leaves_the_picker_until_asked_for(store: Store) -> None:
    store.set_status(2, Status.CLOSED, actor="ana", reason="duplicate of #1")
    app = WarroomApp(store, actor="ana", clock=store.clock, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#picker-table")
        assert table.row_count == 1
        await pilot.press("f2")
        await pilot.pause()
        assert table.row_count == 2
