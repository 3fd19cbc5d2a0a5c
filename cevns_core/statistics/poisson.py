"""Poisson (Baker–Cousins) χ² with nuisances profiled by a vectorised Newton iteration or
iminuit (PHYSICS.md §8.1), and Asimov data (§8.3).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from .._validation import to_float_array
from ..errors import CevnsError
from ._constants import _LINE_SEARCH_STEPS, _NEWTON_MAX_ITER, _NEWTON_TOL, Array
from .nuisances import _components, _counts, _expand, _penalty_weights, _prepare, _solve

__all__ = ["asimov_data", "baker_cousins", "poisson_chi2", "poisson_chi2_total"]


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
    >>> import math
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
