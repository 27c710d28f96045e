"""The review as a document: Markdown (also what the terminal prints) and one HTML page.

The HTML page is standalone like the post-mortem export: inline CSS, charts as
inline SVG, the same Content-Security-Policy (no script, nothing fetched), every
name escaped. Each chart has its table beside it, so the figures stay readable
without the picture (and by a screen reader).
"""

from __future__ import annotations

import re
from datetime import timedelta
from html import escape

from warroom.core.milestones import compact
from warroom.core.review import DEFINITIONS, METRICS, NO_SEVERITY, RECURS_FROM, SEVERITIES, Review
from warroom.export import svg_chart
from warroom.export.html import standalone_page
from warroom.timeline.sanitize import strip_controls


def span(seconds: float | None) -> str:
    """A duration for people: 4m30s, 1h05m; "-" when there is none."""
    return "-" if seconds is None else compact(timedelta(seconds=round(seconds)))


def scope_line(review: Review) -> str:
    s = review.scope
    parts = [
        f"detected {s.since.date().isoformat() if s.since else 'ever'} to "
        f"{(s.until - timedelta(seconds=1)).date().isoformat() if s.until else 'now'}",
        f"by {review.grain}",
    ]
    if s.severity:
        parts.append(f"severity {s.severity}")
    if s.service:
        parts.append(f"service {s.service}")
    return f"{review.incidents} incidents; " + ", ".join(parts)


# -- Markdown --------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~!])")


