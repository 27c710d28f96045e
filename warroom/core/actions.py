"""Action items (INC-6): INC-5's recommendations become rows, the rows become INC-6, and back.

The table of rows is what people track; the INC-6 Markdown is generated from it
so the artifact never drifts, and a hand edit of that Markdown is read back into
rows (matched by title) so typing in the editor is never lost either. Everything
here is pure: the store applies what these functions decide.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol

from warroom.core.artifacts import (
    ActionItemTracker,
    PostMortemReport,
    TrackedAction,
    parse_artifact,
)
from warroom.core.markdown import find_section, is_placeholder, replace_section

PRIORITIES = ("P0", "P1", "P2")
HORIZONS = ("quick win", "short-term", "long-term")
STATUSES = ("open", "in progress", "done", "dropped")
OPEN_STATUSES = ("open", "in progress")
#: The seed's rule of thumb: what must not happen again is fixed this week.
HORIZON_OF_PRIORITY = dict(zip(PRIORITIES, HORIZONS, strict=True))
#: INC-6's section for each horizon: the short heading finds it, the full one writes it.
SECTIONS = {
    "quick win": ("Quick Wins", "Quick Wins (do this week)"),
    "short-term": ("Short-Term", "Short-Term (do this sprint/cycle)"),
    "long-term": ("Long-Term", "Long-Term (schedule for planning)"),
}
HAND_EDIT = "INC-6"  # the origin of a row first written as a line of the Markdown

_RELATIVE_DUE = re.compile(r"^\+?(\d{1,3})\s*([dw])$", re.IGNORECASE)


class ActionLike(Protocol):
    """What rendering needs of a row: a stored ActionItem or a NewAction."""

    @property
    def title(self) -> str: ...
    @property
    def owner(self) -> str | None: ...
    @property
    def priority(self) -> str | None: ...
    @property
    def horizon(self) -> str | None: ...
    @property
    def status(self) -> str: ...
    @property
    def due(self) -> str | None: ...


class StoredAction(ActionLike, Protocol):
    """A row with its id, so a read-back can say which row changed."""

    @property
    def id(self) -> int: ...


@dataclass(frozen=True, slots=True)
class NewAction:
    """An action item not stored yet: from INC-5, or a new line typed into INC-6."""

    title: str
    owner: str | None = None
    priority: str | None = None
    horizon: str | None = None
    status: str = "open"
    due: str | None = None
    origin: str | None = None


@dataclass(frozen=True, slots=True)
class ItemChange:
    """New values for some fields of one stored row."""

    item_id: int
    fields: dict[str, str | None]


@dataclass(slots=True)
class TrackerEdit:
    """What a hand edit of INC-6 means for the rows: changed, added, and dropped ones."""

    changes: list[ItemChange] = field(default_factory=list)
    added: list[NewAction] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.changes or self.added or self.dropped)


# -- values people type ----------------------------------------------------------


def clean_title(text: str) -> str:
    """One line of title; ValueError when nothing is left (a blank line cannot be tracked)."""
    title = " ".join(text.split())
    if is_placeholder(title):
        raise ValueError("an action item needs a title")
    return title


def clean_owner(text: str | None) -> str | None:
    """An owner as typed, without a leading "@"; None when blank."""
    owner = " ".join((text or "").split()).lstrip("@").strip()
    return owner or None


def handle(owner: str | None) -> str | None:
    """The owner as an INC-6 @handle: "payments team" → "payments-team" (one word reads back)."""
    if not owner:
        return None
    word = re.sub(r"[^\w.-]+", "-", owner.strip().lstrip("@")).strip("-.")
    return word or None


def parse_due(text: str, today: date) -> str | None:
    """A due date as YYYY-MM-DD from "2026-12-04", "+3d", "2w" or "" (clear it).

    Raises ValueError with a message fit to show the user.
    """
    raw = text.strip()
    if not raw:
        return None
    if match := _RELATIVE_DUE.match(raw):
        days = int(match[1]) * (7 if match[2].lower() == "w" else 1)
        return (today + timedelta(days=days)).isoformat()
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        raise ValueError(f"{raw!r} is not a date; use YYYY-MM-DD, +3d or +2w") from None


def check_field(name: str, value: str | None) -> str | None:
    """Validate one field of a row; ValueError naming the allowed values."""
    allowed = {"priority": PRIORITIES, "horizon": HORIZONS, "status": STATUSES}.get(name)
    if name == "title":
        return clean_title(value or "")
    if name == "owner":
        return clean_owner(value)
    if name == "due":
        due = _date_or_none(value)
        if value and due is None:
            raise ValueError(f"due {value!r} is not a date like 2026-12-04")
        return due
    if allowed is None:
        raise ValueError(f"an action item has no field {name!r}")
    if value is None and name != "status":
        return None
    if value not in allowed:
        raise ValueError(f"{name} {value!r} is not one of {', '.join(allowed)}")
    return value


def cycle(values: Sequence[str], current: str | None) -> str:
    """The value after `current` (the first one when unset): s/h/p in the table."""
    if current not in values:
        return values[0]
    return values[(values.index(current) + 1) % len(values)]


def horizon_of(item: ActionLike) -> str:
    """The row's horizon, else the one its priority implies, else short-term."""
    if item.horizon in HORIZONS:
        return item.horizon  # type: ignore[return-value]
    return HORIZON_OF_PRIORITY.get(item.priority or "", "short-term")


def title_key(title: str) -> str:
    """How a title is matched between the table and the Markdown: case and spacing folded."""
    return " ".join(title.split()).casefold()


