"""The command line: everything people script or do outside the full screen.

Bad input is one line on stderr saying what and what to do, and exit status 2;
never a traceback (set WARROOM_DEBUG=1 to see one for an internal error).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from warroom import cli_actions, cli_config
from warroom.cli_tail import TailUsageError, add_tail_arguments, checked_keymap, run_tail
from warroom.clock import iso, parse_when
from warroom.config import ConfigError, Settings, load_settings
from warroom.core.milestones import MilestoneKind, clock_skew, describe_skew, summary_lines
from warroom.core.milestones import as_json as milestones_json
from warroom.core.models import EventKind, Severity, Status
from warroom.core.state import TransitionError, Verdict
from warroom.core.workflow import WorkflowError
from warroom.store.db import StoreError
from warroom.store.milestones import Milestones
from warroom.store.search import SearchHit, search_incidents
from warroom.store.search_syntax import parse_bound, parse_search, query_terms
from warroom.store.store import Store

EXIT_USAGE = 2


class UsageError(Exception):
    """Bad input from the command line; shown as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One line, not argparse's usage block: what is wrong and where to look."""
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def actor(settings: Settings | None = None) -> str:
    """Who is at the keyboard: WARROOM_USER, else the config's user, else the login name."""
    name = os.environ.get("WARROOM_USER") or (settings.user if settings else None)
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _incident_id(text: str) -> int:
    raw = text.strip().lstrip("#")
    if not raw.isdigit():
        raise argparse.ArgumentTypeError(f"incident id {text!r} is not a number like 3 or #3")
    return int(raw)


def _severity(text: str) -> Severity:
    try:
        return Severity.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _status(text: str) -> Status:
    for member in Status:
        if member.value.lower() == text.strip().lower():
            return member
    raise argparse.ArgumentTypeError(
        f"status {text!r} is not one of ongoing, mitigated, resolved"
    )


