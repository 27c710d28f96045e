"""The post-mortem document as Markdown: what a team would otherwise retype into a wiki.

Built from the store alone so the CLI, the UI and scripts produce the same file:
summary and metadata, every artifact in workflow order (the approved version,
with drafts and amendments flagged), the incident timeline with its sources,
the gate decision log, the action items and the audit log. Redaction and HTML
are separate steps (`export_postmortem`) so they apply to the whole document.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, tzinfo

from warroom.core.commands import duration_text, status_text, took
from warroom.core.markdown import clean_text, get_section, replace_section
from warroom.core.milestones import clock_skew, describe_skew
from warroom.core.models import (
    ArtifactVersion,
    EventKind,
    PhaseView,
    StoredDecision,
    TimelineEvent,
)
from warroom.core.state import PhaseState, Verdict
from warroom.core.workflow import PhaseSpec
from warroom.export.html import markdown_to_html
from warroom.export.inert import inert_markdown
from warroom.export.metadata import metadata_lines
from warroom.export.redact import Rule, redact
from warroom.export.when import in_zone, when, zone
from warroom.store.store import Store
from warroom.timeline.sanitize import strip_controls
from warroom.timeline.zones import zone_name

FORMATS = ("markdown", "html")
AUDIENCES = ("internal", "public")
# "[INC-1]: Triage Assessment" -> "Triage Assessment" for a document published as it is.
_CODE_PREFIX = re.compile(r"\[INC-\d+\]:\s*")


def _fence(text: str, info: str = "") -> list[str]:
    """A fenced block longer than any backtick run inside: log text cannot close it early."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + info, *text.splitlines(), fence]


def _code_span(text: str) -> str:
    """Inline code for one line of untrusted text (log lines are shown literally)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _cell(text: str | None) -> str:
    """A table cell: one line, pipes escaped."""
    return " ".join((text or "").split()).replace("\\", "\\\\").replace("|", "\\|") or "–"


def _indent(lines: Iterable[str], by: str = "  ") -> list[str]:
    return [by + line if line else line for line in lines]


def _demote(markdown: str) -> str:
    """Push an artifact's headings down a level so they nest under its section (not in code)."""
    out, fence = [], ""
    for line in markdown.splitlines():
        stripped = line.lstrip()
        opener = re.match(r"(`{3,}|~{3,})", stripped)
        if opener and (not fence or stripped.startswith(fence)):
            fence = "" if fence else opener.group(1)
        out.append("#" + line if line.startswith("#") and not fence else line)
    return "\n".join(out).strip()


def _approving(decisions: list[StoredDecision], phase: int) -> StoredDecision | None:
    """The last approving decision of a phase: its version is "the approved version"."""
    approvals = [d for d in decisions if d.phase == phase and d.verdict == Verdict.APPROVE]
    return approvals[-1] if approvals else None


def _completed_version(versions: list[ArtifactVersion]) -> int | None:
    """An ungated phase's completed version: the one before the first edit after completion."""
    first_after = next((v.version for v in versions if v.after_approval), None)
    return None if first_after is None else first_after - 1 or None


def _flag(
    spec: PhaseSpec,
    view: PhaseView,
    versions: list[ArtifactVersion],
    approval: StoredDecision | None,
) -> tuple[str, ArtifactVersion | None]:
    """The line saying what is shown (approved, draft, amended) and the older version to diff."""
    latest = versions[-1]
    by_number = {v.version: v for v in versions}
    state = "" if view.state.passed else f"; now {view.state.label}"
    if spec.gated:
        approved = approval.artifact_version if approval else None
        if approval is None:
            return f"**Draft, not approved:** v{latest.version} ({view.state.label}).", None
        who = f"by {approval.reviewer} at {when(approval.decided_at)}"
        if approved is None or approved >= latest.version:
            return f"**Approved:** v{latest.version}, {who}{state}.", None
        return (
            f"**Amended after approval, needs re-review: v{latest.version} shown, "
            f"approved v{approved}** "
            f"({who}{state}).",
            by_number.get(approved),
        )
    if view.state is PhaseState.COMPLETED:
        return f"**Completed:** v{latest.version}.", None
    done = _completed_version(versions)
    if view.state is PhaseState.AMENDED and done:
        return (
            f"**Amended after completion: v{latest.version} shown, completed v{done}**.",
            by_number.get(done),
        )
    return f"**Draft, not completed:** v{latest.version} ({view.state.label}).", None


