"""Statistics (PHYSICS.md §8; issue 4 item 2).

* R34: the Δχ² table of PHYSICS §8.2 to 1e-3, and thresholds equal to scipy.stats.chi2.ppf;
* Gaussian χ²: the analytic profile of the nuisances equals a brute-force numerical minimisation
  (scipy.optimize.minimize, a second method) on random inputs, vectorised over signal vectors;
* Poisson χ²: the vectorised Newton profile equals iminuit's MIGRAD (second method);
* Asimov data: the χ² minimum sits at the truth with nuisances at 0 (Gaussian and Poisson);
* interval extraction (two-sided, several disjoint intervals, open ends, upper limits);
* bad input raises CevnsError with a clear message.
"""

import math

import numpy as np
import pytest
from scipy import optimize, stats

from cevns_core.errors import CevnsError
from cevns_core.statistics import (
    CL_1SIGMA,
    CL_3SIGMA,
    Interval,
    Profile1D,
    asimov_data,
    baker_cousins,
    best_fit,
    cl_from_sigma,
    coherent_variance,
    confidence_intervals,
    delta_chi2_table,
    delta_chi2_threshold,
    gaussian_chi2,
    gaussian_chi2_total,
    poisson_chi2,
    poisson_chi2_total,
    upper_limit,
)

# PHYSICS.md §8.2 (R34), as printed: rows 1σ, 90 %, 95 %, 2σ, 99 %, 3σ; columns 1, 2, 3 dof.
R34 = [
    (1.000, 2.296, 3.527),
    (2.706, 4.605, 6.251),
    (3.841, 5.991, 7.815),
    (4.000, 6.180, 8.025),
    (6.635, 9.210, 11.345),
    (9.000, 11.829, 14.156),
]


# ----------------------------------------------------------------------------- CL levels
def test_r34_table():
    rows = delta_chi2_table()
    assert rows[0]["label"].endswith("(1σ)")
    for row, expected in zip(rows, R34, strict=True):
        got = [row["thresholds"][k] for k in (1, 2, 3)]
        np.testing.assert_allclose(got, expected, atol=1e-3)


@pytest.mark.parametrize("cl", [0.5, 0.6827, 0.9, 0.95, 0.99, 0.999])
@pytest.mark.parametrize("dof", [1, 2, 3, 5])
def test_thresholds_are_chi2_ppf(cl, dof):
    assert delta_chi2_threshold(cl, dof) == pytest.approx(stats.chi2.ppf(cl, dof), rel=1e-12)


def test_sigma_levels():
    assert cl_from_sigma(1) == pytest.approx(0.6826894921, abs=1e-10)
    assert CL_3SIGMA == pytest.approx(0.9973002040, abs=1e-10)
    assert delta_chi2_threshold(sigma=1) == pytest.approx(1.0, abs=1e-12)
    assert delta_chi2_threshold(sigma=3) == pytest.approx(9.0, abs=1e-9)
    assert delta_chi2_threshold(sigma=2, dof=2) == pytest.approx(6.180, abs=1e-3)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"cl": 0.0}, r"\(0, 1\)"),
        ({"cl": 1.0}, r"\(0, 1\)"),
        ({"cl": 90}, "percentage"),
        ({"cl": -0.1}, r"\(0, 1\)"),
        ({"cl": float("nan")}, r"\(0, 1\)"),
        ({"cl": 0.9, "dof": 0}, "dof"),
        ({"cl": 0.9, "dof": 1.5}, "dof"),
        ({"cl": 0.9, "dof": "two"}, "dof"),
        ({}, "exactly one"),
        ({"cl": 0.9, "sigma": 1}, "exactly one"),
        ({"sigma": -1}, "n_sigma"),
    ],
)
def test_threshold_bad_input(kwargs, match):
    with pytest.raises(CevnsError, match=match):
        delta_chi2_threshold(**kwargs)


# ----------------------------------------------------------------------------- Gaussian
def _gaussian_brute(obs, sig, bkgs, var, sigmas):
    """Second method: numerical minimisation of the χ² written out term by term."""
    comps = [sig, *bkgs]
    free = [k for k, s in enumerate(sigmas) if s > 0]

    def chi2(x):
        theta = np.zeros(len(comps))
        theta[free] = x
        pred = sum((1 + t) * c for t, c in zip(theta, comps, strict=True))
        pen = sum((theta[k] / sigmas[k]) ** 2 for k in free if np.isfinite(sigmas[k]))
        return np.sum((obs - pred) ** 2 / var) + pen

    if not free:
        return chi2(np.zeros(0))
    res = optimize.minimize(chi2, np.zeros(len(free)), method="BFGS", options={"gtol": 1e-10})
    return res.fun


