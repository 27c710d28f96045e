"""The review across incidents: what each figure measures, and the arithmetic behind it.

Pure values in, figures out: the store gathers one IncidentFacts per incident
(its metrics from warroom.core.milestones, exactly as `warroom status` shows
them) and one ActionFacts per action item; `build_review` counts, groups and
takes medians. DEFINITIONS names every figure; the JSON, the README and the
screens quote those names, so a figure means the same thing everywhere.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal

from warroom.clock import iso

Grain = Literal["week", "month"]

#: The four durations, in workflow order: (name in Metrics, figure name, label).
METRICS: tuple[tuple[str, str, str], ...] = (
    ("detect", "time_to_detect", "TTD"),
    ("acknowledge", "time_to_acknowledge", "TTA"),
    ("mitigate", "time_to_mitigate", "TTM"),
    ("resolve", "time_to_resolve", "TTR"),
)
SEVERITIES = ("Critical", "Major", "Minor")
NO_SEVERITY = "unset"
#: A service or root-cause category seen in this many incidents or more recurs.
RECURS_FROM = 2

#: Every figure's name and what it measures. README's "Review definitions" quotes these.
DEFINITIONS: dict[str, str] = {
    "incidents_by_severity": (
        "Incidents per week (ISO week, Monday first) or calendar month of their detection "
        "time (UTC), counted by severity (Critical, Major, Minor, or unset)."
    ),
    "time_to_detect": (
        "Per incident: from started (impact began) to detected. Incidents with no started "
        "milestone are left out and counted as missing."
    ),
    "time_to_acknowledge": (
        "Per incident: from detected to acknowledged. Incidents with either milestone "
        "unknown are left out and counted as missing."
    ),
    "time_to_mitigate": (
        "Per incident: from started, or from detected when started is unknown, to mitigated. "
        "Incidents not mitigated are left out and counted as missing."
    ),
    "time_to_resolve": (
        "Per incident: from started, or from detected when started is unknown, to resolved. "
        "Incidents not resolved are left out and counted as missing."
    ),
    "median": (
        "The middle value of the incidents counted (the mean of the two middle values when "
        "their number is even)."
    ),
    "p90": (
        "Nearest rank: the smallest value at least 90% of the incidents counted do not "
        "exceed (the ceil(0.9 n)-th value in increasing order)."
    ),
    "out_of_order": (
        "Incidents whose two milestones are in the wrong order (a negative duration): "
        "left out of the median and p90 and counted apart."
    ),
    "gate_send_backs": (
        "Gate decisions that sent a phase back (Revise), by phase; Mitigation insufficient "
        "is counted apart."
    ),
    "mitigation_insufficient_rounds": (
        "INC-2 gate decisions judged Mitigation insufficient: mitigations that did not hold."
    ),
    "late_stakeholder_updates": (
        "Next-update times promised in INC-3 that the next INC-3 version (or INC-3's "
        "completion) met more than one minute late, out of the promises that came due."
    ),
    "action_items": (
        "Action items of the incidents in the report, by owner and by priority: opened "
        "(every item), done, and overdue (open or in progress with a due date before today)."
    ),
    "action_item_burn_down": (
        "Action items still open at the end of each week or month: opened by then minus "
        "done or dropped by then."
    ),
    "recurring_services": (
        "Services named in INC-1's Services affected, by the number of incidents naming "
        "them (any case); two incidents or more is a recurrence."
    ),
    "recurring_root_causes": (
        "Root-cause categories read from INC-4 (a 'Category:' line, else keywords in Root "
        "Cause then Triggering Event), by the number of incidents; two or more recur."
    ),
}

#: Root-cause categories, first match wins; matched as words in INC-4's Root Cause text,
#: then its Triggering Event. A "Category: X" line in either names one directly.
ROOT_CAUSE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "certificate": ("certificate", "cert", "tls", "ssl", "expired", "expiry"),
    "configuration": ("config", "configuration", "misconfiguration", "misconfigured",
                      "feature flag", "flag", "setting", "settings", "typo"),
    "deploy": ("deploy", "deployed", "deployment", "release", "rollout", "roll-out", "canary",
               "upgrade", "upgraded", "version"),
    "capacity": ("capacity", "saturation", "saturated", "exhausted", "exhaustion", "oom",
                 "out of memory", "disk full", "quota", "rate limit", "connection pool",
                 "traffic spike", "load"),
    "dependency": ("dependency", "third-party", "third party", "upstream", "vendor",
                   "provider", "dns", "cdn", "external"),
    "data": ("schema", "migration", "corrupt", "corrupted", "corruption", "bad data",
             "index", "replication"),
    "infrastructure": ("hardware", "network", "node", "host", "power", "zone", "region",
                       "kernel", "disk failure"),
    "code defect": ("bug", "regression", "null", "exception", "race", "deadlock", "leak",
                    "off-by-one", "logic"),
}
OTHER_CAUSE = "other"
_CATEGORY_LINE = re.compile(r"^\W*category\W*:\s*\**\s*([^\n*]+?)\s*\**\s*$",
                            re.IGNORECASE | re.MULTILINE)
_CATEGORY_WORDS = {
    name: re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)
    for name, words in ROOT_CAUSE_CATEGORIES.items()
}


def root_cause_category(root_cause: str | None, trigger: str | None) -> str | None:
    """The category of an INC-4, or None when neither section is written yet."""
    texts = [t for t in (root_cause, trigger) if t and t.strip()]
    if not texts:
        return None
    for text in texts:
        if match := _CATEGORY_LINE.search(text):
            return " ".join(match[1].lower().split())[:40]
    for text in texts:
        for name, words in _CATEGORY_WORDS.items():
            if words.search(text):
                return name
    return OTHER_CAUSE


@dataclass(frozen=True, slots=True)
class IncidentFacts:
    """What the review reads of one incident; durations as `warroom status` computes them."""

    id: int
    title: str
    severity: str | None
    status: str
    detected_at: datetime
    durations: dict[str, timedelta | None]  # "detect", "acknowledge", ... (None: missing)
    services: tuple[str, ...] = ()
    root_cause: str | None = None  # its category
    send_backs: dict[str, int] = field(default_factory=dict)  # artifact code -> Revise count
    mitigation_insufficient: int = 0
    updates_kept: int = 0
    updates_late: int = 0


@dataclass(frozen=True, slots=True)
class ActionFacts:
    """One action item, as the review counts it."""

    incident_id: int
    owner: str | None
    priority: str | None
    status: str
    due: str | None  # YYYY-MM-DD
    created_at: datetime
    done_at: datetime | None = None
    updated_at: datetime | None = None


def is_overdue(status: str, due: str | None, today: date) -> bool:
    """Open or in progress with a due date before today (the `warroom actions` rule)."""
    return bool(due) and status in ("open", "in progress") and (due or "") < today.isoformat()


def median(values: Sequence[float]) -> float | None:
    """The middle value (mean of the two middles for an even count); None for none."""
    ordered = sorted(values)
    n = len(ordered)
    if not n:
        return None
    mid = n // 2
    return float(ordered[mid]) if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def p90(values: Sequence[float]) -> float | None:
    """Nearest-rank 90th percentile: the ceil(0.9 n)-th smallest value; None for none."""
    ordered = sorted(values)
    if not ordered:
        return None
    return float(ordered[max(1, math.ceil(0.9 * len(ordered))) - 1])


def period_of(at: datetime, grain: Grain) -> str:
    """The week ("2026-W48", ISO) or month ("2026-11") a UTC time falls in."""
    return _period_of_day(at.astimezone(UTC).date(), grain)


@lru_cache(maxsize=4096)
def _period_of_day(day: date, grain: Grain) -> str:
    if grain == "month":
        return f"{day.year:04d}-{day.month:02d}"
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def periods_between(start: datetime, end: datetime, grain: Grain) -> list[str]:
    """Every period from the one holding `start` to the one holding `end`, in order."""
    found: list[str] = []
    at = start.astimezone(UTC)
    step = timedelta(days=7 if grain == "week" else 1)
    while at <= end:
        key = period_of(at, grain)
        if not found or found[-1] != key:
            found.append(key)
        at += step
    last = period_of(end, grain)
    if not found or found[-1] != last:
        found.append(last)
    return found


@dataclass(frozen=True, slots=True)
class Scope:
    """Which incidents a review covers: detected in [since, until), of a severity/service."""

    since: datetime | None = None
    until: datetime | None = None
    severity: str | None = None
    service: str | None = None

    def admits(self, facts: IncidentFacts) -> bool:
        if self.since is not None and facts.detected_at < self.since:
            return False
        if self.until is not None and facts.detected_at >= self.until:
            return False
        if self.severity is not None and facts.severity != self.severity:
            return False
        wanted = (self.service or "").casefold()
        return not wanted or any(s.casefold() == wanted for s in facts.services)


@dataclass(frozen=True, slots=True)
class DurationFigure:
    """Median and p90 of one metric over the incidents that have it."""

    name: str
    label: str
    count: int
    median: float | None  # seconds
    p90: float | None
    missing: int
    out_of_order: int


@dataclass
class Review:
    """Every figure of the review; `as_json` gives them with their definitions' names."""

    scope: Scope
    grain: Grain
    today: date
    incidents: int
    periods: list[str]
    by_severity: dict[str, dict[str, int]]  # period -> severity -> count
    durations: list[DurationFigure]
    durations_by_period: dict[str, dict[str, float | None]]  # period -> metric -> median
    send_backs: dict[str, int]  # artifact code -> count
    incidents_sent_back: int
    mitigation_insufficient: int
    incidents_mitigation_insufficient: int
    updates_due: int
    updates_late: int
    incidents_late_update: int
    actions_by_owner: dict[str, dict[str, int]]  # owner -> opened/done/overdue
    actions_by_priority: dict[str, dict[str, int]]
    actions_total: dict[str, int]
    burn_down: dict[str, int]  # period -> open at its end
    services: list[tuple[str, int]]  # most incidents first
    root_causes: list[tuple[str, int]]
    no_root_cause: int

    def duration(self, name: str) -> DurationFigure:
        return next(d for d in self.durations if d.name == name)

    def as_json(self) -> dict[str, Any]:
        """Plain JSON values: every figure names its definition; durations in seconds."""
        s = self.scope
        figures: dict[str, Any] = {
            "incidents_by_severity": {
                "definition": "incidents_by_severity",
                "by": self.grain,
                "periods": [{"period": p, **self.by_severity[p]} for p in self.periods],
                "total": {sev: sum(self.by_severity[p][sev] for p in self.periods)
                          for sev in (*SEVERITIES, NO_SEVERITY)},
            },
        }
        for d in self.durations:
            figures[d.name] = {
                "definition": d.name, "label": d.label, "incidents": d.count,
                "median_seconds": _seconds(d.median), "p90_seconds": _seconds(d.p90),
                "missing": d.missing, "out_of_order": d.out_of_order,
                "median_seconds_by_period": {
                    p: _seconds(self.durations_by_period[p][d.name]) for p in self.periods
                },
            }
        figures["gate_send_backs"] = {
            "definition": "gate_send_backs", "total": sum(self.send_backs.values()),
            "by_phase": self.send_backs, "incidents": self.incidents_sent_back,
        }
        figures["mitigation_insufficient_rounds"] = {
            "definition": "mitigation_insufficient_rounds", "total": self.mitigation_insufficient,
            "incidents": self.incidents_mitigation_insufficient,
        }
        figures["late_stakeholder_updates"] = {
            "definition": "late_stakeholder_updates", "late": self.updates_late,
            "due": self.updates_due, "incidents": self.incidents_late_update,
        }
        figures["action_items"] = {
            "definition": "action_items", "total": self.actions_total,
            "by_owner": self.actions_by_owner, "by_priority": self.actions_by_priority,
        }
        figures["action_item_burn_down"] = {
            "definition": "action_item_burn_down",
            "periods": [{"period": p, "open": self.burn_down[p]} for p in self.periods],
        }
        figures["recurring_services"] = {
            "definition": "recurring_services",
            "services": [{"service": n, "incidents": c, "recurs": c >= RECURS_FROM}
                         for n, c in self.services],
        }
        figures["recurring_root_causes"] = {
            "definition": "recurring_root_causes",
            "categories": [{"category": n, "incidents": c, "recurs": c >= RECURS_FROM}
                           for n, c in self.root_causes],
            "no_root_cause_yet": self.no_root_cause,
        }
        return {
            "scope": {
                "since": iso(s.since) if s.since else None,
                "until": iso(s.until) if s.until else None,
                "severity": s.severity, "service": s.service, "by": self.grain,
                "today": self.today.isoformat(), "incidents": self.incidents,
            },
            "figures": figures,
            "definitions": {name: DEFINITIONS[name] for name in DEFINITIONS},
        }


