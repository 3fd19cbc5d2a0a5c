"""Results for the plots: the core's numbers for a spec, cached (no physics, no plotting).

Every function takes plain data — the core's experiment spec (:meth:`dashboard.state.
SessionState.spec`) or parts of it, numbers, names — builds the core objects with
``cc.Experiment.from_spec`` and the spec's builders, calls :mod:`cevns_core` and returns a small
frozen record whose arrays are read-only (a cached result is shared by every session of the
process). The functions choose sampling grids and sum the core's breakdowns; the numbers are the
core's.

Caching: :mod:`dashboard.cache`, one per process, bounded in bytes (``cache_bytes``, default
256 MiB), least recently used out first. The core's warnings (``CevnsWarning``, e.g. a moment
expansion beyond its range) are collected in the records' ``warnings`` for the page to show.
Form factors, cross sections and sources: :mod:`dashboard.curves`; scans:
:mod:`dashboard.scanning` (both re-exported here).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

import cevns_core as cc
from cevns_core.experiment import BAND_MODELS, experiment_table
from cevns_core.rates import Breakdown

from .cache import CACHE, cached
from .core_warnings import collect_warnings
from .state import build_detector, build_physics

__all__ = [
    "BAND_MODELS",
    "RECOIL_FLOOR",
    "Band",
    "CountsResult",
    "Observed",
    "Spectrum",
    "active_groups",
    "clear_caches",
    "collect_warnings",
    "counts",
    "detector_of",
    "energy_time",
    "experiment",
    "frozen",
    "observed",
    "preset_counts",
    "preset_rows",
    "recoil_grid",
    "recoil_key",
    "spectrum",
    "spectrum_band",
    "threshold_recoil_keV",
]

Array = NDArray[np.float64]

#: The lowest recoil of a plotted grid, as a fraction of its largest.
RECOIL_FLOOR = 1e-4
#: Old name of the decorator (tests and callers that bound their own functions).
_cache = cached


def clear_caches() -> None:
    """Empty the results cache of this process (tests; memory)."""
    CACHE.clear()


@cached(max_items=16)
def experiment(spec: dict[str, Any]) -> cc.Experiment:
    """The core Experiment of a spec, shared by the results of one update (never mutate it)."""
    return cc.Experiment.from_spec(spec)


def frozen(a: Any) -> Array:
    """A read-only float copy (results are shared by every session)."""
    arr = np.array(a, dtype=float)
    arr.flags.writeable = False
    return arr


# ---------------------------------------------------------------------------- recoil spectra
@dataclass(frozen=True)
class Spectrum(Breakdown):
    """dN/dT per (isotope, flavour) over the exposure, events/keVnr."""

    T_keV: Array
    parts: dict[tuple[str, str], Array]
    unit: str
    threshold_keV: float
    max_recoil_keV: float
    warnings: tuple[str, ...] = ()


def recoil_grid(max_recoil_keV: float, n_points: int, log_x: bool = False) -> Array:
    """Recoil energies (keVnr) of a plot: 10⁻⁴ T_max … T_max, evenly or log-spaced.

    Not from T = 0: there the magnetic-moment (∝ 1/T) and millicharge (∝ 1/T²) cross sections
    are infinite; on a linear axis the first point is indistinguishable from T = 0.
    """
    lowest = max_recoil_keV * RECOIL_FLOOR
    if log_x:
        return np.geomspace(lowest, max_recoil_keV, n_points)
    return np.linspace(lowest, max_recoil_keV, n_points)


def recoil_key(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec with a bare detector (the target only): dN/dT and the count of every recoil
    depend on the target and the exposure, not on the response — their cache key."""
    return {**spec, "detector": {"material": spec["detector"]["material"]}}


def spectrum(spec: dict[str, Any], n_points: int = 200, log_x: bool = False) -> Spectrum:
    """The nuclear-recoil spectrum of ``spec`` (``Experiment.spectrum``, over the exposure).

    Cached without the detector response (a threshold change reuses it); ``threshold_keV`` is
    the recoil energy at the chosen threshold.
    """
    result = _recoil_spectrum(recoil_key(spec), n_points, log_x)
    return dataclasses.replace(result, threshold_keV=threshold_recoil_keV(spec))


