"""Result panels: the named results (ours beside the published ones), the MS-bar running of
sin²θ_W with the measurements (CDG Figs. 5–6), and, for the Experiments tab, a preset's published
numbers beside ours with every data set's observed counts beside the predicted ones.

* :class:`NamedResultsPanel` — the named results (computed once per process);
* :class:`RunningPanel` — the running of sin²θ_W with the measurements and the workbench's points;
* :class:`PublishedPanel` — published numbers and observed events (Experiments tab).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import panel as pn
import param

from cevns_core.likelihood import likelihood_names

from .. import datafits
from ..labels import preset_title
from ._base import TabView, fmt, table_widget
from .data_panels import data_title, events_text, plus_minus, when_ready
from .data_plots import running_plot

__all__ = ["NamedResultsPanel", "PublishedPanel", "RunningPanel"]


# ------------------------------------------------------------------------------ named results
def _published_text(row: dict[str, Any]) -> str:
    if "upper_limit" in row:
        return f"< {fmt(row['upper_limit'], 3)}"
    return plus_minus(row["value"], row["minus"], row["plus"])


def _ours_text(row: dict[str, Any]) -> str:
    ours = row["ours"]
    if "upper_limit" in ours:
        return f"< {fmt(ours['upper_limit'], 3)}"
    return plus_minus(ours["value"], ours["minus"], ours["plus"])


def _quantity(text: str) -> str:
    return (
        text.replace("sin^2 theta_W", "sin²θ_W")
        .replace("133Cs", "¹³³Cs")
        .replace("127I", "¹²⁷I")
        .replace("40Ar", "⁴⁰Ar")
        .replace(" us", " μs")
    )


class NamedResultsPanel(pn.viewable.Viewer):
    """The named results: ours beside the published ones (computed once per process)."""

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._status = pn.pane.Markdown(
            "The named fits run once per server process (a few seconds); the table fills in "
            "when they are done.",
            sizing_mode="stretch_width",
        )
        self._table = table_widget(pd.DataFrame(), max_height=400)
        self._notes = pn.pane.Markdown("", sizing_mode="stretch_width")
        self._started = False

    def activate(self) -> None:
        """Start (or join) the computation when first shown."""
        if self._started:
            return
        self._started = True
        when_ready(datafits.named_results(), self.show)

    def show(self, rows: list[dict[str, Any]]) -> None:
        """Fill the table with ``cc.named_results()`` rows."""
        table = []
        notes = []
        for i, row in enumerate(rows, 1):
            data = ", ".join(data_title(d) for d in row["datasets"])
            unit = f" {row['unit']}" if row["unit"] else ""
            cl = row["cl"].replace("sigma", "σ")
            table.append(
                [
                    f"{i}. {_quantity(row['quantity'])}",
                    f"{_published_text(row)}{unit} ({cl})",
                    f"{_ours_text(row)}{unit}",
                    f"{row['difference']:+.3g} (tolerance {fmt(row['tolerance'], 2)})",
                    "yes" if row["within"] else "no",
                ]
            )
            notes.append(
                f"{i}. *{data}* — published: {row['reference']}. *Tolerance:* "
                f"{row['tolerance_argument']}"
            )
        self._table.object = pd.DataFrame(
            table, columns=["Result", "Published", "This workbench", "Difference", "Agrees"]
        )
        self._status.object = (
            f"**Named results** — {sum(r['within'] for r in rows)} of {len(rows)} agree with the "
            "published value within the tolerance argued for each (notes below)."
        )
        self._notes.object = "\n\n".join(notes)

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(
            self._status,
            self._table,
            pn.Card(
                self._notes,
                title="Data, references and tolerances",
                collapsed=True,
                sizing_mode="stretch_width",
            ),
            sizing_mode="stretch_width",
        )


# ------------------------------------------------------------------------------ running
class RunningPanel(pn.viewable.Viewer):
    """The MS-bar running of sin²θ_W with the measurements and the workbench's points."""

    show_workbench = param.Boolean(default=True, doc="Draw the workbench's determinations.")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._data: dict[str, Any] | None = None
        self._plot = pn.pane.HoloViews(None, sizing_mode="stretch_width", linked_axes=False)
        self._caption = pn.pane.Markdown(
            "The workbench's own fits run once per server process (a few seconds)…",
            sizing_mode="stretch_width",
        )
        self._table = table_widget(pd.DataFrame(), max_height=300)
        self._started = False
        self.param.watch(self._draw, "show_workbench")

    def activate(self) -> None:
        """Start (or join) the computation when first shown."""
        if self._started:
            return
        self._started = True
        when_ready(datafits.running_points(), self._store)

    def _store(self, data: dict[str, Any]) -> None:
        self._data = data
        self._draw()

    def _draw(self, *_events: Any) -> None:
        if self._data is None:
            return
        data = self._data
        self._plot.object = running_plot(data, show_workbench=self.show_workbench)
        self._caption.object = (
            "Curve: one-loop MS-bar running with particle thresholds; inputs and method: "
            f"{data['source']}. Points: measurements as published, put on the MS-bar footing "
            "(Z-pole effective angles −0.00031; NuTeV moved by its deviation from the on-shell "
            "value). Red: this workbench — atomic parity violation for each atomic theory, and "
            "sin²θ_W fitted to the COHERENT data sets at their mean momentum transfer."
        )
        points = [*data["measurements"], *(data["workbench"] if self.show_workbench else [])]
        self._table.object = pd.DataFrame(
            [
                [
                    p["label"],
                    fmt(p["mu_GeV"], 3),
                    plus_minus(p["value"], p["err_minus"], p["err_plus"], 4),
                ]
                for p in points
            ],
            columns=["Measurement", "μ (GeV)", "sin²θ_W"],
        )

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(
            pn.widgets.Checkbox.from_param(
                self.param.show_workbench, label="Show this workbench's determinations"
            ),
            self._plot,
            self._caption,
            pn.Card(self._table, title="The points", collapsed=True, sizing_mode="stretch_width"),
            sizing_mode="stretch_width",
        )


