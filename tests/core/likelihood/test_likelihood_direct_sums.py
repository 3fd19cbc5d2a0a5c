"""Each shipped data set's likelihood against a slow direct sum over its bins; Asimov fits and
nuisance pulls of each data set; the 1-D CsI 2017 Gaussian χ² against its direct sum.

The fast route (``Likelihood(name).chi2_at``: vectorised blocks of the binned model, data read
by the package's loaders) against a second route written out here: the shipped CSV/JSON files
read with the ``csv`` module, the expected counts of every cell built in a Python loop from the
signal, the background columns and the nuisances (μ_i = s_i (1 + θ_flux + θ_other) Π f_k,i(θ_k)
+ Σ_b B_b,i (1 + θ_b)), the Baker–Cousins term 2 [μ − n + n ln(n/μ)] summed cell by cell, and the
Gaussian priors (θ/σ)² with the widths of the data files (PHYSICS §8: Baker & Cousins, NIM 221
(1984) 437). Shape factors of CsI 2021 (release variations ±1σ, arrival-time offset) are the
model's own tables, interpolated here by hand: the parabola through θ = −1, 0, 1, and the spline
at one of its nodes.
"""

from __future__ import annotations

import csv
import json
import math
from importlib.resources import files

import numpy as np
import pytest

from cevns_core.likelihood import Likelihood, likelihood_names

_DATA = files("cevns_core").joinpath("data").joinpath("datasets")


def _rows(path) -> list[dict[str, float]]:
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.startswith("#")]  # fmt: skip
    return [{k: float(v) for k, v in row.items()} for row in csv.DictReader(lines)]


def _energy_time(name: str) -> dict:
    """Observed, backgrounds and prior widths of an energy × time set, from the files."""
    meta = json.loads(_DATA.joinpath("energy_time", f"{name}.json").read_text(encoding="utf-8"))
    rows = _rows(_DATA.joinpath("energy_time", meta["file"]))
    lo, hi = meta.get("analysis_window", (-math.inf, math.inf))
    rows = [r for r in rows if r["pe_low"] >= lo and r["pe_high"] <= hi]
    backgrounds, sigmas = {}, {}
    for key, spec in meta["backgrounds"].items():
        values = [r[spec["column"]] for r in rows]
        if spec.get("smooth") == "flat_time":
            # the energy bin's total spread over its time bins in proportion to their widths
            for i, r in enumerate(rows):
                same = [s for s in rows if s["pe_low"] == r["pe_low"]]
                total = sum(s[spec["column"]] for s in same)
                width = sum(s["t_high_us"] - s["t_low_us"] for s in same)
                values[i] = total * (r["t_high_us"] - r["t_low_us"]) / width
        backgrounds[f"{name}:{key}"] = values
        sigmas[f"{name}:{key}"] = spec["uncertainty"]
    signal = meta["signal_nuisances"]
    other = signal.get("signal_other", 0.0)
    if other:
        sigmas[f"{name}:signal_other"] = other
    sigmas["sns_flux"] = signal["sns_flux"]
    return {"observed": [r[meta["observed"]] for r in rows], "backgrounds": backgrounds,
            "sigmas": sigmas}  # fmt: skip


def _poisson_set(name: str) -> dict:
    """The same for the LAr 2020 sets (energy bins, or energy × F90 × time cells)."""
    meta = json.loads(_DATA.joinpath(f"{name}.json").read_text(encoding="utf-8"))
    rows = _rows(_DATA.joinpath(meta["file"]))
    lo, hi = meta["analysis_window"]
    if "edges" in meta:
        rows = [r for r in rows if r[meta["edges"][0]] >= lo and r[meta["edges"][1]] <= hi]
    else:
        rows = [r for r in rows if lo <= r["energy_keVee"] <= hi]
    sigmas = {f"{name}:{k}": v for k, v in meta["background_uncertainties"].items()}
    sigmas["sns_flux"] = 0.10  # the SNS yield per proton, shared by the COHERENT sets
    sigmas[f"{name}:signal_other"] = math.sqrt(meta["signal_uncertainty"] ** 2 - 0.10**2)
    columns = meta["backgrounds"].items()
    return {
        "observed": [r[meta["observed"]] for r in rows],
        "backgrounds": {f"{name}:{k}": [r[c] for r in rows] for k, c in columns},
        "sigmas": sigmas,
    }