@pytest.mark.parametrize(
    "sigmas",
    [(0.28, 0.25), (0.28, 0.0), (0.0, 0.25), (math.inf, 0.25), (0.1, 0.3, 0.5), (0.0, 0.0)],
)
def test_gaussian_profile_equals_numerical_minimisation(sigmas):
    rng = np.random.default_rng(7)
    n, n_sig = 12, 6
    bkgs = rng.uniform(1.0, 10.0, size=(len(sigmas) - 1, n))
    signals = rng.uniform(0.0, 30.0, size=(2, n_sig // 2, n))  # a (2, 3) batch
    obs = rng.poisson(signals[0, 0] + bkgs.sum(axis=0)).astype(float) - rng.uniform(0, 3, n)
    var = rng.uniform(5.0, 40.0, n)
    chi2, nuis = gaussian_chi2(
        obs,
        signals,
        bkgs,
        variance=var,
        sigma_signal=sigmas[0],
        sigma_backgrounds=list(sigmas[1:]),
        return_nuisances=True,
    )
    assert chi2.shape == (2, 3)
    assert nuis.shape == (2, 3, len(sigmas))
    for idx in np.ndindex(2, 3):
        brute = _gaussian_brute(obs, signals[idx], bkgs, var, sigmas)
        assert chi2[idx] == pytest.approx(brute, rel=1e-7, abs=1e-9)
    fixed = [k for k, s in enumerate(sigmas) if s == 0]
    assert np.all(nuis[..., fixed] == 0.0)


def test_gaussian_two_by_two_closed_form():
    """The 2×2 system of the COHERENT χ² solved by hand (Cramer's rule) for one signal vector."""
    obs = np.array([20.0, 15.0, 8.0])
    S = np.array([15.0, 10.0, 5.0])
    B = np.array([2.0, 2.0, 1.0])
    ss = np.array([10.0, 12.0, 9.0])
    var = coherent_variance(obs, ss, B)
    sa, sb = 0.28, 0.25
    w = 1 / var
    r = obs - S - B
    A = np.array([[np.sum(S * S * w) + sa**-2, np.sum(S * B * w)], [0, 0.0]])
    A[1] = [A[0, 1], np.sum(B * B * w) + sb**-2]
    b = np.array([np.sum(r * S * w), np.sum(r * B * w)])
    det = A[0, 0] * A[1, 1] - A[0, 1] ** 2
    alpha = (b[0] * A[1, 1] - b[1] * A[0, 1]) / det
    beta = (A[0, 0] * b[1] - A[0, 1] * b[0]) / det
    expected = np.sum((r - alpha * S - beta * B) ** 2 * w) + (alpha / sa) ** 2 + (beta / sb) ** 2
    chi2, nuis = gaussian_chi2(obs, S, B, variance=var, return_nuisances=True)
    assert float(chi2) == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(nuis, [alpha, beta], rtol=1e-12)


def test_gaussian_fast_on_many_signals():
    rng = np.random.default_rng(1)
    signals = rng.uniform(0, 20, size=(20000, 12))
    obs = rng.uniform(1, 20, 12)
    chi2 = gaussian_chi2(obs, signals, rng.uniform(0, 2, 12), variance=obs + 5)
    assert chi2.shape == (20000,)
    assert np.all(chi2 >= 0)


def test_gaussian_total_is_one_bin():
    obs, S, B, var = [5.0, 7.0], [4.0, 5.0], [1.0, 0.5], [6.0, 8.0]
    total = gaussian_chi2_total(obs, S, B, variance=var)
    one = gaussian_chi2([12.0], [9.0], [1.5], variance=[14.0])
    assert float(total) == pytest.approx(float(one), rel=1e-14)


# ----------------------------------------------------------------------------- Poisson
@pytest.mark.parametrize("sigmas", [(0.28, 0.25), (math.inf, 0.1, 1.0), (0.0, 0.3), (0.13,)])
def test_poisson_newton_equals_minuit(sigmas):
    rng = np.random.default_rng(11)
    n = 10
    bkgs = rng.uniform(0.5, 8.0, size=(len(sigmas) - 1, n))
    signals = rng.uniform(0.0, 15.0, size=(4, n))
    signals[0, :3] = 0.0  # bins without signal
    obs = rng.poisson(1.2 * signals[1] + bkgs.sum(axis=0)).astype(float)
    obs[-1] = 0.0  # an empty bin
    kw = {"sigma_signal": sigmas[0], "sigma_backgrounds": list(sigmas[1:]) or None}
    newton, nuis_n = poisson_chi2(obs, signals, bkgs, return_nuisances=True, **kw)
    minuit, nuis_m = poisson_chi2(obs, signals, bkgs, method="minuit", return_nuisances=True, **kw)
    np.testing.assert_allclose(newton, minuit, rtol=1e-6, atol=1e-6)
    assert np.all(newton <= minuit + 1e-8)  # Newton is at least as good as MIGRAD
    np.testing.assert_allclose(nuis_n, nuis_m, atol=2e-3)


def test_poisson_without_nuisances_is_baker_cousins():
    obs = np.array([3.0, 0.0, 7.0])
    mu = np.array([2.5, 0.4, 9.0])
    expected = 2 * np.sum(mu - obs + np.where(obs > 0, obs * np.log(obs / mu + (obs == 0)), 0))
    assert float(baker_cousins(obs, mu)) == pytest.approx(expected, rel=1e-12)
    got = poisson_chi2(obs, mu - 0.4, [0.4, 0.4, 0.4], sigma_signal=None, sigma_backgrounds=None)
    assert float(got) == pytest.approx(expected, rel=1e-12)


def test_poisson_infinite_when_no_prediction():
    assert float(poisson_chi2([1.0, 2.0], [0.0, 2.0], sigma_signal=None)) == math.inf
    assert float(baker_cousins([1.0], [0.0])) == math.inf


def test_poisson_total_is_one_bin():
    total = poisson_chi2_total([3.0, 4.0], [2.0, 1.0], [1.0, 1.0])
    one = poisson_chi2([7.0], [3.0], [2.0])
    assert float(total) == pytest.approx(float(one), rel=1e-12)


def test_poisson_large_counts_newton_converges():
    """960 cells, four components with very different sizes (the LAr 2020 3-D structure)."""
    rng = np.random.default_rng(3)
    n = 960
    ss = rng.uniform(2.0, 6.0, n)
    brn = rng.exponential(0.5, n)
    dbrn = rng.exponential(0.03, n)
    sig = rng.exponential(0.13, size=(5, n))
    obs = rng.poisson(ss + 1.1 * brn + dbrn + 1.2 * sig[0]).astype(float)
    kw = {"sigma_signal": math.inf, "sigma_backgrounds": [0.008, 0.32, 1.0]}
    newton = poisson_chi2(obs, sig, [ss, brn, dbrn], **kw)
    minuit = poisson_chi2(obs, sig[:2], [ss, brn, dbrn], method="minuit", **kw)
    np.testing.assert_allclose(newton[:2], minuit, rtol=1e-7)


# ----------------------------------------------------------------------------- Asimov
@pytest.mark.parametrize("statistic", ["gaussian", "poisson"])
def test_asimov_minimum_at_truth(statistic):
    """A toy parameter s scales a spectrum non-linearly; Asimov data at s = 0.7."""
    shape = np.array([30.0, 22.0, 15.0, 9.0, 5.0, 2.0])
    bkg = np.array([[4.0, 4.0, 3.0, 3.0, 2.0, 2.0], [1.0, 0.8, 0.5, 0.3, 0.2, 0.1]])
    grid = np.linspace(0.2, 1.2, 51)
    tilt = np.linspace(1.0, 0.5, shape.size)
    signals = (grid[:, None] ** 2 + 0.3) * shape * tilt ** grid[:, None]
    truth = 30
    data = asimov_data(signals[truth], bkg)
    np.testing.assert_allclose(data, signals[truth] + bkg.sum(axis=0))
    if statistic == "gaussian":
        chi2, nuis = gaussian_chi2(
            data,
            signals,
            bkg,
            variance=data,
            sigma_backgrounds=[0.25, 0.5],
            return_nuisances=True,
        )
    else:
        chi2, nuis = poisson_chi2(
            data, signals, bkg, sigma_backgrounds=[0.25, 0.5], return_nuisances=True
        )
    assert int(np.argmin(chi2)) == truth
    assert chi2[truth] == pytest.approx(0.0, abs=1e-9)
    np.testing.assert_allclose(nuis[truth], 0.0, atol=1e-6)
    assert np.all(chi2 >= -1e-12)
    assert best_fit(grid, chi2)[0] == pytest.approx(grid[truth], abs=1e-3)


# ----------------------------------------------------------------------------- intervals
def test_best_fit_refines_parabola():
    x = np.linspace(0.0, 1.0, 6)
    xb, yb = best_fit(x, 3.0 + (x - 0.37) ** 2 * 50)
    assert xb == pytest.approx(0.37, abs=1e-12)
    assert yb == pytest.approx(3.0, abs=1e-12)
    assert best_fit(x, x) == (0.0, 0.0)  # minimum at the edge: no refinement


def test_intervals_parabola_and_levels():
    x = np.linspace(-1.0, 3.0, 17)  # coarse: step 0.25
    p = Profile1D("x", x, ((x - 1.1) / 0.5) ** 2 + 7.0)
    assert p.best_fit == pytest.approx(1.1, abs=1e-12)
    assert p.chi2_min == pytest.approx(7.0, abs=1e-12)
    _, minus, plus = p.errors(CL_1SIGMA)
    assert (minus, plus) == (pytest.approx(0.5, abs=1e-9), pytest.approx(0.5, abs=1e-9))
    iv = p.interval(0.9)
    half = 0.5 * math.sqrt(stats.chi2.ppf(0.9, 1))
    assert (iv.lo, iv.hi) == (pytest.approx(1.1 - half, abs=1e-9), pytest.approx(1.1 + half))
    assert not iv.lo_open and not iv.hi_open
    assert 1.1 in iv


def test_disjoint_and_open_intervals():
    x = np.linspace(-3.0, 3.0, 121)
    dchi2 = (x**2 - 4.0) ** 2 / 4.0  # minima at ±2
    ivs = confidence_intervals(x, dchi2, threshold=1.0)
    assert len(ivs) == 2
    exact = [(-math.sqrt(6), -math.sqrt(2)), (math.sqrt(2), math.sqrt(6))]
    for iv, (lo, hi) in zip(ivs, exact, strict=True):
        assert iv.lo == pytest.approx(lo, abs=2e-4)
        assert iv.hi == pytest.approx(hi, abs=2e-4)
    wide = confidence_intervals(x, dchi2, threshold=20.0)
    assert wide == [Interval(-3.0, 3.0, lo_open=True, hi_open=True)]
    # upper limit of a parameter bounded below (e.g. a magnetic moment)
    mu = np.linspace(0.0, 5.0, 26)
    assert upper_limit(mu, mu**2, cl=0.9) == pytest.approx(math.sqrt(2.705543), abs=1e-6)
    assert upper_limit(mu, mu**2, cl=0.9, one_sided=True) == pytest.approx(1.281552, abs=1e-6)
    assert upper_limit(mu, mu**2 / 100, cl=0.9) == math.inf
    assert Profile1D("m", mu, mu**2).errors(0.9)[1] == math.inf  # lower end open


def test_infinite_chi2_points_allowed():
    x = np.linspace(0, 4, 9)
    y = (x - 2.0) ** 2
    y[0] = np.inf
    ivs = confidence_intervals(x, y, threshold=3.0)
    # no crossing can be interpolated towards an infinite χ²: the last allowed point is kept
    assert ivs[0].lo == 0.5
    assert not ivs[0].lo_open
    assert ivs[0].hi == pytest.approx(2 + math.sqrt(3), abs=1e-9)


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (([1.0, 2.0], [1.0, float("nan")]), {}, "NaN"),
        (([1.0, 2.0], [1.0, -1.0]), {}, "≥ 0"),
        (([1.0, 2.0], [1.0, 2.0, 3.0]), {}, "bins"),
        (([], []), {}, "empty"),
        (([1.0, 2.0], [1.0, 2.0], [[1.0, 2.0, 3.0]]), {}, "backgrounds"),
        (([1.0, 2.0], [1.0, 2.0], [1.0, 1.0]), {"sigma_backgrounds": [0.1, 0.2]}, "entries"),
        (([1.0, 2.0], [1.0, 2.0]), {"sigma_signal": -0.1}, "sigma_signal"),
        (([1.0, 2.0], [1.0, 2.0]), {"variance": [1.0, 0.0]}, "variance"),
        (([1.0, 2.0], [1.0, 2.0]), {"variance": [1.0]}, "variance"),
        (([0.0, 2.0], [1.0, 2.0]), {}, "default variance"),
        ((5.0, [1.0]), {}, "single number"),
    ],
)
def test_gaussian_bad_input(args, kwargs, match):
    with pytest.raises(CevnsError, match=match):
        gaussian_chi2(*args, **kwargs)


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (([1.0, -2.0], [1.0, 2.0]), {}, "observed must be ≥ 0"),
        (([1.0, float("nan")], [1.0, 2.0]), {}, "NaN"),
        (([1.0, 2.0], [[1.0, 2.0, 3.0]]), {}, "bins"),
        (([1.0, 2.0], [1.0, 2.0]), {"method": "simplex"}, "method"),
        (([[1.0, 2.0]], [1.0, 2.0]), {}, "1-D"),
    ],
)
def test_poisson_bad_input(args, kwargs, match):
    with pytest.raises(CevnsError, match=match):
        poisson_chi2(*args, **kwargs)


