"""Results of the "More physics" tab and of the gallery: the core's numbers, cached (no plotting).

Each function takes plain data (specs, names, numbers), calls :mod:`cevns_core` and returns
read-only arrays in small records, cached in the process's results cache
(:mod:`dashboard.cache`). The functions choose grids and sum the core's breakdowns (a reversed
cumulative sum of binned counts is "events above threshold"); the numbers are the core's:

* :func:`quenching_curves` — Lindhard quenching factors (``cc.quenching_model``);
* :func:`threshold_counts` — events above a threshold in keVnr and keVee (``binned_counts`` of
  the ideal detector; the keVee threshold of each keVnr one from the detector's quenching);
* :func:`astro_backgrounds` — solar / atmospheric / DSNB CEvNS of a dark-matter target
  (``cevns_core.dark_matter.backgrounds.neutrino_background``);
* :func:`fog` — the neutrino fog (``cc.neutrino_fog``) and O'Hare's published floor;
* :func:`directional` — ``cc.directional_spectrum``;
* :func:`nuclear_differences` — ``cc.compare_nuclear_models`` (Pandey Figs. 4–5);
* :func:`channels` — CEvNS and ν–e counts (``Experiment(electron_recoils=True)``);
* :func:`transition_moments` — μ_eff(E) at the detector (``effective_moment_squared_at``);
* :func:`sterile` — 3+1 probabilities with the baseline spread (``sterile_probabilities``);
* :func:`scan` — a whole ``cc.scan`` (the gallery's exclusion figures).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

import cevns_core as cc
from cevns_core.dark_matter.backgrounds import log_bin_edges, neutrino_background
from cevns_core.dark_matter.fog import ohare2021_floor_points
from cevns_core.flavours import FLAVOURS
from cevns_core.physics.oscillation import sterile_probabilities
from cevns_core.physics.transition_moment import effective_moment_squared_at

from .cache import cached
from .results import collect_warnings, frozen, recoil_grid
from .scanning import check_grid, scan_experiment

__all__ = [
    "ASTRO_GROUPS",
    "Scan",
    "astro_backgrounds",
    "channels",
    "directional",
    "fog",
    "nuclear_differences",
    "quenching_curves",
    "scan",
    "sterile",
    "threshold_counts",
    "transition_moments",
]

Array = NDArray[np.float64]

#: The dark-matter backgrounds grouped as PKK Fig. 17: label → components of the core.
ASTRO_GROUPS: dict[str, tuple[str, ...]] = {
    "Solar": ("pp", "pep", "hep", "Be7", "B8", "N13", "O15", "F17"),
    "Atmospheric": ("atmospheric",),
    "Diffuse supernova background": ("DSNB",),
}


# ---------------------------------------------------------------------------- quenching
@cached()
def quenching_curves(
    isotopes: tuple[str, ...], k: float | None, T_min_keV: float = 0.01, T_max_keV: float = 100.0
) -> dict[str, Any]:
    """Lindhard quenching factor Q(T) per nucleus (A, Z of the isotope; ``k`` None: the
    Lindhard value 0.133 Z^(2/3) A^(−1/2) of the core)."""
    T = np.geomspace(T_min_keV, T_max_keV, 300)
    curves = {}
    for name in isotopes:
        iso = cc.isotope(name)
        model = cc.quenching_model("lindhard", A=float(iso.A), Z=float(iso.Z), k=k)
        curves[name] = frozen(model.quenching_factor(T))
    return {"T_keV": frozen(T), "curves": curves}


def _above(binned: Array) -> Array:
    """Events above each lower bin edge: the reversed cumulative sum of the bins."""
    return np.cumsum(binned[::-1])[::-1]


@cached()
def threshold_counts(spec: dict[str, Any], n_points: int = 60) -> dict[str, Any]:
    """Events of every recoil above a threshold T_thr (keVnr) and the threshold's keVee value.

    The ideal detector's counts (``Experiment.ideal().observed_counts``) in log bins from
    10⁻³ T_max to T_max; the electron-equivalent threshold of each edge is
    ``Detector.electron_equivalent_keV`` of the sidebar's detector (its quenching model).
    """
    with collect_warnings() as messages:
        exp = cc.Experiment.from_spec(spec)
        top = exp.max_recoil_keV()
        edges = np.geomspace(top * 1e-3, top, n_points + 1)
        ideal = exp.ideal()
        counts = ideal.observed_counts(edges)
        above = _above(np.asarray(counts.total, dtype=float))
        by_isotope = {k: frozen(_above(np.asarray(v))) for k, v in counts.by_isotope().items()}
        quenched = exp.detector.quenching is not None
        ee = exp.detector.electron_equivalent_keV(edges[:-1]) if quenched else None
    return {
        "T_keV": frozen(edges[:-1]),
        "E_ee_keV": None if ee is None else frozen(ee),
        "total": frozen(above),
        "by_isotope": by_isotope,
        "threshold_keVnr": float(exp.detector.threshold_recoil_keV()),
        "title": exp.title or "the sidebar's experiment",
        "warnings": tuple(messages),
    }


# ---------------------------------------------------------------------------- dark matter
@cached()
def astro_backgrounds(target: str, n_bins: int = 80) -> dict[str, Any]:
    """Solar, atmospheric and DSNB CEvNS in ``target`` per tonne·year: dR/dT (per keV) and
    the events above each threshold (PKK Fig. 17), from 10⁻³ to 10² keVnr."""
    edges = log_bin_edges(1e-3, 1e2, n_bins)
    bg = neutrino_background(target, edges)
    width = np.diff(edges)
    centres = np.sqrt(edges[:-1] * edges[1:])
    rate, above = {}, {}
    for label, names in ASTRO_GROUPS.items():
        rows = [bg.rates[i] for i, k in enumerate(bg.components) if k in names]
        per_bin = np.sum(rows, axis=0) * 1e3 if rows else np.zeros_like(width)  # per tonne
        rate[label] = frozen(per_bin / width)
        above[label] = frozen(_above(per_bin))
    return {
        "T_keV": frozen(centres),
        "edges_keV": frozen(edges[:-1]),
        "rate": rate,
        "above": above,
        "model": bg.model,
    }


@cached(max_items=16)
def fog(target: str, n_masses: int = 60, n_exposures: int = 40) -> dict[str, Any]:
    """The neutrino fog of ``target`` (``cc.neutrino_fog``): n(σ, m), the floor (n = 2) and
    O'Hare's published floor where the package ships it."""
    masses = np.geomspace(0.1, 1e4, n_masses)
    exposures = np.geomspace(1e-2, 1e13, n_exposures)
    with collect_warnings() as messages:
        result = cc.neutrino_fog(target, masses, exposures)
    published = ohare2021_floor_points().get(target)
    return {
        "masses_GeV": frozen(result.masses_GeV),
        "sigma_cm2": frozen(result.sigma_grid_cm2),
        "n_map": frozen(result.n_map),
        "floor_cm2": frozen(result.floor_cm2),
        "published": None if published is None else tuple(frozen(a) for a in published),
        "warnings": tuple(messages),
    }


# ---------------------------------------------------------------------------- directions
@cached(max_items=16)
def directional(spec: dict[str, Any], n_T: int = 80, n_cos: int = 91) -> dict[str, Any]:
    """d²N/dΩ_r dT on (T, θ_r) (``cc.directional_spectrum``) and the lines' θ_r(T) curves."""
    with collect_warnings() as messages:
        exp = cc.Experiment.from_spec(spec)
        T = recoil_grid(exp.max_recoil_keV(), n_T + 1)[1:]
        theta = np.linspace(0.0, 90.0, n_cos)
        cos = np.cos(np.radians(theta))
        d = cc.directional_spectrum(exp, T, cos)
    return {
        "T_keV": frozen(T),
        "theta_deg": frozen(theta),
        "density": frozen(d.total),
        "lines": tuple(
            (
                f"{line.isotope}, {line.energy_MeV:.4g} MeV",
                frozen(line.T_keV),
                frozen(line.theta_r_deg),
            )
            for line in d.lines
        ),
        "unit": d.unit,
        "title": exp.title or "the sidebar's experiment",
        "warnings": tuple(messages),
    }


