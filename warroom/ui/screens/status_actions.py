"""The incident's lifecycle from the war room: Ongoing, Mitigated, Resolved, Closed.

A mixin of WarRoomScreen. The status is decided here (or by `warroom resolve` /
`close`); an artifact's Status section only proposes, and a difference is shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from textual.app import SystemCommand

from warroom.core.milestones import MilestoneKind
from warroom.core.models import Status
from warroom.core.state import TransitionError
from warroom.store.db import StoreError
from warroom.store.milestones import Milestones
from warroom.ui.screens.prompt import PromptDialog

if TYPE_CHECKING:
    from warroom.ui.screens.main import WarRoomScreen

    _Base = WarRoomScreen
else:
    _Base = object


def parse_status(text: str) -> tuple[Status, str] | None:
    """ "resolved", "closed duplicate of #4": the status, and the rest as the reason."""
    word, _, reason = text.strip().partition(" ")
    for status in Status:
        if status.value.lower().startswith(word.lower()) and word:
            return status, reason.strip()
    return None


class StatusActions(_Base):
    """Set the status by hand; the header's stopped clock and the INC-1 mismatch."""

    def resolved_at(self) -> datetime | None:
        """When the incident was resolved (the milestone), once its status says so."""
        if not self.wapp.store.incident(self.incident_id).status.ended:
            return None
        found = Milestones(self.wapp.store).get(self.incident_id, MilestoneKind.RESOLVED)
        return found.at if found else None

    def action_set_status(self, preset: str = "") -> None:
        """Ask for the status (and a reason to close before INC-6 is complete), then set it."""

        def check(text: str) -> str | None:
            if parse_status(text) is None:
                return "one of: ongoing, mitigated, resolved, closed (then a reason, if any)"
            return None

        def chosen(text: str | None) -> None:
            parsed = parse_status(text or "")
            if parsed is None:
                return
            status, reason = parsed
            try:
                self.wapp.store.set_status(
                    self.incident_id, status, actor=self.wapp.actor, reason=reason
                )
            except (TransitionError, StoreError) as exc:
                self.notify(str(exc), severity="warning", timeout=10)
                return
            self.refresh_header()
            self.notify(f"Status: {status.value}.", timeout=4)

        current = self.wapp.store.incident(self.incident_id).status.value
        self.app.push_screen(
            PromptDialog(
                f"Incident status (now {current}): ongoing, mitigated, resolved, or "
                "closed [reason]",
                placeholder="resolved",
                value=preset,
                validate=check,
            ),
            chosen,
        )

    def status_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Set status", "Ongoing, Mitigated, Resolved or Closed (alt+s)",
            self.action_set_status,
        )
        yield SystemCommand(
            "Resolve incident", "Status Resolved: the clocks stop",
            lambda: self.action_set_status("resolved"),
        )
        yield SystemCommand(
            "Close incident", "Status Closed (INC-6 complete, or give a reason)",
            lambda: self.action_set_status("closed "),
        )
