"""χ² of scan predictions: Gaussian and Poisson statistics, and joint likelihoods.

Every statistic is a small picklable object (it travels to Dask workers with the scan) with
``chi2(signals)`` for predictions (..., n_out). :class:`GaussianStatistic` also evaluates its χ²
in closed form on a :class:`~.polynomial.PolynomialTable` without forming the counts: the
profiled Gaussian χ² (PHYSICS §8.1)

    χ² = min_θ Σ_i w_i (r_i − Σ_j θ_j c_j,i)² + Σ_j θ_j²/σ_j² = Σ_i w_i r_i² − bᵀ(A + P)⁻¹ b,

A_jk = Σ w c_j c_k, b_j = Σ w r c_j, r = N_obs − S − ΣB, c = (S, B_k), needs only sums over bins
that are quadratic or linear in the signal; with S = Σ_α m^α C_α these are quadratic forms in
the monomials m^α with Gram matrices Σ_i w_i C_α,i C_β,i computed once per value of the other
axis. The same normal equations as :func:`cevns_core.statistics.gaussian_chi2` (which the
direct route calls), solved for every grid point at once.

:class:`LikelihoodStatistic` profiles a :class:`~cevns_core.likelihood.Likelihood` (Poisson,
nuisances shared between data sets) row by row: each row of the grid starts its Newton iteration
from the profiled nuisances of the previous row (the first from those of the no-new-physics
point), so neighbouring points need few steps. It profiles the data sets' cells only; the
likelihood's external terms (APV, PVES) are added by the plan (:mod:`.external`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..statistics import gaussian_chi2, poisson_chi2

__all__ = ["GaussianStatistic", "LikelihoodStatistic", "PoissonStatistic"]

Array = NDArray[np.float64]


def _sigmas(sigma_signal: Any, sigma_backgrounds: Any, K: int) -> Array:
    """σ of the signal and background nuisances as in :mod:`cevns_core.statistics`."""
    if sigma_backgrounds is None:
        sb = [0.0] * K
    elif np.ndim(sigma_backgrounds) == 0:
        sb = [float(sigma_backgrounds)] * K
    else:
        sb = [0.0 if s is None else float(s) for s in sigma_backgrounds]
    return np.array([0.0 if sigma_signal is None else float(sigma_signal), *sb])


@dataclass
class GaussianStatistic:
    """Gaussian χ² with profiled normalisations; bins outside ``keep`` are dropped."""

    observed: Array
    variance: Array | None
    backgrounds: Array | None
    sigma_signal: Any
    sigma_backgrounds: Any
    keep: Array | None = None
    gram: dict[str, Array] | None = field(default=None, repr=False)

    name = "gaussian"

    def _cut(self) -> tuple[Array, Array | None, Array | None, Any]:
        k = self.keep if self.keep is not None else slice(None)
        var = None if self.variance is None else self.variance[k]
        B = None if self.backgrounds is None else self.backgrounds[:, k]
        return self.observed[k], var, B, k

    def chi2(self, signals: Array) -> Array:
        obs, var, B, k = self._cut()
        return gaussian_chi2(
            obs,
            signals[..., k],
            B,
            variance=var,
            sigma_signal=self.sigma_signal,
            sigma_backgrounds=self.sigma_backgrounds,
        )

    # ------------------------------------------------------------------ closed form
    def prepare(self, table: Any) -> None:
        """Gram matrices of the table's coefficients (module docstring)."""
        obs, var, B, k = self._cut()
        w = 1.0 / (obs if var is None else var)
        K = 0 if B is None else B.shape[0]
        B = np.zeros((0, obs.size)) if B is None else B
        sig = _sigmas(self.sigma_signal, self.sigma_backgrounds, K)
        with np.errstate(divide="ignore"):
            pw = np.where(np.isinf(sig) | (sig == 0), 0.0, 1.0 / sig**2)
        free = sig > 0
        fb = np.nonzero(free[1:])[0]
        Bfree = B[fb]
        Y0 = obs - B[~free[1:]].sum(axis=0)  # data minus the fixed backgrounds
        C = table.coeffs[:, :, k]
        R = -C  # r = Y0 − ΣB_free − S as a polynomial: the constant key first
        R[0] = (Y0 - Bfree.sum(axis=0))[None, :] - C[0]
        absC, absR = np.abs(C), np.abs(R)
        Cw, Rw, aCw, aRw = C * w, R * w, absC * w, absR * w
        quad = np.stack([np.einsum("aok,bok->oab", x, y) for x, y in ((Cw, C), (Rw, C), (Rw, R))])
        quad_abs = np.stack(
            [np.einsum("aok,bok->oab", x, y) for x, y in ((aCw, absC), (aRw, absC), (aRw, absR))]
        )
        # linear forms: S·Y0, S·B_b (free backgrounds), R·B_b
        lin = [np.einsum("aok,k->oa", Cw, v) for v in (Y0, *Bfree)]
        lin += [np.einsum("aok,k->oa", Rw, v) for v in Bfree]
        lin_abs = [np.einsum("aok,k->oa", aCw, np.abs(v)) for v in (Y0, *Bfree)]
        lin_abs += [np.einsum("aok,k->oa", aRw, v) for v in Bfree]
        self.gram = {
            "quad": np.moveaxis(quad, 0, 1),  # (n_y, 3, a, b): S·S, R·S, R·R
            "quad_abs": np.moveaxis(quad_abs, 0, 1),
            "lin": np.stack(lin, axis=-1),  # (n_y, a, 1 + 2 n_b)
            "lin_abs": np.stack(lin_abs, axis=-1),
            "YY": float(Y0 @ (w * Y0)),
            "YB": (Bfree * w) @ Y0,
            "BB": (Bfree * w) @ Bfree.T,
            "signal_free": bool(free[0]),
            "pw": np.concatenate([pw[:1][free[:1]], pw[1:][fb]]),
            "n_b": fb.size,
        }

    def chi2_table(self, table: Any, lo: int, hi: int) -> Array:
        """χ² on rows lo:hi of the grid from the Gram matrices (no bin counts formed).

        Two parametrisations of the normalisations are solved at every point: x = θ (the
        nuisances, prior centred at 0, residual r = Y0 − ΣB − S) and x = 1 + θ (prior centred
        at 1, residual Y0 for a free signal); each χ² is the quadratic function evaluated at
        its solution (stationary: errors of the solve enter at second order) together with a
        bound on its rounding, Σ of the absolute values of its terms. The better-conditioned
        one is kept; points where even that bound exceeds 1e-11 × max(1, χ²) (a signal whose
        polynomial terms cancel) are recomputed from their bin counts.
        """
        g = self.gram
        mono, ys = table.monomials(lo, hi)
        amono = np.abs(mono)
        Q = _quadratic_forms(g["quad"][ys], mono)  # (3, P, O): SS, RS, RR
        Qa = _quadratic_forms(g["quad_abs"][ys], amono)
        L = np.einsum("ap,oan->npo", mono, g["lin"][ys])  # (1 + 2 n_b, P, O)
        La = np.einsum("ap,oan->npo", amono, g["lin_abs"][ys])
        nb, sfree = g["n_b"], g["signal_free"]
        SS, RS, RR = Q
        SSa, RSa, RRa = Qa
        SY, SYa = L[0], La[0]
        SB, SBa = L[1 : 1 + nb], La[1 : 1 + nb]
        RB, RBa = L[1 + nb :], La[1 + nb :]
        shape = SS.shape
        YB = g["YB"][:, None, None] * np.ones(shape)
        BB = np.broadcast_to(g["BB"], (*shape, nb, nb))

        def assemble(h_s, h_s_abs, h_b, h_b_abs):
            # unknowns: the signal's (if free), then the free backgrounds'
            parts_G, parts_Ga, hs, has = [], [], [], []
            if sfree:
                parts_G.append((SS, SB))
                parts_Ga.append((SSa, SBa))
                hs.append(h_s)
                has.append(h_s_abs)
            hs.extend(h_b)
            has.extend(h_b_abs)
            m = len(hs)
            G = np.zeros((*shape, m, m))
            Ga = np.zeros((*shape, m, m))
            j = 0
            if sfree:
                G[..., 0, 0], Ga[..., 0, 0] = SS, SSa
                for b in range(nb):
                    G[..., 0, 1 + b] = G[..., 1 + b, 0] = SB[b]
                    Ga[..., 0, 1 + b] = Ga[..., 1 + b, 0] = SBa[b]
                j = 1
            G[..., j:, j:] = BB
            Ga[..., j:, j:] = np.abs(BB)
            h = np.stack(hs, axis=-1) if m else np.zeros((*shape, 0))
            ha = np.stack(has, axis=-1) if m else np.zeros((*shape, 0))
            return G, Ga, h, ha

        pw = g["pw"]
        forms = []
        # x = θ: residual r = Y0 − ΣB_free − S, prior centred at 0
        G, Ga, h, ha = assemble(RS, RSa, list(RB), list(RBa))
        forms.append(_solved(RR, RRa, G, Ga, h, ha, pw, np.zeros(pw.size)))
        # x = 1 + θ: residual Y0 (free signal) or Y0 − S, prior centred at 1
        if sfree:
            y, ya = g["YY"] * np.ones(shape), g["YY"] * np.ones(shape)
        else:
            y, ya = g["YY"] - 2.0 * SY + SS, g["YY"] + 2.0 * SYa + SSa
        h_b = [YB[b] - (0.0 if sfree else SB[b]) for b in range(nb)]
        h_b_abs = [np.abs(YB[b]) + (0.0 if sfree else SBa[b]) for b in range(nb)]
        G, Ga, h, ha = assemble(SY, SYa, h_b, h_b_abs)
        forms.append(_solved(y, ya, G, Ga, h, ha, pw, np.ones(pw.size)))
        (c_t, m_t), (c_l, m_l) = forms
        use_t = m_t <= m_l
        chi2 = np.where(use_t, c_t, c_l)
        bound = 4.0 * np.finfo(float).eps * np.where(use_t, m_t, m_l)
        bad = ~(bound <= 1e-11 * np.maximum(1.0, np.abs(chi2)))
        if np.any(bad):
            p, o = np.nonzero(bad)
            coeffs = table.coeffs[:, ys, :]
            counts = np.einsum("an,ank->nk", mono[:, p], coeffs[:, o, :])
            chi2[p, o] = self.chi2(np.clip(counts, 0.0, None))
        return table.arrange(chi2[:, :, None], lo, hi)[..., 0]


