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
never lets χ² rise; it stops when the Newton decrement is below 1e-10 · max(1, χ²) for every
signal vector.
σ_k = ``math.inf`` leaves a nuisance free, 0 fixes it at 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import to_float_array
from ..errors import CevnsError
from .blocks import _Block
from .components import Component, Nuisance, ShapeEffect

__all__ = ["BinnedPoissonModel", "Component", "Nuisance", "ShapeEffect"]

# largest expected count per cell: μ², μ ln μ and the Newton steps must stay representable
_MAX_COUNTS = 1e100

Array = NDArray[np.float64]

_MAX_ITER = 60
_TOL = 1e-10
_TRUST = 3.0
_CHUNK = 128


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

    :meth:`joint` builds one model from several, each keeping its own cells (the χ² is computed
    data set by data set, so nuisances of one data set cost nothing on the cells of another).
    """

    def __init__(
        self,
        name: str,
        observed: ArrayLike,
        components: Sequence[Component],
        nuisances: Sequence[Nuisance],
    ) -> None:
        obs = _check_observed(name, observed)
        _check_components(name, obs, components, nuisances)
        self._setup(name, obs, nuisances)
        self.components: tuple[Component, ...] = tuple(components)
        self.blocks = [_Block(slice(0, obs.size), obs, tuple(components), self._index)]

    def _setup(self, name: str, obs: Array, nuisances: Sequence[Nuisance]) -> None:
        names = [n.name for n in nuisances]
        if len(set(names)) != len(names):
            raise CevnsError(f"{name}: nuisance names must be unique, got {names}")
        self.name = name
        self.observed = obs
        self.n_cells = obs.size
        self.nuisances: tuple[Nuisance, ...] = tuple(nuisances)
        sigmas = np.array([n.sigma for n in nuisances], dtype=float)
        self._active = np.nonzero(sigmas > 0)[0]
        self._index = {n: i for i, n in enumerate(names)}
        with np.errstate(divide="ignore"):
            self._weights = np.where(np.isinf(sigmas) | (sigmas == 0), 0.0, 1.0 / sigmas**2)

    @classmethod
    def joint(
        cls,
        name: str,
        parts: Sequence[tuple[Array, Sequence[Component]]],
        nuisances: Sequence[Nuisance],
    ) -> BinnedPoissonModel:
        """One model from several (observed, components) parts sharing the nuisance list.

        Each part's components live on its own cells (cells concatenated in order); the signal
        of the joint model is the concatenation of the parts' signals. No parts: a model of no
        cells (χ² 0 plus the priors), for a likelihood of external terms only.
        """
        self = cls.__new__(cls)
        obs = np.concatenate([np.zeros(0), *(_check_observed(name, o) for o, _ in parts)])
        self._setup(name, obs, nuisances)
        self.blocks = []
        start = 0
        comps: list[Component] = []
        for o, components in parts:
            o = np.asarray(o, dtype=float)
            _check_components(name, o, components, nuisances)
            sl = slice(start, start + o.size)
            self.blocks.append(_Block(sl, obs[sl], tuple(components), self._index))
            comps.extend(components)
            start += o.size
        self.components = tuple(comps)
        return self

    # ---------------------------------------------------------------------------- helpers
    @property
    def nuisance_names(self) -> list[str]:
        """Names of all nuisances, in order (the columns of the returned nuisance values)."""
        return [n.name for n in self.nuisances]

    def _signal(self, signal: ArrayLike) -> Array:
        sig = to_float_array(signal, f"{self.name}: signal")
        if sig.ndim == 0 or sig.shape[-1] != self.n_cells:
            raise CevnsError(
                f"{self.name}: signal must have {self.n_cells} cells in its last axis, "
                f"got shape {sig.shape}"
            )
        if np.any(np.isnan(sig)) or np.any(np.isinf(sig)) or np.any(sig < 0):
            raise CevnsError(f"{self.name}: signal must be finite and ≥ 0")
        if np.any(sig > _MAX_COUNTS):
            raise CevnsError(f"{self.name}: signal counts must be ≤ {_MAX_COUNTS:g} per cell")
        return sig

    def _flat(self, sig: Array) -> Array:
        """Signal vectors (..., n_cells) → (batch, n_cells); also with no cells (terms only)."""
        return sig.reshape(int(np.prod(sig.shape[:-1], dtype=int)), self.n_cells)

    def _theta(self, nuisances: Any, batch: int) -> Array:
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

    def _mu(self, sig: Array, theta: Array) -> Array:
        mu = np.empty_like(sig)
        for b in self.blocks:
            mu[:, b.cells] = b.parts(sig[:, b.cells], theta[:, b.global_index], derivatives=False)[
                0
            ]
        return mu

    def _chi2_total(self, sig: Array, theta: Array) -> tuple[Array, Array]:
        chi2 = np.sum(theta**2 * self._weights[None, :], axis=1)
        ok = np.ones(sig.shape[0], dtype=bool)
        for b in self.blocks:
            if b.linear:
                mu = b.linear_mu(sig[:, b.cells], theta[:, b.global_index])
            else:
                mu = b.parts(sig[:, b.cells], theta[:, b.global_index], derivatives=False)[0]
            chi2 = chi2 + b.chi2_data(mu)
            ok &= np.all(mu >= 0, axis=1)
        return chi2, ok

    # ---------------------------------------------------------------------------- public
    def expected(self, signal: ArrayLike, nuisances: Any = None) -> Array:
        """Expected counts μ (..., n_cells) for a signal and nuisance values (default 0)."""
        sig = self._signal(signal)
        flat = self._flat(sig)
        return self._mu(flat, self._theta(nuisances, flat.shape[0])).reshape(sig.shape)

    def component_counts(self, signal: ArrayLike, nuisances: Any = None) -> dict[str, Array]:
        """Expected counts of each component separately (n_cells,) for one signal vector."""
        sig = self._signal(signal).reshape(1, self.n_cells)
        theta = self._theta(nuisances, 1)
        out: dict[str, Array] = {}
        for b in self.blocks:
            for c in b.components:
                single = _Block(slice(0, 1), b.observed[0], (c,), self._index)
                T = sig[:, b.cells] if c.template is None else c.template[None, :]
                values = np.zeros(self.n_cells)
                values[b.cells] = single.parts(T, theta[:, single.global_index], derivatives=False)[
                    0
                ][0]
                out[c.name] = out.get(c.name, 0.0) + values
        return out

    def signal_expected(self, signal: ArrayLike, nuisances: Any = None) -> Array:
        """Expected signal counts alone (..., n_cells) at nuisance values (default 0)."""
        sig = self._signal(signal)
        flat = self._flat(sig)
        theta = self._theta(nuisances, flat.shape[0])
        out = np.empty_like(flat)
        for b in self.blocks:
            comps = tuple(c for c in b.components if c.template is None)
            single = _Block(b.cells, b.observed[0], comps, self._index)
            out[:, b.cells] = single.parts(
                flat[:, b.cells], theta[:, single.global_index], derivatives=False
            )[0]
        return out.reshape(sig.shape)

    def chi2_at(self, signal: ArrayLike, nuisances: Any = None) -> Array:
        """χ² (data + priors) at given nuisance values, without profiling; shape (...)."""
        sig = self._signal(signal)
        flat = self._flat(sig)
        chi2, _ = self._chi2_total(flat, self._theta(nuisances, flat.shape[0]))
        return chi2.reshape(sig.shape[:-1])

    def chi2(
        self,
        signal: ArrayLike,
        *,
        return_nuisances: bool = False,
        fixed: Mapping[str, float] | None = None,
        start: ArrayLike | None = None,
    ) -> Array | tuple[Array, Array]:
        """Profiled χ² for signal vectors (..., n_cells) → (...).

        ``fixed`` holds nuisances at given values (not profiled). With ``return_nuisances`` the
        profiled values (..., K) come too, in the order of :attr:`nuisance_names`. ``start``
        (K,) or (..., K): nuisance values to start the iteration from (e.g. the profile of a
        neighbouring scan point; fixed ones are overridden); each signal starts from it or from
        0, whichever has the lower χ². The minimum found is the same, to the tolerance.
        """
        sig = self._signal(signal)
        flat = self._flat(sig)
        fixed = dict(fixed or {})
        active = np.array(
            [i for i in self._active if self.nuisances[i].name not in fixed], dtype=int
        )
        chi2 = np.empty(flat.shape[0])
        K = len(self.nuisances)
        theta_all = np.zeros((flat.shape[0], K))
        default = self._theta(fixed, 1)[0]
        if start is None:
            starts = np.broadcast_to(default, (flat.shape[0], K))
        else:
            given = np.asarray(start, dtype=float)
            if given.shape[-1] != K or not np.all(np.isfinite(given)):
                raise CevnsError(f"{self.name}: start needs {K} finite values per signal")
            starts = np.broadcast_to(given.reshape(-1, K), (flat.shape[0], K)).copy()
            fixed_index = [self._index[k] for k in fixed]
            starts[:, fixed_index] = default[fixed_index]
            # never a worse start than the default (a neighbour's θ can be far off)
            c_start, _ = self._chi2_total(flat, starts)
            c_default, _ = self._chi2_total(flat, np.broadcast_to(default, starts.shape))
            worse = ~(c_start <= c_default)
            starts[worse] = default
        for lo in range(0, flat.shape[0], _CHUNK):
            th, c2 = self._profile(flat[lo : lo + _CHUNK], active, starts[lo : lo + _CHUNK])
            chi2[lo : lo + _CHUNK] = c2
            theta_all[lo : lo + _CHUNK] = th
        chi2 = chi2.reshape(sig.shape[:-1])
        if return_nuisances:
            return chi2, theta_all.reshape(*sig.shape[:-1], len(self.nuisances))
        return chi2

    def _newton_terms(
        self, sig: Array, theta: Array, active: Array
    ) -> tuple[Array, Array, Array, Array]:
        """χ² (B,), μ ≥ 0 flags (B,), gradient (B, A) and Hessian (B, A, A) in the active θ."""
        B, K = sig.shape[0], len(self.nuisances)
        chi2 = np.sum(theta**2 * self._weights[None, :], axis=1)
        ok = np.ones(B, dtype=bool)
        grad = 2.0 * theta * self._weights[None, :]
        H = np.zeros((B, K, K))
        H[:, np.arange(K), np.arange(K)] = 2.0 * self._weights[None, :]
        for b in self.blocks:
            if b.linear:
                c2, ok_b, g, h = b.linear_terms(sig[:, b.cells], theta[:, b.global_index])
                chi2 = chi2 + c2
                ok &= ok_b
                gi = b.global_index
                grad[:, gi] += g
                H[:, gi[:, None], gi[None, :]] += h
                continue
            mu, J, second = b.parts(sig[:, b.cells], theta[:, b.global_index], derivatives=True)
            chi2 = chi2 + b.chi2_data(mu)
            ok &= np.all(mu >= 0, axis=1)
            ratio = np.zeros_like(mu)
            curv = np.zeros_like(mu)
            with np.errstate(divide="ignore", invalid="ignore"):
                part = b.n_counted / mu[:, b.counted]
                ratio[:, b.counted] = part
                curv[:, b.counted] = part / mu[:, b.counted]
            r = 1.0 - ratio
            Kb = len(b.local)
            d = b.dynamic_index
            Jd = J[:, d, :]
            g = np.zeros((B, Kb))
            h = np.zeros((B, Kb, Kb))
            g[:, d] = np.matmul(Jd, r[:, :, None])[:, :, 0]
            Jc = Jd * curv[:, None, :]
            h[:, d[:, None], d[None, :]] = np.matmul(Jc, np.swapaxes(Jd, 1, 2))
            if b.has_static:
                g += r @ b.static.T
                h += (curv @ b.static_pairs).reshape(B, Kb, Kb)
                cross = np.matmul(Jc, b.static.T)  # (B, K_dyn, Kb)
                h[:, d, :] += cross
                h[:, :, d] += np.swapaxes(cross, 1, 2)
            g *= 2.0
            h = 2.0 * h + 2.0 * b.second_term(r, second)
            gi = b.global_index
            grad[:, gi] += g
            H[:, gi[:, None], gi[None, :]] += h
        return chi2, ok, grad[:, active], H[:, active][:, :, active]

    def _profile(self, sig: Array, active: Array, start: Array) -> tuple[Array, Array]:
        B, K = sig.shape[0], len(self.nuisances)
        theta = np.broadcast_to(start, (B, K)).copy()
        if active.size == 0:
            return theta, self._chi2_total(sig, theta)[0]
        chi2, _, grad, H = self._newton_terms(sig, theta, active)
        todo = np.arange(B)
        eye = np.eye(active.size)[None]
        sig_active = np.array([self.nuisances[i].sigma for i in active])
        reach = np.where(np.isfinite(sig_active), sig_active, 1.0)[None, :]
        for _ in range(_MAX_ITER):
            if todo.size == 0:
                break
            # where H is not positive definite, shift it (a descent direction all the same);
            # a Cholesky factorisation of H − 1e-9·scale tells that no shift is needed at all
            scale = np.maximum(np.abs(np.diagonal(H, axis1=1, axis2=2)).max(axis=1), 1e-12)
            try:
                np.linalg.cholesky(H - (1e-9 * scale)[:, None, None] * eye)
                shift = np.zeros(H.shape[0])
            except np.linalg.LinAlgError:
                eig_min = np.linalg.eigvalsh(H)[:, 0]
                shift = np.where(eig_min < 1e-9 * scale, 1e-9 * scale - eig_min, 0.0)
            step = -np.linalg.solve(H + shift[:, None, None] * eye, grad[..., None])[..., 0]
            # trust region: at most 3 prior widths per step (far from the data, e.g. a scan's
            # excluded corner, the first Newton step can be thousands of σ long)
            longest = np.max(np.abs(step) / reach, axis=1)
            step = step * np.minimum(1.0, _TRUST / np.maximum(longest, 1e-300))[:, None]
            # converged: the Newton decrement below 1e-10, relative for χ² ≫ 1 (points far out
            # in a scan need Δχ² to 1e-10 of their value, not to 1e-10 absolute)
            done = -np.sum(grad * step, axis=1) < _TOL * np.maximum(1.0, chi2[todo])
            keep = ~done
            todo, step, grad, H = todo[keep], step[keep], grad[keep], H[keep]
            if todo.size == 0:
                break
            # full steps first: χ², gradient and Hessian at the trial point in one pass
            trial = theta[todo].copy()
            trial[:, active] += step
            c2, ok, g2, h2 = self._newton_terms(sig[todo], trial, active)
            ok &= np.isfinite(c2) & (c2 <= chi2[todo] + 1e-12 * np.abs(chi2[todo]))
            theta[todo[ok]] = trial[ok]
            chi2[todo[ok]] = c2[ok]
            grad[ok], H[ok] = g2[ok], h2[ok]
            # backtracking for the others
            pending = np.nonzero(~ok)[0]
            t = 0.5
            while pending.size and t > 1e-18:
                trial = theta[todo[pending]].copy()
                trial[:, active] += t * step[pending]
                c2, ok2 = self._chi2_total(sig[todo[pending]], trial)
                old = chi2[todo[pending]]
                ok2 &= np.isfinite(c2) & (c2 <= old + 1e-12 * np.abs(old))
                good = pending[ok2]
                theta[todo[good]] = trial[ok2]
                chi2[todo[good]] = c2[ok2]
                pending = pending[~ok2]
                t *= 0.5
            moved = np.nonzero(~ok)[0]
            moved = moved[~np.isin(moved, pending)]
            if moved.size:
                _, _, g3, h3 = self._newton_terms(sig[todo[moved]], theta[todo[moved]], active)
                grad[moved], H[moved] = g3, h3
            # no decrease possible any more: converged to numerical precision
            stuck = np.zeros(todo.size, dtype=bool)
            stuck[pending] = True
            todo, grad, H = todo[~stuck], grad[~stuck], H[~stuck]
        return theta, chi2


def _check_observed(name: str, observed: ArrayLike) -> Array:
    obs = np.asarray(observed, dtype=float)
    if obs.ndim != 1 or obs.size == 0 or np.any(obs < 0) or not np.all(np.isfinite(obs)):
        raise CevnsError(f"{name}: observed must be a 1-D array of finite counts ≥ 0")
    return obs


def _check_components(
    name: str, obs: Array, components: Sequence[Component], nuisances: Sequence[Nuisance]
) -> None:
    if sum(c.template is None for c in components) != 1:
        raise CevnsError(f"{name}: exactly one component must be the signal (template=None)")
    known = {n.name for n in nuisances}
    for c in components:
        if c.template is not None:
            t = np.asarray(c.template, dtype=float)
            if t.shape != obs.shape or np.any(t < 0) or not np.all(np.isfinite(t)):
                raise CevnsError(f"{name}: template {c.name} must be ≥ 0 with shape {obs.shape}")
        for k in [*c.norms, *(s.nuisance for s in c.shapes)]:
            if k not in known:
                raise CevnsError(f"{name}: component {c.name} uses unknown nuisance {k!r}")
        for s in c.shapes:
            if s.n_cells != obs.size:
                raise CevnsError(f"{name}: shape effect {s.nuisance} has the wrong cell count")