def _slow_chi2(files_data: dict, signal, shapes: dict, theta: dict) -> float:
    """Python loop over the cells: expected counts, Baker–Cousins terms, priors."""
    norm = sum(t for k, t in theta.items() if k == "sns_flux" or k.endswith(":signal_other"))
    total = 0.0
    for i, n in enumerate(files_data["observed"]):
        factor = 1.0
        for key, (nodes, table) in shapes.items():
            z = theta[key]
            if len(nodes) == 3:  # Lagrange parabola through θ = −1, 0, 1
                lo, mid, hi = table[0][i], table[1][i], table[2][i]
                factor *= mid + 0.5 * (hi - lo) * z + (0.5 * (hi + lo) - mid) * z * z
            else:  # the test puts θ on a node of the spline
                factor *= table[list(nodes).index(z)][i]
        mu = signal[i] * (1.0 + norm) * factor
        for key, values in files_data["backgrounds"].items():
            mu += values[i] * (1.0 + theta[key])
        total += 2.0 * (mu - n + (n * math.log(n / mu) if n > 0 else 0.0))
    for key, sigma in files_data["sigmas"].items():
        total += (theta[key] / sigma) ** 2
    for key in shapes:
        total += theta[key] ** 2  # shape nuisances in units of their 1σ (offset: of 0.1 μs)
    return total


@pytest.mark.parametrize("name", likelihood_names())
def test_likelihood_of_each_data_set_equals_a_direct_sum_over_its_bins(name):
    assert set(likelihood_names()) == {"coherent_csi_2017_2d", "coherent_csi_2021",
                                       "coherent_lar_2020", "coherent_lar_2020_3d"}  # fmt: skip
    lik = Likelihood(name)
    energy_time = name in ("coherent_csi_2017_2d", "coherent_csi_2021")
    data = _energy_time(name) if energy_time else _poisson_set(name)
    np.testing.assert_array_equal(lik.observed, data["observed"])
    shapes = {s.nuisance: (s.nodes.tolist(), s.factors.tolist())
              for s in lik.parts[0].shape_effects()}  # fmt: skip
    # every nuisance of the model is one of the files' (or a shape effect), with that prior
    assert set(lik.nuisance_names) == set(data["sigmas"]) | set(shapes)
    for nu in lik.nuisances:
        assert nu.sigma == pytest.approx(data["sigmas"].get(nu.name, 1.0), rel=1e-12), nu.name
    # nuisances away from 0, of both signs (a shape nuisance at 0.6 σ or on a spline node)
    theta = {}
    for k, key in enumerate(lik.nuisance_names):
        sign = 1.0 if k % 2 == 0 else -1.0
        if key in shapes:
            theta[key] = 1.0 if len(shapes[key][0]) > 3 else 0.6 * sign
        else:
            theta[key] = 0.7 * sign * min(data["sigmas"][key], 0.5)
    signal = lik.predict()
    for scale in (1.0, 0.5):  # the SM signal and half of it
        fast = float(lik.chi2_at(scale * signal, theta))
        slow = _slow_chi2(data, (scale * signal).tolist(), shapes, theta)
        assert fast == pytest.approx(slow, rel=1e-10)
    if name == "coherent_csi_2021":  # quenching, efficiency and timing: every kind present
        assert len(shapes) == 4 and any(len(nodes) > 3 for nodes, _ in shapes.values())


@pytest.mark.parametrize("name", likelihood_names())
def test_asimov_sin2_fit_of_each_data_set_recovers_the_input(name):
    """Data = the expected counts at sin²θ_W = 0.25 (nuisances at 0): the fit returns 0.25 with
    χ²_min = 0 and every nuisance at 0."""
    import cevns_core as cc

    lik = Likelihood(name)
    truth = lik.predict(cc.StandardModel(sin2_theta_W=0.25))
    asimov = lik.with_observed(lik.expected(truth))
    p = cc.fit_sin2_theta_w(asimov, grid=np.linspace(0.2, 0.3, 101))
    assert p.best_fit == pytest.approx(0.25, abs=1e-5)  # 1 % of the grid step (refined minimum)
    assert p.chi2_min == pytest.approx(0.0, abs=1e-8)
    np.testing.assert_allclose(p.nuisances[np.argmin(p.chi2)], 0.0, atol=1e-4)


