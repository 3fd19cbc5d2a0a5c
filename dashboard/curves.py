"""Curves of the nuclear, cross-section and source tabs: the core's numbers, cached.

Each function takes parts of the core's spec (``nuclear``, ``physics``, ``source``) and plot
settings, calls :mod:`cevns_core` (``NuclearModel``, ``total_cross_section``,
``differential_cross_section``, ``dsigma_dcos_theta_nu``, ``flux_averaged_cross_section``,
``Source.spectrum``/``lines``/``time_pdf``) and returns read-only records. Cached in the
process's results cache (:mod:`dashboard.cache`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

import cevns_core as cc
from cevns_core.kinematics import T_max_keV

from .cache import cached
from .labels import form_factor_label
from .results import collect_warnings, frozen, recoil_grid
from .state import build_physics, build_source, nuclear_options, sm_spec
from .viewstate import N_SQUARED_NUCLEI

__all__ = [
    "N_SQUARED_NUCLEI",
    "Curves",
    "SourceFlux",
    "Timing",
    "angular_cross_sections",
    "differential_cross_sections",
    "flux_averaged_vs_N",
    "form_factor_curves",
    "source_flux",
    "timing",
    "total_cross_sections",
]

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Curves:
    """Named curves sharing one x grid, plus per-curve scalar rows (radii, moments...)."""

    x: Array
    curves: dict[str, Array]
    rows: tuple[dict[str, Any], ...] = ()
    warnings: tuple[str, ...] = ()


# ---------------------------------------------------------------------------- nuclear structure
@cached()
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
    with collect_warnings() as messages:
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
                skipped.append(f"{form_factor_label(model)}: {exc}")
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
            x=frozen(q if key.startswith("F") else r),
            curves={m: frozen(v) for m, v in curves.items()},
            rows=tuple(rows) if key == "F_p" else (),
            warnings=tuple(messages),
        )
        for key, curves in out.items()
    }


# ---------------------------------------------------------------------------- cross sections
def _xs_args(nuclear: dict[str, Any], physics: dict[str, Any] | None) -> tuple[Any, str, dict]:
    model, ff_params = nuclear_options(nuclear)
    return build_physics(physics), model, ff_params


def _energies(E_min_MeV: float, E_max_MeV: float) -> None:
    if not E_min_MeV < E_max_MeV:
        raise cc.CevnsError(
            f"the lowest neutrino energy ({E_min_MeV:g} MeV) must be below the highest "
            f"({E_max_MeV:g} MeV)"
        )


@cached()
def total_cross_sections(
    isotopes: tuple[str, ...],
    E_min_MeV: float,
    E_max_MeV: float,
    nuclear: dict[str, Any],
    physics: dict[str, Any] | None,
    flavour: str,
    n_points: int = 400,
    log_x: bool = False,
) -> Curves:
    """σ(E) in cm² per isotope (``cc.total_cross_section``), new physics and SM reference.

    Curve names: the isotope, and ``"<isotope> SM"`` when the physics is not the SM.
    """
    _energies(E_min_MeV, E_max_MeV)
    space = np.geomspace if log_x else np.linspace
    E = space(E_min_MeV, E_max_MeV, n_points)
    physics_obj, model, ff_params = _xs_args(nuclear, physics)
    reference = build_physics(sm_spec(physics))
    curves = {}
    with collect_warnings() as messages:
        for iso in isotopes:
            curves[iso] = cc.total_cross_section(
                E, iso, physics_obj, model, flavour=flavour, form_factor_params=ff_params
            )
            if physics_obj is not None and physics_obj.active_groups():
                curves[f"{iso} SM"] = cc.total_cross_section(
                    E, iso, reference, model, flavour=flavour, form_factor_params=ff_params
                )
    return Curves(frozen(E), {k: frozen(v) for k, v in curves.items()}, (), tuple(messages))


@cached()
def differential_cross_sections(
    isotope: str,
    energies_MeV: tuple[float, ...],
    nuclear: dict[str, Any],
    physics: dict[str, Any] | None,
    flavour: str,
    n_points: int = 300,
) -> dict[float, tuple[Array, Array]]:
    """dσ/dT (cm²/keV) of ``isotope`` up to T_max(E) for each energy (MeV) (grid:
    :func:`dashboard.results.recoil_grid`)."""
    physics_obj, model, ff_params = _xs_args(nuclear, physics)
    M = cc.isotope(isotope).mass_MeV
    out = {}
    with collect_warnings():
        for E in energies_MeV:
            if not E > 0:
                raise cc.CevnsError(f"neutrino energies must be positive, got {E:g} MeV")
            T = recoil_grid(float(T_max_keV(E, M)), n_points)
            dsdT = cc.differential_cross_section(
                E, T, isotope, physics_obj, model, flavour=flavour, form_factor_params=ff_params
            )
            out[float(E)] = (frozen(T), frozen(dsdT))
    return out


@cached()
def angular_cross_sections(
    isotope: str,
    angles_deg: tuple[float, ...],
    E_min_MeV: float,
    E_max_MeV: float,
    nuclear: dict[str, Any],
    physics: dict[str, Any] | None,
    flavour: str,
    n_points: int = 300,
) -> Curves:
    """dσ/dcos θ_ν (cm²) versus E_ν for each scattering angle θ_ν (degrees), PKK Fig. 2 UR."""
    _energies(E_min_MeV, E_max_MeV)
    physics_obj, model, ff_params = _xs_args(nuclear, physics)
    E = np.linspace(E_min_MeV, E_max_MeV, n_points)
    curves = {}
    with collect_warnings():
        for angle in angles_deg:
            if not 0.0 <= angle <= 180.0:
                raise cc.CevnsError(f"angles must lie in [0, 180] degrees, got {angle:g}")
            cos = float(np.cos(np.radians(angle)))
            curves[f"{angle:g}°"] = cc.dsigma_dcos_theta_nu(
                E, cos, isotope, physics_obj, model, flavour=flavour, form_factor_params=ff_params
            )
    return Curves(frozen(E), {k: frozen(v) for k, v in curves.items()})


@cached()
def flux_averaged_vs_N(
    source: dict[str, Any],
    nuclei: tuple[str, ...],
    nuclear: dict[str, Any],
    physics: dict[str, Any] | None,
) -> dict[str, Any]:
    """Flux-averaged σ (cm²) of each nucleus for ``source``: point nucleus (N²) and the model."""
    src = build_source(source)
    physics_obj, model, ff_params = _xs_args(nuclear, physics)
    N, point, realistic = [], [], []
    with collect_warnings():
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
        "N": frozen(N),
        "point": frozen(point),
        "model": frozen(realistic),
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


@cached()
def source_flux(source: dict[str, Any], n_points: int = 400, log_x: bool = False) -> SourceFlux:
    """The source's spectrum per flavour (``Source.spectrum``) and lines (``Source.lines``)."""
    src = build_source(source)
    top = max(src.E_max_MeV, 1e-3) * 1.02
    E = np.geomspace(top * 1e-4, top, n_points) if log_x else np.linspace(0.0, top, n_points)
    flavours = src.flavours()
    return SourceFlux(
        E_MeV=frozen(E),
        flux={f: frozen(src.spectrum(E, f)) for f in flavours},
        lines=tuple((ln.flavour, ln.energy_MeV, ln.intensity, ln.label) for ln in src.lines()),
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


@cached()
def timing(source: dict[str, Any], t_max_us: float = 10.0, n_points: int = 500) -> Timing | None:
    """``PionDecayAtRest.time_pdf`` per flavour (None for a source without timing)."""
    src = build_source(source)
    time_pdf = getattr(src, "time_pdf", None)
    if time_pdf is None:
        return None
    t_us = np.linspace(-0.5, t_max_us, n_points)
    pdf = {f: frozen(time_pdf(f, t_us * 1e3) * 1e3) for f in src.flavours()}
    return Timing(frozen(t_us), pdf)
