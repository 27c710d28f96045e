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


def check_keymap(keymap: dict[str, str]) -> dict[str, str]:
    """The keymap as given, or ValueError naming the first unknown id or malformed key."""
    known = {binding.id for binding in key_bindings()}
    for binding_id, keys in keymap.items():
        if binding_id not in known:
            raise ValueError(
                f"keys.{binding_id}: no key has that id (warroom config --keys lists them)"
            )
        for key in keys.split(","):
            if not _KEY.match(key.strip()):
                raise ValueError(
                    f"keys.{binding_id}: {keys!r} is not a key list like \"ctrl+g\" or \"f8,P\""
                )
    return keymap
