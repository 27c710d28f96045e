"""The post-mortem document as Markdown: every artifact in order, the timeline, the decisions.

Built from the store alone so the CLI, the UI and scripts produce the same file.
"""

from __future__ import annotations

from warroom.clock import iso
from warroom.core.state import PhaseState
from warroom.store.store import Store


def _demote(markdown: str) -> str:
    """Push an artifact's headings one level down so it nests under its section."""
    out = []
    for line in markdown.splitlines():
        out.append("#" + line if line.startswith("#") else line)
    return "\n".join(out).strip()


def render_postmortem(store: Store, incident_id: int) -> str:
    """The whole incident as one Markdown document."""
    incident = store.incident(incident_id)
    phases = store.phases(incident_id)
    now = store.clock.now()
    lines = [
        f"# Post-mortem: {incident.title} ({incident.ref})",
        "",
        f"- **Severity:** {incident.severity.value if incident.severity else 'not assessed'}",
        f"- **Status:** {incident.status.value}",
        f"- **Detected:** {iso(incident.detected_at)}",
        f"- **Exported:** {iso(now)}",
    ]
    roles = store.roles(incident_id)
    if roles:
        lines.append("- **Roles:** " + ", ".join(f"{r.role}: {r.person}" for r in roles))
    lines += ["", "## Phases", ""]
    for view in phases:
        lines.append(f"- Phase {view.number} {view.name} ({view.code}): {view.state.label}")
    for view in phases:
        spec = store.workflow.phase(view.number)
        latest = store.latest_artifact(incident_id, view.number)
        lines += ["", f"## {spec.artifact.label}", ""]
        if latest is None:
            lines.append("_Not written._")
            continue
        flag = {
            PhaseState.APPROVED: "approved",
            PhaseState.COMPLETED: "completed",
            PhaseState.AMENDED: "amended after approval",
        }.get(view.state, f"draft ({view.state.label})")
        lines += [
            f"_Version {latest.version}, {flag}, saved {iso(latest.saved_at)} by {latest.author}._",
            "",
        ]
        body = latest.body.strip()
        title = f"# {spec.artifact.label}"
        if body.startswith(title):
            body = body[len(title) :].strip()
        lines.append(_demote(body))
    lines += ["", "## Incident timeline", ""]
    events = store.events(incident_id)
    if not events:
        lines.append("_No events._")
    for event in events:
        source = f" — {event.source}" + (f":{event.position}" if event.position else "")
        lines.append(
            f"- {iso(event.occurred_at)} — {event.text}"
            + (source if event.source else "")
            + f" ({event.kind.value}, {event.author})"
        )
    lines += ["", "## Gate decisions", ""]
    decisions = store.decisions(incident_id)
    if not decisions:
        lines.append("_No decisions yet._")
    for d in decisions:
        code = store.workflow.phase(d.phase).artifact.code
        ticked = ", ".join(str(n) for n in d.criteria_ticked) or "none"
        version = f" on v{d.artifact_version}" if d.artifact_version else ""
        comment = f": {d.comment}" if d.comment else ""
        lines.append(
            f"- {iso(d.decided_at)} — {code}{version} **{d.outcome}** by {d.reviewer} "
            f"(criteria ticked: {ticked}){comment}"
        )
    return "\n".join(lines).rstrip() + "\n"
