"""The war room's gate flow: submit, decide or complete, versions to restore.

A mixin of WarRoomScreen. Every decision goes through the store and the core
state machine; this only opens dialogs and moves the screen on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from warroom.core.state import TransitionError
from warroom.store.db import StoreError
from warroom.ui.widgets.editor import ArtifactEditor

if TYPE_CHECKING:
    from warroom.ui.screens.main import GateRequest, WarRoomScreen

    _Base = WarRoomScreen
else:
    _Base = object


class GateActions(_Base):
    """Open the gate or the completion dialog, and the version history."""

    def action_gate(self) -> None:
        """Open the gate (gated phases) or the completion dialog (phases 3 and 6)."""
        from warroom.ui.screens.gate import CompleteDialog, GateDialog

        store = self.wapp.store
        if not self.ensure_saved("opening the gate"):
            return
        machine = store.machine(self.incident_id)
        refusal = machine.edit_refusal(self.phase)
        if refusal:
            self.notify(refusal, severity="warning")
            return
        spec = self.spec
        text = store.artifact_text(self.incident_id, self.phase)
        if not spec.gated:
            self.app.push_screen(CompleteDialog(spec, text, self._complete), self._after_gate)
            return
        # Opening the gate records nothing: the decision submits and decides in one
        # transaction (Store.decide), so a look and a cancel leave the phase as it was.
        self.app.push_screen(
            GateDialog(spec, text, self.gate_results(text), self.wapp.actor, self._decide,
                       changes=store.changes_since_approval(self.incident_id, self.phase)),
            self._after_gate,
        )

    def _decide(self, request: GateRequest) -> str | None:
        try:
            self.wapp.store.decide(
                self.incident_id,
                self.phase,
                request.verdict,
                reviewer=request.reviewer,
                criteria_ticked=request.ticked,
                comment=request.comment,
                overrides=request.overrides,
            )
        except (TransitionError, StoreError) as exc:
            return str(exc)
        return None

    def _complete(self) -> str | None:
        try:
            self.wapp.store.complete(self.incident_id, self.phase, actor=self.wapp.actor)
        except (TransitionError, StoreError) as exc:
            return str(exc)
        return None

    def _after_gate(self, decided: bool | None) -> None:
        """After a decision: move on if the phase passed, else show the send-back."""
        store = self.wapp.store
        state = store.machine(self.incident_id).state(self.phase)
        self.refresh_header()
        if decided and state.passed and self.phase < len(store.workflow.phases):
            self.notify(f"{self.spec.artifact.code} {state.label}.", timeout=4)
            self.open_phase(self.phase + 1, focus=True)
        else:
            self.open_phase(self.phase, focus=True)
        # The screen gives focus back to what had it before the dialog (the logs, maybe)
        # once it resumes, after this callback: land in the editor after that.
        self.call_after_refresh(self.action_focus_editor)

    def action_history(self) -> None:
        from warroom.ui.screens.history import VersionHistory

        store = self.wapp.store
        if not self.ensure_saved("opening the history"):
            return
        versions = store.artifact_versions(self.incident_id, self.phase)
        refusal = store.machine(self.incident_id).edit_refusal(self.phase)
        editor = self.query_one(ArtifactEditor)

        def restore(text: str | None) -> None:
            if text is not None and text != editor.text:
                editor.replace_text(text)
                editor.request_save()

        self.app.push_screen(VersionHistory(self.spec, versions, editor.text, refusal), restore)
