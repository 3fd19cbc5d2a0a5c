"""⁵¹Cr source (PHYSICS.md §5.4) and solar neutrinos (§5.5)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate

from cevns_core.errors import CevnsError
from cevns_core.sources import (
    B16_GS98_FLUX,
    CR51_HALF_LIFE_DAYS,
    CR51_LINES,
    Chromium51,
    Solar,
    SOLAR_ENDPOINTS_MeV,
    allowed_beta_shape,
    decay_factor,
)
from cevns_core.units import M_E_MeV


# -- ⁵¹Cr -------------------------------------------------------------------------------------
def test_cr51_lines_and_branching_sum():
    # PHYSICS §5.4: 747 keV 81.6 %, 752 keV 8.5 %, 427 keV 8.9 %, 432 keV 1.0 %; T½ = 27.70 d
    assert sum(br for _, br in CR51_LINES) == pytest.approx(1.0, abs=1e-12)
    assert dict(CR51_LINES) == {0.747: 0.816, 0.752: 0.085, 0.427: 0.089, 0.432: 0.010}
    assert CR51_HALF_LIFE_DAYS == 27.70


def test_cr51_flux_and_decay_law():
    src = Chromium51(activity_MCi=1.0, distance_m=10.0)
    area = 4 * math.pi * 1000.0**2
    assert src.integrated() == pytest.approx(3.7e16 / area, rel=1e-12)  # 1 MCi = 3.7e16 Bq
    assert src.normalisation == "flux" and src.flavours() == ("nu_e",)
    line = {ln.energy_MeV: ln.intensity for ln in src.lines()}
    assert line[0.747] == pytest.approx(0.816 * 3.7e16 / area, rel=1e-12)
    # A(t) = A0 exp(−t ln2/T½): one half-life halves, two quarter
    assert float(decay_factor(CR51_HALF_LIFE_DAYS)) == pytest.approx(0.5, rel=1e-14)
    later = Chromium51(activity_MCi=1.0, distance_m=10.0, elapsed_days=2 * 27.70)
    assert later.integrated() == pytest.approx(src.integrated() / 4, rel=1e-12)
    t = 13.0
    assert float(decay_factor(t)) == pytest.approx(math.exp(-t * math.log(2) / 27.70), rel=1e-14)


def test_cr51_run_average_and_units():
    run = Chromium51(activity_MCi=2.0, distance_m=5.0, run_days=100.0)
    inst = Chromium51(activity_MCi=2.0, distance_m=5.0)
    # second method: quad of the decay law over the run
    avg, _ = integrate.quad(lambda t: 2.0 ** (-t / 27.70), 0.0, 100.0)
    assert run.integrated() == pytest.approx(inst.integrated() * avg / 100.0, rel=1e-10)
    assert run.fluence_over_run() == pytest.approx(run.integrated() * 100 * 86400, rel=1e-12)
    bq = Chromium51(activity_Bq=7.4e16, distance_m=5.0)
    assert bq.integrated() == pytest.approx(inst.integrated(), rel=1e-12)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"activity_MCi": -1.0},
        {"activity_MCi": 1.0, "activity_Bq": 3.7e16},
        {"activity_MCi": None},
        {"distance_m": -1.0},
        {"elapsed_days": -3.0},
        {"run_days": 0.0},
    ],
)
def test_cr51_bad_parameters(kwargs):
    with pytest.raises(CevnsError):
        Chromium51(**kwargs)


# -- solar ------------------------------------------------------------------------------------
# B16-GS98 totals (Vinyoles et al. 2017, ApJ 835 202, as quoted in PHYSICS §5.5), cm⁻² s⁻¹
B16 = {
    "pp": 5.98e10,
    "pep": 1.44e8,
    "hep": 7.98e3,
    "Be7": 4.93e9,
    "B8": 5.46e6,
    "N13": 2.78e8,
    "O15": 2.05e8,
    "F17": 5.29e6,
}


def test_solar_component_totals_equal_b16():
    assert B16_GS98_FLUX == B16
    for name, total in B16.items():
        src = Solar(components_included=[name])
        assert src.integrated() == pytest.approx(total, rel=1e-9), name
    assert Solar().integrated() == pytest.approx(sum(B16.values()), rel=1e-9)
    be7 = {ln.energy_MeV: ln.intensity for ln in Solar(components_included=["Be7"]).lines()}
    assert be7 == pytest.approx({0.8613: 0.897 * 4.93e9, 0.3843: 0.103 * 4.93e9})
    assert Solar(components_included=["pep"]).lines()[0].energy_MeV == 1.442


@pytest.mark.parametrize("name", list(SOLAR_ENDPOINTS_MeV))
def test_allowed_shapes_normalised(name):
    Q = SOLAR_ENDPOINTS_MeV[name]
    val, _ = integrate.quad(lambda e: float(allowed_beta_shape(e, Q)), 0.0, Q, limit=200)
    assert val == pytest.approx(1.0, abs=1e-8)
    # shape ∝ E² p W: check a ratio against the formula by hand
    e1, e2 = 0.3 * Q, 0.7 * Q

    def raw(e):
        W = Q - e + M_E_MeV
        return e**2 * W * math.sqrt(W**2 - M_E_MeV**2)

    ratio = float(allowed_beta_shape(e1, Q) / allowed_beta_shape(e2, Q))
    assert ratio == pytest.approx(raw(e1) / raw(e2), rel=1e-12)
    assert float(allowed_beta_shape(Q * 1.01, Q)) == 0.0


def test_solar_flavour_split():
    split = Solar(nu_e_survival=0.55)
    total = Solar().integrated()
    assert split.integrated() == pytest.approx(total, rel=1e-12)
    assert split.integrated("nu_e") == pytest.approx(0.55 * total, rel=1e-12)
    assert split.integrated("nu_mu") == pytest.approx(0.225 * total, rel=1e-12)
    assert Solar().flavours() == ("nu_e",)
    assert np.all(Solar().spectrum([20.0]) == 0.0)  # above the hep end point


def test_solar_bad_parameters():
    with pytest.raises(CevnsError):
        Solar(nu_e_survival=1.5)
    with pytest.raises(CevnsError):
        Solar(components_included=["CNO"])
