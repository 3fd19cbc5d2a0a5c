"""Timing acceptance: a timing efficiency ε_t(t) and the fraction of events a window accepts.

:class:`TimingEfficiency` (CsI 2021: 1 for t < 0.52 μs, e^(−0.0494 (t − 0.52)) after; the numbers
are quoted from the supplemental PDF by third-party code and are to be verified) and
:func:`timing_fraction`, f = ∫_window p(t) ε_t(t) dt / ∫_support p(t) dt.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import numpy as np
import param
from numpy.typing import ArrayLike
from scipy import integrate

from .._validation import as_array
from ..errors import CevnsError
from .base import Array, _Model

__all__ = ["TimingEfficiency", "timing_fraction"]


class TimingEfficiency(_Model):
    """Timing efficiency ε_t(t): 1 for t < t₀, e^(−λ(t − t₀)) after (t in μs).

    COHERENT CsI[Na] 2021 (supplemental material of arXiv:2110.07730 as quoted by third-party
    implementations, **to be verified**): t₀ = 0.52 μs, λ = 0.0494 μs⁻¹.

    Examples
    --------
    >>> te = TimingEfficiency()
    >>> [round(v, 5) for v in te([0.3, 1.52]).tolist()]
    [1.0, 0.9518]
    """

    model_name: ClassVar[str] = "timing"

    t0_us = param.Number(
        0.52,
        bounds=(-1e6, 1e6),
        softbounds=(0.0, 2.0),
        doc="Onset t₀ of the decay in μs.",
    )
    decay_per_us = param.Number(
        0.0494, bounds=(0.0, 1e3), softbounds=(0.0, 0.5), doc="Decay constant λ in μs⁻¹."
    )

    def __call__(self, t_us: ArrayLike) -> Array:
        """ε_t at times ``t_us`` (μs, any shape)."""
        t = as_array(t_us, "t_us")
        # exp of −λ·max(t − t₀, 0): never overflows for t ≪ t₀ (where ε_t = 1 anyway)
        return np.exp(-self.decay_per_us * np.maximum(t - self.t0_us, 0.0))

    def breakpoints_us(self) -> tuple[float, ...]:
        """Kinks of ε_t (for quadrature)."""
        return (float(self.t0_us),)


def timing_fraction(
    pdf: Callable[[Array], ArrayLike] | tuple[ArrayLike, ArrayLike],
    window_us: tuple[float, float] | None = None,
    *,
    efficiency: Callable[[Array], ArrayLike] | None = None,
    support_us: tuple[float, float] | None = None,
) -> float:
    """Fraction of events with arrival-time PDF ``pdf`` accepted by a window and a time efficiency.

    f = ∫_window p(t) ε_t(t) dt / ∫_support p(t) dt.

    Parameters
    ----------
    pdf : callable or (t_us, probability) arrays
        A vectorised density p(t) with t in μs, or a binned PDF: bin centres and probabilities
        (a bin counts when t_min ≤ centre < t_max; the denominator is the sum of all bins).
    window_us : (t_min, t_max), optional
        Accepted window in μs (``None``: no cut; then ``support_us`` is required for a callable).
    efficiency : callable, optional
        ε_t(t), e.g. :class:`TimingEfficiency`.
    support_us : (t_lo, t_hi), optional
        Where a callable PDF lives (may be infinite); the result is normalised by its integral
        there. ``None``: the PDF is taken as normalised (denominator 1).

    Returns
    -------
    float
        Accepted fraction.

    Examples
    --------
    >>> tau = 2.2
    >>> f = timing_fraction(lambda t: np.exp(-t / tau) / tau, (1.0, 3.0))
    >>> round(f, 6) == round(math.exp(-1 / tau) - math.exp(-3 / tau), 6)
    True
    """
    eff = efficiency if efficiency is not None else (lambda t: np.ones_like(t))
    window = _window(window_us) if window_us is not None else None
    if isinstance(pdf, tuple | list):
        if len(pdf) != 2:
            raise CevnsError("a binned time PDF must be a pair (t_us, probability)")
        t = as_array(pdf[0], "t_us")
        p = as_array(pdf[1], "probability", minimum=0.0)
        if t.ndim != 1 or t.shape != p.shape or p.sum() <= 0:
            raise CevnsError("a binned time PDF needs 1-D t_us and probabilities of equal length")
        keep = np.ones_like(t, dtype=bool) if window is None else (t >= window[0]) & (t < window[1])
        w = np.asarray(eff(t), dtype=float)
        return float(np.sum(p * w * keep) / p.sum())
    if not callable(pdf):
        raise CevnsError(f"pdf must be a callable p(t_us) or a pair of arrays, got {pdf!r}")
    if window is None and support_us is None:
        raise CevnsError("give window_us or support_us for a callable time PDF")
    support = _window(support_us, allow_infinite=True) if support_us is not None else None
    lo, hi = window if window is not None else support
    if support is not None:
        lo, hi = max(lo, support[0]), min(hi, support[1])
    kinks = tuple(getattr(efficiency, "breakpoints_us", lambda: ())())

    def integrand(t: float) -> float:
        arr = np.array([t])
        return float(np.asarray(pdf(arr), dtype=float).ravel()[0] * np.asarray(eff(arr)).ravel()[0])

    accepted = _quad(integrand, lo, hi, kinks) if hi > lo else 0.0
    if support is None:
        return accepted
    total = _quad(
        lambda t: float(np.asarray(pdf(np.array([t])), dtype=float).ravel()[0]), *support, ()
    )
    if total <= 0:
        raise CevnsError("the time PDF integrates to zero over support_us")
    return accepted / total


def _window(value: Any, *, allow_infinite: bool = False) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError) as exc:
        raise CevnsError(
            f"a time window must be a pair (t_min, t_max) in μs, got {value!r}"
        ) from exc
    if math.isnan(lo) or math.isnan(hi) or (not allow_infinite and not math.isfinite(lo + hi)):
        raise CevnsError(f"a time window must be finite numbers, got {value!r}")
    if hi <= lo:
        raise CevnsError(f"a time window needs t_min < t_max, got ({lo:g}, {hi:g})")
    return lo, hi


def _quad(f: Callable[[float], float], lo: float, hi: float, kinks: Sequence[float]) -> float:
    cuts = [lo, *sorted(k for k in kinks if lo < k < hi), hi]
    total = 0.0
    for a, b in itertools.pairwise(cuts):
        value, _ = integrate.quad(f, a, b, limit=200, epsabs=1e-13, epsrel=1e-10)
        total += value
    return total
