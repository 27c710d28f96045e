"""Artifacts per gated phase, faithful and hollow, in varied wording (issue 15).

Each case is (name, phase code, Markdown, passes): a faithful artifact must be
approved with no tick, a hollow one refused. They start from the filled fixtures
and rewrite the sections a case is about, the way different people write them.
"""

from __future__ import annotations

from pathlib import Path

from warroom.core.markdown import replace_section
from warroom.core.workflow import default_workflow

FILLED = Path(__file__).parent.parent / "fixtures" / "filled"


def filled(code: str) -> str:
    return (FILLED / f"{code}.md").read_text(encoding="utf-8")


def variant(code: str, **sections: str) -> str:
    """A filled artifact with some sections rewritten (keyword: heading, "_" for " ")."""
    text = filled(code)
    for heading, body in sections.items():
        text = replace_section(text, heading.replace("_", " "), body)
    return text


def template(code: str) -> str:
    return default_workflow().template(int(code.split("-")[1]))


IMPACT = "Impact"
INC1 = [
    # -- faithful: approved without a tick --
    ("severity High, customers labelled", True, variant(
        "INC-1", Severity="High", Impact=(
            "- **Customers affected:** everyone paying by card in the EU (~40% of orders)\n"
            "- **Services affected:** checkout-api, payments-gateway\n"
            "- **Data impact:** Writes failing"))),
    ("impact as prose, Sev1", True, variant(
        "INC-1", Severity="Sev1 (checkout is down for EU)", Impact=(
            "Roughly 40% of EU customers cannot complete checkout. The checkout-api and "
            "payments-gateway services return 5xx. Writes to the orders table are "
            "failing; no data was lost."))),
    ("status not resolved yet", True, variant(
        "INC-1", Status="Not resolved yet", Severity="critical")),
    ("P2 severity, read-only data, plain-text actions", True, variant(
        "INC-1", Severity="P2", Impact=(
            "- Users: internal finance team only (12 people)\n"
            "- Systems: ledger-export job, reporting-db replica\n"
            "- Data: read-only; reports are 3 hours stale"),
        Immediate_Actions_Needed="Pause the ledger-export cron\nPage the data platform on-call")),
    ("minor, no data impact, services as sub-bullets", True, variant(
        "INC-1", Severity="Minor — a cosmetic banner bug", Impact=(
            "- **Users affected:** visitors of the status page in Safari\n"
            "- **Services affected:**\n  - status-page frontend\n  - cdn edge config\n"
            "- **Data impact:** None"))),
    # -- hollow: refused --
    ("severity not critical", False, variant("INC-1", Severity="not critical")),
    ("impact unknown / unknown / no idea", False, variant("INC-1", Impact=(
        "- **Users affected:** unknown\n- **Services affected:** unknown\n"
        "- **Data impact:** no idea"))),
    ("immediate action TBD", False, variant("INC-1", Immediate_Actions_Needed="- TBD")),
    ("the untouched template", False, template("INC-1")),
    ("severity hedged", False, variant("INC-1", Severity="Major? maybe critical")),
    ("users TBD, data n/a", False, variant("INC-1", Impact=(
        "- **Users affected:** TBD\n- **Services affected:** checkout-api\n"
        "- **Data impact:** Write degraded"))),
]

INC2 = [
    ("metrics in a Markdown table", True, variant("INC-2", Metrics=(
        "| metric | before | after |\n|---|---|---|\n| checkout 5xx rate | 31% | 0.2% |\n"
        "| p99 latency | 4.8 s | 310 ms |"))),
    ("metric as prose, before/after", True, variant(
        "INC-2", Metrics="Checkout error rate: 38% before, 0.2% after.")),
    ("metric from ... to ..., not fully mitigated", True, variant(
        "INC-2", Current_Status="Not fully mitigated: EU-west still degraded",
        Metrics="- Error rate fell from 38% to 4% within ten minutes",
        Residual_Risk="EU-west still sees 4% errors until the pool fix ships.")),
    ("availability goes up", True, variant("INC-2", Metrics=(
        "- availability — 61% → 99.95%\n- p95 latency — 2.1s → 240ms"))),
    ("stable, residual risk none", True, variant(
        "INC-2", Current_Status="Stable since 14:20, back to baseline", Residual_Risk="None")),
    ("strategy and steps still the template", False, variant(
        "INC-2", Mitigation_Strategy="<What was done to reduce impact>",
        Steps_Taken="1. <Step> — <result>\n2. <Step> — <result>\n...")),
    ("error rate got worse", False, variant("INC-2", Metrics="- error rate — 2% → 40%")),
    ("mitigation failed", False, variant("INC-2", Current_Status="Mitigation failed")),
    ("residual risk unknown", False, variant("INC-2", Residual_Risk="unknown, TBD")),
    ("availability went down", False, variant(
        "INC-2", Metrics="- availability — 99.9% → 97%")),
    ("metrics without numbers", False, variant(
        "INC-2", Metrics="- dashboards look better now")),
]

