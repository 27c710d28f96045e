"""The review read from a database: the same per-incident figures as `warroom status`,
the same late updates and send-backs as the post-mortem hints, and the facts cache."""

from __future__ import annotations

import importlib.util
import json
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest

from warroom.cli.main import main
from warroom.clock import FixedClock
from warroom.core.models import Severity
from warroom.core.review import Scope
from warroom.core.state import Verdict
from warroom.store import post_mortem
from warroom.store import review as store_review
from warroom.store.db import StorageFault
from warroom.store.store import Store

ROOT = Path(__file__).resolve().parents[2]
WARROOM = Path(sys.executable).parent / "warroom"
T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_incidents",
                                                  ROOT / "bench" / "generate_incidents.py")
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("review") / "generated.db"
    generator().generate(path, 40, seed=3)
    return path


def test_per_incident_figures_equal_warroom_status(
    generated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each incident's four durations in the review are what `warroom status --json` says,
    and the report's medians are the medians of those values."""
    with Store.open(generated) as store:
        facts, unreadable = store_review.incident_facts(store)
        review, _ = store_review.build(store, Scope())
    assert unreadable == 0
    assert len(facts) == 40
    from_status: dict[str, list[float]] = {m: [] for m in
                                           ("detect", "acknowledge", "mitigate", "resolve")}
    missing = dict.fromkeys(from_status, 0)
    for f in facts:
        assert main(["--db", str(generated), "status", str(f.id), "--json"]) == 0
        metrics = json.loads(capsys.readouterr().out)["metrics"]
        for name in from_status:
            shown = metrics[f"time_to_{name}"]
            mine = f.durations[name]
            assert (shown is None) == (mine is None), (f.id, name)
            if shown is None:
                missing[name] += 1
                continue
            assert shown["seconds"] == int(mine.total_seconds()), (f.id, name)
            if shown["seconds"] >= 0:
                from_status[name].append(shown["seconds"])
    for name, values in from_status.items():
        figure = review.duration(f"time_to_{name}")
        assert figure.count == len(values)
        assert figure.missing == missing[name]
        assert figure.median == (statistics.median(values) if values else None)


def test_cli_report_json_matches_the_store(generated: Path) -> None:
    env = {"WARROOM_DB": str(generated), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([str(WARROOM), "report", "--since", "all", "--json"], env=env,
                         capture_output=True, text=True, timeout=60, check=True).stdout
    data = json.loads(out)
    with Store.open(generated) as store:
        review, _ = store_review.build(store, Scope())
    assert data["scope"]["incidents"] == 40
    assert data["figures"] == review.as_json()["figures"]
    assert set(data["definitions"]) >= set(data["figures"])


INC3 = (
    "# [INC-3]: Stakeholder Communication\n\n## Audience\nSupport\n\n## Message\n\n"
    "### What Happened\nCheckout failed.\n\n### Current Status\nInvestigating\n\n"
    "### What We're Doing\nRolling back.\n\n### Next Update\n{next}\n"
)


def test_send_backs_and_late_updates_agree_with_the_hints(tmp_path: Path) -> None:
    clock = FixedClock(T0)
    with Store.open(tmp_path / "w.db", clock=clock) as store:
        incident = store.create_incident("Checkout 5xx", severity=Severity.CRITICAL, actor="ana")
        filled = ROOT / "tests" / "fixtures" / "filled"
        store.save_artifact(incident.id, 1, (filled / "INC-1.md").read_text(), actor="ana")
        store.decide(incident.id, 1, Verdict.SEND_BACK, reviewer="rita", comment="no impact")
        store.save_artifact(incident.id, 1, (filled / "INC-1.md").read_text() + "\n", actor="ana")
        store.decide(incident.id, 1, Verdict.APPROVE, reviewer="rita")
        store.save_artifact(incident.id, 2, (filled / "INC-2-weak.md").read_text(), actor="ana")
        store.decide(incident.id, 2, Verdict.SEND_BACK, reviewer="rita", comment="not holding")
        store.save_artifact(incident.id, 2, (filled / "INC-2.md").read_text(), actor="ana")
        store.decide(incident.id, 2, Verdict.APPROVE, reviewer="rita")
        # INC-3: promised in 30 min, came 45 min later (late); then in 30, came in 30 (kept).
        store.save_artifact(incident.id, 3, INC3.format(next="in 30 minutes"), actor="cy")
        clock.advance(minutes=45)
        store.save_artifact(incident.id, 3, INC3.format(next="in 30 minutes (again)"), actor="cy")
        clock.advance(minutes=30)
        store.save_artifact(incident.id, 3, INC3.format(next="none planned"), actor="cy")
        hints = {h.kind: h.text for h in post_mortem.hints(store, incident.id)}
        (facts,), _ = store_review.incident_facts(store)
    assert "late 1 of 2 times" in hints["overdue_updates"]
    assert (facts.updates_late, facts.updates_kept) == (1, 1)
    assert facts.send_backs == {"INC-1": 1}
    assert facts.mitigation_insufficient == 1
    assert "Mitigation insufficient once" in hints["mitigation_insufficient"]
    assert "INC-1 was sent back" in hints["send_back"]
    assert facts.services  # INC-1's Services affected


def test_artifact_facts_are_read_once_then_kept(generated: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(generated.read_bytes())
    with Store.open(copy) as store:
        first = store_review.incident_facts(store)[0]
        kept = store.db.execute("select count(*) from artifact_facts").fetchone()[0]
        assert kept > 40
        calls = []
        monkeypatch.setattr(store_review, "read_facts",
                            lambda *a: calls.append(a) or {})  # type: ignore[func-returns-value]
        assert store_review.incident_facts(store)[0] == first
        assert calls == []
        # A new version is read; the others come from the cache.
        row = store.db.execute(
            "select incident_id, phase, body from artifact_versions where phase = 1 limit 1"
        ).fetchone()
        store.save_artifact(row[0], 1, row[2] + "\n", actor="ana")
        store_review.incident_facts(store)
        assert len(calls) == 1
    # A change to the code that reads artifacts makes every kept fact stale.
    monkeypatch.setattr(store_review, "reader_digest", lambda: "another")
    with Store.open(copy) as store:
        store_review.incident_facts(store)
    assert len(calls) > 40


def test_a_file_that_refuses_writes_still_gives_the_review(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reviewer's read-only copy: the facts are read but not kept, and the figures agree."""
    copy = tmp_path / "ro.db"
    copy.write_bytes(generated.read_bytes())
    with Store.open(copy) as store:
        expected = store_review.build(store, Scope())[0].as_json()["figures"]
        store.db.execute("delete from artifact_facts")
        store.db.conn.commit()

        def refuse(db: object) -> None:
            raise StorageFault("database is read-only", "open it writable to keep the facts")

        monkeypatch.setattr("warroom.store.db.write_lock", refuse)
        assert store_review.build(store, Scope())[0].as_json()["figures"] == expected
        assert store.db.execute("select count(*) from artifact_facts").fetchone()[0] == 0
