"""The review screen (ctrl+r in the picker): what it shows, its keys, and snapshots."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static, TabbedContent

from tests.hostile import TITLE, leaks
from warroom.clock import FixedClock
from warroom.core.review import Scope
from warroom.store import review as store_review
from warroom.store.store import Store
from warroom.ui.app import WarroomApp
from warroom.ui.screens.review import ReviewScreen

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SIZES = pytest.mark.parametrize(
    "size", [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
)


def _generate(path: Path, count: int) -> None:
    spec = importlib.util.spec_from_file_location("generate_incidents",
                                                  ROOT / "bench" / "generate_incidents.py")
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate(path, count, seed=11, end=NOW)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    _generate(tmp_path / "warroom.db", 120)
    with Store.open(Path("warroom.db"), clock=FixedClock(NOW)) as s:
        yield s


def make_app(store: Store) -> WarroomApp:
    return WarroomApp(store, actor="ana", clock=store.clock, watch=False)


async def open_review(pilot: Pilot[Any], *keys: str) -> ReviewScreen:
    await pilot.pause()
    await pilot.press("ctrl+r")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    if keys:
        await pilot.press(*keys)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    assert screen.ready
    return screen


def text_of(screen: ReviewScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


@pytest.mark.anyio
async def test_ctrl_r_shows_the_reports_figures_and_keys_move_around(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_review(pilot)
        expected, _ = store_review.build(store, Scope(since=NOW.replace(month=9, day=2)))
        tta = expected.duration("time_to_acknowledge")
        assert screen.review is not None
        assert screen.review.duration("time_to_acknowledge") == tta
        assert f"{screen.review.incidents} incidents" in text_of(screen, "#review-scope")
        assert f"n={tta.count}" in text_of(screen, "#review-figures")

        await pilot.press("t")  # 90 days -> 1 year
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "1 year" in text_of(screen, "#review-scope")
        assert screen.review.grain == "month"
        await pilot.press("b")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.review.grain == "week"

        await pilot.press("3")
        assert screen.query_one(TabbedContent).active == "services"
        assert "checkout" in text_of(screen, "#chart-services").casefold()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ReviewScreen)


@pytest.mark.anyio
async def test_service_names_reach_the_screen_inert(store: Store) -> None:
    incident = store.create_incident("hostile", actor="ana")
    body = (ROOT / "tests" / "fixtures" / "filled" / "INC-1.md").read_text()
    lines = [f"- **Services affected:** {TITLE}" if "Services affected" in line else line
             for line in body.splitlines()]
    store.save_artifact(incident.id, 1, "\n".join(lines), actor="ana")
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, "3")
        shown = text_of(screen, "#chart-services")
        assert "PWNED" not in shown or leaks(shown) == []
        assert leaks(shown) == []


@SIZES
def test_review_ttx(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await open_review(pilot)

    assert snap_compare(make_app(store), terminal_size=size, run_before=run_before)


@SIZES
def test_review_severity(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await open_review(pilot, "2")

    assert snap_compare(make_app(store), terminal_size=size, run_before=run_before)
