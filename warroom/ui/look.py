"""The theme and keymap an app starts with: the config's, within what the terminal can show."""

from __future__ import annotations

import os
from dataclasses import replace

from textual.app import App
from textual.filter import Monochrome, NoColor
from textual.theme import BUILTIN_THEMES, Theme

from warroom.config import Settings

LOW_COLOUR_THEME = "ansi-dark"  # reads well on 16 colours and with NO_COLOR
LOW_COLOUR_TERMS = ("xterm", "linux")


def low_colour_theme() -> Theme:
    """Textual's ansi-dark with the lines it draws in ANSI black made grey (bright black).

    ansi-dark draws unfocused borders (inputs, buttons, the tab rule) and the
    checkbox's halves in black on the terminal's default background: on a dark
    terminal (most, over SSH) they are not there. Grey reads on dark and light.
    """
    base = BUILTIN_THEMES[LOW_COLOUR_THEME]
    grey = "ansi_bright_black"
    return replace(
        base, variables={**base.variables, "border-blurred": grey, "ansi-background": grey}
    )


def prepare_look(app: App[object]) -> None:
    """Call from the app's __init__, after App.__init__: the low-colour theme and NO_COLOR."""
    app.register_theme(low_colour_theme())  # replaces Textual's own under the same name
    honour_no_color(app)


def honour_no_color(app: App[object]) -> None:
    """Under NO_COLOR draw the terminal's own foreground on its own background.

    Textual picks its NO_COLOR filter when the app is built, from the theme of
    that moment: with the default (truecolour) theme it is Monochrome, which
    turns both the text and its background into the same grey (black on black
    in a 256-colour terminal). NoColor keeps no colour at all, so emphasis is
    left to bold, reverse and underline (the `:nocolor` rules in the styles).
    """
    if not app.no_color:
        return
    app._filters = [NoColor() if isinstance(f, Monochrome) else f for f in app._filters]


def apply_look(app: App[object], settings: Settings, keymap: dict[str, str]) -> None:
    """NO_COLOR wins over the config's theme; the theme wins over a guess from TERM."""
    if app.no_color or os.environ.get("NO_COLOR") is not None:
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
