"""What each tab shows, as plain parameters: the view half of the session state (no Panel).

Each tab's display options (log axes, stacking, bins, band, the scan settings …) are declared
here on a small ``param.Parameterized`` class; the tab views (:mod:`dashboard.views`) inherit
them, and :mod:`dashboard.parameters` turns every one of them into an entry of the state's
table, so that the URL, saved configurations and the validator know them. :data:`TABS` lists the
tabs in page order: key, title, options class and the prefix of their URL keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import param

import cevns_core as cc
from cevns_core.published import DEFAULT_SIGNAL_UNCERTAINTY

from .editors import copy_param
from .gallery import FIGURES
from .labels import core_unit, with_unit

__all__ = [
    "CL_CHOICES",
    "CONSTRAINTS_SECTIONS",
    "DIMENSIONS",
    "STATISTICS",
    "TABS",
    "TARGET_ISOTOPES",
    "ConstraintsOptions",
    "CrossSectionOptions",
    "ExperimentsOptions",
    "FormFactorOptions",
    "GalleryOptions",
    "MorePhysicsOptions",
    "SourcesOptions",
    "SpectraOptions",
    "Tab",
    "tab_keys",
]

#: Single-isotope targets offered next to the materials (and the nuclei of the plots).
TARGET_ISOTOPES: tuple[str, ...] = (
    "C12",
    "O16",
    "F19",
    "Na23",
    "Si28",
    "Ar40",
    "Ca40",
    "Ti48",
    "Ge72",
    "Ge76",
    "I127",
    "Cs133",
    "Xe132",
    "Xe136",
    "W184",
    "Pb208",
)
#: Nuclei of the N² plot (CDG Fig. 3 style), light to heavy.
N_SQUARED_NUCLEI: tuple[str, ...] = (
    "C12",
    "O16",
    "Na23",
    "Si28",
    "Ar40",
    "Ca40",
    "Ti48",
    "Ge72",
    "Ge76",
    "Kr84",
    "I127",
    "Xe132",
    "Cs133",
    "W184",
    "Pb208",
)
XS_ISOTOPES = tuple(dict.fromkeys([*TARGET_ISOTOPES, *N_SQUARED_NUCLEI]))
#: Confidence levels offered for contours and profile levels.
CL_CHOICES = {"68 %": 0.6827, "90 %": 0.9, "95 %": 0.95, "99 %": 0.99}
#: Scan grids: a 2-D map or a 1-D profile along one axis.
DIMENSIONS = {"2-D map": "2d", "1-D (first axis)": "1d0", "1-D (second axis)": "1d1"}
#: The χ² of an Asimov sensitivity, by name.
STATISTICS = {"Gaussian χ²": "gaussian", "Poisson likelihood ratio": "poisson"}
#: Sections of the Constraints tab: key → title.
CONSTRAINTS_SECTIONS: dict[str, str] = {
    "scan": "Scan",
    "fit": "Fit to data",
    "published": "Published results",
    "running": "Running of sin²θ_W",
}


class SpectraOptions(param.Parameterized):
    """Recoil spectra tab."""

    breakdown = param.Selector(
        default="flavour",
        objects=["total", "flavour", "isotope"],
        label="Breakdown",
        doc="Curves: total, per flavour or per isotope.",
    )
    stacked = param.Boolean(default=False, label="Stacked", doc="Stack the components.")
    log_x = param.Boolean(default=False, label="log T", doc="Logarithmic recoil-energy axis.")
    log_y = param.Boolean(default=False, label="log dN/dT", doc="Logarithmic dN/dT axis.")
    log_counts = param.Boolean(
        default=False, label="log counts", doc="Logarithmic counts axis (observed)."
    )
    show_band = param.Boolean(
        default=False,
        label="Uncertainty band",
        doc="Uncertainty band: flux normalisation ⊕ form-factor model spread (⊕ quenching for the "
        "observed spectrum).",
    )
    n_bins = param.Integer(
        default=40,
        bounds=(5, 200),
        label="Bins",
        doc="Bins of the observed spectrum (PE: 1-PE bins).",
    )


class FormFactorOptions(param.Parameterized):
    """Form factors & densities tab."""

    isotope = param.Selector(
        default="Cs133",
        objects=list(TARGET_ISOTOPES),
        check_on_set=False,
        label="Nucleus",
        doc="Nucleus (follows the sidebar's target).",
    )
    models = param.ListSelector(
        default=[m for m in cc.form_factor_models() if m not in ("point", "moment_expansion")],
        objects=cc.form_factor_models(),
        label="Models",
        doc="Form-factor models to overlay.",
    )
    nucleons = param.Selector(
        default="both",
        objects=["both", "proton", "neutron"],
        label="Nucleons",
        doc="Proton and/or neutron curves.",
    )
    log_y = param.Boolean(default=False, label="log |F|", doc="Logarithmic |F(q)| axis.")
    q_max_fm = param.Number(
        default=3.0,
        bounds=(0.1, 10.0),
        label="q max (fm⁻¹)",
        doc="Largest momentum transfer shown (fm⁻¹).",
    )


class CrossSectionOptions(param.Parameterized):
    """Cross sections tab."""

    isotopes = param.ListSelector(
        default=["Cs133", "Ar40", "Ge72", "Na23"],
        objects=list(XS_ISOTOPES),
        label="Nuclei of σ(E)",
        doc="Nuclei of σ(E).",
    )
    E_min_MeV = param.Number(
        default=1.0, bounds=(0.01, 1000.0), label="E_ν min (MeV)", doc="Lowest E_ν (MeV)."
    )
    E_max_MeV = param.Number(
        default=150.0, bounds=(0.01, 1000.0), label="E_ν max (MeV)", doc="Highest E_ν (MeV)."
    )
    log_x = param.Boolean(default=False, label="log E", doc="Logarithmic energy axis.")
    log_y = param.Boolean(default=True, label="log σ", doc="Logarithmic cross-section axes.")
    nucleus = param.Selector(
        default="Cs133",
        objects=list(XS_ISOTOPES),
        label="Nucleus (dσ/dT, dσ/dcos θ)",
        doc="Nucleus of dσ/dT and dσ/dcos θ.",
    )
    energies = param.String(
        default="10, 30, 50, 100", label="Energies for dσ/dT (MeV)", doc="E_ν of dσ/dT, in MeV."
    )
    angles = param.String(
        default="0, 30, 60, 90, 120, 150",
        label="Angles θ_ν (degrees)",
        doc="θ_ν of dσ/dcos θ, degrees.",
    )
    flavour = param.Selector(
        default="nu_mu",
        objects=list(cc.FLAVOURS),
        label="Flavour",
        doc="Incoming flavour (new physics).",
    )


class SourcesOptions(param.Parameterized):
    """Sources tab."""

    log_x = param.Boolean(default=False, label="log E", doc="Logarithmic energy axes.")
    log_y = param.Boolean(default=False, label="log flux", doc="Logarithmic flux axes.")
    compare = param.ListSelector(
        default=["coherent_csi_2017", "conus"],
        objects=cc.experiment_names(),
        label="Compare shapes with",
        doc="Presets whose source shapes are overlaid.",
    )


class ConstraintsOptions(param.Parameterized):
    """Constraints tab: the scan's settings (and whether a scan with them was run)."""

    model = param.Selector(
        default="zprime", objects=cc.scan_models(), label="Model", doc="Scan model."
    )
    dimensions = param.Selector(
        default="2d",
        objects=list(DIMENSIONS.values()),
        label="Grid",
        doc="2-D grid or a 1-D profile along one axis.",
    )
    levels = param.ListSelector(
        default=[0.9],
        objects=list(CL_CHOICES.values()),
        label="CL",
        doc="Confidence levels of the contours / profile lines.",
    )
    data = param.Selector(
        default="asimov",
        objects=["asimov", *cc.dataset_names()],
        label="Data",
        doc="Asimov sensitivity or a shipped data set.",
    )
    statistic = param.Selector(
        default="gaussian",
        objects=list(STATISTICS.values()),
        label="Asimov χ²",
        doc="χ² of the Asimov sensitivity.",
    )
    a0_min = param.Number(1e-5, label="First axis: min", doc="First axis: lowest value.")
    a0_max = param.Number(1e-2, label="First axis: max", doc="First axis: highest value.")
    a0_n = param.Integer(
        60, bounds=(2, 400), label="First axis: points", doc="First axis: number of values."
    )
    a0_log = param.Boolean(True, label="First axis: log", doc="First axis: log spacing.")
    a1_min = param.Number(1.0, label="Second axis: min", doc="Second axis: lowest value.")
    a1_max = param.Number(1e4, label="Second axis: max", doc="Second axis: highest value.")
    a1_n = param.Integer(
        60, bounds=(2, 400), label="Second axis: points", doc="Second axis: number of values."
    )
    a1_log = param.Boolean(True, label="Second axis: log", doc="Second axis: log spacing.")
    signal_systematic = param.Number(
        DEFAULT_SIGNAL_UNCERTAINTY,
        bounds=(0.0, 1.0),
        label="Signal systematic",
        doc="Relative uncertainty of the predicted signal in an Asimov sensitivity, for presets "
        "that publish none (a fraction: 0.1 = 10 %); presets with a published prediction "
        "uncertainty keep theirs.",
    )
    chunks = param.Integer(
        8, bounds=(1, 64), label="Chunks", doc="Row chunks (progress and cancel steps)."
    )
    done = param.Boolean(
        False,
        label="Scan shown",
        doc="A scan with these settings was run (a shared link or a reload runs it again; the "
        "result usually comes from the cache).",
    )
    section = param.Selector(
        default="scan",
        objects=list(CONSTRAINTS_SECTIONS),
        label="Section",
        doc="The section shown: scan, fit to data, published results or the running of sin²θ_W.",
    )
    fit_datasets = param.ListSelector(
        default=["coherent_csi_2021"],
        objects=cc.likelihood_names(),
        label="Data sets fitted",
        doc="CEvNS data sets of the fit to data.",
    )
    fit_terms = param.ListSelector(
        default=[],
        objects=cc.electroweak.external_term_names(),
        label="Measurements fitted",
        doc="Atomic parity violation and PVES terms added to the fit to data.",
    )


