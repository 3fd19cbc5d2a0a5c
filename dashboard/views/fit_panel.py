"""The fit to chosen data sets (Constraints tab, "Fit to data"): one or several CEvNS data sets
plus atomic parity violation and PVES terms, nuisances profiled at the sidebar's physics; shows
the fitted nuisances (pulls), the goodness of fit and the data beside the fit. The choice is one
of the Constraints tab's options (``sc.fit_datasets``, ``sc.fit_terms`` in the URL).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import panel as pn
import param

from cevns_core.likelihood import likelihood_names

from .. import datafits
from ._base import TabView, fmt, table_widget
from .data_panels import DataComparison, data_title, nuisance_unit, term_title
from .data_plots import pulls_plot

__all__ = ["DataFitPanel"]


#: The panel's choices → the owner's options that hold them (Constraints tab).
_OPTIONS = {"datasets": "fit_datasets", "terms": "fit_terms"}


class DataFitPanel(pn.viewable.Viewer):
    """Choose data sets (and APV/PVES), profile the nuisances, show pulls and goodness of fit."""

    datasets = param.ListSelector(
        default=["coherent_csi_2021"], objects=likelihood_names(), doc="CEvNS data sets fitted."
    )
    terms = param.ListSelector(
        default=[], objects=list(datafits.EXTERNAL_TERMS), doc="APV and PVES terms added."
    )

    def __init__(self, owner: TabView, **params: Any) -> None:
        super().__init__(**params)
        self._owner = owner
        self.state = owner.state
        self._summary = pn.pane.Markdown("Choose data sets.", sizing_mode="stretch_width")
        self._nuisances = table_widget(pd.DataFrame(), max_height=420)
        self._terms = table_widget(pd.DataFrame(), max_height=200)
        self._pulls = pn.pane.HoloViews(None, sizing_mode="stretch_width", linked_axes=False)
        self._comparison = DataComparison()
        self._started = False
        self.param.watch(self.refresh, ["datasets", "terms"])
        # the choice is the owner's options (the URL, saved configurations) when it has them
        self._links = {n: o for n, o in _OPTIONS.items() if o in owner.param}
        if self._links:
            self._from_owner()
            owner.param.watch(self._from_owner, list(self._links.values()))
            self.param.watch(self._to_owner, list(self._links))
        # the whole nuclear choice (model, parameters, skin, R_n) as every other view
        self.state.param.watch(self.refresh, ["physics_overrides", *self.state.NUCLEAR_INPUTS])

    def _from_owner(self, *_events: Any) -> None:
        values = {n: list(getattr(self._owner, o)) for n, o in self._links.items()}
        changed = {n: v for n, v in values.items() if list(getattr(self, n)) != v}
        if changed:
            self.param.update(**changed)

    def _to_owner(self, *_events: Any) -> None:
        values = {o: list(getattr(self, n)) for n, o in self._links.items()}
        changed = {o: v for o, v in values.items() if list(getattr(self._owner, o)) != v}
        if changed:
            self._owner.param.update(**changed)

    def activate(self) -> None:
        """Fit once the panel is first shown."""
        if not self._started:
            self._started = True
            self.refresh()

    def refresh(self, *_events: Any) -> None:
        """Fit the chosen data sets and terms (deferred), then show the results."""
        if not self._started:
            return
        datasets, terms = tuple(self.datasets), tuple(self.terms)
        if not datasets and not terms:
            self._summary.object = "Choose at least one data set or measurement."
            return
        physics = self.state.physics_spec()
        # the sidebar's nuclear choice for every prediction; the PVES terms take its skin
        # (none given, the core's per-nucleus systematics: their F_n = F_p reference)
        nuclear = self.state.nuclear_spec()
        self._summary.object = "Fitting…"

        def compute() -> dict[str, Any]:
            return datafits.data_fit(datasets, terms, physics, nuclear)

        def apply(fit: dict[str, Any]) -> None:
            self._owner.on_shown("fit", lambda: self._show(fit, physics))

        self._owner.defer("fit", compute, apply)

    def _show(self, fit: dict[str, Any], physics: Any) -> None:
        model = "the sidebar's new physics" if physics else "the Standard Model"
        parts = [f"χ² of the data sets {fmt(fit['chi2_cells'], 5)} ({fit['n_cells']} cells)"]
        if fit["terms"]:
            parts.append(f"of the measurements {fmt(fit['chi2_terms'], 4)}")
        self._summary.object = (
            f"**Goodness of fit** at {model}, every nuisance profiled: χ² = "
            f"{fmt(fit['chi2'], 5)} for {fit['dof']} degrees of freedom (χ²/dof = "
            f"{fmt(fit['chi2'] / fit['dof'], 3)}), p-value {fmt(fit['p_value'], 2)}. "
            + "; ".join(parts)
            + ". The SNS neutrino flux is one nuisance for every COHERENT data set."
        )
        rows, previous = [], None
        for i, n in enumerate(fit["nuisances"], 1):
            dataset = n["dataset"] or "All COHERENT data sets"
            rows.append(
                [
                    f"{i}. {n['label']}",
                    "" if dataset == previous else dataset,  # each data set named once
                    fmt(n["value"], 3),
                    "free" if n["pull"] is None else fmt(n["sigma"], 3),
                    "–" if n["pull"] is None else f"{n['pull']:+.2f}",
                    nuisance_unit(n["unit"]),
                ]
            )
            previous = dataset
        self._nuisances.object = pd.DataFrame(
            rows, columns=["Nuisance", "Data set", "Fitted", "Prior σ", "Pull", "In units of"]
        )
        self._terms.object = pd.DataFrame(
            [[t["label"], t["at"], fmt(t["chi2"], 3)] for t in fit["terms"]],
            columns=["Measurement", "Evaluated at", "χ²"],
        )
        self._terms.visible = bool(fit["terms"])
        self._pulls.object = pulls_plot(fit["nuisances"]) if fit["nuisances"] else None
        self._pulls.visible = bool(fit["nuisances"])
        self._comparison.show(fit)

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(
            pn.pane.Markdown(
                "Fit the chosen data sets together (nuisances profiled, the physics and the "
                "nuclear choice of the sidebar), optionally with atomic parity violation and "
                "parity-violating electron scattering evaluated at the same physics (PREX-II "
                "and CREX at the sidebar's neutron skin).",
                margin=(0, 10),
            ),
            pn.Row(
                pn.widgets.MultiChoice.from_param(
                    self.param.datasets,
                    label="Data sets",
                    options={data_title(n): n for n in likelihood_names()},
                    sizing_mode="stretch_width",
                ),
                pn.widgets.CheckBoxGroup.from_param(
                    self.param.terms,
                    options={term_title(t): t for t in datafits.EXTERNAL_TERMS},
                    inline=False,
                    width=260,
                ),
                sizing_mode="stretch_width",
            ),
            self._summary,
            # the pulls under the table, as wide as the page: the nuisances' names and the
            # plot's title fit on a laptop screen
            self._nuisances,
            self._terms,
            self._pulls,
            self._comparison,
            sizing_mode="stretch_width",
        )
