"""Results for the plots: the core's numbers for a spec, cached.

Every function takes plain data (specs from :class:`dashboard.state.SessionState`, numbers,
strings, tuples), keyed by content in a cache (:func:`_cache`), builds core objects with the
``dashboard.state.build_*`` functions, calls :mod:`cevns_core` and returns a small frozen record
whose arrays are read-only (a cached result is shared by every session of the process). Nothing
here computes physics: the functions choose sampling grids and sum the core's breakdowns.

Warnings the core emits (``CevnsWarning``, e.g. a moment expansion used beyond its range) are
collected in the record's ``warnings`` so the page can show them.

Caches are bounded (``max_items``) and per process; ``clear_caches()`` empties them.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

import cevns_core as cc
from cevns_core.experiment import BAND_MODELS, experiment_table
from cevns_core.kinematics import T_max_keV
from cevns_core.rates import Breakdown

from .state import (
    build_detector,
    build_experiment,
    build_physics,
    build_source,
    nuclear_options,
    sm_spec,
)

__all__ = [
    "BAND_MODELS",
    "Band",
    "CountsResult",
    "Curves",
    "EnergyTime",
    "Observed",
    "SourceFlux",
    "Spectrum",
    "Timing",
    "active_groups",
    "angular_cross_sections",
    "clear_caches",
    "counts",
    "differential_cross_sections",
    "energy_time",
    "flux_averaged_vs_N",
    "form_factor_curves",
    "observed",
    "preset_counts",
    "preset_rows",
    "source_flux",
    "spectrum",
    "spectrum_band",
    "timing",
    "total_cross_sections",
]

Array = NDArray[np.float64]

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

#: Entries per cache (least recently used dropped first).
MAX_ITEMS = 128
_cached_functions: list[Callable] = []


def _key_part(value: Any) -> Any:
    """JSON stand-in for the numpy values a spec may hold (arrays by content)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        digest = hashlib.blake2b(np.ascontiguousarray(value).tobytes(), digest_size=16)
        return ["ndarray", value.dtype.str, list(value.shape), digest.hexdigest()]
    raise TypeError(f"cannot use a {type(value).__name__} in a results cache key")


def _cache(max_items: int = MAX_ITEMS) -> Callable[[Callable], Callable]:
    """A bounded, thread-safe LRU cache keyed by the arguments' content (canonical JSON).

    The arguments are plain data (specs), so their JSON text is a cheap exact key: a few
    microseconds where hashing the nested spec object by object cost milliseconds per call.
    """

    def decorate(func: Callable) -> Callable:
        entries: OrderedDict[str, Any] = OrderedDict()
        lock = threading.Lock()

        @functools.wraps(func)
        def cached(*args: Any, **kwargs: Any) -> Any:
            key = json.dumps([args, kwargs], sort_keys=True, default=_key_part)
            with lock:
                if key in entries:
                    entries.move_to_end(key)
                    return entries[key]
            value = func(*args, **kwargs)  # outside the lock: workers compute in parallel
            with lock:
                entries[key] = value
                entries.move_to_end(key)
                while len(entries) > max_items:
                    entries.popitem(last=False)
            return value

        cached.clear = entries.clear  # type: ignore[attr-defined]
        _cached_functions.append(cached)
        return cached

    return decorate


def clear_caches() -> None:
    """Empty every cache of this module (tests; memory)."""
    for func in _cached_functions:
        func.clear()


#: The core Experiment of a spec, shared by the results of one update (read only: never mutate).
_experiment = _cache(max_items=16)(build_experiment)


def _frozen(a: Any) -> Array:
    arr = np.array(a, dtype=float)
    arr.flags.writeable = False
    return arr


@contextmanager
def _collect_warnings() -> Iterator[list[str]]:
    """Record the core's warnings (CevnsWarning) instead of printing them."""
    messages: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", cc.CevnsWarning)
        yield messages
    for w in caught:
        if issubclass(w.category, cc.CevnsWarning):
            text = str(w.message)
            if text not in messages:
                messages.append(text)
        else:  # anything else goes on as it would have
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


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


