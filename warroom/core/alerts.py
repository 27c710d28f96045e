"""Alert webhook payloads read into one `Alert`, and the INC-1 draft an alert gives.

Three senders, told apart by the payload's shape (no flag to get wrong at 3 a.m.):

- Prometheus Alertmanager, webhook version 4: `alerts` list, `commonLabels`, ...
- Grafana alerting: the unified-alerting webhook (Alertmanager's shape plus `orgId`,
  `title`, `state`, and `dashboardURL`/`panelURL`/`valueString` on each alert), and
  the legacy dashboard-alert webhook (`ruleName`, `state`, `evalMatches`).
- PagerDuty v3 webhooks: an `event` object with `event_type` "incident.*" and `data`.

A payload whose alerts are all resolved still parses: `status` is "resolved", the
detection time is the earliest start, and the draft's timeline also says when it
resolved. The payload is untrusted text: titles and summaries are flattened so they
cannot add Markdown headings or code fences to the artifact.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict

from warroom.clock import iso
from warroom.core.markdown import find_section, is_placeholder, list_items, replace_section
from warroom.core.models import Severity

Source = Literal["alertmanager", "grafana", "pagerduty"]

_SHAPES = "not an Alertmanager, Grafana or PagerDuty v3 payload"
_TITLE_LIMIT = 200
_SUMMARY_LIMIT = 2000
#: Label keys that name a severity, most specific first.
_SEVERITY_KEYS = ("severity", "priority", "urgency")
_SEVERITY_WORDS = {
    Severity.CRITICAL: {"critical", "crit", "page", "paging", "emergency", "fatal", "disaster",
                        "high"},
    Severity.MAJOR: {"warning", "warn", "major", "error", "err", "medium"},
    Severity.MINOR: {"info", "informational", "minor", "low", "notice"},
}
_RANKED = re.compile(r"^(?:p|sev|severity)[\s_-]*(\d+)$")
_GRAFANA_KEYS = ("orgId", "title", "state")
_GRAFANA_ALERT_KEYS = ("valueString", "dashboardURL", "panelURL", "silenceURL")
_GRAFANA_TITLE_PREFIX = re.compile(r"^\s*\[(?:firing|resolved|alerting|ok)(?::\s*\d+)?\]\s*",
                                   re.IGNORECASE)


class AlertError(ValueError):
    """A payload that cannot be read as an alert; the message names what is missing."""


class Alert(BaseModel):
    """What an alert tells about a new incident, whichever tool sent it."""

    model_config = ConfigDict(frozen=True)

    source: Source
    title: str
    detected_at: AwareDatetime
    severity: Severity | None = None
    services: list[str] = []
    labels: dict[str, str] = {}
    summary: str | None = None
    url: str | None = None
    status: Literal["firing", "resolved"] = "firing"
    resolved_at: AwareDatetime | None = None
    alert_count: int = 1
    #: False when the payload carried no time (legacy Grafana) and arrival time was used.
    time_from_payload: bool = True


def map_severity(value: object) -> Severity | None:
    """A label value such as "critical", "P2", "sev-1" or "high" as the seed's severity."""
    if not isinstance(value, str):
        return None
    word = value.strip().lower()
    if ranked := _RANKED.match(word):
        rank = int(ranked[1])
        return Severity.CRITICAL if rank <= 1 else Severity.MAJOR if rank == 2 else Severity.MINOR
    return next((sev for sev, words in _SEVERITY_WORDS.items() if word in words), None)


def parse_alert(payload: object, *, received_at: datetime | None = None) -> Alert:
    """Read a decoded webhook payload; raise AlertError saying what is missing.

    `received_at` stands in for the detection time when the payload has none
    (only the legacy Grafana webhook); without it such a payload is refused.
    """
    if not isinstance(payload, dict):
        raise AlertError(f"{_SHAPES}: expected a JSON object, got {_kind(payload)}")
    if "event" in payload:
        return _pagerduty(payload)
    if "messages" in payload:
        raise AlertError("PagerDuty v2 webhooks ('messages') are not supported; "
                         "subscribe a v3 webhook instead")
    if "alerts" in payload:
        items = payload["alerts"] if isinstance(payload["alerts"], list) else []
        grafana = any(k in payload for k in _GRAFANA_KEYS) or any(
            isinstance(a, dict) and any(k in a for k in _GRAFANA_ALERT_KEYS) for a in items
        )
        return _alertmanager(payload, "grafana" if grafana else "alertmanager")
    if "ruleName" in payload or "evalMatches" in payload:
        return _grafana_legacy(payload, received_at)
    keys = ", ".join(repr(_one_line(str(k), 40)) for k in list(payload)[:8])
    found = f"; its keys are {keys}" if keys else "; the object is empty"
    raise AlertError(f"{_SHAPES}: no 'alerts' list, no 'event' object and no 'ruleName'{found}")


