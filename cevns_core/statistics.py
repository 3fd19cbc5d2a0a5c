"""χ² statistics: profiled nuisance parameters, Δχ² levels, intervals (PHYSICS.md §8).

Predicted counts in bin i (PHYSICS §8.1)::

    N_th,i(θ, α, β) = (1 + α) S_i(θ) + Σ_k (1 + β_k) B_k,i

with a signal-normalisation nuisance α (flux, quenching, efficiency, form factor) and one
normalisation nuisance β_k per background component, each with a Gaussian penalty (α/σ_α)²,
(β_k/σ_β,k)². Every nuisance is *profiled* (minimised over) for each signal vector.

Gaussian χ² (:func:`gaussian_chi2`; COHERENT 2017 and Papoulias & Kosmas 2018)::

    χ² = Σ_i (N_obs,i − N_th,i)² / σ_i² + (α/σ_α)² + Σ_k (β_k/σ_β,k)²,
    σ_i² = N_obs,i + 2 B_ss,i + B_on,i        (:func:`coherent_variance`)

is quadratic in the nuisances, so they are profiled **analytically**: the normal equations
A θ = b of the linear least-squares problem are solved for every signal vector at once (batched
``numpy.linalg.solve``). ``signal`` may have any leading shape (..., n_bins); the result has shape
(...). This is what fast parameter scans need: thousands of predicted spectra cost one array
operation.

Poisson χ² (:func:`poisson_chi2`; Baker & Cousins 1984)::

    χ² = 2 Σ_i [N_th,i − N_obs,i + N_obs,i ln(N_obs,i / N_th,i)] + Σ_k (θ_k/σ_k)²

(the logarithmic term is 0 when N_obs,i = 0). N_th is affine in the nuisances and the χ² is
convex in N_th, so the profile is a strictly convex problem. The default ``method="newton"`` solves
it for all signal vectors together with a vectorised Newton iteration: exact gradient and Hessian,
batched linear solves, and a backtracking line search that keeps every prediction positive and
never lets the χ² increase; it stops when the Newton decrement is below 1e-10 (typically 4–8
iterations). ``method="minuit"`` minimises each signal vector separately with iminuit's MIGRAD
(one Python-level fit per vector: use it for small problems and as a cross-check; the Newton
result agrees with it to ~1e-6 in χ²). Nuisances are unbounded in both methods: a background
normalisation 1 + β < 0 is allowed as long as every predicted count stays ≥ 0 (relevant only for
components with ≥ 100 % uncertainty).

Nuisance uncertainties: a positive number is a Gaussian constraint; ``0``/``None`` fixes the
nuisance at 0 (no nuisance); ``math.inf`` leaves it free (no penalty).

Confidence levels (PHYSICS §8.2): :func:`delta_chi2_threshold` (``scipy.stats.chi2.ppf``),
:func:`delta_chi2_table` (the table R34); 1-D intervals from a Δχ² profile on a grid with
interpolated crossings (:func:`confidence_intervals`, :func:`upper_limit`, :class:`Profile1D`);
:func:`best_fit` with a parabolic refinement of the grid minimum; :func:`asimov_data` for
sensitivities (PHYSICS §8.3).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special, stats

from ._validation import as_float, as_int, shown, to_float, to_float_array
from .errors import CevnsError

__all__ = [
    "CL_1SIGMA",
    "CL_2SIGMA",
    "CL_3SIGMA",
    "Interval",
    "Profile1D",
    "asimov_data",
    "baker_cousins",
    "best_fit",
    "cl_from_sigma",
    "coherent_variance",
    "confidence_intervals",
    "delta_chi2_table",
    "delta_chi2_threshold",
    "gaussian_chi2",
    "gaussian_chi2_total",
    "poisson_chi2",
    "poisson_chi2_total",
    "upper_limit",
]

Array = NDArray[np.float64]

#: Coverage of ±1σ, ±2σ, ±3σ of a Gaussian: erf(n/√2).
CL_1SIGMA = float(special.erf(1.0 / math.sqrt(2.0)))
CL_2SIGMA = float(special.erf(2.0 / math.sqrt(2.0)))
CL_3SIGMA = float(special.erf(3.0 / math.sqrt(2.0)))

_NEWTON_MAX_ITER = 100
_NEWTON_TOL = 1e-10
_LINE_SEARCH_STEPS = 60


# ------------------------------------------------------------------------------ validation
#: Largest count (events per bin) the χ² functions accept: squares and products of counts must
#: stay representable.
MAX_COUNTS = 1e100
#: A finite nuisance uncertainty (fractional) lies in this range; 0/None fix the nuisance and
#: ``math.inf`` frees it (a smaller or larger σ would make the normal equations singular).
UNCERTAINTY_RANGE = (1e-6, 1e6)
#: Largest number of σ :func:`delta_chi2_threshold` converts (its tail probability must stay
#: above the smallest normal float).
MAX_SIGMA = 37.0
#: Smallest variance of a Gaussian χ² bin: 1/σ² of a subnormal count (2e-313) overflowed.
MIN_VARIANCE = 1e-100
#: Largest number of degrees of freedom of a Δχ² level.
MAX_DOF = 10**6


def _counts(value: ArrayLike, name: str, *, allow_negative: bool = False) -> Array:
    arr = to_float_array(value, name)
    if arr.ndim == 0:
        raise CevnsError(f"{name} must be an array of counts per bin, got a single number")
    if arr.size == 0 or arr.shape[-1] == 0:
        raise CevnsError(f"{name} is empty: at least one bin is needed")
    if np.any(np.isnan(arr)):
        raise CevnsError(f"{name} contains NaN")
    if np.any(np.isinf(arr)):
        raise CevnsError(f"{name} must be finite")
    if not allow_negative and np.any(arr < 0):
        raise CevnsError(f"{name} must be ≥ 0 (counts), got {arr[arr < 0].flat[0]:g}")
    if np.any(np.abs(arr) > MAX_COUNTS):
        raise CevnsError(f"{name} must lie within ±{MAX_COUNTS:g} (counts per bin)")
    return arr


def _uncertainty(value: Any, name: str) -> float:
    if value is None:
        return 0.0
    try:
        s = to_float(value, name)
    except CevnsError as exc:
        raise CevnsError(f"{name} must be a number, None or math.inf, got {shown(value)}") from exc
    if math.isnan(s) or s < 0:
        raise CevnsError(f"{name} must be ≥ 0 (0/None: fixed, inf: free), got {shown(value)}")
    lo, hi = UNCERTAINTY_RANGE
    if s != 0 and not math.isinf(s) and not lo <= s <= hi:
        raise CevnsError(
            f"{name} must be 0/None (fixed), inf (free) or lie in [{lo:g}, {hi:g}], got {s:g}"
        )
    return s


def _prepare(
    observed: ArrayLike,
    signal: ArrayLike,
    backgrounds: ArrayLike | Sequence[ArrayLike] | None,
    sigma_signal: Any,
    sigma_backgrounds: Any,
    *,
    allow_negative_observed: bool,
) -> tuple[Array, Array, Array, Array]:
    """Validated (observed (n,), signal (..., n), backgrounds (K, n), sigmas (1 + K,))."""
    obs = _counts(observed, "observed", allow_negative=allow_negative_observed)
    if obs.ndim != 1:
        raise CevnsError(f"observed must be 1-D (one count per bin), got shape {obs.shape}")
    n = obs.size
    sig = _counts(signal, "signal")
    if sig.shape[-1] != n:
        raise CevnsError(
            f"signal has {sig.shape[-1]} bins in its last axis but observed has {n} "
            f"(signal shape {sig.shape}, observed shape {obs.shape})"
        )
    if backgrounds is None or _shape(backgrounds) == (0, n):
        bkg = np.zeros((0, n))
    else:
        bkg = _counts(backgrounds, "backgrounds")
        if bkg.ndim == 1:
            bkg = bkg[None, :]
        if bkg.ndim != 2 or bkg.shape[1] != n:
            raise CevnsError(
                f"backgrounds must have shape ({n},) or (n_components, {n}), got {bkg.shape}"
            )
    K = bkg.shape[0]
    if sigma_backgrounds is None:
        sb = [0.0] * K
    elif isinstance(sigma_backgrounds, str | bytes) or _shape(sigma_backgrounds) == ():
        sb = [_uncertainty(sigma_backgrounds, "sigma_backgrounds")] * K
    else:
        sb = [_uncertainty(s, "sigma_backgrounds") for s in sigma_backgrounds]
        if len(sb) != K:
            raise CevnsError(
                f"sigma_backgrounds has {len(sb)} entries but there are {K} background components"
            )
    sigmas = np.array([_uncertainty(sigma_signal, "sigma_signal"), *sb])
    return obs, sig, bkg, sigmas


def _shape(value: Any) -> tuple[int, ...] | None:
    """``np.shape(value)``, None for a ragged nesting (checked element by element later)."""
    try:
        return np.shape(value)
    except ValueError:
        return None


def _components(sig: Array, bkg: Array, free: Array) -> list[Array]:
    """The count vectors multiplied by the free nuisances (signal first)."""
    comps = [sig, *bkg]
    return [c for c, f in zip(comps, free, strict=True) if f]


def _penalty_weights(sigmas: Array) -> Array:
    """1/σ² of the free nuisances (0 for an unconstrained nuisance)."""
    free = sigmas[sigmas > 0]
    with np.errstate(divide="ignore"):
        return np.where(np.isinf(free), 0.0, 1.0 / free**2)


def _expand(theta_free: Array, sigmas: Array) -> Array:
    """Nuisance vectors (..., 1 + K) with zeros at the fixed ones."""
    out = np.zeros((*theta_free.shape[:-1], sigmas.size))
    out[..., sigmas > 0] = theta_free
    return out


def _solve(A: Array, b: Array) -> Array:
    try:
        return np.linalg.solve(A, b[..., None])[..., 0]
    except np.linalg.LinAlgError:
        return (np.linalg.pinv(A) @ b[..., None])[..., 0]


# ------------------------------------------------------------------------------ Gaussian
def coherent_variance(
    observed: ArrayLike, steady_state: ArrayLike, beam_on: ArrayLike = 0.0
) -> Array:
    """σ_i² = N_obs,i + 2 B_ss,i + B_on,i of the COHERENT-2017 Gaussian χ² (PHYSICS §8.1).

    N_obs is the background-subtracted (beam-on coincidence minus anticoincidence) count, B_ss the
    subtracted steady-state background, B_on the beam-on (prompt-neutron) background: σ² is then
    the Poisson variance of the coincidence count plus that of the subtracted estimate.

    Raises
    ------
    CevnsError
        If a variance is ≤ 0 or an input is NaN/negative (``observed`` may be negative).

    Examples
    --------
    >>> coherent_variance([10.0, 2.0], [5.0, 4.0], [1.0, 0.5]).tolist()
    [21.0, 10.5]
    """
    obs = _counts(observed, "observed", allow_negative=True)
    ss = np.broadcast_to(_counts(np.atleast_1d(steady_state), "steady_state"), obs.shape)
    on = np.broadcast_to(_counts(np.atleast_1d(beam_on), "beam_on"), obs.shape)
    var = obs + 2.0 * ss + on
    if np.any(var <= 0):
        raise CevnsError("the variance N_obs + 2 B_ss + B_on must be > 0 in every bin")
    return var


def gaussian_chi2(
    observed: ArrayLike,
    signal: ArrayLike,
    backgrounds: ArrayLike | Sequence[ArrayLike] | None = None,
    *,
    variance: ArrayLike | None = None,
    sigma_signal: float | None = 0.28,
    sigma_backgrounds: float | Sequence[float] | None = 0.25,
    return_nuisances: bool = False,
) -> Array | tuple[Array, Array]:
    """Gaussian χ² with analytically profiled normalisation nuisances (PHYSICS §8.1).

    χ² = Σ_i (N_obs,i − (1+α)S_i − Σ_k (1+β_k)B_k,i)²/σ_i² + (α/σ_α)² + Σ_k (β_k/σ_β,k)²,
    minimised over α, β_k by solving the (1+K)×(1+K) normal equations for every signal vector.

    Parameters
    ----------
    observed : array_like, shape (n,)
        Observed counts per bin. May be negative for background-subtracted data (residuals).
    signal : array_like, shape (..., n)
        Predicted signal counts S_i; any leading shape (one χ² per signal vector).
    backgrounds : array_like, shape (n,) or (K, n), optional
        Predicted background components B_k,i (each with its own nuisance β_k).
    variance : array_like, shape (n,), optional
        σ_i² (> 0). Default: ``observed`` (Neyman), which must then be > 0 everywhere. Use
        :func:`coherent_variance` for the COHERENT-2017 form.
    sigma_signal : float or None
        σ_α (fractional). Default 0.28 (COHERENT 2017; **UNSURE**, PHYSICS §8.1). 0/None fixes
        α = 0, ``math.inf`` leaves it free.
    sigma_backgrounds : float, sequence of floats or None
        σ_β,k, one per component or one for all. Default 0.25.
    return_nuisances : bool
        Also return the profiled nuisances, shape (..., 1 + K): α first, then β_k (0 if fixed).

    Returns
    -------
    ndarray, shape (...)
        Profiled χ² (or ``(chi2, nuisances)``).

    Raises
    ------
    CevnsError
        NaN or negative predicted counts, non-positive variances, mismatched shapes, empty
        arrays, negative uncertainties.

    Examples
    --------
    >>> float(gaussian_chi2([10.0, 20.0], [10.0, 20.0], variance=[10.0, 20.0]))
    0.0
    >>> chi2 = gaussian_chi2([12.0, 24.0], [[10.0, 20.0], [12.0, 24.0]], sigma_signal=math.inf)
    >>> np.round(chi2, 12).tolist()
    [0.0, 0.0]
    """
    obs, sig, bkg, sigmas = _prepare(
        observed, signal, backgrounds, sigma_signal, sigma_backgrounds, allow_negative_observed=True
    )
    if variance is None:
        var = obs
        if np.any(var < MIN_VARIANCE):
            raise CevnsError(
                "the default variance is the observed count, which must then be > 0 "
                f"(≥ {MIN_VARIANCE:g}) in every bin: pass variance=... (e.g. "
                "coherent_variance(...)) for other data"
            )
    else:
        var = _counts(variance, "variance")
        if var.shape != obs.shape:
            raise CevnsError(f"variance must have shape {obs.shape}, got {var.shape}")
        if np.any(var < MIN_VARIANCE):
            raise CevnsError(f"variance must be > 0 (≥ {MIN_VARIANCE:g}) in every bin")
    w = 1.0 / var
    r = obs - sig - bkg.sum(axis=0)  # (..., n)
    free = sigmas > 0
    comps = _components(sig, bkg, free)
    if comps:
        m = len(comps)
        batch = sig.shape[:-1]
        A = np.empty((*batch, m, m))
        b = np.empty((*batch, m))
        for j in range(m):
            b[..., j] = np.sum(r * comps[j] * w, axis=-1)
            for k in range(j, m):
                A[..., j, k] = A[..., k, j] = np.sum(comps[j] * comps[k] * w, axis=-1)
        A = A + np.diag(_penalty_weights(sigmas))
        theta = _solve(A, b)
        fit = sum(theta[..., j, None] * comps[j] for j in range(m))
        chi2 = np.sum((r - fit) ** 2 * w, axis=-1) + np.sum(
            theta**2 * _penalty_weights(sigmas), axis=-1
        )
        if free[0]:
            theta, chi2 = _renormalised(obs, sig, bkg, comps, w, A, sigmas, theta, chi2)
        nuis = _expand(theta, sigmas)
    else:
        chi2 = np.sum(r**2 * w, axis=-1)
        nuis = np.zeros((*sig.shape[:-1], sigmas.size))
    return (chi2, nuis) if return_nuisances else chi2


def _renormalised(
    obs: Array,
    sig: Array,
    bkg: Array,
    comps: list[Array],
    w: Array,
    A: Array,
    sigmas: Array,
    theta: Array,
    chi2: Array,
) -> tuple[Array, Array]:
    """Signals whose normalisation moves far (|α| > ½) solved again for λ = 1 + α.

    With S ≫ N_obs the profile takes α → −1 and r − αS is a small difference of large numbers
    (relative error ~1e-16 · S/N_obs per bin); the residual N_obs − ΣB − λS − Σβ_k B_k of the
    same minimum has no such cancellation. Both forms are the same normal equations.
    """
    m = theta.shape[-1]
    flat_theta = np.array(theta, dtype=float).reshape(-1, m)
    flat_chi2 = np.array(chi2, dtype=float).reshape(-1)
    far = np.nonzero(np.abs(flat_theta[:, 0]) > 0.5)[0]
    if far.size == 0:
        return theta, chi2
    n = sig.shape[-1]
    s = np.broadcast_to(sig, (*theta.shape[:-1], n)).reshape(-1, n)[far]
    flat_A = np.broadcast_to(A, (*theta.shape[:-1], m, m)).reshape(-1, m, m)[far]
    others = [np.broadcast_to(c, s.shape) for c in comps[1:]]  # fixed background templates
    y = obs - bkg.sum(axis=0)
    pw = _penalty_weights(sigmas)
    rhs = np.stack([np.sum(y * c * w, axis=-1) for c in (s, *others)], axis=-1)
    rhs[:, 0] += pw[0]  # the prior of λ is centred at 1
    x = _solve(flat_A, rhs)
    e = y - x[:, :1] * s
    for j, c in enumerate(others, start=1):
        e = e - x[:, j, None] * c
    alpha = x[:, 0] - 1.0
    flat_chi2[far] = (
        np.sum(e * e * w, axis=-1) + pw[0] * alpha**2 + np.sum(pw[1:] * x[:, 1:] ** 2, axis=-1)
    )
    flat_theta[far] = np.concatenate([alpha[:, None], x[:, 1:]], axis=-1)
    return flat_theta.reshape(theta.shape), flat_chi2.reshape(np.shape(chi2))


def gaussian_chi2_total(
    observed: ArrayLike,
    signal: ArrayLike,
    backgrounds: ArrayLike | Sequence[ArrayLike] | None = None,
    *,
    variance: ArrayLike | None = None,
    sigma_signal: float | None = 0.28,
    sigma_backgrounds: float | Sequence[float] | None = 0.25,
    return_nuisances: bool = False,
) -> Array | tuple[Array, Array]:
    """Single-bin (total-rate) version of :func:`gaussian_chi2`: all bins summed first.

    The variance of the total is the sum of the bin variances (independent bins).

    Examples
    --------
    >>> round(float(gaussian_chi2_total([10.0, 5.0], [8.0, 4.0], variance=[10.0, 5.0],
    ...                                 sigma_signal=None)), 6)
    0.6
    """
    obs, sig, bkg, _ = _prepare(
        observed, signal, backgrounds, sigma_signal, sigma_backgrounds, allow_negative_observed=True
    )
    var = None if variance is None else _counts(variance, "variance").sum(axis=-1, keepdims=True)
    return gaussian_chi2(
        obs.sum(keepdims=True),
        sig.sum(axis=-1, keepdims=True),
        bkg.sum(axis=-1, keepdims=True) if bkg.shape[0] else None,
        variance=var,
        sigma_signal=sigma_signal,
        sigma_backgrounds=sigma_backgrounds if bkg.shape[0] else None,
        return_nuisances=return_nuisances,
    )


# ------------------------------------------------------------------------------ Poisson
def baker_cousins(observed: ArrayLike, expected: ArrayLike) -> Array:
    """Baker–Cousins Poisson χ² 2Σ[μ − n + n ln(n/μ)] summed over the last axis (no nuisances).

    Returns ``inf`` where a bin has n > 0 and μ = 0.

    Examples
    --------
    >>> float(baker_cousins([3.0, 0.0], [3.0, 0.0]))
    0.0
    >>> round(float(baker_cousins([4.0], [2.0])), 6)
    1.545177
    """
    n = _counts(observed, "observed")
    mu = _counts(expected, "expected")
    if mu.shape[-1] != n.shape[-1]:
        raise CevnsError(f"expected has {mu.shape[-1]} bins but observed has {n.shape[-1]}")
    return _bc(n, mu)


def _bc(n: Array, mu: Array) -> Array:
    with np.errstate(divide="ignore", invalid="ignore"):
        log_term = np.where(n > 0, n * np.log(np.where(n > 0, n, 1.0) / mu), 0.0)
        terms = np.where((n > 0) & (mu <= 0), np.inf, mu - n + log_term)
    return 2.0 * np.sum(terms, axis=-1)


def poisson_chi2(
    observed: ArrayLike,
    signal: ArrayLike,
    backgrounds: ArrayLike | Sequence[ArrayLike] | None = None,
    *,
    sigma_signal: float | None = 0.28,
    sigma_backgrounds: float | Sequence[float] | None = 0.25,
    method: str = "newton",
    return_nuisances: bool = False,
) -> Array | tuple[Array, Array]:
    """Poisson (Baker–Cousins) χ² with Gaussian-constrained, profiled nuisances (PHYSICS §8.1).

    χ² = 2Σ_i[N_th,i − N_obs,i + N_obs,i ln(N_obs,i/N_th,i)] + (α/σ_α)² + Σ_k (β_k/σ_β,k)²,
    N_th,i = (1+α)S_i + Σ_k (1+β_k)B_k,i, minimised over the nuisances.

    Parameters
    ----------
    observed : array_like, shape (n,)
        Observed counts (≥ 0; need not be integers).
    signal : array_like, shape (..., n)
        Predicted signal counts; any leading shape.
    backgrounds : array_like, shape (n,) or (K, n), optional
        Background components with nuisances β_k.
    sigma_signal, sigma_backgrounds
        As in :func:`gaussian_chi2` (0/None fixed, inf free).
    method : {"newton", "minuit"}
        Vectorised Newton iteration (default) or one iminuit MIGRAD fit per signal vector.
    return_nuisances : bool
        Also return the nuisances, shape (..., 1 + K).

    Returns
    -------
    ndarray, shape (...)
        Profiled χ² (``inf`` where no nuisance values give a positive prediction in a bin with
        observed events).

    Examples
    --------
    >>> float(poisson_chi2([5.0, 3.0], [4.0, 2.0], [1.0, 1.0]))
    0.0
    >>> chi2, nuis = poisson_chi2([10.0], [5.0], sigma_signal=math.inf, return_nuisances=True)
    >>> round(float(chi2), 9), round(float(nuis[0]), 6)
    (0.0, 1.0)
    """
    if method not in ("newton", "minuit"):
        raise CevnsError(f"unknown method {method!r}; choose one of: newton, minuit")
    obs, sig, bkg, sigmas = _prepare(
        observed,
        signal,
        backgrounds,
        sigma_signal,
        sigma_backgrounds,
        allow_negative_observed=False,
    )
    free = sigmas > 0
    comps = _components(sig, bkg, free)
    base = sig + bkg.sum(axis=0)
    if not comps:
        chi2 = _bc(obs, base)
        nuis = np.zeros((*sig.shape[:-1], sigmas.size))
        return (chi2, nuis) if return_nuisances else chi2
    pw = _penalty_weights(sigmas)
    if method == "newton":
        theta, chi2 = _poisson_newton(obs, base, comps, pw)
    else:
        theta, chi2 = _poisson_minuit(obs, base, comps, pw)
    nuis = _expand(theta, sigmas)
    return (chi2, nuis) if return_nuisances else chi2


def _poisson_objective(obs: Array, base: Array, C: Array, pw: Array, theta: Array) -> Array:
    mu = base + np.einsum("...j,...jn->...n", theta, C)
    # N_th must stay ≥ 0 in every bin (a negative prediction in an empty bin would reward itself)
    chi2 = _bc(obs, mu) + np.sum(pw * theta**2, axis=-1)
    return np.where(np.all(mu >= 0, axis=-1), chi2, np.inf)


def _poisson_newton(obs: Array, base: Array, comps: list[Array], pw: Array) -> tuple[Array, Array]:
    batch = base.shape[:-1]
    m, n = len(comps), obs.size
    C = np.empty((*batch, m, n))
    for j, c in enumerate(comps):
        C[..., j, :] = c
    C = C.reshape(-1, m, n)
    flat_base = base.reshape(-1, n)
    theta = np.zeros((flat_base.shape[0], m))
    chi2 = np.asarray(_poisson_objective(obs, flat_base, C, pw, theta), dtype=float).reshape(-1)
    active = np.isfinite(chi2)
    ridge = 1e-12 * (1.0 + np.max(np.abs(C), axis=(-1, -2), initial=0.0))
    eye = np.eye(m)
    for _ in range(_NEWTON_MAX_ITER):
        idx = np.nonzero(active)[0]
        if idx.size == 0:
            break
        th, Ca, ba = theta[idx], C[idx], flat_base[idx]
        mu = ba + np.einsum("aj,ajn->an", th, Ca)
        safe = np.where(mu > 0, mu, 1.0)
        grad = 2.0 * np.einsum("ajn,an->aj", Ca, 1.0 - obs / safe) + 2.0 * pw * th
        H = 2.0 * np.einsum("ajn,akn,an->ajk", Ca, Ca, obs / safe**2) + 2.0 * np.diag(pw)
        H = H + ridge[idx, None, None] * eye
        step = -_solve(H, grad)
        decrement = -np.sum(grad * step, axis=-1)  # Newton decrement λ² (≥ 0)
        c0 = chi2[idx]
        # backtracking line search: largest t = 2^-s that is feasible and decreases χ² (Armijo)
        t = np.ones(idx.size)
        new_chi2 = np.full(idx.size, np.inf)
        pending = np.ones(idx.size, dtype=bool)
        for _s in range(_LINE_SEARCH_STEPS):
            p = np.nonzero(pending)[0]
            if p.size == 0:
                break
            cand = th[p] + t[p, None] * step[p]
            val = _poisson_objective(obs, ba[p], Ca[p], pw, cand)
            ok = val <= c0[p] - 1e-4 * t[p] * decrement[p] + 1e-12 * (1.0 + np.abs(c0[p]))
            new_chi2[p[ok]] = val[ok]
            pending[p[ok]] = False
            t[p[~ok]] *= 0.5
        moved = ~pending
        theta[idx[moved]] = th[moved] + t[moved, None] * step[moved]
        chi2[idx[moved]] = new_chi2[moved]
        active[idx[(decrement < _NEWTON_TOL) | pending]] = False
    return theta.reshape(*batch, m), chi2.reshape(batch)


def _poisson_minuit(obs: Array, base: Array, comps: list[Array], pw: Array) -> tuple[Array, Array]:
    from iminuit import Minuit

    batch = base.shape[:-1]
    m, n = len(comps), obs.size
    C = np.stack([np.broadcast_to(c, base.shape) for c in comps], axis=-2).reshape(-1, m, n)
    flat_base = base.reshape(-1, n)
    theta = np.zeros((flat_base.shape[0], m))
    chi2 = np.zeros(flat_base.shape[0])

    def make_fcn(Ca: Array, ba: Array):
        def fcn(x: Array) -> float:
            x = np.asarray(x)
            mu = ba + x @ Ca
            if np.any(mu < 0):
                return 1e300
            return float(_bc(obs, mu) + np.sum(pw * x**2))

        return fcn

    for a in range(flat_base.shape[0]):
        fcn = make_fcn(C[a], flat_base[a])
        start = fcn(np.zeros(m))
        if not np.isfinite(start):
            theta[a], chi2[a] = 0.0, np.inf
            continue
        fit = Minuit(fcn, np.zeros(m))
        fit.errordef = Minuit.LEAST_SQUARES
        fit.strategy = 2
        fit.tol = 1e-6
        fit.migrad()
        theta[a] = np.asarray(fit.values)
        chi2[a] = fit.fval
    return theta.reshape(*batch, m), chi2.reshape(batch)


def poisson_chi2_total(
    observed: ArrayLike,
    signal: ArrayLike,
    backgrounds: ArrayLike | Sequence[ArrayLike] | None = None,
    *,
    sigma_signal: float | None = 0.28,
    sigma_backgrounds: float | Sequence[float] | None = 0.25,
    method: str = "newton",
    return_nuisances: bool = False,
) -> Array | tuple[Array, Array]:
    """Single-bin (total-rate) version of :func:`poisson_chi2`: all bins summed first.

    Examples
    --------
    >>> round(float(poisson_chi2_total([3.0, 1.0], [2.0, 1.0], sigma_signal=None)), 6)
    0.301457
    """
    obs, sig, bkg, _ = _prepare(
        observed,
        signal,
        backgrounds,
        sigma_signal,
        sigma_backgrounds,
        allow_negative_observed=False,
    )
    return poisson_chi2(
        obs.sum(keepdims=True),
        sig.sum(axis=-1, keepdims=True),
        bkg.sum(axis=-1, keepdims=True) if bkg.shape[0] else None,
        sigma_signal=sigma_signal,
        sigma_backgrounds=sigma_backgrounds if bkg.shape[0] else None,
        method=method,
        return_nuisances=return_nuisances,
    )


def asimov_data(prediction: ArrayLike, background: ArrayLike = 0.0) -> Array:
    """Asimov data set: the expected counts themselves, N_obs = S + B (PHYSICS §8.3).

    ``background`` may be a number, an array of the prediction's shape, or a stack of components
    (n_components, n_bins), which is summed over its first axis.

    Examples
    --------
    >>> asimov_data([1.0, 2.0], [[0.5, 0.5], [1.0, 0.0]]).tolist()
    [2.5, 2.5]
    """
    pred = _counts(prediction, "prediction")
    bkg = to_float_array(background, "background")
    if np.any(np.isnan(bkg)) or np.any(np.isinf(bkg)):
        raise CevnsError("background must be finite (no NaN)")
    if np.any(bkg < 0):
        raise CevnsError("background must be ≥ 0 (counts)")
    if bkg.ndim == pred.ndim + 1:
        bkg = bkg.sum(axis=0)
    try:
        return pred + np.broadcast_to(bkg, pred.shape)
    except ValueError as exc:
        raise CevnsError(
            f"background of shape {np.shape(background)} does not match the prediction's "
            f"shape {pred.shape}"
        ) from exc


# ------------------------------------------------------------------------------ CL levels
def cl_from_sigma(n_sigma: float) -> float:
    """Two-sided Gaussian coverage of ±n σ: erf(n/√2) (1σ → 0.682689).

    Examples
    --------
    >>> round(cl_from_sigma(2.0), 6)
    0.9545
    """
    try:
        n = to_float(n_sigma, "n_sigma")
    except CevnsError as exc:
        raise CevnsError(f"n_sigma must be a number, got {shown(n_sigma)}") from exc
    if not n > 0 or math.isinf(n):
        raise CevnsError(f"n_sigma must be a finite number > 0, got {n_sigma!r}")
    return float(special.erf(n / math.sqrt(2.0)))


def _check_dof(dof: Any) -> int:
    try:
        return as_int(dof, "dof", minimum=1, maximum=MAX_DOF)
    except CevnsError:
        raise CevnsError(f"dof must be an integer in [1, {MAX_DOF}], got {shown(dof)}") from None


def _check_cl(cl: Any) -> float:
    try:
        c = to_float(cl, "cl")
    except CevnsError as exc:
        raise CevnsError(f"cl must be a number in (0, 1), got {shown(cl)}") from exc
    if not 0.0 < c < 1.0:
        raise CevnsError(
            f"cl must lie in (0, 1) (e.g. 0.9 for 90 % CL), got {shown(cl)}"
            + (" — did you mean a fraction, not a percentage?" if 1.0 < c < 100.0 else "")
        )
    return c


def delta_chi2_threshold(
    cl: float | None = None, dof: int = 1, *, sigma: float | None = None
) -> float:
    """Δχ² level for a confidence level and number of parameters (PHYSICS §8.2).

    Δχ² = ``scipy.stats.chi2.ppf(cl, dof)``. Give either ``cl`` in (0, 1) or ``sigma`` (n σ in
    (0, 37]: the level is chi2.isf(erfc(n/√2), dof), exact in the tail where the coverage
    erf(n/√2) rounds to 1).

    Raises
    ------
    CevnsError
        ``cl`` outside (0, 1), ``sigma`` outside (0, 37], ``dof`` not an integer in [1, 10⁶],
        both or neither of cl/sigma.

    Examples
    --------
    >>> round(delta_chi2_threshold(0.9), 3), round(delta_chi2_threshold(0.9, dof=2), 3)
    (2.706, 4.605)
    >>> round(delta_chi2_threshold(sigma=3, dof=3), 3)
    14.156
    """
    if (cl is None) == (sigma is None):
        raise CevnsError("give exactly one of cl (in (0, 1)) or sigma (number of σ)")
    if sigma is None:
        return float(stats.chi2.ppf(_check_cl(cl), _check_dof(dof)))
    cl_from_sigma(sigma)  # checks sigma
    n = float(sigma)
    if n > MAX_SIGMA:
        raise CevnsError(f"sigma must lie in (0, {MAX_SIGMA:g}] (number of σ), got {n:g}")
    return float(stats.chi2.isf(special.erfc(n / math.sqrt(2.0)), _check_dof(dof)))


def delta_chi2_table(dofs: Sequence[int] = (1, 2, 3)) -> list[dict[str, Any]]:
    """The Δχ² table of PHYSICS §8.2 (R34): rows 1σ, 90 %, 95 %, 2σ, 99 %, 3σ.

    Each row: ``{"label", "cl", "thresholds": {dof: Δχ²}}``; the σ rows use the exact coverage
    erf(n/√2).

    Examples
    --------
    >>> [round(r["thresholds"][2], 3) for r in delta_chi2_table()]
    [2.296, 4.605, 5.991, 6.18, 9.21, 11.829]
    """
    rows = [
        ("68.27 % (1σ)", CL_1SIGMA),
        ("90 %", 0.90),
        ("95 %", 0.95),
        ("95.45 % (2σ)", CL_2SIGMA),
        ("99 %", 0.99),
        ("99.73 % (3σ)", CL_3SIGMA),
    ]
    ks = [_check_dof(d) for d in dofs]
    return [
        {
            "label": label,
            "cl": cl,
            "thresholds": {k: float(stats.chi2.ppf(cl, k)) for k in ks},
        }
        for label, cl in rows
    ]


# ------------------------------------------------------------------------------ 1-D profiles
@dataclass(frozen=True)
class Interval:
    """An allowed interval [lo, hi]; ``lo_open``/``hi_open``: it continues past the scanned grid
    (the end is then the grid end, not a crossing)."""

    lo: float
    hi: float
    lo_open: bool = False
    hi_open: bool = False

    def __contains__(self, x: float) -> bool:
        return self.lo <= x <= self.hi

    def as_dict(self) -> dict[str, Any]:
        """Plain-Python view for JSON output."""
        return {"lo": self.lo, "hi": self.hi, "lo_open": self.lo_open, "hi_open": self.hi_open}


def _profile_arrays(grid: ArrayLike, chi2: ArrayLike) -> tuple[Array, Array]:
    x = to_float_array(grid, "grid")
    y = to_float_array(chi2, "chi2")
    if x.ndim != 1 or x.size < 2:
        raise CevnsError(f"grid must be 1-D with at least 2 points, got shape {x.shape}")
    if y.shape != x.shape:
        raise CevnsError(f"chi2 must have the grid's shape {x.shape}, got {y.shape}")
    if not np.all(np.isfinite(x)) or np.any(np.diff(x) <= 0):
        raise CevnsError("grid must be finite and strictly increasing")
    if np.any(np.isnan(y)) or np.any(y == -np.inf):
        raise CevnsError("chi2 contains NaN or -inf")
    if not np.any(np.isfinite(y)):
        raise CevnsError("chi2 is infinite at every grid point")
    return x, y


def best_fit(grid: ArrayLike, chi2: ArrayLike) -> tuple[float, float]:
    """Best-fit point and χ²_min of a profile on a grid.

    The grid minimum is refined with the parabola through it and its two neighbours (when it is
    interior); the vertex is kept inside the neighbouring grid points.

    Examples
    --------
    >>> x = np.linspace(0.0, 1.0, 11)
    >>> [round(v, 10) for v in best_fit(x, (x - 0.33) ** 2 / 0.01 + 2.0)]
    [0.33, 2.0]
    """
    x, y = _profile_arrays(grid, chi2)
    i = int(np.argmin(y))
    if 0 < i < x.size - 1 and np.all(np.isfinite(y[i - 1 : i + 2])):
        x0, x1, x2 = x[i - 1 : i + 2]
        y0, y1, y2 = y[i - 1 : i + 2]
        d01, d12 = (y1 - y0) / (x1 - x0), (y2 - y1) / (x2 - x1)
        a = (d12 - d01) / (x2 - x0)
        if a > 0:
            # vertex of the interpolating parabola y0 + d01 (x − x0) + a (x − x0)(x − x1)
            xv = float(np.clip(0.5 * (x0 + x1) - d01 / (2.0 * a), x0, x2))
            yv = y0 + d01 * (xv - x0) + a * (xv - x0) * (xv - x1)
            if yv <= y1:
                return xv, float(yv)
    return float(x[i]), float(y[i])


def _crossing(x: Array, d: Array, i: int, level: float) -> float:
    """x in [x_i, x_{i+1}] where the profile d crosses ``level`` (local quadratic, else linear)."""
    xa, xb, ya, yb = x[i], x[i + 1], d[i], d[i + 1]
    if not np.isfinite(yb):  # the outer point is infeasible: keep the last allowed point
        return float(xa)
    if not np.isfinite(ya):
        return float(xb)
    lin = xa + (level - ya) * (xb - xa) / (yb - ya)
    # third point for a quadratic: the neighbour on the side away from the crossing's low end
    j = i - 1 if i - 1 >= 0 else i + 2
    if j >= x.size or not np.isfinite(d[j]):
        return float(lin)
    pts = sorted([(x[j], d[j]), (xa, ya), (xb, yb)])
    (p0, q0), (p1, q1), (p2, q2) = pts
    c = np.polyfit([p0, p1, p2], [q0 - level, q1 - level, q2 - level], 2)
    roots = np.roots(c) if abs(c[0]) > 1e-300 else np.roots(c[1:])
    good = [
        float(r.real)
        for r in np.atleast_1d(roots)
        if abs(r.imag) < 1e-12 and xa - 1e-12 <= r.real <= xb + 1e-12
    ]
    if len(good) == 1:
        return good[0]
    return float(lin)


def _narrow_interval(x: Array, d: Array, level: float) -> Interval:
    """The allowed interval when no grid point lies within ``level``: it is narrower than the grid
    step, so it comes from the parabola through the lowest point and its two neighbours (its
    crossings of the level; the vertex alone when the parabola stays above it)."""
    i = int(np.argmin(d))
    if x.size >= 3:
        j = min(max(i, 1), x.size - 2)
        xs, ys = x[j - 1 : j + 2], d[j - 1 : j + 2]
        if np.all(np.isfinite(ys)):
            t = xs - xs[1]  # centred: no loss of precision for closely spaced grids
            a2, a1, a0 = np.polyfit(t, ys - level, 2)
            if a2 > 0:
                disc = a1 * a1 - 4.0 * a2 * a0
                if disc >= 0:
                    root = math.sqrt(disc)
                    r_lo = xs[1] + (-a1 - root) / (2.0 * a2)
                    r_hi = xs[1] + (-a1 + root) / (2.0 * a2)
                    lo, hi = max(r_lo, x[0]), min(r_hi, x[-1])
                    if lo <= hi:
                        return Interval(
                            float(lo), float(hi), lo_open=r_lo < x[0], hi_open=r_hi > x[-1]
                        )
                vertex = float(np.clip(xs[1] - a1 / (2.0 * a2), xs[0], xs[2]))
                return Interval(vertex, vertex)
    return Interval(float(x[i]), float(x[i]))


def confidence_intervals(
    grid: ArrayLike,
    chi2: ArrayLike,
    *,
    cl: float = 0.9,
    dof: int = 1,
    threshold: float | None = None,
    chi2_min: float | None = None,
) -> list[Interval]:
    """Allowed intervals {x: Δχ²(x) ≤ threshold} of a 1-D profile on a grid.

    Δχ² is measured from ``chi2_min`` (default: the refined minimum of :func:`best_fit`). Each
    end is the crossing of the threshold, interpolated with the local parabola through three grid
    points (linear when that fails); several disjoint intervals are returned in order. An interval
    that reaches the end of the grid is flagged open there. The result is never empty: an
    interval narrower than the grid step (no grid point within the threshold) is taken from the
    parabola through the lowest grid point and its neighbours.

    Parameters
    ----------
    grid : array_like
        Strictly increasing parameter values.
    chi2 : array_like
        χ² at the grid points (``inf`` allowed, NaN not).
    cl, dof : float, int
        Confidence level and degrees of freedom of the threshold (ignored if ``threshold``).
    threshold : float, optional
        Explicit Δχ² level.

    Examples
    --------
    >>> x = np.linspace(-3.0, 3.0, 61)
    >>> iv = confidence_intervals(x, x**2, cl=CL_1SIGMA)
    >>> round(iv[0].lo, 4), round(iv[0].hi, 4)
    (-1.0, 1.0)
    >>> [(round(i.lo, 2), round(i.hi, 2)) for i in confidence_intervals(
    ...     x, (x**2 - 4.0) ** 2 / 4.0, threshold=1.0)]
    [(-2.45, -1.41), (1.41, 2.45)]
    >>> coarse = np.linspace(0.0, 1.0, 11)  # an interval of width 0.02 on a 0.1 grid
    >>> iv = confidence_intervals(coarse, (coarse - 0.33) ** 2 / 0.01**2, threshold=1.0)
    >>> [(round(i.lo, 4), round(i.hi, 4)) for i in iv]
    [(0.32, 0.34)]
    """
    x, y = _profile_arrays(grid, chi2)
    if threshold is None:
        level = delta_chi2_threshold(cl, dof)
    else:
        level = as_float(threshold, "threshold", minimum=0.0, inclusive=False)
    y_min = best_fit(x, y)[1] if chi2_min is None else as_float(chi2_min, "chi2_min")
    d = y - y_min
    inside = d <= level
    out: list[Interval] = []
    i = 0
    while i < x.size:
        if not inside[i]:
            i += 1
            continue
        start = i
        while i + 1 < x.size and inside[i + 1]:
            i += 1
        stop = i
        lo = float(x[0]) if start == 0 else _crossing(x, d, start - 1, level)
        hi = float(x[-1]) if stop == x.size - 1 else _crossing(x, d, stop, level)
        out.append(Interval(lo, hi, lo_open=start == 0, hi_open=stop == x.size - 1))
        i += 1
    if not out:
        out.append(_narrow_interval(x, d, level))
    return out


def upper_limit(
    grid: ArrayLike,
    chi2: ArrayLike,
    *,
    cl: float = 0.9,
    one_sided: bool = False,
    chi2_min: float | None = None,
) -> float:
    """Upper limit: the largest x with Δχ²(x) ≤ threshold (``math.inf`` if past the grid end).

    ``one_sided=False`` uses the two-sided 1-dof level chi2.ppf(cl, 1) (2.706 at 90 %, as in
    PKK Table II); ``one_sided=True`` uses the one-sided Gaussian quantile z²_cl =
    chi2.ppf(2 cl − 1, 1) (1.642 at 90 %), for a parameter whose best fit sits at a physical
    boundary.

    Examples
    --------
    >>> x = np.linspace(0.0, 5.0, 51)
    >>> round(upper_limit(x, x**2, cl=0.9), 4), round(upper_limit(x, x**2, one_sided=True), 4)
    (1.6449, 1.2816)
    """
    c = _check_cl(cl)
    level = float(stats.chi2.ppf(2.0 * c - 1.0, 1)) if one_sided else float(stats.chi2.ppf(c, 1))
    if one_sided and c <= 0.5:
        raise CevnsError("a one-sided limit needs cl > 0.5")
    intervals = confidence_intervals(grid, chi2, threshold=level, chi2_min=chi2_min)
    if not intervals:  # a level below the grid's resolution (cl → 0): the best fit itself
        return best_fit(grid, chi2)[0]
    last = intervals[-1]
    return math.inf if last.hi_open else last.hi


@dataclass(frozen=True)
class Profile1D:
    """A 1-D χ² profile on a grid (nuisances already profiled) and what follows from it.

    Attributes
    ----------
    parameter : str
        Name of the scanned parameter (with its unit).
    grid : ndarray
        Parameter values.
    chi2 : ndarray
        Profiled χ² at the grid points.
    nuisances : ndarray or None
        Profiled nuisances at each grid point, shape (n_grid, n_nuisances).
    info : dict
        Free-form description (dataset, statistic, nuisance names, ...).

    Examples
    --------
    >>> x = np.linspace(0.0, 2.0, 41)
    >>> p = Profile1D("x", x, (x - 1.0) ** 2 / 0.04)
    >>> [round(v, 4) for v in p.errors(CL_1SIGMA)]
    [1.0, 0.2, 0.2]
    """

    parameter: str
    grid: Array
    chi2: Array
    nuisances: Array | None = None
    info: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        x, y = _profile_arrays(self.grid, self.chi2)
        object.__setattr__(self, "grid", x)
        object.__setattr__(self, "chi2", y)

    @property
    def best_fit(self) -> float:
        """Parameter value at the (refined) χ² minimum."""
        return best_fit(self.grid, self.chi2)[0]

    @property
    def chi2_min(self) -> float:
        """The (refined) χ² minimum."""
        return best_fit(self.grid, self.chi2)[1]

    @property
    def delta_chi2(self) -> Array:
        """Δχ² = χ² − χ²_min at the grid points."""
        return self.chi2 - self.chi2_min

    def intervals(self, cl: float = 0.9, dof: int = 1) -> list[Interval]:
        """All allowed intervals at ``cl`` (:func:`confidence_intervals`)."""
        return confidence_intervals(self.grid, self.chi2, cl=cl, dof=dof)

    def interval(self, cl: float = 0.9, dof: int = 1) -> Interval:
        """The allowed interval that contains the best fit."""
        best = self.best_fit
        pieces = self.intervals(cl, dof)
        if not pieces:  # a level below the grid's resolution (cl → 0): the best fit itself
            return Interval(best, best)
        for iv in pieces:
            if iv.lo <= best <= iv.hi:
                return iv
        return min(pieces, key=lambda iv: min(abs(iv.lo - best), abs(iv.hi - best)))

    def errors(self, cl: float = 0.9, dof: int = 1) -> tuple[float, float, float]:
        """(best fit, minus error, plus error) from :meth:`interval` (open ends: ``inf``)."""
        best = self.best_fit
        iv = self.interval(cl, dof)
        minus = math.inf if iv.lo_open else best - iv.lo
        plus = math.inf if iv.hi_open else iv.hi - best
        return best, minus, plus

    def upper_limit(self, cl: float = 0.9, *, one_sided: bool = False) -> float:
        """See :func:`upper_limit`."""
        return upper_limit(self.grid, self.chi2, cl=cl, one_sided=one_sided)

    def as_dict(self) -> dict[str, Any]:
        """Plain-Python view for JSON output (grid, χ², Δχ², best fit, 1σ and 90 % intervals)."""
        return {
            "parameter": self.parameter,
            "grid": self.grid.tolist(),
            "chi2": self.chi2.tolist(),
            "delta_chi2": self.delta_chi2.tolist(),
            "best_fit": self.best_fit,
            "chi2_min": self.chi2_min,
            "intervals_1sigma": [iv.as_dict() for iv in self.intervals(CL_1SIGMA)],
            "intervals_90": [iv.as_dict() for iv in self.intervals(0.9)],
            "info": self.info,
        }
