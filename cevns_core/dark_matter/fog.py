"""The neutrino fog and floor as O'Hare defines them (PRL 127 (2021) 251802, arXiv:2109.03116).

The discovery limit σ(MT) of a WIMP of mass m falls as 1/MT while the neutrino background is
negligible (n = 1), as 1/√MT once it is large but known (Poisson statistics, n = 2), and more
slowly, down to a standstill, once the signal can only be told apart from the neutrinos' own
normalisation uncertainties and spectral differences. O'Hare's gradient index

    n(m, σ) = −(d ln σ / d ln MT)⁻¹,

evaluated along the discovery-limit curve, measures this: the **neutrino fog** is the region
n > 2 (worse than Poisson), and the **neutrino floor** at each mass is the largest cross section
at which n reaches 2, the boundary of the fog. The limits are those of
:func:`~cevns_core.dark_matter.limits.discovery_limit` (3σ median discovery, binned profile
likelihood with the neutrino flux uncertainties as nuisance parameters); O'Hare's curves use an
idealised detector with a 10⁻⁴ keV threshold, 200 keV upper end and 50 logarithmic bins (his
code release, ``src/runNuFloor_SI.py``), which are this module's defaults.

Here n is computed by second-order finite differences of ln σ in ln MT on the exposure grid (the
limits are exact solutions of the likelihood conditions, so no smoothing is needed), mapped onto
a cross-section grid by interpolation in ln σ, and the floor is where n first exceeds 2 going to
larger exposures, interpolated linearly in n between the two grid exposures around it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_array, as_float
from ..errors import CevnsError
from ..materials import Material
from .halo import StandardHaloModel
from .limits import LimitResult, discovery_limit

__all__ = ["NeutrinoFog", "gradient_index", "neutrino_fog", "ohare2021_floor_points"]

#: Largest number of cross sections of the n(σ, m) map, and of σ × mass × exposure points that
#: the map interpolates (80 MB).
MAX_SIGMA_POINTS = 10_000
MAX_MAP_POINTS = 10_000_000

Array = NDArray[np.float64]

#: Defaults: masses 0.1–10⁴ GeV, exposures 10⁻² kg·yr – 10¹³ kg·yr (10¹⁰ t·yr, O'Hare's cut).
DEFAULT_MASSES_GeV = np.geomspace(0.1, 1e4, 100)
DEFAULT_EXPOSURES_KG_YR = np.geomspace(1e-2, 1e13, 50)
DEFAULT_SIGMA_GRID_CM2 = np.geomspace(1e-50, 1e-40, 201)


@dataclass(frozen=True)
class NeutrinoFog:
    """Discovery limits over masses × exposures, their gradient index and the neutrino floor.

    Attributes
    ----------
    limits : the :class:`LimitResult` (``sigma_cm2`` of shape (n_m, n_e))
    gradient_index : (n_m, n_e) n along each discovery-limit curve
    sigma_grid_cm2 : (n_s,) cross sections of the fog map
    n_map : (n_s, n_m) n(σ, m) on that grid; NaN above the limit at the smallest exposure and
        below the limit at the largest one (outside the curves computed)
    floor_cm2 : (n_m,) the neutrino floor, σ where n first reaches 2; NaN where n stays below 2
        over the exposure grid (``floor_reached`` False)
    floor_exposure_kg_yr : (n_m,) the exposure at which the floor is reached
    """

    limits: LimitResult
    gradient_index: Array
    sigma_grid_cm2: Array
    n_map: Array
    floor_cm2: Array
    floor_exposure_kg_yr: Array
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def masses_GeV(self) -> Array:
        return self.limits.masses_GeV

    @property
    def exposures_kg_yr(self) -> Array:
        return self.limits.exposures_kg_yr

    @property
    def floor_reached(self) -> Array:
        """True where the floor lies inside the exposure grid."""
        return np.isfinite(self.floor_cm2)


def gradient_index(sigma_cm2: ArrayLike, exposures_kg_yr: ArrayLike) -> Array:
    """n = −(d ln σ/d ln MT)⁻¹ along the last axis (second-order finite differences).

    Examples
    --------
    >>> MT = np.geomspace(1.0, 1e4, 9)
    >>> np.round(gradient_index(1.0 / np.sqrt(MT), MT), 12).tolist() == [2.0] * 9
    True
    """
    sigma = as_array(sigma_cm2, "sigma_cm2", minimum=0.0, inclusive=False)
    MT = as_array(exposures_kg_yr, "exposures_kg_yr", minimum=0.0, inclusive=False)
    if MT.ndim != 1 or MT.size < 3 or sigma.shape[-1] != MT.size:
        raise CevnsError("gradient_index needs ≥ 3 exposures along the last axis of sigma_cm2")
    slope = np.gradient(np.log(sigma), np.log(MT), axis=-1)
    with np.errstate(divide="ignore"):
        return np.where(slope < 0, -1.0 / slope, np.inf)


def _map_onto_sigma(log_sigma: Array, n: Array, log_grid: Array) -> Array:
    """n(σ) on a grid, per mass: the curves ln σ(MT) decrease along the exposure axis."""
    # count, for each grid σ, the exposures whose limit is still above it: j − 1, j bracket it
    above = (log_sigma[:, None, :] > log_grid[None, :, None]).sum(axis=2)  # (n_m, n_s)
    n_e = log_sigma.shape[1]
    inside = (above >= 1) & (above <= n_e - 1)
    j = np.clip(above, 1, n_e - 1)
    rows = np.arange(log_sigma.shape[0])[:, None]
    s0, s1 = log_sigma[rows, j - 1], log_sigma[rows, j]
    n0, n1 = n[rows, j - 1], n[rows, j]
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(s1 != s0, (log_grid[None, :] - s0) / (s1 - s0), 0.0)
    return np.where(inside, n0 + w * (n1 - n0), np.nan).T


def _floor(log_sigma: Array, n: Array, MT: Array, level: float) -> tuple[Array, Array]:
    """σ and MT where n first reaches ``level`` along each row (NaN if never)."""
    reached = n >= level
    first = np.argmax(reached, axis=1)
    found = reached.any(axis=1) & (first > 0)
    j = np.clip(first, 1, n.shape[1] - 1)
    rows = np.arange(n.shape[0])
    n0, n1 = n[rows, j - 1], n[rows, j]
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(n1 != n0, (level - n0) / (n1 - n0), 0.0)
    log_MT = np.log(MT)
    ls = log_sigma[rows, j - 1] + w * (log_sigma[rows, j] - log_sigma[rows, j - 1])
    lm = log_MT[j - 1] + w * (log_MT[j] - log_MT[j - 1])
    return np.where(found, np.exp(ls), np.nan), np.where(found, np.exp(lm), np.nan)


def neutrino_fog(
    target: str | Material | Mapping[str, float],
    masses_GeV: ArrayLike | None = None,
    exposures_kg_yr: ArrayLike | None = None,
    *,
    threshold_keV: float = 1e-4,
    E_max_keV: float = 200.0,
    n_bins: int = 50,
    sigma_grid_cm2: ArrayLike | None = None,
    floor_index: float = 2.0,
    halo: StandardHaloModel | None = None,
    backgrounds: str = "ohare2021",
    uncertainties: Mapping[str, float] | None = None,
    fluxes: Mapping[str, float] | None = None,
    significance: float = 3.0,
    min_signal_events: float = math.log(2.0),
    form_factor: str = "helm",
) -> NeutrinoFog:
    """The neutrino fog of ``target``: σ(m, MT), n(m, MT), n(σ, m) and the floor (n = 2).

    Parameters
    ----------
    target : str, Material or mapping
        "Xe", "Ar", "Ge", "NaI", "CaWO4", "Si", "F", "He", ... or ``{isotope: nuclei per kg}``.
    masses_GeV, exposures_kg_yr : array_like, optional
        1-D grids (defaults: 100 masses 0.1–10⁴ GeV; 50 exposures 10⁻²–10¹³ kg·yr). The
        exposure grid must reach the fog at every mass for the floor to be found there.
    threshold_keV, E_max_keV, n_bins
        Analysis window and logarithmic bins (defaults as O'Hare: 10⁻⁴–200 keV, 50 bins).
    sigma_grid_cm2 : array_like, optional
        Cross sections of the n(σ, m) map (default 10⁻⁵⁰–10⁻⁴⁰ cm², 201 points).
    floor_index : float
        The n that defines the floor (2 as O'Hare).
    halo, backgrounds, uncertainties, fluxes, significance, min_signal_events, form_factor
        As for :func:`~cevns_core.dark_matter.limits.discovery_limit`.

    Returns
    -------
    NeutrinoFog
    """
    masses = DEFAULT_MASSES_GeV if masses_GeV is None else masses_GeV
    exposures = DEFAULT_EXPOSURES_KG_YR if exposures_kg_yr is None else exposures_kg_yr
    MT = np.atleast_1d(as_array(exposures, "exposures_kg_yr", minimum=0.0, inclusive=False))
    if MT.ndim != 1 or MT.size < 3 or np.any(np.diff(MT) <= 0):
        raise CevnsError("exposures_kg_yr must be ≥ 3 strictly increasing exposures (kg·yr)")
    grid = DEFAULT_SIGMA_GRID_CM2 if sigma_grid_cm2 is None else sigma_grid_cm2
    grid = np.atleast_1d(
        as_array(grid, "sigma_grid_cm2", minimum=0.0, inclusive=False, max_size=MAX_SIGMA_POINTS)
    )
    if grid.ndim != 1:
        raise CevnsError("sigma_grid_cm2 must be a 1-D array of cross sections (cm²)")
    level = as_float(floor_index, "floor_index", minimum=1.0, inclusive=False)
    n_points = grid.size * np.size(as_array(masses, "masses_GeV")) * MT.size
    if n_points > MAX_MAP_POINTS:
        raise CevnsError(
            f"the fog map would have {n_points} σ × mass × exposure points; the limit is "
            f"{MAX_MAP_POINTS} (fewer cross sections, masses or exposures)"
        )
    limits = discovery_limit(
        target,
        masses,
        MT,
        threshold_keV,
        E_max_keV=E_max_keV,
        n_bins=n_bins,
        halo=halo,
        backgrounds=backgrounds,
        uncertainties=uncertainties,
        fluxes=fluxes,
        significance=significance,
        min_signal_events=min_signal_events,
        form_factor=form_factor,
    )
    sigma = limits.sigma_cm2
    finite = np.all(np.isfinite(sigma), axis=1)
    n = np.full(sigma.shape, np.nan)
    n_map = np.full((grid.size, sigma.shape[0]), np.nan)
    floor = np.full(sigma.shape[0], np.nan)
    floor_MT = np.full(sigma.shape[0], np.nan)
    if np.any(finite):
        log_sigma = np.log(sigma[finite])
        n[finite] = gradient_index(sigma[finite], MT)
        n_map[:, finite] = _map_onto_sigma(log_sigma, n[finite], np.log(grid))
        floor[finite], floor_MT[finite] = _floor(log_sigma, n[finite], MT, level)
    info = {**limits.info, "floor_index": level}
    return NeutrinoFog(limits, n, grid, n_map, floor, floor_MT, info)


@cache
def _published_rows() -> tuple[tuple[str, float, float], ...]:
    text = files("cevns_core").joinpath("data").joinpath("neutrino_floor_ohare2021.csv")
    rows = []
    for line in text.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith(("#", "target")):
            continue
        target, mass, sigma = line.split(",")
        rows.append((target, float(mass), float(sigma)))
    return tuple(rows)


def ohare2021_floor_points() -> dict[str, tuple[Array, Array]]:
    """A few points of O'Hare's published SI floors: {target: (masses GeV, σ cm²)}.

    From ``data/neutrino_floor_ohare2021.csv`` (PRL 127 (2021) 251802 and its data release;
    Xe, Ge, Ar at the release's grid masses nearest 6, 30, 100 and 1000 GeV).

    Examples
    --------
    >>> m, s = ohare2021_floor_points()["Xe"]
    >>> f"{m[0]:.2f} GeV: {s[0]:.3e} cm²"
    '5.94 GeV: 1.290e-45 cm²'
    """
    out: dict[str, tuple[Array, Array]] = {}
    for target in dict.fromkeys(r[0] for r in _published_rows()):
        rows = [r for r in _published_rows() if r[0] == target]
        out[target] = (np.array([r[1] for r in rows]), np.array([r[2] for r in rows]))
    return out
