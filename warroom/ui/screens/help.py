"""Help: every key of the screen it was opened from, read from the live bindings.

Nothing here is a hand-kept list of keys: the groups come from the screen's
active bindings (its own, its focused widget's, the app's) and from
TextArea.BINDINGS, so a new or remapped key shows up here by itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Static, TextArea

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode

    from warroom.core.workflow import PhaseSpec, Workflow

# Keys every Textual screen inherits (tab, shift+tab, copy): listed with the app's.
_INHERITED_SCREEN_ACTIONS = frozenset(b.action for _key, b in BindingsMap(Screen.BINDINGS))
_PALETTE = "ctrl+p opens the command palette: every action is there, searchable by name."
_REMAP = ("Any key here can be remapped in the config file's [keys] table: "
          "`warroom config --keys` lists their ids.")


@dataclass
class KeyGroup:
    """A heading and its lines, each (keys as displayed, description)."""

    title: str
    lines: list[tuple[str, str]] = field(default_factory=list)


def _words(cls: type) -> str:
    """A class name as a heading: WarRoomScreen -> "War room", PhaseSidebar -> "Phase sidebar"."""
    name = cls.__name__.strip("_")
    for suffix in ("Screen", "Widget"):
        if name.endswith(suffix) and name != suffix:
            name = name[: -len(suffix)]
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+", name) or [name]
    return " ".join([words[0], *(w.lower() for w in words[1:])])


def _describe(binding: Binding) -> str:
    if binding.action in ("command_palette", "app.command_palette"):
        return "Command palette: every action, by name"
    if binding.description:
        return binding.description
    if binding.tooltip:
        return binding.tooltip
    return binding.action.split(".")[-1].split("(")[0].replace("_", " ").capitalize()


def _lines(app: App[object], bindings: list[Binding]) -> list[tuple[str, str]]:
    """One line per action, its keys joined: "home, ^a — Cursor line start"."""
    merged: dict[tuple[str, str], list[str]] = {}
    for binding in bindings:
        keys = merged.setdefault((binding.action, _describe(binding)), [])
        shown = app.get_key_display(binding)
        if shown not in keys:
            keys.append(shown)
    return [(", ".join(keys), description) for (_action, description), keys in merged.items()]


def _group_title(node: DOMNode) -> str:
    if isinstance(node, TextArea):
        return "Editor"
    return _words(type(node))


def key_groups(screen: Screen[object]) -> list[KeyGroup]:
    """The keys that work on `screen` right now, grouped: screen, App, focused widget, Editor."""
    app = screen.app
    by_node: dict[DOMNode, list[Binding]] = {}
    everywhere: list[Binding] = []
    for active in screen.active_bindings.values():
        node, binding = active.node, active.binding
        if node is app or (node is screen and binding.action in _INHERITED_SCREEN_ACTIONS):
            everywhere.append(binding)
        else:
            by_node.setdefault(node, []).append(binding)

    groups = []
    if screen in by_node:
        groups.append(KeyGroup(_group_title(screen), _lines(app, by_node.pop(screen))))
    groups.append(KeyGroup("App", _lines(app, everywhere)))
    palette = app.COMMAND_PALETTE_BINDING
    if app.ENABLE_COMMAND_PALETTE and not any(b.key == palette for b in everywhere):
        groups[-1].lines.extend(_lines(app, [Binding(palette, "command_palette")]))
    # The focused widget first, then its containers.
    for node, bindings in by_node.items():
        groups.append(KeyGroup(_group_title(node), _lines(app, bindings)))
    has_editor = bool(screen.query(TextArea))
    if has_editor and not any(isinstance(node, TextArea) for node in by_node):
        basics = [b for _key, b in BindingsMap(TextArea.BINDINGS) if "cursor" not in b.action]
        groups.append(KeyGroup("Editor", _lines(app, basics)))
    return [group for group in groups if group.lines]


def phases_paragraph(workflow: Workflow, gate_key: str | None) -> str:
    """The workflow in one paragraph, from the workflow definition itself."""
    phases = workflow.phases
    names = ", ".join(f"{p.number} {p.name}" for p in phases)
    gated = [p for p in phases if p.gate is not None]
    ungated = [p for p in phases if p.gate is None]

    def numbers(items: list[PhaseSpec]) -> str:
        labels = [str(p.number) for p in items]
        return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"

    send_back = sorted({p.gate.send_back.label for p in gated if p.gate is not None})
    key = f" ({gate_key} in the war room)" if gate_key else ""
    text = (
        f"An incident goes through {len(phases)} phases, in order: {names}. "
        f"A gate follows phase{'s' if len(gated) > 1 else ''} {numbers(gated)}: the next "
        f"phase stays locked until a named reviewer approves the artifact at the gate{key}; "
        f"sending it back ({' or '.join(send_back)}) returns the phase with the reviewer's "
        "comment shown above the editor. "
    )
    if ungated:
        text += (
            f"Phase{'s' if len(ungated) > 1 else ''} {numbers(ungated)} "
            f"{'have' if len(ungated) > 1 else 'has'} no gate: "
            f"{'they are' if len(ungated) > 1 else 'it is'} marked complete instead, "
            "with the same key."
        )
    return text


def _gate_key(app: App[object], screen: Screen[object]) -> str | None:
    """The war room's gate key as displayed, read from its bindings."""
    from warroom.ui.screens.main import WarRoomScreen

    source = screen if isinstance(screen, WarRoomScreen) else WarRoomScreen
    for _key, binding in BindingsMap(getattr(source, "BINDINGS", [])):
        if binding.action == "gate":
            return app.get_key_display(binding)
    return None


