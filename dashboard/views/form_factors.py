"""Tab "Form factors & densities": several nuclear models overlaid for one nucleus.

* F(q) of the proton distribution (solid) and of the neutron distribution (dashed, with the
  sidebar's neutron skin or R_n) for each chosen model, q in fm⁻¹ (PKK Fig. 3 bottom);
* the densities ρ_p(r), ρ_n(r) normalised to 1 (fm⁻³; PKK Fig. 3 top); models without a density
  (point nucleus, moment expansion) have none;
* a table of radii and moments: R_p, R_n (rms), ⟨r²⟩^½, ⟨r⁴⟩^¼, ⟨r⁶⟩^⅙ of the proton distribution.

Everything is ``cevns_core.NuclearModel`` (``F_p``, ``F_n``, ``rho_p``, ``rho_n``) and the models'
``moment(k)``; the chosen sidebar model gets the sidebar's model parameters.
"""

from __future__ import annotations

from typing import Any

import holoviews as hv
import numpy as np
import pandas as pd
import panel as pn

import cevns_core as cc

from .. import results
from ..labels import form_factor_label, form_factor_short_label
from ..palette import model_color
from ..viewstate import TARGET_ISOTOPES, FormFactorOptions
from ..widgets import option_field
from ._base import TabView, fmt, table_widget

__all__ = ["FormFactorView"]

Q_DIM = hv.Dimension("q_fm", label="q", unit="fm⁻¹")
F_DIM = hv.Dimension("F", label="F(q)")
ABS_F_DIM = hv.Dimension("F", label="|F(q)|")
R_DIM = hv.Dimension("r_fm", label="r", unit="fm")
RHO_DIM = hv.Dimension("rho", label="ρ(r)", unit="fm⁻³")
NUCLEONS = {"p + n": "both", "Protons": "proton", "Neutrons": "neutron"}


def model_label(model: str) -> str:
    """Printable name of a form-factor model (the core model's ``label``)."""
    return form_factor_label(model)


