"""The cells of one data set inside a :class:`~.model.BinnedPoissonModel`: expected counts,
their derivatives in the nuisances and the Baker–Cousins χ² (the formulas are in
:mod:`cevns_core.likelihood.model`).

Blocks of whole-component normalisations only (the LAr sets) are linear in θ: their gradient
and Hessian come from sums per component (:meth:`_Block.linear_terms`) instead of the general
∂μ/∂θ rows with shape effects (:meth:`_Block.parts`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__: list[str] = []  # internal to the likelihood package

Array = NDArray[np.float64]


class _Block:
    """The cells of one data set with its components and its nuisances (global indices)."""

    def __init__(self, cells: slice, observed: Array, components, index: dict[str, int]):
        self.cells = cells
        self.observed = observed[None, :]
        self.counted = np.nonzero(observed > 0)[0]  # cells with n > 0 (the log terms)
        n = observed[self.counted]
        self.n_counted = n
        self.const = float(np.sum(n * np.log(n)) - observed.sum())  # Σ n ln n − Σ n
        self.components = components
        names = sorted(
            {k for c in components for k in (*c.norms, *(s.nuisance for s in c.shapes))},
            key=lambda k: index[k],
        )
        self.global_index = np.array([index[k] for k in names], dtype=int)
        self.local = {k: i for i, k in enumerate(names)}
        # ∂μ/∂θ rows that do not depend on the signal or θ: normalisations of fixed templates
        # without shape effects (T × mask). Kept apart from the batch-dependent rows, their
        # gradient and Hessian terms are plain matrix products.
        K = len(names)
        self.static = np.zeros((K, observed.size))
        self.dynamic = np.zeros(K, dtype=bool)
        for c in components:
            fixed = c.template is not None and not c.shapes
            for k, mask in c.norms.items():
                if fixed:
                    self.static[self.local[k]] += c.template * (1.0 if mask is None else mask)
                else:
                    self.dynamic[self.local[k]] = True
            for s in c.shapes:
                self.dynamic[self.local[s.nuisance]] = True
        self.dynamic_index = np.nonzero(self.dynamic)[0]
        # products S_k S_l of the static rows, (n, K²), for the Hessian
        self.static_pairs = (self.static[:, None, :] * self.static[None, :, :]).reshape(K * K, -1).T
        self.has_static = bool(np.any(self.static))
        # normalisations of whole components only (no shapes, no masks): μ = Σ_c L_c T_c with
        # L_c = 1 + Σ_{k ∈ c} θ_k is linear in θ, and gradient and Hessian are sums per
        # component (:meth:`linear_terms`) — the 960-cell LAr set costs a few passes per signal
        self.linear = (
            all(not c.shapes and all(m is None for m in c.norms.values()) for c in components)
            and sum(c.template is None for c in components) == 1
        )
        if self.linear:
            ordered = sorted(components, key=lambda c: c.template is not None)  # signal first
            self.incidence = np.zeros((len(ordered), K))  # component × nuisance
            for i, c in enumerate(ordered):
                for k in c.norms:
                    self.incidence[i, self.local[k]] = 1.0
            fixed = np.array([np.asarray(c.template, dtype=float) for c in ordered[1:]])
            self.fixed = fixed.reshape(-1, observed.size)
            self.fixed_sum = self.fixed.sum(axis=1)
            self.fixed_counted = self.fixed[:, self.counted]
            nf = self.fixed.shape[0]
            pairs = self.fixed_counted[:, None, :] * self.fixed_counted[None, :, :]
            self.fixed_pairs = pairs.reshape(nf * nf, self.counted.size).T  # (n_counted, nf²)

    def linear_mu(self, sig: Array, theta: Array) -> Array:
        """μ (B, n) of a linear block."""
        L = 1.0 + theta @ self.incidence.T  # (B, n_components)
        return L[:, :1] * sig + L[:, 1:] @ self.fixed

    def linear_terms(self, sig: Array, theta: Array) -> tuple[Array, Array, Array, Array]:
        """χ²_data (B,), μ ≥ 0 flags, gradient (B, K_local), Hessian (B, K_local, K_local).

        ∂χ²/∂θ_k = 2 Σ_{c ∋ k} Σ_i (1 − n_i/μ_i) T_c,i and ∂²χ²/∂θ_k∂θ_l =
        2 Σ_{c ∋ k, d ∋ l} Σ_i n_i/μ_i² T_c,i T_d,i (μ is linear in θ: no second derivatives).
        """
        mu = self.linear_mu(sig, theta)
        chi2 = self.chi2_data(mu)
        ok = np.all(mu >= 0, axis=1)
        mu_c = mu[:, self.counted]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = self.n_counted / mu_c
            curv = ratio / mu_c
        S_c = sig[:, self.counted]
        nf = self.fixed.shape[0]
        # per component: Σ_i r_i T_c,i with r = 1 − n/μ (r = 1 where n = 0)
        g = np.empty((sig.shape[0], 1 + nf))
        g[:, 0] = sig.sum(axis=1) - np.sum(ratio * S_c, axis=1)
        g[:, 1:] = self.fixed_sum - ratio @ self.fixed_counted.T
        cS = curv * S_c
        H = np.empty((sig.shape[0], 1 + nf, 1 + nf))
        H[:, 0, 0] = np.sum(cS * S_c, axis=1)
        cross = cS @ self.fixed_counted.T
        H[:, 0, 1:] = cross
        H[:, 1:, 0] = cross
        H[:, 1:, 1:] = (curv @ self.fixed_pairs).reshape(sig.shape[0], nf, nf)
        E = self.incidence
        grad = 2.0 * (g @ E)
        hess = 2.0 * np.einsum("ci,bcd,dj->bij", E, H, E)
        return chi2, ok, grad, hess

    def parts(self, sig: Array, theta: Array, *, derivatives: bool) -> tuple[Array, Any, list]:
        """μ (B, n), J (B, K_local, n) and the second-derivative pieces; θ local (B, K_local)."""
        B, n = sig.shape[0], self.observed.shape[1]
        mu = np.zeros((B, n))
        # J holds the batch-dependent rows only (the rest is self.static)
        J = np.zeros((B, len(self.local), n)) if derivatives else None
        second: list = []
        for c in self.components:
            T = sig if c.template is None else c.template[None, :]
            # L stays (B, 1) while every normalisation acts on all cells (no mask)
            L: Any = 1.0
            for k, mask in c.norms.items():
                L = L + theta[:, self.local[k], None] * (1.0 if mask is None else mask[None, :])
            TM = T
            evaluated = []
            for s in c.shapes:
                f, df, d2f = s.evaluate(theta[:, self.local[s.nuisance]])
                TM = TM * f
                evaluated.append((self.local[s.nuisance], f, df, d2f))
            TLM = TM * L
            mu += TLM
            if not derivatives:
                continue
            fixed = c.template is not None and not c.shapes
            for k, mask in c.norms.items():
                if not fixed:
                    J[:, self.local[k], :] += TM * (1.0 if mask is None else mask[None, :])
            for k, f, df, _ in evaluated:
                J[:, k, :] += TLM * (df / f)
            second.append((c, TM, TLM, evaluated))
        return mu, J, second

    def second_term(self, r: Array, second: list) -> Array:
        """Σ_i r_i ∂²μ_i/∂θ_k∂θ_l (B, K_local, K_local)."""
        K = len(self.local)
        out = np.zeros((r.shape[0], K, K))
        for c, TM, TLM, evaluated in second:
            if not evaluated:
                continue  # μ is affine in normalisations alone: no second derivatives
            for k, mask in c.norms.items():
                kk = self.local[k]
                base = r * TM * (1.0 if mask is None else mask[None, :])
                for l_, f, df, _d2 in evaluated:
                    v = np.sum(base * (df / f), axis=1)
                    out[:, kk, l_] += v
                    out[:, l_, kk] += v
            for a, (ka, fa, dfa, d2fa) in enumerate(evaluated):
                rt = r * TLM
                out[:, ka, ka] += np.sum(rt * (d2fa / fa), axis=1)
                for kb, fb, dfb, _d2 in evaluated[a + 1 :]:
                    v = np.sum(rt * (dfa * dfb / (fa * fb)), axis=1)
                    out[:, ka, kb] += v
                    out[:, kb, ka] += v
        return out

    def chi2_data(self, mu: Array) -> Array:
        """2 Σ [μ − n + n ln(n/μ)] = 2 [Σ μ − Σ_{n>0} n ln μ + Σ n ln n − Σ n]; ∞ if some
        μ ≤ 0 where n > 0."""
        mu_c = mu[:, self.counted]
        bad = np.any(mu_c <= 0, axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_mu = np.log(np.where(mu_c > 0, mu_c, 1.0))
        chi2 = 2.0 * (mu.sum(axis=1) - log_mu @ self.n_counted + self.const)
        return np.where(bad, np.inf, chi2)
