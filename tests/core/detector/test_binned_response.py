"""Detector response matrices, smearing kernels and windows (PHYSICS.md §6.3–§6.4)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

from cevns_core.detector import (
    Detector,
    detector_response_preset,
)
from cevns_core.errors import CevnsError
from cevns_core.quenching import ConstantQuenching
from cevns_core.response import (
    CsI2021Efficiency,
    GammaResolution,
    GaussianResolution,
    LogisticStepEfficiency,
    PoissonResolution,
    TabulatedEfficiency,
    node_cells,
    resolution_model,
)

from ._pe import LY, QF, T_NODES
from ._pe import pe_detector as _pe_detector


# ------------------------------------------------------------------- response matrices
def test_deterministic_columns_sum_to_efficiency():
    det = _pe_detector(efficiency=LogisticStepEfficiency())
    R = det.response_matrix(T_NODES, np.arange(0.0, 61.0))
    x = QF * LY * T_NODES
    expected = det.efficiency.applied(x)  # 1-PE bin-centre convention
    assert R.sum(axis=0) == pytest.approx(expected, abs=1e-14)
    # each recoil lands in the 1-PE bin holding its PE value
    assert np.count_nonzero(R, axis=0).max() == 1
    i = int(np.floor(x[4]))
    assert R[i, 4] == pytest.approx(expected[4])
    assert det.accepts(T_NODES) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("kind", "observable", "edges"),
    [
        ("none", "PE", np.arange(0.0, 200.0)),
        ("gaussian", "keVee", np.linspace(-5.0, 40.0, 91)),
        ("poisson", "PE", np.arange(0.0, 200.0)),
        ("gamma", "PE", np.linspace(0.0, 200.0, 101)),
    ],
)
def test_probability_conservation(kind, observable, edges):
    resolution = {
        "none": None,
        "gaussian": GaussianResolution(sigma0=0.2, stochastic=0.58),
        "poisson": PoissonResolution(),
        "gamma": GammaResolution(),
    }[kind]
    det = _pe_detector(observable=observable, threshold_unit="keVnr", resolution=resolution)
    R = det.response_matrix(T_NODES, edges)
    assert R.shape == (edges.size - 1, T_NODES.size)
    assert R.sum(axis=0) == pytest.approx(np.ones(T_NODES.size), abs=1e-9)
    assert (R >= 0).all()


@pytest.mark.parametrize("kind", ["gaussian", "poisson", "gamma"])
def test_smeared_columns_sum_to_folded_efficiency(kind):
    # Σ_i R[i, j] = E[ε(x) | T_j] over the observed distribution, computed independently
    resolution = resolution_model(kind, **({"stochastic": 1.0} if kind == "gaussian" else {}))
    eff = CsI2021Efficiency()
    det = _pe_detector(resolution=resolution, efficiency=eff, threshold_unit="keVnr")
    T = np.array([3.0, 8.0, 15.0])
    R = det.response_matrix(T, np.arange(0.0, 250.0))
    mu = QF * LY * T
    Tee = QF * T
    for j in range(T.size):
        if kind == "poisson":
            n = np.arange(0, 250)
            expected = np.sum(stats.poisson.pmf(n, mu[j]) * eff(n))
        else:
            x = np.linspace(1e-6, 249.0, 400_001)
            pdf = resolution.pdf(x, mu[j], Tee[j])
            expected = integrate.trapezoid(pdf * eff(x), x)
        assert R[:, j].sum() == pytest.approx(expected, rel=2e-3)


def test_poisson_mean_is_light_yield_times_quenched_energy():
    # P(n | μ = LY·Q·T) (PHYSICS §6.4): Σ n P(n) = LY·Q·T
    det = _pe_detector(resolution=PoissonResolution(), threshold_unit="keVnr")
    T = np.array([1.0, 5.0, 12.0, 25.0])
    R = det.response_matrix(T, np.arange(0.0, 120.0))
    n = np.arange(0.0, 119.0)
    assert n @ R == pytest.approx(LY * QF * T, rel=1e-10)
    # PE Poisson bins hold the integers n with e_i ≤ n < e_(i+1)
    R2 = det.response_matrix(T[:1], [0.0, 0.5, 1.0, 2.5, 3.0])
    mu = LY * QF
    assert R2[:, 0] == pytest.approx(
        [stats.poisson.pmf(0, mu), 0.0, stats.poisson.pmf([1, 2], mu).sum(), 0.0]
    )


def test_gamma_smearing_mean_and_variance():
    # CsI 2021: a = 0.0749/Eee, b = 9.56·Eee, shape 1 + b, rate a(1 + b):
    # mean = Eee/0.0749 ≈ 13.35·Eee PE, variance = mean²/(1 + b)
    quench = ConstantQuenching(value=0.08)
    det = Detector(
        quenching=quench,
        light_yield_PE_per_keVee=13.35,
        observable="PE",
        resolution=GammaResolution(),
    )
    T = np.array([5.0, 20.0])
    Tee = 0.08 * T
    x = np.linspace(0.0, 200.0, 200_001)
    K = det.observed_density(T, x)
    mean = integrate.trapezoid(x[:, None] * K, x, axis=0)
    var = integrate.trapezoid((x[:, None] - mean) ** 2 * K, x, axis=0)
    assert integrate.trapezoid(K, x, axis=0) == pytest.approx([1.0, 1.0], rel=1e-6)
    assert mean == pytest.approx(13.35 * Tee, rel=1e-6)
    assert var == pytest.approx((13.35 * Tee) ** 2 / (1 + 9.56 * Tee), rel=1e-5)
    # the release's own parameterisation (k = 1 + b, θ = 1/(a(1+b))), mean 1/0.0749 = 13.351·Eee
    a, b = 0.0749 / Tee, 9.56 * Tee
    release = stats.gamma(1 + b, scale=1 / (a * (1 + b)))
    assert release.mean() == pytest.approx(mean, rel=1e-4)  # 1/0.0749 = 13.3511 vs LY 13.35
    assert release.var() == pytest.approx(var, rel=2e-4)
    l1 = integrate.trapezoid(np.abs(K - release.pdf(x[:, None])), x, axis=0)
    assert (l1 < 1e-3).all()


def test_gaussian_resolution_formula_and_lar_form():
    # σ² = σ0² + F ε_pair E (+ a² E + c² E²); Ge F = 0.11, ε_pair = 2.96 eV (PHYSICS §6.4)
    ge = GaussianResolution(sigma0=0.1, fano=0.11, pair_energy_eV=2.96, linear=0.01)
    E = 2.0
    assert float(ge.sigma(E)) == pytest.approx(math.sqrt(0.01 + 0.11 * 2.96e-3 * E + 1e-4 * E**2))
    # LAr 2020: σ/E = 0.58/√E[keVee]
    lar = detector_response_preset("coherent_lar_2020")["resolution"]
    assert lar.sigma([4.0, 25.0]) == pytest.approx([0.58 * 2.0, 0.58 * 5.0])


def test_gaussian_bins_are_cdf_differences():
    det = Detector(
        quenching=ConstantQuenching(value=0.25),
        observable="keVee",
        resolution=GaussianResolution(stochastic=0.58),
    )
    T = np.array([20.0])  # Tee = 5 keVee, σ = 0.58 √5
    R = det.response_matrix(T, [0.0, 4.0, 6.0, 10.0])
    s = 0.58 * math.sqrt(5.0)
    cdf = stats.norm.cdf([0.0, 4.0, 6.0, 10.0], 5.0, s)
    assert R[:, 0] == pytest.approx(np.diff(cdf), rel=1e-12)


def test_threshold_in_observable_unit_cuts_observed_value():
    det = _pe_detector(threshold=6.0, upper_limit=30.0)
    R = det.response_matrix(T_NODES, np.arange(0.0, 61.0))
    x = QF * LY * T_NODES
    assert R.sum(axis=0) == pytest.approx(((x >= 6) & (x < 30)).astype(float))
    assert R[:6].sum() == 0 and R[30:].sum() == 0


def test_threshold_in_other_unit_cuts_true_recoil():
    det = _pe_detector(
        threshold=3.0, threshold_unit="keVnr", resolution=PoissonResolution(), upper_limit=25.0
    )
    R = det.response_matrix(T_NODES, np.arange(0.0, 100.0))
    keep = (T_NODES >= 3.0) & (T_NODES < 25.0)
    assert R.sum(axis=0) == pytest.approx(keep.astype(float), abs=1e-12)


def test_true_stage_efficiency_is_a_column_factor():
    eff = TabulatedEfficiency(x=(0.0, 2.0), efficiency=(0.0, 1.0), above="hold", stage="true")
    det = Detector(
        quenching=ConstantQuenching(value=0.25),
        observable="keVee",
        resolution=GaussianResolution(sigma0=0.3),
        efficiency=eff,
        threshold_unit="keVnr",
    )
    R = det.response_matrix(np.array([2.0, 4.0, 12.0]), np.linspace(-5.0, 10.0, 31))
    assert R.sum(axis=0) == pytest.approx([0.25, 0.5, 1.0], abs=1e-9)


def test_fractional_edges_smooth_a_flat_spectrum():
    # a flat dN/dT = 1 on a fine grid: bin counts must equal the recoil width of each bin
    det = _pe_detector()
    T = np.linspace(0.0, 30.0, 301)
    w = np.full(T.size, 0.1)
    w[[0, -1]] = 0.05  # trapezoid weights
    edges = np.arange(0.0, 31.0)
    exact = np.diff(det.recoil_bin_edges(edges))
    smooth = det.response_matrix(T, edges, fractional_edges=True) @ w
    plain = det.response_matrix(T, edges) @ w
    assert np.abs(smooth[:-1] - exact[:-1]).max() < 1e-9
    assert np.abs(plain[:-1] - exact[:-1]).max() > 0.02  # each node wholly in one bin
    lower, upper = node_cells(T, QF * LY * T)
    assert lower[0] == 0.0 and upper[:-1] == pytest.approx(lower[1:])


def test_observed_density_needs_resolution_and_integer_pe():
    det = _pe_detector()
    with pytest.raises(CevnsError, match="observed_density needs a resolution model"):
        det.observed_density(T_NODES, np.arange(5.0))
    poisson = _pe_detector(resolution=PoissonResolution())
    K = poisson.observed_density(np.array([10.0]), np.arange(0.0, 80.0))
    assert K[:, 0] == pytest.approx(stats.poisson.pmf(np.arange(80), QF * LY * 10.0))
    with pytest.raises(CevnsError, match=r"needs integer x, got 1\.5"):
        poisson.observed_density(np.array([10.0]), [1.5])