#: The lowest recoil of a plotted grid, as a fraction of its largest.
RECOIL_FLOOR = 1e-4


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
    """The spec with the ideal detector (dN/dT depends on target and exposure only): the cache
    key of the recoil spectrum and of the count of every recoil."""
    det = spec["detector"]
    return {
        **spec,
        "detector": {
            "preset": det["preset"],
            "material": det["material"],
            "mass_kg": det["mass_kg"],
            "live_time_days": det["live_time_days"],
            "ideal": True,
        },
    }


def spectrum(spec: dict[str, Any], n_points: int = 200, log_x: bool = False) -> Spectrum:
    """The nuclear-recoil spectrum of ``spec`` (``cc.recoil_spectrum`` × exposure).

    Equals ``build_experiment(spec).spectrum(T)`` (with the nuclear choice: model, parameters,
    skin, R_n). The spectrum itself is cached without the detector response (a threshold change
    reuses it); ``threshold_keV`` is the recoil energy at the chosen threshold.
    """
    result = _recoil_spectrum(recoil_key(spec), n_points, log_x)
    threshold = threshold_recoil_keV(spec)
    return dataclasses.replace(result, threshold_keV=threshold)


@_cache()
def threshold_recoil_keV(spec: dict[str, Any]) -> float:
    """Recoil energy (keVnr) of the detector's threshold (``Detector.threshold_recoil_keV``)."""
    return float(build_detector(spec["detector"]).threshold_recoil_keV())


