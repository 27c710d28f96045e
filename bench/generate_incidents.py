"""Make a warroom database of many past incidents, for `warroom report` and its screen.

    /work/venv/bin/python bench/generate_incidents.py /tmp/review.db 10000 [--seed 7]

Rows are written straight into a database the store created and migrated (the
Store API would parse and check every artifact: hours for 10,000 incidents),
shaped as warroom writes them: incidents with their six phase states, INC-1
(services), one to three INC-3 versions (next update promised, kept or late),
INC-4 (a root cause), gate decisions (some sent back, some Mitigation
insufficient), milestones (set from events, decisions or by hand; some left to
the defaults), "INC-3 completed" audit entries and action items. Deterministic
for a seed. Also imported by tests (`generate(path, n, seed)`).
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from warroom.store.store import Store  # noqa: E402

SERVICES = ("checkout", "payments", "search", "auth", "api-gateway", "inventory", "email",
            "ledger", "cdn-edge", "recommendations", "Checkout")  # one spelled twice
CAUSES = (
    "A config change set the pool size to 5 instead of 50.",
    "The v2.14.0 deploy introduced a regression in the retry path.",
    "The upstream DNS provider returned SERVFAIL for our zone.",
    "The database connection pool was exhausted under a traffic spike.",
    "The TLS certificate for api.example.com expired at midnight.",
    "A schema migration locked the orders table for 12 minutes.",
    "A race condition in the cache invalidation dropped writes.",
    "A node in zone b lost its network link after a kernel update.",
    "Something nobody can name yet was slow.",
)
OWNERS = ("ana", "bo", "chen", "dara", "eli", None)
PRIORITIES = ("P0", "P1", "P2", None)
STATUSES = ("open", "in progress", "done", "done", "dropped")
SEVERITIES = ("Critical", "Major", "Major", "Minor", "Minor", None)


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()


def _inc1(severity: str | None, services: list[str]) -> str:
    return (
        f"# [INC-1]: Triage Assessment\n\n## Severity\n{severity or '<Critical / Major / Minor>'}"
        "\n\n## Impact\n- **Users affected:** some EU users\n"
        f"- **Services affected:** {', '.join(services)}\n- **Data impact:** None\n\n"
        "## Status\nResolved\n\n## Timeline\n- 13:55Z — alert fired\n\n"
        "## Initial Hypothesis\nA bad change.\n\n## Immediate Actions Needed\n- Roll back\n"
    )


def _inc3(status: str, next_update: str) -> str:
    return (
        "# [INC-3]: Stakeholder Communication\n\n## Audience\nSupport, customers\n\n"
        "## Message\n\n### What Happened\nCheckout failed for some users.\n\n"
        f"### Current Status\n{status}\n\n### What We're Doing\nRolling back.\n\n"
        f"### Next Update\n{next_update}\n"
    )


def _inc4(cause: str) -> str:
    return (
        "# [INC-4]: Root Cause Analysis\n\n## Detailed Timeline\n"
        "- 13:50Z — deploy — deploy log\n\n## Triggering Event\nA routine change.\n\n"
        "## Causal Chain\n1. change → errors\n\n"
        f"## Root Cause\n{cause}\n\n## Contributing Factors\n- No canary\n\n"
        "## Systemic Factors\n- Reviews skip config\n"
    )


def generate(path: Path, count: int, seed: int = 7, *, end: datetime | None = None) -> None:
    """Write `count` incidents detected over the year before `end` into a new database."""
    rng = random.Random(seed)
    Store.open(path).close()  # create and migrate
    end = end or datetime(2026, 12, 1, tzinfo=UTC)
    db = sqlite3.connect(path)
    incidents, phases, versions, decisions, milestones, events, actions = ([] for _ in range(7))
    next_version_id = 1
    for n in range(1, count + 1):
        detected = end - timedelta(seconds=rng.randrange(365 * 86400))
        severity = rng.choice(SEVERITIES)
        ack_after = timedelta(seconds=rng.randrange(30, 1800))
        created = detected + ack_after
        finished = rng.random() < 0.85
        incidents.append((n, str(uuid.UUID(int=rng.getrandbits(128))), f"Incident {n}", severity,
                          "Resolved" if finished else "Ongoing", _iso(detected), _iso(created),
                          "incident-response", 6 if finished else 2))
        for phase in range(1, 7):
            state = ("approved" if phase in (1, 2, 4, 5) else "completed") if finished else \
                ("approved" if phase == 1 else "active" if phase == 2 else "locked")
            phases.append((n, phase, state, _iso(created)))
        services = rng.sample(SERVICES, rng.choice((1, 1, 2)))
        saved = created + timedelta(minutes=5)
        bodies = [(1, 1, _inc1(severity, services), saved)]
        if finished:
            at = saved
            for v in range(1, rng.choice((1, 2, 3)) + 1):
                promise = rng.choice((30, 60))
                bodies.append((3, v, _inc3("Investigating", f"in {promise} minutes"), at))
                at += timedelta(minutes=promise + rng.choice((0, 0, 0, 10)))
            bodies.append((4, 1, _inc4(rng.choice(CAUSES)), at + timedelta(days=2)))
            events.append((n, "system", _iso(at), _iso(at), "INC-3 completed", "gen"))
        for phase, version, body, at in bodies:
            versions.append((next_version_id, n, phase, version, body, "gen", _iso(at)))
            next_version_id += 1
        for phase in (1, 2, 4) if finished else (1,):
            for _ in range(rng.choice((0, 0, 0, 1, 2))):
                outcome = "Mitigation insufficient" if phase == 2 else "Revise"
                decisions.append((n, phase, "send_back", outcome, "rita", _iso(saved), "x"))
            decisions.append((n, phase, "approve", "Approve", "rita", _iso(saved), ""))
        started = detected - timedelta(seconds=rng.randrange(60, 3600))
        if rng.random() < 0.6:
            milestones.append((n, "started", _iso(started), None, "manual"))
        if rng.random() < 0.3:  # acknowledged set by hand; else the default (declared)
            milestones.append((n, "acknowledged", _iso(detected + ack_after / 2), None, "manual"))
        if finished:
            mitigated = detected + timedelta(seconds=rng.randrange(300, 4 * 3600))
            milestones.append((n, "mitigated", _iso(mitigated), None, "decision"))
            if rng.random() < 0.02:  # a typo: resolved before it was detected
                milestones.append((n, "resolved", _iso(detected - timedelta(minutes=5)),
                                   None, "manual"))
            else:
                milestones.append((n, "resolved", _iso(mitigated + timedelta(
                    seconds=rng.randrange(600, 2 * 86400))), None, "status"))
            for _ in range(rng.choice((0, 1, 2, 3))):
                status = rng.choice(STATUSES)
                made = created + timedelta(days=3)
                due = (made + timedelta(days=rng.randrange(1, 60))).date().isoformat()
                done = made + timedelta(days=rng.randrange(1, 40)) if status == "done" else None
                actions.append((n, f"Follow-up {n}", rng.choice(OWNERS), rng.choice(PRIORITIES),
                                None, status, due, _iso(made), _iso(done or made), "INC-5 #1",
                                _iso(done) if done else None))
    with db:
        db.executemany("insert into incidents (id, uid, title, severity, status, detected_at, "
                       "created_at, workflow, last_phase) values (?,?,?,?,?,?,?,?,?)", incidents)
        db.executemany("insert into phase_states values (?,?,?,?)", phases)
        db.executemany("insert into artifact_versions (id, incident_id, phase, version, body, "
                       "author, saved_at) values (?,?,?,?,?,?,?)", versions)
        db.executemany("insert into gate_decisions (incident_id, phase, verdict, outcome, "
                       "reviewer, decided_at, comment) values (?,?,?,?,?,?,?)", decisions)
        db.executemany("insert into milestones (incident_id, kind, at, event_id, origin, set_by, "
                       "set_at) values (?,?,?,?,?,'gen',?)",
                       [(*m, m[2]) for m in milestones])
        db.executemany("insert into timeline_events (incident_id, kind, occurred_at, recorded_at,"
                       " text, author) values (?,?,?,?,?,?)", events)
        db.executemany("insert into action_items (incident_id, title, owner, priority, horizon, "
                       "status, due, created_at, updated_at, origin, done_at) "
                       "values (?,?,?,?,?,?,?,?,?,?,?)", actions)
    db.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("count", type=int, nargs="?", default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.path.exists():
        parser.error(f"{args.path} exists; give a new file")
    began = time.perf_counter()
    generate(args.path, args.count, args.seed)
    print(json.dumps({"incidents": args.count, "path": str(args.path),
                      "seconds": round(time.perf_counter() - began, 2)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
