"""The post-mortem's milestone and metric lines, read through the store's milestones.

Kept apart from the document layout so the numbers come from one place
(warroom.core.milestones): the header, `warroom status` and the post-mortem
agree on what "time to mitigate" means.
"""

from __future__ import annotations

from warroom.core.milestones import MilestoneKind, compact, metrics, order_problems
from warroom.export.when import when
from warroom.store.milestones import Milestones
from warroom.store.store import Store


def metadata_lines(store: Store, incident_id: int) -> list[str]:
    """Markdown list lines: duration, milestones with provenance, metrics, order problems."""
    milestones = Milestones(store).all(incident_id)
    at = {m.kind: m.at for m in milestones}
    start = MilestoneKind.STARTED if MilestoneKind.STARTED in at else MilestoneKind.DETECTED
    lines = []
    if MilestoneKind.RESOLVED in at and start in at:
        span = compact(at[MilestoneKind.RESOLVED] - at[start])
        lines.append(f"- **Duration:** {span} ({start} to resolved)")
    elif start in at and Milestones(store).live(incident_id):
        span = compact(store.clock.now() - at[start])
        lines.append(f"- **Duration:** not resolved; {span} since {start} at export")
    elif start in at:  # written up after the fact: the time since says nothing
        lines.append("- **Duration:** unknown (no resolved milestone)")
    if milestones:
        lines.append("- **Milestones:**")
        lines += [f"  - {m.kind}: {when(m.at)} ({m.provenance()})" for m in milestones]
    known = metrics(milestones).known()
    if known:
        lines.append("- **Metrics:**")
        lines += [
            f"  - {m.title} ({m.label}): {compact(m.value)} ({m.start} to {m.end})" for m in known
        ]
    lines += [f"- **Out of order:** {problem}" for problem in order_problems(milestones)]
    proposed = Milestones(store).proposals(incident_id)
    if proposed:
        lines.append("- **Proposed, not confirmed** (from the artifacts' own times):")
        lines += [f"  - {p.kind}: {when(p.at)} ({p.source})" for p in proposed]
    return lines
