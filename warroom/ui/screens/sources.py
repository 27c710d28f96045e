"""Log sources that arrived with an imported incident, off until someone here says yes.

A bundle is data from somebody else's machine: a command source in it would
run as the person who opens the incident, and a file source could name any
file this user can read. Each one is listed with its command or path, and
started only when it is chosen here (Enter), one at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from warroom.core.models import LogSource
from warroom.timeline.sanitize import sanitize


def source_line(source: LogSource) -> Text:
    """One source, its command or path shown literally and whole (inert: it came from a
    file); a long one wraps, since what would run must be read in full."""
    text = Text()
    text.append(f"{source.number:>2} ", style="bold")
    text.append("command " if source.kind == "cmd" else f"{source.kind:<7} ", style="dim")
    text.append(sanitize(source.spec))
    return text


class SourcesDialog(ModalScreen[None]):
    """The incident's log sources that are off; Enter starts the highlighted one."""

    BINDINGS = [Binding("escape,q", "close", "Leave them off", id="sources.close")]

    def __init__(self, sources: Sequence[LogSource], enable: Callable[[LogSource], None]) -> None:
        super().__init__()
        self.sources = {str(s.number): s for s in sources}
        self.enable = enable

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="sources-dialog") as dialog:
            dialog.border_title = "Log sources that came with this incident are off"
            yield Static(
                Text(
                    "They were imported, not added here. A command would run as you; a file "
                    "could be any file you can read. Start only those you trust."
                ),
                classes="dialog-notice",
            )
            yield OptionList(
                *[Option(source_line(s), id=key) for key, s in self.sources.items()],
                id="sources-list",
            )
            yield Static(
                Text("Enter starts the highlighted source · Esc leaves the rest off"),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected, "#sources-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        key = event.option.id
        if key is None or key not in self.sources:
            return
        self.enable(self.sources.pop(key))
        options = self.query_one(OptionList)
        options.remove_option(key)
        if not self.sources:
            self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