# -- Alertmanager and Grafana unified alerting ---------------------------------


def _alertmanager(payload: dict[str, Any], source: Source) -> Alert:
    """Alertmanager v4 and Grafana unified alerting share this shape."""
    shape = "Grafana" if source == "grafana" else "Alertmanager"
    raw = _get(payload, "alerts", list, shape, "the payload", required=True)
    if not raw:
        raise AlertError(f"{shape} payload: 'alerts' is empty")
    top_status = _get(payload, "status", str, shape, "the payload") or "firing"
    alerts = []
    for n, item in enumerate(raw):
        where = f"alerts[{n}]"
        if not isinstance(item, dict):
            raise AlertError(f"{shape} payload: {where} is {_kind(item)}, expected an object")
        starts = _time(_get(item, "startsAt", str, shape, where, required=True),
                       shape, f"{where}.startsAt")
        if starts is None:
            raise AlertError(f"{shape} payload: {where} has no startsAt (zero time)")
        alerts.append({
            "labels": _labels(item.get("labels"), shape, f"{where}.labels"),
            "annotations": _labels(item.get("annotations"), shape, f"{where}.annotations"),
            "status": _get(item, "status", str, shape, where) or top_status,
            "starts": starts,
            "ends": _time(_get(item, "endsAt", str, shape, where), shape, f"{where}.endsAt"),
            "urls": [_get(item, k, str, shape, where)
                     for k in ("panelURL", "dashboardURL", "generatorURL")],
        })
    firing = [a for a in alerts if a["status"] != "resolved"]
    used = firing or alerts
    common = _labels(payload.get("commonLabels"), shape, "commonLabels")
    common_notes = _labels(payload.get("commonAnnotations"), shape, "commonAnnotations")
    names = _unique(a["labels"].get("alertname", "") for a in used)
    title = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    if not title and source == "grafana":
        title = _GRAFANA_TITLE_PREFIX.sub(
            "", _get(payload, "title", str, shape, "the payload") or "")
    notes = common_notes or used[0]["annotations"]
    ends = [a["ends"] for a in alerts if a["ends"] is not None]
    external = _get(payload, "externalURL", str, shape, "the payload")
    return Alert(
        source=source,
        title=_one_line(title) or f"{len(used)} {shape} alert(s)",
        detected_at=min(a["starts"] for a in used),
        severity=_worst(_severity_of(a["labels"]) for a in used),
        services=_unique(s for a in used for s in _services_of(a["labels"])),
        labels=common or used[0]["labels"],
        summary=_summary(notes.get("summary"), notes.get("description")),
        url=next((u for a in used for u in map(_url, a["urls"]) if u), None) or _url(external),
        status="resolved" if not firing else "firing",
        resolved_at=max(ends) if not firing and ends else None,
        alert_count=len(used),
    )


def _grafana_legacy(payload: dict[str, Any], received_at: datetime | None) -> Alert:
    """The dashboard-alert webhook of Grafana before unified alerting: it carries no time."""
    shape = "Grafana (legacy)"
    if received_at is None:
        raise AlertError(f"{shape} payload: carries no time and no arrival time was given")
    name = _get(payload, "ruleName", str, shape, "the payload")
    title = name or _GRAFANA_TITLE_PREFIX.sub(
        "", _get(payload, "title", str, shape, "the payload") or "")
    if not title.strip():
        raise AlertError(f"{shape} payload: no ruleName and no title")
    tags = _labels(payload.get("tags"), shape, "tags")
    state = _get(payload, "state", str, shape, "the payload") or "alerting"
    return Alert(
        source="grafana",
        title=_one_line(title),
        detected_at=received_at.astimezone(UTC),
        severity=_severity_of(tags),
        services=_services_of(tags),
        labels=tags,
        summary=_summary(_get(payload, "message", str, shape, "the payload")),
        url=_url(_get(payload, "ruleUrl", str, shape, "the payload")),
        status="resolved" if state.lower() == "ok" else "firing",
        alert_count=max(1, len(_get(payload, "evalMatches", list, shape, "the payload") or [])),
        time_from_payload=False,
    )


