"""Incidents: declare (by hand or from an alert), list and search, status, notes, milestones."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from warroom.cli.common import (
    Subparsers,
    UsageError,
    actor,
    add_json_flag,
    incident_id,
    milestone_kind,
    print_json,
    read_source,
    severity,
    status,
    when,
)
from warroom.clock import iso
from warroom.timeline.sanitize import json_safe, sanitize

if TYPE_CHECKING:  # the rest is imported by the command that uses it: a note loads no search
    from warroom.core.models import LogSource
    from warroom.store.search import SearchHit
    from warroom.store.store import Store


def add_parsers(sub: Subparsers) -> None:
    p = sub.add_parser("new", help="declare an incident; prints its id on the first line")
    p.set_defaults(run=cmd_new)
    p.add_argument("title", nargs="?", help="optional with --from-alert (the alert's name)")
    p.add_argument(
        "--from-alert",
        metavar="FILE",
        help="an Alertmanager, Grafana or PagerDuty v3 webhook payload (JSON; - for stdin)",
    )
    p.add_argument("--severity", type=severity, help="critical, major or minor")
    p.add_argument("--detected-at", type=when, help="ISO-8601 time of first detection")
    add_json_flag(p)

    p = sub.add_parser("list", help="list incidents; search them and filter")
    p.set_defaults(run=cmd_list)
    p.add_argument(
        "query",
        nargs="*",
        metavar="QUERY",
        help='words to find in titles, artifacts and timelines (prefixes, all must match); '
        '"a phrase" in quotes; sev:, status:, since:, until: tokens work here too',
    )
    p.add_argument(
        "--severity", type=severity, action="append", default=[],
        help="critical, major or minor (repeatable: any of them)",
    )
    p.add_argument(
        "--status", type=status, action="append", default=[],
        help="ongoing, mitigated, resolved or closed (repeatable: any of them)",
    )
    p.add_argument("--since", metavar="WHEN", help="detected at or after: ISO time, date, or 7d")
    p.add_argument(
        "--until", metavar="WHEN", help="detected before: ISO time, date (that day included), 12h"
    )
    p.add_argument("--limit", type=int, help="at most this many incidents")
    p.add_argument("--all", action="store_true",
                   help="closed incidents too (left out unless asked for, or --status closed)")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("resolve", help="mark an incident resolved: its clocks stop")
    p.set_defaults(run=cmd_resolve)
    p.add_argument("id", type=incident_id)

    p = sub.add_parser(
        "close", help="close an incident (INC-6 complete, or --reason); it leaves the default list"
    )
    p.set_defaults(run=cmd_close)
    p.add_argument("id", type=incident_id)
    p.add_argument("--reason", default="", metavar="TEXT",
                   help="why it is closed although INC-6 is not complete (kept in the record)")

    p = sub.add_parser("status", help="an incident's phases, states and decisions")
    p.set_defaults(run=cmd_status)
    p.add_argument("id", type=incident_id)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser(
        "milestone",
        help="set a milestone (started, detected, acknowledged, mitigated, resolved); "
        "default: now",
    )
    p.set_defaults(run=cmd_milestone)
    p.add_argument("id", type=incident_id)
    p.add_argument(
        "kind", type=milestone_kind, metavar="KIND",
        help="started (impact began), detected, acknowledged, mitigated or resolved",
    )
    at = p.add_mutually_exclusive_group()
    at.add_argument("--at", type=when, metavar="ISO", help="ISO-8601 time it happened")
    at.add_argument(
        "--event", type=int, metavar="N", help="at timeline entry #N's time (a pinned line)"
    )
    at.add_argument(
        "--clear", action="store_true", help="forget it (detected, acknowledged: the default)"
    )
    add_json_flag(p)

    p = sub.add_parser("note", help="add a note to the incident timeline")
    p.set_defaults(run=cmd_note)
    p.add_argument("id", type=incident_id)
    p.add_argument("text")
    add_json_flag(p)


def cmd_new(store: Store, args: argparse.Namespace) -> int:
    if args.from_alert is not None:
        return _new_from_alert(store, args)
    if not args.title:
        raise UsageError("give the incident a TITLE, or --from-alert FILE to take it from an alert")
    incident = store.create_incident(
        args.title, severity=args.severity, detected_at=args.detected_at, actor=actor(args.settings)
    )
    if args.json:
        print_json(_summary(store, incident.id))
        return 0
    print(incident.id)
    print(
        f"declared {incident.ref} {sanitize(incident.title)}; "
        f"next: warroom artifact {incident.id} INC-1",
        file=sys.stderr,
    )
    return 0


def _new_from_alert(store: Store, args: argparse.Namespace) -> int:
    """Declare from an alert payload; nothing is created unless the whole payload reads."""
    from warroom.core.alerts import AlertError, parse_alert
    from warroom.store.from_alert import declare_from_alert

    name = "stdin" if args.from_alert == "-" else args.from_alert
    text = read_source(args.from_alert)
    if not text.strip():
        raise UsageError(f"{name} is empty; give an alert webhook payload (JSON)")
    try:
        alert = parse_alert(json.loads(text), received_at=store.clock.now())
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{name} is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise UsageError(f"{name} is nested too deeply to be an alert payload") from None
    except AlertError as exc:
        raise UsageError(f"{name}: {exc}") from None
    incident = declare_from_alert(
        store, alert, actor=actor(args.settings), title=args.title, severity=args.severity,
        detected_at=args.detected_at,
    )
    if args.json:
        print_json({
            **_summary(store, incident.id),
            "alert": {
                "source": alert.source, "status": alert.status, "count": alert.alert_count,
                "time_from_payload": alert.time_from_payload,
            },
        })
        return 0
    print(incident.id)
    notes = [f"alert from {alert.source}, detected {iso(incident.detected_at)}"]
    if alert.status == "resolved":
        notes.append("every alert in the payload is already resolved")
    if not alert.time_from_payload:
        notes.append("the payload carries no time: detection is when it was read")
    print(
        f"declared {incident.ref} {sanitize(incident.title)} ({sanitize('; '.join(notes))}); "
        f"INC-1 drafted, next: warroom artifact {incident.id} INC-1",
        file=sys.stderr,
    )
    return 0


def _summary(store: Store, incident_id: int) -> dict:
    incident = store.incident(incident_id)
    machine = store.machine(incident_id)
    phase = store.workflow.phase(machine.current_phase())
    return {
        "id": incident.id,
        "title": incident.title,
        "severity": incident.severity.value if incident.severity else None,
        "status": incident.status.value,
        "detected_at": iso(incident.detected_at),
        "phase": phase.number,
        "phase_name": phase.name,
        "phase_state": machine.state(phase.number).value,
    }


def _search(store: Store, args: argparse.Namespace) -> tuple[list[SearchHit], bool]:
    """The incidents `list` shows: flags and the query's own filter tokens add up."""
    from warroom.store.search import search_incidents
    from warroom.store.search_syntax import parse_bound, parse_search, query_terms

    now = store.clock.now()
    request = parse_search(" ".join(args.query), now=now)
    if request.problems:
        raise UsageError("; ".join(request.problems))
    try:
        since = parse_bound(args.since, now=now) if args.since else request.since
        until = parse_bound(args.until, now=now, end=True) if args.until else request.until
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be at least 1")
    from warroom.core.models import Status

    statuses = set(args.status) | set(request.status or ())
    if not statuses and not args.all:  # closed incidents are history: shown when asked for
        statuses = {s for s in Status if s is not Status.CLOSED}
    hits = search_incidents(
        store,
        request.text,
        severity=set(args.severity) | set(request.severity or ()) or None,
        status=statuses or None,
        since=since,
        until=until,
        limit=args.limit or sys.maxsize,
    )
    return hits, bool(query_terms(request.text))


