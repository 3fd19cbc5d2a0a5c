"""Confidence levels: Δχ² thresholds for a CL and number of parameters, the R34 table
(PHYSICS.md §8.2).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from scipy import special, stats

from .._validation import as_int, shown, to_float
from ..errors import CevnsError
from ._constants import CL_1SIGMA, CL_2SIGMA, CL_3SIGMA
from .nuisances import MAX_DOF, MAX_SIGMA

__all__ = ["cl_from_sigma", "delta_chi2_table", "delta_chi2_threshold"]


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