# ---------------------------------------------------------------------------- nuclear models
@cached()
def nuclear_differences(
    isotope: str,
    models: tuple[str, ...],
    reference: str,
    q_max_fm: float = 0.5,
    E_max_MeV: float = 55.0,
) -> dict[str, Any]:
    """|ΔF_W|/F_W and |Δσ|/σ (per cent) of ``models`` relative to ``reference`` (Pandey Eqs.
    (31)–(32), Figs. 4–5; ``cc.compare_nuclear_models``, models or shipped tables)."""
    names = tuple(dict.fromkeys([reference, *models]))
    q = np.linspace(0.0, q_max_fm, 101)
    E = np.linspace(max(E_max_MeV / 100.0, 0.5), E_max_MeV, 100)
    with collect_warnings() as messages:
        comparison = cc.compare_nuclear_models(isotope, list(names), reference, q_fm=q, E_MeV=E)
        rel_F = comparison.relative("F_W")
        rel_sigma = comparison.relative("sigma")
    return {
        "q_fm": frozen(q),
        "E_MeV": frozen(E),
        "F_W": {k: frozen(100.0 * np.abs(v)) for k, v in rel_F.items() if k != reference},
        "sigma": {k: frozen(100.0 * np.abs(v)) for k, v in rel_sigma.items() if k != reference},
        "warnings": tuple(messages),
    }


