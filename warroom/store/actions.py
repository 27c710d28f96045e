"""Action items in the store: add, update, import from INC-5, sync with INC-6, list for the CLI.

Functions over a Store rather than more methods on it: the table and the
Markdown rules live in warroom.core.actions, this module only applies them in
one write transaction each, with every change in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from warroom.core.actions import (
    HAND_EDIT,
    OPEN_STATUSES,
    PRIORITIES,
    NewAction,
    TrackerEdit,
    check_field,
    clean_owner,
    from_post_mortem_text,
    handle,
    horizon_of,
    read_back,
    title_key,
    tracker_markdown,
)
from warroom.core.evidence import one_line
from warroom.core.models import ActionItem, EventKind, Incident
from warroom.store.db import StoreError, write_lock
from warroom.store.store import SaveResult, Store

FIELDS = ("title", "owner", "priority", "horizon", "status", "due")


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import from INC-5 did: the rows it added, and how many it had already."""

    added: list[ActionItem]
    skipped: int


@dataclass(frozen=True, slots=True)
class ListedAction:
    """An action item with its incident, for the cross-incident listing."""

    incident: Incident
    item: ActionItem


def phase_of(store: Store, code: str) -> int:
    """The phase number whose artifact has this code (INC-5, INC-6) in the store's workflow."""
    for spec in store.workflow.phases:
        if spec.artifact.code == code:
            return spec.number
    raise StoreError(f"the workflow {store.workflow.name!r} has no {code} artifact")


def action_item(store: Store, item_id: int) -> ActionItem:
    """One row by id; StoreError naming the id if there is none."""
    rows = list(store.db["action_items"].rows_where("id = ?", [item_id]))
    if not rows:
        raise StoreError(f"no action item #{item_id}")
    return store.action_items(rows[0]["incident_id"], item_id=item_id)[0]


def _describe(item: NewAction | ActionItem) -> str:
    extras = [p for p in (item.priority, f"@{handle(item.owner)}" if item.owner else None,
                          f"due {item.due}" if item.due else None) if p]
    return f"{one_line(item.title, 60)!r}" + (f" ({', '.join(extras)})" if extras else "")


def _insert(store: Store, incident_id: int, new: NewAction, actor: str, why: str) -> int:
    """Insert one row inside the caller's transaction, with its audit entry."""
    values = {name: check_field(name, getattr(new, name)) for name in FIELDS}
    now = store.clock.now().isoformat()
    table = store.db["action_items"]
    table.insert({
        "incident_id": incident_id, **values,
        "horizon": values["horizon"] or horizon_of(new),
        "created_at": now, "updated_at": now, "origin": new.origin,
        "done_at": now if values["status"] == "done" else None,
    })
    item_id = int(table.last_pk)
    store._event(incident_id, EventKind.SYSTEM,
                 f"Action item #{item_id} added{why}: {_describe(new)}", actor)
    return item_id


def add_item(store: Store, incident_id: int, new: NewAction, *, actor: str) -> ActionItem:
    """Add one row (typed in the table: origin "manual" unless given)."""
    store.incident(incident_id)
    if new.origin is None:
        new = replace(new, origin="manual")
    with write_lock(store.db):
        item_id = _insert(store, incident_id, new, actor, "")
    return action_item(store, item_id)


