"""The war room screen: header, phase sidebar, artifact editor, guide, timeline slot.

The screen owns the state (which incident, which phase, the version the editor
started from) and talks to the store; widgets get data down and send messages up.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Footer, Input, Markdown, TabbedContent, TabPane, TextArea

from warroom.core.artifacts import next_update_at, parse_artifact
from warroom.core.models import EventKind
from warroom.core.state import PhaseState, Verdict
from warroom.core.workflow import PhaseSpec
from warroom.resources import data_dir
from warroom.store.db import StoreError
from warroom.timeline.engine import TailEngine
from warroom.timeline.sanitize import sanitize
from warroom.ui.screens.gate_actions import GateActions
from warroom.ui.screens.milestone_actions import MilestoneActions
from warroom.ui.screens.round_table_actions import RoundTableActions
from warroom.ui.screens.saving import SaveActions
from warroom.ui.screens.status_actions import StatusActions
from warroom.ui.screens.timeline_actions import TimelineActions
from warroom.ui.widgets.editor import ArtifactEditor
from warroom.ui.widgets.guide import GuideContent, GuidePanel
from warroom.ui.widgets.header import IncidentHeader
from warroom.ui.widgets.round_table import RoundTable
from warroom.ui.widgets.sidebar import PhaseSidebar
from warroom.ui.widgets.timeline_panel import TimelinePanel

if TYPE_CHECKING:
    from warroom.ui.app import WarroomApp


@dataclass(frozen=True, slots=True)
class GateRequest:
    """What the reviewer asked for in the gate dialog."""

    verdict: Verdict
    reviewer: str
    ticked: tuple[int, ...]
    comment: str
    overrides: dict[int, str] = field(default_factory=dict)  # failed checks ticked: the reason


class WarRoomScreen(
    SaveActions, TimelineActions, GateActions, RoundTableActions, MilestoneActions,
    StatusActions, Screen[None],
):
    """One incident, one phase on screen at a time."""

    BINDINGS = [
        # Shown in the footer in this order; at 80 columns the first six fit, help has all.
        Binding("f1", "app.help", "Help", id="screen_help"),
        Binding("ctrl+g", "gate", "Gate", id="gate", priority=True),
        Binding("f4", "toggle_timeline", "Logs", id="toggle_timeline"),
        Binding("ctrl+t", "events", "Evidence", id="events", priority=True),
        Binding("f2", "inputs", "Inputs", id="inputs"),
        Binding("f3", "toggle_guide", "Guide", id="toggle_guide"),
        Binding("f5", "history", "Versions", id="history"),
        # Hidden in the footer (full at 120 columns); help and the palette list it. Not f6:
        # the editor's TextArea has it ("select line").
        Binding("ctrl+r", "action_items", "Action items", id="action_items", priority=True,
                show=False),
        Binding("ctrl+f", "round_table", "Round table", id="round_table", priority=True,
                show=False),
        Binding("ctrl+n", "note", "Note", id="note", priority=True),
        Binding("alt+m", "milestone", "Milestone", id="milestone", priority=True, show=False),
        Binding("alt+s", "set_status", "Status", id="set_status", priority=True, show=False),
        Binding("ctrl+l", "add_source", "Add log", id="add_source", priority=True),
        Binding("f8", "run_command", "Run", id="run_command", priority=True, show=False),
        Binding("ctrl+s", "save", "Save", id="save", priority=True, show=False),
        # f9, not ctrl+b: ctrl+b is tmux's prefix key, and responders run inside tmux.
        Binding("f9", "focus_sidebar", "Phases", id="focus_sidebar", priority=True),
        Binding("ctrl+b", "focus_sidebar", "Phases", id="focus_sidebar_b", priority=True,
                show=False),
        Binding("ctrl+e", "focus_editor", "Editor", id="focus_editor", show=False),
        # Not a priority: a dialog, or a panel's open filter box, takes escape first.
        Binding("escape", "focus_editor", "Editor", id="escape_editor", show=False),
        *[
            Binding(f"alt+{n}", f"goto({n})", f"Phase {n}", id=f"goto_{n}", show=False)
            for n in range(1, 7)
        ],
    ]

    def __init__(self, incident_id: int) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.phase = 1
        self.base_version = 0
        self._guide_shown: bool | None = None
        self.engine: TailEngine | None = None
        self._editor: ArtifactEditor | None = None
        self._offered: set[Path] = set()  # recovery copies offered back in this session
        self._restored_paths: set[Path] = set()  # ... and restored, dropped once saved

    @property
    def wapp(self) -> WarroomApp:
        return cast("WarroomApp", self.app)

    def compose(self) -> ComposeResult:
        yield IncidentHeader(id="header")
        with Horizontal(id="body"):
            yield PhaseSidebar(id="sidebar")
            with Vertical(id="center"), TabbedContent(id="tabs"):
                with TabPane("Artifact", id="tab-artifact"):
                    yield ArtifactEditor(
                        autosave_delay=self.wapp.autosave_delay,
                        blink=self.wapp.watch,
                        id="editor",
                    )
                with TabPane("Inputs", id="tab-inputs"):
                    yield Markdown("", id="inputs", open_links=False)
            yield GuidePanel(id="guide")
            yield RoundTable(id="round-table")
        with Vertical(id="timeline"):
            yield TimelinePanel(max_lines=self.wapp.settings.timeline.lines, id="timeline-panel")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        store = self.wapp.store
        incident = store.incident(self.incident_id)
        self.title = f"{incident.ref} {sanitize(incident.title)}"
        self._editor = self.query_one(ArtifactEditor)
        self._start_timeline()
        self._mark_logs_focus()
        self._unregister = self.wapp.register_flusher(self.flush_pending)
        self.refresh_header()
        if self.wapp.watch:
            self.set_interval(1, self.tick)
        self.open_phase(incident.last_phase, focus=True)

    def on_unmount(self) -> None:
        self.flush_pending()
        self._unregister()
        if self.engine is not None:
            self.engine.close(timeout=2)

    def on_resize(self) -> None:
        narrow = self.size.width < 100
        if narrow != self.has_class("narrow"):
            self.set_class(narrow, "narrow")
            if self.is_mounted and self._editor is not None:
                self.refresh_sidebar()
        if self._guide_shown is None:  # the user has not chosen: hide it where it cramps
            self.set_class(narrow, "guide-hidden")
        self._fit_panels()

    def _fit_panels(self) -> None:
        """At 80 columns the guide and the sidebar do not both fit beside the editor."""
        self.set_class(
            self.has_class("narrow") and not self.has_class("guide-hidden"), "sidebar-hidden"
        )

    # -- data down -----------------------------------------------------------

    @property
    def spec(self) -> PhaseSpec:
        return self.wapp.store.workflow.phase(self.phase)

    def refresh_header(self) -> None:
        store = self.wapp.store
        header = self.query_one(IncidentHeader)
        header.incident = store.incident(self.incident_id)
        header.next_update = self._next_update()
        header.metrics = self.header_metrics()
        header.ended_at = self.resolved_at()
        header.now = self.wapp.clock.now()

    def tick(self) -> None:
        self.query_one(IncidentHeader).now = self.wapp.clock.now()

    def _next_update(self):  # noqa: ANN202 - datetime | None
        store = self.wapp.store
        for spec in store.workflow.phases:
            if spec.artifact.code == "INC-3":
                latest = store.latest_artifact(self.incident_id, spec.number)
                if latest is not None:
                    model = parse_artifact("INC-3", latest.body)
                    return next_update_at(model, latest.saved_at)  # type: ignore[arg-type]
        return None

    def refresh_sidebar(self) -> None:
        self.query_one(PhaseSidebar).show_phases(
            self.wapp.store.phases(self.incident_id), self.phase, compact=self.has_class("narrow")
        )

    def open_phase(self, number: int, *, focus: bool = False) -> None:
        """Show a phase: its artifact, banner, guide and inputs.

        Refused while the editor holds text the database would not take: loading
        another phase would drop it from the screen.
        """
        store = self.wapp.store
        if self._editor is not None and self._editor.is_mounted and not self.ensure_saved(
            "leaving the phase"
        ):
            self.refresh_sidebar()  # the selection moved; the phase on screen did not
            return
        self.phase = number
        machine = store.machine(self.incident_id)
        latest = store.latest_artifact(self.incident_id, number)
        self.base_version = latest.version if latest else 0
        text = latest.body if latest else store.workflow.template(number)
        refusal = machine.edit_refusal(number)
        editor = self.query_one(ArtifactEditor)
        editor.load(text, read_only=refusal is not None, banner=None)
        self.show_banner(machine.state(number), refusal)
        self._show_guide(text)
        self._show_inputs()
        self.refresh_sidebar()
        if store.incident(self.incident_id).last_phase != number:
            with suppress(StoreError):  # where to reopen is not worth a failure on screen
                store.update_incident(self.incident_id, last_phase=number)
        if focus:
            editor.text_area.focus()
        self.offer_recovery()

    def show_banner(self, state: PhaseState, refusal: str | None) -> None:
        editor = self.query_one(ArtifactEditor)
        spec = self.spec
        if refusal:
            editor.show_banner(Text(f"🔒 Read-only: {refusal}."), "locked")
            return
        if state is PhaseState.REVISE:
            last = self.wapp.store.decisions(self.incident_id, self.phase)[-1]
            banner = Text()
            banner.append(f"{last.outcome}", style="bold")
            banner.append(f" — {last.reviewer}: ")
            banner.append(last.comment)
            if spec.gate and spec.gate.send_back.effect:  # the seed's words for what comes next
                banner.append(f"\nNext: {spec.gate.send_back.effect}.", style="italic")
            editor.show_banner(banner, "revise")
        elif state is PhaseState.IN_REVIEW:
            banner = Text(f"{spec.artifact.code} is in review: ctrl+g opens the gate.")
            decisions = self.wapp.store.decisions(self.incident_id, self.phase)
            if decisions and decisions[-1].verdict == Verdict.SEND_BACK.value:
                last = decisions[-1]  # what the reviewer asked for stays in sight
                banner.append(f" Last sent back ({last.outcome}) — {last.reviewer}: ",
                              style="bold")
                banner.append(last.comment)
            editor.show_banner(banner, "review")
        elif state is PhaseState.AMENDED:
            editor.show_banner(Text(
                f"{spec.artifact.code} was amended after approval: it needs re-review "
                "(the gate shows the changes)."), "amended")
        else:
            editor.show_banner(None)

    def _show_guide(self, text: str) -> None:
        spec = self.spec
        personas_dir = data_dir("personas")
        personas = []
        for ref in spec.personas:
            path = personas_dir / ref.path
            head = f"*{ref.label}:*\n\n"  # the seed's words: adopt, secondary, invoke
            try:
                personas.append((ref.role, head + path.read_text(encoding="utf-8")))
            except OSError:
                personas.append((ref.role, f"{head}_Persona guide {ref.path} is missing._"))
        content = GuideContent(
            title=f"Phase {spec.number}: {spec.name}  {spec.artifact.label}",
            gated=spec.gated,
            steps=spec.process,
            steps_done=frozenset(self.wapp.store.steps_done(self.incident_id, spec.number)),
            personas=tuple(personas),
        )
        results = self.gate_results(text)
        self.query_one(GuidePanel).show_guide(content, results)
        self.show_round_table(text, results)

    def _show_inputs(self) -> None:
        store = self.wapp.store
        spec = self.spec
        labels = {p.artifact.label: p for p in store.workflow.phases}
        parts = [f"# Inputs to phase {spec.number}: {spec.name}"]
        for item in spec.inputs:
            source = labels.get(item)
            if source is None:
                parts.append(f"- {item}")
                continue
            body = store.artifact_text(self.incident_id, source.number)
            parts.append(f"\n---\n\n{body}")
        # Earlier artifacts may be imported: made safe like any stored text.
        self.query_one("#inputs", Markdown).update(sanitize("\n".join(parts), multiline=True))

    # -- messages up ---------------------------------------------------------

    @on(PhaseSidebar.Selected)
    def _phase_selected(self, event: PhaseSidebar.Selected) -> None:
        """Arrows browse the phases (focus stays in the list); a digit or enter lands in one."""
        if event.number != self.phase:
            self.open_phase(event.number, focus=event.chosen)
        elif event.chosen:
            self.action_focus_editor()

    def on_paste(self, event: events.Paste) -> None:
        """A paste that lands outside a text field goes into the editor, or is refused aloud."""
        focused = self.focused
        if isinstance(focused, Input) or (
            isinstance(focused, TextArea) and not focused.read_only
        ):
            return  # it took the paste itself
        event.stop()
        area = self.query_one(ArtifactEditor).text_area
        if area.read_only:
            self.app.bell()
            self.notify(
                f"Paste not inserted: {self.spec.artifact.code} is read-only here. "
                "Nothing was changed.", severity="warning", timeout=8,
            )
            return
        self.action_focus_editor()
        area.insert(event.text)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self._mark_logs_focus()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self._mark_logs_focus()

    def _mark_logs_focus(self) -> None:
        """The log panel's title says when its keys are live (p pins, l, s, / act there)."""
        try:
            timeline = self.query_one("#timeline")
        except NoMatches:  # being taken down
            return
        focused = self.focused
        live = focused is not None and timeline in focused.ancestors_with_self
        timeline.set_class(live, "-keys-here")
        timeline.border_title = (
            "▶ LOGS have the keys: p pin · / filter · l level · s search · esc editor"
            if live else "Logs (f4)"
        )

    @on(ArtifactEditor.SaveRequested)
    def _save_requested(self, event: ArtifactEditor.SaveRequested) -> None:
        self.save(event.text)

    @on(GuidePanel.StepToggled)
    def _step_toggled(self, event: GuidePanel.StepToggled) -> None:
        with self.wapp.store_refusal("ticked"):
            self.wapp.store.set_step(self.incident_id, self.phase, event.step, event.done)

    @on(IncidentHeader.UpdateDue)
    def _update_due(self) -> None:
        self.app.bell()
        self.notify(
            "The stakeholder update promised in INC-3 is due now.",
            title="Update due",
            severity="error",
            timeout=30,
        )

    # -- saving --------------------------------------------------------------

    def save(self, text: str) -> None:
        """Keep the text as a new version and bring the screen up to date."""
        result = self._persist(text)
        if result is None:
            return
        if result.transition is not None:
            self.refresh_sidebar()
            self.show_banner(self.wapp.store.machine(self.incident_id).state(self.phase), None)
        results = self.gate_results(text)
        self.query_one(GuidePanel).show_criteria(results, self.spec.gated)
        self.show_round_table(text, results)
        self.refresh_header()

    # -- actions -------------------------------------------------------------

    def action_save(self) -> None:
        self.query_one(ArtifactEditor).request_save()

    def action_goto(self, number: int) -> None:
        self.open_phase(number, focus=True)

    def action_focus_sidebar(self) -> None:
        self.query_one(PhaseSidebar).focus()

    def action_focus_editor(self) -> None:
        self.query_one("#tabs", TabbedContent).active = "tab-artifact"
        self.query_one(ArtifactEditor).text_area.focus()

    def action_inputs(self) -> None:
        tabs = self.query_one("#tabs", TabbedContent)
        if tabs.active == "tab-inputs":
            self.action_focus_editor()
        else:
            tabs.active = "tab-inputs"
            self.query_one("#inputs", Markdown).focus()

    def action_toggle_guide(self) -> None:
        self._guide_shown = self.has_class("guide-hidden")
        self.set_class(not self._guide_shown, "guide-hidden")
        self._fit_panels()

    def action_note(self) -> None:
        from warroom.ui.screens.note import NoteDialog

        def add(text: str | None) -> None:
            if text:
                with self.wapp.store_refusal(f"added: the note {text!r}"):
                    self.wapp.store.add_event(
                        self.incident_id, EventKind.NOTE, text, actor=self.wapp.actor
                    )
                    self.notify("Note added to the incident timeline.", timeout=3)

        self.app.push_screen(NoteDialog(), add)

    def action_action_items(self) -> None:
        """The action item table; it regenerates INC-6, so the editor reloads after it."""
        from warroom.ui.screens.actions import ActionItemsScreen

        if not self.ensure_saved("opening the action items"):
            return
        base = self.base_version if self.spec.artifact.code == "INC-6" else None

        def closed(changed: bool | None) -> None:
            if changed:
                self.open_phase(self.phase)

        self.app.push_screen(ActionItemsScreen(self.incident_id, base_version=base), closed)

    def action_export(self) -> None:
        """The same document as `warroom export`: redacted, inert, readable by its owner only."""
        from warroom.export.files import write_private
        from warroom.export.postmortem import export_postmortem
        from warroom.export.redact import compile_patterns, describe
        from warroom.timeline.zones import get_zone

        path = Path.cwd() / f"incident-{self.incident_id}-postmortem.md"
        try:
            patterns = compile_patterns(self.wapp.settings.export.redact_patterns)
            document, counts = export_postmortem(
                self.wapp.store, self.incident_id, extra_patterns=patterns,
                display=get_zone(self.wapp.settings.display_tz),
            )
            write_private(path, document)
        except ValueError as exc:  # a redact pattern in the config file that is not a regex
            self.notify(f"Not exported: {exc}", severity="error")
            return
        except OSError as exc:
            self.notify(f"Cannot write {path}: {exc.strerror}", severity="error")
            return
        self.notify(f"Post-mortem written to {path} ({describe(counts)})", timeout=8)

    def palette_commands(self) -> Iterable[SystemCommand]:
        """Every action of this screen, for the command palette."""
        yield SystemCommand(
            "Open gate", "Review, approve or send back; or mark complete", self.action_gate
        )
        yield SystemCommand("Save artifact", "Save a new version now", self.action_save)
        yield SystemCommand(
            "Show inputs", "The earlier artifacts this phase builds on", self.action_inputs
        )
        yield SystemCommand(
            "Toggle guide", "Personas, process checklist, gate criteria", self.action_toggle_guide
        )
        yield SystemCommand(
            "Toggle timeline", "The live log timeline panel", self.action_toggle_timeline
        )
        yield SystemCommand(
            "Version history", "Browse, diff and restore versions", self.action_history
        )
        yield SystemCommand("Add note", "A note in the incident timeline", self.action_note)
        yield SystemCommand(
            "Set milestone",
            "Started, detected, acknowledged, mitigated or resolved, by hand (alt+m)",
            self.action_milestone,
        )
        yield SystemCommand(
            "Incident timeline",
            "Pins, notes, system events; insert into INC-1 or INC-4",
            self.action_events,
        )
        yield SystemCommand(
            "Run a command", "Confirmed, its output shown, recorded with its status (f8)",
            self.action_run_command,
        )
        yield SystemCommand(
            "Add log source", "Follow a file, a glob or a command", self.action_add_source
        )
        yield SystemCommand(
            "Imported log sources",
            "Sources that came with an imported incident are off: start the ones you trust",
            self.action_review_sources,
        )
        yield SystemCommand(
            "Action items", "The INC-6 table: owners, priorities, due dates (ctrl+r)",
            self.action_action_items,
        )
        yield from self.round_table_commands()
        yield from self.status_commands()
        yield SystemCommand(
            "Export post-mortem", "Write the Markdown post-mortem here", self.action_export
        )
        for spec in self.wapp.store.workflow.phases:
            yield SystemCommand(
                f"Go to phase {spec.number}: {spec.name} [{spec.artifact.code}]",
                spec.artifact.label,
                lambda n=spec.number: self.action_goto(n),
            )