def cmd_list(store: Store, args: argparse.Namespace) -> int:
    hits, searched = _search(store, args)
    narrowed = args.query or args.severity or args.status or args.since or args.until
    from warroom.store.db import UnreadableRow

    unreadable = [u for u in store.listing() if isinstance(u, UnreadableRow)]
    rows: list[tuple[SearchHit | None, dict]] = []
    for hit in hits:
        row = _summary(store, hit.incident.id)
        if searched:
            row["matched"] = hit.where
            row["snippet"] = hit.matches[0].snippet if hit.matches else ""
            row["score"] = hit.score
        rows.append((hit, row))
    if narrowed or args.limit:
        for bad in unreadable:  # nothing to match it on: said, not hidden
            print(f"note: incident #{bad.id} is unreadable ({sanitize(bad.problem)})",
                  file=sys.stderr)
    else:  # in its place among the others, newest first
        rows += [(None, {"id": bad.id, "unreadable": bad.problem}) for bad in unreadable]
        rows.sort(key=lambda pair: -pair[1]["id"])
    if args.json:
        print(json_safe(json.dumps([r for _, r in rows], indent=2, ensure_ascii=False)))
        return 0
    if not rows:
        print(
            "no incident matches" if narrowed
            else "no incidents yet; declare one with: warroom new TITLE"
        )
        return 0
    for hit, r in rows:
        if hit is None:
            print(f"#{r['id']:<4} unreadable: {sanitize(r['unreadable'])}")
            continue
        print(
            f"#{r['id']:<4} {r['severity'] or '-':<8} {r['status']:<9} "
            f"{r['phase']} {r['phase_name']:<12} {r['phase_state']:<9} {sanitize(r['title'])}"
        )
        for match in hit.matches[:3]:  # where it matched; the JSON has every place
            print(f"      {sanitize(match.where)}: {sanitize(match.snippet)}")
    return 0