def _artifact(
    store: Store, incident_id: int, view: PhaseView, decisions: list[StoredDecision],
    amended: tuple[str, ...] = (), *, public: bool = False,
):
    """One artifact's section: flag line, history notes, its text, changes since approval.

    For the public the text alone: versions, conflicts and diffs are the internal record.
    """
    spec = store.workflow.phase(view.number)
    lines = ["", f"## {spec.artifact.label}", ""]
    versions = store.artifact_versions(incident_id, view.number)
    if not versions:
        return [*lines, f"_Not written ({view.state.label})._"]
    latest = versions[-1]
    if public:
        body = latest.body.strip()
        title = f"# {spec.artifact.label}"
        return [*lines, _demote(body[len(title):].strip() if body.startswith(title) else body)]
    flag, older = _flag(spec, view, versions, _approving(decisions, view.number))
    lines += [f"> {flag} Saved {when(latest.saved_at)} by {latest.author}; "
              f"{len(versions)} version{'s' if len(versions) != 1 else ''} kept."]
    if amended and view.state.passed:
        lines += [">", f"> **An input changed:** {', '.join(amended)} amended after approval "
                  "(needs re-review); this phase passed on the earlier version."]
    conflicts = [f"v{v.version}" for v in versions if v.conflict]
    if conflicts:
        lines += [">", f"> Saved in conflict (on top of an older version, both kept): "
                  f"{', '.join(conflicts)}."]
    body = latest.body.strip()
    title = f"# {spec.artifact.label}"
    if body.startswith(title):
        body = body[len(title) :].strip()
    lines += ["", _demote(body)]
    if older is not None:
        diff = difflib.unified_diff(
            older.body.splitlines(), latest.body.splitlines(),
            f"v{older.version}", f"v{latest.version}", lineterm="", n=1,
        )
        lines += ["", f"**Changes since v{older.version}:**", "", *_fence("\n".join(diff), "diff")]
    return lines


def _summary(store: Store, incident_id: int) -> str:
    """INC-5's Incident Summary, if someone wrote it."""
    for spec in store.workflow.phases:
        if spec.artifact.code == "INC-5":
            latest = store.latest_artifact(incident_id, spec.number)
            text = clean_text(get_section(latest.body, "Incident Summary") or "") if latest else ""
            if text:
                return text
    return "_No summary yet: the Incident Summary of the post-mortem (INC-5) is not written._"


def _timeline(store: Store, incident_id: int) -> list[str]:
    """Notes, pinned lines and commands run, in time order, with where each came from."""
    lines = ["", "## Incident timeline", ""]
    events = [e for e in store.events(incident_id) if e.kind is not EventKind.SYSTEM]
    if not events:
        return [*lines, "_No notes, pinned lines or recorded commands._"]
    for event in events:
        text = event.text.rstrip("\n")
        if event.kind is EventKind.PIN:
            where = event.source or "unknown source"
            where += f":{event.position}" if event.position else ""
            level = f" [{event.level}]" if event.level else ""
            head = (f"- {when(event.occurred_at)}{level} — from {_code_span(where)}, "
                    f"pinned by {event.author}")
            skew = clock_skew(event)
            if skew is not None:
                head += f" (read at {when(event.recorded_at)}: {describe_skew(skew)})"
            body = [_code_span(text)] if "\n" not in text else _fence(text)
            lines += [head, "", *_indent(body), ""]
        elif event.kind is EventKind.ACTION:
            lines += _action(event)
        else:
            first, *rest = text.splitlines() or [""]
            lines += [f"- {when(event.occurred_at)} — {first} (note by {event.author})",
                      *_indent(rest)]
    return lines


OUTPUT_LINES = 10  # of each stream's end, in the document; the bundle carries all that was kept