class ExperimentsOptions(param.Parameterized):
    """Experiments tab."""

    compare = param.ListSelector(
        default=["coherent_csi_2017", "coherent_lar_2020", "conus"],
        objects=cc.experiment_names(),
        label="Compare",
        doc="Presets compared side by side.",
    )
    open_preset = param.Selector(
        default="coherent_csi_2017",
        objects=cc.experiment_names(),
        label="Preset",
        doc="Preset to open in the sidebar.",
    )


#: Sub-views of the "More physics" tab: key → title.
MORE_VIEWS: dict[str, str] = {
    "quenching": "Quenching & thresholds",
    "dark_matter": "Dark-matter backgrounds & neutrino fog",
    "directional": "Directional recoils",
    "nuclear": "Nuclear-model differences",
    "sigma_ff": "σ(E) with and without F(q)",
    "electrons": "ν–e scattering",
    "transition": "Transition magnetic moments",
    "sterile": "Sterile neutrinos",
}
#: Targets of the dark-matter sub-view (the neutrino fog's).
DM_TARGETS: tuple[str, ...] = ("Xe", "Ge", "Ar", "Si", "NaI", "CaWO4", "F", "He")


#: Display unit of the transition moments on the More physics tab (the core's are μ_B).
_TMM_UNIT = "10⁻¹⁰ μ_B"


