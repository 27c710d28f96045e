"""Milestones from the keyboard: from a pinned line in the incident timeline, and by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from warroom.clock import FixedClock
from warroom.core.milestones import MilestoneKind, MilestoneOrigin
from warroom.core.models import EventKind
from warroom.store.milestones import Milestones
from warroom.store.store import Store
from warroom.ui.app import WarroomApp
from warroom.ui.screens.events import EventsScreen
from warroom.ui.screens.main import WarRoomScreen
from warroom.ui.screens.milestone import MilestoneDialog
from warroom.ui.screens.prompt import PromptDialog
from warroom.ui.widgets.header import IncidentHeader

pytestmark = pytest.mark.anyio

T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store.open(tmp_path / "m.db", clock=FixedClock(T0)) as s:
        yield s


def make_app(store: Store, incident_id: int) -> WarroomApp:
    return WarroomApp(
        store, actor="ana", clock=store.clock, incident_id=incident_id, watch=False,
        autosave_delay=0.05,
    )


def header_text(app: WarroomApp) -> str:
    return str(app.screen.query_one(IncidentHeader).render())


async def test_impact_began_at_a_pinned_line(store: Store) -> None:
    incident = store.create_incident("Checkout 5xx", actor="ana",
                                     detected_at=T0 - timedelta(minutes=5))
    store.add_event(incident.id, EventKind.NOTE, "paged payments", actor="ana")
    pin = store.pin_line(
        incident.id, b"ERROR pool exhausted", actor="ana",
        logged_at=T0 - timedelta(minutes=17), received_at=T0 - timedelta(minutes=8),
        source="/var/log/app.log", position=12, level="error",
    )
    app = make_app(store, incident.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "TTD" not in header_text(app)  # nothing set yet: no metrics
        await pilot.press("ctrl+t")
        await pilot.pause()
        events = app.screen
        assert isinstance(events, EventsScreen)
        table = events.query_one(DataTable)
        assert table.cursor_row == 0  # the pin: it happened first
        skew = events.query_one("#events-skew", Static)
        assert skew.display
        assert "logged 9m before it was read" in str(skew.render())
        assert "-9m" in str(table.get_row_at(0)[0])

        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MilestoneDialog)
        await pilot.press("s")
        await pilot.pause()
        assert app.screen is events
        assert "◆started" in str(table.get_row_at(0)[1])

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, WarRoomScreen)
        assert "TTD 12m" in header_text(app)  # 13:43 impact, 13:55 detection

    started = Milestones(store).get(incident.id, MilestoneKind.STARTED)
    assert (started.at, started.origin, started.event_id, started.set_by) == (
        T0 - timedelta(minutes=17), MilestoneOrigin.EVENT, pin.id, "ana"
    )
    assert store.events(incident.id)[-1].text == (
        f"Milestone started set to 2026-11-27T13:43:00Z from pin #{pin.id} by ana"
    )


async def test_escape_in_the_choice_sets_nothing(store: Store) -> None:
    incident = store.create_incident("x", actor="ana")
    store.add_event(incident.id, EventKind.NOTE, "rolled back", actor="ana")
    app = make_app(store, incident.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+t", "m")
        await pilot.pause()
        assert isinstance(app.screen, MilestoneDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, EventsScreen)
    assert Milestones(store).get(incident.id, MilestoneKind.MITIGATED) is None


async def test_mitigated_by_hand_shows_in_the_header(store: Store) -> None:
    incident = store.create_incident("Checkout 5xx", actor="ana",
                                     detected_at=T0 - timedelta(minutes=5))
    app = make_app(store, incident.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("alt+m")
        await pilot.pause()
        assert isinstance(app.screen, MilestoneDialog)
        await pilot.press("m")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, PromptDialog)
        assert prompt.query_one(Input).value == "2026-11-27T14:00:00Z"  # default: now
        prompt.query_one(Input).value = "2026-11-27T13:58:00Z"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, WarRoomScreen)
        assert "TTM 3m" in header_text(app)  # from detection: the start is unknown

        await pilot.press("alt+m", "m")
        await pilot.pause()
        app.screen.query_one(Input).value = "clear"
        await pilot.press("enter")
        await pilot.pause()
        assert "TTM" not in header_text(app)
    texts = [e.text for e in store.events(incident.id)]
    assert "Milestone mitigated set to 2026-11-27T13:58:00Z by ana" in texts
    assert texts[-1] == "Milestone mitigated cleared by ana (was 2026-11-27T13:58:00Z)"


async def test_metrics_give_way_to_the_title_at_80_columns(store: Store) -> None:
    incident = store.create_incident("Checkout returns 5xx for EU customers", actor="ana",
                                     detected_at=T0 - timedelta(minutes=5))
    book = Milestones(store)
    book.set_at(incident.id, MilestoneKind.STARTED, T0 - timedelta(minutes=9), actor="ana")
    book.set_at(incident.id, MilestoneKind.MITIGATED, T0, actor="ana")
    app = make_app(store, incident.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        line = header_text(app)
        assert "Checkout returns 5xx" in line
        assert "TTD 4m" in line
    async with make_app(store, incident.id).run_test(size=(60, 24)) as pilot:
        await pilot.pause()
        line = header_text(pilot.app)
        assert "TTD" not in line
        assert "Checkout returns" in line