def _action(event: TimelineEvent) -> list[str]:
    """A recorded command: when, what, where, by whom, its status, and its output's last lines."""
    detail = event.action
    where = f" on {detail.host} in {_code_span(detail.cwd)}" if detail else ""
    duration = took(event)
    after = f" after {duration_text(duration.total_seconds())}" if duration is not None else ""
    lines = [f"- {when(event.occurred_at)} — ran {_code_span(' '.join(event.text.split()))} "
             f"— **{status_text(event.exit_status)}**{after}{where}, by {event.author}", ""]
    for name, stream in (("output", detail.stdout if detail else None),
                         ("errors", detail.stderr if detail else None)):
        if stream is None or not stream.text.strip():
            continue
        shown = stream.text.rstrip("\n").splitlines()
        label = f"{name}, last {OUTPUT_LINES} lines" if len(shown) > OUTPUT_LINES else name
        lines += _indent([f"{label.capitalize()}:", "", *_fence("\n".join(
            shown[-OUTPUT_LINES:]))]) + [""]
    if detail is not None and not detail.captured:
        lines += _indent(["(output not captured: recorded from a shell)"]) + [""]
    return lines


def _decisions(
    store: Store, decisions: list[StoredDecision], *, public: bool = False
) -> list[str]:
    """Every gate decision: who, when, outcome, criteria met, automatic results, comment.

    A criterion is ticked when the reviewer ticked it or its automatic check passed.
    """
    lines = ["", "## Gate decisions", ""]
    if not decisions:
        return [*lines, "_No decisions yet._"]
    for d in decisions:
        spec = store.workflow.phase(d.phase)
        version = f" v{d.artifact_version}" if d.artifact_version and not public else ""
        lines.append(
            f"- {when(d.decided_at)} — {spec.artifact.code}{version} **{d.outcome}** "
            f"by {d.reviewer}"
        )
        for n, criterion in enumerate(spec.gate.criteria if spec.gate else (), start=1):
            auto = {True: "passed", False: "failed", None: "reviewer's call"}[d.checks.get(n)]
            tick = "x" if n in d.criteria_ticked or d.checks.get(n) is True else " "
            text = " ".join(criterion.text.split())
            lines.append(f"  - [{tick}] {n}. {text} — automatic: {auto}")
            if n in d.overrides:
                lines.append(f"    - criterion {n} overridden by {d.reviewer}: "
                             f"{' '.join(d.overrides[n].split())}")
        if d.comment:
            first, *rest = d.comment.splitlines()
            lines += [f"  - Comment: {first}", *_indent(rest, "    ")]
    return lines


def _action_items(store: Store, incident_id: int) -> list[str]:
    lines = ["", "## Action items", ""]
    items = store.action_items(incident_id)
    if not items:
        return [*lines, "_No rows in the action item tracker (see INC-6 above)._"]
    lines += ["| # | Action | Owner | Priority | Horizon | Status | Due | From |",
              "|---|---|---|---|---|---|---|---|"]
    for n, item in enumerate(items, start=1):
        cells = [item.title, item.owner, item.priority, item.horizon, item.status, item.due,
                 getattr(item, "origin", None)]
        lines.append(f"| {n} | " + " | ".join(_cell(c) for c in cells) + " |")
    return lines


def _audit(store: Store, incident_id: int) -> list[str]:
    lines = ["", "## Audit log", ""]
    for event in store.events(incident_id, include_removed=True):
        if event.kind is EventKind.SYSTEM:
            lines.append(f"- {when(event.occurred_at)} — {' '.join(event.text.split())} "
                         f"({event.author})")
    return lines


def render_postmortem(
    store: Store, incident_id: int, display: tzinfo = UTC, *, audience: str = "internal"
) -> str:
    """The whole incident as one Markdown document (not redacted: see export_postmortem),
    its times in the display zone, which it states.

    `internal` keeps the whole record; `public` leaves out what only the team needs
    (the audit log, versions, the incident's UUID, the [INC-n]: prefixes), so the
    document can be published as it is.
    """
    if audience not in AUDIENCES:
        raise ValueError(f"audience {audience!r} is not one of {', '.join(AUDIENCES)}")
    with in_zone(display):
        return _render(store, incident_id, public=audience == "public")