def _core_option(
    owner: type[param.Parameterized],
    name: str,
    default: float,
    *,
    scale: float = 1.0,
    unit: str | None = None,
) -> param.Number:
    """A tab option declared by the core's parameter ``owner.name``: its label and unit, doc
    and bounds (one source), with the tab's ``default``. ``scale``: the display unit in the
    core's unit (shown value = core value / scale), named ``unit``."""
    p = owner.param[name]
    shown = core_unit(owner, name) if unit is None else unit
    changes: dict[str, Any] = {
        "default": default,
        "allow_None": False,
        "label": with_unit(p.label, shown),
        "metadata": {"unit": shown},
    }
    if scale != 1.0:
        changes["bounds"] = tuple(None if b is None else b / scale for b in p.bounds)
        if p.softbounds is not None:
            changes["softbounds"] = tuple(None if b is None else b / scale for b in p.softbounds)
        changes["doc"] = f"{p.doc} Here in {shown}."
    return copy_param(p, **changes)


class MorePhysicsOptions(param.Parameterized):
    """More physics tab: the sub-view and its settings."""

    view = param.Selector(
        default="quenching", objects=list(MORE_VIEWS), label="View", doc="What is shown."
    )
    dm_target = param.Selector(
        default="Ge",
        objects=list(DM_TARGETS),
        label="Dark-matter target",
        doc="Target of the astrophysical backgrounds and of the neutrino fog.",
    )
    nucleus = param.Selector(
        default="Ar40",
        objects=["Ar40", "Ge70", "Ge72", "Ge74", "Ge76", "Ca40", "Xe132", "Cs133", "I127", "Pb208"],
        label="Nucleus",
        doc="Nucleus of the nuclear-model comparison (and of σ with and without F).",
    )
    reference = param.Selector(
        default="helm",
        objects=[m for m in cc.form_factor_models() if m not in ("moment_expansion",)],
        label="Reference model",
        doc="The model the others are compared with.",
    )
    # the 3+1 and transition-moment options: the core's declarations (label, unit, doc, bounds)
    # with the tab's own defaults (the core's are "no effect")
    dm2_eV2 = _core_option(cc.NewPhysics, "dm2_41_eV2", 1.0)
    Ue4_sq = _core_option(cc.NewPhysics, "Ue4_sq", 0.02)
    Umu4_sq = _core_option(cc.NewPhysics, "Umu4_sq", 0.03)
    spread_m = _core_option(cc.SOURCE_TYPES["pion_dar"], "distance_spread_m", 1.0)
    Lambda1 = _core_option(cc.NewPhysics, "tmm_Lambda1_muB", 1.0, scale=1e-10, unit=_TMM_UNIT)
    Lambda2 = _core_option(cc.NewPhysics, "tmm_Lambda2_muB", 1.0, scale=1e-10, unit=_TMM_UNIT)
    Lambda3 = _core_option(cc.NewPhysics, "tmm_Lambda3_muB", 0.0, scale=1e-10, unit=_TMM_UNIT)
    zeta2_deg = _core_option(cc.NewPhysics, "tmm_zeta2_deg", 0.0)


