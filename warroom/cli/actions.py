"""`warroom actions`: action items across incidents, so follow-up survives the incident.

The listing is its own small report: filters, a text table for people and
JSON for scripts.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from warroom.cli.common import Subparsers
from warroom.clock import iso
from warroom.timeline.sanitize import json_safe, sanitize

if TYPE_CHECKING:  # imported where used: every command loads this module (see cli.main)
    from warroom.store.actions import ListedAction
    from warroom.store.store import Store


def add_parsers(sub: Subparsers) -> None:
    p = sub.add_parser("actions", help="list action items across incidents (INC-6 follow-up)")
    p.set_defaults(run=cmd_actions)
    p.add_argument("--open", action="store_true", help="only open and in-progress items")
    p.add_argument("--owner", metavar="NAME", help="only this owner (name or @handle, any case)")
    p.add_argument("--json", action="store_true")


def _row(entry: ListedAction, today: str) -> dict[str, Any]:
    item, incident = entry.item, entry.incident
    overdue = bool(item.due) and item.status in ("open", "in progress") and (item.due or "") < today
    return {
        "incident_id": incident.id,
        "incident_title": incident.title,
        "id": item.id,
        "priority": item.priority,
        "title": item.title,
        "owner": item.owner,
        "horizon": item.horizon,
        "status": item.status,
        "due": item.due,
        "overdue": overdue,
        "origin": item.origin,
        "done_at": iso(item.done_at) if item.done_at else None,
        "updated_at": iso(item.updated_at),
    }


def _cut(text: str, width: int) -> str:
    """One terminal-safe line, at most `width` wide (typed text may hold escapes)."""
    flat = " ".join(sanitize(text).split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def cmd_actions(store: Store, args: argparse.Namespace) -> int:
    """Most urgent first: priority, then due date; `--open` hides done and dropped items."""
    from warroom.store.actions import list_actions

    entries = list_actions(store, open_only=args.open, owner=args.owner)
    rows = [_row(e, store.clock.now().date().isoformat()) for e in entries]
    if args.json:
        print(json_safe(json.dumps(rows, indent=2, ensure_ascii=False)))
        return 0
    if not rows:
        which = "open action items" if args.open else "action items"
        print(f"no {which}" + (f" for {args.owner}" if args.owner else "")
              + "; import them from INC-5 in the war room (ctrl+r, then i)")
        return 0
    print(f"{'INCIDENT':<26} {'PRI':<3} {'STATUS':<11} {'DUE':<11} {'OWNER':<16} "
          f"{'HORIZON':<11} ACTION ITEM")
    for r in rows:
        incident = _cut(f"#{r['incident_id']} {r['incident_title']}", 26)
        due = (r["due"] or "-") + ("!" if r["overdue"] else "")
        print(f"{_cut(incident, 26):<26} {_cut(r['priority'] or '-', 3):<3} "
              f"{_cut(r['status'], 11):<11} {_cut(due, 11):<11} "
              f"{_cut(r['owner'] or '-', 16):<16} {_cut(r['horizon'] or '-', 11):<11} "
              f"{_cut(r['title'], 200)}")
    return 0


def sync_saved(store: Store, incident_id: int, code: str, actor: str) -> None:
    """After `warroom artifact ID INC-6 --from/--edit`: read the hand edit into the rows."""
    if code != "INC-6":
        return
    from warroom.store.actions import sync_latest

    edit = sync_latest(store, incident_id, actor=actor)
    if not edit.empty:
        print(f"action items: {len(edit.changes)} changed, {len(edit.added)} added, "
              f"{len(edit.dropped)} dropped", file=sys.stderr)
