"""Saving the artifact so that no typed character is ever lost, whatever the disk does.

A mixin of WarRoomScreen. A save the database refuses (disk full, read-only,
deleted or replaced under the war room, a busy lock, a workflow refusal) keeps
the text in the editor, marked unsaved, writes a recovery copy to the user's
state dir, shows a banner that stays until a save succeeds, and tries again
every few seconds. The next time the artifact is opened, a copy left by an
earlier session is offered back.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text

from warroom.clock import iso
from warroom.core.state import TransitionError
from warroom.store import recovery
from warroom.store.db import StoreError
from warroom.store.recovery import RecoveryCopy
from warroom.store.store import SaveResult
from warroom.ui.widgets.editor import ArtifactEditor

if TYPE_CHECKING:
    from textual.timer import Timer

    from warroom.ui.screens.main import WarRoomScreen

    _Base = WarRoomScreen
else:
    _Base = object


class SaveActions(_Base):
    """Persist the editor's text; on failure keep it, copy it aside, say so, retry."""

    _unsaved: str | None = None  # what failed, while the editor holds text the store refused
    _retry: Timer | None = None
    _offered: set[Path]
    _restored_paths: set[Path]

    def _persist(self, text: str) -> SaveResult | None:
        """Keep the text as a new version; on failure keep it unsaved (see save_failed)."""
        try:
            result = self.wapp.store.save_artifact(
                self.incident_id, self.phase, text, actor=self.wapp.actor,
                base_version=self.base_version,
            )
        except (TransitionError, StoreError) as exc:
            self.save_failed(text, exc)
            return None
        except Exception as exc:  # a bug: keep the text aside, then let it crash (flushes too)
            self.save_failed(text, exc)
            raise
        self.base_version = result.version.version
        self._saved_again()
        if result.status_kept:
            self.notify(result.status_kept, title="Status kept", severity="warning", timeout=10)
        if result.conflict:
            self.notify(
                f"Someone else saved {self.spec.artifact.code} while you were editing; "
                f"your text is kept as v{result.version.version} (F5 shows both).",
                title="Concurrent edit", severity="warning", timeout=15,
            )
        return result

    def flush_pending(self) -> str | None:
        """Save unsaved typing now (leaving the phase, quitting, a signal, a crash).

        Returns None when everything typed is in the database, else what failed
        and where the recovery copy is: the caller must not drop the editor's text.
        """
        editor = self._editor
        pending = editor.take_pending() if editor else None
        if pending is not None:
            try:
                self._persist(pending)
            except Exception as exc:  # noqa: BLE001 - the last resort must still copy it aside
                self.save_failed(pending, exc)
        return self._unsaved

    def ensure_saved(self, doing: str) -> bool:
        """Flush before something that replaces or reviews the editor's text; False: refused."""
        problem = self.flush_pending()
        if problem is None:
            return True
        self.app.bell()
        self.notify(f"Not {doing}: the text on screen is not saved ({problem}).",
                    severity="error", timeout=10)
        return False

    def save_failed(self, text: str, exc: BaseException) -> None:
        """Keep the text (unsaved in the editor and in a recovery copy), say so, retry."""
        editor = self._editor
        if editor is not None:
            editor.mark_unsaved()
        copy = self._copy_aside(text, str(exc))
        first = self._unsaved is None
        code = self.spec.artifact.code
        where = f"your text is in the recovery copy {copy}" if copy else (
            "your text is only on screen (the recovery copy could not be written): copy it out")
        self._unsaved = f"{code} of incident #{self.incident_id} not saved ({exc}); {where}"
        banner = Text()
        banner.append(f"⚠ {code} NOT SAVED — {exc}.", style="bold")
        banner.append(f" Your text stays here; {where.removeprefix('your text is ')}. "
                      f"Saving again every {self.wapp.retry_delay:g}s; ctrl+s tries now.")
        if editor is not None:
            editor.show_fault(banner)
        if first:
            self.app.bell()
            self.notify(str(exc), title="Not saved", severity="error", timeout=15)
        self._schedule_retry()

    def _copy_aside(self, text: str, reason: str) -> Path | None:
        incident = self.wapp.store.incident(self.incident_id)
        copy = RecoveryCopy(
            incident_uid=incident.uid, incident_id=incident.id, phase=self.phase,
            code=self.spec.artifact.code, base_version=self.base_version, text=text,
            reason=reason, written_at=iso(self.wapp.clock.now()), db=str(self.wapp.store.path),
            session=self.wapp.session,
        )
        try:
            return recovery.write_copy(copy)
        except OSError:
            return None

    def _schedule_retry(self) -> None:
        if self._retry is None and self.is_mounted:
            self._retry = self.set_timer(self.wapp.retry_delay, self._retry_save)

    def _retry_save(self) -> None:
        self._retry = None
        editor = self._editor
        if self._unsaved is not None and editor is not None:
            editor.request_save()

    def _saved_again(self) -> None:
        """A save went through: drop the banner and this artifact's recovery copies."""
        incident = self.wapp.store.incident(self.incident_id)
        for copy in recovery.copies(incident.uid):
            if copy.phase == self.phase and (
                copy.session == self.wapp.session or copy.path in self._restored_paths
            ):
                recovery.discard(copy)
        if self._unsaved is None:
            return
        self._unsaved = None
        if self._retry is not None:
            self._retry.stop()
            self._retry = None
        if self._editor is not None:
            self._editor.show_fault(None)
        self.notify(f"{self.spec.artifact.code} saved again.", timeout=5)

    # -- copies left by an earlier session ------------------------------------

    def offer_recovery(self) -> None:
        """Offer back text an earlier session could not save, once per copy per session."""
        from warroom.ui.screens.recover import RecoverDialog

        incident = self.wapp.store.incident(self.incident_id)
        current = self.wapp.store.artifact_text(self.incident_id, self.phase)
        for copy in recovery.copies(incident.uid):
            if copy.phase != self.phase or copy.session == self.wapp.session:
                continue
            if copy.path in self._offered or copy.path in self._restored_paths:
                continue
            if copy.text == current:  # it was saved after all
                recovery.discard(copy)
                continue
            assert copy.path is not None
            self._offered.add(copy.path)
            phase = self.phase
            self.app.push_screen(
                RecoverDialog(copy), lambda answer, c=copy, p=phase: self._recovered(answer, c, p)
            )
            return

    def _recovered(self, answer: str | None, copy: RecoveryCopy, phase: int) -> None:
        if answer == "discard":
            recovery.discard(copy)
            self.notify("Recovery copy discarded.", timeout=3)
        elif answer == "restore" and phase == self.phase:
            assert copy.path is not None
            self._restored_paths.add(copy.path)
            editor = self.query_one(ArtifactEditor)
            self.base_version = min(copy.base_version, self.base_version)
            editor.replace_text(copy.text)
            self.notify(f"{copy.code} restored from the recovery copy of {copy.written_at}; "
                        "it is saved as a new version.", timeout=8)
        else:
            self.notify(f"The recovery copy stays in {copy.path}; it is offered again "
                        "next time.", timeout=6)