def _when(text: str):  # noqa: ANN202 - argparse type
    try:
        return parse_when(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _milestone_kind(text: str) -> MilestoneKind:
    try:
        return MilestoneKind.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


class _VersionAction(argparse.Action):
    """--version, computing the version only when asked (it costs an import)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> NoReturn:
        import warroom

        print(f"warroom {warroom.__version__}")
        parser.exit(0)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="warroom", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument(
        "--db",
        type=Path,
        help="database file (default: WARROOM_DB, the config file's, or one in the user data dir)",
    )
    parser.add_argument(
        "--shared",
        action="store_true",
        help="create a new database file group-writable (0660) for a team on one host",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("new", help="declare an incident; prints its id on the first line")
    p.add_argument("title", nargs="?", help="optional with --from-alert (the alert's name)")
    p.add_argument(
        "--from-alert",
        metavar="FILE",
        help="an Alertmanager, Grafana or PagerDuty v3 webhook payload (JSON; - for stdin)",
    )
    p.add_argument("--severity", type=_severity, help="critical, major or minor")
    p.add_argument("--detected-at", type=_when, help="ISO-8601 time of first detection")

    p = sub.add_parser("list", help="list incidents; search them and filter")
    p.add_argument(
        "query",
        nargs="*",
        metavar="QUERY",
        help='words to find in titles, artifacts and timelines (prefixes, all must match); '
        '"a phrase" in quotes; sev:, status:, since:, until: tokens work here too',
    )
    p.add_argument(
        "--severity", type=_severity, action="append", default=[],
        help="critical, major or minor (repeatable: any of them)",
    )
    p.add_argument(
        "--status", type=_status, action="append", default=[],
        help="ongoing, mitigated or resolved (repeatable: any of them)",
    )
    p.add_argument("--since", metavar="WHEN", help="detected at or after: ISO time, date, or 7d")
    p.add_argument(
        "--until", metavar="WHEN", help="detected before: ISO time, date (that day included), 12h"
    )
    p.add_argument("--limit", type=int, help="at most this many incidents")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("status", help="an incident's phases, states and decisions")
    p.add_argument("id", type=_incident_id)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("artifact", help="print an artifact, or save a new version of it")
    p.add_argument("id", type=_incident_id)
    p.add_argument("phase", help="artifact code (INC-1), phase number or name")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--from", dest="source", help="save FILE (or - for stdin) as a new version")
    group.add_argument("--edit", action="store_true", help="edit in $EDITOR, save on exit")

    p = sub.add_parser("gate", help="decide a gate: approve or send back")
    p.add_argument("id", type=_incident_id)
    p.add_argument("phase")
    verdict = p.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--approve", action="store_true")
    verdict.add_argument(
        "--revise",
        action="store_true",
        help="send back (Revise; for INC-2 'Mitigation insufficient'); needs --comment",
    )
    p.add_argument("--reviewer", required=True)
    p.add_argument("--comment", default="")
    p.add_argument(
        "--criterion",
        type=int,
        action="append",
        default=[],
        metavar="N",
        help="a criterion the reviewer ticked (repeatable)",
    )

    p = sub.add_parser("complete", help="complete an ungated phase (INC-3, INC-6)")
    p.add_argument("id", type=_incident_id)
    p.add_argument("phase")

    p = sub.add_parser(
        "milestone",
        help="set a milestone (started, detected, acknowledged, mitigated, resolved); "
        "default: now",
    )
    p.add_argument("id", type=_incident_id)
    p.add_argument(
        "kind", type=_milestone_kind, metavar="KIND",
        help="started (impact began), detected, acknowledged, mitigated or resolved",
    )
    when = p.add_mutually_exclusive_group()
    when.add_argument("--at", type=_when, metavar="ISO", help="ISO-8601 time it happened")
    when.add_argument(
        "--event", type=int, metavar="N", help="at timeline entry #N's time (a pinned line)"
    )
    when.add_argument(
        "--clear", action="store_true", help="forget it (detected, acknowledged: the default)"
    )

    p = sub.add_parser("note", help="add a note to the incident timeline")
    p.add_argument("id", type=_incident_id)
    p.add_argument("text")

    p = sub.add_parser(
        "export", help="write the post-mortem (Markdown or HTML) or a JSON bundle; secrets redacted"
    )
    p.add_argument("id", type=_incident_id)
    p.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    p.add_argument(
        "--format",
        choices=("markdown", "html", "json"),
        help="default: from the -o suffix (.html, .json), else markdown",
    )
    p.add_argument(
        "--no-redact", action="store_true", help="keep secrets (tokens, keys, passwords) as is"
    )
    p.add_argument(
        "--redact-pattern",
        action="append",
        default=[],
        metavar="REGEX",
        help="also redact what REGEX matches (its first group, if it has one); repeatable",
    )

    p = sub.add_parser("import", help="load a JSON bundle from export; prints the new incident id")
    p.add_argument("file", help="the bundle (- for stdin)")

    cli_actions.add_parser(sub)
    cli_config.add_parser(sub)

    p = sub.add_parser("open", help="open an incident in the full-screen war room")
    p.add_argument("id", type=_incident_id)
    p.add_argument(
        "--log",
        action="append",
        default=[],
        metavar="PATH_OR_GLOB",
        help="a log file or glob to follow (repeatable; remembered)",
    )
    p.add_argument(
        "--cmd",
        action="append",
        default=[],
        metavar="COMMAND",
        help="a command whose output to follow, e.g. 'journalctl -f' (repeatable)",
    )

    p = sub.add_parser("demo", help="start a demo incident (a simulated outage) and open it")
    p.add_argument("--speed", type=float, default=1.0, help="how fast the outage unfolds")

    p = sub.add_parser("tail", help="follow logs full screen (the timeline panel alone)")
    add_tail_arguments(p)
    p.add_argument("--incident", type=_incident_id, help="pin lines into this incident")

    p = sub.add_parser("parse", help="print each log line's time and level as JSON lines")
    p.add_argument("file", type=Path)
    p.add_argument("--year", type=int, help="year for timestamps that carry none")
    return parser


def _phase(store: Store, ref: str) -> int:
    try:
        return store.workflow.phase_for(ref).number
    except KeyError as exc:
        raise UsageError(exc.args[0]) from None


def cmd_new(store: Store, args: argparse.Namespace) -> int:
    if args.from_alert is not None:
        return _new_from_alert(store, args)
    if not args.title:
        raise UsageError("give the incident a TITLE, or --from-alert FILE to take it from an alert")
    incident = store.create_incident(
        args.title, severity=args.severity, detected_at=args.detected_at, actor=actor(args.settings)
    )
    print(incident.id)
    print(
        f"declared {incident.ref} {incident.title}; next: warroom artifact {incident.id} INC-1",
        file=sys.stderr,
    )
    return 0


def _new_from_alert(store: Store, args: argparse.Namespace) -> int:
    """Declare from an alert payload; nothing is created unless the whole payload reads."""
    from warroom.core.alerts import AlertError, parse_alert
    from warroom.store.from_alert import declare_from_alert

    name = "stdin" if args.from_alert == "-" else args.from_alert
    text = _read_source(args.from_alert)
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
    print(incident.id)
    notes = [f"alert from {alert.source}, detected {iso(incident.detected_at)}"]
    if alert.status == "resolved":
        notes.append("every alert in the payload is already resolved")
    if not alert.time_from_payload:
        notes.append("the payload carries no time: detection is when it was read")
    print(
        f"declared {incident.ref} {incident.title} ({'; '.join(notes)}); "
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
    hits = search_incidents(
        store,
        request.text,
        severity=set(args.severity) | set(request.severity or ()) or None,
        status=set(args.status) | set(request.status or ()) or None,
        since=since,
        until=until,
        limit=args.limit or sys.maxsize,
    )
    return hits, bool(query_terms(request.text))


def cmd_list(store: Store, args: argparse.Namespace) -> int:
    hits, searched = _search(store, args)
    rows = []
    for hit in hits:
        row = _summary(store, hit.incident.id)
        if searched:
            row["matched"] = hit.where
            row["snippet"] = hit.matches[0].snippet if hit.matches else ""
            row["score"] = hit.score
        rows.append(row)
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    if not rows:
        narrowed = args.query or args.severity or args.status or args.since or args.until
        print(
            "no incident matches" if narrowed
            else "no incidents yet; declare one with: warroom new TITLE"
        )
        return 0
    for hit, r in zip(hits, rows, strict=True):
        print(
            f"#{r['id']:<4} {r['severity'] or '-':<8} {r['status']:<9} "
            f"{r['phase']} {r['phase_name']:<12} {r['phase_state']:<9} {r['title']}"
        )
        for match in hit.matches[:3]:  # where it matched; the JSON has every place
            print(f"      {match.where}: {match.snippet}")
    return 0


def cmd_status(store: Store, args: argparse.Namespace) -> int:
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
            "artifact_version": d.artifact_version,
        }
        for d in store.decisions(args.id)
    ]
    milestones = Milestones(store).all(args.id)
    data.update(milestones_json(milestones))
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    print(
        f"#{data['id']} {data['title']}  [{data['severity'] or 'severity not assessed'}] "
        f"{data['status']}, detected {data['detected_at']}"
    )
    for ph in data["phases"]:
        gate = "gate" if ph["gated"] else "    "
        print(f"  {ph['number']} {ph['name']:<12} {ph['artifact']:<6} {gate} {ph['state']}")
    for d in data["decisions"]:
        code = store.workflow.phase(d["phase"]).artifact.code
        comment = f": {d['comment']}" if d["comment"] else ""
        print(f"  {d['decided_at']} {code} {d['outcome']} by {d['reviewer']}{comment}")
    for line in summary_lines(milestones):
        print(f"  {line}")
    return 0


def _read_source(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"file {source} does not exist") from None
    except UnicodeDecodeError:
        raise UsageError(f"file {source} is not UTF-8 text") from None
    except OSError as exc:
        raise UsageError(f"cannot read {source}: {exc.strerror}") from None


def _edit(text: str) -> str:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    with tempfile.NamedTemporaryFile("w", suffix=".md", delete=False, encoding="utf-8") as tmp:
        tmp.write(text)
    try:
        result = subprocess.run([*editor.split(), tmp.name], check=False)
        if result.returncode != 0:
            raise UsageError(f"{editor} exited with status {result.returncode}; nothing saved")
        return Path(tmp.name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"editor {editor!r} not found; set EDITOR") from None
    finally:
        os.unlink(tmp.name)


def cmd_artifact(store: Store, args: argparse.Namespace) -> int:
    store.incident(args.id)
    phase = _phase(store, args.phase)
    code = store.workflow.phase(phase).artifact.code
    if not args.source and not args.edit:
        sys.stdout.write(store.artifact_text(args.id, phase))
        return 0
    refusal = store.machine(args.id).edit_refusal(phase)
    if refusal:
        raise UsageError(refusal)
    latest = store.latest_artifact(args.id, phase)
    base = latest.version if latest else 0
    body = _read_source(args.source) if args.source else _edit(store.artifact_text(args.id, phase))
    who = actor(args.settings)
    result = store.save_artifact(args.id, phase, body, actor=who, base_version=base)
    cli_actions.sync_saved(store, args.id, code, who)
    if not result.created:
        print(f"{code} unchanged (v{result.version.version})", file=sys.stderr)
    elif result.conflict:
        print(
            f"{code} saved as v{result.version.version}, but someone saved a newer version "
            "while you edited: both are kept",
            file=sys.stderr,
        )
    else:
        print(f"{code} saved as v{result.version.version}", file=sys.stderr)
    return 0


def cmd_gate(store: Store, args: argparse.Namespace) -> int:
    phase = _phase(store, args.phase)
    verdict = Verdict.APPROVE if args.approve else Verdict.SEND_BACK
    transition = store.decide(
        args.id,
        phase,
        verdict,
        reviewer=args.reviewer,
        criteria_ticked=args.criterion,
        comment=args.comment,
    )
    print(transition.summary)
    return 0


def cmd_complete(store: Store, args: argparse.Namespace) -> int:
    print(store.complete(args.id, _phase(store, args.phase), actor=actor(args.settings)).summary)
    return 0


def cmd_milestone(store: Store, args: argparse.Namespace) -> int:
    book, kind = Milestones(store), args.kind
    if args.clear:
        if not book.clear(args.id, kind, actor=actor(args.settings)):
            print(f"{kind} was not set; nothing to clear", file=sys.stderr)
    elif args.event is not None:
        book.set_from_event(args.id, kind, args.event, actor=actor(args.settings))
        skew = clock_skew(store.event(args.event))
        if skew is not None:
            print(f"note: entry #{args.event} was {describe_skew(skew)}", file=sys.stderr)
    else:
        book.set_at(args.id, kind, args.at or store.clock.now(), actor=actor(args.settings))
    for line in summary_lines(book.all(args.id)):
        print(line)
    return 0


def cmd_note(store: Store, args: argparse.Namespace) -> int:
    event = store.add_event(args.id, EventKind.NOTE, args.text, actor=actor(args.settings))
    print(f"noted at {iso(event.occurred_at)}")
    return 0


def cmd_export(store: Store, args: argparse.Namespace) -> int:
    from warroom.export.bundle import export_bundle, redact_bundle
    from warroom.export.postmortem import export_postmortem, record_document_path
    from warroom.export.redact import compile_patterns, describe

    store.incident(args.id)
    suffix = args.output.suffix.lower() if args.output else ""
    fmt = args.format or {".html": "html", ".htm": "html", ".json": "json"}.get(suffix, "markdown")
    try:
        patterns = compile_patterns([*args.settings.export.redact_patterns, *args.redact_pattern])
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.output is not None:
        try:  # before INC-6 names the file: a path that cannot be written is never recorded
            with args.output.open("a", encoding="utf-8"):
                pass
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror}") from None
        if fmt != "json":
            path = str(args.output.expanduser().absolute())
            recorded = record_document_path(store, args.id, path, actor=actor(args.settings))
            print(recorded, file=sys.stderr)
    if fmt == "json":
        bundle, counts = export_bundle(store, args.id), None
        if not args.no_redact:
            bundle, counts = redact_bundle(bundle, patterns)
        document = json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
    else:
        document, counts = export_postmortem(
            store, args.id, fmt=fmt, redact_secrets=not args.no_redact, extra_patterns=patterns
        )
    if args.output is None:
        sys.stdout.write(document)
    else:
        try:
            args.output.write_text(document, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror}") from None
        print(f"wrote {args.output} ({fmt})", file=sys.stderr)
    print(describe(counts) if not args.no_redact else "not redacted (--no-redact)", file=sys.stderr)
    return 0


def cmd_import(store: Store, args: argparse.Namespace) -> int:
    from warroom.export.bundle import import_bundle

    text = _read_source(args.file)
    try:
        bundle = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise UsageError(
            f"{'stdin' if args.file == '-' else args.file} is not JSON ({exc}); "
            "give a bundle from `warroom export ID --format json`"
        ) from None
    incident = store.incident(import_bundle(store, bundle))
    print(incident.id)
    print(f"imported {incident.ref} {incident.title} (uid {incident.uid})", file=sys.stderr)
    return 0


def cmd_parse(args: argparse.Namespace) -> int:
    from warroom.timeline.parse import write_parse_json

    try:
        write_parse_json(args.file, sys.stdout, year=args.year)
    except FileNotFoundError:
        raise UsageError(f"file {args.file} does not exist") from None
    except IsADirectoryError:
        raise UsageError(f"{args.file} is a directory; give a log file") from None
    except OSError as exc:
        raise UsageError(f"cannot read {args.file}: {exc.strerror}") from None
    return 0


def _run_app(store: Store, args: argparse.Namespace, incident_id: int | None) -> int:
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise UsageError(
            "the war room needs a terminal; for scripts use the subcommands (warroom --help)"
        )
    from warroom.ui.app import WarroomApp

    WarroomApp(store, actor=actor(args.settings), incident_id=incident_id,
               settings=args.settings, keymap=args.keymap).run()
    return 0


def cmd_open(store: Store, args: argparse.Namespace) -> int:
    store.incident(args.id)
    for spec in args.log:
        kind = "glob" if any(ch in spec for ch in "*?[") else "file"
        path = spec if kind == "glob" else str(Path(spec).expanduser().absolute())
        store.add_log_source(args.id, kind, path)
    for command in args.cmd:
        store.add_log_source(args.id, "cmd", command)
    return _run_app(store, args, args.id)


def cmd_demo(store: Store, args: argparse.Namespace) -> int:
    from warroom.demo import DemoWriter, create_demo_incident

    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise UsageError("the demo needs a terminal; run it in a terminal window")
    incident_id = create_demo_incident(store, actor=actor(args.settings))
    writer = DemoWriter(speed=args.speed).start()
    try:
        for path in writer.paths.values():
            store.add_log_source(incident_id, "file", str(path))
        return _run_app(store, args, incident_id)
    finally:
        writer.stop()


COMMANDS: dict[str, Callable[[Store, argparse.Namespace], int]] = {
    "new": cmd_new,
    "list": cmd_list,
    "status": cmd_status,
    "artifact": cmd_artifact,
    "gate": cmd_gate,
    "complete": cmd_complete,
    "milestone": cmd_milestone,
    "note": cmd_note,
    "export": cmd_export,
    "import": cmd_import,
    "actions": cli_actions.cmd_actions,
    "open": cmd_open,
    "demo": cmd_demo,
}


def _db_path(args: argparse.Namespace) -> Path | None:
    """--db, else WARROOM_DB, else the config's database; None is the user data dir."""
    if args.db is not None or os.environ.get("WARROOM_DB"):
        return args.db
    return args.settings.database_path


def cmd_tail(args: argparse.Namespace) -> int:
    if args.incident is None:
        return run_tail(args, args.settings)
    with Store.open(_db_path(args), shared=args.shared) as store:
        store.incident(args.incident)
        return run_tail(args, args.settings, store=store, actor=actor(args.settings))


def run(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "parse":
        return cmd_parse(args)
    if args.command == "config":
        return cli_config.cmd_config(args)
    args.settings = load_settings()
    if args.command == "tail":
        return cmd_tail(args)
    if args.command in (None, "open", "demo"):  # refused before anything is created
        args.keymap = checked_keymap(args.settings)
    with Store.open(_db_path(args), shared=args.shared) as store:
        if args.command is None:
            return _run_app(store, args, None)
        return COMMANDS[args.command](store, args)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run, and turn every expected failure into one line and status 2."""
    try:
        return run(argv)
    except (UsageError, TailUsageError, ConfigError, StoreError, TransitionError,
            WorkflowError) as exc:
        print(f"warroom: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # `warroom parse big.log | head`: not an error
        return 0
    except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
        if os.environ.get("WARROOM_DEBUG"):
            raise
        print(
            f"warroom: internal error: {type(exc).__name__}: {exc} "
            "(set WARROOM_DEBUG=1 to see the traceback, and please report it)",
            file=sys.stderr,
        )
        return 1