def _render(store: Store, incident_id: int, *, public: bool = False) -> str:
    incident = store.incident(incident_id)
    phases = store.phases(incident_id)
    decisions = store.decisions(incident_id)
    severity = incident.severity.value if incident.severity else "not assessed"
    lines = [f"# Post-mortem: {incident.title} ({incident.ref})", "", _summary(store, incident_id),
             "", "## Overview", "",
             f"- **Severity:** {severity}",
             f"- **Status:** {incident.status.value}",
             f"- **Detected:** {when(incident.detected_at)}",
             *metadata_lines(store, incident_id),
             f"- **Exported:** {when(store.clock.now())}"
             + ("" if public else f" (incident {incident.uid})"),
             f"- **Times are in:** {zone_name(zone())}"]
    roles = store.roles(incident_id)
    if roles:
        lines.append("- **Roles:** " + ", ".join(f"{r.role}: {r.person}" for r in roles))
    lines += ["", "## Phases", ""]
    for view in phases:
        lines.append(f"- Phase {view.number} {view.name} ({view.code}): {view.state.label}")
    for view in phases:
        amended = tuple(p.code for p in phases
                        if p.number < view.number and p.state is PhaseState.AMENDED and p.gated)
        lines += _artifact(store, incident_id, view, decisions, amended, public=public)
    lines += _timeline(store, incident_id)
    lines += _decisions(store, decisions, public=public)
    lines += _action_items(store, incident_id)
    if not public:
        lines += _audit(store, incident_id)
    document = "\n".join(lines).rstrip() + "\n"
    return _CODE_PREFIX.sub("", document) if public else document


def render_html(store: Store, incident_id: int, display: tzinfo = UTC) -> str:
    """The document as a standalone HTML page (not redacted: see export_postmortem)."""
    incident = store.incident(incident_id)
    return markdown_to_html(
        render_postmortem(store, incident_id, display), title=f"Post-mortem: {incident.title}"
    )


def export_postmortem(
    store: Store,
    incident_id: int,
    *,
    fmt: str = "markdown",
    redact_secrets: bool = True,
    extra_patterns: Iterable[str | Rule] = (),
    display: tzinfo = UTC,
    audience: str = "internal",
) -> tuple[str, Counter[str]]:
    """The document as it leaves the machine: inert, redacted (by default), Markdown or HTML.

    Control characters go first, so none can split a secret's shape; redaction
    runs on the Markdown, before escaping could hide a secret's shape; then the
    Markdown loses raw HTML and unsafe links, so the file is inert wherever it
    is rendered (the HTML export escapes on its own as well).
    """
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    incident = store.incident(incident_id)
    document = strip_controls(render_postmortem(store, incident_id, display, audience=audience))
    counts: Counter[str] = Counter()
    if redact_secrets:
        document, counts = redact(document, extra_patterns)
    document = inert_markdown(document)
    if fmt == "html":
        title = strip_controls(f"Post-mortem: {incident.title}")
        if redact_secrets:
            title = redact(title, extra_patterns)[0]  # counted already: the title is in the text
        document = markdown_to_html(document, title=title)
    return document, counts


def record_document_path(store: Store, incident_id: int, path: str, *, actor: str) -> str:
    """Write where the document went into INC-6's "Post-Mortem Document" (a new version).

    Returns a line for stderr saying what happened; a locked INC-6 is left alone.
    """
    phase = next((p for p in store.workflow.phases if p.artifact.code == "INC-6"), None)
    if phase is None:
        return f"workflow {store.workflow.name!r} has no INC-6: the document's path is not recorded"
    code = phase.artifact.code
    refusal = store.machine(incident_id).edit_refusal(phase.number)
    if refusal:
        return (f"note: {refusal}, so this document's path is not written into its "
                "Post-Mortem Document section yet; export again once it is open")
    latest = store.latest_artifact(incident_id, phase.number)
    text = latest.body if latest else store.workflow.template(phase.number)
    result = store.save_artifact(
        incident_id, phase.number, replace_section(text, "Post-Mortem Document", path),
        actor=actor, base_version=latest.version if latest else 0,
    )
    if not result.created:
        return f"{code} already names {path} as the post-mortem document"
    return f"{code} v{result.version.version} names {path} as the post-mortem document"