class GalleryOptions(param.Parameterized):
    """Gallery tab: the figure shown."""

    figure = param.Selector(
        default=FIGURES[0].key,
        objects=[f.key for f in FIGURES],
        label="Figure",
        doc="The review figure shown.",
    )


@dataclass(frozen=True)
class Tab:
    """A tab of the page: key (URL and files), title (shown), its options, URL-key prefix."""

    key: str
    title: str
    options: type[param.Parameterized]
    prefix: str
    #: Options applied before the others (choosing them resets some of the others).
    first: tuple[str, ...] = ()


#: The tabs, in page order.
TABS: tuple[Tab, ...] = (
    Tab("spectra", "Recoil spectra", SpectraOptions, "rs"),
    Tab("form_factors", "Form factors & densities", FormFactorOptions, "ffd"),
    Tab("cross_sections", "Cross sections", CrossSectionOptions, "xs"),
    Tab("sources", "Sources", SourcesOptions, "so"),
    Tab("constraints", "Constraints", ConstraintsOptions, "sc", first=("model",)),
    Tab("experiments", "Experiments", ExperimentsOptions, "ex"),
    Tab("more", "More physics", MorePhysicsOptions, "mp"),
    Tab("gallery", "Gallery", GalleryOptions, "ga"),
)


def tab_keys() -> list[str]:
    """The tabs' keys, in page order."""
    return [t.key for t in TABS]
