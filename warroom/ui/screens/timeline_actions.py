"""The war room's live timeline: log sources, pins, and the incident timeline into artifacts.

A mixin of WarRoomScreen, kept apart so the screen file stays about the phases.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from warroom.core.commands import STEPS_CODE, STEPS_HEADING, InsertSteps, insert_steps
from warroom.core.evidence import insert_timeline
from warroom.core.models import EventKind, LogSource
from warroom.timeline.engine import TailEngine
from warroom.timeline.sources import TailOptions
from warroom.ui.screens.prompt import PromptDialog
from warroom.ui.widgets.editor import ArtifactEditor
from warroom.ui.widgets.log_view import LogView
from warroom.ui.widgets.timeline_panel import TimelinePanel

if TYPE_CHECKING:
    from warroom.ui.screens.main import WarRoomScreen

    _Base = WarRoomScreen
else:
    _Base = object


class TimelineActions(_Base):
    """Log sources followed into the panel; evidence pinned and written into INC-1/INC-4."""

    engine: TailEngine | None

    def _start_timeline(self) -> None:
        """Follow the incident's log sources that are on; the panel shows once there are any.

        Sources that are off (they came with an imported incident) start only when
        someone chooses them in the dialog shown now: a bundle never runs anything.
        """
        sources = self.wapp.store.log_sources(self.incident_id)
        enabled = [s for s in sources if s.enabled]
        panel = self.query_one(TimelinePanel)
        self.query_one("#timeline").display = bool(enabled)
        if any(not s.enabled for s in sources):
            self.call_after_refresh(self.action_review_sources)
        if not enabled or not self.wapp.watch:
            return
        self.engine = self._new_engine()
        for source in enabled:
            self._follow(source.kind, source.spec)
        panel.attach(self.engine)

    def action_review_sources(self) -> None:
        """List the sources that are off; each one chosen is enabled and followed."""
        from warroom.ui.screens.sources import SourcesDialog

        off = [s for s in self.wapp.store.log_sources(self.incident_id) if not s.enabled]
        if not off:
            self.notify("Every log source of this incident is on.", timeout=3)
            return
        self.app.push_screen(SourcesDialog(off, self._enable_source))

    def _enable_source(self, source: LogSource) -> None:
        self.wapp.store.enable_log_source(self.incident_id, source.number, actor=self.wapp.actor)
        self._start_source(source.kind, source.spec)
        self.notify(f"Log source {source.number} started.", timeout=3)

    def _start_source(self, kind: str, spec: str) -> None:
        """Follow one more source, creating the engine and showing the panel if needed."""
        self.query_one("#timeline").display = True
        panel = self.query_one(TimelinePanel)
        if self.engine is None:
            self.engine = self._new_engine()
        self._follow(kind, spec)
        panel.attach(self.engine)

    def _new_engine(self) -> TailEngine:
        timeline = self.wapp.settings.timeline
        options = TailOptions(force_polling=timeline.poll, backlog=timeline.backlog,
                              poll_interval=timeline.poll_interval)
        return TailEngine(clock=self.wapp.clock, buffer_size=timeline.lines, options=options)

    def _follow(self, kind: str, spec: str) -> None:
        assert self.engine is not None
        if kind == "cmd":
            self.engine.add_command(spec)
        else:
            self.engine.add_path(spec)

    def action_add_source(self) -> None:
        def add(text: str | None) -> None:
            if not text:
                return
            if text.startswith("!"):
                kind, spec = "cmd", text[1:].strip()
            else:
                spec = str(Path(text).expanduser().absolute())
                kind = "glob" if any(ch in spec for ch in "*?[") else "file"
            with self.wapp.store_refusal("remembered (followed for this session only)"):
                self.wapp.store.add_log_source(self.incident_id, kind, spec)
            self._start_source(kind, spec)

        self.app.push_screen(
            PromptDialog(
                "Follow a log: a file, a glob, or !command",
                placeholder="/var/log/app.log · /var/log/nginx/*.log · !journalctl -f",
            ),
            add,
        )

    def on_log_view_pin_requested(self, event: LogView.PinRequested) -> None:
        record = event.record
        with self.wapp.store_refusal("pinned"):
            self.wapp.store.pin_record(self.incident_id, record, actor=self.wapp.actor)
            self.query_one(LogView).mark_pinned(record.seq)
            self.notify("Pinned into the incident timeline (ctrl+t shows it).", timeout=3)

    def action_events(self) -> None:
        from warroom.ui.screens.events import EventsScreen

        self.flush_pending()
        self.app.push_screen(EventsScreen(self.incident_id), self._insert_timeline)

    def _insert_timeline(self, code: str | InsertSteps | None) -> None:
        """Write the incident timeline into INC-1 or INC-4, or commands into INC-2's Steps Taken
        (on screen: through the editor)."""
        if code is None:
            return
        store = self.wapp.store
        if isinstance(code, InsertSteps):
            chosen = [store.event(n) for n in code.event_ids]
            self._write_into(STEPS_CODE, lambda text: insert_steps(text, chosen),
                             f"{len(chosen)} command{'s' * (len(chosen) != 1)} written into "
                             f"{STEPS_CODE} {STEPS_HEADING}.")
            return
        events = [e for e in store.events(self.incident_id) if e.kind is not EventKind.SYSTEM]
        self._write_into(code, lambda text: insert_timeline(text, code, events),
                         f"Incident timeline inserted into {code}.")

    def _write_into(self, code: str, change: Callable[[str], str], done: str) -> None:
        """Apply `change` to an artifact: the editor's text if it is open, else a new version."""
        store = self.wapp.store
        target = store.workflow.phase_for(code).number
        refusal = store.machine(self.incident_id).edit_refusal(target)
        if refusal:
            self.notify(refusal, severity="warning")
            return
        if target == self.phase:
            editor = self.query_one(ArtifactEditor)
            editor.replace_text(change(editor.text))
            editor.request_save()
        else:
            text = change(store.artifact_text(self.incident_id, target))
            with self.wapp.store_refusal(f"inserted into {code}"):
                store.save_artifact(self.incident_id, target, text, actor=self.wapp.actor)
                self.open_phase(target, focus=True)
            if self.phase != target:
                return
        self.notify(done, timeout=3)

    def action_run_command(self) -> None:
        """A command typed here runs like `warroom run`: confirmed first, its output shown as
        it comes, then recorded with its status. Earlier commands are offered as you type."""
        from warroom.ui.screens.run_command import CommandOutput, ConfirmRun, command_argv

        past = [e.text for e in reversed(self.wapp.store.events(self.incident_id))
                if e.kind is EventKind.ACTION]

        def check(line: str) -> str | None:
            try:
                command_argv(line)
            except ValueError as exc:
                return f"Cannot read that line: {exc}"
            return None

        def confirmed(argv: list[str], run: bool | None) -> None:
            if run:
                self.app.push_screen(CommandOutput(argv, self.incident_id))

        def typed(line: str | None) -> None:
            if line:
                argv = command_argv(line)
                self.app.push_screen(ConfirmRun(argv, self.incident_id),
                                     lambda run: confirmed(argv, run))

        self.app.push_screen(
            PromptDialog("Run a command (recorded into the incident)", validate=check,
                         placeholder="kubectl rollout status deploy/checkout",
                         hint="Enter to confirm · → takes an earlier command · Esc cancels",
                         history=list(dict.fromkeys(past))),
            typed,
        )

    def action_toggle_timeline(self) -> None:
        """Hidden → shown and focused; shown → focused; focused → hidden (back to the editor)."""
        timeline = self.query_one("#timeline")
        view = self.query_one(LogView)
        if not timeline.display:
            timeline.display = True
            view.focus()
        elif not view.has_focus:
            view.focus()
        else:
            timeline.display = False
            self.action_focus_editor()
