"""The Detector model: targets, exposure, efficiencies, timing, energy conversions, bad input
(PHYSICS.md §6.2–§6.4)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cevns_core.detector import (
    Detector,
    detector_preset,
    detector_response_preset,
)
from cevns_core.errors import CevnsError
from cevns_core.quenching import LindhardQuenching
from cevns_core.response import (
    TimingEfficiency,
    efficiency_model,
    timing_fraction,
)

from ._pe import LY, QF, T_NODES
from ._pe import pe_detector as _pe_detector


# ---------------------------------------------------------------------------- targets
def test_R25_targets_of_14p57_kg_csi():
    # PHYSICS §11 R25: 14.57 kg CsI → N_Cs = N_I = 3.3772e25 (rel 1e-4)
    targets = _pe_detector().targets()
    assert set(targets) == {"Cs133", "I127"}
    assert targets["Cs133"] == pytest.approx(3.3772e25, rel=1e-4)
    assert targets["I127"] == pytest.approx(3.3772e25, rel=1e-4)


def test_exposure_and_live_time():
    det = Detector(material="Ge", mass_kg=2.0, live_time_days=365.25)
    assert det.exposure_kg_day == pytest.approx(730.5)
    assert det.exposure_kg_yr == pytest.approx(2.0)
    assert det.live_time_s == pytest.approx(365.25 * 86400)
    with pytest.raises(CevnsError, match="live_time_days is not set"):
        Detector(material="Ge").exposure_kg_day  # noqa: B018


# ------------------------------------------------------------------------- efficiencies
def test_lar_2020_efficiency_table():
    # CENNS10AnlAEfficiency.txt: 19.75 keVee → 0.952121, 20.25 → 0.952105, last row
    # 39.75 → 0.96345 (held above the table end); 0.25 keVee → 0
    eff = detector_response_preset("coherent_lar_2020")["efficiency"]
    assert eff([20.0])[0] == pytest.approx(0.5 * (0.952121 + 0.952105))
    assert eff([39.75, 60.0, 120.0]) == pytest.approx([0.96345] * 3)
    assert eff([0.0, 0.25])[0] == 0.0


# ---------------------------------------------------------------------------- timing
def test_timing_window_fraction_exponential():
    # p(t) = e^(−t/τ)/τ: fraction in [t1, t2) = e^(−t1/τ) − e^(−t2/τ)
    tau, t1, t2 = 2.2, 0.3, 6.0

    def pdf(t):
        return np.exp(-t / tau) / tau

    det = Detector(timing_window_us=(t1, t2))
    assert det.timing_fraction(pdf) == pytest.approx(
        math.exp(-t1 / tau) - math.exp(-t2 / tau), rel=1e-9
    )
    # with the timing efficiency: closed form, split at t0 = 0.52 μs
    lam, t0 = 0.0494, 0.52
    rate = 1 / tau + lam
    closed = (math.exp(-t1 / tau) - math.exp(-t0 / tau)) + math.exp(lam * t0) / (tau * rate) * (
        math.exp(-rate * t0) - math.exp(-rate * t2)
    )
    det_eff = Detector(timing_window_us=(t1, t2), timing_efficiency=TimingEfficiency())
    assert det_eff.timing_fraction(pdf) == pytest.approx(closed, rel=1e-9)
    # normalisation over a support: a PDF given up to a constant
    assert timing_fraction(lambda t: 7 * pdf(t), (t1, t2), support_us=(0, math.inf)) == (
        pytest.approx(math.exp(-t1 / tau) - math.exp(-t2 / tau), rel=1e-9)
    )
    assert Detector().timing_fraction(pdf) == 1.0


# --------------------------------------------------------------------- energy conversions
def test_threshold_recoil_energy():
    # PE: T = 6 PE / (13.348 × 0.0878) = 5.1197 keVnr
    det = _pe_detector(threshold=6.0)
    assert det.threshold_recoil_keV() == pytest.approx(6.0 / (LY * QF))
    lind = LindhardQuenching.for_target("Ge")
    ee = Detector(
        material="Ge", quenching=lind, observable="keVee", threshold=0.3, threshold_unit="keVee"
    )
    T_thr = ee.threshold_recoil_keV()
    assert float(lind.electron_equivalent_keV(T_thr)) == pytest.approx(0.3, rel=1e-12)
    assert Detector(threshold=2.5).threshold_recoil_keV() == 2.5
    assert det.d_observable_dT([1.0, 10.0]) == pytest.approx([QF * LY, QF * LY])
    assert det.recoil_from_observable(11.72) == pytest.approx(11.72 / (QF * LY))


# ---------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Detector(mass_kg=-1.0), r"mass_kg must lie in \(0, 1e\+09\], got -1"),
        (lambda: Detector(mass_kg=0.0), r"mass_kg must lie in \(0, 1e\+09\], got 0"),
        (lambda: Detector(live_time_days=-2.0), r"live_time_days must lie in \[0, 1e\+06\]"),
        (lambda: Detector(threshold_unit="eV"), "unknown threshold_unit 'eV'"),
        (lambda: Detector(observable="MeV"), "unknown observable 'MeV'"),
        (lambda: Detector(quenching=0.1, observable="PE"), "'PE' needs light_yield_PE_per_keVee"),
        (lambda: Detector(observable="keVee"), "observable 'keVee' needs a quenching model"),
        (
            lambda: Detector(threshold=1.0, threshold_unit="keVee"),
            "threshold_unit 'keVee' needs a quenching model",
        ),
        (
            lambda: Detector(threshold=5.0, upper_limit=5.0),
            r"upper_limit \(5 keVnr\) must exceed the threshold \(5 keVnr\)",
        ),
        (lambda: Detector(material="Unobtainium"), "malformed formula|unknown element"),
        (lambda: Detector(material="Qq"), "unknown element symbol 'Qq'"),
        (
            lambda: Detector(quenching=0.1, observable="keVee", resolution="poisson"),
            "'poisson' resolution applies to observable\\(s\\) PE, not 'keVee'",
        ),
        (lambda: Detector(resolution="lorentz"), "unknown resolution model 'lorentz'"),
        (lambda: Detector(quenching="mystery"), "unknown detector preset 'mystery'"),
        (lambda: Detector(quenching=[1, 2]), "quenching must be a QuenchingModel"),
        (lambda: Detector(efficiency=3.0), "efficiency must be None, an EfficiencyModel"),
        (lambda: Detector(timing_window_us=(2.0, 1.0)), "finite t_min < t_max"),
        (lambda: Detector(colour="red"), "unknown parameter 'colour'"),
        (lambda: Detector().response_matrix([1.0], [1.0, 1.0]), "strictly increasing"),
        (lambda: Detector().response_matrix([[1.0]], [0.0, 1.0]), "1-D array"),
        (lambda: Detector().accepts([-1.0]), r"T_keV must lie in \[0, inf\]"),
        (lambda: detector_preset("coherent_nai"), "unknown detector preset 'coherent_nai'"),
        (
            lambda: detector_response_preset("coherent_csi_2017", efficiency_variant="high"),
            "unknown efficiency variant",
        ),
    ],
)
def test_bad_input(build, message):
    with pytest.raises(CevnsError, match=message):
        build()


def test_invalid_state_set_later_is_reported_on_use():
    det = _pe_detector()
    det.light_yield_PE_per_keVee = None
    with pytest.raises(CevnsError, match="needs light_yield_PE_per_keVee"):
        det.response_matrix(T_NODES, np.arange(0.0, 10.0))


# ------------------------------------------------------------------ constant efficiency, ideal
def test_constant_efficiency_scales_every_count():
    from cevns_core.response import ConstantEfficiency

    flat = ConstantEfficiency(value=0.8)
    assert flat([0.0, 5.0, 500.0]).tolist() == [0.8, 0.8, 0.8]
    assert efficiency_model("constant", value=0.5)(3.0) == 0.5
    T, edges = np.linspace(0.5, 20.0, 40), np.array([0.0, 5.0, 10.0, 30.0])
    plain = Detector(material="Ge", mass_kg=1.0).response_matrix(T, edges)
    scaled = Detector(material="Ge", mass_kg=1.0, efficiency=flat).response_matrix(T, edges)
    np.testing.assert_allclose(scaled, 0.8 * plain, rtol=1e-15)
    with pytest.raises(CevnsError, match="value"):
        ConstantEfficiency(value=1.5)


def test_ideal_detector_keeps_target_and_exposure_only():
    lar = detector_preset("coherent_lar_2020")
    ideal = lar.ideal()
    assert ideal.targets() == lar.targets() and ideal.live_time_days == lar.live_time_days
    T = np.linspace(0.0, 100.0, 11)
    np.testing.assert_array_equal(ideal.accepts(T), 1.0)  # every recoil, no window
    assert ideal.threshold_recoil_keV() == 0.0 and ideal.observable == "keVnr"
