"""Median exclusion and discovery limits on the SI WIMP–nucleon cross section against the CEvNS
neutrino backgrounds, with a binned profile likelihood and Asimov data (what O'Hare does).

**Likelihood** (O'Hare, PRL 127 (2021) 251802, arXiv:2109.03116, and its code release
cajohare/NeutrinoFog ``src/like``; Billard, Strigari & Figueroa-Feliciano, PRD 89 (2014) 023524).
For an exposure MT (kg·yr), recoil bins i, WIMP events per kg·yr s_i(m) σ/σ_ref and neutrino
components k with events b_k,i per kg·yr and normalisations θ_k (nominal 1, Gaussian
uncertainty δ_k):

    −2 ln L(σ, θ) = 2 Σ_i [μ_i − n_i ln μ_i] + Σ_k (θ_k − 1)²/δ_k² + const,
    μ_i = MT (σ s_i/σ_ref + Σ_k θ_k b_k,i).

**Discovery** (O'Hare's definition): Asimov data n = MT(σ s + Σ_k b_k) (signal present, θ = 1);
q₀ = −2 ln[L(0, θ̂̂)/L(σ, 1)] with θ̂̂ the background-only fit. The median experiment makes a
Z σ discovery when q₀ ≥ Z² (Z = 3 by default, q₀ = 9 as in O'Hare's code). In addition the
median experiment must see at least one signal event, N_s ≥ ln 2 events (O'Hare's code asks
for N_s > 0.5 before testing q₀): without it a background-free bin would give a "discovery" from a
vanishing signal.

**Exclusion**: Asimov data n = MT Σ_k b_k (no signal); q(σ) = −2 ln[L(σ, θ̂̂)/L(0, 1)], and the
median one-sided upper limit at confidence CL is q = Φ⁻¹(CL)² (Cowan, Cranmer, Gross & Vitells,
EPJC 71 (2011) 1554, Eq. (97); 1.6424 for 90 %). Where the background is negligible the
asymptotic formula would exclude fractions of an event; the limit is never taken below the
background-free Poisson limit N_s = −ln(1 − CL) (2.303 events at 90 %).

**How it is fast.** The signal per unit σ (all masses) and the background per component are
binned once on shared bins; every (mass, exposure) point is then an array row. The nuisance fit
is a vectorised damped Newton iteration on θ (the objective is convex in θ); the limit σ solves
ln q(σ) = ln q* by Newton iteration in ln σ for all points at once, with dq/dσ from the envelope
theorem (2 MT Σ s_i ln(n_i/μ_i) for discovery, 2 MT Σ s_i (1 − n_i/μ_i) for exclusion) and the
Fisher-matrix (Gaussian) estimate as the starting point.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import norm

from .._validation import as_array, as_float, shown
from ..errors import CevnsError
from ..materials import Material
from .backgrounds import NeutrinoBackground, log_bin_edges, neutrino_background
from .halo import StandardHaloModel
from .wimp import binned_wimp_rates

__all__ = [
    "LimitResult",
    "discovery_limit",
    "exclusion_limit",
    "limit_from_rates",
]

#: Exposures accepted (kg·yr): 1 μg·s to far beyond the fog's 10¹³ kg·yr (1e-300 and 1e308
#: overflowed).
EXPOSURE_RANGE_KG_YR = (1e-12, 1e20)
#: Largest number of (mass, exposure) points of one limit computation (~20 s).
MAX_LIMIT_POINTS = 100_000
#: Largest significance (σ) of a discovery limit and number of signal events.
MAX_SIGNIFICANCE = 37.0
MAX_SIGNAL_EVENTS = 1e6

Array = NDArray[np.float64]

#: Reference cross section (cm²) the signal rates are scaled to internally.
SIGMA_REF_CM2 = 1e-45

_INNER_ITER = 60
_OUTER_ITER = 60
_OUTER_TOL = 1e-9  # on ln q
_MAX_LOG_STEP = math.log(30.0)
_DECREMENT_TOL = 1e-11  # on q (the discovery threshold is q = 9)


@dataclass(frozen=True)
class LimitResult:
    """Median limits on σ_n (cm²) on a grid of WIMP masses × exposures.

    Attributes
    ----------
    kind : "discovery" or "exclusion"
    masses_GeV : (n_m,)
    exposures_kg_yr : (n_e,)
    sigma_cm2 : (n_m, n_e) limit; ``inf`` where the WIMP gives no recoil in the bins
    signal_events : (n_m, n_e) WIMP events at the limit
    background_events : (n_e,) expected neutrino events in the bins
    bin_edges_keV : recoil bins of the likelihood
    info : settings (statistic, threshold, background model, halo)
    """

    kind: str
    masses_GeV: Array
    exposures_kg_yr: Array
    sigma_cm2: Array
    signal_events: Array
    background_events: Array
    bin_edges_keV: Array
    info: dict[str, Any] = field(default_factory=dict)


def _h(r: Array) -> Array:
    """(1 + r) ln(1 + r) − r, i.e. [n ln(n/μ) − n + μ]/μ for r = n/μ − 1 ≥ −1 (0·ln 0 = 0).

    For |r| < 0.01 the series Σ_{k≥2} (−r)^k/(k(k−1)) (8 terms) keeps full relative precision,
    which the closed form loses to cancellation: at large exposures μ h(r) is a small
    difference of large numbers.
    """
    r = np.maximum(r, -1.0)
    small = np.abs(r) < 1e-2
    rs = np.where(small, r, 0.0)
    series = np.zeros_like(rs)
    power = rs * rs
    for k in range(2, 10):
        series = series + power / (k * (k - 1))
        power = -power * rs
    rl = np.where(small | (r <= -1.0), 0.5, r)
    closed = np.where(r > -1.0, (1.0 + rl) * np.log1p(rl) - rl, 1.0)  # h(−1) = 1
    return np.where(small, series, closed)


# Normalisations are kept above this floor: every kept bin has some background, so μ > 0.
_THETA_FLOOR = 1e-12


def _objective(
    theta: Array, excess: Array, model_signal: Array, B: Array, MT: Array, inv_var: Array
) -> tuple[Array, Array, Array]:
    """q = 2 Σ_i μ_i h(n_i/μ_i − 1) + Σ_k (θ_k − 1)²/δ_k², with n/μ − 1 and μ.

    Data n = MT(Σ_k b_k + excess), model μ = MT(model_signal + Σ_k θ_k b_k); n − μ is formed
    from the differences (excess − model_signal + (1 − θ)·b), free of cancellation.
    """
    MTc = MT[:, None]
    mu = MTc * (model_signal + theta @ B)
    r = MTc * (excess - model_signal + (1.0 - theta) @ B) / mu
    q = 2.0 * np.sum(mu * _h(r), axis=1) + ((theta - 1.0) ** 2) @ inv_var
    return q, r, mu


def _profile(
    excess: Array, model_signal: Array, B: Array, inv_var: Array, MT: Array, theta: Array
) -> tuple[Array, Array, Array, Array]:
    """Minimise :func:`_objective` over θ ≥ 0 for P points (damped Newton, convex objective).

    Arrays (P, I) for ``excess`` and ``model_signal``, B (K, I), ``inv_var`` = 1/δ² (K,),
    MT (P,), starting θ (P, K). Returns θ̂ (P, K), q (P,), n/μ − 1 (P, I) and μ (P, I).
    """
    theta = np.maximum(theta, _THETA_FLOOR)
    q, r, mu = _objective(theta, excess, model_signal, B, MT, inv_var)
    if B.shape[0] == 0:
        return theta, q, r, mu
    penalty_hessian = np.diag(2.0 * inv_var)
    active = np.arange(theta.shape[0])
    for _ in range(_INNER_ITER):
        if active.size == 0:
            break
        th, MTa = theta[active], MT[active]
        ra, mua = r[active], mu[active]
        grad = -2.0 * MTa[:, None] * (ra @ B.T) + 2.0 * (th - 1.0) * inv_var
        weight = (1.0 + ra) / mua * MTa[:, None] ** 2  # n/μ² · MT²
        hessian = 2.0 * ((weight[:, None, :] * B[None, :, :]) @ B.T) + penalty_hessian
        step = np.linalg.solve(hessian, grad[..., None])[..., 0]
        # Newton decrement gᵀH⁻¹g ≈ 2 (q − min q): below the tolerance the point has converged
        keep = np.sum(grad * step, axis=1) > _DECREMENT_TOL * (1.0 + q[active])
        active, th, step = active[keep], th[keep], step[keep]
        args = (excess[active], model_signal[active], B, MT[active], inv_var)
        t = np.ones(active.size)
        done = np.zeros(active.size, dtype=bool)
        q_old = q[active]
        for _ in range(30):  # halve the step until the objective does not increase
            trial = np.maximum(th - t[:, None] * step, _THETA_FLOOR)
            q_new, r_new, mu_new = _objective(trial, *args)
            ok = ~done & (q_new <= q_old + 1e-13 * np.abs(q_old))
            idx = active[ok]
            theta[idx], q[idx], r[idx], mu[idx] = trial[ok], q_new[ok], r_new[ok], mu_new[ok]
            done |= ok
            if done.all():
                break
            t = np.where(done, t, 0.5 * t)
        active = active[done]  # a point whose objective cannot decrease has converged
    return theta, q, r, mu


def limit_from_rates(
    signal: ArrayLike,
    background: ArrayLike,
    relative_uncertainty: ArrayLike,
    exposures_kg_yr: ArrayLike,
    *,
    kind: str = "discovery",
    significance: float = 3.0,
    cl: float = 0.9,
    min_signal_events: float = math.log(2.0),
) -> tuple[Array, Array]:
    """Median limits from binned rates: the vectorised core of the two public functions.

    Parameters
    ----------
    signal : (n_m, I) WIMP events per kg·yr per bin at σ = σ_ref (any reference)
    background : (K, I) neutrino events per kg·yr per bin and component
    relative_uncertainty : (K,) 1σ normalisation uncertainties δ_k (> 0)
    exposures_kg_yr : (n_e,) exposures
    kind : "discovery" (q₀ ≥ significance²) or "exclusion" (q ≥ Φ⁻¹(cl)²)

    Returns
    -------
    x, events : (n_m, n_e) the limit in units of σ_ref, and the signal events there
    """
    s = np.atleast_2d(as_array(signal, "signal", minimum=0.0))
    B = np.atleast_2d(as_array(background, "background", minimum=0.0))
    delta = np.atleast_1d(
        as_array(relative_uncertainty, "relative_uncertainty", minimum=0.0, inclusive=False)
    )
    MT_grid = np.atleast_1d(
        as_array(exposures_kg_yr, "exposures_kg_yr", minimum=0.0, inclusive=False)
    )
    if B.shape[1] != s.shape[1] or delta.shape != (B.shape[0],) or MT_grid.ndim != 1:
        raise CevnsError(
            f"shapes do not match: signal {s.shape}, background {B.shape}, "
            f"relative_uncertainty {delta.shape}, exposures {MT_grid.shape}"
        )
    if kind == "discovery":
        q_star = as_float(significance, "significance", minimum=0.0, inclusive=False) ** 2
        if q_star > MAX_SIGNIFICANCE**2:
            raise CevnsError(f"significance must lie in (0, {MAX_SIGNIFICANCE:g}] (σ)")
        n_min = as_float(
            min_signal_events, "min_signal_events", minimum=0.0, maximum=MAX_SIGNAL_EVENTS
        )
    elif kind == "exclusion":
        cl = as_float(cl, "cl", minimum=0.5, maximum=1.0, inclusive=False)
        q_star = float(norm.ppf(cl)) ** 2
        n_min = -math.log1p(-cl)  # background-free Poisson limit
    else:
        raise CevnsError(f"kind must be 'discovery' or 'exclusion', got {kind!r}")
    inv_var = 1.0 / delta**2
    b_tot = B.sum(axis=0)
    keep = b_tot > 0
    s_bins, B_bins, b_kept = s[:, keep], B[:, keep], b_tot[keep]
    s_free = s[:, ~keep].sum(axis=1)  # signal where no neutrino reaches
    S_tot = s.sum(axis=1)

    n_m, n_e = s.shape[0], MT_grid.size
    im = np.repeat(np.arange(n_m), n_e)
    MT = np.tile(MT_grid, n_m)
    with np.errstate(divide="ignore"):
        x_count = np.where(S_tot[im] > 0, n_min / (MT * S_tot[im]), np.inf)

    # Fisher (Gaussian) estimate at σ → 0 as the starting point
    A = (s_bins**2 / b_kept).sum(axis=1)
    V = (s_bins / b_kept) @ B_bins.T
    M = MT_grid[:, None, None] * ((B_bins / b_kept) @ B_bins.T)[None] + np.diag(inv_var)
    quad = np.einsum("mk,ekl,ml->me", V, np.linalg.inv(M), V).ravel() if V.shape[1] else 0.0
    fisher = MT * A[im] - MT**2 * quad + (2.0 * MT * s_free[im] if kind == "exclusion" else 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.sqrt(q_star / np.maximum(fisher, 1e-300))

    solved = (S_tot[im] > 0) & ~((kind == "discovery") & (s_free[im] > 0))
    x = np.where(solved, x, x_count)
    theta = np.ones((n_m * n_e, B_bins.shape[0]))
    active = np.flatnonzero(solved)
    for _ in range(_OUTER_ITER):
        if active.size == 0:
            break
        sig = x[active, None] * s_bins[im[active]]
        zero = np.zeros_like(sig)
        MTa = MT[active]
        if kind == "discovery":
            th, q, r, _ = _profile(sig, zero, B_bins, inv_var, MTa, theta[active])
            slope = 2.0 * MTa * np.sum(s_bins[im[active]] * np.log1p(r), axis=1)
        else:
            th, q, r, _ = _profile(zero, sig, B_bins, inv_var, MTa, theta[active])
            free = 2.0 * MTa * s_free[im[active]]
            q = q + x[active] * free
            slope = -2.0 * MTa * np.sum(s_bins[im[active]] * r, axis=1) + free
        theta[active] = th
        q = np.maximum(q, 1e-300)
        g = np.log(q / q_star)
        dlnq = np.maximum(x[active] * slope / q, 1e-3)
        x[active] = x[active] * np.exp(np.clip(-g / dlnq, -_MAX_LOG_STEP, _MAX_LOG_STEP))
        active = active[np.abs(g) > _OUTER_TOL]
    x = np.maximum(x, x_count)
    has_signal = S_tot[im] > 0  # elsewhere x = inf and there are no WIMP events
    events = np.where(has_signal, np.where(has_signal, x, 0.0) * MT * S_tot[im], 0.0)
    return x.reshape(n_m, n_e), events.reshape(n_m, n_e)


def _n_bins(n_bins: Any) -> int:
    if isinstance(n_bins, bool) or not isinstance(n_bins, int | np.integer):
        raise CevnsError(f"n_bins must be a positive integer, got {shown(n_bins)}")
    return int(n_bins)


def _limits(
    kind: str,
    target: str | Material | Mapping[str, float],
    masses_GeV: ArrayLike,
    exposures_kg_yr: ArrayLike,
    threshold_keV: float,
    *,
    E_max_keV: float,
    n_bins: int,
    halo: StandardHaloModel | None,
    backgrounds: str,
    uncertainties: Mapping[str, float] | None,
    fluxes: Mapping[str, float] | None,
    form_factor: str,
    **statistic: float,
) -> LimitResult:
    masses = np.atleast_1d(as_array(masses_GeV, "masses_GeV", minimum=0.0, inclusive=False))
    lo, hi = EXPOSURE_RANGE_KG_YR
    exposures = np.atleast_1d(as_array(exposures_kg_yr, "exposures_kg_yr", minimum=lo, maximum=hi))
    if masses.ndim != 1 or exposures.ndim != 1:
        raise CevnsError("masses_GeV and exposures_kg_yr must be numbers or 1-D arrays")
    if masses.size * exposures.size > MAX_LIMIT_POINTS:
        raise CevnsError(
            f"{masses.size} masses × {exposures.size} exposures is more than the limit of "
            f"{MAX_LIMIT_POINTS} points"
        )
    n_bins = _n_bins(n_bins)
    edges = log_bin_edges(threshold_keV, E_max_keV, n_bins)
    halo = StandardHaloModel() if halo is None else halo
    signal = binned_wimp_rates(target, edges, masses, halo=halo, form_factor=form_factor)
    bkg: NeutrinoBackground = neutrino_background(
        target, edges, backgrounds, uncertainties=uncertainties, fluxes=fluxes
    )
    x, events = limit_from_rates(
        signal * SIGMA_REF_CM2,
        bkg.rates,
        bkg.relative_uncertainty,
        exposures,
        kind=kind,
        **statistic,
    )
    info = {
        "statistic": "binned Poisson profile likelihood, Asimov data, Gaussian flux nuisances",
        "threshold_keV": float(edges[0]),
        "E_max_keV": float(edges[-1]),
        "n_bins": int(n_bins),
        "background_model": backgrounds,
        "background_components": bkg.components,
        "relative_uncertainty": dict(
            zip(bkg.components, bkg.relative_uncertainty.tolist(), strict=True)
        ),
        "halo": {k: float(v) for k, v in halo.param.values().items() if k != "name"},
        "form_factor": form_factor,
        **{k: float(v) for k, v in statistic.items()},
    }
    return LimitResult(
        kind,
        masses,
        exposures,
        x * SIGMA_REF_CM2,
        events,
        bkg.total.sum() * exposures,
        edges,
        info,
    )


def discovery_limit(
    target: str | Material | Mapping[str, float],
    masses_GeV: ArrayLike,
    exposures_kg_yr: ArrayLike,
    threshold_keV: float,
    *,
    E_max_keV: float = 200.0,
    n_bins: int = 50,
    halo: StandardHaloModel | None = None,
    backgrounds: str = "ohare2021",
    uncertainties: Mapping[str, float] | None = None,
    fluxes: Mapping[str, float] | None = None,
    significance: float = 3.0,
    min_signal_events: float = math.log(2.0),
    form_factor: str = "helm",
) -> LimitResult:
    """Median discovery limit σ_n (cm²) for every WIMP mass × exposure (module docstring).

    Parameters
    ----------
    target : str, Material or mapping
        Detector material ("Xe", "Ge", "NaI", "CaWO4", ...) or ``{isotope: nuclei per kg}``.
    masses_GeV : array_like
        WIMP masses (GeV), a number or 1-D array.
    exposures_kg_yr : array_like
        Exposures in kg·yr (1 tonne-year = 1000), a number or 1-D array.
    threshold_keV, E_max_keV, n_bins : float, float, int
        Nuclear-recoil analysis window (keV) cut into ``n_bins`` logarithmic bins; perfect
        energy resolution and efficiency.
    halo : StandardHaloModel, optional
        Default: Baxter et al. 2021 values.
    backgrounds : str
        Neutrino flux model (``"ohare2021"`` or ``"b16_gs98"``); ``uncertainties`` and
        ``fluxes`` override some components' relative uncertainties or total fluxes
        (cm⁻² s⁻¹), e.g. ``uncertainties={"B8": 0.05}`` (see
        :func:`~cevns_core.dark_matter.backgrounds.neutrino_background`).
    significance : float
        Z of the median discovery (q₀ = Z²; 3 as in O'Hare 2021).
    min_signal_events : float
        Smallest number of WIMP events of a discovery (default ln 2: the median experiment sees
        at least one event).

    Returns
    -------
    LimitResult
        ``sigma_cm2`` of shape (n_masses, n_exposures).
    """
    return _limits(
        "discovery",
        target,
        masses_GeV,
        exposures_kg_yr,
        threshold_keV,
        E_max_keV=E_max_keV,
        n_bins=n_bins,
        halo=halo,
        backgrounds=backgrounds,
        uncertainties=uncertainties,
        fluxes=fluxes,
        form_factor=form_factor,
        significance=significance,
        min_signal_events=min_signal_events,
    )


def exclusion_limit(
    target: str | Material | Mapping[str, float],
    masses_GeV: ArrayLike,
    exposures_kg_yr: ArrayLike,
    threshold_keV: float,
    *,
    E_max_keV: float = 200.0,
    n_bins: int = 50,
    halo: StandardHaloModel | None = None,
    backgrounds: str = "ohare2021",
    uncertainties: Mapping[str, float] | None = None,
    fluxes: Mapping[str, float] | None = None,
    cl: float = 0.9,
    form_factor: str = "helm",
) -> LimitResult:
    """Median expected upper limit σ_n (cm²) at confidence ``cl`` for every mass × exposure.

    Same parameters as :func:`discovery_limit`; the statistic is the one-sided profile
    likelihood ratio on background-only Asimov data (q = Φ⁻¹(cl)², 1.6424 at 90 %), never below
    the background-free Poisson limit of −ln(1 − cl) signal events.
    """
    return _limits(
        "exclusion",
        target,
        masses_GeV,
        exposures_kg_yr,
        threshold_keV,
        E_max_keV=E_max_keV,
        n_bins=n_bins,
        halo=halo,
        backgrounds=backgrounds,
        uncertainties=uncertainties,
        fluxes=fluxes,
        form_factor=form_factor,
        cl=cl,
    )