def _quadratic_forms(grams: Array, mono: Array) -> Array:
    """Σ_ab m_a G_ab m_b for every Gram (n_y, n_g, a, b) and point: (n_g, n_points, n_y)."""
    n_y, n_g, a, b = grams.shape
    T = (grams.reshape(n_y * n_g * a, b) @ mono).reshape(n_y, n_g, a, -1)
    return np.einsum("ap,ogap->gpo", mono, T)


def _solved(y, ya, G, Ga, h, ha, pw, centre) -> tuple[Array, Array]:
    """min_x y − 2hᵀx + xᵀGx + Σ pw (x − centre)², and the rounding scale of its terms."""
    m = h.shape[-1]
    if m == 0:
        return y, ya
    rhs = h + pw * centre
    A = G + np.diag(pw)
    if m == 1:
        with np.errstate(divide="ignore", invalid="ignore"):
            x = rhs / A[..., 0]
        x = np.where(np.isfinite(x), x, 0.0)
    else:
        try:
            x = np.linalg.solve(A, rhs[..., None])[..., 0]
        except np.linalg.LinAlgError:
            x = (np.linalg.pinv(A) @ rhs[..., None])[..., 0]
    Gx = np.einsum("...ij,...j->...i", G, x)
    prior = np.sum(pw * (x - centre) ** 2, axis=-1)
    chi2 = y - 2.0 * np.sum(h * x, axis=-1) + np.sum(x * Gx, axis=-1) + prior
    ax = np.abs(x)
    scale = ya + 2.0 * np.sum(ha * ax, axis=-1)
    scale = scale + np.sum(ax * np.einsum("...ij,...j->...i", Ga, ax), axis=-1) + prior
    return chi2, scale