INC4 = [
    ("source in parentheses", True, variant("INC-4", Detailed_Timeline=(
        "- 2026-11-27T13:52:00Z — deploy of v2.14.0 finished (deploy log)\n"
        "- 2026-11-27T13:53:41Z — first pool exhaustion error (app.log:88213)\n"
        "- 2026-11-27T14:17:00Z — rollback to v2.13.2 [source: deploy log]"))),
    ("a load test could have caught it", True, variant("INC-4", Root_Cause=(
        "A refactor in v2.14.0 bypassed the shared connection pool in the payments client; "
        "a load test with production pool sizes could have caught it."))),
    ("the fixture as written", True, filled("INC-4")),
    ("longer chain, plain wording", True, variant(
        "INC-4",
        Triggering_Event="At 13:52 the v2.14.0 deploy of checkout-api reached all pods.",
        Causal_Chain=(
            "1. v2.14.0 deploy opens a connection per request → payments pool (50) drains\n"
            "2. Pool drained → requests wait 30 s for a connection\n"
            "3. Requests wait → load balancer returns 504 to EU shoppers"))),
    ("factors in plain lines", True, variant(
        "INC-4", Contributing_Factors="The load test used a pool size of 500",
        Systemic_Factors="Nothing alerts on pool saturation\nCanary lasts 2 minutes only")),
    ("root cause Bug.", False, variant("INC-4", Root_Cause="Bug.")),
    ("chain bug → outage", False, variant("INC-4", Causal_Chain="1. bug → outage")),
    ("factors None", False, variant(
        "INC-4", Contributing_Factors="- None", Systemic_Factors="- None")),
    ("hedge in the triggering event", False, variant(
        "INC-4", Triggering_Event="Probably the v2.14.0 deploy, which opened connections.")),
    ("hedge in the causal chain", False, variant("INC-4", Causal_Chain=(
        "1. Per-request connections might exhaust the pool → pool of 50 exhausted\n"
        "2. Pool exhausted → checkout requests time out with 5xx"))),
    ("timeline without sources", False, variant("INC-4", Detailed_Timeline=(
        "- 2026-11-27T13:52:00Z — deploy of v2.14.0 finished\n"
        "- 2026-11-27T14:17:00Z — rollback to v2.13.2"))),
    ("we think", False, variant(
        "INC-4", Root_Cause="We think a stale cache entry in the payments client did it.")),
]

INC5 = [
    ("the fixture as written", True, filled("INC-5")),
    ("no one is to blame", True, variant("INC-5", What_Went_Poorly=(
        "- No one is to blame: the canary was too short to show the leak\n"
        "- Statuspage didn't update for 20 minutes"))),
    ("owners are people and teams", True, variant("INC-5", Recommended_Action_Items=(
        "1. [P0] Add an alert on payments connection pool saturation — @dana\n"
        "2. [P1] Extend the canary stage of checkout-api to 15 minutes — release engineering\n"
        "3. [P2] Run the load test with production pool sizes — payments team"))),
    ("lessons in prose lines", True, variant("INC-5", Lessons_Learned=(
        "- A canary shorter than the slowest known failure mode proves nothing\n"
        "- Pool saturation is a symptom worth paging on, before errors"))),
    ("bracketless priorities", True, variant("INC-5", Recommended_Action_Items=(
        "1. P0: Alert on payments connection pool saturation — payments team\n"
        "2. P1: Make the canary stage outlast pool exhaustion — release engineering"))),
    ("be more careful — team", False, variant(
        "INC-5", Recommended_Action_Items="1. [P2] Be more careful — team")),
    ("lessons None", False, variant("INC-5", Lessons_Learned="- None")),
    ("blame word", False, variant(
        "INC-5", What_Went_Poorly="- Human error during the deploy; it was careless")),
    ("a role blamed", False, variant(
        "INC-5", What_Went_Poorly="- The on-call engineer forgot to page payments")),
    ("actions that address nothing", False, variant("INC-5", Recommended_Action_Items=(
        "1. [P1] Rename the checkout dashboards for clarity — web team\n"
        "2. [P2] Update the onboarding wiki page — web team"))),
    ("no priorities, owner TBD", False, variant("INC-5", Recommended_Action_Items=(
        "1. Alert on payments connection pool saturation — TBD"))),
]

CASES = [("INC-1", *c) for c in INC1] + [("INC-2", *c) for c in INC2] + [
    ("INC-4", *c) for c in INC4] + [("INC-5", *c) for c in INC5]