def parse_task(text: str) -> NewAction:
    """One line typed in INC-6's own format: "[P0] Title — @owner (due 2026-12-04)".

    Only the title is required. Raises ValueError with a message fit to show the user.
    """
    tracker = parse_artifact("INC-6", f"## Quick Wins\n- [ ] {' '.join(text.split())}\n")
    assert isinstance(tracker, ActionItemTracker)
    if not tracker.quick_wins:
        raise ValueError("an action item needs a title")
    task = tracker.quick_wins[0]
    due = _date_or_none(task.due)
    if task.due and due is None:
        raise ValueError(f"due {task.due!r} is not a date like 2026-12-04")
    return NewAction(
        title=clean_title(task.action), owner=task.owner, priority=task.priority,
        horizon=HORIZON_OF_PRIORITY.get(task.priority or ""), due=due,
    )


# -- INC-5 → rows ---------------------------------------------------------------------


def from_post_mortem(report: PostMortemReport) -> list[NewAction]:
    """INC-5's recommended items as rows: priority sets the horizon, origin "INC-5 #n"."""
    rows = []
    for number, item in enumerate(report.action_items, start=1):
        if not item.action or is_placeholder(item.action):
            continue
        rows.append(
            NewAction(
                title=clean_title(item.action),
                owner=clean_owner(item.owner),
                priority=item.priority,
                horizon=HORIZON_OF_PRIORITY.get(item.priority or ""),
                origin=f"INC-5 #{number}",
            )
        )
    return rows


def from_post_mortem_text(markdown: str) -> list[NewAction]:
    """`from_post_mortem` on INC-5's Markdown."""
    report = parse_artifact("INC-5", markdown)
    assert isinstance(report, PostMortemReport)
    return from_post_mortem(report)


# -- rows → INC-6 -------------------------------------------------------------------


def tracked(item: ActionLike) -> TrackedAction:
    """A row as INC-6's task line model."""
    return TrackedAction(
        done=item.status == "done",
        action=" ".join(item.title.split()),
        owner=handle(item.owner),
        priority=item.priority if item.priority in PRIORITIES else None,  # type: ignore[arg-type]
        due=item.due or None,
    )


def tracker_markdown(items: Iterable[ActionLike], current: str) -> str:
    """INC-6 with its three horizon sections written from the rows; every other byte kept.

    Dropped rows are left out (they stay in the table). `current` is the artifact's
    text now (or its template): its title, its Post-Mortem Document and anything
    else a person wrote outside the three sections are kept as they are.
    """
    groups: dict[str, list[TrackedAction]] = {h: [] for h in HORIZONS}
    for item in items:
        if item.status != "dropped":
            groups[horizon_of(item)].append(tracked(item))
    model = ActionItemTracker(
        quick_wins=groups["quick win"], short_term=groups["short-term"],
        long_term=groups["long-term"],
    )
    bodies = dict(zip(HORIZONS, (body for _, body in model.sections()), strict=False))
    text = current if current.strip() else "# [INC-6]: Action Item Tracker\n"
    for horizon in HORIZONS:
        short, full = SECTIONS[horizon]
        heading = short if find_section(text, short) is not None else full
        text = replace_section(text, heading, bodies[horizon])
    return text


# -- INC-6 → rows ----------------------------------------------------------------------


def read_back(items: Sequence[StoredAction], markdown: str) -> TrackerEdit:
    """What a hand edit of INC-6 changes in the rows.

    A line matches the first unmatched row with the same title (a live row before
    a dropped one); the line's section, owner and box win, and its priority and
    due date when it has them (the seed's lines carry neither: clear those in the
    table). A
    line matching no row is a new row; a live row with no line is dropped (never
    deleted: the table still shows it, and `x` brings it back).
    """
    tracker = parse_artifact("INC-6", markdown)
    assert isinstance(tracker, ActionItemTracker)
    edit = TrackerEdit()
    matched: set[int] = set()
    sections = (tracker.quick_wins, tracker.short_term, tracker.long_term)
    for horizon, tasks in zip(HORIZONS, sections, strict=True):
        for task in tasks:
            key = title_key(task.action)
            candidates = [i for i in items if i.id not in matched and title_key(i.title) == key]
            candidates.sort(key=lambda i: i.status == "dropped")
            if not candidates:
                edit.added.append(_new_row(task, horizon))
                continue
            item = candidates[0]
            matched.add(item.id)
            fields = _changed_fields(item, task, horizon)
            if fields:
                edit.changes.append(ItemChange(item.id, fields))
    edit.dropped = [i.id for i in items if i.id not in matched and i.status != "dropped"]
    return edit


def _new_row(task: TrackedAction, horizon: str) -> NewAction:
    return NewAction(
        title=clean_title(task.action), owner=task.owner, priority=task.priority,
        horizon=horizon, status="done" if task.done else "open", due=_date_or_none(task.due),
        origin=HAND_EDIT,
    )


def _changed_fields(item: StoredAction, task: TrackedAction, horizon: str) -> dict[str, str | None]:
    fields: dict[str, str | None] = {}
    if horizon_of(item) != horizon:
        fields["horizon"] = horizon
    if handle(item.owner) != task.owner:
        fields["owner"] = task.owner
    if task.priority and item.priority != task.priority:
        fields["priority"] = task.priority  # no "[P1]" is the seed's own format: keep ours
    due = _date_or_none(task.due) or item.due  # none, or unreadable: keep the one we have
    if item.due != due:
        fields["due"] = due
    if task.done and item.status != "done":
        fields["status"] = "done"
    elif not task.done and item.status in ("done", "dropped"):
        fields["status"] = "open"
    return fields


def _date_or_none(text: str | None) -> str | None:
    try:
        return date.fromisoformat((text or "").strip()).isoformat()
    except ValueError:
        return None
