"""Binned Poisson likelihood with named nuisance parameters, profiled for many signals at once.

Expected counts in cell i (every cell of every data set of the likelihood)::

    μ_i(θ) = Σ_c T_c,i · [1 + Σ_{k ∈ norm(c)} θ_k m_ck,i] · Π_{k ∈ shape(c)} f_ck,i(θ_k)

with templates T_c (the signal, given per call, and the backgrounds, fixed), normalisation
nuisances θ_k acting linearly on the cells marked by m_ck ∈ {0, 1} (e.g. the SNS flux on the signal
cells of every COHERENT data set), and shape nuisances acting through relative factors f_ck(θ) with
f(0) = 1, interpolated between precomputed variations (quadratically through θ = −1, 0, +1, or a
cubic spline through more nodes): a shifted quenching curve, efficiency or timing re-weights the
signal templates without a new rate computation.

χ² (Baker & Cousins 1984, Poisson) with Gaussian priors::

    χ²(θ) = 2 Σ_i [μ_i − n_i + n_i ln(n_i/μ_i)] + Σ_k (θ_k/σ_k)²

profiled over θ by a damped Newton iteration vectorised over the batch of signal vectors: exact
gradient and Hessian (second derivatives of μ included), a shift of the Hessian where it is not
positive definite, and a backtracking line search that keeps every μ_i ≥ 0 (> 0 where n_i > 0) and
never lets χ² rise; it stops when the Newton decrement is below 1e-10 for every signal vector.
σ_k = ``math.inf`` leaves a nuisance free, 0 fixes it at 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.interpolate import CubicSpline

from ..errors import CevnsError

__all__ = ["BinnedPoissonModel", "Component", "Nuisance", "ShapeEffect"]

Array = NDArray[np.float64]

_MAX_ITER = 60
_TOL = 1e-10
_CHUNK = 256
_F_FLOOR = 1e-9


@dataclass(frozen=True)
class Nuisance:
    """A nuisance parameter with a Gaussian prior of width ``sigma`` (inf: free; 0: fixed at 0).

    ``kind`` is "normalisation" (θ is a fractional change of the counts it multiplies) or
    "shape" (θ in units of the variation's 1σ, unless ``unit`` says otherwise).
    """

    name: str
    sigma: float
    kind: str = "normalisation"
    unit: str = ""
    doc: str = ""

    def __post_init__(self) -> None:
        if not (self.sigma >= 0) or math.isnan(self.sigma):
            raise CevnsError(f"nuisance {self.name}: sigma must be ≥ 0 or inf, got {self.sigma}")
        if self.kind not in ("normalisation", "shape"):
            raise CevnsError(f"nuisance {self.name}: kind must be 'normalisation' or 'shape'")


@dataclass(frozen=True)
class ShapeEffect:
    """Relative factors f_i(θ) of one shape nuisance on one component, per cell.

    ``nodes`` (m,) values of θ (including 0) and ``factors`` (m, n_cells) the ratio of the varied
    to the nominal template there. Three nodes −1, 0, 1: the parabola through them (HistFactory's
    quadratic interpolation); otherwise a cubic spline (not-a-knot) through the nodes, continued
    outside them by its end polynomials. Factors are floored at 1e-9 (a template never turns
    negative).
    """

    nuisance: str
    nodes: Array
    factors: Array

    def __post_init__(self) -> None:
        nodes = np.asarray(self.nodes, dtype=float)
        factors = np.asarray(self.factors, dtype=float)
        if nodes.ndim != 1 or nodes.size < 3 or np.any(np.diff(nodes) <= 0):
            raise CevnsError(f"shape effect {self.nuisance}: nodes must be ≥ 3 increasing values")
        if factors.shape[0] != nodes.size or factors.ndim != 2:
            raise CevnsError(f"shape effect {self.nuisance}: factors must have shape (nodes, cells)")
        if not np.all(np.isfinite(factors)):
            raise CevnsError(f"shape effect {self.nuisance}: factors must be finite")
        object.__setattr__(self, "nodes", nodes)
        object.__setattr__(self, "factors", factors)
        quadratic = nodes.size == 3 and np.allclose(nodes, [-1.0, 0.0, 1.0])
        spline = None if quadratic else CubicSpline(nodes, factors, axis=0)
        object.__setattr__(self, "_spline", spline)

    @property
    def n_cells(self) -> int:
        return int(self.factors.shape[1])

    def padded(self, n_before: int, n_after: int) -> ShapeEffect:
        """The same effect on a longer cell vector (factor 1 on the added cells)."""
        ones_b = np.ones((self.nodes.size, n_before))
        ones_a = np.ones((self.nodes.size, n_after))
        return ShapeEffect(self.nuisance, self.nodes, np.hstack([ones_b, self.factors, ones_a]))

    def evaluate(self, theta: Array) -> tuple[Array, Array, Array]:
        """f, df/dθ, d²f/dθ² at θ (B,) → each (B, n_cells)."""
        th = np.asarray(theta, dtype=float)[:, None]
        spline = self._spline  # type: ignore[attr-defined]
        if spline is None:
            lo, mid, hi = self.factors
            a = 0.5 * (hi - lo)
            b = 0.5 * (hi + lo) - mid
            f = mid + a * th + b * th**2
            df = a + 2.0 * b * th
            d2f = np.broadcast_to(2.0 * b, f.shape)
        else:
            flat = th[:, 0]
            f, df, d2f = (spline(flat, nu) for nu in (0, 1, 2))
        small = f < _F_FLOOR
        if np.any(small):
            f = np.where(small, _F_FLOOR, f)
            df = np.where(small, 0.0, df)
            d2f = np.where(small, 0.0, d2f)
        return f, df, np.asarray(d2f)


@dataclass(frozen=True)
class Component:
    """One contribution to the expected counts.

    ``template`` (n_cells,) — or None for the signal, given at every call; ``norms`` maps a
    normalisation nuisance to the cells it multiplies (a 0/1 mask, or None for all cells);
    ``shapes`` are the component's shape effects.
    """

    name: str
    template: Array | None
    norms: Mapping[str, Array | None] = field(default_factory=dict)
    shapes: tuple[ShapeEffect, ...] = ()


class BinnedPoissonModel:
    """Observed counts, components and nuisances: χ² profiled over the nuisances.

    Parameters
    ----------
    name : str
    observed : array_like (n_cells,)
        Observed counts (≥ 0).
    components : sequence of Component
        Exactly one with ``template=None`` (the signal, supplied to :meth:`chi2`).
    nuisances : sequence of Nuisance
        Every nuisance named by a component, with its prior.
    """

    def __init__(
        self,
        name: str,
        observed: ArrayLike,
        components: Sequence[Component],
        nuisances: Sequence[Nuisance],
    ) -> None:
        obs = np.asarray(observed, dtype=float)
        if obs.ndim != 1 or obs.size == 0 or np.any(obs < 0) or not np.all(np.isfinite(obs)):
            raise CevnsError(f"{name}: observed must be a 1-D array of finite counts ≥ 0")
        self.name = name
        self.observed = obs
        self.n_cells = obs.size
        signals = [c for c in components if c.template is None]
        if len(signals) != 1:
            raise CevnsError(f"{name}: exactly one component must be the signal (template=None)")
        names = [n.name for n in nuisances]
        if len(set(names)) != len(names):
            raise CevnsError(f"{name}: nuisance names must be unique, got {names}")
        self.nuisances: tuple[Nuisance, ...] = tuple(nuisances)
        known = set(names)
        comps = []
        for c in components:
            if c.template is not None:
                t = np.asarray(c.template, dtype=float)
                if t.shape != obs.shape or np.any(t < 0) or not np.all(np.isfinite(t)):
                    raise CevnsError(f"{name}: template {c.name} must be ≥ 0 with shape {obs.shape}")
            for k in [*c.norms, *(s.nuisance for s in c.shapes)]:
                if k not in known:
                    raise CevnsError(f"{name}: component {c.name} uses unknown nuisance {k!r}")
            for s in c.shapes:
                if s.n_cells != self.n_cells:
                    raise CevnsError(f"{name}: shape effect {s.nuisance} has the wrong cell count")
            comps.append(c)
        self.components: tuple[Component, ...] = tuple(comps)
        sigmas = np.array([n.sigma for n in nuisances], dtype=float)
        self._active = np.nonzero(sigmas > 0)[0]
        self._index = {n: i for i, n in enumerate(names)}

    # ---------------------------------------------------------------------------- helpers
    @property
    def nuisance_names(self) -> list[str]:
        """Names of all nuisances, in order (the columns of the returned nuisance values)."""
        return [n.name for n in self.nuisances]

    def _signal(self, signal: ArrayLike) -> Array:
        sig = np.asarray(signal, dtype=float)
        if sig.ndim == 0 or sig.shape[-1] != self.n_cells:
            raise CevnsError(
                f"{self.name}: signal must have {self.n_cells} cells in its last axis, "
                f"got shape {sig.shape}"
            )
        if np.any(np.isnan(sig)) or np.any(np.isinf(sig)) or np.any(sig < 0):
            raise CevnsError(f"{self.name}: signal must be finite and ≥ 0")
        return sig

    def _parts(
        self, sig: Array, theta: Array, *, derivatives: bool
    ) -> tuple[Array, Array | None, list]:
        """μ (B, n) and, with derivatives, J (B, n, K) and the second-derivative pieces."""
        B, K = sig.shape[0], len(self.nuisances)
        mu = np.zeros((B, self.n_cells))
        J = np.zeros((B, self.n_cells, K)) if derivatives else None
        second: list = []
        for c in self.components:
            T = sig if c.template is None else c.template[None, :]
            L = np.ones((1, self.n_cells))
            for k, mask in c.norms.items():
                th = theta[:, self._index[k], None]
                L = L + th * (1.0 if mask is None else mask[None, :])
            M = np.ones((1, self.n_cells))
            evaluated = []
            for s in c.shapes:
                f, df, d2f = s.evaluate(theta[:, self._index[s.nuisance]])
                M = M * f
                evaluated.append((self._index[s.nuisance], f, df, d2f))
            mu += T * L * M
            if not derivatives:
                continue
            TM = T * M
            for k, mask in c.norms.items():
                J[:, :, self._index[k]] += TM * (1.0 if mask is None else mask[None, :])
            TLM = TM * L
            for k, f, df, _ in evaluated:
                J[:, :, k] += TLM * df / f
            second.append((c, TM, TLM, evaluated))
        return mu, J, second

    def _second_term(self, r: Array, second: list, K: int) -> Array:
        """Σ_i r_i ∂²μ_i/∂θ_k∂θ_l (B, K, K)."""
        B = r.shape[0]
        out = np.zeros((B, K, K))
        for c, TM, TLM, evaluated in second:
            for k, mask in c.norms.items():
                kk = self._index[k]
                base = r * TM * (1.0 if mask is None else mask[None, :])
                for l_, f, df, _ in evaluated:
                    v = np.sum(base * df / f, axis=1)
                    out[:, kk, l_] += v
                    out[:, l_, kk] += v
            for a, (ka, fa, dfa, d2fa) in enumerate(evaluated):
                out[:, ka, ka] += np.sum(r * TLM * d2fa / fa, axis=1)
                for kb, fb, dfb, _ in evaluated[a + 1 :]:
                    v = np.sum(r * TLM * dfa * dfb / (fa * fb), axis=1)
                    out[:, ka, kb] += v
                    out[:, kb, ka] += v
        return out

    def _chi2_data(self, mu: Array) -> Array:
        n = self.observed[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            log_term = np.where(n > 0, n * np.log(np.where(n > 0, n, 1.0) / mu), 0.0)
            terms = np.where((n > 0) & (mu <= 0), np.inf, mu - n + log_term)
        return 2.0 * np.sum(terms, axis=1)

    def _prior(self, theta: Array) -> Array:
        sig = np.array([n.sigma for n in self.nuisances])
        with np.errstate(divide="ignore", invalid="ignore"):
            w = np.where(np.isinf(sig) | (sig == 0), 0.0, 1.0 / sig**2)
        return np.sum(theta**2 * w[None, :], axis=1), w

    # ---------------------------------------------------------------------------- public
    def expected(self, signal: ArrayLike, nuisances: Mapping[str, float] | ArrayLike | None = None):
        """Expected counts μ (..., n_cells) for a signal and nuisance values (default 0)."""
        sig = self._signal(signal)
        flat = sig.reshape(-1, self.n_cells)
        theta = self._theta(nuisances, flat.shape[0])
        return self._parts(flat, theta, derivatives=False)[0].reshape(sig.shape)

    def component_counts(self, signal: ArrayLike, nuisances=None) -> dict[str, Array]:
        """Expected counts of each component separately (n_cells,) for one signal vector."""
        sig = self._signal(signal).reshape(1, self.n_cells)
        theta = self._theta(nuisances, 1)
        out = {}
        for c in self.components:
            single = BinnedPoissonModel(
                self.name,
                self.observed,
                [Component(c.name, None, c.norms, c.shapes)],
                self.nuisances,
            )
            T = sig if c.template is None else c.template[None, :]
            out[c.name] = single._parts(T, theta, derivatives=False)[0][0]
        return out

    def _theta(self, nuisances, batch: int) -> Array:
        K = len(self.nuisances)
        if nuisances is None:
            return np.zeros((batch, K))
        if isinstance(nuisances, Mapping):
            theta = np.zeros((batch, K))
            for k, v in nuisances.items():
                if k not in self._index:
                    raise CevnsError(
                        f"{self.name}: unknown nuisance {k!r}; known: {', '.join(self._index)}"
                    )
                theta[:, self._index[k]] = v
            return theta
        arr = np.asarray(nuisances, dtype=float)
        if arr.shape[-1] != K:
            raise CevnsError(f"{self.name}: nuisances need {K} values, got shape {arr.shape}")
        return np.broadcast_to(arr.reshape(-1, K), (batch, K)).copy()

    def chi2_at(self, signal: ArrayLike, nuisances: Mapping[str, float] | ArrayLike | None = None):
        """χ² (data + priors) at given nuisance values, without profiling; shape (...)."""
        sig = self._signal(signal)
        flat = sig.reshape(-1, self.n_cells)
        theta = self._theta(nuisances, flat.shape[0])
        mu = self._parts(flat, theta, derivatives=False)[0]
        return (self._chi2_data(mu) + self._prior(theta)[0]).reshape(sig.shape[:-1])

    def chi2(
        self,
        signal: ArrayLike,
        *,
        return_nuisances: bool = False,
        fixed: Mapping[str, float] | None = None,
    ) -> Array | tuple[Array, Array]:
        """Profiled χ² for signal vectors (..., n_cells) → (...).

        ``fixed`` holds nuisances at given values (not profiled). With ``return_nuisances`` the
        profiled values (..., K) come too, in the order of :attr:`nuisance_names`.
        """
        sig = self._signal(signal)
        flat = sig.reshape(-1, self.n_cells)
        active = [i for i in self._active if self.nuisances[i].name not in (fixed or {})]
        chi2 = np.empty(flat.shape[0])
        theta_all = np.zeros((flat.shape[0], len(self.nuisances)))
        start = self._theta(fixed, 1)[0] if fixed else np.zeros(len(self.nuisances))
        for lo in range(0, flat.shape[0], _CHUNK):
            part = flat[lo : lo + _CHUNK]
            th, c2 = self._profile(part, np.asarray(active, dtype=int), start)
            chi2[lo : lo + _CHUNK] = c2
            theta_all[lo : lo + _CHUNK] = th
        chi2 = chi2.reshape(sig.shape[:-1])
        if return_nuisances:
            return chi2, theta_all.reshape(*sig.shape[:-1], len(self.nuisances))
        return chi2

    def _profile(self, sig: Array, active: Array, start: Array) -> tuple[Array, Array]:
        B, K = sig.shape[0], len(self.nuisances)
        theta = np.broadcast_to(start, (B, K)).copy()
        n = self.observed[None, :]
        prior, w = self._prior(theta)
        chi2 = self._chi2_data(self._parts(sig, theta, derivatives=False)[0]) + prior
        if active.size == 0:
            return theta, chi2
        todo = np.arange(B)
        eye = np.eye(active.size)[None]
        for _ in range(_MAX_ITER):
            if todo.size == 0:
                break
            s_sub, th_sub = sig[todo], theta[todo]
            mu, J, second = self._parts(s_sub, th_sub, derivatives=True)
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(n > 0, n / mu, 0.0)
                curv = np.where(n > 0, n / mu**2, 0.0)
            Ja = J[:, :, active]
            grad = 2.0 * np.einsum("bi,bik->bk", 1.0 - ratio, Ja)
            grad += 2.0 * th_sub[:, active] * w[active]
            H = 2.0 * np.einsum("bik,bil->bkl", Ja * curv[:, :, None], Ja)
            H += 2.0 * self._second_term(1.0 - ratio, second, K)[:, active][:, :, active]
            H += np.diag(2.0 * w[active])[None]
            # where H is not positive definite, shift it (a descent direction all the same)
            eig_min = np.linalg.eigvalsh(H)[:, 0]
            scale = np.maximum(np.abs(np.diagonal(H, axis1=1, axis2=2)).max(axis=1), 1e-12)
            shift = np.where(eig_min < 1e-9 * scale, 1e-9 * scale - eig_min, 0.0)
            step = -np.linalg.solve(H + shift[:, None, None] * eye, grad[..., None])[..., 0]
            done = -np.sum(grad * step, axis=1) < _TOL
            t = np.ones(todo.size)
            accepted = done.copy()
            old = chi2[todo]
            for _ in range(60):
                pending = np.nonzero(~accepted)[0]
                if pending.size == 0:
                    break
                trial = th_sub[pending].copy()
                trial[:, active] += t[pending, None] * step[pending]
                trial_mu = self._parts(s_sub[pending], trial, derivatives=False)[0]
                c2 = self._chi2_data(trial_mu) + self._prior(trial)[0]
                ok = np.all(trial_mu >= 0, axis=1) & np.isfinite(c2)
                ok &= c2 <= old[pending] + 1e-12 * np.abs(old[pending])
                good = pending[ok]
                theta[todo[good]] = trial[ok]
                chi2[todo[good]] = c2[ok]
                accepted[good] = True
                t[pending[~ok]] *= 0.5
            # finished: converged, or no decrease possible any more (numerical precision)
            todo = todo[~(done | ~accepted)]
        return theta, chi2