def test_other_bad_input():
    with pytest.raises(CevnsError, match="background"):
        asimov_data([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(CevnsError, match="≥ 0"):
        asimov_data([1.0, 2.0], [-1.0, 0.0])
    with pytest.raises(CevnsError, match="increasing"):
        confidence_intervals([0.0, 0.0, 1.0], [1.0, 0.0, 1.0])
    with pytest.raises(CevnsError, match="shape"):
        best_fit([0.0, 1.0], [1.0])
    with pytest.raises(CevnsError, match="NaN"):
        best_fit([0.0, 1.0], [1.0, float("nan")])
    with pytest.raises(CevnsError, match="cl must lie"):
        upper_limit([0.0, 1.0], [0.0, 1.0], cl=1.5)
    with pytest.raises(CevnsError, match="variance"):
        coherent_variance([-10.0], [1.0], [1.0])


def test_gaussian_profile_of_a_signal_far_above_the_data_keeps_its_digits():
    """S = 10⁶ × the data's shape: α → −1 and r − αS cancels to O(1) from O(10⁷) per bin; the
    χ² is solved for λ = 1 + α there. Reference: the same normal equations in long double."""
    obs = np.array([12.0, 30.0, 25.0, 9.0, 4.0])
    bkg = np.array([2.0, 3.0, 3.0, 2.0, 1.0])
    sig = 1e6 * np.array([1.0, 3.2, 2.1, 0.7, 0.2])
    chi2, nuis = gaussian_chi2(obs, sig, bkg, variance=obs, sigma_signal=0.28,
                               sigma_backgrounds=0.25, return_nuisances=True)  # fmt: skip
    L = np.longdouble
    o, s, b, w = (x.astype(L) for x in (obs, sig, bkg, 1.0 / obs))
    r = o - s - b
    A = np.array([[np.sum(s * s * w) + 1 / L(0.28) ** 2, np.sum(s * b * w)],
                  [np.sum(s * b * w), np.sum(b * b * w) + 1 / L(0.25) ** 2]])  # fmt: skip
    rhs = np.array([np.sum(r * s * w), np.sum(r * b * w)])
    det = A[0, 0] * A[1, 1] - A[0, 1] * A[1, 0]
    a = (rhs[0] * A[1, 1] - A[0, 1] * rhs[1]) / det
    beta = (A[0, 0] * rhs[1] - A[1, 0] * rhs[0]) / det
    exact = np.sum((r - a * s - beta * b) ** 2 * w) + (a / L(0.28)) ** 2 + (beta / L(0.25)) ** 2
    assert float(chi2) == pytest.approx(float(exact), rel=1e-12)
    assert nuis[0] == pytest.approx(float(a), rel=1e-12)


def test_interval_narrower_than_the_grid_is_never_empty():
    # Δχ² = ((x − 0.33)/0.01)² on a 0.1 grid: no grid point lies within Δχ² ≤ 1. The parabola
    # through the lowest point and its neighbours is exact for a quadratic, so the interval is
    # the analytic one, 0.33 ± 0.01 (and ± 0.01·√2.706 at 90 % CL).
    x = np.linspace(0.0, 1.0, 11)
    dchi2 = ((x - 0.33) / 0.01) ** 2
    (iv,) = confidence_intervals(x, dchi2, threshold=1.0, chi2_min=0.0)
    assert (iv.lo, iv.hi) == (pytest.approx(0.32, abs=1e-9), pytest.approx(0.34, abs=1e-9))
    assert not iv.lo_open and not iv.hi_open
    (iv90,) = confidence_intervals(x, dchi2, cl=0.9, chi2_min=0.0)
    half = 0.01 * math.sqrt(stats.chi2.ppf(0.9, 1))
    assert (iv90.lo, iv90.hi) == (pytest.approx(0.33 - half), pytest.approx(0.33 + half))
