"""Every remappable key: the bindings with an id, across warroom's screens and widgets.

The config file's [keys] table maps these ids to keys (`App.set_keymap`);
Textual ignores an id it does not know, so the ids are checked here first and
a misspelt one is refused before the screen starts.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass

from textual.binding import Binding
from textual.dom import DOMNode

import warroom.ui

# One key: modifiers joined by "+", then a key name (Textual's names: "f5", "ctrl+g", "P").
_KEY = re.compile(r"^((ctrl|alt|shift|super|meta|hyper)\+)*[^\s,+]+$|^(ctrl\+)?\+$")


@dataclass(frozen=True)
class KeyBinding:
    """A remappable binding: its id, default keys, description and where it applies."""

    id: str
    keys: str
    description: str
    where: str


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found += _subclasses(sub)
    return found


def key_bindings() -> list[KeyBinding]:
    """Every binding with an id in warroom's UI, in the order of the classes' names."""
    for module in pkgutil.walk_packages(warroom.ui.__path__, "warroom.ui."):
        importlib.import_module(module.name)
    seen: dict[str, KeyBinding] = {}
    classes = {c for c in _subclasses(DOMNode) if c.__module__.startswith("warroom.ui.")}
    for cls in sorted(classes, key=lambda c: (c.__module__, c.__name__)):
        for binding in cls.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding) and binding.id and binding.id not in seen:
                seen[binding.id] = KeyBinding(
                    binding.id, binding.key, binding.description or binding.action, cls.__name__
                )
    return list(seen.values())


def _chains() -> list[tuple[type, ...]]:
    """Classes whose keys are live at once: a focused widget, its containers, the screen, the app.

    A key bound twice on one chain reaches only the innermost binding; on two
    chains (two sibling widgets, two screens) it is no clash.
    """
    from textual.screen import Screen
    from textual.widgets import TextArea

    from warroom.ui.app import WarroomApp
    from warroom.ui.screens.main import WarRoomScreen
    from warroom.ui.screens.picker import FilterInput, IncidentPicker, IncidentTable
    from warroom.ui.tail_app import TailApp
    from warroom.ui.widgets.editor import ArtifactEditor
    from warroom.ui.widgets.guide import GuidePanel, ProcessChecklist
    from warroom.ui.widgets.log_view import LogView
    from warroom.ui.widgets.round_table import RoundTable
    from warroom.ui.widgets.sidebar import PhaseSidebar
    from warroom.ui.widgets.timeline_panel import TimelinePanel

    room = (WarRoomScreen, WarroomApp)
    chains: list[tuple[type, ...]] = [
        (LogView, TimelinePanel, *room),
        (PhaseSidebar, *room),
        (RoundTable, *room),
        (TextArea, ArtifactEditor, *room),
        (ProcessChecklist, GuidePanel, *room),
        (FilterInput, IncidentPicker, WarroomApp),
        (IncidentTable, IncidentPicker, WarroomApp),
        (LogView, TimelinePanel, TailApp),
    ]
    placed = {cls for chain in chains for cls in chain}
    screens = [c for c in _subclasses(Screen) if c.__module__.startswith("warroom.ui.")]
    chains += [(screen, WarroomApp) for screen in screens if screen not in placed]
    return chains


def _bindings_of(cls: type) -> list[Binding]:
    """A class's bindings, inherited ones included (as Textual merges them)."""
    found: list[Binding] = []
    for klass in reversed(cls.__mro__):
        for binding in klass.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding):
                found.append(binding)
            elif isinstance(binding, tuple) and len(binding) >= 2:
                found.append(Binding(*binding))
    return found


def _keys(text: str) -> set[str]:
    return {key.strip() for key in text.split(",") if key.strip()}


def _clash(keymap: dict[str, str]) -> str | None:
    """The first remapped key that another binding on the same chain already uses."""
    for chain in _chains():
        on_chain = [(cls, b) for cls in chain for b in _bindings_of(cls)]
        for cls, binding in on_chain:
            if binding.id not in keymap:
                continue
            mine = _keys(keymap[binding.id])
            for other_cls, other in on_chain:
                if other is binding or other.action == binding.action:
                    continue
                theirs = _keys(keymap[other.id]) if other.id in keymap else _keys(other.key)
                shared = sorted(mine & theirs)
                if shared:
                    what = other.description or other.action
                    where = (f"in {other_cls.__name__}" if other_cls is cls
                             else f"in {other_cls.__name__}, live beside {cls.__name__}")
                    if other.id:
                        return (f"keys.{binding.id}: {shared[0]!r} is already {what} "
                                f"({other.id}) {where}: remap that too, or choose another key")
                    return (f"keys.{binding.id}: {shared[0]!r} is already {what} {where}: "
                            "choose another key")
    return None


def check_keymap(keymap: dict[str, str]) -> dict[str, str]:
    """The keymap as given, or ValueError naming an unknown id, a malformed key or a clash."""
    known = {binding.id for binding in key_bindings()}
    for binding_id, keys in keymap.items():
        if binding_id not in known:
            raise ValueError(
                f"keys.{binding_id}: no key has that id (warroom config --keys lists them)"
            )
        for key in keys.split(","):  # empty parts too: "p,,P" is a typo, not two keys
            if not _KEY.match(key.strip()):
                raise ValueError(
                    f"keys.{binding_id}: {keys!r} is not a key list like \"ctrl+g\" or \"f8,P\""
                )
    clash = _clash(keymap)
    if clash:
        raise ValueError(clash)
    return keymap
