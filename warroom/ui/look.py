"""The theme and keymap an app starts with: the config's, within what the terminal can show."""

from __future__ import annotations

import os

from textual.app import App
from textual.theme import BUILTIN_THEMES

from warroom.config import Settings

LOW_COLOUR_THEME = "ansi-dark"  # reads well on 16 colours and with NO_COLOR
LOW_COLOUR_TERMS = ("xterm", "linux")


def apply_look(app: App[object], settings: Settings, keymap: dict[str, str]) -> None:
    """NO_COLOR wins over the config's theme; the theme wins over a guess from TERM."""
    if os.environ.get("NO_COLOR") is not None:
        app.theme = LOW_COLOUR_THEME
    elif settings.theme is not None:
        app.theme = settings.theme
    elif os.environ.get("TERM") in LOW_COLOUR_TERMS:
        app.theme = LOW_COLOUR_THEME
    if keymap:
        app.set_keymap(keymap)


def check_look(settings: Settings) -> dict[str, str]:
    """The keymap to start with, or ValueError naming an unknown theme, binding id or key."""
    if settings.theme is not None and settings.theme not in BUILTIN_THEMES:
        raise ValueError(
            f"theme: no theme {settings.theme!r}; one of {', '.join(sorted(BUILTIN_THEMES))}"
        )
    if not settings.keys:
        return {}
    from warroom.ui.keys import check_keymap

    return check_keymap(settings.keys)