# -- PagerDuty v3 --------------------------------------------------------------


def _pagerduty(payload: dict[str, Any]) -> Alert:
    """A v3 webhook: `event.data` is the incident; its creation is the detection time."""
    shape = "PagerDuty v3"
    event = _get(payload, "event", dict, shape, "the payload", required=True)
    kind = _get(event, "event_type", str, shape, "event", required=True)
    if not kind.startswith("incident."):
        raise AlertError(f"{shape} payload: event_type {kind!r} is not an incident event "
                         "(expected e.g. incident.triggered)")
    data = _get(event, "data", dict, shape, "event", required=True)
    title = _get(data, "title", str, shape, "event.data", required=True)
    created = _time(_get(data, "created_at", str, shape, "event.data"), shape,
                    "event.data.created_at")
    occurred = _time(_get(event, "occurred_at", str, shape, "event"), shape, "event.occurred_at")
    if created is None and occurred is None:
        raise AlertError(f"{shape} payload: event.data has no created_at and event has no "
                         "occurred_at")
    service = _get(data, "service", dict, shape, "event.data") or {}
    priority = data.get("priority")
    if isinstance(priority, dict):
        priority = _get(priority, "summary", str, shape, "event.data.priority")
    elif priority is not None and not isinstance(priority, str):
        raise AlertError(f"{shape} payload: event.data.priority is {_kind(priority)}, "
                         "expected an object")
    labels = {
        "service": _get(service, "summary", str, shape, "event.data.service"),
        "priority": priority,
        "urgency": _get(data, "urgency", str, shape, "event.data"),
        "event_type": kind,
    }
    labels = {k: _one_line(v) for k, v in labels.items() if v}
    resolved = kind == "incident.resolved" or data.get("status") == "resolved"
    return Alert(
        source="pagerduty",
        title=_one_line(title) or "PagerDuty incident",
        detected_at=created or occurred,
        severity=_severity_of(labels),
        services=[labels["service"]] if "service" in labels else [],
        labels=labels,
        url=_url(_get(data, "html_url", str, shape, "event.data")),
        status="resolved" if resolved else "firing",
        resolved_at=occurred if resolved else None,
    )


# -- the INC-1 draft -----------------------------------------------------------


def triage_draft(alert: Alert, template: str) -> str:
    """INC-1 filled from the alert; every section it does not fill stays byte-identical.

    Severity, services (and the alert's labels and link) under Impact, status
    Ongoing, the alert as the first timeline entry, and the alert's summary as
    a starting hypothesis. Who is affected and what to do stay for a person.
    """
    text = template
    if alert.severity is not None:
        text = replace_section(text, "Severity", alert.severity.value)
    text = replace_section(text, "Impact", _impact(alert, _body(text, "Impact")))
    text = replace_section(text, "Status", "Ongoing")
    entries = [f"- {iso(alert.detected_at)} — alert fired: {alert.title} ({alert.source})"]
    if alert.resolved_at is not None:
        entries.append(f"- {iso(alert.resolved_at)} — alert resolved: {alert.title} "
                       f"({alert.source})")
    kept = [f"- {i.text}" for i in list_items(_body(text, "Timeline"))
            if not is_placeholder(i.text)]
    text = replace_section(text, "Timeline", "\n".join(entries + kept))
    if alert.summary:
        text = replace_section(text, "Initial Hypothesis",
                               f"From the alert, to confirm: {alert.summary}")
    return text


def _body(text: str, heading: str) -> str:
    section = find_section(text, heading)
    return section.body if section else ""


def _impact(alert: Alert, body: str) -> str:
    """The Impact body with the services filled in and the labels and link added."""
    lines = body.strip("\n").split("\n") if body.strip() else []
    services = _inert(", ".join(s.replace(",", " ").replace(";", " ") for s in alert.services))
    label = re.compile(r"^([ \t]*[-*+][ \t]+\**services affected:?\**:?)[ \t]*(.*)$", re.I)
    for n, line in enumerate(lines):
        if (match := label.match(line)) and services:
            lines[n] = f"{match[1]} {services}"
            break
    else:
        if services:
            lines.append(f"- **Services affected:** {services}")
    shown = {k: v for k, v in alert.labels.items() if not k.startswith("__")}
    if shown:
        pairs = ", ".join(f"{k}={v}".replace("`", "'") for k, v in shown.items())
        lines.append(f"- **Alert labels:** {_inert(pairs)}")
    if alert.url:
        lines.append(f"- **Alert link:** {_inert(alert.url)}")
    return "\n".join(lines)