def _seconds(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 1)


def default_grain(since: datetime | None, until: datetime | None) -> Grain:
    """Weeks for a quarter or less, months beyond."""
    if since is None or until is None:
        return "month"
    return "week" if until - since <= timedelta(days=92) else "month"


def build_review(
    incidents: Iterable[IncidentFacts],
    actions: Iterable[ActionFacts],
    *,
    scope: Scope,
    today: date,
    now: datetime,
    grain: Grain | None = None,
) -> Review:
    """Every figure over the incidents the scope admits and their action items."""
    chosen = sorted((f for f in incidents if scope.admits(f)), key=lambda f: f.detected_at)
    ids = {f.id for f in chosen}
    items = [a for a in actions if a.incident_id in ids]
    start = scope.since or (chosen[0].detected_at if chosen else now)
    end = min(scope.until, now) if scope.until else now
    end = max(end, chosen[-1].detected_at if chosen else end)
    grain = grain or default_grain(start, end)
    periods = periods_between(start, end, grain)

    by_severity = {p: dict.fromkeys((*SEVERITIES, NO_SEVERITY), 0) for p in periods}
    values: dict[str, list[float]] = defaultdict(list)
    by_period: dict[str, dict[str, list[float]]] = {p: defaultdict(list) for p in periods}
    missing: Counter[str] = Counter()
    backwards: Counter[str] = Counter()
    send_backs: Counter[str] = Counter()
    services: Counter[str] = Counter()
    spelled: dict[str, str] = {}
    causes: Counter[str] = Counter()
    sent_back = insufficient = insufficient_incidents = 0
    due = late = late_incidents = no_cause = 0
    for f in chosen:
        period = period_of(f.detected_at, grain)
        row = by_severity.setdefault(period, dict.fromkeys((*SEVERITIES, NO_SEVERITY), 0))
        row[f.severity if f.severity in SEVERITIES else NO_SEVERITY] += 1
        for key, name, _label in METRICS:
            value = f.durations.get(key)
            if value is None:
                missing[name] += 1
            elif value < timedelta(0):
                backwards[name] += 1
            else:
                seconds = int(value.total_seconds())  # whole seconds, as `warroom status`
                values[name].append(seconds)
                by_period.setdefault(period, defaultdict(list))[name].append(seconds)
        send_backs.update(f.send_backs)
        sent_back += bool(sum(f.send_backs.values()))
        insufficient += f.mitigation_insufficient
        insufficient_incidents += bool(f.mitigation_insufficient)
        due += f.updates_kept + f.updates_late
        late += f.updates_late
        late_incidents += bool(f.updates_late)
        for service in {s.casefold(): s for s in f.services}.items():
            services[service[0]] += 1
            spelled.setdefault(service[0], service[1])
        if f.root_cause is None:
            no_cause += 1
        else:
            causes[f.root_cause] += 1

    durations = [
        DurationFigure(name, label, len(values[name]), median(values[name]), p90(values[name]),
                       missing[name], backwards[name])
        for _key, name, label in METRICS
    ]
    durations_by_period = {
        p: {name: median(by_period[p][name]) for _k, name, _l in METRICS} for p in periods
    }
    owners, priorities, total, burn = _actions(items, periods, grain, today)
    return Review(
        scope=scope, grain=grain, today=today, incidents=len(chosen), periods=periods,
        by_severity={p: by_severity[p] for p in periods}, durations=durations,
        durations_by_period=durations_by_period,
        send_backs=dict(sorted(send_backs.items())), incidents_sent_back=sent_back,
        mitigation_insufficient=insufficient,
        incidents_mitigation_insufficient=insufficient_incidents,
        updates_due=due, updates_late=late, incidents_late_update=late_incidents,
        actions_by_owner=owners, actions_by_priority=priorities, actions_total=total,
        burn_down=burn,
        services=sorted(((spelled[k], c) for k, c in services.items()),
                        key=lambda sc: (-sc[1], sc[0].casefold())),
        root_causes=sorted(causes.items(), key=lambda cc: (-cc[1], cc[0])),
        no_root_cause=no_cause,
    )


