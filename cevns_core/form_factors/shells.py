"""Shell-model occupations and the exact harmonic-oscillator coefficients (PHYSICS.md §4.4).

Single-particle levels n l_j are filled in the order of PKK Table III (then the standard
spin-orbit order up to 184 nucleons), the last one partially; the coefficients f_λ of the density
and θ_λ of the form factor of PKK Eqs. (A25)–(A28) are computed in exact rational arithmetic and
cached. :mod:`.harmonic_oscillator` turns them into ρ(r) and F(q).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from fractions import Fraction
from functools import cache, lru_cache
from typing import Any, NamedTuple

import numpy as np

from .._validation import as_float
from ..errors import CevnsError
from .numerics import FloatArray

__all__ = [
    "DEFAULT_SHELL_ORDER",
    "ShellLevel",
    "ho_c_coefficient",
    "ho_coefficients",
    "ho_lambda_coefficient",
    "shell_occupations",
]


class ShellLevel(NamedTuple):
    """One single-particle level n l_j and its occupation w (2j+1 when full; may be fractional)."""

    n: int
    l: int  # noqa: E741 — the orbital quantum number is called l in every source
    j: Fraction
    occupation: Fraction

    @property
    def capacity(self) -> int:
        """2j + 1."""
        return int(2 * self.j + 1)

    @property
    def label(self) -> str:
        """Spectroscopic label, e.g. ``"0g9/2"``."""
        return f"{self.n}{'spdfghijklm'[self.l]}{self.j.numerator}/{self.j.denominator}"


def _levels(spec: str) -> tuple[tuple[int, int, Fraction], ...]:
    letters = "spdfghijklm"
    out = []
    for item in spec.split():
        out.append((int(item[0]), letters.index(item[1]), Fraction(item[2:])))
    return tuple(out)


#: Default filling order: PKK Table III for the first 50 nucleons (including its non-standard
#: 0d3/2 before 1s1/2 and 1p1/2 before 0f7/2), continued with the standard spin-orbit ordering
#: up to 184 nucleons.  Items are (n, l, j).
DEFAULT_SHELL_ORDER: tuple[tuple[int, int, Fraction], ...] = _levels(
    "0s1/2 0p3/2 0p1/2 0d5/2 0d3/2 1s1/2 1p1/2 0f7/2 1p3/2 0f5/2 0g9/2"
    " 0g7/2 1d5/2 1d3/2 2s1/2 0h11/2 0h9/2 1f7/2 1f5/2 2p3/2 2p1/2 0i13/2"
    " 1g9/2 0i11/2 0j15/2 2d5/2 3s1/2 1g7/2 2d3/2"
)


def _fraction(value: Any, name: str) -> Fraction:
    if isinstance(value, bool):
        raise CevnsError(f"{name} must be a number, got {value!r}")
    if isinstance(value, Fraction | int):
        return Fraction(value)
    if isinstance(value, float | np.floating):
        if not math.isfinite(value):
            raise CevnsError(f"{name} must be finite, got {value!r}")
        return Fraction(str(float(value)))  # decimal reading: 0.1 -> 1/10
    if isinstance(value, str | np.integer):
        try:
            return Fraction(str(value))
        except ValueError as exc:
            raise CevnsError(f"{name} must be a number such as '3/2', got {value!r}") from exc
    raise CevnsError(f"{name} must be a number, got {value!r}")


def _level_key(n: Any, l: Any, j: Any) -> tuple[int, int, Fraction]:  # noqa: E741
    nf, lf, jf = _fraction(n, "n"), _fraction(l, "l"), _fraction(j, "j")
    if nf.denominator != 1 or nf < 0:
        raise CevnsError(f"radial quantum number n must be an integer ≥ 0, got {n!r}")
    if lf.denominator != 1 or lf < 0:
        raise CevnsError(f"orbital quantum number l must be an integer ≥ 0, got {l!r}")
    if jf <= 0 or abs(jf - lf) != Fraction(1, 2):
        raise CevnsError(f"j must be l ± 1/2 (> 0) for l = {int(lf)}, got j = {j!r}")
    return int(nf), int(lf), jf


def shell_occupations(
    n_nucleons: int, order: Iterable[Sequence[Any]] | None = None
) -> list[ShellLevel]:
    """Fill single-particle levels in order, the last one partially (PKK Table III ordering).

    Parameters
    ----------
    n_nucleons : int
        Number of protons (Z) or neutrons (N) to place, ≥ 1.
    order : iterable of (n, l, j), optional
        Filling order; ``j`` may be a Fraction, a float or a string like ``"3/2"``. Default
        :data:`DEFAULT_SHELL_ORDER` (PKK Table III up to 50, then the standard order up to 184).

    Returns
    -------
    list of ShellLevel
        The occupied levels with occupations (2j+1 except possibly the last).

    Raises
    ------
    CevnsError
        If ``n_nucleons`` exceeds the capacity of ``order``.

    Examples
    --------
    >>> [lev.label for lev in shell_occupations(22)][-2:]
    ['1s1/2', '1p1/2']
    """
    count = as_float(n_nucleons, "n_nucleons", minimum=1.0)
    if count != int(count):
        raise CevnsError(f"n_nucleons must be an integer ≥ 1, got {n_nucleons!r}")
    left = int(count)
    levels = DEFAULT_SHELL_ORDER if order is None else [_level_key(*item) for item in order]
    out: list[ShellLevel] = []
    for n, l, j in levels:  # noqa: E741
        if left == 0:
            break
        capacity = int(2 * j + 1)
        take = min(capacity, left)
        out.append(ShellLevel(n, l, j, Fraction(take)))
        left -= take
    if left:
        capacity = sum(int(2 * j + 1) for _, _, j in levels)
        raise CevnsError(
            f"n_nucleons = {int(count)} exceeds the capacity {capacity} of the filling order; "
            "pass a longer order"
        )
    return out


@lru_cache(maxsize=256)
def _default_levels(count: int) -> tuple[ShellLevel, ...]:
    return tuple(shell_occupations(count))


def _normalise_occupations(occupations: Any) -> tuple[ShellLevel, ...]:
    """Validate a user list of (n, l, j, occupation) (or a nucleon count) as ShellLevels."""
    if isinstance(occupations, int | np.integer) and not isinstance(occupations, bool):
        return tuple(shell_occupations(int(occupations)))
    try:
        items = list(occupations)
    except TypeError as exc:
        raise CevnsError(
            "occupations must be a nucleon count or a list of (n, l, j, occupation), "
            f"got {occupations!r}"
        ) from exc
    out: list[ShellLevel] = []
    seen: set[tuple[int, int, Fraction]] = set()
    for item in items:
        try:
            n, l, j, w = item  # noqa: E741
        except (TypeError, ValueError) as exc:
            raise CevnsError(
                f"each occupation must be (n, l, j, occupation), got {item!r}"
            ) from exc
        key = _level_key(n, l, j)
        if key in seen:
            raise CevnsError(f"level {ShellLevel(*key, Fraction(0)).label} is listed twice")
        seen.add(key)
        wf = _fraction(w, "occupation")
        if not 0 <= wf <= 2 * key[2] + 1:
            raise CevnsError(
                f"occupation of {ShellLevel(*key, wf).label} must lie in "
                f"[0, {int(2 * key[2] + 1)}], got {w!r}"
            )
        out.append(ShellLevel(*key, wf))
    if not out or sum(level.occupation for level in out) <= 0:
        raise CevnsError("occupations must place at least one nucleon")
    return tuple(out)


def _gen_binom(alpha: Fraction, m: int) -> Fraction:
    """Generalised binomial coefficient (alpha over m) for integer m (0 for m < 0)."""
    if m < 0:
        return Fraction(0)
    out = Fraction(1)
    for i in range(m):
        out = out * (alpha - i) / (i + 1)
    return out


@cache
def ho_lambda_coefficient(k: int, n: int, l: int) -> Fraction:  # noqa: E741
    """Λ_k(n, l) = (−1)^k/k! · binom(n + l + 1/2, n − k) (PKK Eq. (A26)), exact.

    Zero for k < 0 or k > n.

    Examples
    --------
    >>> ho_lambda_coefficient(1, 1, 0)
    Fraction(-1, 1)
    """
    if k < 0:
        return Fraction(0)
    return Fraction((-1) ** k, math.factorial(k)) * _gen_binom(Fraction(2 * (n + l) + 1, 2), n - k)


@cache
def ho_c_coefficient(m: int, n: int, l: int) -> Fraction:  # noqa: E741
    """C^m_{nl} = Σ_{k=0}^{m} Λ_{m−k}(n,l) Λ_k(n,l) (PKK Eq. (A27)); 0 for m < 0 or m > 2n."""
    if m < 0 or m > 2 * n:
        return Fraction(0)
    return sum(
        (ho_lambda_coefficient(m - k, n, l) * ho_lambda_coefficient(k, n, l) for k in range(m + 1)),
        Fraction(0),
    )


def _sqrt_pi_over_2gamma(n: int, l: int) -> Fraction:  # noqa: E741
    # √π / (2Γ(n+l+3/2)) with Γ(K+1/2) = √π (2K)!/(4^K K!), K = n+l+1: the √π cancels exactly.
    K = n + l + 1
    return Fraction(4**K * math.factorial(K), 2 * math.factorial(2 * K))


@lru_cache(maxsize=256)
def _ho_coefficients(levels: tuple[ShellLevel, ...]) -> tuple[tuple[Fraction, ...], ...]:
    occupied = [lev for lev in levels if lev.occupation > 0]
    n_max = max(2 * lev.n + lev.l for lev in occupied)
    f = []
    theta = []
    for lam in range(n_max + 1):
        # PKK Eq. (A25); the printed condition "2n+l > λ" must read "2n+l ≥ λ" (PHYSICS §4.4).
        contributing = [lev for lev in occupied if 2 * lev.n + lev.l >= lam]
        f.append(
            sum(
                (
                    lev.occupation
                    * math.factorial(lev.n)
                    * ho_c_coefficient(lam - lev.l, lev.n, lev.l)
                    * _sqrt_pi_over_2gamma(lev.n, lev.l)
                    for lev in contributing
                ),
                Fraction(0),
            )
        )
        # PKK Eq. (A28), m from s = max(0, λ − l) to 2n.
        total = Fraction(0)
        for lev in contributing:
            inner = sum(
                (
                    ho_c_coefficient(m, lev.n, lev.l)
                    * ho_lambda_coefficient(lam, m + lev.l, 0)
                    * math.factorial(lev.l + m)
                    for m in range(max(0, lam - lev.l), 2 * lev.n + 1)
                ),
                Fraction(0),
            )
            total += (
                lev.occupation * math.factorial(lev.n) * inner * _sqrt_pi_over_2gamma(lev.n, lev.l)
            )
        theta.append(total / 4**lam)
    return tuple(f), tuple(theta)


def ho_coefficients(occupations: Any) -> tuple[list[Fraction], list[Fraction]]:
    """Exact harmonic-oscillator coefficients f_λ and θ_λ (PKK Eqs. (A25)–(A28), Table III).

    ρ(r) ∝ e^{−(r/b)²} Σ_λ f_λ (r/b)^{2λ} (normalised to the nucleon number) and
    F(q) = e^{−(qb)²/4} Σ_λ θ_λ (qb)^{2λ} / (nucleon number), λ = 0 … N_max = max(2n + l).

    Parameters
    ----------
    occupations : int or iterable of (n, l, j, occupation)
        A nucleon count (filled with :func:`shell_occupations`) or explicit levels.

    Returns
    -------
    (list of Fraction, list of Fraction)
        (f_λ, θ_λ), λ = 0 … N_max. θ₀ equals the nucleon number.

    Examples
    --------
    >>> f, theta = ho_coefficients(22)
    >>> str(theta[2])
    '13/30'
    """
    f, theta = _ho_coefficients(_normalise_occupations(occupations))
    return list(f), list(theta)


@lru_cache(maxsize=256)
def _ho_arrays(levels: tuple[ShellLevel, ...]) -> tuple[FloatArray, FloatArray, Fraction]:
    f, theta = _ho_coefficients(levels)
    total = sum(lev.occupation for lev in levels)
    return (
        np.array([float(x / total) for x in f]),
        np.array([float(x / total) for x in theta]),
        total,
    )


@lru_cache(maxsize=256)
def _ho_moment_ratio(levels: tuple[ShellLevel, ...], k: int) -> Fraction:
    """⟨r^{2k}⟩/b^{2k} exactly: Σ_λ f_λ (2λ+2k+1)!!/2^{λ+k} / (nucleon number)."""
    f, _ = _ho_coefficients(levels)
    total = sum(lev.occupation for lev in levels)

    def double_factorial(m: int) -> int:
        return math.prod(range(m, 0, -2))

    return (
        sum(
            (
                fl * Fraction(double_factorial(2 * lam + 2 * k + 1), 2 ** (lam + k))
                for lam, fl in enumerate(f)
            ),
            Fraction(0),
        )
        / total
    )
