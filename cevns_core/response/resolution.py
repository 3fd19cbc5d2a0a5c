"""Energy resolutions: the distribution of the observed value x for a recoil of mean value μ.

PHYSICS.md §6.4:

* ``"gaussian"`` — σ(E) = √(σ₀² + F ε_pair E + a² E + c² E²) in the observable's unit (keV for
  energies; ε_pair is given in eV). Ge: F ≈ 0.11, ε_pair = 2.96 eV; LAr 2020: a = 0.58 √keVee
  (σ/E = 0.58/√E); or a user callable σ(E);
* ``"poisson"`` — photo-electron counting, P(n | μ) with μ = LY·T_ee (PE observable only);
* ``"gamma"`` — COHERENT CsI[Na] 2021 PE smearing. The release's parameters a = 0.0749/E_ee and
  b = 9.56·E_ee (E_ee in keVee) enter P(x) = (a(1+b))^(1+b)/Γ(1+b) · x^b · e^(−a(1+b)x): a Gamma
  distribution of shape k = 1 + b and rate a(1 + b), so mean = 1/a = E_ee/0.0749 = 13.35·E_ee PE
  and variance = mean²/k. This package writes it with the detector's light yield: mean
  μ = LY·E_ee (LY = 13.35 = 1/0.0749 to 10⁻⁴), shape k = 1 + b₁·E_ee with b₁ = 9.56 keVee⁻¹.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np
import param
from numpy.typing import ArrayLike
from scipy import special, stats

from ..errors import CevnsError
from .base import OBSERVABLES, Array, _Model

__all__ = ["GammaResolution", "GaussianResolution", "PoissonResolution", "ResolutionModel"]


class ResolutionModel(_Model):
    """Base class: the distribution of the observed value x for a recoil of mean value μ.

    ``mean`` is in the observable's unit; ``Tee`` (keVee) is passed for models whose shape
    depends on the electron-equivalent energy (Gamma).
    """

    #: Observables the model applies to.
    observables: ClassVar[tuple[str, ...]] = OBSERVABLES
    #: True for integer outcomes (photo-electron counts).
    discrete: ClassVar[bool] = False

    def cdf(self, x: Array, mean: Array, Tee: Array) -> Array:
        """P(X < x) (broadcast); for a continuous distribution the same as P(X ≤ x).

        A degenerate distribution (σ = 0, μ = 0) is a step that is 0 at x = μ, so that the
        interval [lo, hi) holding μ receives it, as in the deterministic case. Discrete models
        return P(X ≤ floor(x)) and are evaluated at integers by the bin code.
        """
        raise TypeError(f"{type(self).__name__} is abstract: a model subclass defines this method")

    def pdf(self, x: Array, mean: Array, Tee: Array) -> Array:
        """Density (probability mass for discrete models) at x (broadcast)."""
        raise TypeError(f"{type(self).__name__} is abstract: a model subclass defines this method")

    def variance(self, mean: ArrayLike, Tee: ArrayLike | None = None) -> Array:
        """Variance of the observed value (observable unit squared)."""
        raise TypeError(f"{type(self).__name__} is abstract: a model subclass defines this method")


class GaussianResolution(ResolutionModel):
    """Gaussian smearing with σ(E) = √(σ₀² + F ε_pair E + a² E + c² E²) (PHYSICS.md §6.4).

    E and σ are in the observable's unit (keV for energies); ε_pair is given in eV and converted
    to keV, so the Fano term is meant for energy observables. LAr 2020 (arXiv:2006.12659):
    σ/E = 0.58/√E[keVee] is ``stochastic=0.58``. A callable ``sigma_function(E)`` replaces the
    formula. At σ = 0 the distribution is a step (CDF) and has no density.

    Examples
    --------
    >>> ge = GaussianResolution(sigma0=0.05, fano=0.11, pair_energy_eV=2.96)
    >>> round(float(ge.sigma(1.0)), 5)
    0.05316
    """

    model_name: ClassVar[str] = "gaussian"

    sigma0 = param.Number(
        0.0,
        bounds=(0.0, 1e6),
        softbounds=(0.0, 1.0),
        doc="Noise term σ₀ (observable's unit).",
        label="Noise σ₀",
        metadata={"unit": ""},
    )
    fano = param.Number(
        0.0,
        bounds=(0.0, 100.0),
        softbounds=(0.0, 0.5),
        doc="Fano factor F.",
        label="Fano factor F",
        metadata={"unit": ""},
    )
    pair_energy_eV = param.Number(
        2.96,
        bounds=(0.0, 1e4),
        inclusive_bounds=(False, True),
        softbounds=(1.0, 30.0),
        doc="Mean energy per charge pair ε_pair in eV (Ge 2.96).",
        label="Energy per charge pair",
        metadata={"unit": "eV"},
    )
    stochastic = param.Number(
        0.0,
        bounds=(0.0, 1e3),
        softbounds=(0.0, 2.0),
        doc="Stochastic term a: σ² += a² E (LAr 2020: 0.58 √keVee, i.e. σ/E = 0.58/√E).",
        label="Stochastic term a",
        metadata={"unit": ""},
    )
    linear = param.Number(
        0.0,
        bounds=(0.0, 10.0),
        softbounds=(0.0, 0.2),
        doc="Constant term c: σ² += c² E².",
        label="Constant term c",
        metadata={"unit": ""},
    )
    sigma_function = param.Callable(
        None, allow_None=True, doc="Optional vectorised σ(E); replaces the formula."
    )

    def sigma(self, E: ArrayLike) -> Array:
        """σ at mean observable value(s) ``E`` (negative E treated as 0)."""
        E = np.maximum(np.asarray(E, dtype=float), 0.0)
        if self.sigma_function is not None:
            try:
                s = np.broadcast_to(np.asarray(self.sigma_function(E), dtype=float), E.shape)
            except Exception as exc:
                raise CevnsError(f"sigma_function failed: {exc}") from exc
            if not np.all(np.isfinite(s)) or np.any(s < 0):
                raise CevnsError("sigma_function must return finite, non-negative values")
            return s
        var = (
            self.sigma0**2
            + self.fano * self.pair_energy_eV * 1e-3 * E
            + self.stochastic**2 * E
            + self.linear**2 * E**2
        )
        return np.sqrt(var)

    def cdf(self, x: Array, mean: Array, Tee: Array) -> Array:
        s = self.sigma(mean)
        positive = s > 0
        if positive.all():  # the usual case: no degenerate step to blend in
            return special.ndtr((x - mean) / s)
        safe = np.where(positive, s, 1.0)
        return np.where(positive, special.ndtr((x - mean) / safe), (x > mean).astype(float))

    def pdf(self, x: Array, mean: Array, Tee: Array) -> Array:
        s = self.sigma(mean)
        safe = np.where(s > 0, s, 1.0)
        z = (x - mean) / safe
        return np.where(s > 0, np.exp(-0.5 * z * z) / (math.sqrt(2 * math.pi) * safe), 0.0)

    def variance(self, mean: ArrayLike, Tee: ArrayLike | None = None) -> Array:
        return self.sigma(mean) ** 2


class PoissonResolution(ResolutionModel):
    """Photo-electron counting: P(n | μ) = μⁿ e^(−μ)/n!, μ = LY·T_ee (PHYSICS.md §6.4).

    Examples
    --------
    >>> float(PoissonResolution().variance(11.72))
    11.72
    """

    model_name: ClassVar[str] = "poisson"
    observables: ClassVar[tuple[str, ...]] = ("PE",)
    discrete: ClassVar[bool] = True

    def cdf(self, x: Array, mean: Array, Tee: Array) -> Array:
        n = np.floor(x)
        return np.where(n >= 0, stats.poisson.cdf(np.maximum(n, 0), mean), 0.0)

    def pdf(self, x: Array, mean: Array, Tee: Array) -> Array:
        return stats.poisson.pmf(x, mean)

    def variance(self, mean: ArrayLike, Tee: ArrayLike | None = None) -> Array:
        return np.asarray(mean, dtype=float)


class GammaResolution(ResolutionModel):
    """COHERENT CsI[Na] 2021 PE smearing: Gamma with mean μ = LY·T_ee, shape k = 1 + b₁·T_ee.

    Release form (supplemental material of arXiv:2110.07730, as quoted): a = 0.0749/E_ee,
    b = 9.56·E_ee, P(x) ∝ x^b e^(−a(1+b)x) → shape 1 + b, scale 1/(a(1+b)), mean 1/a. With
    μ = LY·E_ee (LY = 13.35 ≈ 1/0.0749): variance = μ²/k.

    Examples
    --------
    >>> g = GammaResolution()
    >>> round(float(g.variance(13.35, 1.0)), 4)   # μ²/(1 + 9.56)
    16.8771
    """

    model_name: ClassVar[str] = "gamma"
    observables: ClassVar[tuple[str, ...]] = ("PE",)

    shape_per_keVee = param.Number(
        9.56,
        bounds=(0.0, 1e4),
        softbounds=(0.0, 30.0),
        doc="b₁ in shape k = 1 + b₁·T_ee[keVee] (release: b = 9.56·E_ee).",
    )

    def _shape(self, Tee: Array) -> Array:
        return 1.0 + self.shape_per_keVee * np.maximum(np.asarray(Tee, dtype=float), 0.0)

    def cdf(self, x: Array, mean: Array, Tee: Array) -> Array:
        k = self._shape(Tee)
        ok = mean > 0
        rate = np.where(ok, k / np.where(ok, mean, 1.0), 1.0)
        smeared = special.gammainc(k, np.maximum(x, 0.0) * rate)
        return np.where(ok, smeared, (x > 0).astype(float))

    def pdf(self, x: Array, mean: Array, Tee: Array) -> Array:
        k = self._shape(Tee)
        ok = mean > 0
        scale = np.where(ok, mean, 1.0) / k
        return np.where(ok & (x > 0), stats.gamma.pdf(np.maximum(x, 0.0), k, scale=scale), 0.0)

    def variance(self, mean: ArrayLike, Tee: ArrayLike | None = None) -> Array:
        m = np.asarray(mean, dtype=float)
        if Tee is None:
            raise CevnsError("the Gamma resolution's variance needs Tee (keVee)")
        return m**2 / self._shape(np.asarray(Tee, dtype=float))
