"""Tab "More physics": views the core supports beyond the main tabs, for the sidebar's set-up.

One sub-view at a time (``mp.view`` in the URL):

* Quenching & thresholds — Lindhard Q(T) of the target's nuclei, and the events of every recoil
  above a threshold in keVnr and in keVee (PKK Fig. 6);
* Dark-matter backgrounds & neutrino fog — solar / atmospheric / DSNB CEvNS per tonne·year and
  above threshold (PKK Fig. 17), the fog n(σ, m) and its floor next to O'Hare's (issue 15);
* Directional recoils — d²N/dΩ_r dT of the sidebar's experiment (Pandey Eqs. (18)–(20));
* Nuclear-model differences — |ΔF_W| and |Δσ| relative to a chosen reference, with the shipped
  tabulated densities (Pandey Figs. 4–5);
* σ(E) with and without F(q) (PKK Fig. 2 bottom) for the target's nuclei, sidebar's model;
* ν–e scattering — CEvNS and neutrino–electron elastic scattering in the detector's observable;
* Transition magnetic moments — μ_eff(E) per flavour at the detector (PKK Eqs. 58–61);
* Sterile neutrinos — 3+1 appearance and disappearance at the source's baseline, point-like and
  averaged over a baseline spread.

Each sub-view is computed off the event loop (:meth:`TabView.defer`) from plain specs and cached
(:mod:`dashboard.physics_results`), drawn by :mod:`.physics_plots`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import holoviews as hv
import panel as pn

import cevns_core as cc

from .. import physics_results as pr
from .. import results
from ..errors import notify_error
from ..viewstate import MORE_VIEWS, MorePhysicsOptions
from ..widgets import option_field
from . import physics_plots as pp
from ._base import PLOT_HEIGHT, TabView, layout_rows, viewport_css

__all__ = ["EXPLAINED", "SHORT_TITLES", "MorePhysicsView"]

#: Labels of the sub-view buttons (short enough for a 1366 px screen).
SHORT_TITLES: dict[str, str] = {
    "quenching": "Quenching",
    "dark_matter": "Dark matter",
    "directional": "Directions",
    "nuclear": "Nuclear models",
    "sigma_ff": "σ and F(q)",
    "electrons": "ν–e",
    "transition": "Transition moments",
    "sterile": "Sterile ν",
}

#: What each sub-view shows (Markdown under the selector).
EXPLAINED: dict[str, str] = {
    "quenching": "A detector that measures ionisation or scintillation sees a fraction Q(T) of "
    "the recoil energy (keVee = Q·keVnr). Left: Lindhard Q(T) of the target's nuclei (the "
    "sidebar's k when set). Right: events of every recoil above a threshold, against the "
    "threshold in keVnr (solid) and in keVee with the sidebar's quenching (dashed). PKK Fig. 6.",
    "dark_matter": "The CEvNS of solar, atmospheric and diffuse-supernova neutrinos is the "
    "irreducible background of dark-matter searches (PKK Fig. 17). Below: the neutrino fog — the "
    "gradient index n = −d ln σ / d ln(exposure) of the discovery limit (O'Hare 2021); the floor "
    "is where n reaches 2.",
    "directional": "A directional detector sees the recoil angle θ_r to the neutrino direction. "
    "For a given T each neutrino energy gives one angle (Pandey Eqs. (18)–(20)); a line (the "
    "prompt π-DAR νμ) gives a single curve θ_r(T), dashed. Sidebar's experiment, no detector "
    "response.",
    "nuclear": "Relative differences of the weak form factor and of the cross section between "
    "nuclear models and a reference model (Pandey Figs. 4–5); the tables the package ships for "
    "the nucleus are among the models: measured charge densities (Ar, Ge: electron scattering, "
    "de Vries 1987) and shell-model form factors (Cs, I, Xe: Hoferichter et al. 2020).",
    "sigma_ff": "Total cross section of the target's nuclei with the sidebar's form-factor model "
    "(solid) and for a point nucleus (F = 1, dashed), and their ratio: the form factor matters "
    "above ~30 MeV (PKK Fig. 2 bottom).",
    "electrons": "Neutrino–electron elastic scattering is the other channel in every detector: "
    "electron recoils are seen without quenching. The sidebar's experiment with both channels.",
    "transition": "Transition magnetic moments Λ_i in the mass basis: the effective moment "
    "μ²_eff = |Λ|² − |Σ U_αi Λ_i e^{−iφ_i}|² seen at the detector depends on the flavour, the "
    "energy and the baseline (PKK Eqs. 58–61). Sidebar's source.",
    "sterile": "3+1 sterile neutrino: appearance (νμ → νₑ …) and disappearance into the sterile "
    "state at the source's baseline; the dashed curves are for a point-like source and detector, "
    "the solid ones averaged over the baseline spread. Sidebar's source.",
}


class MorePhysicsView(TabView, MorePhysicsOptions):
    """The More physics tab (see the module docstring); options: :class:`MorePhysicsOptions`."""

    TAB = "more"

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self.sync_options()
        self._plot = self.pane(self._placeholder())
        self._text = pn.pane.Markdown("", margin=(0, 10), sizing_mode="stretch_width")
        self._status = pn.pane.Markdown("", margin=(0, 10))
        self._controls = pn.Row(sizing_mode="stretch_width")
        options = [n for n in self.param if n != "name" and n in MorePhysicsOptions.param]
        self.param.watch(self._changed, options)
        self.param.watch(self._new_view, "view")
        self.state.param.watch(self._changed, list(self.state.EXPERIMENT_INPUTS))
        self._new_view()

    @staticmethod
    def _placeholder() -> hv.Overlay:
        return hv.Overlay([hv.Text(0.5, 0.5, "")]).opts(
            xaxis=None, yaxis=None, responsive=True, min_height=PLOT_HEIGHT, toolbar=None
        )

    # --------------------------------------------------------------------------- computing
    def _new_view(self, *_events: Any) -> None:
        self._text.object = f"**{MORE_VIEWS[self.view]}.** {EXPLAINED[self.view]}"
        self._controls.objects = self.controls()
        self._changed()

    def _changed(self, *_events: Any) -> None:
        self.on_shown("plot", self._compute)

    def job(self) -> Callable[[], Any]:
        """The computation of the current sub-view, on plain data only (runs in a thread)."""
        view = self.view
        if view == "dark_matter":
            target = self.dm_target
            return lambda: (
                (
                    pp.astro_plots(pr.astro_backgrounds(target), target)
                    + pp.fog_plot(pr.fog(target), target)
                )
                .opts(shared_axes=False)
                .cols(2)
            )  # a new layout: its own columns and axes
        if view == "nuclear":
            nucleus, reference = self.nucleus, self.reference
            models = tuple(
                m
                for m in (*self.param.reference.objects, *cc.form_factor_tables(nucleus))
                if m not in (reference, "point")
            )
            return lambda: pp.nuclear_plots(
                pr.nuclear_differences(nucleus, models, reference), nucleus, reference
            )
        spec = self.state.spec()  # CevnsError for invalid choices: a notification
        if view == "quenching":
            isotopes = self._elements()
            k = self.state.lindhard_k

            def quenching() -> Any:
                left = pp.quenching_plot(pr.quenching_curves(isotopes, k))
                data = pr.threshold_counts(spec)
                right = pp.threshold_plot([(data["title"], data)], "Events above threshold")
                return (left + right).opts(shared_axes=False)

            return quenching
        if view == "directional":
            return lambda: pp.directional_plots(pr.directional(spec))
        if view == "sigma_ff":
            isotopes = tuple(self.state.target_isotopes()[:3])
            nuclear, physics = spec["nuclear"], spec["physics"]
            point = {**nuclear, "form_factor": "point", "form_factor_params": {}}
            top = max(cc.Experiment.from_spec(spec).source.E_max_MeV, 1.0) * 3.0

            def sigma() -> Any:
                with_f = results.total_cross_sections(isotopes, 0.5, top, nuclear, physics, "nu_mu")
                without = results.total_cross_sections(isotopes, 0.5, top, point, physics, "nu_mu")
                return pp.sigma_ff_plots(with_f, without, isotopes)

            return sigma
        if view == "electrons":
            return lambda: pp.channel_plot(pr.channels(spec))
        if view == "transition":
            lam = (self.Lambda1 * 1e-10, self.Lambda2 * 1e-10, self.Lambda3 * 1e-10)
            zeta = (0.0, self.zeta2_deg, 0.0)
            source = spec["source"]
            return lambda: pp.transition_plot(pr.transition_moments(source, lam, zeta))
        dm2, spread = self.dm2_eV2, self.spread_m
        U2 = (("e", self.Ue4_sq), ("mu", self.Umu4_sq))
        source = spec["source"]
        return lambda: pp.sterile_plot(pr.sterile(source, dm2, U2, spread), spread)

    def _elements(self) -> tuple[str, ...]:
        """The most abundant isotope of each element of the target, then Ge and Si (PKK)."""
        by_Z: dict[int, str] = {}
        for name in [*self.state.target_isotopes(), "Ge74", "Si28"]:
            by_Z.setdefault(cc.isotope(name).Z, name)
        return tuple(by_Z.values())

    def _compute(self) -> None:
        try:
            job = self.job()
        except Exception as exc:  # invalid sidebar: the last good plot stays
            notify_error(exc)
            return
        self._status.object = "Computing …"

        def apply(obj: Any) -> None:
            # as high as the window allows for the sub-view's rows of plots
            self._plot.param.update(object=obj, stylesheets=[viewport_css(layout_rows(obj))])
            self._status.object = ""

        self.defer("plot", job, apply)

    # --------------------------------------------------------------------------- layout
    def controls(self) -> list[Any]:
        """The widgets of the current sub-view."""
        view = self.view
        if view == "dark_matter":
            return [pn.widgets.Select.from_param(self.param.dm_target, label="Target", width=160)]
        if view == "nuclear":
            models = {pp.model_name(m): m for m in self.param.reference.objects}
            return [
                pn.widgets.Select.from_param(self.param.nucleus, label="Nucleus", width=120),
                pn.widgets.Select.from_param(
                    self.param.reference, label="Reference model", options=models, width=260
                ),
            ]
        if view == "transition":
            return [
                option_field(self, name, width=140)
                for name in ("Lambda1", "Lambda2", "Lambda3", "zeta2_deg")
            ]
        if view == "sterile":
            return [
                option_field(self, name, width=140)
                for name in ("dm2_eV2", "Ue4_sq", "Umu4_sq", "spread_m")
            ]
        return []

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(
            pn.widgets.RadioButtonGroup.from_param(
                self.param.view,
                options={title: key for key, title in SHORT_TITLES.items()},
                color="primary",
                sizing_mode="stretch_width",
            ),
            self._text,
            self._controls,
            self._status,
            self._plot,
            sizing_mode="stretch_width",
        )
