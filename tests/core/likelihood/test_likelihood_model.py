"""BinnedPoissonModel: the χ² against a slow direct sum, the profile against other minimisers,
Asimov data and nuisance pulls."""

import math

import numpy as np
import pytest
from scipy.optimize import minimize

from cevns_core import CevnsError
from cevns_core.likelihood import BinnedPoissonModel, Component, Nuisance, ShapeEffect
from cevns_core.statistics import poisson_chi2

RNG = np.random.default_rng(7)
N = 30
BKG = np.linspace(2.0, 8.0, N)
UP = 1.0 + 0.15 * np.linspace(-1.0, 1.0, N)
DOWN = 1.0 - 0.10 * np.linspace(-1.0, 1.0, N)
SPLINE_NODES = np.linspace(-2.0, 2.0, 5)


def _model(observed, *, spline=False):
    shapes = [ShapeEffect("tilt", np.array([-1.0, 0.0, 1.0]), np.vstack([DOWN, np.ones(N), UP]))]
    if spline:
        factors = np.array(
            [1.0 + 0.05 * z * np.linspace(0, 1, N) + 0.01 * z**2 for z in SPLINE_NODES]
        )
        shapes.append(ShapeEffect("shift", SPLINE_NODES, factors))
    nuisances = [Nuisance("flux", 0.1), Nuisance("bkg", 0.25), Nuisance("tilt", 1.0, "shape")]
    if spline:
        nuisances.append(Nuisance("shift", 1.0, "shape"))
    return BinnedPoissonModel(
        "toy",
        observed,
        [
            Component("signal", None, {"flux": None}, tuple(shapes)),
            Component("b", BKG, {"bkg": None}),
        ],
        nuisances,
    )


def _direct_chi2(observed, signal, theta):
    """Slow route: a Python loop over the cells, the formulas written out once more."""
    flux, bkg, tilt = theta[:3]
    shift = theta[3] if len(theta) > 3 else None
    total = 0.0
    for i in range(N):
        f = DOWN[i] * tilt * (tilt - 1) / 2 + 1.0 * (1 - tilt**2) + UP[i] * tilt * (tilt + 1) / 2
        mu = signal[i] * (1 + flux) * f + BKG[i] * (1 + bkg)
        if shift is not None:
            # the spline through factors quadratic in z reproduces the quadratic exactly
            mu = signal[i] * (1 + flux) * f * (1 + 0.05 * shift * i / (N - 1) + 0.01 * shift**2)
            mu += BKG[i] * (1 + bkg)
        n = observed[i]
        total += 2 * (mu - n + (n * math.log(n / mu) if n > 0 else 0.0))
    priors = (
        (flux / 0.1) ** 2 + (bkg / 0.25) ** 2 + tilt**2 + (shift**2 if shift is not None else 0)
    )
    return total + priors


@pytest.mark.parametrize("spline", [False, True])
def test_chi2_at_equals_direct_sum(spline):
    signal = RNG.uniform(3.0, 12.0, N)
    observed = RNG.poisson(signal + BKG).astype(float)
    m = _model(observed, spline=spline)
    theta = [0.05, -0.2, 0.7, -0.4][: 4 if spline else 3]
    assert float(m.chi2_at(signal, theta)) == pytest.approx(
        _direct_chi2(observed, signal, theta), rel=1e-12
    )


def test_profile_equals_linear_newton_of_statistics():
    """Without shape effects the model is PHYSICS §8.1's: poisson_chi2 (another Newton code)."""
    signal = RNG.uniform(3.0, 12.0, (5, N))
    observed = RNG.poisson(signal[0] + BKG).astype(float)
    m = BinnedPoissonModel(
        "lin",
        observed,
        [Component("signal", None, {"flux": None}), Component("b", BKG, {"bkg": None})],
        [Nuisance("flux", 0.1), Nuisance("bkg", 0.25)],
    )
    ref = poisson_chi2(observed, signal, BKG, sigma_signal=0.1, sigma_backgrounds=0.25)
    np.testing.assert_allclose(m.chi2(signal), ref, rtol=1e-10, atol=1e-9)


@pytest.mark.parametrize("spline", [False, True])
def test_profile_equals_generic_minimiser(spline):
    """The vectorised Newton profile against scipy's L-BFGS-B on the direct sum."""
    signal = RNG.uniform(3.0, 12.0, (3, N))
    observed = RNG.poisson(1.1 * signal[0] + BKG).astype(float)
    m = _model(observed, spline=spline)
    chi2, theta = m.chi2(signal, return_nuisances=True)
    k = 4 if spline else 3
    for s, c, th in zip(signal, chi2, theta, strict=True):
        res = minimize(lambda x, s=s: _direct_chi2(observed, s, x), np.zeros(k), method="L-BFGS-B",
                       options={"ftol": 1e-15, "gtol": 1e-10})  # fmt: skip
        assert c <= res.fun + 1e-7
        assert c == pytest.approx(res.fun, abs=1e-5)
        np.testing.assert_allclose(th, res.x, atol=2e-3)