@cached()
def threshold_recoil_keV(spec: dict[str, Any]) -> float:
    """Recoil energy (keVnr) of the detector's threshold (``Detector.threshold_recoil_keV``)."""
    return float(build_detector(spec).threshold_recoil_keV())


@cached()
def _recoil_spectrum(spec: dict[str, Any], n_points: int, log_x: bool) -> Spectrum:
    with collect_warnings() as messages:
        exp = experiment(spec)
        T_top = exp.max_recoil_keV()
        T = recoil_grid(T_top, n_points, log_x)
        result = exp.spectrum(T)
    return Spectrum(
        T_keV=frozen(T),
        parts={k: frozen(v) for k, v in result.parts.items()},
        unit="events/keV",
        threshold_keV=0.0,
        max_recoil_keV=float(T_top),
        warnings=tuple(messages),
    )


# ---------------------------------------------------------------------------- observed counts
@dataclass(frozen=True)
class Observed(Breakdown):
    """Expected counts per observable bin (keVnr, keVee or PE), per (isotope, flavour)."""

    bin_edges: Array
    unit: str
    parts: dict[tuple[str, str], Array]
    warnings: tuple[str, ...] = ()


@cached()
def observed(spec: dict[str, Any], n_bins: int = 40) -> Observed:
    """Counts in the detector's observable (``Experiment.observed_counts`` of the analysis
    bins: ``n_bins`` bins over the analysis window, 1-PE bins for photo-electron counting).

    Raises
    ------
    cevns_core.CevnsError
        For a threshold above the largest recoil, or an inconsistent detector.
    """
    with collect_warnings() as messages:
        exp = experiment(spec)
        exp.check_threshold()
        binned = exp.observed_counts(exp.analysis_bins(n_bins))  # with the timing acceptance
    parts = {k: frozen(v) for k, v in binned.parts.items()}
    return Observed(frozen(binned.bin_edges), binned.unit, parts, tuple(messages))


@dataclass(frozen=True)
class CountsResult:
    """Expected events: after the detector response, and of every recoil (no threshold)."""

    observed_total: float
    observed_by_flavour: dict[str, float]
    observed_by_isotope: dict[str, float]
    all_total: float
    all_by_flavour: dict[str, float]
    all_by_isotope: dict[str, float]
    observable: str
    threshold: float
    threshold_unit: str
    published: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    all_divergence: str | None = None


@cached()
def counts(spec: dict[str, Any]) -> CountsResult:
    """Events above threshold (``Experiment.counts``) and of every recoil
    (``Experiment.all_recoil_counts``: with a term that makes dσ/dT diverge at T = 0 —
    magnetic moment, millicharge — ∞ for the flavours it concerns, every isotope and the total,
    the reason in ``all_divergence``)."""
    exp = experiment(spec)
    det = exp.detector
    with collect_warnings() as messages:
        seen = exp.counts()
    every, all_warnings = _all_recoils(recoil_key(spec))
    return CountsResult(
        observed_total=seen.total,
        observed_by_flavour=dict(seen.by_flavour),
        observed_by_isotope=dict(seen.by_isotope),
        all_total=every.total,
        all_by_flavour=dict(every.by_flavour),
        all_by_isotope=dict(every.by_isotope),
        observable=det.observable,
        threshold=float(det.threshold),
        threshold_unit=det.threshold_unit,
        published=dict(exp.published),
        warnings=tuple(dict.fromkeys([*messages, *all_warnings])),
        all_divergence=every.divergence,
    )


@cached()
def _all_recoils(spec: dict[str, Any]) -> tuple[cc.Counts, tuple[str, ...]]:
    with collect_warnings() as messages:
        every = experiment(spec).all_recoil_counts()
    return every, tuple(messages)


# ---------------------------------------------------------------------------- uncertainty band
@dataclass(frozen=True)
class Band:
    """Relative half-widths of the uncertainty band, per recoil point and per observable bin
    (``cc.uncertainty_band``: flux ⊕ form-factor model spread ⊕ quenching, in quadrature)."""

    recoil: Array
    observed: Array
    models: tuple[str, ...]
    warnings: tuple[str, ...] = ()


