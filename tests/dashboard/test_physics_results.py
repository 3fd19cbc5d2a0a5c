"""The More physics results: the core's numbers, checked against a second path through the core.

Reference values: events above a threshold from a binned reversed sum must equal
``Experiment.counts()`` with that threshold (the rate engine's own integration); the grouped
dark-matter backgrounds must equal the core's background events for a one-bin analysis window;
the ν–e channel is the core's ``Counts.by_channel``; the sterile probabilities sum to 1
(unitarity, PKK Eq. (62)–(63) framework, PHYSICS §7); a 1 m baseline spread averages the
oscillation (point baseline recovered with no spread).
"""

from __future__ import annotations

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.dark_matter.backgrounds import neutrino_background
from dashboard import physics_results as pr
from dashboard.spec import preset_spec


def _with_threshold(spec: dict, T_keV: float) -> dict:
    detector = {
        **spec["detector"],
        "threshold": T_keV,
        "threshold_unit": "keVnr",
        "observable": "keVnr",
        "quenching": None,
        "efficiency": None,
        "resolution": None,
        "upper_limit": None,
        "light_yield_PE_per_keVee": None,
        "timing_window_us": None,
        "timing_efficiency": None,
    }
    return {**spec, "detector": detector}


@pytest.mark.parametrize("preset", ["conus", "coherent_csi_2017"])
def test_events_above_threshold_are_the_cores_counts_with_that_threshold(preset):
    spec = preset_spec(preset)
    data = pr.threshold_counts(spec)
    for i in (5, 30, 50):
        T = float(data["T_keV"][i])
        direct = cc.Experiment.from_spec(_with_threshold(spec, T)).counts().total
        assert data["total"][i] == pytest.approx(direct, rel=2e-3)
    assert np.all(np.diff(data["total"]) <= 0)  # fewer events above a higher threshold
    # the keVee axis is the detector's own quenching of the same thresholds
    exp = cc.Experiment.from_spec(spec)
    np.testing.assert_allclose(
        data["E_ee_keV"], exp.detector.electron_equivalent_keV(data["T_keV"]), rtol=1e-12
    )


def test_astrophysical_backgrounds_group_the_cores_components():
    data = pr.astro_backgrounds("Ge", n_bins=50)
    i = int(np.searchsorted(data["edges_keV"], 1.0))  # an edge at or just above 1 keV
    lo = float(data["edges_keV"][i])
    one_bin = neutrino_background("Ge", [lo, 100.0]).events(1000.0)  # per tonne·year
    solar = sum(v for k, v in one_bin.items() if k in pr.ASTRO_GROUPS["Solar"])
    assert data["above"]["Solar"][i] == pytest.approx(solar, rel=1e-3)
    assert data["above"]["Atmospheric"][i] == pytest.approx(one_bin["atmospheric"], rel=1e-3)
    # PKK Fig. 17: ⁸B dominates below a few keV, the atmospheric flux above ~10 keV
    assert data["above"]["Solar"][0] > 1e3 * data["above"]["Atmospheric"][0]


def test_channels_are_the_cores_by_channel_counts():
    spec = preset_spec("conus")
    data = pr.channels(spec)
    exp = cc.Experiment.from_spec(spec).copy(electron_recoils=True)
    assert data["counts"] == pytest.approx(exp.counts().by_channel)
    assert set(data["binned"]) == {"cevns", "electron"}


def test_sterile_probabilities_conserve_and_the_spread_averages():
    source = preset_spec("coherent_csi_2017")["source"]
    data = pr.sterile(source, 1.0, (("e", 0.02), ("mu", 0.03)), 5.0)
    for probs in data["probabilities"].values():
        point = sum(p for p, _ in probs.values())
        spread = sum(s for _, s in probs.values())
        np.testing.assert_allclose(point, 1.0, atol=1e-12)
        np.testing.assert_allclose(spread, 1.0, atol=1e-12)
    no_spread = pr.sterile(source, 1.0, (("e", 0.02), ("mu", 0.03)), 0.0)
    for probs in no_spread["probabilities"].values():
        for point, spread in probs.values():
            np.testing.assert_allclose(point, spread, atol=1e-12)


def test_transition_moment_of_one_mass_state_has_the_closed_form():
    # PKK Eq. (60) with Λ only in the first mass state at (nearly) zero baseline:
    # μ² = Λ₁²(1 − |U_e1|²)
    source = {**preset_spec("conus")["source"]}
    source["params"] = {**source["params"], "distance_m": 1e-3}  # the smallest allowed
    data = pr.transition_moments(source, (1e-10, 0.0, 0.0), (0.0, 0.0, 0.0))
    U = cc.physics.oscillation.pmns_matrix()
    expected = 1e-10 * np.sqrt(1.0 - abs(U[0, 0]) ** 2)
    np.testing.assert_allclose(data["curves"]["nubar_e"], expected, rtol=1e-6)


def test_nuclear_differences_vanish_for_the_reference_and_grow_with_q():
    data = pr.nuclear_differences("Ar40", ("helm", "klein_nystrand"), "helm")
    assert "helm" not in data["F_W"]  # the reference is not compared with itself
    kn = data["F_W"]["klein_nystrand"]
    assert kn[0] == pytest.approx(0.0, abs=1e-9)  # F(0) = 1 for every model
    assert kn[-1] > kn[10]
