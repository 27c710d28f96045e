"""The store: the file on disk, migrations, refusals, and the facade's records."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import sqlite3
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils

from warroom.clock import FixedClock
from warroom.core.models import EventKind, Severity
from warroom.core.state import PhaseState, TransitionError, Verdict
from warroom.store.db import APPLICATION_ID, StoreError, connect, default_db_path
from warroom.store.schema import MIGRATIONS, SCHEMA_VERSION
from warroom.store.store import Store

T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
FILLED = Path(__file__).parent.parent / "fixtures" / "filled"
FILLED_INC1 = (FILLED / "INC-1.md").read_text()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def store(tmp_path: Path, clock: FixedClock) -> Store:
    with Store.open(tmp_path / "w.db", clock=clock) as s:
        yield s


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- the file ----------------------------------------------------------------


def test_new_file_is_private_wal_with_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    with Store.open(path) as s:
        s.create_incident("x", actor="a")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert s.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert s.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
        wal = Path(str(path) + "-wal")
        assert stat.S_IMODE(wal.stat().st_mode) == 0o600
    assert s.db  # closed cleanly


def test_shared_file_is_group_writable(tmp_path: Path) -> None:
    path = tmp_path / "team.db"
    old = os.umask(0o022)
    try:
        Store.open(path, shared=True).close()
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o660


def test_header_marks_file_as_warroom_at_current_schema(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    Store.open(path).close()
    header = path.read_bytes()[:100]
    assert int.from_bytes(header[68:72], "big") == APPLICATION_ID
    assert int.from_bytes(header[60:64], "big") == SCHEMA_VERSION


def test_reopen_keeps_everything(tmp_path: Path, clock: FixedClock) -> None:
    path = tmp_path / "w.db"
    with Store.open(path, clock=clock) as s:
        incident = s.create_incident("Checkout down", severity=Severity.MAJOR, actor="ana")
        s.save_artifact(incident.id, 1, "draft", actor="ana")
    with Store.open(path, clock=clock) as s:
        again = s.incident(incident.id)
        assert again == incident
        assert s.artifact_text(incident.id, 1) == "draft"


def test_default_path_honours_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WARROOM_DB", str(tmp_path / "env.db"))
    assert default_db_path() == tmp_path / "env.db"
    monkeypatch.delenv("WARROOM_DB")
    assert default_db_path().name == "warroom.db"


def test_migration_runs_once_and_bumps_version(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    connect(path, MIGRATIONS).close()

    def add_table(db: sqlite_utils.Database) -> None:
        db["extra"].create({"id": int}, pk="id")

    db = connect(path, [*MIGRATIONS, add_table])
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    assert "extra" in db.table_names()
    db.close()
    # Reopening at the same version runs nothing again (create would fail if it did).
    connect(path, [*MIGRATIONS, add_table]).close()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"hello, I am a text file\n" * 10, "not an SQLite file"),
        (b"SQLite format 3\x00" + b"\x00" * 10, "not an SQLite file"),
    ],
)
def test_not_a_database_is_refused_untouched(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "w.db"
    path.write_bytes(content)
    before = _digest(path)
    with pytest.raises(StoreError, match=message):
        Store.open(path)
    assert _digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.db"]


def test_foreign_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("create table t (x)")
    conn.commit()
    conn.close()
    before = _digest(path)
    with pytest.raises(StoreError, match="not a warroom database"):
        Store.open(path)
    assert _digest(path) == before


def test_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    before = _digest(path)
    with pytest.raises(StoreError, match="newer warroom"):
        Store.open(path)
    assert _digest(path) == before


def test_corrupt_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    with Store.open(path) as s:
        for n in range(30):
            s.create_incident(f"incident {n} " + "x" * 300, actor="a")
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 3 * page
    data[page + 8 : 3 * page] = os.urandom(2 * page - 8)  # wreck the pages after the schema
    path.write_bytes(bytes(data))
    before = _digest(path)
    with pytest.raises(StoreError, match="corrupt"):
        Store.open(path)
    assert _digest(path) == before


def test_directory_and_unreadable_path(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a directory"):
        Store.open(tmp_path)
    if os.geteuid() != 0:  # root reads anything
        locked = tmp_path / "locked.db"
        Store.open(locked).close()
        locked.chmod(0)
        with pytest.raises(StoreError, match="cannot read"):
            Store.open(locked)


# -- the facade --------------------------------------------------------------


def test_create_incident(store: Store, clock: FixedClock) -> None:
    detected = datetime(2026, 11, 27, 13, 40, tzinfo=UTC)
    incident = store.create_incident(
        "  Payments failing  ", severity=Severity.CRITICAL, detected_at=detected, actor="ana"
    )
    assert incident.title == "Payments failing"
    assert incident.severity is Severity.CRITICAL
    assert incident.detected_at == detected
    assert incident.created_at == T0
    assert [p.state for p in store.phases(incident.id)] == [
        PhaseState.ACTIVE, *[PhaseState.LOCKED] * 5
    ]
    events = store.events(incident.id)
    assert [e.text for e in events] == ["Incident declared: Payments failing"]
    assert events[0].kind is EventKind.SYSTEM
    assert events[0].author == "ana"
    with pytest.raises(StoreError, match="needs a title"):
        store.create_incident("   ", actor="ana")


def test_unknown_incident_names_the_id(store: Store) -> None:
    with pytest.raises(StoreError, match="no incident #42"):
        store.incident(42)


def test_artifact_defaults_to_template_and_keeps_every_version(
    store: Store, clock: FixedClock
) -> None:
    incident = store.create_incident("x", actor="a")
    assert store.artifact_text(incident.id, 1).startswith("# [INC-1]: Triage Assessment")
    first = store.save_artifact(incident.id, 1, "one", actor="a")
    clock.advance(seconds=1)
    second = store.save_artifact(incident.id, 1, "two", actor="b")
    same = store.save_artifact(incident.id, 1, "two", actor="b")
    assert (first.version.version, second.version.version) == (1, 2)
    assert not same.created
    assert same.version.version == 2
    versions = store.artifact_versions(incident.id, 1)
    assert [(v.version, v.body, v.author) for v in versions] == [(1, "one", "a"), (2, "two", "b")]
    assert versions[1].base_version == 1


def test_save_on_an_older_version_is_kept_as_its_own_version(store: Store) -> None:
    incident = store.create_incident("x", actor="a")
    store.save_artifact(incident.id, 1, "ana's text", actor="ana", base_version=0)
    result = store.save_artifact(incident.id, 1, "bo's text", actor="bo", base_version=0)
    assert result.conflict
    assert result.created
    bodies = [v.body for v in store.artifact_versions(incident.id, 1)]
    assert bodies == ["ana's text", "bo's text"]
    assert store.latest_artifact(incident.id, 1).conflict
    assert any("both kept" in e.text for e in store.events(incident.id))


def test_locked_artifact_cannot_be_saved(store: Store) -> None:
    incident = store.create_incident("x", actor="a")
    with pytest.raises(TransitionError, match="INC-2 is locked until phase 1"):
        store.save_artifact(incident.id, 2, "too early", actor="a")
    assert store.artifact_versions(incident.id, 2) == []


def test_decision_is_recorded_and_unlocks(store: Store, clock: FixedClock) -> None:
    incident = store.create_incident("x", actor="a")
    store.save_artifact(incident.id, 1, "v1", actor="a")
    with pytest.raises(TransitionError, match="needs a comment"):
        store.decide(incident.id, 1, Verdict.SEND_BACK, reviewer="rita")
    # The refused decision left nothing behind: still active, no decision.
    assert store.machine(incident.id).state(1) is PhaseState.ACTIVE
    store.decide(incident.id, 1, Verdict.SEND_BACK, reviewer="rita", comment="impact?")
    assert store.machine(incident.id).state(1) is PhaseState.REVISE
    with pytest.raises(TransitionError, match="cannot pass a placeholder"):
        store.decide(incident.id, 1, Verdict.APPROVE, reviewer="rita", criteria_ticked=[1, 2, 3])
    store.save_artifact(incident.id, 1, FILLED_INC1, actor="a")
    clock.advance(minutes=5)
    store.decide(
        incident.id, 1, Verdict.APPROVE, reviewer="rita", criteria_ticked=[3, 1, 1, 2, 2]
    )
    decisions = store.decisions(incident.id)
    assert [(d.outcome, d.reviewer, d.artifact_version) for d in decisions] == [
        ("Revise", "rita", 1),
        ("Approved", "rita", 2),
    ]
    assert decisions[1].criteria_ticked == (1, 2, 3)
    assert decisions[1].checks == {1: True, 2: True, 3: True}
    assert decisions[1].decided_at == T0.replace(minute=5)
    assert store.machine(incident.id).state(2) is PhaseState.ACTIVE
    assert store.incident(incident.id).last_phase == 2  # the war room reopens on the new phase
    texts = [e.text for e in store.events(incident.id)]
    assert "INC-1 Revise by rita: impact?" in texts
    assert "INC-1 Approved by rita" in texts


def test_edit_after_approval_is_amended(store: Store) -> None:
    incident = store.create_incident("x", actor="a")
    store.save_artifact(incident.id, 1, FILLED_INC1, actor="a")
    store.decide(incident.id, 1, Verdict.APPROVE, reviewer="r")
    result = store.save_artifact(incident.id, 1, FILLED_INC1 + "\nNews.\n", actor="a")
    assert result.transition is not None
    assert store.machine(incident.id).state(1) is PhaseState.AMENDED
    assert result.version.after_approval
    texts = [e.text for e in store.events(incident.id)]
    assert "INC-1 amended after approval: needs re-review" in texts


def test_timeline_notes_and_pins(store: Store, clock: FixedClock) -> None:
    incident = store.create_incident("x", actor="a")
    at = datetime(2026, 11, 27, 13, 59, 30, tzinfo=UTC)
    pin = store.add_event(
        incident.id, EventKind.PIN, "ERROR db timeout", actor="a", occurred_at=at,
        source="/var/log/app.log", position=1234, level="error",
    )
    note = store.add_event(incident.id, EventKind.NOTE, "rolled back", actor="b")
    events = store.events(incident.id)
    assert events[0] == pin  # ordered by when it happened, not when recorded
    assert (pin.source, pin.position, pin.level) == ("/var/log/app.log", 1234, "error")
    assert note.occurred_at == T0
    with pytest.raises(StoreError, match="needs some text"):
        store.add_event(incident.id, EventKind.NOTE, " ", actor="a")


def test_sources_roles_actions_checklist(store: Store) -> None:
    incident = store.create_incident("x", actor="a")
    store.add_log_source(incident.id, "file", "/var/log/app.log")
    store.add_log_source(incident.id, "file", "/var/log/app.log")
    store.add_log_source(incident.id, "cmd", "journalctl -f")
    assert [(s.kind, s.spec) for s in store.log_sources(incident.id)] == [
        ("file", "/var/log/app.log"), ("cmd", "journalctl -f")
    ]
    store.set_role(incident.id, "incident commander", "ana", actor="ana")
    store.set_role(incident.id, "incident commander", "bo", actor="ana")
    assert [(r.role, r.person) for r in store.roles(incident.id)] == [("incident commander", "bo")]
    item = store.add_action_item(incident.id, "Add alert on p99", owner="bo", priority="P1")
    assert (item.title, item.status, item.priority) == ("Add alert on p99", "open", "P1")
    store.set_step(incident.id, 1, 2, True)
    store.set_step(incident.id, 1, 4, True)
    store.set_step(incident.id, 1, 4, False)
    assert store.steps_done(incident.id, 1) == {2}


def _writer(path: str, incident_id: int, who: str, count: int) -> None:
    with Store.open(Path(path)) as s:
        for n in range(count):
            s.add_event(incident_id, EventKind.NOTE, f"{who} {n}", actor=who)
            s.save_artifact(incident_id, 1, f"{who} {n}", actor=who)


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    with Store.open(path) as s:
        incident = s.create_incident("shared", actor="a")
    ctx = multiprocessing.get_context("spawn")
    procs = [
        ctx.Process(target=_writer, args=(str(path), incident.id, who, 40)) for who in "ab"
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    with Store.open(path) as s:
        notes = [e.text for e in s.events(incident.id) if e.kind is EventKind.NOTE]
        assert len(notes) == 80
        versions = s.artifact_versions(incident.id, 1)
        assert [v.version for v in versions] == list(range(1, len(versions) + 1))
        assert {v.body for v in versions} >= {"a 39", "b 39"}


def test_approval_needs_every_criterion_met_or_ticked(store: Store) -> None:
    incident = store.create_incident("x", actor="a")
    half = FILLED_INC1.replace("- Roll back checkout-api to v2.13.2\n- Page the payments on-call",
                               "- TBD")
    store.save_artifact(incident.id, 1, half, actor="a")
    with pytest.raises(TransitionError, match="criterion 3 .*Immediate actions"):
        store.decide(incident.id, 1, Verdict.APPROVE, reviewer="r")
    assert store.decisions(incident.id) == []
    # The reviewer may approve on their judgment: ticking the failing criterion, with a reason.
    with pytest.raises(TransitionError, match="needs a written reason"):
        store.decide(incident.id, 1, Verdict.APPROVE, reviewer="r", criteria_ticked=[3])
    store.decide(incident.id, 1, Verdict.APPROVE, reviewer="r", criteria_ticked=[3],
                 overrides={3: "the rollback is already running"})
    decision = store.decisions(incident.id)[0]
    assert decision.checks == {1: True, 2: True, 3: False}
    assert decision.criteria_ticked == (3,)
    assert decision.overrides == {3: "the rollback is already running"}
    assert ("INC-1 Approved by r; criterion 3 overridden by r: the rollback is already running"
            in [e.text for e in store.events(incident.id)])


def test_a_tick_cannot_pass_a_placeholder(store: Store) -> None:
    incident = store.create_incident("x", actor="a")
    half = FILLED_INC1.replace("- Roll back checkout-api to v2.13.2\n- Page the payments on-call",
                               "- <Action>\n- ...")
    store.save_artifact(incident.id, 1, half, actor="a")
    with pytest.raises(TransitionError,
                       match="Immediate Actions Needed .*cannot pass a placeholder"):
        store.decide(incident.id, 1, Verdict.APPROVE, reviewer="r", criteria_ticked=[1, 2, 3],
                     overrides={3: "trust me"})
    assert store.decisions(incident.id) == []


def test_an_ungated_phase_with_placeholders_cannot_be_completed(store: Store) -> None:
    incident = store.create_incident("x", actor="a")
    store.save_artifact(incident.id, 1, FILLED_INC1, actor="a")
    store.decide(incident.id, 1, Verdict.APPROVE, reviewer="r")
    store.save_artifact(incident.id, 2, (FILLED / "INC-2.md").read_text(), actor="a")
    store.decide(incident.id, 2, Verdict.APPROVE, reviewer="r")
    with pytest.raises(TransitionError, match="cannot complete INC-3: Audience, What Happened"):
        store.complete(incident.id, 3, actor="a")  # the untouched template
    assert store.machine(incident.id).state(3) is PhaseState.ACTIVE


def test_artifacts_feed_incident_severity_and_status(store: Store) -> None:
    incident = store.create_incident("x", actor="a")
    store.save_artifact(incident.id, 1, FILLED_INC1, actor="a")
    assert store.incident(incident.id).severity is Severity.CRITICAL
    store.decide(incident.id, 1, Verdict.APPROVE, reviewer="r")
    store.save_artifact(incident.id, 2, (FILLED / "INC-2.md").read_text(), actor="a")
    assert store.incident(incident.id).status.value == "Ongoing"
    store.decide(incident.id, 2, Verdict.APPROVE, reviewer="r")
    assert store.incident(incident.id).status.value == "Mitigated"
    texts = [e.text for e in store.events(incident.id)]
    assert "status set to Mitigated from INC-2 approved" in texts


def test_v1_database_migrates_and_indexes_what_it_held(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = connect(path, MIGRATIONS[:1])
    db.execute(
        "insert into incidents (uid, title, status, detected_at, created_at, workflow) "
        "values ('u1', 'Checkout outage', 'Ongoing', '2026-11-27T14:00:00+00:00', "
        "'2026-11-27T14:00:00+00:00', 'incident-response')"
    )
    db.execute(
        "insert into timeline_events (incident_id, kind, occurred_at, recorded_at, text, author)"
        " values (1, 'pin', '2026-11-27T14:00:00+00:00', '2026-11-27T14:00:00+00:00', "
        "'ERROR connection pool exhausted', 'ana')"
    )
    db.close()
    with Store.open(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        hits = store.db.execute(
            "select rowid from timeline_events_fts where timeline_events_fts match 'pools'"
        ).fetchall()
        assert hits == [(1,)]  # porter stemming: "pools" finds "pool"
        assert store.incident(1).title == "Checkout outage"
