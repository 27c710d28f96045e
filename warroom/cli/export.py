"""Export (post-mortem as Markdown or HTML, a JSON bundle; secrets redacted) and import."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from warroom.cli.common import Subparsers, UsageError, actor, incident_id, with_display_tz
from warroom.timeline.sanitize import json_safe, sanitize

if TYPE_CHECKING:
    from warroom.store.store import Store


def add_parsers(sub: Subparsers) -> None:
    p = sub.add_parser(
        "export", help="write the post-mortem (Markdown or HTML) or a JSON bundle; secrets redacted"
    )
    p.set_defaults(run=cmd_export)
    p.add_argument("id", type=incident_id)
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
        "--audience", choices=("internal", "public"), default="internal",
        help="internal (default): the whole record; public: without the audit log, versions, "
        "the incident's UUID and [INC-n]: prefixes, to publish as it is",
    )
    p.add_argument(
        "--record", action="store_true",
        help="also write the output file's path into INC-6's Post-Mortem Document (a new "
        "version); without it, export only reads",
    )
    p.add_argument(
        "--redact-pattern",
        action="append",
        default=[],
        metavar="REGEX",
        help="also redact what REGEX matches (its first group, if it has one); repeatable",
    )
    p.add_argument(
        "--tz", metavar="ZONE",
        help="show the document's times in this zone, which it states (default: the config's "
        "display_tz, UTC); a JSON bundle keeps its UTC times",
    )

    p = sub.add_parser("import", help="load a JSON bundle from export; prints the new incident id")
    p.set_defaults(run=cmd_import)
    p.add_argument("file", help="the bundle (- for stdin)")


def cmd_export(store: Store, args: argparse.Namespace) -> int:
    from warroom.export.bundle import export_bundle, redact_bundle
    from warroom.export.files import touch_private, write_private
    from warroom.export.postmortem import export_postmortem, record_document_path
    from warroom.export.redact import compile_patterns, describe
    from warroom.timeline.zones import get_zone

    store.incident(args.id)
    suffix = args.output.suffix.lower() if args.output else ""
    fmt = args.format or {".html": "html", ".htm": "html", ".json": "json"}.get(suffix, "markdown")
    try:
        patterns = compile_patterns([*args.settings.export.redact_patterns, *args.redact_pattern])
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    display = get_zone(with_display_tz(args.settings, args.tz).display_tz)  # checked first
    if args.output is not None:
        try:  # before INC-6 names the file: a path that cannot be written is never recorded
            touch_private(args.output)
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror}") from None
        if fmt != "json" and args.record:
            path = str(args.output.expanduser().absolute())
            recorded = record_document_path(store, args.id, path, actor=actor(args.settings))
            print(recorded, file=sys.stderr)
    if fmt == "json":
        bundle, counts = export_bundle(store, args.id), None
        if not args.no_redact:
            bundle, counts = redact_bundle(bundle, patterns)
        document = json_safe(json.dumps(bundle, indent=2, ensure_ascii=False)) + "\n"
    else:
        document, counts = export_postmortem(
            store, args.id, fmt=fmt, redact_secrets=not args.no_redact, extra_patterns=patterns,
            display=display,
            audience=args.audience,
        )
    if args.output is None:
        sys.stdout.write(document)
    else:
        try:
            write_private(args.output, document)
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror}") from None
        print(f"wrote {sanitize(str(args.output))} ({fmt})", file=sys.stderr)
    print(describe(counts) if not args.no_redact else "not redacted (--no-redact)", file=sys.stderr)
    return 0


def cmd_import(store: Store, args: argparse.Namespace) -> int:
    from warroom.cli.incidents import source_lines
    from warroom.export.bundle import import_bundle, load_bundle
    from warroom.export.bundle_model import MAX_BUNDLE_BYTES

    name = "stdin" if args.file == "-" else args.file
    try:
        if args.file == "-":
            data = sys.stdin.buffer.read(MAX_BUNDLE_BYTES + 1)
        else:
            with open(args.file, "rb") as handle:
                data = handle.read(MAX_BUNDLE_BYTES + 1)
    except FileNotFoundError:
        raise UsageError(f"file {args.file} does not exist") from None
    except OSError as exc:
        raise UsageError(f"cannot read {args.file}: {exc.strerror}") from None
    incident = store.incident(import_bundle(store, load_bundle(data, name)))
    print(incident.id)
    print(f"imported {incident.ref} {sanitize(incident.title)} (uid {sanitize(incident.uid)})",
          file=sys.stderr)
    for line in source_lines(store.log_sources(incident.id), incident.id):
        print(sanitize(line), file=sys.stderr)
    return 0
