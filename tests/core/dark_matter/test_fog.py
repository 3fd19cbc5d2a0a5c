"""The neutrino fog and floor against O'Hare's published curves (PRL 127 (2021) 251802,
arXiv:2109.03116; release cajohare/NeutrinoFog, points in data/neutrino_floor_ohare2021.csv).

Why a factor 2 with the package defaults. The floor at each mass is set by the background
that mimics the WIMP there and by that background's normalisation uncertainty (σ_floor ∝ δ·b):
* near 6 GeV it is ⁸B with O'Hare's 2 % flux uncertainty — same flux model here, so the
  floors agree to a few per cent;
* above ~20 GeV it is the atmospheric flux (δ = 25 %, both): the shipped FLUKA table for Kamioka
  (7.32 cm⁻² s⁻¹ over 13–944 MeV) is ≈ 1/1.5 of the spectrum O'Hare normalises to 10.7 cm⁻² s⁻¹,
  so the floor is ≈ 0.6–0.7 of his there (the test below with his normalisation recovers ≈ 1);
* his release rescales each binned neutrino spectrum to its whole rate above threshold,
  recoils above the 200 keV upper end included (src/NeutrinoFuncs.py, BinnedNeutrinoRates): for
  the atmospheric neutrinos that adds 13 % on argon (0.5 % on Ge, 0.1 % on Xe; 89 % on
  fluorine, whose floor above 20 GeV is ≈ 0.4 of his here, not tested), which raises his floors;
* smaller effects: natural isotopic mixtures vs his single isotopes (Xe131, Ge74, and "Ar40"
  recorded with N = 21, i.e. A = 39, in his src/Params.py), the halo (Baxter et al. 2021 vs his
  σ_v = 167, v_esc = 533, v_lab = 245.6 km/s: a few %), true nuclear masses and q = √(2MT + T²)
  vs 0.9315 A GeV in the Helm form factor (< 1 %), geoneutrinos and reactor antineutrinos not
  modelled (they matter below ~3 GeV, not compared), and the exposure grid of the gradient.
"""

import numpy as np
import pytest

from cevns_core import CevnsError, StandardHaloModel, neutrino_fog
from cevns_core.dark_matter import gradient_index, ohare2021_floor_points

PUBLISHED = ohare2021_floor_points()


@pytest.mark.parametrize("target", ["Xe", "Ge", "Ar"])
def test_floor_within_a_factor_two_of_ohare(target):
    masses, published = PUBLISHED[target]
    fog = neutrino_fog(target, masses)
    ratio = fog.floor_cm2 / published
    assert np.all((ratio > 0.5) & (ratio < 2.0)), ratio
    # the ⁸B-dominated point (6 GeV): same flux model and uncertainty, within 10 %
    assert ratio[0] == pytest.approx(1.0, abs=0.1)


@pytest.mark.parametrize("target", ["Xe", "Ge", "Ar"])
def test_floor_with_ohares_atmospheric_normalisation_and_halo(target):
    # With the atmospheric flux at his 10.7 cm⁻² s⁻¹ and his halo, what remains are the binning
    # artefact (+13 % atmospheric background for argon in his code), the isotopes (his A = 39 for
    # argon), smoothing and grid effects: within 25 %.
    masses, published = PUBLISHED[target]
    fog = neutrino_fog(
        target,
        masses,
        halo=StandardHaloModel.preset("ohare2021"),
        fluxes={"atmospheric": 10.7},
    )
    np.testing.assert_allclose(fog.floor_cm2 / published, 1.0, atol=0.25)


def test_fog_structure_for_a_heavy_wimp():
    fog = neutrino_fog("Xe", [100.0])
    n = fog.gradient_index[0]
    MT = fog.exposures_kg_yr
    # background-free start: n = 1 (σ ∝ 1/MT, fixed number of signal events)
    np.testing.assert_allclose(n[:3], 1.0, atol=1e-6)
    # the floor is the first exposure where n reaches 2, and the fog (n > 2) follows it
    assert np.all(n[MT < fog.floor_exposure_kg_yr[0]] < 2.0)
    assert n.max() > 2.5
    # the floor lies on the discovery-limit curve (same interpolation in ln σ and ln MT)
    log_sigma = np.log(fog.limits.sigma_cm2[0])
    at_floor = np.interp(np.log(fog.floor_exposure_kg_yr[0]), np.log(MT), log_sigma)
    assert at_floor == pytest.approx(np.log(fog.floor_cm2[0]), abs=1e-9)
    # the map n(σ) reproduces n on the curve at its own grid points
    j = 20
    single = neutrino_fog("Xe", [100.0], MT, sigma_grid_cm2=[fog.limits.sigma_cm2[0, j]])
    assert single.n_map[0, 0] == pytest.approx(n[j], rel=1e-9)


def test_larger_b8_uncertainty_raises_the_floor_at_six_gev():
    # σ_floor ∝ δ·b where one background dominates: 12 % (B16-GS98) instead of 2 % for ⁸B raises
    # the 6 GeV floor by a factor of a few (less than 6: spectral shape information helps)
    low = neutrino_fog("Xe", [6.0]).floor_cm2[0]
    high = neutrino_fog("Xe", [6.0], backgrounds="b16_gs98").floor_cm2[0]
    assert 3.0 < high / low < 6.0


@pytest.mark.parametrize("target", ["NaI", "CaWO4", "Si", "F", "He"])
def test_other_targets_have_a_floor(target):
    fog = neutrino_fog(target, [30.0, 1000.0])
    assert np.all(fog.floor_reached)
    assert np.all((fog.floor_cm2 > 1e-50) & (fog.floor_cm2 < 1e-40))


def test_gradient_index_of_power_laws():
    MT = np.geomspace(1.0, 1e6, 13)
    curves = np.array([1 / MT, 1 / np.sqrt(MT), MT**-0.25, np.full(MT.size, 1.0)])
    n = gradient_index(curves, MT)
    np.testing.assert_allclose(n[:3], [[1.0] * 13, [2.0] * 13, [4.0] * 13], rtol=1e-12)
    assert np.all(np.isinf(n[3]))  # a flat curve: no progress at all


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"exposures_kg_yr": [1.0, 10.0]}, "exposures_kg_yr"),
        ({"exposures_kg_yr": [10.0, 1.0, 100.0]}, "exposures_kg_yr"),
        ({"floor_index": 1.0}, "floor_index"),
        ({"sigma_grid_cm2": [[1e-46]]}, "sigma_grid_cm2"),
        ({"threshold_keV": -1.0}, "threshold_keV"),
    ],
)
def test_bad_inputs_raise(kwargs, match):
    with pytest.raises(CevnsError, match=match):
        neutrino_fog("Xe", [50.0], **kwargs)
    with pytest.raises(CevnsError):
        gradient_index([1.0, 0.5], [1.0, 2.0])