def _actions(
    items: list[ActionFacts], periods: list[str], grain: Grain, today: date
) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]], dict[str, int], dict[str, int]]:
    """Opened, done and overdue by owner and by priority; open items at each period's end."""
    owners: dict[str, dict[str, int]] = {}
    priorities: dict[str, dict[str, int]] = {}
    total = {"opened": 0, "done": 0, "overdue": 0}
    opened_in: Counter[str] = Counter()
    closed_in: Counter[str] = Counter()
    for a in items:
        counts = {"opened": 1, "done": int(a.status == "done"),
                  "overdue": int(is_overdue(a.status, a.due, today))}
        for table, key in ((owners, a.owner or "(no owner)"),
                           (priorities, a.priority or "(no priority)")):
            row = table.setdefault(key, {"opened": 0, "done": 0, "overdue": 0})
            for k, v in counts.items():
                row[k] += v
        for k, v in counts.items():
            total[k] += v
        opened_in[period_of(a.created_at, grain)] += 1
        if a.status in ("done", "dropped"):
            closed = a.done_at or a.updated_at or a.created_at
            closed_in[period_of(closed, grain)] += 1
    burn: dict[str, int] = {}
    # Items opened or closed before the first period count toward its start.
    first = periods[0] if periods else ""
    running = sum(c for p, c in opened_in.items() if p < first) \
        - sum(c for p, c in closed_in.items() if p < first)
    for p in periods:
        running += opened_in[p] - closed_in[p]
        burn[p] = running
    return (dict(sorted(owners.items(), key=lambda kv: (-kv[1]["opened"], kv[0]))),
            dict(sorted(priorities.items())), total, burn)
