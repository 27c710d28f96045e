"""NO_COLOR means no colour, not no contrast; TERM=xterm means 16 colours, all of them visible.

Each screen a responder passes is rendered as the terminal would receive it,
and every visible character's colours are checked: never its background's
colour (NO_COLOR gave black on black), never ANSI black on the terminal's
default background (invisible on a dark terminal: checkbox halves, input
borders, the tab rule under TERM=xterm).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from rich.color import ColorType
from rich.style import Style
from textual.pilot import Pilot

from warroom.clock import FixedClock
from warroom.core.models import Severity
from warroom.store.store import Store
from warroom.ui.app import WarroomApp

pytestmark = pytest.mark.anyio

T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "colour.db", clock=FixedClock(T0)) as s:
        s.create_incident("Checkout 5xx", severity=Severity.CRITICAL, detected_at=T0, actor="ana")
        yield s


def visible_styles(app: WarroomApp) -> Iterator[tuple[str, Style]]:
    """Each visible character's style on the screen (and the screens showing under a dialog)."""
    # The compositor's strips are what the driver writes, after the app's NO_COLOR filter.
    update = app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens
    )
    for line in update.strips:
        for strip in line:
            for segment in strip:
                if segment.style is None or segment.control:
                    continue
                for ch in segment.text:
                    if not ch.isspace():
                        yield ch, segment.style


def same_colour(style: Style) -> bool:
    fg, bg = style.color, style.bgcolor
    if fg is None or bg is None or fg.type is ColorType.DEFAULT or bg.type is ColorType.DEFAULT:
        return False
    return fg.get_truecolor() == bg.get_truecolor()


def black_on_default(style: Style) -> bool:
    fg, bg = style.color, style.bgcolor
    if style.reverse:
        fg, bg = bg, fg
    fg_black = fg is not None and fg.type is ColorType.STANDARD and fg.number == 0
    bg_default = bg is None or bg.type is ColorType.DEFAULT
    return fg_black and bg_default


async def each_screen(pilot: Pilot[Any]) -> list[tuple[str, list[tuple[str, Style]]]]:
    """Visit the screens a responder passes and collect what each draws."""
    app = pilot.app
    seen: list[tuple[str, list[tuple[str, Style]]]] = []

    async def look(name: str) -> None:
        await pilot.pause()
        seen.append((name, list(visible_styles(app))))

    await look("war room")
    await pilot.press("f4")
    await look("logs")
    await pilot.press("f4", "ctrl+g")
    await look("gate dialog")
    await pilot.press("escape", "f5")
    await look("versions")
    await pilot.press("escape", "f1")
    await look("help")
    await pilot.press("escape", "ctrl+o")
    await look("picker")
    await pilot.press("ctrl+n")
    await look("declare")
    return seen


@SIZES
async def test_no_color_draws_nothing_in_its_background_colour(
    store: Store, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    app = WarroomApp(store, actor="ana", clock=store.clock, incident_id=1, watch=False)
    async with app.run_test(size=size) as pilot:
        for name, styles in await each_screen(pilot):
            assert styles, name
            bad = "".join(ch for ch, style in styles if same_colour(style))
            assert not bad, f"{name}: {len(bad)} characters in their background's colour"
            coloured = {str(s.color) for _, s in styles if s.color and not s.color.is_default}
            assert not coloured, f"{name}: NO_COLOR but drawn in {coloured}"
            # Emphasis survives without colour: the footer keys are bold, focus is heavy.
            assert any(style.bold for _, style in styles), name


@SIZES
async def test_sixteen_colours_draw_nothing_in_black_on_the_default_background(
    store: Store, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    app = WarroomApp(store, actor="ana", clock=store.clock, incident_id=1, watch=False)
    async with app.run_test(size=size) as pilot:
        assert app.theme == "ansi-dark"
        for name, styles in await each_screen(pilot):
            invisible = "".join(ch for ch, style in styles if black_on_default(style))
            assert not invisible, f"{name}: {invisible[:40]!r} in black on the default background"
            bad = "".join(ch for ch, style in styles if same_colour(style))
            assert not bad, f"{name}: {len(bad)} characters in their background's colour"


async def test_focus_shows_without_colour(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under NO_COLOR the focused panel's border is heavy; the others stay round."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = WarroomApp(store, actor="ana", clock=store.clock, incident_id=1, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        editor = app.screen.query_one("#editor-text")
        sidebar = app.screen.query_one("#sidebar")
        assert editor.has_focus
        assert editor.styles.border_top[0] == "heavy"
        assert sidebar.styles.border_top[0] == "round"
        await pilot.press("f9")
        assert sidebar.styles.border_top[0] == "heavy"
        assert editor.styles.border_top[0] == "round"


@SIZES
async def test_the_default_theme_draws_nothing_in_its_background_colour(
    store: Store, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    """The gate's checkboxes: their halves were the dialog's own colour, so no box showed."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    app = WarroomApp(store, actor="ana", clock=store.clock, incident_id=1, watch=False)
    async with app.run_test(size=size) as pilot:
        for name, styles in await each_screen(pilot):
            bad = "".join(ch for ch, style in styles if same_colour(style))
            assert not bad, f"{name}: {bad[:40]!r} in their background's colour"