def _update(store: Store, item_id: int, fields: dict[str, Any], actor: str, why: str) -> bool:
    """Apply changed fields inside the caller's transaction; False when nothing changed."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"cannot update {sorted(unknown)}; fields are {', '.join(FIELDS)}")
    before = action_item(store, item_id)
    changed = {}
    for name, value in fields.items():
        value = check_field(name, value)
        if getattr(before, name) != value:
            changed[name] = value
    if not changed:
        return False
    now = store.clock.now().isoformat()
    if "status" in changed:
        changed["done_at"] = now if changed["status"] == "done" else None
    store.db["action_items"].update(item_id, {**changed, "updated_at": now})
    notes = "; ".join(
        f"{name} {_shown(getattr(before, name))} → {_shown(changed[name])}"
        for name in FIELDS if name in changed
    )
    store._event(before.incident_id, EventKind.SYSTEM,
                 f"Action item #{item_id} {one_line(before.title, 60)!r}{why}: {notes}", actor)
    return True


def _shown(value: str | None) -> str:
    return "-" if value is None else repr(one_line(value, 40))


def update_item(store: Store, item_id: int, *, actor: str, **fields: Any) -> ActionItem:
    """Change title, owner, priority, horizon, status or due; each change in the audit log.

    Status "done" stamps done_at; leaving "done" clears it. ValueError on a bad value.
    """
    with write_lock(store.db):
        _update(store, item_id, fields, actor, "")
    return action_item(store, item_id)


def import_from_post_mortem(store: Store, incident_id: int, *, actor: str) -> ImportResult:
    """Add INC-5's recommended items as rows; idempotent.

    A recommendation already imported (same origin "INC-5 #n") or already in the
    table under the same title (typed into INC-6 first) is not added again.
    """
    store.incident(incident_id)
    text = store.artifact_text(incident_id, phase_of(store, "INC-5"))
    drafts = from_post_mortem_text(text)
    added_ids = []
    with write_lock(store.db):
        existing = store.action_items(incident_id)
        origins = {i.origin for i in existing}
        titles = {title_key(i.title) for i in existing}
        for draft in drafts:
            if draft.origin in origins or title_key(draft.title) in titles:
                continue
            added_ids.append(_insert(store, incident_id, draft, actor, f" from {draft.origin}"))
            titles.add(title_key(draft.title))
    added = [action_item(store, n) for n in added_ids]
    return ImportResult(added=added, skipped=len(drafts) - len(added))


def sync_from_markdown(
    store: Store, incident_id: int, markdown: str, *, actor: str
) -> TrackerEdit:
    """Read a hand edit of INC-6 back into the rows: changes, new rows, dropped rows."""
    store.incident(incident_id)
    with write_lock(store.db):
        edit = read_back(store.action_items(incident_id), markdown)
        for change in edit.changes:
            _update(store, change.item_id, change.fields, actor, f" ({HAND_EDIT} edit)")
        for new in edit.added:
            _insert(store, incident_id, new, actor, f" from an {HAND_EDIT} edit")
        for item_id in edit.dropped:
            _update(store, item_id, {"status": "dropped"}, actor,
                    f" (its line was removed from {HAND_EDIT})")
    return edit


def sync_latest(store: Store, incident_id: int, *, actor: str) -> TrackerEdit:
    """Read the newest saved INC-6 back, unless it is what the rows would generate.

    An INC-6 never saved (still the template) says nothing about the rows.
    """
    latest = store.latest_artifact(incident_id, phase_of(store, "INC-6"))
    if latest is None or tracker_markdown(store.action_items(incident_id), latest.body) == (
        latest.body
    ):
        return TrackerEdit()
    return sync_from_markdown(store, incident_id, latest.body, actor=actor)


def publish_tracker(
    store: Store, incident_id: int, *, actor: str, base_version: int | None
) -> SaveResult:
    """Regenerate INC-6 from the rows and save it as a new version (if it changed).

    `base_version` is the version the caller's editor started from, so a save racing
    another responder's is kept and flagged, as for any other save.
    """
    phase = phase_of(store, "INC-6")
    current = store.artifact_text(incident_id, phase)
    body = tracker_markdown(store.action_items(incident_id), current)
    return store.save_artifact(incident_id, phase, body, actor=actor, base_version=base_version)


def list_actions(
    store: Store, *, open_only: bool = False, owner: str | None = None
) -> list[ListedAction]:
    """Action items across incidents, most urgent first: priority, due date, incident, id.

    `owner` matches the owner or its @handle, ignoring case and a leading "@".
    """
    incidents = {i.id: i for i in store.incidents()}
    wanted = clean_owner(owner)
    listed = []
    for incident_id in sorted(incidents):
        for item in store.action_items(incident_id):
            if open_only and item.status not in OPEN_STATUSES:
                continue
            if wanted and wanted.casefold() not in (
                (item.owner or "").casefold(), (handle(item.owner) or "").casefold()
            ):
                continue
            listed.append(ListedAction(incidents[incident_id], item))

    def urgency(entry: ListedAction) -> tuple[int, str, int, int]:
        item = entry.item
        rank = PRIORITIES.index(item.priority) if item.priority in PRIORITIES else len(PRIORITIES)
        return rank, item.due or "9999", -entry.incident.id, item.id

    return sorted(listed, key=urgency)
