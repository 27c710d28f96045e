"""Small charts as inline SVG for the HTML review: no script, no font or file to fetch.

Three shapes cover the review (stacked bars per period, lines per period,
horizontal bars by name). Every label is escaped; colours come from CSS
variables the page defines, so the charts follow its light or dark scheme.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

#: One CSS variable per series, in order; the page sets them (see export.review).
PALETTE = ("--c1", "--c2", "--c3", "--c4", "--c5")
_W, _H = 640, 240
_LEFT, _RIGHT, _TOP, _BOTTOM = 48, 12, 12, 44


def _nice_top(value: float) -> float:
    """A round axis maximum at or above `value` (1, 2, 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 1.0
    while power * 10 <= value:
        power *= 10
    while power > value:
        power /= 10
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def _frame(label: str, body: list[str], legend: Sequence[str] = (), height: int = _H) -> str:
    keys = []
    x = _LEFT
    for n, name in enumerate(legend):
        colour = PALETTE[n % len(PALETTE)]
        keys.append(f'<rect x="{x}" y="{height - 14}" width="10" height="10" '
                    f'style="fill:var({colour})"/>'
                    f'<text x="{x + 14}" y="{height - 5}">{escape(name)}</text>')
        x += 24 + 8 * len(name)
    return (
        f'<svg class="chart" viewBox="0 0 {_W} {height}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(label)}</title>{''.join(body)}{''.join(keys)}</svg>"
    )


def _axis(top: float, fmt: Callable[[float], str], plot_h: int) -> list[str]:
    out = []
    for n in range(5):
        value = top * n / 4
        y = _TOP + plot_h - plot_h * n / 4
        out.append(f'<line class="grid" x1="{_LEFT}" x2="{_W - _RIGHT}" y1="{y:.1f}" '
                   f'y2="{y:.1f}"/><text class="tick" x="{_LEFT - 4}" y="{y + 4:.1f}" '
                   f'text-anchor="end">{escape(fmt(value))}</text>')
    return out


def _period_labels(periods: Sequence[str], step_w: float, plot_h: int) -> list[str]:
    every = max(1, round(len(periods) / 12 + 0.49))
    return [
        f'<text class="tick" x="{_LEFT + step_w * (i + 0.5):.1f}" y="{_TOP + plot_h + 14}" '
        f'text-anchor="middle">{escape(p)}</text>'
        for i, p in enumerate(periods) if i % every == 0
    ]


def stacked_bars(label: str, periods: Sequence[str], series: dict[str, Sequence[int]]) -> str:
    """One bar per period, stacked by series (incidents by severity)."""
    plot_h = _H - _TOP - _BOTTOM
    totals = [sum(values[i] for values in series.values()) for i in range(len(periods))]
    top = _nice_top(max(totals, default=0))
    step_w = (_W - _LEFT - _RIGHT) / max(len(periods), 1)
    body = _axis(top, lambda v: f"{v:g}", plot_h)
    for i, period in enumerate(periods):
        y = _TOP + plot_h
        for n, (name, values) in enumerate(series.items()):
            h = plot_h * values[i] / top
            if values[i]:
                y -= h
                body.append(
                    f'<rect x="{_LEFT + step_w * i + step_w * 0.15:.1f}" y="{y:.1f}" '
                    f'width="{step_w * 0.7:.1f}" height="{h:.1f}" '
                    f'style="fill:var({PALETTE[n % len(PALETTE)]})">'
                    f"<title>{escape(period)}: {values[i]} {escape(name)}</title></rect>"
                )
    body += _period_labels(periods, step_w, plot_h)
    return _frame(label, body, list(series))


def _log_axis(marks: Sequence[float], low: float, high: float, fmt: Callable[[float], str],
              plot_h: int) -> tuple[list[str], Callable[[float], float]]:
    """Grid lines at `marks` on a log scale from `low` to `high`, and the value-to-y map."""
    span = math.log10(high) - math.log10(low)

    def y_of(value: float) -> float:
        ratio = (math.log10(max(value, low)) - math.log10(low)) / span
        return _TOP + plot_h - plot_h * ratio

    out = []
    for mark in marks:
        y = y_of(mark)
        out.append(f'<line class="grid" x1="{_LEFT}" x2="{_W - _RIGHT}" y1="{y:.1f}" '
                   f'y2="{y:.1f}"/><text class="tick" x="{_LEFT - 4}" y="{y + 4:.1f}" '
                   f'text-anchor="end">{escape(fmt(mark))}</text>')
    return out, y_of


def lines(
    label: str, periods: Sequence[str], series: dict[str, Sequence[float | None]],
    fmt: Callable[[float], str], *, log_marks: Sequence[float] = (),
) -> str:
    """One line per series across the periods; a period without a value breaks the line.

    With `log_marks` the axis is logarithmic, labelled at those of the marks the values
    span (durations from minutes to days then share one chart).
    """
    plot_h = _H - _TOP - _BOTTOM
    values = [v for vs in series.values() for v in vs if v is not None]
    top = _nice_top(max(values, default=0))
    step_w = (_W - _LEFT - _RIGHT) / max(len(periods), 1)
    positive = [v for v in values if v > 0]
    if log_marks and positive:
        low = min(positive + [m for m in log_marks if m >= min(positive)][:1]) / 1.5
        high = max(positive) * 1.5
        marks = [m for m in log_marks if low <= m <= high]
        body, y_of = _log_axis(marks, low, high, fmt, plot_h)
    else:
        body = _axis(top, fmt, plot_h)

        def y_of(value: float) -> float:
            return _TOP + plot_h - plot_h * value / top
    for n, (name, points) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        run: list[str] = []
        for i, value in enumerate([*points, None]):
            if value is not None:
                x = _LEFT + step_w * (i + 0.5)
                y = y_of(value)
                run.append(f"{x:.1f},{y:.1f}")
                body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" style="fill:var({colour})">'
                            f"<title>{escape(periods[i])}: {escape(name)} "
                            f"{escape(fmt(value))}</title></circle>")
            elif run:
                body.append(f'<polyline points="{" ".join(run)}" fill="none" '
                            f'style="stroke:var({colour})" stroke-width="2"/>')
                run = []
    body += _period_labels(periods, step_w, plot_h)
    return _frame(label, body, list(series))


def hbars(label: str, items: Sequence[tuple[str, int]], *, limit: int = 10) -> str:
    """One horizontal bar per name (services, root causes), largest first."""
    items = list(items)[:limit]
    row_h = 22
    height = _TOP + row_h * max(len(items), 1) + 8
    top = _nice_top(max((v for _n, v in items), default=0))
    left = 150
    width = _W - left - 40
    body = []
    for i, (name, value) in enumerate(items):
        y = _TOP + row_h * i
        shown = name if len(name) <= 22 else name[:21] + "…"
        body.append(
            f'<text class="tick" x="{left - 6}" y="{y + 15}" text-anchor="end">'
            f"{escape(shown)}</text>"
            f'<rect x="{left}" y="{y + 3}" width="{width * value / top:.1f}" height="{row_h - 6}" '
            f'style="fill:var({PALETTE[0]})"><title>{escape(name)}: {value}</title></rect>'
            f'<text class="tick" x="{left + width * value / top + 4:.1f}" y="{y + 15}">'
            f"{value}</text>"
        )
    if not items:
        body.append(f'<text class="tick" x="{left}" y="{_TOP + 15}">none</text>')
    return _frame(label, body, (), height)
