"""Tab "Cross sections": σ(E), dσ/dT, dσ/dcos θ and the N² scaling of the flux average.

* σ(E_ν) in cm² for several nuclei (``cevns_core.total_cross_section``; PKK Figs. 2 B, 4), with
  the Standard Model dashed when new physics is set;
* dσ/dT (cm²/keV) of one nucleus at chosen neutrino energies up to T_max (PKK Fig. 2 UL);
* dσ/dcos θ_ν (cm²) versus E_ν at chosen scattering angles (PKK Fig. 2 UR);
* the flux-averaged cross section of the sidebar's source versus neutron number N, for a point
  nucleus (F = 1: the N² law) and with the chosen form factor (CDG Fig. 3 style;
  ``cevns_core.flux_averaged_cross_section``).

The sidebar's form-factor model and parameters and its electroweak/new-physics settings apply
to every plot; ``flavour`` is the incoming flavour where the couplings depend on it.
"""

from __future__ import annotations

import re
from typing import Any

import holoviews as hv
import numpy as np
import panel as pn

import cevns_core as cc

from .. import results
from ..labels import form_factor_label, source_title
from ..palette import NEW_PHYSICS_COLOR, SM_COLOR, flavour_label, isotope_color, series_color
from ..viewstate import CrossSectionOptions
from ..widgets import option_field
from ._base import PLOT_HEIGHT, TabView

__all__ = ["CrossSectionView", "parse_numbers"]

E_DIM = hv.Dimension("E_MeV", label="E_ν", unit="MeV")
SIGMA_DIM = hv.Dimension("sigma_cm2", label="σ", unit="cm²")
T_DIM = hv.Dimension("T_keV", label="T (nuclear recoil)", unit="keVnr")
DSDT_DIM = hv.Dimension("dsdT", label="dσ/dT", unit="cm²/keV")
DSDCOS_DIM = hv.Dimension("dsdcos", label="dσ/dcos θ_ν", unit="cm²")
N_DIM = hv.Dimension("N", label="Neutron number N")
AVG_DIM = hv.Dimension("sigma_avg", label="⟨σ⟩ flux-averaged", unit="10⁻⁴⁰ cm²")


def parse_numbers(text: str, what: str) -> tuple[float, ...]:
    """Comma- or space-separated numbers; CevnsError naming ``what`` on anything else."""
    items = [t for t in re.split(r"[,\s;]+", text.strip()) if t]
    try:
        values = tuple(float(t) for t in items)
    except ValueError:
        raise cc.CevnsError(
            f"{what}: {text!r} is not a list of numbers (e.g. '10, 30, 50')"
        ) from None
    if not values:
        raise cc.CevnsError(f"{what}: give at least one number")
    if len(values) > 12:
        raise cc.CevnsError(f"{what}: at most 12 values, got {len(values)}")
    return values


