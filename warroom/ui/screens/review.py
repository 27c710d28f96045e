"""The review across incidents, as charts: `ctrl+r` in the picker.

The figures are `warroom report`'s (warroom.store.review), computed in a thread
worker with its own connection and handed back as one message; the screen only
draws them. Each chart tells its series apart by marker letters and shades as
well as colour, so it reads with NO_COLOR. Service names are typed by people:
they reach the terminal through the sanitiser.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static, TabbedContent, TabPane
from textual_plotext import PlotextPlot

from warroom.core.review import METRICS, NO_SEVERITY, RECURS_FROM, SEVERITIES, Review, Scope
from warroom.export.review import scope_line, span
from warroom.resources import data_dir
from warroom.timeline.sanitize import sanitize

if TYPE_CHECKING:
    from warroom.ui.app import WarroomApp

#: The ranges `t` cycles through: (label, days back; None for every incident).
RANGES: tuple[tuple[str, int | None], ...] = (("90 days", 90), ("1 year", 365), ("all", None),
                                              ("30 days", 30))
#: Shades for stacked bars: Critical darkest. Tell the severities apart without colour.
SHADES = ("█", "▓", "▒", "░")
#: Where the TTx chart's axis is labelled, in minutes: 1m, 5m, 15m, 1h, 4h, 1d, 1w.
_DURATION_MARKS = (1, 5, 15, 60, 240, 1440, 10080)
#: One letter per metric on the lines: TTD, TTA, TTM, TTR.
LETTERS = ("D", "A", "M", "R")
COLOURS = ("blue", "green", "red", "magenta")


class _Loaded(Message):
    """The review computed by the worker, for the screen to draw."""

    def __init__(self, review: Review, unreadable: int) -> None:
        super().__init__()
        self.review = review
        self.unreadable = unreadable


class ReviewScreen(Screen[None]):
    """Charts of the review: TTx medians, severities, services, action item burn-down."""

    CSS_PATH = data_dir("styles") / "review.tcss"
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back", id="review.close"),
        Binding("t", "next_range", "Range", id="review.range"),
        Binding("b", "toggle_grain", "Week/month", id="review.grain"),
        Binding("1", "tab('ttx')", "TTx", id="review.tab_ttx", show=False),
        Binding("2", "tab('severity')", "Severity", id="review.tab_severity", show=False),
        Binding("3", "tab('services')", "Services", id="review.tab_services", show=False),
        Binding("4", "tab('actions')", "Actions", id="review.tab_actions", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.range_index = 0
        self.grain: str | None = None
        self.review: Review | None = None
        self.ready = False  # the charts are drawn (the bench waits for this)

    @property
    def wapp(self) -> WarroomApp:
        return cast("WarroomApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="review"):
            yield Static("Reading incidents…", id="review-scope")
            yield Static("", id="review-figures")
            with TabbedContent(id="review-tabs"):
                with TabPane("1 TTx medians", id="ttx"):
                    yield PlotextPlot(id="chart-ttx")
                with TabPane("2 Severity", id="severity"):
                    yield PlotextPlot(id="chart-severity")
                with TabPane("3 Services", id="services"):
                    yield Static(id="chart-services")
                with TabPane("4 Action items", id="actions"):
                    yield PlotextPlot(id="chart-actions")
        yield Footer()

    def on_mount(self) -> None:
        for plot in self.query(PlotextPlot):
            # The terminal's own colours: axes and labels read on any theme, 16 colours
            # and NO_COLOR alike; series differ by letter and shade, not only by colour.
            plot.theme = "clear"
        self.load()

    # -- loading -----------------------------------------------------------------

    def _scope(self) -> Scope:
        days = RANGES[self.range_index][1]
        if days is None:
            return Scope()
        from datetime import timedelta

        return Scope(since=self.wapp.clock.now() - timedelta(days=days))

    @work(thread=True, exclusive=True, group="review")
    def load(self) -> None:
        """Compute the review on a connection of this thread's own."""
        from warroom.store import review as store_review
        from warroom.store.store import Store

        with Store.open(self.wapp.store.path, clock=self.wapp.clock) as store:
            result, unreadable = store_review.build(
                store, self._scope(), grain=self.grain  # type: ignore[arg-type]
            )
        self.post_message(_Loaded(result, unreadable))

    @on(_Loaded)
    def _loaded(self, message: _Loaded) -> None:
        self.review = message.review
        self._draw(message.review, message.unreadable)
        self.ready = True

    # -- drawing -------------------------------------------------------------------

    def _draw(self, review: Review, unreadable: int) -> None:
        scope = f"Review, {RANGES[self.range_index][0]}: {scope_line(review)}"
        if unreadable:
            scope += f" ({unreadable} unreadable left out)"
        self.query_one("#review-scope", Static).update(sanitize(scope))
        figures = "  ".join(
            f"{d.label} {span(d.median)}/{span(d.p90)} n={d.count}" for d in review.durations
        )
        total = review.actions_total
        self.query_one("#review-figures", Static).update(
            f"median/p90  {figures}\n"
            f"sent back {sum(review.send_backs.values())} · mitigation insufficient "
            f"{review.mitigation_insufficient} · late updates {review.updates_late}/"
            f"{review.updates_due} · actions {total['opened']} opened, {total['done']} done, "
            f"{total['overdue']} overdue"
        )
        labels, ticks = _ticks(review.periods)
        self._draw_ttx(review, labels, ticks)
        self._draw_severity(review, labels, ticks)
        self._draw_services(review)
        self._draw_actions(review, labels, ticks)

    def _draw_ttx(self, review: Review, labels: list[str], ticks: list[int]) -> None:
        plot = self.query_one("#chart-ttx", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        values = [v for p in review.periods for v in review.durations_by_period[p].values()
                  if v is not None]
        scale = 60  # minutes, on a log scale: TTA in minutes and TTR in days both read
        for (_key, name, label), letter, colour in zip(METRICS, LETTERS, COLOURS, strict=True):
            xs = [i for i, p in enumerate(review.periods)
                  if review.durations_by_period[p][name] is not None]
            # A log axis has no zero: under 6 s is drawn at 6 s (0.1 minute).
            ys = [max(cast(float, review.durations_by_period[review.periods[i]][name]) / scale,
                      0.1) for i in xs]
            if xs:
                plt.plot(xs, ys, marker="braille", color=colour)
                plt.scatter(xs, ys, marker=letter, color=colour, label=f"{letter} {label}")
        plt.title(f"Median TTD, TTA, TTM, TTR per {review.grain} (log scale)")
        plt.xticks(ticks, labels)
        if values:
            plt.yscale("log")
            low, high = max(min(values) / scale, 0.1), max(values) / scale
            marks = [m for m in _DURATION_MARKS if low / 2 <= m <= high * 2] or [low]
            plt.yticks(marks, [span(m * 60) for m in marks])
        plot.refresh()

    def _draw_severity(self, review: Review, labels: list[str], ticks: list[int]) -> None:
        plot = self.query_one("#chart-severity", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        names = [s for s in (*SEVERITIES, NO_SEVERITY)
                 if any(review.by_severity[p][s] for p in review.periods)]
        if names:
            plt.stacked_bar(
                list(range(len(review.periods))),
                [[review.by_severity[p][s] for p in review.periods] for s in names],
                labels=[f"{SHADES[i]} {s}" for i, s in enumerate(names)],
                marker=[SHADES[i] for i in range(len(names))], width=0.6,
            )
            most = max(sum(review.by_severity[p].values()) for p in review.periods)
            step = max(1, -(-most // 5))
            plt.yticks(list(range(0, most + 1, step)))
        plt.title(f"Incidents by severity per {review.grain}")
        plt.xticks(ticks, labels)
        plot.refresh()

    def _draw_services(self, review: Review) -> None:
        """One row per service, a bar of full blocks and the count: rows never blur into
        each other (a plotext bar takes fractional rows) and read without colour."""
        top = review.services[:12]
        widest = max((c for _n, c in top), default=1)
        width = max(10, self.size.width - 34)
        rows = Text()
        for name, count in top:
            rows.append(f"{sanitize(name, max_len=20):>20} ", style="bold")
            rows.append("█" * max(1, round(width * count / widest)))
            rows.append(f" {count}{'  recurs' if count >= RECURS_FROM else ''}\n")
        if not top:
            rows.append("No services named in INC-1 yet.")
        causes = ", ".join(f"{sanitize(n, max_len=24)} {c}" for n, c in review.root_causes[:6])
        rows.append(f"\nRoot causes (INC-4): {causes or 'none yet'}"
                    f"; without one yet: {review.no_root_cause}")
        self.query_one("#chart-services", Static).update(rows)

    def _draw_actions(self, review: Review, labels: list[str], ticks: list[int]) -> None:
        plot = self.query_one("#chart-actions", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        if review.periods:
            plt.bar(list(range(len(review.periods))), [review.burn_down[p] for p in review.periods],
                    marker="▒", width=0.6)
        plt.title(f"Action items open at the end of each {review.grain}")
        plt.xticks(ticks, labels)
        plot.refresh()

    # -- keys ----------------------------------------------------------------------

    def action_next_range(self) -> None:
        self.range_index = (self.range_index + 1) % len(RANGES)
        self.grain = None
        self.ready = False
        self.query_one("#review-scope", Static).update("Reading incidents…")
        self.load()

    def action_toggle_grain(self) -> None:
        current = self.review.grain if self.review else "week"
        self.grain = "month" if current == "week" else "week"
        self.ready = False
        self.load()

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab


def _ticks(periods: list[str], most: int = 6) -> tuple[list[str], list[int]]:
    """At most `most` period labels along the x axis, evenly spaced, shortened."""
    if not periods:
        return [], []
    every = max(1, -(-len(periods) // most))
    ticks = list(range(0, len(periods), every))
    return [periods[i][2:] for i in ticks], ticks
