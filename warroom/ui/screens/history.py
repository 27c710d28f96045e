"""Version history: browse an artifact's saved versions, diff one against the editor, restore it.

Artifact text and author names are typed by people, so everything shown here
is built as rich Text, never as markup.
"""

from __future__ import annotations

import difflib
from datetime import UTC

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from warroom.core.models import ArtifactVersion
from warroom.core.workflow import PhaseSpec
from warroom.timeline.sanitize import sanitize
from warroom.ui.inert import shown_block


def version_prompt(version: ArtifactVersion, current_text: str, *, one_line: bool = False) -> Text:
    """Number and time, then author and flags; on two lines where the list is narrow."""
    saved = version.saved_at.astimezone(UTC)
    text = Text()
    text.append(f"v{version.version}", style="bold")
    text.append(f"  {saved:%H:%M:%S} UTC {saved:%Y-%m-%d}")
    text.append("  " if one_line else "\n    ")
    text.append(sanitize(version.author), style="dim")
    if version.conflict:
        text.append(" · conflict", style="bold yellow")
    if version.after_approval:
        text.append(" · after approval", style="cyan")
    if version.body == current_text:
        text.append(" · = editor", style="green")
    return text


def diff_text(version: ArtifactVersion, current_text: str) -> Text:
    """What restoring the version would change in the editor: - goes, + comes back."""
    if version.body == current_text:
        return Text(f"v{version.version} is the same as the text in the editor.", style="dim")
    text = Text()
    text.append(f"Restoring v{version.version} would change the editor's text so:\n\n",
                style="italic")
    lines = difflib.unified_diff(
        current_text.splitlines(), version.body.splitlines(),
        fromfile="editor (now)", tofile=f"v{version.version}", lineterm="",
    )
    for line in lines:
        if line.startswith(("---", "+++")):
            style = "bold"
        elif line.startswith("@@"):
            style = "cyan"
        elif line.startswith("+"):
            style = "green"
        elif line.startswith("-"):
            style = "red"
        else:
            style = ""
        text.append(sanitize(line) + "\n", style=style)
    return text


class VersionHistory(ModalScreen[str | None]):
    """Pick a saved version; the result is its text to restore, or None."""

    BINDINGS = [
        Binding("r", "restore", "Restore", id="history.restore"),
        Binding("enter", "restore", "Restore", id="history.restore_enter", show=False),
        Binding("d", "toggle_view", "Diff / full text", id="history.toggle_view"),
        Binding("escape", "close", "Close", id="history.close"),
    ]

    def __init__(
        self,
        spec: PhaseSpec,
        versions: list[ArtifactVersion],
        current_text: str,
        read_only_reason: str | None,
    ) -> None:
        super().__init__()
        self.spec = spec
        self.versions = sorted(versions, key=lambda v: v.version, reverse=True)
        self.current_text = current_text
        self.read_only_reason = read_only_reason
        self.show_diff = True

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = Text(f"Versions: {self.spec.artifact.label}")
            if self.read_only_reason:
                yield Static(
                    Text(f"Read-only, nothing can be restored: {self.read_only_reason}"),
                    id="history-read-only", classes="dialog-notice",
                )
            with Horizontal(id="history-body"):
                options = OptionList(id="history-versions")
                options.border_title = f"{len(self.versions)} saved, newest first"
                yield options
                with VerticalScroll(id="history-view"):
                    yield Static(Text("No saved versions yet.", style="dim"), id="history-text")
            yield Static("", id="dialog-error", classes="dialog-error")
            restore = "" if self.read_only_reason else "Enter/r restore · "
            hint = f"↑↓ pick · {restore}d diff/text · Tab pane · Esc close"
            yield Static(Text(hint if self.versions else "Esc close"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#dialog-error").display = False
        self._lay_out()
        options = self.query_one("#history-versions", OptionList)
        if self.versions:
            options.highlighted = 0
            options.focus()
            self.show_version()
        else:
            options.display = False

    def on_resize(self) -> None:
        self._lay_out()

    def _lay_out(self) -> None:
        """List beside the view when wide; stacked, one line per version, when narrow."""
        narrow = self.app.size.width < 100
        options = self.query_one("#history-versions", OptionList)
        if self.has_class("narrow") == narrow and options.option_count == len(self.versions):
            return
        self.set_class(narrow, "narrow")
        highlighted = options.highlighted
        options.set_options(
            Option(version_prompt(v, self.current_text, one_line=narrow), id=str(v.version))
            for v in self.versions
        )
        options.highlighted = highlighted

    @property
    def highlighted(self) -> ArtifactVersion | None:
        index = self.query_one("#history-versions", OptionList).highlighted
        if index is None or not self.versions:
            return None
        return self.versions[index]

    def show_version(self) -> None:
        """Show the highlighted version as a diff or as its full text."""
        version = self.highlighted
        if version is None:
            return
        view = self.query_one("#history-view", VerticalScroll)
        if self.show_diff:
            view.border_title = f"v{version.version}: diff against the editor (d: full text)"
            body = diff_text(version, self.current_text)
        else:
            view.border_title = f"v{version.version}: full text (d: diff)"
            body = shown_block(version.body)
        self.query_one("#history-text", Static).update(body)
        view.scroll_home(animate=False)

    @on(OptionList.OptionHighlighted)
    def _highlighted(self) -> None:
        self.show_version()

    @on(OptionList.OptionSelected)
    def _selected(self) -> None:
        self.action_restore()

    def action_toggle_view(self) -> None:
        self.show_diff = not self.show_diff
        self.show_version()

    def action_restore(self) -> None:
        version = self.highlighted
        if version is None:
            return
        if self.read_only_reason:
            error = self.query_one("#dialog-error", Static)
            error.update(Text(f"Cannot restore v{version.version}: read-only (see above)."))
            error.display = True
            self.app.bell()
            return
        self.dismiss(version.body)

    def action_close(self) -> None:
        self.dismiss(None)