@pytest.mark.parametrize("name", likelihood_names())
def test_pulls_of_each_data_set_after_a_one_sigma_shift(name):
    """Asimov data with one nuisance at +1σ (each in turn), profiled at the true signal.

    For a model linear in θ with Gaussian errors (data information H, prior P = diag 1/σ²),
    data y = A σ_k e_k give θ̂ = (H + P)⁻¹ H σ_k e_k, so the pull θ̂_k/σ_k = [(H + P)⁻¹ H]_kk lies
    in [0, 1] (the share of the data in what is known of θ_k: 0 for a nuisance the data cannot
    see, 1 for one they fix) and equals χ²_min exactly (χ²_min = uᵀ H (H + P)⁻¹ P u with
    u = σ_k e_k). The Poisson likelihood and the non-linear shape factors depart from that by
    O(θ²) corrections: a few 10⁻³ here, so 0.01."""
    lik = Likelihood(name)
    signal = lik.predict()
    for k, nu in enumerate(lik.nuisances):
        shifted = lik.with_observed(lik.expected(signal, {nu.name: nu.sigma}))
        assert float(shifted.chi2_at(signal, {nu.name: nu.sigma})) == pytest.approx(1.0)
        chi2, theta = shifted.chi2(signal, return_nuisances=True)
        pull = theta[k] / nu.sigma
        assert -1e-3 <= pull <= 1.0 + 1e-3, nu.name
        assert float(chi2) == pytest.approx(pull, abs=0.01), nu.name


def test_csi_2017_gaussian_chi2_equals_a_direct_sum_over_its_bins():
    """The 1-D CsI 2017 set keeps COHERENT's 2017 Gaussian χ² (PHYSICS §8.1; PKK's fits):
    residual N_i = coincidence − anticoincidence counts, σ_i² = N_i + 2 B_ss,i + B_n,i,
    χ²(α, β) = Σ_i [N_i − (1 + α) S_i − (1 + β) B_n,i]² / σ_i² + (α/0.28)² + (β/0.25)².
    Written out cell by cell from the shipped CSV and minimised over (α, β) by a generic
    minimiser, against cc.dataset_chi2 (closed-form profile)."""
    from scipy.optimize import minimize

    import cevns_core as cc
    from cevns_core.fits import predict_signal

    meta = json.loads(_DATA.joinpath("coherent_csi_2017.json").read_text(encoding="utf-8"))
    lo, hi = meta["analysis_window"]
    rows = [
        r for r in _rows(_DATA.joinpath(meta["file"])) if r["pe_low"] >= lo and r["pe_high"] <= hi
    ]
    residual = [r["on_coincidence"] - r["on_anticoincidence"] for r in rows]
    variance = [n + 2.0 * r["on_anticoincidence"] + r["prompt_neutrons"]
                for n, r in zip(residual, rows, strict=True)]  # fmt: skip
    s_alpha = meta["signal_uncertainty"]
    s_beta = meta["background_uncertainties"]["prompt_neutrons"]
    signal = predict_signal("coherent_csi_2017", "coherent_csi_2017")

    def slow(x, scale):
        alpha, beta = x
        total = (alpha / s_alpha) ** 2 + (beta / s_beta) ** 2
        for n, var, s, r in zip(residual, variance, signal, rows, strict=True):
            mu = (1 + alpha) * scale * s + (1 + beta) * r["prompt_neutrons"]
            total += (n - mu) ** 2 / var
        return total

    for scale in (1.0, 0.6):
        chi2, theta = cc.dataset_chi2("coherent_csi_2017", scale * signal, return_nuisances=True)
        best = minimize(slow, np.zeros(2), args=(scale,), method="BFGS", options={"gtol": 1e-10})
        assert float(chi2) == pytest.approx(best.fun, rel=1e-8)
        np.testing.assert_allclose(theta, best.x, atol=1e-5)
        assert float(chi2) == pytest.approx(slow(theta, scale), rel=1e-12)