def _inert(text: str) -> str:
    """An HTML comment opened in one label and closed in another would hide the lines between."""
    return text.replace("<!--", "<!- -")


# -- reading untrusted JSON ----------------------------------------------------


def _kind(value: object) -> str:
    """How a JSON value is called in a message: "a list", "a string", "null"..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    names = {dict: "an object", list: "a list", str: "a string", int: "a number",
             float: "a number"}
    return names.get(type(value), type(value).__name__)


def _get(obj: dict[str, Any], key: str, kind: type, shape: str, where: str,
         *, required: bool = False) -> Any:
    """obj[key] if it has the expected JSON type; None (or AlertError if required) if absent."""
    value = obj.get(key)
    if value is None:
        if not required:
            return None
        if where == "the payload":
            raise AlertError(f"{shape} payload: no {key!r}")
        raise AlertError(f"{shape} payload: {where} has no {key}")
    if not isinstance(value, kind):
        path = key if where == "the payload" else f"{where}.{key}"
        raise AlertError(f"{shape} payload: {path} is {_kind(value)}, expected {_kind(kind())}")
    return value


def _labels(value: object, shape: str, path: str) -> dict[str, str]:
    """A label or annotation map as text; numbers are written out, nested values refused."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise AlertError(f"{shape} payload: {path} is {_kind(value)}, expected an object")
    out = {}
    for key, item in value.items():
        if isinstance(item, dict | list):
            raise AlertError(f"{shape} payload: {path}.{_one_line(str(key), 40)} is "
                             f"{_kind(item)}, expected text")
        if item is not None:
            out[_one_line(str(key))] = _one_line(str(item).lower() if isinstance(item, bool)
                                                 else str(item))
    return out


def _time(value: str | None, shape: str, path: str) -> datetime | None:
    """An RFC 3339 time as aware UTC; Go's zero time ("0001-01-01...") means none."""
    if value is None or not value.strip() or value.startswith("0001-01-01"):
        return None
    raw = value.strip()
    try:
        parsed = datetime.fromisoformat(raw[:-1] + "+00:00" if raw[-1] in "Zz" else raw)
    except ValueError:
        raise AlertError(f"{shape} payload: {path} {_one_line(value)[:40]!r} is not an "
                         "RFC 3339 time like 2026-11-27T13:52:10Z") from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def _severity_of(labels: dict[str, str]) -> Severity | None:
    return next((s for k in _SEVERITY_KEYS if (s := map_severity(labels.get(k)))), None)


def _worst(found: Any) -> Severity | None:
    """The most severe of several alerts' severities (Severity lists Critical first)."""
    return min((s for s in found if s), key=list(Severity).index, default=None)


def _services_of(labels: dict[str, str]) -> list[str]:
    """The service an alert is about: service, app, namespace/deployment, then job."""
    for key in ("service", "app"):
        if labels.get(key):
            return [labels[key]]
    if labels.get("deployment"):
        namespace = labels.get("namespace")
        return [f"{namespace}/{labels['deployment']}" if namespace else labels["deployment"]]
    return [labels["job"]] if labels.get("job") else []


def _unique(items: Any) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


def _one_line(text: str, limit: int = _TITLE_LIMIT) -> str:
    """Untrusted text on one line: control characters dropped, whitespace collapsed, cut."""
    clean = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch
                    for ch in text)
    flat = " ".join(clean.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _url(text: str | None) -> str | None:
    """A link to show and export: http(s) only, on one line; anything else is dropped."""
    if not text or not re.match(r"https?://[^\s]", text.strip(), re.IGNORECASE):
        return None
    return _one_line(text, 2000)


def _summary(*parts: str | None) -> str | None:
    """Summary and description on one line: in an artifact it cannot open a heading."""
    return " — ".join(_unique(_one_line(p, _SUMMARY_LIMIT) for p in parts if p)) or None
