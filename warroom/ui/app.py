"""The Textual application: screens, global keys, palette commands. No domain logic here."""

from __future__ import annotations

import os
from collections.abc import Iterable

from textual.app import SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen

from warroom.clock import Clock, SystemClock
from warroom.config import Settings
from warroom.resources import data_dir
from warroom.store.recovery import session_id
from warroom.store.store import Store
from warroom.timeline.sanitize import sanitize
from warroom.ui.gc_tuning import restore_gc, tune_gc
from warroom.ui.look import apply_look, prepare_look
from warroom.ui.safe_exit import SafeExit


class WarroomApp(SafeExit):
    """One process, one database file, one incident on screen at a time."""

    TITLE = "warroom"
    CSS_PATH = [data_dir("styles") / "warroom.tcss", data_dir("styles") / "dialogs.tcss",
                data_dir("styles") / "picker.tcss"]
    BINDINGS = [
        # Hidden in the footer: screens show their own keys first; help lists all of these.
        Binding("f1", "help", "Help", id="help", show=False),
        Binding("ctrl+o", "switch_incident", "Incidents", id="switch_incident", show=False),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True, show=False),
    ]

    def __init__(
        self,
        store: Store,
        *,
        actor: str,
        clock: Clock | None = None,
        incident_id: int | None = None,
        autosave_delay: float | None = None,
        watch: bool = True,
        settings: Settings | None = None,
        keymap: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        prepare_look(self)
        self.settings = settings or Settings()
        self.keymap = keymap or {}
        self.store = store
        self.actor = actor
        self.clock = clock or SystemClock()
        self.start_incident = incident_id
        # WARROOM_AUTOSAVE_DELAY exists for tests that must tell a signal flush from an autosave.
        self.autosave_delay = autosave_delay or float(os.environ.get("WARROOM_AUTOSAVE_DELAY", 0.5))
        self.watch = watch  # off in tests and snapshots: no tick timers, no watchers
        # A failed save is tried again this often (tests make it short).
        self.retry_delay = float(os.environ.get("WARROOM_RETRY_DELAY", 5))
        self.session = session_id()  # names this process's recovery copies

    def on_mount(self) -> None:
        tune_gc()
        apply_look(self, self.settings, self.keymap)
        self.install_signal_handlers()
        if self.start_incident is not None:
            self.open_incident(self.start_incident)
        else:
            self.action_switch_incident()

    # -- navigation ----------------------------------------------------------

    def open_incident(self, incident_id: int) -> None:
        """Show the war room screen for an incident, replacing whatever is shown."""
        from warroom.ui.screens.main import WarRoomScreen

        screen = WarRoomScreen(incident_id)
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def action_switch_incident(self) -> None:
        from warroom.ui.screens.picker import IncidentPicker

        if isinstance(self.screen, IncidentPicker):
            return
        ensure_saved = getattr(self.screen, "ensure_saved", None)
        if ensure_saved is not None and not ensure_saved("switching incident"):
            return
        if len(self.screen_stack) > 1:
            self.switch_screen(IncidentPicker())
        else:
            self.push_screen(IncidentPicker())

    def action_help(self) -> None:
        from warroom.ui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)  # F1 toggles: the app's priority binding sees it first
        else:
            self.push_screen(HelpScreen(self.screen))

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every notification as literal, safe text: messages often quote stored text.

        Markup is off unless a caller asks (none does): "[/]" in a title would
        otherwise raise, and "[@click=...]" would be an action.
        """
        if not markup:
            message, title = sanitize(message, multiline=True), sanitize(title)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Switch incident", "Open the incident picker", self.action_switch_incident
        )
        yield SystemCommand("Help", "Every key, on every screen", self.action_help)
        commands = getattr(screen, "palette_commands", None)
        if commands is not None:
            yield from commands()
        yield from super().get_system_commands(screen)

    def on_unmount(self) -> None:
        self.flush()
        restore_gc()