@cached(max_items=32)
def spectrum_band(
    spec: dict[str, Any],
    n_points: int,
    log_x: bool,
    n_bins: int,
    flux_uncertainty: float,
    quenching_uncertainty: float,
) -> Band:
    """The band of the plotted recoil grid and observable bins (``cc.uncertainty_band``)."""
    T = spectrum(spec, n_points, log_x).T_keV
    edges = observed(spec, n_bins).bin_edges
    with collect_warnings():
        band = cc.uncertainty_band(
            experiment(spec),
            T,
            edges,
            flux_uncertainty=flux_uncertainty,
            quenching_uncertainty=quenching_uncertainty,
        )
    return Band(
        recoil=frozen(band.recoil),
        observed=frozen(band.observed),
        models=band.models,
        warnings=tuple(f"band: {text} (skipped)" for text in band.skipped),
    )


# ---------------------------------------------------------------------------- energy × time
@dataclass(frozen=True)
class EnergyTime:
    """Counts per (observable bin, time bin), summed over flavours, and per flavour."""

    bin_edges: Array
    t_edges_us: Array
    unit: str
    total: Array
    by_flavour: dict[str, Array]


@cached()
def energy_time(
    spec: dict[str, Any],
    n_bins: int = 30,
    t_max_us: float = 10.0,
    n_t: int = 44,
    t_min_us: float = -1.0,
) -> EnergyTime | None:
    """``Experiment.energy_time_counts`` on the analysis bins (None without timing), times from
    ``t_min_us`` (the proton pulse is centred on t = 0) to ``t_max_us``."""
    exp = experiment(spec)
    if not exp.has_timing():
        return None
    exp.check_threshold()
    edges = exp.analysis_bins(n_bins)
    t_edges = np.linspace(t_min_us, t_max_us, n_t + 1)
    grid = exp.energy_time_counts(edges, t_edges)
    total = np.sum(list(grid.values()), axis=0)
    by_flavour = {f: frozen(v) for f, v in grid.items()}
    return EnergyTime(
        frozen(edges), frozen(t_edges), exp.detector.observable, frozen(total), by_flavour
    )


# ---------------------------------------------------------------------------- experiments
@cached(max_items=4)
def preset_rows() -> tuple[dict[str, Any], ...]:
    """``experiment_table()`` rows (target, mass, baseline, source, threshold, reference)."""
    return tuple(experiment_table())


@cached(max_items=64)
def preset_counts(name: str) -> float:
    """Expected events of preset ``name`` (``cc.experiment(name).counts().total``)."""
    with collect_warnings():
        return float(cc.experiment(name).counts().total)


@cached(max_items=64)
def active_groups(physics: dict[str, Any] | None) -> tuple[str, ...]:
    """The new-physics groups a physics spec sets (empty: the Standard Model)."""
    model = build_physics(physics)
    return () if model is None else tuple(model.active_groups())


def detector_of(spec: dict[str, Any]) -> cc.Detector:
    """The detector of a spec (for marker positions and units)."""
    return build_detector(spec)


from .curves import (  # noqa: E402  (re-exported: one place to import results from)
    N_SQUARED_NUCLEI,
    Curves,
    SourceFlux,
    Timing,
    angular_cross_sections,
    differential_cross_sections,
    flux_averaged_vs_N,
    form_factor_curves,
    source_flux,
    timing,
    total_cross_sections,
)
from .scanning import assemble_scan, scan_chunk, scan_experiment  # noqa: E402

__all__ += [
    "N_SQUARED_NUCLEI",
    "Curves",
    "EnergyTime",
    "SourceFlux",
    "Timing",
    "angular_cross_sections",
    "assemble_scan",
    "differential_cross_sections",
    "flux_averaged_vs_N",
    "form_factor_curves",
    "scan_chunk",
    "scan_experiment",
    "source_flux",
    "timing",
    "total_cross_sections",
]