def cmd_status(store: Store, args: argparse.Namespace) -> int:
    from warroom.core.milestones import as_json as milestones_json
    from warroom.core.milestones import summary_lines
    from warroom.store.milestones import Milestones

    data = _summary(store, args.id)
    data["phases"] = [
        {
            "number": v.number,
            "name": v.name,
            "artifact": v.code,
            "state": v.state.value,
            "gated": v.gated,
        }
        for v in store.phases(args.id)
    ]
    data["decisions"] = [
        {
            "phase": d.phase,
            "outcome": d.outcome,
            "reviewer": d.reviewer,
            "decided_at": iso(d.decided_at),
            "criteria_ticked": list(d.criteria_ticked),
            "comment": d.comment,
            "overrides": {str(n): reason for n, reason in d.overrides.items()},
            "artifact_version": d.artifact_version,
        }
        for d in store.decisions(args.id)
    ]
    milestones = Milestones(store).all(args.id)
    data.update(milestones_json(milestones))
    sources = store.log_sources(args.id)
    data["log_sources"] = [
        {"number": s.number, "kind": s.kind, "spec": s.spec, "enabled": s.enabled}
        for s in sources
    ]
    proposals = Milestones(store).proposals(args.id)
    data["proposed_milestones"] = [
        {"kind": str(p.kind), "at": iso(p.at), "source": p.source} for p in proposals
    ]
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    print(
        f"#{data['id']} {sanitize(data['title'])}  "
        f"[{data['severity'] or 'severity not assessed'}] "
        f"{data['status']}, detected {data['detected_at']}"
    )
    for ph in data["phases"]:
        gate = "gate" if ph["gated"] else "    "
        print(f"  {ph['number']} {ph['name']:<12} {ph['artifact']:<6} {gate} {ph['state']}")
    for d in data["decisions"]:
        code = store.workflow.phase(d["phase"]).artifact.code
        comment = f": {d['comment']}" if d["comment"] else ""
        print(sanitize(f"  {d['decided_at']} {code} {d['outcome']} by {d['reviewer']}{comment}"))
        for n, reason in d["overrides"].items():
            print(sanitize(f"      criterion {n} overridden by {d['reviewer']}: {reason}"))
    for line in summary_lines(milestones):
        print(f"  {sanitize(line)}")
    for line in source_lines(sources, args.id):
        print(f"  {sanitize(line)}")
    for p in proposals:
        print(sanitize(f"  proposed: {p.kind} at {iso(p.at)} from {p.source}; confirm with "
                       f"warroom milestone {args.id} {p.kind} --at {iso(p.at)}"))
    return 0


def source_lines(sources: list[LogSource], incident_id: int) -> list[str]:
    """The log sources, numbered for --enable-source; those that are off say so."""
    lines = [f"log source {s.number} ({'on' if s.enabled else 'off'}) {s.what}" for s in sources]
    off = [s.number for s in sources if not s.enabled]
    if off:
        lines.append(
            f"off: {', '.join(map(str, off))}; they came with an imported bundle and run "
            f"nothing until enabled (warroom open {incident_id} --enable-source N, or in the room)"
        )
    return lines


def cmd_milestone(store: Store, args: argparse.Namespace) -> int:
    from warroom.core.milestones import clock_skew, describe_skew, summary_lines
    from warroom.store.milestones import Milestones

    book, kind = Milestones(store), args.kind
    action = "set"
    if args.clear:
        action = "cleared"
        if not book.clear(args.id, kind, actor=actor(args.settings)):
            action = "nothing to clear"
            print(f"{kind} was not set; nothing to clear", file=sys.stderr)
    elif args.event is not None:
        book.set_from_event(args.id, kind, args.event, actor=actor(args.settings))
        skew = clock_skew(store.event(args.event))
        if skew is not None:
            print(f"note: entry #{args.event} was {describe_skew(skew)}", file=sys.stderr)
    else:
        book.set_at(args.id, kind, args.at or store.clock.now(), actor=actor(args.settings))
    if args.json:
        from warroom.core.milestones import as_json as milestones_json

        milestones = milestones_json(book.all(args.id))
        print_json({"id": args.id, "kind": kind.value, "action": action, **milestones})
        return 0
    for line in summary_lines(book.all(args.id)):
        print(sanitize(line))
    return 0


def cmd_resolve(store: Store, args: argparse.Namespace) -> int:
    from warroom.core.models import Status

    incident = store.set_status(args.id, Status.RESOLVED, actor=actor(args.settings))
    print(f"{incident.ref} {incident.status.value}: {incident.title}")
    return 0


def cmd_close(store: Store, args: argparse.Namespace) -> int:
    from warroom.core.models import Status

    incident = store.set_status(
        args.id, Status.CLOSED, actor=actor(args.settings), reason=args.reason
    )
    print(f"{incident.ref} {incident.status.value}: {incident.title} "
          "(warroom list --all shows it)")
    return 0


def cmd_note(store: Store, args: argparse.Namespace) -> int:
    from warroom.core.models import EventKind

    event = store.add_event(args.id, EventKind.NOTE, args.text, actor=actor(args.settings))
    if args.json:
        print_json({
            "id": args.id, "event": event.id, "kind": event.kind.value,
            "occurred_at": iso(event.occurred_at), "author": event.author, "text": event.text,
        })
        return 0
    print(f"noted at {iso(event.occurred_at)}")
    return 0