def _cell(text: str) -> str:
    """Untrusted text as one inert Markdown table cell: no markup, no tag, no column break."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(strip_controls(text).split())) or " "


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    if not rows:
        return [f"No {head[0]} to show.", ""]
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return [*out, ""]


def review_markdown(review: Review) -> str:
    """Every figure in Markdown tables, with the definitions at the end."""
    out = ["# Incident review", "", scope_line(review) + ".", ""]
    out += ["## Incidents by severity", ""]
    out += _table(["period", *SEVERITIES, NO_SEVERITY, "total"], [
        [p, *(str(review.by_severity[p][s]) for s in (*SEVERITIES, NO_SEVERITY)),
         str(sum(review.by_severity[p].values()))] for p in review.periods
    ])
    out += ["## Time to detect, acknowledge, mitigate, resolve", ""]
    out += _table(["figure", "median", "p90", "incidents", "missing", "out of order"], [
        [f"{d.label} ({d.name})", span(d.median), span(d.p90), str(d.count), str(d.missing),
         str(d.out_of_order)] for d in review.durations
    ])
    out += ["Median per period:", ""]
    out += _table(["period", *(label for _k, _n, label in METRICS)], [
        [p, *(span(review.durations_by_period[p][n]) for _k, n, _l in METRICS)]
        for p in review.periods
    ])
    out += ["## Gates and updates", ""]
    backs = ", ".join(f"{code} {n}" for code, n in review.send_backs.items()) or "none"
    out += [
        f"- Gates sent back (Revise): {sum(review.send_backs.values())} ({backs}), "
        f"in {review.incidents_sent_back} incidents",
        f"- Mitigation insufficient rounds: {review.mitigation_insufficient}, "
        f"in {review.incidents_mitigation_insufficient} incidents",
        f"- Late stakeholder updates: {review.updates_late} of {review.updates_due} due, "
        f"in {review.incidents_late_update} incidents", "",
    ]
    total = review.actions_total
    out += ["## Action items", "",
            f"{total['opened']} opened, {total['done']} done, {total['overdue']} overdue.", ""]
    out += _table(["owner", "opened", "done", "overdue"], [
        [_cell(o), str(c["opened"]), str(c["done"]), str(c["overdue"])]
        for o, c in review.actions_by_owner.items()
    ])
    out += _table(["priority", "opened", "done", "overdue"], [
        [_cell(p), str(c["opened"]), str(c["done"]), str(c["overdue"])]
        for p, c in review.actions_by_priority.items()
    ])
    out += _table(["period", "open at its end"],
                  [[p, str(review.burn_down[p])] for p in review.periods])
    out += ["## Recurring services and root causes", ""]
    out += _table(["service", "incidents"], [
        [_cell(n), f"{c}{' (recurs)' if c >= RECURS_FROM else ''}"] for n, c in review.services
    ])
    out += _table(["root-cause category", "incidents"], [
        [_cell(n), f"{c}{' (recurs)' if c >= RECURS_FROM else ''}"]
        for n, c in review.root_causes
    ])
    out += [f"Incidents without a root cause yet: {review.no_root_cause}.", ""]
    out += ["## Definitions", ""]
    out += [f"- **{name}**: {text}" for name, text in DEFINITIONS.items()]
    return "\n".join(out) + "\n"


# -- HTML --------------------------------------------------------------------------

#: Where the TTx chart's log axis is labelled, in seconds: 1m, 5m, 15m, 1h, 4h, 1d, 1w.
_DURATION_MARKS = (60, 300, 900, 3600, 4 * 3600, 86400, 7 * 86400)

_CSS = """
:root { --c1: #cf222e; --c2: #bc4c00; --c3: #0969da; --c4: #8250df; --c5: #59636e; }
@media (prefers-color-scheme: dark) { :root { --c1: #ff7b72; --c2: #f0883e; --c3: #58a6ff;
  --c4: #bc8cff; --c5: #9198a1; } }
body { max-width: 72rem; }
.pair { display: flex; flex-wrap: wrap; gap: 1.2rem; align-items: flex-start; }
.pair > figure { flex: 3 1 26rem; margin: 0; }
.pair > div { flex: 2 1 24rem; overflow-x: auto; }
svg.chart { width: 100%; height: auto; font: 11px system-ui, sans-serif; }
svg.chart text { fill: var(--fg); }
svg.chart .tick { fill: var(--muted); }
svg.chart .grid { stroke: var(--rule); stroke-width: 1; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
dl dt { font-weight: 600; margin-top: .5rem; } dl dd { margin-left: 1rem; }
"""


def _html_table(head: list[str], rows: list[list[str]], numeric_from: int = 1) -> str:
    """A table of already-escaped cells; columns from `numeric_from` align right."""
    def cls(i: int) -> str:
        return ' class="n"' if i >= numeric_from else ""

    ths = "".join(f"<th{cls(i)}>{h}</th>" for i, h in enumerate(head))
    trs = "".join(
        "<tr>" + "".join(f"<td{cls(i)}>{c}</td>" for i, c in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{ths}</tr></thead><tbody>{trs}</tbody></table>"


def _pair(chart: str, table: str) -> str:
    return f'<div class="pair"><figure>{chart}</figure><div>{table}</div></div>'


def _text(text: str) -> str:
    return escape(strip_controls(text))


def review_html(review: Review) -> str:
    """The standalone page: each figure as an SVG chart with its table beside it."""
    p = review.periods
    parts = [f"<h1>Incident review</h1><p>{_text(scope_line(review))}.</p>"]

    severity = {s: [review.by_severity[x][s] for x in p] for s in (*SEVERITIES, NO_SEVERITY)}
    if not any(severity[NO_SEVERITY]):
        del severity[NO_SEVERITY]
    parts.append("<h2>Incidents by severity</h2>" + _pair(
        svg_chart.stacked_bars(f"Incidents by severity per {review.grain}", p, severity),
        _html_table(["period", *severity, "total"], [
            [x, *(str(review.by_severity[x][s]) for s in severity),
             str(sum(review.by_severity[x].values()))] for x in p
        ]),
    ))

    medians = {label: [review.durations_by_period[x][name] for x in p]
               for _k, name, label in METRICS}
    parts.append("<h2>Time to detect, acknowledge, mitigate, resolve</h2>" + _pair(
        svg_chart.lines(f"Median TTD, TTA, TTM, TTR per {review.grain} (log scale)", p,
                        medians, span, log_marks=_DURATION_MARKS),
        _html_table(["", "median", "p90", "incidents", "missing", "out of order"], [
            [f'<abbr title="{escape(d.name)}">{d.label}</abbr>', span(d.median), span(d.p90),
             str(d.count), str(d.missing), str(d.out_of_order)] for d in review.durations
        ]),
    ))

    backs = ", ".join(f"{escape(c)} {n}" for c, n in review.send_backs.items()) or "none"
    parts.append(
        "<h2>Gates and stakeholder updates</h2>" + _html_table(["figure", "count", "incidents"], [
            [f"Gates sent back (Revise): {backs}", str(sum(review.send_backs.values())),
             str(review.incidents_sent_back)],
            ["Mitigation insufficient rounds", str(review.mitigation_insufficient),
             str(review.incidents_mitigation_insufficient)],
            [f"Late stakeholder updates (of {review.updates_due} due)", str(review.updates_late),
             str(review.incidents_late_update)],
        ])
    )

    total = review.actions_total
    parts.append(
        "<h2>Action items</h2>"
        f"<p>{total['opened']} opened, {total['done']} done, {total['overdue']} overdue.</p>"
        + _pair(
            svg_chart.lines(f"Action items open at the end of each {review.grain}", p,
                            {"open": [float(review.burn_down[x]) for x in p]},
                            lambda v: f"{v:g}"),
            _html_table(["period", "open"], [[x, str(review.burn_down[x])] for x in p]),
        )
        + _pair(
            _html_table(["owner", "opened", "done", "overdue"], [
                [_text(o), str(c["opened"]), str(c["done"]), str(c["overdue"])]
                for o, c in review.actions_by_owner.items()
            ]),
            _html_table(["priority", "opened", "done", "overdue"], [
                [_text(x), str(c["opened"]), str(c["done"]), str(c["overdue"])]
                for x, c in review.actions_by_priority.items()
            ]),
        )
    )

    def recurs(count: int) -> str:
        return f"{count} (recurs)" if count >= RECURS_FROM else str(count)

    services = [(strip_controls(n), c) for n, c in review.services]
    parts.append("<h2>Services</h2>" + _pair(
        svg_chart.hbars("Incidents by service", services),
        _html_table(["service", "incidents"], [[escape(n), recurs(c)] for n, c in services]),
    ))
    parts.append("<h2>Root-cause categories</h2>" + _pair(
        svg_chart.hbars("Incidents by root-cause category", review.root_causes),
        _html_table(["category", "incidents"],
                    [[_text(n), recurs(c)] for n, c in review.root_causes]
                    + [["no root cause yet", str(review.no_root_cause)]]),
    ))
    parts.append("<h2>Definitions</h2><dl>" + "".join(
        f"<dt>{escape(n)}</dt><dd>{escape(t)}</dd>" for n, t in DEFINITIONS.items()
    ) + "</dl>")
    return standalone_page("\n".join(parts), title="Incident review", extra_css=_CSS)
