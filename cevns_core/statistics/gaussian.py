"""Gaussian χ² with analytically profiled nuisances (PHYSICS.md §8.1; COHERENT 2017,
Papoulias & Kosmas 2018).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from ..errors import CevnsError
from ._constants import Array
from .nuisances import (
    MIN_VARIANCE,
    _components,
    _counts,
    _expand,
    _penalty_weights,
    _prepare,
    _solve,
)

__all__ = ["coherent_variance", "gaussian_chi2", "gaussian_chi2_total"]


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
    >>> import math
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
