"""Stored text on screen: always through the one sanitiser, never as markup.

Titles, artifact bodies, pinned lines, file names and people's names come from
the store, and the store holds what others wrote (an imported bundle, a log, an
alert). Textual passes ESC, C1 and bidi characters straight to the terminal, so
each of them goes through `warroom.timeline.sanitize` on its way to a widget:

- `shown` / `shown_block`: a one-line or a multi-line `Text`, controls visible
  as pictures (what a Static, a cell or a Markdown view gets);
- `InertLines`: for widgets that lay out the text themselves and must keep it
  whole (the editor's TextArea, a prefilled Input), the finished lines lose the
  characters that take no cell, so the cursor stays where the widget put it.
"""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from rich.text import Text
from textual.strip import Strip
from textual.widgets import Input

from warroom.timeline.sanitize import drop_invisible, sanitize


def shown(text: str | None, *, style: str = "", **options: Any) -> Text:
    """One line of stored text, safe and literal (markup stays text)."""
    return Text(sanitize(text or ""), style=style, **options)


def shown_block(text: str | None, *, style: str = "") -> Text:
    """Several lines of stored text, each made safe, the line breaks kept."""
    return Text(sanitize(text or "", multiline=True), style=style)


def inert_strip(strip: Strip) -> Strip:
    """The strip without a character that would reach the terminal as a control."""
    segments = list(strip)
    if all(text.isprintable() for text, _style, _control in segments):
        return strip
    return Strip(
        [Segment(drop_invisible(text), style, control) for text, style, control in segments],
        strip.cell_length,
    )


class InertLines:
    """Mixin for a widget that renders its own value (TextArea, Input) from stored text.

    The value is kept as it is (nothing typed or imported is lost); only the
    rendered lines are cleaned, and the dropped characters take no cell, so the
    widget's columns stay right.
    """

    def render_line(self, y: int) -> Strip:
        return inert_strip(super().render_line(y))  # type: ignore[misc]


class InertInput(InertLines, Input):
    """An Input that may be prefilled with stored text (reword an entry) or pasted into."""
