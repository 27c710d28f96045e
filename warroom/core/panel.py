"""The post-mortem round table: the panel's roles and their questions, read from its guide.

The panel is a Markdown file a team edits (a role added, a question reworded,
the italic line dropped), so reading it never raises on its content: each
`## Role: <Name>` section is a role, its first italic line the description,
and the list under `### Questions` its questions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from warroom.core.markdown import list_items, split_sections

_ROLE = re.compile(r"^\W*role\b\s*[:—–-]\s*(?P<name>.+?)\s*$", re.IGNORECASE)
_ITALIC = re.compile(r"^\s*(?:\*(?!\*)(?P<a>[^*\n]+)\*|_(?!_)(?P<b>[^_\n]+)_)\s*$")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(.+?)\1")


@dataclass(frozen=True, slots=True)
class PanelRole:
    """One seat at the round table: who it speaks for, and the questions it asks."""

    name: str
    description: str
    questions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PanelAnswer:
    """What the round table said to one question; every answer is kept, the newest shown."""

    incident_id: int
    role: str
    question: str
    answer: str
    author: str
    answered_at: datetime


def _plain(text: str) -> str:
    """Inline emphasis and code marks dropped: the UI shows the words."""
    return re.sub(r"\s+", " ", _EMPHASIS.sub(r"\2", text)).strip()


def _description(body: str) -> str:
    """The first italic line, else the first line of prose."""
    prose = ""
    for line in body.splitlines():
        if match := _ITALIC.match(line):
            return _plain(match["a"] or match["b"])
        stripped = line.strip()
        if not prose and stripped and not stripped.startswith(("#", "-", "*", "+", ">", "|")):
            prose = stripped
    return _plain(prose)


def _questions(body: str, level: int) -> list[str]:
    """The list under a "Questions" sub-heading; else any list entry that asks something."""
    _, subsections = split_sections(body, level)
    listed = [s for s in subsections if "question" in s.heading.casefold()]
    if listed:
        items = [item.text for s in listed for item in list_items(s.body)]
    else:
        items = [item.text for item in list_items(body) if item.text.rstrip().endswith("?")]
    return list(dict.fromkeys(q for q in (_plain(i) for i in items) if q))


def parse_panel(markdown: str) -> list[PanelRole]:
    """The roles of a panel guide, in file order; a role named twice is one role.

    Roles are found at the shallowest heading level that has any ("## Role: …"
    in the seed's file, "### Role: …" under a "## Roles" heading works too).
    """
    text = markdown.replace("\r\n", "\n")
    for level in (2, 3, 4):
        found = []
        for section in split_sections(text, level)[1]:
            if match := _ROLE.match(_plain(section.heading)):
                found.append((match["name"], section.body))
        if found:
            break
    else:
        return []
    roles: dict[str, PanelRole] = {}
    for name, body in found:
        questions = _questions(body, level + 1)
        key = name.casefold()
        if key in roles:
            old = roles[key]
            merged = tuple(dict.fromkeys([*old.questions, *questions]))
            intro = split_sections(body, level + 1)[0]
            roles[key] = PanelRole(old.name, old.description or _description(intro), merged)
        else:
            intro = split_sections(body, level + 1)[0]
            roles[key] = PanelRole(name, _description(intro), tuple(questions))
    return list(roles.values())


def load_panel(path: Path) -> list[PanelRole]:
    """Read a panel guide file; OSError if it cannot be read (the caller says so)."""
    return parse_panel(path.read_text(encoding="utf-8", errors="replace"))


def latest_answers(answers: list[PanelAnswer]) -> dict[tuple[str, str], PanelAnswer]:
    """The newest answer to each (role, question), from answers in the order given."""
    newest: dict[tuple[str, str], PanelAnswer] = {}
    for answer in answers:
        key = (answer.role, answer.question)
        if key not in newest or answer.answered_at >= newest[key].answered_at:
            newest[key] = answer
    return newest