# ---------------------------------------------------------------------------- ν–e channel
@cached()
def channels(spec: dict[str, Any], n_bins: int = 40) -> dict[str, Any]:
    """CEvNS and ν–e elastic scattering in the detector's observable, per channel
    (``Experiment(electron_recoils=True).observed_channels`` and ``counts().by_channel``)."""
    with collect_warnings() as messages:
        exp = cc.Experiment.from_spec(spec).copy(electron_recoils=True)
        exp.check_threshold()
        edges = exp.analysis_bins(n_bins)
        per_channel = exp.observed_channels(edges)
        counts = exp.counts()
    return {
        "edges": frozen(edges),
        "unit": exp.detector.observable,
        "binned": {k: frozen(v.total) for k, v in per_channel.items()},
        "counts": dict(counts.by_channel),
        "title": exp.title or "the sidebar's experiment",
        "warnings": tuple(messages),
    }


# ---------------------------------------------------------------------------- transition moments
@cached()
def transition_moments(
    source: dict[str, Any],
    Lambda_muB: tuple[float, float, float],
    zeta_deg: tuple[float, float, float],
) -> dict[str, Any]:
    """√μ²_eff(E) in μ_B per flavour of the source at its baseline (PKK Eqs. 58–61)."""
    src = cc.Experiment.from_spec(_source_only(source)).source
    top = max(src.E_max_MeV, 1e-3)
    E = np.linspace(top * 1e-3, top, 300)
    L = float(getattr(src, "distance_m", 0.0) or 0.0)
    curves = {}
    for flavour in src.flavours():
        mu2 = effective_moment_squared_at(flavour, E, L, Lambda_muB, zeta_deg)
        curves[flavour] = frozen(np.sqrt(np.maximum(mu2, 0.0)))
    return {"E_MeV": frozen(E), "curves": curves, "distance_m": L}


def _source_only(source: dict[str, Any]) -> dict[str, Any]:
    """A minimal spec around a source (to build it with the core's spec reader)."""
    spec = cc.experiment("coherent_csi_2017").to_spec()
    return {**spec, "source": source}


# ---------------------------------------------------------------------------- sterile
@cached()
def sterile(
    source: dict[str, Any],
    dm2_eV2: float,
    U2: tuple[tuple[str, float], ...],
    spread_m: float,
) -> dict[str, Any]:
    """3+1 probabilities of every flavour of the source at its baseline, for a point baseline
    and averaged over an RMS spread ``spread_m`` (Gaussian)."""
    src = cc.Experiment.from_spec(_source_only(source)).source
    top = max(src.E_max_MeV, 1e-3)
    E = np.linspace(top * 1e-3, top, 400)
    L = float(getattr(src, "distance_m", 0.0) or 0.0)
    if L <= 0:
        raise cc.CevnsError("the source has no baseline (distance_m): no oscillation to show")
    mixing = dict(U2)
    out = {}
    for flavour in src.flavours():
        point = sterile_probabilities(flavour, E, L, dm2_eV2, mixing)
        spread = sterile_probabilities(flavour, E, L, dm2_eV2, mixing, spread_m=spread_m)
        out[flavour] = {
            k: (
                frozen(np.broadcast_to(point[k], E.shape)),
                frozen(np.broadcast_to(spread[k], E.shape)),
            )
            for k in point
        }
    return {"E_MeV": frozen(E), "distance_m": L, "probabilities": out}


# ---------------------------------------------------------------------------- scans
@dataclass(frozen=True)
class Scan:
    """A whole scan: axes, Δχ², contours per CL (2-D) or levels (1-D), best fit."""

    model: str
    axes: dict[str, Array]
    delta_chi2: Array
    contours: dict[float, tuple[tuple[Array, Array], ...]]
    levels: dict[float, float]


@cached(max_items=64)
def scan(
    spec: dict[str, Any], model: str, axes: dict[str, Any], levels: tuple[float, ...] = (0.9,)
) -> Scan:
    """``cc.scan`` of ``model`` on ``axes`` for the spec's experiment (Asimov data, Gaussian χ²)."""
    grid = {k: np.asarray(v, dtype=float) for k, v in axes.items()}
    check_grid(grid)
    with collect_warnings():
        result = cc.scan(scan_experiment(spec), model, **grid)
    contours = {}
    if len(grid) == 2:
        for cl in levels:
            contours[cl] = tuple((frozen(a), frozen(b)) for a, b in result.contour(cl))
    return Scan(
        model,
        {k: frozen(v) for k, v in grid.items()},
        frozen(result.delta_chi2),
        contours,
        {cl: float(result.threshold(cl)) for cl in levels},
    )


def flavour_names() -> tuple[str, ...]:
    """The package's flavours (for the views' selectors)."""
    return tuple(FLAVOURS)
