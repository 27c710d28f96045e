"""The artifact editor: the Markdown in a TextArea, a banner above it, throttled autosave."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static, TextArea

from warroom.ui.inert import InertLines


class InertTextArea(InertLines, TextArea):
    """The artifact's text as it is, drawn without a control byte reaching the terminal.

    An imported body may hold escape sequences; they stay in the text (and in
    what is saved) but their invisible characters are not drawn.
    """


class ArtifactEditor(Vertical):
    """Edits one artifact; asks for a save at most `autosave_delay` seconds after a keystroke.

    Saving is throttled, not debounced: continuous typing still saves every
    `autosave_delay` seconds, so a kill loses at most that much.
    """

    class SaveRequested(Message):
        """The text changed and should be kept as a new version."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(
        self, *, autosave_delay: float = 0.5, blink: bool = True, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.autosave_delay = autosave_delay
        self.dirty = False
        self._loaded = ""  # the text as last loaded or saved: a Changed to it is no edit
        self._timer: Timer | None = None
        # Held directly, not queried: a flush at exit runs after the widgets unmount.
        self._banner = Static("", id="editor-banner", classes="banner")
        # Apart from the phase's banner: a failed save must stay in sight whatever the phase says.
        self._fault = Static("", id="save-fault", classes="banner fault")
        self._fault.display = False
        self._area = InertTextArea(
            "", language="markdown", soft_wrap=True, tab_behavior="indent", id="editor-text"
        )
        self._area.cursor_blink = blink  # off for snapshots: a blinking cursor is never stable

    def compose(self) -> ComposeResult:
        yield self._fault
        yield self._banner
        yield self._area

    @property
    def text_area(self) -> TextArea:
        return self._area

    @property
    def text(self) -> str:
        return self.text_area.text

    def load(self, text: str, *, read_only: bool, banner: Text | None, kind: str = "") -> None:
        """Data down: show an artifact's text, editable or not, with a banner above it."""
        self._cancel_timer()
        self.dirty = False
        self._loaded = text
        area = self.text_area
        if area.text != text:
            area.load_text(text)
        area.read_only = read_only
        self.show_banner(banner, kind)

    def show_banner(self, banner: Text | None, kind: str = "") -> None:
        widget = self._banner
        widget.update(banner or "")
        widget.display = banner is not None
        widget.set_classes(f"banner {kind}".strip())

    def show_fault(self, fault: Text | None) -> None:
        """Data down: why the text is not saved and what to do (None: saved again)."""
        self._fault.update(fault or "")
        self._fault.display = fault is not None

    def mark_unsaved(self) -> None:
        """A save of the current text failed: it is pending again (the next flush retries it)."""
        self.dirty = True

    def replace_text(self, text: str) -> None:
        """Put new text in (a restore, an inserted timeline) as if typed: it will be saved."""
        self.text_area.load_text(text)

    def take_pending(self) -> str | None:
        """The unsaved text, if any, marking it saved; for a flush before exit."""
        if not self.dirty:
            return None
        self._cancel_timer()
        self.dirty = False
        self._loaded = self.text
        return self.text

    @on(TextArea.Changed, "#editor-text")
    def _changed(self, event: TextArea.Changed) -> None:
        event.stop()
        if self.text_area.text == self._loaded:
            return  # a load (Changed arrives after it), or typing undone
        self.dirty = True
        if self._timer is None:
            self._timer = self.set_timer(self.autosave_delay, self._autosave)

    def _autosave(self) -> None:
        self._timer = None
        self.request_save()

    def request_save(self) -> None:
        """Ask the screen to save now (ctrl+s, leaving the phase, the throttle firing)."""
        self._cancel_timer()
        if self.dirty:
            self.dirty = False
            self._loaded = self.text
            self.post_message(self.SaveRequested(self.text))

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
