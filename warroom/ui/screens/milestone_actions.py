"""The war room's milestones: set one by hand, and keep the header's metrics current.

A mixin of WarRoomScreen. Setting a milestone from a timeline entry happens in
the incident timeline dialog (warroom.ui.screens.events); both go through
warroom.store.milestones, which logs every change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from warroom.clock import iso, parse_when
from warroom.core.milestones import MilestoneKind, compact, header_metrics, order_problems
from warroom.store.db import StoreError
from warroom.store.milestones import Milestones
from warroom.ui.screens.milestone import MilestoneDialog
from warroom.ui.screens.prompt import PromptDialog

if TYPE_CHECKING:
    from warroom.ui.screens.main import WarRoomScreen

    _Base = WarRoomScreen
else:
    _Base = object

CLEAR_WORDS = ("clear", "-")


class MilestoneActions(_Base):
    """Milestones by hand (time prompt, default now) and the metrics shown in the header."""

    def header_metrics(self) -> tuple[tuple[str, str], ...]:
        """("TTD", "3m"), ... for the header: the metrics resting on a milestone someone set."""
        found = Milestones(self.wapp.store).all(self.incident_id)
        return tuple((m.label, compact(m.value)) for m in header_metrics(found))

    def on_screen_resume(self) -> None:
        """Back from a dialog (a milestone set in the incident timeline, a gate): new metrics."""
        if self._editor is not None:  # resumed before on_mount has run: nothing to refresh yet
            self.refresh_header()

    def action_milestone(self) -> None:
        """Choose a milestone, then its time (default now), or "clear" to forget it."""
        book = Milestones(self.wapp.store)
        current = book.all(self.incident_id)

        def ask_time(kind: MilestoneKind | None) -> None:
            if kind is None:
                return

            def check(text: str) -> str | None:
                if text.lower() in CLEAR_WORDS:
                    return None
                try:
                    parse_when(text)
                except ValueError as exc:
                    return str(exc)
                return None

            self.app.push_screen(
                PromptDialog(
                    f"When was the incident {kind}? (ISO-8601, no zone means UTC)",
                    value=iso(self.wapp.clock.now()),
                    hint="Enter sets it · clear removes it · Esc cancels",
                    validate=check,
                ),
                lambda text: self._set_by_hand(kind, text),
            )

        self.app.push_screen(MilestoneDialog("Set a milestone by hand", current), ask_time)

    def _set_by_hand(self, kind: MilestoneKind, text: str | None) -> None:
        if not text:
            return
        book = Milestones(self.wapp.store)
        try:
            if text.lower() in CLEAR_WORDS:
                cleared = book.clear(self.incident_id, kind, actor=self.wapp.actor)
                self.notify(f"Milestone {kind} cleared." if cleared else f"{kind} was not set.",
                            timeout=4)
            else:
                milestone = book.set_at(
                    self.incident_id, kind, parse_when(text), actor=self.wapp.actor
                )
                self.notify(f"Milestone {kind} set to {iso(milestone.at)}.", timeout=4)
        except StoreError as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return
        self.warn_order()
        self.refresh_header()

    def warn_order(self) -> None:
        """Say so when milestones are out of order (mitigated before detected...)."""
        problems = order_problems(Milestones(self.wapp.store).all(self.incident_id))
        if problems:
            self.notify("; ".join(problems), title="Milestones out of order",
                        severity="warning", timeout=10)