@_cache()
def _recoil_spectrum(spec: dict[str, Any], n_points: int, log_x: bool) -> Spectrum:
    with _collect_warnings() as messages:
        exp = _experiment(spec)
        T_top = exp.max_recoil_keV()
        T = recoil_grid(T_top, n_points, log_x)
        result = exp.spectrum(T)
    return Spectrum(
        T_keV=_frozen(T),
        parts={k: _frozen(v) for k, v in result.parts.items()},
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


def _observed(spec: dict[str, Any], bin_edges: Array | None, n_bins: int) -> Observed:
    with _collect_warnings() as messages:
        exp = _experiment(spec)
        exp.check_threshold()
        edges = exp.analysis_bins(n_bins) if bin_edges is None else np.asarray(bin_edges)
        binned = exp.observed_counts(edges)  # with the timing-cut acceptance per flavour
    parts = {k: _frozen(v) for k, v in binned.parts.items()}
    return Observed(_frozen(binned.bin_edges), binned.unit, parts, tuple(messages))


@_cache()
def observed(spec: dict[str, Any], n_bins: int = 40) -> Observed:
    """Counts in the detector's observable (``Experiment.observed_counts`` of the analysis bins).

    ``n_bins`` bins span the analysis window (1-PE bins for photo-electron counting).

    Raises
    ------
    cevns_core.CevnsError
        For a threshold above the largest recoil, or an inconsistent detector.
    """
    return _observed(spec, None, n_bins)


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


@_cache()
def counts(spec: dict[str, Any]) -> CountsResult:
    """Events above threshold (as ``Experiment.counts``) and of every recoil (ideal detector).

    The count of every recoil is the core's ``Experiment.all_recoil_counts`` (divergence rules:
    with a term that makes dσ/dT diverge at T = 0 — magnetic moment, millicharge — ∞ for the
    flavours it concerns, every isotope and the total, the reason in ``all_divergence``).
    """
    exp = _experiment(spec)
    det = exp.detector
    with _collect_warnings() as messages:
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


@_cache()
def _all_recoils(spec: dict[str, Any]) -> tuple[cc.Counts, tuple[str, ...]]:
    """Counts of every recoil (``Experiment.all_recoil_counts``) and the core's warnings."""
    with _collect_warnings() as messages:
        every = _experiment(spec).all_recoil_counts()
    return every, tuple(messages)


# ---------------------------------------------------------------------------- uncertainty band
@dataclass(frozen=True)
class Band:
    """Relative half-widths of the uncertainty band, per recoil point and per observable bin.

    Components (combined in quadrature): flux normalisation (constant), form-factor model spread
    (largest deviation of the :data:`BAND_MODELS` from the chosen model) and, for the observed
    spectrum, quenching scaled by 1 ± its uncertainty.
    """

    recoil: Array
    observed: Array
    models: tuple[str, ...]
    warnings: tuple[str, ...] = ()


@_cache(max_items=32)
def spectrum_band(
    spec: dict[str, Any],
    n_points: int,
    log_x: bool,
    n_bins: int,
    flux_uncertainty: float,
    quenching_uncertainty: float,
) -> Band:
    """Relative band of the recoil spectrum and of the observed counts (``cc.uncertainty_band``
    on the plotted recoil grid and observable bins; see :class:`Band`)."""
    T = spectrum(spec, n_points, log_x).T_keV
    edges = observed(spec, n_bins).bin_edges
    with _collect_warnings():
        band = cc.uncertainty_band(
            _experiment(spec),
            T,
            edges,
            flux_uncertainty=flux_uncertainty,
            quenching_uncertainty=quenching_uncertainty,
        )
    return Band(
        recoil=_frozen(band.recoil),
        observed=_frozen(band.observed),
        models=band.models,
        warnings=tuple(f"band: {text} (skipped)" for text in band.skipped),
    )


# ---------------------------------------------------------------------------- nuclear structure
@dataclass(frozen=True)
class Curves:
    """Named curves sharing one x grid, plus per-curve scalar rows (radii, moments...)."""

    x: Array
    curves: dict[str, Array]
    rows: tuple[dict[str, Any], ...] = ()
    warnings: tuple[str, ...] = ()


@_cache()
def form_factor_curves(
    isotope: str,
    models: tuple[str, ...],
    chosen_model: str,
    model_params: dict[str, Any],
    skin_fm: float,
    R_n_fm: float | None,
    q_max_fm: float = 3.0,
    r_max_fm: float = 10.0,
    n_points: int = 301,
) -> dict[str, Curves]:
    """F_p, F_n (q in fm⁻¹) and ρ_p, ρ_n (r in fm) of ``isotope`` for several models.

    Keys ``"F_p"``, ``"F_n"``, ``"rho_p"``, ``"rho_n"``; curve names are model names. The chosen
    model gets ``model_params``; every model gets the neutron skin / R_n (``cc.NuclearModel``).
    ``"F_p"`` rows hold the radii and moments per model; models without a density (point,
    moment expansion) have no ρ curve.
    """
    q = np.linspace(0.0, q_max_fm, n_points)
    r = np.linspace(0.0, r_max_fm, n_points)
    out: dict[str, dict[str, Array]] = {"F_p": {}, "F_n": {}, "rho_p": {}, "rho_n": {}}
    rows: list[dict[str, Any]] = []
    skipped: list[str] = []
    with _collect_warnings() as messages:
        for model in models:
            params = dict(model_params) if model == chosen_model else {}
            try:
                nm = cc.NuclearModel(
                    isotope=isotope,
                    model=model,
                    model_params={k: v for k, v in params.items() if v is not None},
                    skin_fm=skin_fm,
                    R_n_fm=R_n_fm,
                )
                F_p, F_n = nm.F_p(q), nm.F_n(q)
                row: dict[str, Any] = {
                    "model": model,
                    "R_p_fm": nm.R_p_fm,
                    "R_n_fm": nm.R_n_fm_effective,
                }
            except cc.CevnsError as exc:
                skipped.append(f"{model}: {exc}")
                continue
            out["F_p"][model], out["F_n"][model] = F_p, F_n
            proton = nm.proton_model
            for k in (2, 4, 6):
                try:
                    row[f"r{k}_root_fm"] = proton.moment(k) ** (1.0 / k)
                except cc.CevnsError:
                    row[f"r{k}_root_fm"] = float("nan")
            rows.append(row)
            try:
                out["rho_p"][model] = nm.rho_p(r)
                out["rho_n"][model] = nm.rho_n(r)
            except cc.CevnsError:
                pass  # point nucleus, moment expansion: no density
    messages = [*messages, *skipped]
    return {
        key: Curves(
            x=_frozen(q if key.startswith("F") else r),
            curves={m: _frozen(v) for m, v in curves.items()},
            rows=tuple(rows) if key == "F_p" else (),
            warnings=tuple(messages),
        )
        for key, curves in out.items()
    }


# ---------------------------------------------------------------------------- cross sections
def _xs_args(nuclear: dict[str, Any], physics: dict[str, Any]) -> tuple[Any, str, dict]:
    model, ff_params = nuclear_options(nuclear)
    return build_physics(physics), model, ff_params


@_cache()
def total_cross_sections(
    isotopes: tuple[str, ...],
    E_min_MeV: float,
    E_max_MeV: float,
    nuclear: dict[str, Any],
    physics: dict[str, Any],
    flavour: str,
    n_points: int = 400,
    log_x: bool = False,
) -> Curves:
    """σ(E) in cm² per isotope (``cc.total_cross_section``), new physics and SM reference.

    Curve names: the isotope, and ``"<isotope> SM"`` when the physics is not the SM.
    """
    if not E_min_MeV < E_max_MeV:
        raise cc.CevnsError(f"E_min = {E_min_MeV:g} MeV must be below E_max = {E_max_MeV:g} MeV")
    E = (
        np.geomspace(E_min_MeV, E_max_MeV, n_points)
        if log_x
        else np.linspace(E_min_MeV, E_max_MeV, n_points)
    )
    physics_obj, model, ff_params = _xs_args(nuclear, physics)
    reference = build_physics(sm_spec(physics))
    curves = {}
    with _collect_warnings() as messages:
        for iso in isotopes:
            curves[iso] = cc.total_cross_section(
                E, iso, physics_obj, model, flavour=flavour, form_factor_params=ff_params
            )
            if physics_obj is not None and physics_obj.active_groups():
                curves[f"{iso} SM"] = cc.total_cross_section(
                    E, iso, reference, model, flavour=flavour, form_factor_params=ff_params
                )
    return Curves(_frozen(E), {k: _frozen(v) for k, v in curves.items()}, (), tuple(messages))


@_cache()
def differential_cross_sections(
    isotope: str,
    energies_MeV: tuple[float, ...],
    nuclear: dict[str, Any],
    physics: dict[str, Any],
    flavour: str,
    n_points: int = 300,
) -> dict[float, tuple[Array, Array]]:
    """dσ/dT (cm²/keV) of ``isotope`` up to T_max(E) for each energy (MeV) (grid:
    :func:`recoil_grid`)."""
    physics_obj, model, ff_params = _xs_args(nuclear, physics)
    M = cc.isotope(isotope).mass_MeV
    out = {}
    with _collect_warnings():
        for E in energies_MeV:
            if not E > 0:
                raise cc.CevnsError(f"neutrino energies must be positive, got {E:g} MeV")
            T_top = float(T_max_keV(E, M))  # the bracket's end point
            T = recoil_grid(T_top, n_points)
            dsdT = cc.differential_cross_section(
                E, T, isotope, physics_obj, model, flavour=flavour, form_factor_params=ff_params
            )
            out[float(E)] = (_frozen(T), _frozen(dsdT))
    return out


@_cache()
def angular_cross_sections(
    isotope: str,
    angles_deg: tuple[float, ...],
    E_min_MeV: float,
    E_max_MeV: float,
    nuclear: dict[str, Any],
    physics: dict[str, Any],
    flavour: str,
    n_points: int = 300,
) -> Curves:
    """dσ/dcos θ_ν (cm²) versus E_ν for each scattering angle θ_ν (degrees), PKK Fig. 2 UR."""
    if not E_min_MeV < E_max_MeV:
        raise cc.CevnsError(f"E_min = {E_min_MeV:g} MeV must be below E_max = {E_max_MeV:g} MeV")
    physics_obj, model, ff_params = _xs_args(nuclear, physics)
    E = np.linspace(E_min_MeV, E_max_MeV, n_points)
    curves = {}
    with _collect_warnings():
        for angle in angles_deg:
            if not 0.0 <= angle <= 180.0:
                raise cc.CevnsError(f"angles must lie in [0, 180] degrees, got {angle:g}")
            cos = float(np.cos(np.radians(angle)))
            curves[f"{angle:g}°"] = cc.dsigma_dcos_theta_nu(
                E, cos, isotope, physics_obj, model, flavour=flavour, form_factor_params=ff_params
            )
    return Curves(_frozen(E), {k: _frozen(v) for k, v in curves.items()})


@_cache()
def flux_averaged_vs_N(
    source: dict[str, Any],
    nuclei: tuple[str, ...],
    nuclear: dict[str, Any],
    physics: dict[str, Any],
) -> dict[str, Any]:
    """Flux-averaged σ (cm²) of each nucleus for ``source``: point nucleus (N²) and the model."""
    src = build_source(source)
    physics_obj, model, ff_params = _xs_args(nuclear, physics)
    N, point, realistic = [], [], []
    with _collect_warnings():
        for iso in nuclei:
            N.append(cc.isotope(iso).N)
            point.append(cc.flux_averaged_cross_section(src, iso, physics_obj, "point"))
            realistic.append(
                cc.flux_averaged_cross_section(
                    src, iso, physics_obj, model, form_factor_params=ff_params
                )
            )
    return {
        "nuclei": tuple(nuclei),
        "N": _frozen(N),
        "point": _frozen(point),
        "model": _frozen(realistic),
        "model_name": model,
    }


# ---------------------------------------------------------------------------- sources
@dataclass(frozen=True)
class SourceFlux:
    """dΦ/dE per flavour (continua) and the lines, with the unit of the normalisation."""

    E_MeV: Array
    flux: dict[str, Array]
    lines: tuple[tuple[str, float, float, str], ...]
    normalisation: str
    line_unit: str
    integrated: dict[str, float]
    mean_energy_MeV: dict[str, float]


@_cache()
def source_flux(source: dict[str, Any], n_points: int = 400, log_x: bool = False) -> SourceFlux:
    """The source's spectrum per flavour (``Source.spectrum``) and lines (``Source.lines``)."""
    src = build_source(source)
    top = max(src.E_max_MeV, 1e-3) * 1.02
    E = np.geomspace(top * 1e-4, top, n_points) if log_x else np.linspace(0.0, top, n_points)
    flavours = src.flavours()
    flux = {f: _frozen(src.spectrum(E, f)) for f in flavours}
    lines = tuple((ln.flavour, ln.energy_MeV, ln.intensity, ln.label) for ln in src.lines())
    return SourceFlux(
        E_MeV=_frozen(E),
        flux=flux,
        lines=lines,
        normalisation=src.normalisation,
        line_unit=src.unit,
        integrated={f: src.integrated(f) for f in flavours},
        mean_energy_MeV={f: src.mean_energy_MeV(f) for f in flavours},
    )


@dataclass(frozen=True)
class Timing:
    """Arrival-time densities (μs⁻¹) per flavour of a π-DAR source."""

    t_us: Array
    pdf: dict[str, Array]


@_cache()
def timing(source: dict[str, Any], t_max_us: float = 10.0, n_points: int = 500) -> Timing | None:
    """``PionDecayAtRest.time_pdf`` per flavour (None for a source without timing)."""
    src = build_source(source)
    time_pdf = getattr(src, "time_pdf", None)
    if time_pdf is None:
        return None
    t_us = np.linspace(-0.5, t_max_us, n_points)
    pdf = {f: _frozen(time_pdf(f, t_us * 1e3) * 1e3) for f in src.flavours()}
    return Timing(_frozen(t_us), pdf)


@dataclass(frozen=True)
class EnergyTime:
    """Counts per (observable bin, time bin), summed over flavours, and per flavour."""

    bin_edges: Array
    t_edges_us: Array
    unit: str
    total: Array
    by_flavour: dict[str, Array]


@_cache()
def energy_time(
    spec: dict[str, Any],
    n_bins: int = 30,
    t_max_us: float = 10.0,
    n_t: int = 44,
    t_min_us: float = -1.0,
) -> EnergyTime | None:
    """``Experiment.energy_time_counts`` on the analysis bins (None without timing).

    Times from ``t_min_us`` (the proton pulse is centred on t = 0) to ``t_max_us``.
    """
    exp = _experiment(spec)
    if not exp.has_timing():
        return None
    exp.check_threshold()
    edges = exp.analysis_bins(n_bins)
    t_edges = np.linspace(t_min_us, t_max_us, n_t + 1)
    grid = exp.energy_time_counts(edges, t_edges)
    total = np.sum(list(grid.values()), axis=0)
    return EnergyTime(
        _frozen(edges),
        _frozen(t_edges),
        exp.detector.observable,
        _frozen(total),
        {f: _frozen(v) for f, v in grid.items()},
    )


# ---------------------------------------------------------------------------- experiments
@_cache(max_items=4)
def preset_rows() -> tuple[dict[str, Any], ...]:
    """``experiment_table()`` rows (target, mass, baseline, source, threshold, reference)."""
    return tuple(experiment_table())


@_cache(max_items=64)
def preset_counts(name: str) -> float:
    """Expected events of preset ``name`` (``cc.experiment(name).counts().total``)."""
    with _collect_warnings():
        return float(cc.experiment(name).counts().total)


@_cache(max_items=64)
def active_groups(physics: dict[str, Any]) -> tuple[str, ...]:
    """The new-physics groups a physics spec sets (empty: the Standard Model)."""
    model = build_physics(physics)
    return () if model is None else tuple(model.active_groups())


def detector_of(spec: dict[str, Any]) -> cc.Detector:
    """The detector of a spec (for marker positions and units)."""
    return build_detector(spec["detector"])


# ---------------------------------------------------------------------------- scans
def scan_experiment(spec: dict[str, Any]) -> cc.Experiment:
    """The experiment a scan runs on: the spec's, with its Standard-Model settings only.

    The scan adds the new physics itself; the form-factor *parameters* (skin, R_n) cannot be
    passed to ``cc.scan`` (it takes the experiment's form-factor model by name).
    """
    return build_experiment({**spec, "physics": sm_spec(spec["physics"])})


def _readonly_result(result: Any) -> Any:
    for name in ("bin_counts", "chi2", "bin_edges", "observed"):
        getattr(result, name).flags.writeable = False
    for values in result.axes.values():
        values.flags.writeable = False
    return result


@_cache(max_items=256)
def scan_chunk(
    spec: dict[str, Any],
    model: str,
    axes: dict[str, Any],
    rows: tuple[int, int],
    data: str | None,
    statistic: str | None,
) -> Any:
    """``cc.scan`` on rows ``rows`` of the first axis (all of the second): one chunk of a grid.

    χ² at a grid point does not depend on the rest of the grid, so chunks assemble into the
    full scan (:func:`assemble_scan`).
    """
    names = list(axes)
    lo, hi = rows
    chunk = {names[0]: np.asarray(axes[names[0]], dtype=float)[lo:hi]}
    for name in names[1:]:
        chunk[name] = np.asarray(axes[name], dtype=float)
    with _collect_warnings():
        result = cc.scan(scan_experiment(spec), model, data=data, statistic=statistic, **chunk)
    return _readonly_result(result)


def assemble_scan(pieces: list[Any], axes: dict[str, Any]) -> Any:
    """One ``cc.ScanResult`` from row chunks (its Δχ², best fit and contours are the core's)."""
    first = pieces[0]
    return cc.ScanResult(
        model=first.model,
        axes={k: np.asarray(v, dtype=float) for k, v in axes.items()},
        bin_counts=np.concatenate([p.bin_counts for p in pieces], axis=0),
        chi2=np.concatenate([p.chi2 for p in pieces], axis=0),
        chi2_null=first.chi2_null,
        null_point=dict(first.null_point),
        reference=first.reference,
        bin_edges=np.asarray(first.bin_edges),
        observed=np.asarray(first.observed),
        info={**first.info, "chunks": len(pieces)},
    )
