"""Counts, uncertainties and the nuisance algebra shared by the Gaussian and Poisson χ²
(PHYSICS.md §8.1): input checks, nuisance components, penalty weights, batched solves.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .._validation import shown, to_float, to_float_array
from ..errors import CevnsError
from ._constants import Array

__all__: list[str] = []

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
