"""Artifacts and gates: print or save an artifact (a file, stdin, $EDITOR), decide, complete."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from warroom.cli.actions import sync_saved
from warroom.cli.common import (
    Subparsers,
    UsageError,
    actor,
    add_json_flag,
    incident_id,
    phase_number,
    print_json,
    read_source,
)
from warroom.clock import iso
from warroom.timeline.sanitize import sanitize, strip_controls

if TYPE_CHECKING:
    from warroom.store.store import Store


def add_parsers(sub: Subparsers) -> None:
    p = sub.add_parser("artifact", help="print an artifact, or save a new version of it")
    p.set_defaults(run=cmd_artifact)
    p.add_argument("id", type=incident_id)
    p.add_argument("phase", help="artifact code (INC-1), phase number or name")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--from", dest="source", help="save FILE (or - for stdin) as a new version")
    group.add_argument("--edit", action="store_true", help="edit in $EDITOR, save on exit")
    add_json_flag(p)

    p = sub.add_parser("gate", help="decide a gate: approve or send back")
    p.set_defaults(run=cmd_gate)
    p.add_argument("id", type=incident_id)
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
        type=_criterion,
        action="append",
        default=[],
        metavar="N[: REASON]",
        help="a criterion the reviewer ticked (repeatable); one whose automatic check failed "
        "needs the reason it holds anyway: --criterion '2: impact still being measured'",
    )
    add_json_flag(p)

    p = sub.add_parser("complete", help="complete an ungated phase (INC-3, INC-6)")
    p.set_defaults(run=cmd_complete)
    p.add_argument("id", type=incident_id)
    p.add_argument("phase")
    add_json_flag(p)


def _criterion(text: str) -> tuple[int, str]:
    """`N` or `N: reason` (also `N=reason`): a criterion ticked, with the override's reason."""
    number, _, reason = text.replace("=", ":", 1).partition(":")
    if not number.strip().isdigit():
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a criterion number; give N or 'N: reason'"
        )
    return int(number), reason.strip()


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
    phase = phase_number(store, args.phase)
    code = store.workflow.phase(phase).artifact.code
    if not args.source and not args.edit and args.json:
        print_json(_artifact_json(store, args.id, phase))
        return 0
    if not args.source and not args.edit:
        # Imported text may hold escape sequences: printed inert (tab and newline kept).
        sys.stdout.write(strip_controls(store.artifact_text(args.id, phase)))
        return 0
    refusal = store.machine(args.id).edit_refusal(phase)
    if refusal:
        raise UsageError(refusal)
    latest = store.latest_artifact(args.id, phase)
    base = latest.version if latest else 0
    body = read_source(args.source) if args.source else _edit(store.artifact_text(args.id, phase))
    who = actor(args.settings)
    result = store.save_artifact(args.id, phase, body, actor=who, base_version=base)
    sync_saved(store, args.id, code, who)
    if args.json:
        print_json({
            **_artifact_json(store, args.id, phase, with_text=False),
            "created": result.created, "conflict": result.conflict,
        })
        return 0
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
    from warroom.core.state import Verdict

    phase = phase_number(store, args.phase)
    verdict = Verdict.APPROVE if args.approve else Verdict.SEND_BACK
    transition = store.decide(
        args.id,
        phase,
        verdict,
        reviewer=args.reviewer,
        criteria_ticked=[n for n, _ in args.criterion],
        comment=args.comment,
        overrides={n: reason for n, reason in args.criterion if reason},
    )
    if args.json:
        decision = transition.decision
        assert decision is not None  # a gate always records one
        print_json({
            **_phase_json(store, args.id, phase),
            "outcome": decision.outcome, "reviewer": decision.reviewer,
            "decided_at": iso(decision.decided_at),
            "criteria_ticked": list(decision.criteria_ticked), "comment": decision.comment,
            "summary": transition.summary, "phases": _states(store, args.id),
        })
        return 0
    print(sanitize(transition.summary))  # the reviewer's comment is free text
    return 0


def cmd_complete(store: Store, args: argparse.Namespace) -> int:
    phase = phase_number(store, args.phase)
    transition = store.complete(args.id, phase, actor=actor(args.settings))
    if args.json:
        print_json({
            **_phase_json(store, args.id, phase), "summary": transition.summary,
            "phases": _states(store, args.id),
        })
        return 0
    print(sanitize(transition.summary))
    return 0


def _phase_json(store: Store, incident: int, phase: int) -> dict:
    spec = store.workflow.phase(phase)
    return {
        "id": incident, "phase": phase, "phase_name": spec.name, "artifact": spec.artifact.code,
        "state": store.machine(incident).state(phase).value,
    }


def _states(store: Store, incident: int) -> dict[str, str]:
    """Every phase's state after the move, by artifact code: what it unlocked or sent back."""
    return {view.code: view.state.value for view in store.phases(incident)}


def _artifact_json(store: Store, incident: int, phase: int, *, with_text: bool = True) -> dict:
    """The newest version's record (version null: never saved, the text is the template)."""
    latest = store.latest_artifact(incident, phase)
    data = {
        **_phase_json(store, incident, phase),
        "version": latest.version if latest else None,
        "author": latest.author if latest else None,
        "saved_at": iso(latest.saved_at) if latest else None,
        "after_approval": latest.after_approval if latest else False,
        "conflict": latest.conflict if latest else False,
    }
    if with_text:
        data["text"] = latest.body if latest else store.workflow.template(phase)
    return data
