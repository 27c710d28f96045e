"""The war room's post-mortem round table: shown beside the editor where a phase has a panel.

A mixin of WarRoomScreen, kept apart so the screen file stays about the phases.
Answers go to the store; hints and answers go into INC-5 through the editor,
as a typed edit would, so autosave, versions and conflicts work as usual.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.app import SystemCommand

from warroom.core.gates import CriterionResult
from warroom.core.hints import insert_item
from warroom.core.panel import PanelRole, latest_answers, load_panel
from warroom.resources import data_dir
from warroom.store import post_mortem
from warroom.store.db import StoreError
from warroom.ui.screens.prompt import PromptDialog
from warroom.ui.widgets.editor import ArtifactEditor
from warroom.ui.widgets.round_table import RoundTable, RoundTableContent

if TYPE_CHECKING:
    from warroom.ui.screens.main import WarRoomScreen

    _Base = WarRoomScreen
else:
    _Base = object


class RoundTableActions(_Base):
    """Show the round table in a panel phase; answer questions; insert hints and answers."""

    def gate_results(self, text: str) -> list[CriterionResult]:
        """The phase's gate criteria on `text`, knowing the incident's people (blame check)."""
        return self.wapp.store.gate_results(self.incident_id, self.phase, text)

    def _panel_roles(self) -> tuple[tuple[PanelRole, ...], str | None]:
        """The roles of the phase's panel guide, or why there are none."""
        refs = [ref for ref in self.spec.personas if ref.role == "panel"]
        if not refs:
            return (), None
        path = data_dir("personas") / refs[0].path
        try:
            roles = tuple(load_panel(path))
        except OSError as exc:
            return (), f"Panel guide {refs[0].path} cannot be read: {exc.strerror}."
        if not roles:
            return (), f"Panel guide {refs[0].path} has no “## Role: <Name>” section."
        return roles, None

    @property
    def has_round_table(self) -> bool:
        return any(ref.role == "panel" for ref in self.spec.personas)

    def show_round_table(self, text: str, results: list[CriterionResult]) -> None:
        """Data down: the round table for the phase on screen, or away if it has no panel."""
        shown = self.has_round_table
        self.set_class(shown, "post-mortem")
        if not shown:
            self.set_class(False, "guide-instead")
            return
        store = self.wapp.store
        roles, problem = self._panel_roles()
        hints = tuple(post_mortem.hints(store, self.incident_id))
        flat = " ".join(text.split())
        self.query_one(RoundTable).show(
            RoundTableContent(
                roles=roles,
                answers=latest_answers(post_mortem.answers(store, self.incident_id)),
                hints=hints,
                inserted=frozenset(h.text for h in hints if " ".join(h.text.split()) in flat),
                results=tuple(results),
                problem=problem,
            )
        )

    def _refresh_round_table(self) -> None:
        editor = self.query_one(ArtifactEditor)
        self.show_round_table(editor.text, self.gate_results(editor.text))

    # Named handlers, not @on: a mixin that is no Widget does not register decorated ones.
    def on_round_table_answer_requested(self, event: RoundTable.AnswerRequested) -> None:
        role, question = event.role, event.question

        def save(text: str | None) -> None:
            if not text or text == event.current:
                return
            try:
                post_mortem.add_answer(
                    self.wapp.store, self.incident_id, role, question, text, actor=self.wapp.actor
                )
            except StoreError as exc:
                self.notify(str(exc), severity="error")
                return
            self._refresh_round_table()
            self.notify("Answer saved: i inserts it into INC-5.", timeout=3)

        self.app.push_screen(
            PromptDialog(
                f"Answer · {role}",
                value=event.current,
                placeholder="What the round table says",
                hint=f"{question}\nEnter saves · Esc cancels",
            ),
            save,
        )

    def on_round_table_insert_requested(self, event: RoundTable.InsertRequested) -> None:
        refusal = self.wapp.store.machine(self.incident_id).edit_refusal(self.phase)
        if refusal:
            self.notify(refusal, severity="warning")
            return
        editor = self.query_one(ArtifactEditor)
        updated = insert_item(editor.text, event.heading, event.text)
        if updated == editor.text:
            self.notify(f"Already in {event.heading}.", timeout=3)
            return
        editor.replace_text(updated)
        editor.request_save()
        self.notify(f"Inserted into {event.heading}.", timeout=3)

    def action_round_table(self) -> None:
        """Show and focus the round table; again: the phase's guide instead; again: back."""
        table = self.query_one(RoundTable)
        if not self.has_round_table:
            self.notify("The round table sits beside the post-mortem phase.", timeout=4)
            return
        if self.has_class("guide-hidden"):
            self._guide_shown = True
            self.set_class(False, "guide-hidden")
            self._fit_panels()
        elif table.has_focus:
            self.set_class(True, "guide-instead")
            self.action_focus_editor()
            return
        self.set_class(False, "guide-instead")
        table.focus()

    def round_table_commands(self) -> Iterable[SystemCommand]:
        """The round table's entry in the command palette."""
        yield SystemCommand(
            "Round table",
            "Post-mortem panel: hints from the record, each role's questions (ctrl+f)",
            self.action_round_table,
        )