def test_asimov_data_give_zero_and_nominal_nuisances():
    signal = RNG.uniform(3.0, 12.0, N)
    m0 = _model(np.ones(N), spline=True)
    asimov = m0.expected(signal)
    m = _model(asimov, spline=True)
    chi2, theta = m.chi2(signal, return_nuisances=True)
    assert float(chi2) == pytest.approx(0.0, abs=1e-9)
    np.testing.assert_allclose(theta, 0.0, atol=1e-5)


def test_pulls_follow_the_data_with_shrinkage():
    """Asimov data made with the background 30 % high: with many counts the data win over the
    25 % prior (pull close to +0.3); with few counts the prior shrinks it towards 0. A signal
    normalisation left free (σ = inf) is recovered exactly."""
    signal = np.full(N, 50.0)
    for scale, lo, hi in ((1000.0, 0.28, 0.30), (0.2, 0.0, 0.2)):
        bkg = BKG * scale
        truth = BinnedPoissonModel(
            "t",
            np.ones(N),
            [Component("signal", None, {"flux": None}), Component("b", bkg, {"bkg": None})],
            [Nuisance("flux", math.inf), Nuisance("bkg", 0.25)],
        )
        data = truth.expected(signal, {"flux": 0.2, "bkg": 0.3})
        m = BinnedPoissonModel(
            "t", data, truth.components, [Nuisance("flux", math.inf), Nuisance("bkg", 0.25)]
        )
        _, theta = m.chi2(signal, return_nuisances=True)
        assert lo <= theta[1] <= hi
    # last case (signal-dominated): the free signal normalisation is recovered
    assert theta[0] == pytest.approx(0.2, abs=0.05)


def test_fixed_nuisances_and_bad_input():
    signal = RNG.uniform(3.0, 12.0, N)
    observed = RNG.poisson(signal + BKG).astype(float)
    m = _model(observed)
    _, theta = m.chi2(signal, return_nuisances=True, fixed={"tilt": 0.5})
    assert theta[2] == 0.5
    with pytest.raises(CevnsError, match="cells"):
        m.chi2(signal[:-1])
    with pytest.raises(CevnsError, match="finite"):
        m.chi2(np.full(N, np.nan))
    with pytest.raises(CevnsError, match="unknown nuisance"):
        m.chi2_at(signal, {"nope": 1.0})
    with pytest.raises(CevnsError, match="signal"):
        BinnedPoissonModel("x", observed, [Component("b", BKG)], [])
    with pytest.raises(CevnsError, match="sigma"):
        Nuisance("x", -1.0)


# ------------------------------------------------------------------ linear blocks, warm starts
def _normalisation_model(observed):
    """Only whole-component normalisations (as the LAr sets): the linear route of the profile."""
    return BinnedPoissonModel(
        "norms",
        observed,
        [
            Component("signal", None, {"flux": None, "other": None}),
            Component("b1", BKG, {"bkg": None}),
            Component("b2", BKG[::-1] * 0.5, {"b2": None}),
        ],
        [
            Nuisance("flux", 0.1),
            Nuisance("other", 0.05),
            Nuisance("bkg", 0.25),
            Nuisance("b2", 1.0),
        ],
    )


def test_linear_blocks_give_the_generic_gradient_and_hessian():
    """The per-component sums equal the generic ∂μ/∂θ rows and their products."""
    observed = RNG.poisson(BKG + 4.0).astype(float)
    observed[::7] = 0.0  # empty cells: no log term
    model = _normalisation_model(observed)
    assert model.blocks[0].linear
    signal = RNG.uniform(0.5, 6.0, (5, N))
    theta = RNG.normal(0.0, 0.1, (5, 4))
    fast = model._newton_terms(signal, theta, model._active)
    model.blocks[0].linear = False
    slow = model._newton_terms(signal, theta, model._active)
    for a, b in zip(fast, slow, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    # and the profile against a generic minimiser
    model.blocks[0].linear = True
    chi2 = model.chi2(signal[0])
    best = minimize(lambda x: float(model.chi2_at(signal[0], x)), np.zeros(4), method="Nelder-Mead",
                    options={"xatol": 1e-9, "fatol": 1e-12, "maxiter": 20000})  # fmt: skip
    assert float(chi2) == pytest.approx(best.fun, abs=1e-7)


def test_a_start_gives_the_same_profile_and_a_bad_one_is_ignored():
    observed = RNG.poisson(BKG + 3.0).astype(float)
    model = _model(observed, spline=True)
    signal = np.outer(np.linspace(0.5, 3.0, 6), np.full(N, 1.0))
    chi2, theta = model.chi2(signal, return_nuisances=True)
    warm = model.chi2(signal, start=theta[::-1])  # neighbours' values, in the wrong order
    np.testing.assert_allclose(warm, chi2, rtol=1e-9)
    far = model.chi2(signal, start=np.full(4, 40.0))  # worse than 0 at the start: not used
    np.testing.assert_allclose(far, chi2, rtol=1e-9)
    with pytest.raises(CevnsError, match="start"):
        model.chi2(signal, start=[0.0, math.nan, 0.0, 0.0])