class CrossSectionView(TabView, CrossSectionOptions):
    """The cross-section tab (see the module docstring); options: :class:`CrossSectionOptions`."""

    TAB = "cross_sections"
    _STRUCTURE = ("log_x", "log_y")
    _STATE_INPUTS = (
        "form_factor_model",
        "form_factor_params",
        "skin_fm",
        "R_n_fm",
        "physics_overrides",
    )

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._panes = {
            "sigma": self.pane(self._map("sigma"), rows=2),
            "dsdT": self.pane(self._map("dsdT"), rows=2),
            "angular": self.pane(self._map("angular"), rows=2),
            "nsq": self.pane(self._map("nsq"), rows=2),
        }
        self.param.watch(self._rebuild, list(self._STRUCTURE))
        self.sync_options()

    # --------------------------------------------------------------------------- helpers
    def _nuclear(self) -> dict[str, Any]:
        return self.state.nuclear_spec()

    def _physics(self) -> dict[str, Any]:
        return self.state.physics_spec()

    def _opts(self, title: str, *, logx: bool = False, logy: bool = False) -> dict[str, Any]:
        return self.base_opts(title, logx=logx, logy=logy, min_height=PLOT_HEIGHT)

    @staticmethod
    def _placeholder(kdim: hv.Dimension, vdim: hv.Dimension) -> hv.Overlay:
        empty = np.array([], dtype=float)
        return hv.Overlay([hv.Curve((empty, empty), kdim, vdim, label="none")])

    def _positive(self, y: np.ndarray) -> np.ndarray:
        return np.where(y > 0, y, np.nan) if self.log_y else y

    # --------------------------------------------------------------------------- plots
    def sigma_overlay(self) -> hv.Overlay:
        """σ(E) per nucleus; the SM dashed when new physics is set."""

        def build() -> hv.Overlay:
            xs = results.total_cross_sections(
                tuple(self.isotopes),
                float(self.E_min_MeV),
                float(self.E_max_MeV),
                self._nuclear(),
                self._physics(),
                self.flavour,
                log_x=self.log_x,
            )
            self.warn(xs.warnings)
            layers = []
            for name, y in xs.curves.items():
                iso = name.removesuffix(" SM")
                dash = "dashed" if name.endswith(" SM") else "solid"
                layers.append(
                    hv.Curve(
                        (np.asarray(xs.x), self._positive(np.asarray(y))),
                        E_DIM,
                        SIGMA_DIM,
                        label=name,
                    ).opts(color=isotope_color(iso), line_dash=dash, line_width=2)
                )
            if not layers:
                return self._placeholder(E_DIM, SIGMA_DIM)
            title = f"Total cross section ({flavour_label(self.flavour)})"
            return hv.Overlay(layers).opts(**self._opts(title, logx=self.log_x, logy=self.log_y))

        return self.guard("sigma", build, lambda: self._placeholder(E_DIM, SIGMA_DIM))

    def dsdT_overlay(self) -> hv.Overlay:
        """dσ/dT of the chosen nucleus at each chosen energy, 0 ≤ T ≤ T_max(E)."""

        def build() -> hv.Overlay:
            energies = parse_numbers(self.energies, "dσ/dT energies (MeV)")
            curves = results.differential_cross_sections(
                self.nucleus, energies, self._nuclear(), self._physics(), self.flavour
            )
            layers = [
                hv.Curve(
                    (np.asarray(T), self._positive(np.asarray(y))),
                    T_DIM,
                    DSDT_DIM,
                    label=f"{E:g} MeV",
                ).opts(color=series_color(i), line_width=2)
                for i, (E, (T, y)) in enumerate(curves.items())
            ]
            title = f"dσ/dT of {self.nucleus}"
            return hv.Overlay(layers).opts(**self._opts(title, logy=self.log_y))

        return self.guard("dsdT", build, lambda: self._placeholder(T_DIM, DSDT_DIM))

    def angular_overlay(self) -> hv.Overlay:
        """dσ/dcos θ_ν versus E_ν at each chosen angle."""

        def build() -> hv.Overlay:
            angles = parse_numbers(self.angles, "angles (degrees)")
            ang = results.angular_cross_sections(
                self.nucleus,
                angles,
                float(self.E_min_MeV),
                float(self.E_max_MeV),
                self._nuclear(),
                self._physics(),
                self.flavour,
            )
            layers = [
                hv.Curve(
                    (np.asarray(ang.x), self._positive(np.asarray(y))),
                    E_DIM,
                    DSDCOS_DIM,
                    label=f"θ = {name}",
                ).opts(color=series_color(i), line_width=2)
                for i, (name, y) in enumerate(ang.curves.items())
            ]
            title = f"dσ/dcos θ_ν of {self.nucleus}"
            return hv.Overlay(layers).opts(**self._opts(title, logy=self.log_y))

        return self.guard("angular", build, lambda: self._placeholder(E_DIM, DSDCOS_DIM))

    def nsq_overlay(self) -> hv.Overlay:
        """Flux-averaged σ versus N: point nucleus (N² law) and the chosen form factor."""

        def build() -> hv.Overlay:
            nuclei = tuple(
                dict.fromkeys([*results.N_SQUARED_NUCLEI, *self.state.target_isotopes()])
            )
            nuclei = tuple(sorted(nuclei, key=lambda n: cc.isotope(n).N))
            d = results.flux_averaged_vs_N(
                self.state.source_spec(), nuclei, self._nuclear(), self._physics()
            )
            N = np.asarray(d["N"])
            names = np.asarray(d["nuclei"])
            layers = []
            for key, label, color in (
                ("point", "F = 1 (point nucleus, ∝ N²)", SM_COLOR),
                ("model", f"{form_factor_label(d['model_name'])} form factor", NEW_PHYSICS_COLOR),
            ):
                y = np.asarray(d[key]) / 1e-40
                data = {"N": N, "sigma_avg": y, "nucleus": names}
                layers.append(
                    hv.Curve(data, N_DIM, [AVG_DIM, "nucleus"], label=label).opts(
                        color=color,
                        line_width=1.5,
                        line_dash="dotted" if key == "point" else "solid",
                    )
                )
                layers.append(
                    hv.Scatter(data, N_DIM, [AVG_DIM, "nucleus"], label=label).opts(
                        color=color, size=7
                    )
                )
            kind = self.state.source_type
            name = "the preset's sources" if kind == "composite" else source_title(kind)
            title = f"Flux-averaged σ versus N — {name}"
            return hv.Overlay(layers).opts(**self._opts(title))

        return self.guard("nsq", build, lambda: self._placeholder(N_DIM, AVG_DIM))

    # --------------------------------------------------------------------------- layout
    def _map(self, which: str) -> hv.DynamicMap:
        view_inputs = {
            "sigma": ("isotopes", "E_min_MeV", "E_max_MeV", "flavour"),
            "dsdT": ("nucleus", "energies", "flavour"),
            "angular": ("nucleus", "angles", "E_min_MeV", "E_max_MeV", "flavour"),
            "nsq": (),
        }[which]
        state_inputs = self._STATE_INPUTS
        if which == "nsq":
            state_inputs = (
                *state_inputs,
                "experiment",
                "source_type",
                "source_overrides",
                "target",
            )
        callback = {
            "sigma": self.sigma_overlay,
            "dsdT": self.dsdT_overlay,
            "angular": self.angular_overlay,
            "nsq": self.nsq_overlay,
        }[which]
        return self.dynamic(callback, state_inputs, view_inputs).opts(
            hv.opts.Curve(tools=["hover"]), hv.opts.Scatter(tools=["hover"])
        )

    def _rebuild(self, *_events: Any) -> None:
        for which in ("sigma", "dsdT", "angular"):
            self._panes[which].object = self._map(which)

    def controls(self) -> pn.viewable.Viewable:
        """Nuclei, energy range, energies, angles, flavour, axes."""
        return pn.Column(
            pn.Row(
                pn.widgets.MultiChoice.from_param(
                    self.param.isotopes, label="Nuclei of σ(E)", sizing_mode="stretch_width"
                ),
                option_field(self, "E_min_MeV", width=140),
                option_field(self, "E_max_MeV", width=140),
                pn.widgets.Select.from_param(
                    self.param.flavour,
                    label="Flavour",
                    width=100,
                    options={flavour_label(f): f for f in cc.FLAVOURS},
                ),
                sizing_mode="stretch_width",
            ),
            pn.Row(
                pn.widgets.Select.from_param(
                    self.param.nucleus, label="Nucleus (dσ/dT, dσ/dcos θ)", width=190
                ),
                pn.widgets.TextInput.from_param(
                    self.param.energies, label="Energies for dσ/dT (MeV)", width=200
                ),
                pn.widgets.TextInput.from_param(
                    self.param.angles, label="Angles θ_ν (degrees)", width=200
                ),
                pn.widgets.Checkbox.from_param(self.param.log_x, label="log E"),
                pn.widgets.Checkbox.from_param(self.param.log_y, label="log σ"),
                sizing_mode="stretch_width",
            ),
            sizing_mode="stretch_width",
        )

    def __panel__(self) -> pn.viewable.Viewable:
        p = self._panes
        return pn.Column(
            self.controls(),
            pn.Row(p["sigma"], p["nsq"], sizing_mode="stretch_width"),
            pn.Row(p["dsdT"], p["angular"], sizing_mode="stretch_width"),
            sizing_mode="stretch_width",
        )
