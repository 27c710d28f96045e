"""Alert payloads: the three senders told apart by shape, bad payloads, the INC-1 draft."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from warroom.clock import FixedClock
from warroom.core.alerts import Alert, AlertError, map_severity, parse_alert, triage_draft
from warroom.core.artifacts import TriageAssessment, parse_artifact
from warroom.core.markdown import split_sections
from warroom.core.models import EventKind, Severity
from warroom.core.workflow import default_workflow
from warroom.resources import data_dir
from warroom.store.from_alert import declare_from_alert
from warroom.store.store import Store

SAMPLES = data_dir("data") / "alerts"
T0 = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
TEMPLATE = default_workflow().template(1)


def sample(name: str) -> dict[str, Any]:
    return json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def triage(alert: Alert) -> TriageAssessment:
    model = parse_artifact("INC-1", triage_draft(alert, TEMPLATE))
    assert isinstance(model, TriageAssessment)
    return model


# -- the samples ---------------------------------------------------------------


def test_alertmanager_sample() -> None:
    alert = parse_alert(sample("alertmanager"))
    assert alert.source == "alertmanager"
    assert alert.title == "CheckoutHighErrorRate"
    # the earlier of the two firing alerts
    assert alert.detected_at == datetime(2026, 11, 26, 13, 52, 10, 104000, tzinfo=UTC)
    assert alert.severity is Severity.CRITICAL
    assert alert.services == ["checkout"]
    assert alert.labels["cluster"] == "eu-west-1"
    assert "instance" not in alert.labels  # commonLabels, not one alert's
    assert alert.summary is not None
    assert alert.summary.startswith("Checkout is returning 5xx")
    assert alert.url is not None
    assert alert.url.startswith("http://prometheus.example.internal:9090/graph")
    assert (alert.status, alert.alert_count, alert.resolved_at) == ("firing", 2, None)


def test_grafana_sample() -> None:
    alert = parse_alert(sample("grafana"))
    assert alert.source == "grafana"
    assert alert.title == "PaymentsLatencyHigh"
    assert alert.detected_at == datetime(2026, 11, 26, 13, 5, tzinfo=UTC)  # +01:00 in the payload
    assert alert.detected_at.tzinfo is UTC
    assert alert.severity is Severity.MAJOR
    assert alert.services == ["payments/payments-gateway"]
    assert alert.url == "https://grafana.example.internal/d/pay-gw?orgId=1&viewPanel=4"


def test_pagerduty_sample() -> None:
    alert = parse_alert(sample("pagerduty"))
    assert alert.source == "pagerduty"
    assert alert.title == "Search API: Elasticsearch cluster health is red"
    assert alert.detected_at == datetime(2026, 11, 26, 14, 20, 30, tzinfo=UTC)  # created_at
    assert alert.severity is Severity.CRITICAL  # high urgency
    assert alert.services == ["Search API"]
    assert alert.labels == {
        "service": "Search API", "urgency": "high", "event_type": "incident.triggered"
    }
    assert alert.url == "https://example.pagerduty.com/incidents/Q2K8ZP3XW7NABC"
    assert alert.summary is None


# -- shape detection -----------------------------------------------------------


def test_grafana_is_told_from_alertmanager_by_its_alert_fields_alone() -> None:
    payload = sample("grafana")
    for key in ("orgId", "title", "state"):
        del payload[key]
    assert parse_alert(payload).source == "grafana"
    for item in payload["alerts"]:
        for key in ("valueString", "dashboardURL", "panelURL", "silenceURL"):
            del item[key]
    assert parse_alert(payload).source == "alertmanager"


def test_grafana_legacy_takes_the_arrival_time() -> None:
    payload = {
        "ruleName": "Disk full on db-1",
        "ruleUrl": "https://grafana.example.internal/d/db?panelId=2",
        "state": "alerting",
        "message": "Disk usage above 95%",
        "tags": {"severity": "P2", "service": "db"},
        "evalMatches": [{"metric": "disk", "value": 97, "tags": None}],
    }
    alert = parse_alert(payload, received_at=T0)
    assert (alert.source, alert.title, alert.detected_at) == ("grafana", "Disk full on db-1", T0)
    assert alert.time_from_payload is False
    assert (alert.severity, alert.services, alert.summary) == (Severity.MAJOR, ["db"],
                                                               "Disk usage above 95%")
    with pytest.raises(AlertError, match="carries no time"):
        parse_alert(payload)


def test_grafana_title_without_alertname_loses_the_firing_prefix() -> None:
    payload = sample("grafana")
    for labels in (payload["commonLabels"], *(a["labels"] for a in payload["alerts"])):
        del labels["alertname"]
    assert parse_alert(payload).title.startswith("PaymentsLatencyHigh Payments")


def test_pagerduty_priority_wins_over_urgency_and_time_falls_back_to_occurred_at() -> None:
    payload = sample("pagerduty")
    payload["event"]["data"]["priority"] = {"summary": "P3", "type": "priority"}
    del payload["event"]["data"]["created_at"]
    alert = parse_alert(payload)
    assert alert.severity is Severity.MINOR
    assert alert.detected_at == datetime(2026, 11, 26, 14, 20, 31, 482000, tzinfo=UTC)


def test_pagerduty_resolved_event() -> None:
    payload = sample("pagerduty")
    payload["event"]["event_type"] = "incident.resolved"
    alert = parse_alert(payload)
    assert alert.status == "resolved"
    assert alert.resolved_at == datetime(2026, 11, 26, 14, 20, 31, 482000, tzinfo=UTC)


def test_resolved_only_alertmanager_payload_still_parses() -> None:
    payload = sample("alertmanager")
    payload["status"] = "resolved"
    for n, item in enumerate(payload["alerts"]):
        item["status"] = "resolved"
        item["endsAt"] = f"2026-11-26T14:1{n}:00Z"
    alert = parse_alert(payload)
    assert alert.status == "resolved"
    assert alert.title == "CheckoutHighErrorRate"
    assert alert.detected_at == datetime(2026, 11, 26, 13, 52, 10, 104000, tzinfo=UTC)
    assert alert.resolved_at == datetime(2026, 11, 26, 14, 11, tzinfo=UTC)
    model = triage(alert)
    assert [e.event for e in model.timeline] == [
        "alert fired: CheckoutHighErrorRate (alertmanager)",
        "alert resolved: CheckoutHighErrorRate (alertmanager)",
    ]


def test_only_the_firing_alerts_count_when_some_are_resolved() -> None:
    payload = sample("alertmanager")
    payload["alerts"][1]["status"] = "resolved"  # the earlier one
    payload["alerts"][1]["labels"]["severity"] = "info"
    alert = parse_alert(payload)
    assert alert.detected_at == datetime(2026, 11, 26, 13, 52, 40, 318000, tzinfo=UTC)
    assert (alert.alert_count, alert.status) == (1, "firing")


def test_several_alert_names_and_the_worst_severity() -> None:
    payload = sample("alertmanager")
    payload["commonLabels"] = {}
    payload["alerts"][0]["labels"].update(alertname="CartSlow", severity="warning")
    payload["alerts"][1]["labels"].update(service="payments", severity="critical")
    alert = parse_alert(payload)
    assert alert.title == "CartSlow, CheckoutHighErrorRate"
    assert alert.severity is Severity.CRITICAL
    assert alert.services == ["checkout", "payments"]
    assert alert.labels["instance"] == "checkout-7d9f8b6c5-2xkqp:8080"  # the first alert's


@pytest.mark.parametrize(
    ("labels", "services"),
    [
        ({"service": "checkout", "job": "x"}, ["checkout"]),
        ({"app": "cart", "job": "x"}, ["cart"]),
        ({"namespace": "shop", "deployment": "cart", "job": "x"}, ["shop/cart"]),
        ({"deployment": "cart"}, ["cart"]),
        ({"job": "node-exporter"}, ["node-exporter"]),
        ({"alertname": "Up"}, []),
    ],
)
def test_services_from_labels(labels: dict[str, str], services: list[str]) -> None:
    payload = {"alerts": [{"labels": labels, "startsAt": "2026-11-26T10:00:00Z"}]}
    assert parse_alert(payload).services == services


@pytest.mark.parametrize(
    ("value", "severity"),
    [
        ("critical", Severity.CRITICAL), ("PAGE", Severity.CRITICAL), ("P1", Severity.CRITICAL),
        ("sev-1", Severity.CRITICAL), ("SEV0", Severity.CRITICAL), ("high", Severity.CRITICAL),
        ("warning", Severity.MAJOR), ("major", Severity.MAJOR), ("error", Severity.MAJOR),
        ("p2", Severity.MAJOR), ("sev2", Severity.MAJOR),
        ("info", Severity.MINOR), ("minor", Severity.MINOR), ("low", Severity.MINOR),
        ("P3", Severity.MINOR), ("p5", Severity.MINOR), ("sev 4", Severity.MINOR),
        ("bogus", None), ("", None), (3, None),
    ],
)
def test_map_severity(value: object, severity: Severity | None) -> None:
    assert map_severity(value) is severity


# -- bad payloads --------------------------------------------------------------


def _without_starts(p: dict[str, Any]) -> None:
    del p["alerts"][0]["startsAt"]


def _bad_starts(p: dict[str, Any]) -> None:
    p["alerts"][0]["startsAt"] = "yesterday"


def _zero_starts(p: dict[str, Any]) -> None:
    p["alerts"][1]["startsAt"] = "0001-01-01T00:00:00Z"


def _labels_list(p: dict[str, Any]) -> None:
    p["alerts"][0]["labels"] = ["severity=critical"]


def _nested_label(p: dict[str, Any]) -> None:
    p["commonLabels"]["team"] = {"name": "shop"}


def _alert_string(p: dict[str, Any]) -> None:
    p["alerts"][1] = "CheckoutHighErrorRate"


def _alerts_empty(p: dict[str, Any]) -> None:
    p["alerts"] = []


def _alerts_object(p: dict[str, Any]) -> None:
    p["alerts"] = {"0": {}}


@pytest.mark.parametrize(
    ("break_it", "message"),
    [
        (_without_starts, "Alertmanager payload: alerts[0] has no startsAt"),
        (_bad_starts, "alerts[0].startsAt 'yesterday' is not an RFC 3339 time"),
        (_zero_starts, "alerts[1] has no startsAt (zero time)"),
        (_labels_list, "alerts[0].labels is a list, expected an object"),
        (_nested_label, "commonLabels.team is an object, expected text"),
        (_alert_string, "alerts[1] is a string, expected an object"),
        (_alerts_empty, "'alerts' is empty"),
        (_alerts_object, "Alertmanager payload: alerts is an object, expected a list"),
    ],
)
def test_broken_alertmanager_payloads(break_it: Any, message: str) -> None:
    payload = copy.deepcopy(sample("alertmanager"))
    break_it(payload)
    with pytest.raises(AlertError) as caught:
        parse_alert(payload)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({}, "no 'alerts' list, no 'event' object and no 'ruleName'; the object is empty"),
        ({"foo": 1, "bar": []}, "its keys are 'foo', 'bar'"),
        ([], "expected a JSON object, got a list"),
        ([{"alerts": []}], "got a list"),
        ("CheckoutHighErrorRate firing", "got a string"),
        (None, "got null"),
        (42, "got a number"),
        (True, "got a boolean"),
        ({"messages": []}, "PagerDuty v2 webhooks ('messages') are not supported"),
        ({"event": "incident.triggered"}, "PagerDuty v3 payload: event is a string"),
        ({"event": {}}, "PagerDuty v3 payload: event has no event_type"),
        ({"event": {"event_type": "pagey.ping"}}, "'pagey.ping' is not an incident event"),
        ({"event": {"event_type": "incident.triggered"}}, "event has no data"),
        ({"event": {"event_type": "incident.triggered", "data": {"title": "x"}}},
         "event.data has no created_at and event has no occurred_at"),
        ({"event": {"event_type": "incident.triggered", "data": {"created_at": "2026-11-26"}}},
         "event.data has no title"),
        ({"event": {"event_type": "incident.triggered", "data": {"title": 7}}},
         "event.data.title is a number, expected a string"),
        ({"ruleName": "", "state": "alerting"}, "no ruleName and no title"),
    ],
)
def test_unreadable_payloads_say_what_is_missing(payload: object, message: str) -> None:
    with pytest.raises(AlertError) as caught:
        parse_alert(payload, received_at=T0)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_garbage_strings_are_flattened_and_cut() -> None:
    payload = sample("alertmanager")
    name = "Boom\n## Severity\nMinor\x1b[31m" + "x" * 500
    for labels in (payload["commonLabels"], *(a["labels"] for a in payload["alerts"])):
        labels["alertname"] = name
    payload["commonAnnotations"]["summary"] = "```\n# heading\n<!-- open"
    alert = parse_alert(payload)
    assert "\n" not in alert.title
    assert "\x1b" not in alert.title
    assert len(alert.title) == 200
    assert alert.title.startswith("Boom ## Severity Minor")
    model = triage(alert)
    assert model.severity == "Critical"  # the title could not add a Severity section
    assert model.services_affected == ["checkout"]
    headings = [s.heading for s in split_sections(triage_draft(alert, TEMPLATE))[1]]
    assert headings == ["Severity", "Impact", "Status", "Timeline", "Initial Hypothesis",
                        "Immediate Actions Needed"]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("javascript:alert(1)", None),
        ("", None),
        ("https://g.example/d/x\n## Severity\nMinor", "https://g.example/d/x ## Severity Minor"),
    ],
)
def test_links_are_http_and_on_one_line(url: str, shown: str | None) -> None:
    payload = sample("alertmanager")
    payload["externalURL"] = ""
    for item in payload["alerts"]:
        item["generatorURL"] = url
    alert = parse_alert(payload)
    assert alert.url == shown
    assert triage(alert).severity == "Critical"


def test_a_key_with_a_newline_stays_on_one_line_in_the_message() -> None:
    with pytest.raises(AlertError) as caught:
        parse_alert({"line\nbreak": 1})
    assert "\n" not in str(caught.value)


# -- the INC-1 draft -----------------------------------------------------------


def test_triage_draft_from_the_alertmanager_sample() -> None:
    alert = parse_alert(sample("alertmanager"))
    draft = triage_draft(alert, TEMPLATE)
    model = triage(alert)
    assert model.severity == "Critical"
    assert model.services_affected == ["checkout"]
    assert model.status == "Ongoing"
    assert [(e.timestamp, e.event) for e in model.timeline] == [
        ("2026-11-26T13:52:10Z", "alert fired: CheckoutHighErrorRate (alertmanager)")
    ]
    assert model.initial_hypothesis is not None
    assert "Checkout is returning 5xx" in model.initial_hypothesis
    assert "- **Alert labels:** alertname=CheckoutHighErrorRate, cluster=eu-west-1" in draft
    assert "- **Alert link:** http://prometheus.example.internal:9090/graph" in draft
    # what a person must judge stays unfilled
    assert model.users_affected is None
    assert model.data_impact is None
    assert model.immediate_actions == []


def test_triage_draft_keeps_the_untouched_sections_byte_identical() -> None:
    alert = parse_alert(sample("pagerduty"))
    draft = triage_draft(alert, TEMPLATE)
    keep = ("Immediate Actions Needed", "Initial Hypothesis")
    before = {s.heading: s.body for s in split_sections(TEMPLATE)[1] if s.heading in keep}
    after = {s.heading: s.body for s in split_sections(draft)[1] if s.heading in keep}
    assert before == after  # no summary in a PagerDuty event: the hypothesis is a person's
    assert split_sections(draft)[0] == split_sections(TEMPLATE)[0]
    impact = next(s.body for s in split_sections(draft)[1] if s.heading == "Impact")
    assert "- **Users affected:** <scope>\n" in impact
    assert "- **Data impact:** <None / Read degraded / Write degraded / Data loss>\n" in impact


def test_triage_draft_without_severity_leaves_the_placeholder() -> None:
    payload = {"alerts": [{"labels": {"alertname": "Up"}, "startsAt": "2026-11-26T10:00:00Z"}]}
    model = triage(parse_alert(payload))
    assert model.severity is None
    assert "Severity: still the template placeholder" in model.problems


def test_triage_draft_with_crlf_template() -> None:
    alert = parse_alert(sample("grafana"))
    draft = triage_draft(alert, TEMPLATE.replace("\n", "\r\n"))
    assert "\n" not in draft.replace("\r\n", "")
    model = parse_artifact("INC-1", draft)
    assert isinstance(model, TriageAssessment)
    assert (model.severity, model.services_affected) == ("Major", ["payments/payments-gateway"])


# -- declaring an incident from an alert (store) -------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store.open(tmp_path / "w.db", clock=FixedClock(T0)) as s:
        yield s


def test_declare_from_alert(store: Store) -> None:
    alert = parse_alert(sample("alertmanager"))
    incident = declare_from_alert(store, alert, actor="ana")
    assert (incident.title, incident.severity) == ("CheckoutHighErrorRate", Severity.CRITICAL)
    assert incident.detected_at == alert.detected_at
    assert store.incident_labels(incident.id) == alert.labels
    versions = store.artifact_versions(incident.id, 1)
    assert [(v.version, v.author) for v in versions] == [(1, "alert:alertmanager")]
    assert versions[0].body == triage_draft(alert, TEMPLATE)
    fired = [e for e in store.events(incident.id) if e.kind is EventKind.NOTE]
    assert [(e.text, e.author, e.occurred_at, e.source) for e in fired] == [
        ("alert fired: CheckoutHighErrorRate", "alert:alertmanager", alert.detected_at,
         "alertmanager alert")
    ]


def test_declare_from_alert_with_overrides(store: Store) -> None:
    alert = parse_alert(sample("grafana"))
    incident = declare_from_alert(
        store, alert, actor="ana", title="Payments slow", severity=Severity.CRITICAL,
        detected_at=datetime(2026, 11, 26, 12, 0, tzinfo=UTC),
    )
    assert (incident.title, incident.severity) == ("Payments slow", Severity.CRITICAL)
    assert incident.detected_at == datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    draft = parse_artifact("INC-1", store.artifact_text(incident.id, 1))
    assert isinstance(draft, TriageAssessment)
    assert draft.severity == "Critical"  # saving the draft must not undo the override
    assert draft.timeline[0].timestamp == "2026-11-26T13:05:00Z"  # the alert's own time
    assert store.incident(incident.id).severity is Severity.CRITICAL


def test_labels_are_only_set_through_the_allowed_update(store: Store) -> None:
    incident = store.create_incident("No alert", actor="ana")
    assert store.incident_labels(incident.id) == {}
    store.update_incident(incident.id, labels={"env": "prod"})
    store.update_incident(incident.id, labels={"env": "prod"})
    assert store.incident_labels(incident.id) == {"env": "prod"}
    audit = [e.text for e in store.events(incident.id) if e.text.startswith("labels set")]
    assert audit == ['labels set to {"env": "prod"}']