class FormFactorView(TabView, FormFactorOptions):
    """The form-factor tab (see the module docstring); options: :class:`FormFactorOptions`."""

    TAB = "form_factors"
    _STRUCTURE = ("log_y",)
    _INPUTS = ("isotope", "models", "nucleons", "q_max_fm")
    _STATE_INPUTS = ("form_factor_model", "form_factor_params", "skin_fm", "R_n_fm")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._follow_target(keep=True)
        self.sync_options()
        self.state.param.watch(self._follow_target, "target")
        self._ff_pane = self.pane(self._ff_map())
        self._rho_pane = self.pane(self._rho_map())
        self._caption = pn.pane.Markdown("", margin=(0, 10))
        self._table = table_widget(pd.DataFrame())
        self.param.watch(self._update_table, list(self._INPUTS))
        self.state.param.watch(self._update_table, list(self._STATE_INPUTS))
        self._update_table()
        self.param.watch(self._rebuild, list(self._STRUCTURE))

    def option_default(self, name: str) -> Any:
        """The nucleus' default is the target's most abundant isotope."""
        if name == "isotope":
            return self.state.target_isotopes()[0]
        return super().option_default(name)

    def _follow_target(self, *_events: Any, keep: bool = False) -> None:
        """The nucleus follows the sidebar's target (its most abundant isotope); ``keep``: not
        when the state already holds a chosen nucleus (a URL, a configuration)."""
        isotopes = self.state.target_isotopes()
        objects = list(dict.fromkeys([*isotopes, *TARGET_ISOTOPES]))
        self.param.isotope.objects = objects
        if keep and self.state.view_options.get(self.TAB, {}).get("isotope") in objects:
            return
        self.isotope = isotopes[0]

    # --------------------------------------------------------------------------- data
    def data(self) -> dict[str, results.Curves]:
        """F_p, F_n, ρ_p, ρ_n of the chosen nucleus for the chosen models (cached)."""
        out = results.form_factor_curves(
            self.isotope,
            tuple(self.models),
            self.state.form_factor_model,
            dict(self.state.form_factor_params),
            None if self.state.skin_fm is None else float(self.state.skin_fm),
            self.state.R_n_fm,
            float(self.q_max_fm),
        )
        self.warn(out["F_p"].warnings)
        return out

    def _layers(self, curves_p: results.Curves, curves_n: results.Curves, kdim, vdim, absolute):
        layers = []
        for model in self.models:
            color = model_color(model)
            for which, curves, dash in (
                ("proton", curves_p, "solid"),
                ("neutron", curves_n, "dashed"),
            ):
                if self.nucleons not in ("both", which) or model not in curves.curves:
                    continue
                y = np.asarray(curves.curves[model])
                if absolute:
                    y = np.abs(y)
                    y = np.where(y > 0, y, np.nan)
                # one legend entry per model: the neutron curve (dashed) shares the colour
                show = which == "proton" or self.nucleons == "neutron"
                layers.append(
                    hv.Curve((np.asarray(curves.x), y), kdim, vdim, label=model_label(model)).opts(
                        color=color, line_dash=dash, line_width=2, show_legend=show
                    )
                )
        if not layers:
            empty = np.array([], dtype=float)
            layers.append(hv.Curve((empty, empty), kdim, vdim, label="none"))
        return layers

    # --------------------------------------------------------------------------- plots
    def ff_overlay(self) -> hv.Overlay:
        """F(q) (|F| on a log axis) of every chosen model, protons solid, neutrons dashed."""

        def build() -> hv.Overlay:
            d = self.data()
            vdim = ABS_F_DIM if self.log_y else F_DIM
            layers = self._layers(d["F_p"], d["F_n"], Q_DIM, vdim, self.log_y)
            title = f"Form factors of {self.isotope}{self._style_note()}"
            opts = self.base_opts(title, logy=self.log_y)
            if self.log_y:
                opts["ylim"] = (1e-6, 1.5)
            return hv.Overlay(layers).opts(**opts)

        return self.guard("ff", build, lambda: hv.Overlay(self._empty(Q_DIM, F_DIM)))

    def rho_overlay(self) -> hv.Overlay:
        """ρ_p(r), ρ_n(r) normalised to 1, for the models that have a density."""

        def build() -> hv.Overlay:
            d = self.data()
            layers = self._layers(d["rho_p"], d["rho_n"], R_DIM, RHO_DIM, False)
            title = f"Densities of {self.isotope}{self._style_note()}"
            return hv.Overlay(layers).opts(**self.base_opts(title, yformatter="%.1e"))

        return self.guard("rho", build, lambda: hv.Overlay(self._empty(R_DIM, RHO_DIM)))

    def _style_note(self) -> str:
        return " — p solid, n dashed" if self.nucleons == "both" else f" — {self.nucleons}s"

    @staticmethod
    def _empty(kdim: hv.Dimension, vdim: hv.Dimension) -> list[hv.Curve]:
        empty = np.array([], dtype=float)
        return [hv.Curve((empty, empty), kdim, vdim, label="none")]

    def _ff_map(self) -> hv.DynamicMap:
        return self.dynamic(self.ff_overlay, self._STATE_INPUTS, self._INPUTS).opts(
            hv.opts.Curve(tools=["hover"])
        )

    def _rho_map(self) -> hv.DynamicMap:
        return self.dynamic(self.rho_overlay, self._STATE_INPUTS, self._INPUTS).opts(
            hv.opts.Curve(tools=["hover"])
        )

    def _rebuild(self, *_events: Any) -> None:
        self._ff_pane.object = self._ff_map()

    # --------------------------------------------------------------------------- table
    def table_frame(self) -> pd.DataFrame:
        """Radii and moments (fm) of the chosen models."""
        rows = self.data()["F_p"].rows
        return pd.DataFrame(
            [
                [
                    model_label(r["model"]),
                    fmt(r["R_p_fm"]),
                    fmt(r["R_n_fm"]),
                    fmt(r["r2_root_fm"]),
                    fmt(r["r4_root_fm"]),
                    fmt(r["r6_root_fm"]),
                ]
                for r in rows
            ],
            columns=[
                "Model",
                "R_p (fm)",
                "R_n (fm)",
                "⟨r²⟩^½ (fm)",
                "⟨r⁴⟩^¼ (fm)",
                "⟨r⁶⟩^⅙ (fm)",
            ],
        )

    def _update_table(self, *_events: Any) -> None:
        self.on_shown("table", self._fill_table)

    def _fill_table(self) -> None:
        """The radii table (the last good one on invalid input)."""
        self._table.object = self.guard("table", self.table_frame, pd.DataFrame)
        self._caption.object = (
            f"**Radii and moments of {self.isotope}** — proton distribution; R_n with "
            + (
                "the skin systematics"
                if self.state.skin_fm is None
                else f"the skin {self.state.skin_fm:g} fm"
            )
            + (f" / R_n = {self.state.R_n_fm:g} fm" if self.state.R_n_fm is not None else "")
        )

    # --------------------------------------------------------------------------- layout
    def controls(self) -> pn.viewable.Viewable:
        """Nucleus, models, nucleons, axis options (on two lines when the screen is narrow)."""
        return pn.FlexBox(
            pn.widgets.Select.from_param(self.param.isotope, label="Nucleus", width=130),
            pn.widgets.CheckButtonGroup.from_param(
                self.param.models,
                label="Models",
                options={form_factor_short_label(m): m for m in cc.form_factor_models()},
                color="primary",
            ),
            pn.widgets.RadioButtonGroup.from_param(
                self.param.nucleons, options=NUCLEONS, label="Nucleons", color="primary"
            ),
            pn.widgets.Checkbox.from_param(self.param.log_y, label="log |F|"),
            option_field(self, "q_max_fm", width=110),
            flex_wrap="wrap",
            align_items="flex-start",
            sizing_mode="stretch_width",
        )

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(
            self.controls(),
            pn.Row(self._ff_pane, self._rho_pane, sizing_mode="stretch_width"),
            self._caption,
            self._table,
            sizing_mode="stretch_width",
        )
