"""The nuclear choice (form-factor parameters, neutron skin, R_n) lives on the Experiment and every
consumer honours it: spectra, counts, energy × time, scans (their SM point), fits and the CLI.

Independent routes: the rate engine called directly with ``form_factor_params`` (the route the
experiment must reproduce), per-isotope sums, and the CLI's JSON output against the API.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.fits import dataset_chi2, predict_signal
from cevns_core.nuclear_model import params_for_nucleus

PRESET = "coherent_csi_2017"


def test_spectrum_with_skin_equals_the_rate_engine_with_form_factor_params() -> None:
    exp = cc.experiment(PRESET, skin_fm=0.5)
    T = np.linspace(1.0, 40.0, 30)
    direct = cc.recoil_spectrum(
        exp.source,
        exp.detector.targets(),
        T,
        None,
        "helm",
        form_factor_params={"skin_fm": 0.5},
    )
    np.testing.assert_allclose(
        exp.recoil_spectrum(T), direct.total * exp.exposure_factor, rtol=1e-13
    )
    # a 0.5 fm skin suppresses the coherent rate at π-DAR momentum transfers
    assert np.all(exp.recoil_spectrum(T[5:]) < cc.experiment(PRESET).recoil_spectrum(T[5:]))


def test_assignment_and_keyword_give_the_same_counts() -> None:
    by_keyword = cc.experiment(PRESET, skin_fm=0.3).counts().total
    exp = cc.experiment(PRESET)
    exp.skin_fm = 0.3
    assert exp.counts().total == pytest.approx(by_keyword, rel=1e-14)
    assert exp.counts().total < cc.experiment(PRESET).counts().total


def test_per_element_skins_apply_per_nucleus() -> None:
    common = cc.experiment(PRESET, skin_fm=0.4).counts()
    by_element = cc.experiment(PRESET, skin_fm={"Cs": 0.4, "I": 0.4}).counts()
    assert by_element.total == pytest.approx(common.total, rel=1e-14)
    # only Cs gets a skin: its isotope counts are those of the common skin, iodine's the SM ones
    cs_only = cc.experiment(PRESET, skin_fm={"Cs133": 0.4}).counts()
    plain = cc.experiment(PRESET).counts()
    assert cs_only.by_isotope["Cs133"] == pytest.approx(common.by_isotope["Cs133"], rel=1e-12)
    assert cs_only.by_isotope["I127"] == pytest.approx(plain.by_isotope["I127"], rel=1e-12)


def test_explicit_neutron_radius_overrides_the_skin() -> None:
    with_both = cc.experiment(PRESET, skin_fm=0.9, R_n_fm=5.2).counts().total
    radius_only = cc.experiment(PRESET, R_n_fm=5.2).counts().total
    assert with_both == pytest.approx(radius_only, rel=1e-14)


def test_model_parameters_reach_the_rate_engine() -> None:
    exp = cc.experiment(PRESET, form_factor_params={"s_fm": 1.2})
    T = np.linspace(1.0, 30.0, 10)
    direct = cc.recoil_spectrum(
        exp.source, exp.detector.targets(), T, None, "helm", form_factor_params={"s_fm": 1.2}
    )
    np.testing.assert_allclose(
        exp.recoil_spectrum(T), direct.total * exp.exposure_factor, rtol=1e-13
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [("skin_fm", 5.0), ("skin_fm", {"Xx": 0.1}), ("skin_fm", float("nan")), ("R_n_fm", -1.0)],
)
def test_bad_nuclear_choices_are_refused_and_leave_the_experiment_unchanged(name, value) -> None:
    with pytest.raises(cc.CevnsError):
        cc.experiment(PRESET, **{name: value})
    exp = cc.experiment(PRESET)
    before = exp.counts().total
    with pytest.raises(cc.CevnsError):
        setattr(exp, name, value)
    assert exp.counts().total == before


def test_observed_and_energy_time_counts_honour_the_skin() -> None:
    """Observed counts (full response and timing acceptance) and energy × time with a skin: the
    rate engine's binned counts with ``form_factor_params`` times the timing fractions, and the
    energy × time grid summed over a time axis covering the window gives the same counts."""
    exp = cc.experiment("coherent_csi_2021", skin_fm=0.5)
    edges = exp.analysis_bins(12)
    observed = exp.observed_counts(edges).by_flavour()
    direct = cc.binned_counts(
        exp.source,
        exp.detector,
        edges,
        None,
        "helm",
        exposure=exp.exposure_factor,
        form_factor_params={"skin_fm": 0.5},
    ).by_flavour()
    fractions = exp.timing_fractions()
    assert set(fractions) == set(observed)  # a timing window: every flavour has its fraction
    for flavour, counts in observed.items():
        np.testing.assert_allclose(counts, direct[flavour] * fractions[flavour], rtol=1e-12)
    # the window is (0, 6) μs: time bins over it hold every accepted event (two quadratures of
    # the same arrival-time PDF, per time bin and over the window: they agree to ~1e-7)
    grid = exp.energy_time_counts(edges, np.linspace(0.0, 6.0, 49))
    for flavour, counts in observed.items():
        np.testing.assert_allclose(grid[flavour].sum(axis=1), counts, rtol=1e-6)
    plain = cc.experiment("coherent_csi_2021").observed_counts(edges).total
    assert exp.observed_counts(edges).total.sum() < plain.sum()


def test_params_for_nucleus_resolves_isotope_before_element() -> None:
    params = {"skin_fm": {"Cs": 0.1, "Cs133": 0.2}, "R_n_fm": {"I": 4.9}, "s_fm": 0.9}
    assert params_for_nucleus(params, "Cs133") == {"skin_fm": 0.2, "s_fm": 0.9}
    assert params_for_nucleus(params, "I127") == {"R_n_fm": 4.9, "s_fm": 0.9}


@pytest.mark.parametrize("skin", [0.0, 0.5, {"Cs": 0.4, "I": 0.1}])
def test_scan_sm_point_equals_counts_for_any_nuclear_choice(skin) -> None:
    exp = cc.experiment(PRESET, skin_fm=skin)
    for method in ("fast", "generic"):
        result = cc.scan(exp, "zprime", coupling=[0.0, 1e-4], mass_MeV=[30.0], method=method)
        assert result.counts[0, 0] == pytest.approx(exp.counts().total, rel=1e-12)


def test_scan_paths_agree_with_a_skin() -> None:
    exp = cc.experiment(PRESET, skin_fm={"Cs": 0.4, "I": 0.1})
    kw = {"coupling": [1e-5, 1e-4], "mass_MeV": [10.0, 300.0]}
    fast = cc.scan(exp, "zprime", method="fast", **kw).counts
    generic = cc.scan(exp, "zprime", method="generic", **kw).counts
    np.testing.assert_allclose(fast, generic, rtol=1e-10)


def test_neutron_radius_scan_keeps_the_other_nuclear_parameters() -> None:
    """An R_n scan point equals an experiment with that R_n and the same model parameters."""
    exp = cc.experiment(PRESET, skin_fm=0.3, form_factor_params={"s_fm": 1.0})
    result = cc.scan(exp, "rn_sin2w", R_n_fm=[5.0, 5.5])
    for k, r in enumerate([5.0, 5.5]):
        want = cc.experiment(PRESET, R_n_fm=r, form_factor_params={"s_fm": 1.0}).counts().total
        assert result.counts[k] == pytest.approx(want, rel=1e-10)


def test_fits_use_the_experiments_nuclear_choice() -> None:
    exp = cc.experiment(PRESET, skin_fm=0.4)
    grid = np.array([0.2, 0.24, 0.28])
    profile = cc.fit_sin2_theta_w(PRESET, experiment=exp, grid=grid, time_cut=False)
    for s, chi2 in zip(grid, profile.chi2, strict=True):
        signal = predict_signal(
            PRESET,
            PRESET,
            cc.StandardModel(sin2_theta_W=float(s)),
            form_factor_params={"skin_fm": 0.4},
            time_cut=False,
        )
        assert chi2 == pytest.approx(float(dataset_chi2(PRESET, signal)), rel=1e-9)


def _cli(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "cevns_core.cli", *args], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_cli_counts_with_skin_and_model_parameter() -> None:
    got = _cli(
        "counts",
        "--experiment",
        PRESET,
        "--skin-fm",
        "Cs=0.4",
        "--skin-fm",
        "I=0.2",
        "--form-factor-param",
        "s_fm=1.0",
        "--json",
    )
    want = cc.experiment(
        PRESET, skin_fm={"Cs": 0.4, "I": 0.2}, form_factor_params={"s_fm": 1.0}
    ).counts()
    assert got["total"] == pytest.approx(want.total, rel=1e-12)


def test_cli_rejects_a_bad_skin_in_one_line() -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "cevns_core.cli",
            "counts",
            "--experiment",
            PRESET,
            "--skin-fm",
            "9",
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode != 0
    assert "skin_fm" in out.stderr and "Traceback" not in out.stderr