@dataclass
class PoissonStatistic:
    """Baker–Cousins χ² with profiled normalisations (:func:`poisson_chi2`)."""

    observed: Array
    backgrounds: Array | None
    sigma_signal: Any
    sigma_backgrounds: Any

    name = "poisson"
    gram = None

    def chi2(self, signals: Array) -> Array:
        return poisson_chi2(
            self.observed,
            signals,
            self.backgrounds,
            sigma_signal=self.sigma_signal,
            sigma_backgrounds=self.sigma_backgrounds,
        )


@dataclass
class LikelihoodStatistic:
    """Profiled χ² of a joint :class:`~cevns_core.likelihood.Likelihood`, warm-started row by
    row (module docstring). ``start`` holds the nuisances profiled at the null point."""

    likelihood: Any
    start: Array | None = None

    name = "likelihood"
    gram = None

    def null(self, signal: Array) -> float:
        """χ² of the no-new-physics prediction; its nuisances become the first start."""
        chi2, theta = self.likelihood.model.chi2(signal[None, :], return_nuisances=True)
        self.start = theta[0]
        return float(chi2[0])

    def chi2(self, signals: Array) -> Array:
        lik = self.likelihood.model  # the CEvNS cells; external terms: plan.external
        if signals.ndim == 2:  # a 1-D grid: one batch from the null point's nuisances
            return lik.chi2(signals, start=self.start)
        out = np.empty(signals.shape[:-1])
        previous: list[Array] = []
        for i in range(signals.shape[0]):
            start = self.start if not previous else previous[-1]
            if len(previous) == 2:
                # a secant predictor along the axis; kept where it starts lower
                guess = 2.0 * previous[1] - previous[0]
                better = lik.chi2_at(signals[i], guess) < lik.chi2_at(signals[i], start)
                start = np.where(better[:, None], guess, start)
            out[i], theta = lik.chi2(signals[i], return_nuisances=True, start=start)
            previous = [*previous[-1:], theta]
        return out