# ------------------------------------------------------------------------------ experiments
class PublishedPanel(pn.viewable.Viewer):
    """A preset's published numbers beside ours, and every data set's observed events beside
    the prediction (Experiments tab)."""

    def __init__(self, owner: TabView, preset: str, **params: Any) -> None:
        super().__init__(**params)
        self._owner = owner
        self._preset = preset  # the owner's parameter holding the preset's name
        self._published_caption = pn.pane.Markdown("", sizing_mode="stretch_width")
        self._published = table_widget(pd.DataFrame(), max_height=300)
        self._data = table_widget(pd.DataFrame(), max_height=260)
        self._started = False
        owner.param.watch(self.refresh, preset)

    def activate(self) -> None:
        """Compute when first shown."""
        if self._started:
            return
        self._started = True
        self.refresh()
        self._owner.defer("observed", self._observed_frame, self._show_observed)

    def refresh(self, *_events: Any) -> None:
        """The published numbers of the chosen preset (deferred: they need its counts)."""
        if not self._started:
            return
        name = getattr(self._owner, self._preset)
        self._published_caption.object = f"**Published results: {preset_title(name)}** — …"
        self._owner.defer(
            "published",
            lambda: self._published_frame(name),
            lambda value: self._owner.on_shown("published", lambda: self._show_published(*value)),
        )

    @staticmethod
    def _published_frame(name: str) -> tuple[str, pd.DataFrame]:
        comparison = datafits.published(name)
        rows = []
        for r in comparison["results"]:
            unc = r["uncertainty"]
            value = fmt(r["value"], 4)
            if unc is not None:
                value = plus_minus(r["value"], unc[0], unc[1], 4)
            cl = f" ({r['cl'].replace('sigma', 'σ')})" if r["cl"] else ""
            unit = r["unit"].replace("^-1", "⁻¹").replace("^-2", "⁻²").replace("^2", "²")
            rows.append(
                [
                    r["label"] or r["kind"],
                    r["kind"].replace("_", " "),
                    f"{value} {unit}".strip() + cl,
                    "–" if r["ours"] is None else fmt(r["ours"], 4),
                    "–" if r["ratio"] is None else fmt(r["ratio"], 3),
                ]
            )
        caption = (
            f"**Published results: {comparison['title']}** — {comparison['reference']}; "
            f"this workbench expects {fmt(comparison['counts'], 4)} CEvNS events."
        )
        frame = pd.DataFrame(
            rows, columns=["Published number", "Kind", "Published", "This workbench", "Ratio"]
        )
        return caption, frame

    def _show_published(self, caption: str, frame: pd.DataFrame) -> None:
        self._published_caption.object = caption
        self._published.object = frame

    @staticmethod
    def _observed_frame() -> pd.DataFrame:
        rows = []
        for name in likelihood_names():
            fit = datafits.data_fit((name,))
            t = fit["datasets"][name]["totals"]
            rows.append(
                [
                    data_title(name),
                    plus_minus(t["observed"], t["observed_error_low"], t["observed_error_high"], 5),
                    f"{events_text(t['predicted_sm'])} = {events_text(t['signal_sm'])} + "
                    f"{events_text(t['background_nominal'])}",
                    f"{events_text(t['best_fit'])} = {events_text(t['signal_best_fit'])} + "
                    f"{events_text(t['background_best_fit'])}",
                    f"{fmt(fit['chi2'], 4)} / {fit['dof']}",
                ]
            )
        return pd.DataFrame(
            rows,
            columns=[
                "Data set",
                "Observed events (68 %)",
                "Predicted: CEvNS (SM) + backgrounds",
                "Best fit: CEvNS + backgrounds",
                "χ² / dof",
            ],
        )

    def _show_observed(self, frame: pd.DataFrame) -> None:
        self._owner.on_shown("observed", lambda: setattr(self._data, "object", frame))

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(
            self._published_caption,
            self._published,
            pn.pane.Markdown(
                "**Data beside the prediction** — every event in each data set's analysis "
                "window: observed (68 % Poisson interval) beside the Standard-Model "
                "prediction (nominal nuisances) and the best fit (nuisances profiled).",
                margin=(10, 10, 0, 10),
            ),
            self._data,
            sizing_mode="stretch_width",
        )