class HelpScreen(ModalScreen[None]):
    """Every key of the screen below, the phases and gates, and the palette."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="close_help"),
        Binding("q", "close", "Close", id="close_help_q", show=False),
        Binding("f1", "close", "Close", id="close_help_f1", show=False),
    ]

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__()
        # Read now: once this screen is on top, the one below is no longer active.
        self.origin = screen
        self.groups = key_groups(screen)

    def compose(self) -> ComposeResult:
        app = self.app
        store = getattr(app, "store", None)
        workflow: Workflow | None = store.workflow if store is not None else None
        with VerticalScroll(id="help", classes="dialog") as box:
            box.border_title = f"Keys: {_group_title(self.origin)}"
            box.border_subtitle = "Escape, q or F1 closes"
            yield Static(Text(_PALETTE, style="bold"), classes="help-palette")
            widest = max((len(keys) for g in self.groups for keys, _ in g.lines), default=4)
            width = min(widest, 20)  # longer key lists wrap rather than squeeze the text
            phases_shown = workflow is None
            for group in self.groups:
                yield Static(Text(group.title), classes="help-heading")
                yield _KeyTable(group, width)
                if group.title == "App" and not phases_shown:
                    # After the keys that matter most, before the long widget reference.
                    yield from self._phases(workflow)
                    phases_shown = True
            if not phases_shown:
                yield from self._phases(workflow)
            yield Static(Text(_REMAP, style="dim"), classes="help-remap")

    def _phases(self, workflow: Workflow | None) -> ComposeResult:
        if workflow is None:
            return
        yield Static(Text("Phases and gates"), classes="help-heading")
        yield Static(
            Text(phases_paragraph(workflow, _gate_key(self.app, self.origin))),
            classes="help-phases",
        )

    def on_mount(self) -> None:
        self.query_one("#help").focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def text(self) -> str:
        """Everything the help lists, as plain text (for tests and copying)."""
        parts = [_PALETTE]
        for group in self.groups:
            parts.append(group.title)
            parts.extend(f"{keys} — {description}" for keys, description in group.lines)
        parts.append(_REMAP)
        return "\n".join(parts)


class _KeyTable(Widget):
    """A group's "key — description" lines, keys in one column."""

    DEFAULT_CSS = "_KeyTable { height: auto; }"

    def __init__(self, group: KeyGroup, key_width: int) -> None:
        super().__init__()
        self.group = group
        self.key_width = key_width

    def render(self) -> Table:
        table = Table.grid(padding=(0, 1))
        table.add_column(style="bold", width=self.key_width)
        table.add_column(width=1)
        table.add_column(ratio=1)
        for keys, description in self.group.lines:
            table.add_row(Text(keys), Text("—"), Text(description))
        return table
