"""Experiment presets (issue item 4) and the reference rates they must reproduce.

* every preset builds, counts, summarises and cites its source; the PKK Table I numbers are the
  ones in the JSON files;
* COHERENT CsI[Na] 2017: R23 (6-30 PE counts), R24 (coupling schemes), PE spectrum shape against
  the digitised prediction of the Science paper;
* COHERENT LAr 2020 and CsI 2021 against the collaboration's own predictions;
* reactors: PHYSICS §5.3 / R37 (PKK Fig. 5 right) and the quenching study of PKK Fig. 6;
* bad input.

Reference numbers are written into this file (with their sources); nothing outside the package is
read at run time.
"""

import json
import math
import re
from importlib.resources import files

import numpy as np
import pytest

from cevns_core import StandardModel
from cevns_core.detector import Detector
from cevns_core.errors import CevnsError
from cevns_core.experiment import Experiment, experiment, experiment_names
from cevns_core.quenching import quenching_model
from cevns_core.sources import Atmospheric, CompositeSource, DSNBSpectrum, Reactor, Solar

PRESET_DIR = files("cevns_core").joinpath("data").joinpath("experiments")

REQUIRED = {
    "coherent_csi_2017",
    "coherent_csi_2021",
    "coherent_lar_2020",
    "coherent_ge",
    "coherent_nai",
    "ccm",
    "conus",
    "dresden_ii",
    "connie",
    "miner",
    "ricochet",
    "nucleus",
    "red100",
    "nugen",
    "texono",
    "xenon_1t_floor",
    "germanium_1t_floor",
}


def _raw(name):
    return json.loads(PRESET_DIR.joinpath(f"{name}.json").read_text(encoding="utf-8"))


# ------------------------------------------------------------------------- every preset
def test_required_presets_exist_with_snake_case_names():
    names = experiment_names()
    assert REQUIRED <= set(names)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", n) for n in names)


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_preset_builds_counts_and_cites(name):
    raw = _raw(name)
    for key in ("title", "reference", "notes"):
        assert isinstance(raw.get(key), str) and raw[key].strip(), f"{name}: empty {key}"
    exp = experiment(name)
    assert exp.reference == raw["reference"]
    # the threshold lies below the largest recoil the source can give
    assert exp.detector.threshold_recoil_keV() < exp.max_recoil_keV()
    assert exp.detector.threshold_unit in ("keVnr", "keVee", "PE")
    counts = exp.counts()
    assert math.isfinite(counts.total) and counts.total > 0
    assert sum(counts.by_isotope.values()) == pytest.approx(counts.total, rel=1e-12)
    assert sum(counts.by_flavour.values()) == pytest.approx(counts.total, rel=1e-12)
    row = exp.summary()
    for key in (
        "name",
        "title",
        "target",
        "mass_kg",
        "distance_m",
        "source",
        "threshold",
        "threshold_unit",
        "reference",
    ):
        assert key in row
    assert row["name"] == name and row["mass_kg"] > 0 and row["reference"]


def test_unknown_preset_lists_the_names():
    with pytest.raises(CevnsError) as info:
        experiment("coherent_xenon_2099")
    message = str(info.value)
    assert "coherent_xenon_2099" in message
    assert all(n in message for n in ("coherent_csi_2017", "conus", "texono"))


# PKK Table I (PHYSICS §9.6) as stored: material, mass (kg), distance (m), thermal power (GW),
# threshold and its unit. Choices inside ranges are documented in each JSON's notes.
PKK_TABLE_I = {
    "conus": ("Ge", 4.0, 17.0, 3.9, 0.3, "keVee"),
    "miner": ("Ge", 30.0, 1.0, 0.001, 0.01, "keVnr"),
    "connie": ("Si", 1.0, 30.0, 3.8, 0.028, "keVee"),
    "ricochet": ("Ge", 10.0, 10.0, 8.54, 0.05, "keVnr"),
    "nucleus": ("CaWO4", 0.001, 10.0, 8.54, 0.02, "keVnr"),
    "red100": ("Xe", 100.0, 19.0, 3.0, 0.5, "keVnr"),
    "nugen": ("Ge", 1.6, 10.0, 3.0, 0.35, "keVee"),
    "texono": ("Ge", 1.0, 28.0, 5.8, 0.15, "keVee"),
}


@pytest.mark.parametrize("name", sorted(PKK_TABLE_I))
def test_reactor_presets_carry_the_pkk_numbers(name):
    material, mass, distance, power, threshold, unit = PKK_TABLE_I[name]
    exp = experiment(name)
    det, src = exp.detector, exp.source
    assert isinstance(src, Reactor) and src.spectrum_model == "bestiole2023"
    assert str(det.material) == material and det.mass_kg == mass
    assert src.distance_m == distance and src.thermal_power_GW == power
    assert det.threshold == threshold and det.threshold_unit == unit
    assert det.live_time_days == 365.25
    if unit == "keVee":  # Lindhard with the standard k of the element
        element = material
        k = quenching_model("lindhard", target=element).k_effective
        assert det.quenching.k_effective == pytest.approx(k, rel=1e-12)


def test_coherent_planning_rows_and_ccm():
    ge, nai, ccm = experiment("coherent_ge"), experiment("coherent_nai"), experiment("ccm")
    assert (ge.detector.mass_kg, ge.source.distance_m, ge.detector.threshold) == (10.0, 22.0, 5.0)
    assert (nai.detector.mass_kg, nai.source.distance_m, nai.detector.threshold) == (
        185.0,
        21.0,
        13.0,
    )
    assert ccm.detector.mass_kg == 1e4 and ccm.source.distance_m == 23.0
    assert ccm.source.beam_power_MW == 0.1 and ccm.source.proton_energy_GeV == 0.8
    assert "ILLUSTRATIVE" in ccm.notes  # the Lujan nu/POT yield is not a cited number


def test_dresden_ii_flux_matches_cdg():
    # CDG (PHYSICS §5.3, §9.8): 4.8e13 antineutrinos cm^-2 s^-1 at the NCC-1701 detector.
    src = experiment("dresden_ii").source
    assert src.integrated() == pytest.approx(4.8e13, rel=0.02)


def test_floor_presets_are_solar_atmospheric_dsnb_tonne_years():
    for name in ("xenon_1t_floor", "germanium_1t_floor"):
        exp = experiment(name)
        assert isinstance(exp.source, CompositeSource)
        kinds = [type(s) for s in exp.source.sources]
        assert kinds == [Solar, Atmospheric, DSNBSpectrum]
        assert exp.detector.exposure_kg_yr == pytest.approx(1000.0, rel=1e-12)
        for cite in ("Vinyoles", "Battistoni", "O'Hare"):
            assert cite in exp.reference


# ------------------------------------------------------------------ COHERENT CsI 2017
# PHYSICS §6.5 and COHERENT's 2017 prediction take F_n = F_p and the form factor as built (the
# reviews' nuclear choice), not the package default (skin systematics, measured charge radius).
REVIEW = {"skin_fm": 0.0, "form_factor_params": {"proton_radius": "charge"}}


def test_coherent_csi_2017_counts_r23():
    # R23: COHERENT's prediction 173 +- 48; the package must be within 15 %, with the default
    # nuclear description (4 % below the reviews' choice: skin and nucleon size) and without.
    assert abs(experiment("coherent_csi_2017").counts().total / 173.0 - 1) < 0.15
    total = experiment("coherent_csi_2017", **REVIEW).counts().total
    assert abs(total / 173.0 - 1) < 0.15
    # PHYSICS §6.5 computes 174.7 with the acceptance evaluated at every PE value; the release
    # (and this preset) evaluates it at 1-PE bin centres (modified Heaviside 0/0.5/1), which
    # gives 173.9, 0.45 % lower. Agreement to 1 %.
    assert total == pytest.approx(174.7, rel=0.01)


def test_coupling_schemes_r24():
    # R24 / §6.5, no PE upper cut: PKK-literal 198.6, PDG 190.7, tree 185.6 events. The preset's
    # bin-centre acceptance shifts all three by the same factor, so compare ratios (1 %).
    totals = {}
    for scheme in ("pkk_literal", "pdg_nuN", "tree"):
        exp = experiment("coherent_csi_2017", physics=StandardModel(couplings=scheme), **REVIEW)
        exp.detector.upper_limit = None
        totals[scheme] = exp.counts().total
    assert totals["pkk_literal"] / totals["tree"] == pytest.approx(198.6 / 185.6, rel=0.01)
    assert totals["pdg_nuN"] / totals["tree"] == pytest.approx(190.7 / 185.6, rel=0.01)
    assert totals["tree"] == pytest.approx(185.6, rel=0.03)


# SM prediction histogram of Fig. 3 of Akimov et al., Science 357 (2017) 1123, 2-PE bins from
# 6 to 30 PE, as digitised by B. J. Kavanagh (repository bradkav/CEvNS, DataFiles/
# COHERENT_spectrum.txt, y column at x = 6.88, 8.88, ..., 29.07; secondary source, ~3-5 %
# digitisation error).
CSI_2017_FIG3 = [
    10.697,
    18.276,
    24.908,
    26.566,
    23.250,
    18.513,
    14.250,
    10.697,
    7.974,
    6.197,
    4.776,
    3.592,
]


def test_csi_2017_pe_spectrum_shape_matches_the_published_prediction():
    exp = experiment("coherent_csi_2017", **REVIEW)  # the nuclear choice of COHERENT's prediction
    counts = exp.observed_counts(np.arange(6.0, 31.0, 2.0)).total
    ours = counts / counts.sum()
    theirs = np.array(CSI_2017_FIG3) / np.sum(CSI_2017_FIG3)
    ratio = ours / theirs
    # Digitisation (3-5 % per point, pixel-quantised y values) plus the QF model (constant 0.0878
    # here; COHERENT's histogram came from their full simulation): each bin within 8 %, and the
    # bin-to-bin scatter (rms) within 4 %. Observed: max 6 % (16-18 PE), rms 3 %.
    assert np.max(np.abs(ratio - 1)) < 0.08
    assert np.sqrt(np.mean((ratio - 1) ** 2)) < 0.04
    # the peak sits in the 12-14 PE bin in both
    assert np.argmax(ours) == np.argmax(theirs) == 3
    assert counts.sum() == pytest.approx(np.sum(CSI_2017_FIG3), rel=0.05)


# ------------------------------------------------------------------ COHERENT LAr 2020
# CEvNS PDF of the CENNS-10 release (arXiv:2006.12659, Zenodo 10.5281/zenodo.3903810,
# Data/cevnspdf.txt), summed over F90 and time: events in 10-keVee bins 0-10, ..., 40-50 keVee.
# Total 128.0 = the collaboration's SM prediction (128 +- 17).
LAR_2020_ENERGY = [78.6995, 36.9689, 9.8885, 2.3647, 0.0784]


def test_lar_2020_counts_and_energy_shape():
    exp = experiment("coherent_lar_2020")
    binned = exp.observed_counts(np.arange(0.0, 130.0, 10.0)).total
    total = binned.sum()
    # 10-keVee bins vs the fine analysis bins: the efficiency of the smeared observable is
    # integrated bin by bin, so coarse bins shift the total slightly (0.15 %)
    assert total == pytest.approx(exp.counts().total, rel=0.005)
    # COHERENT's 128 comes from their simulation (their flux, Klein-Nystrand form factor,
    # efficiency folded with F90/time cuts); this preset uses the release's single-number
    # parameters. Within the quoted +-17 and within 10 % (observed: 121.9, -4.8 %).
    assert abs(total - 128.0) < 17.0
    assert total == pytest.approx(128.0, rel=0.10)
    # Shape: the four bins holding 99.9 % of the events, normalised, within 10 % (the release
    # smears and cuts in reconstructed energy with its own response; above 40 keVee both are
    # below 0.5 % of the total and differ in detail).
    ours = binned[:4] / total
    theirs = np.array(LAR_2020_ENERGY[:4]) / 128.0
    assert np.all(np.abs(ours / theirs - 1) < 0.10)
    assert np.all(binned[4:] / total < 0.005)


# ------------------------------------------------------------------ COHERENT CsI 2021
def test_csi_2021_counts_against_the_published_prediction():
    exp = experiment("coherent_csi_2021")
    total = exp.counts().total
    # Published: 341 +- 11 (th) +- 42 (exp) (PHYSICS §9.9). The preset has the release's response
    # but two inputs that are choices (see its notes): 13.99 GWh converted at 1.0 GeV per proton,
    # and the proton pulse borrowed from the LAr 2020 release (mean 440 ns, sigma 150 ns), which
    # alone moves the count by 6 % when centred at 0 instead. Tolerance: the published
    # experimental uncertainty (observed: 342.2).
    assert abs(total - 341.0) < 42.0
    fractions = exp.timing_fractions()
    assert fractions["nu_mu"] > 0.99  # the prompt pulse lies inside the 0-6 us window
    assert 0.8 < fractions["nu_e"] == fractions["nubar_mu"] < 0.9  # delayed: window x efficiency


# ------------------------------------------------------------------ reactors
def _reactor_detector(material, **kw):
    return Detector(material=material, mass_kg=1.0, live_time_days=1.0, **kw)


@pytest.mark.parametrize(
    ("threshold", "per_day"), [(0.0, 189.5), (0.1, 94.7), (0.3, 26.9), (0.5, 9.24), (1.0, 0.71)]
)
def test_reactor_reference_rates_r37(threshold, per_day):
    # PHYSICS §5.3 / R37 (PKK Fig. 5 right): natural Ge, 1 kg, 4 GW, 20 m, Huber-Mueller 2-8 MeV,
    # no quenching, events per day above a keVnr threshold; 2 %.
    exp = Experiment(
        name="r37",
        source=Reactor(thermal_power_GW=4.0, distance_m=20.0, spectrum_model="huber_mueller"),
        detector=_reactor_detector("Ge", threshold=threshold, threshold_unit="keVnr"),
    )
    assert exp.counts().total == pytest.approx(per_day, rel=0.02)


def test_pkk_fig6_quenching_of_reactor_thresholds():
    # PKK Fig. 6 (right): flux 1e13 cm^-2 s^-1, Si and Ge, events above a threshold given in keVnr
    # (no quenching) or in keVee (Lindhard). The Huber-Mueller 2-8 MeV source is scaled to the
    # flux by its distance; events per kg per day.
    base = Reactor(spectrum_model="huber_mueller")
    source = Reactor(
        spectrum_model="huber_mueller", distance_m=20.0 * math.sqrt(base.integrated() / 1e13)
    )
    assert source.integrated() == pytest.approx(1e13, rel=1e-9)
    thresholds = np.array([0.02, 0.05, 0.1, 0.2, 0.3])
    above = {}
    for material in ("Si", "Ge"):
        quench = quenching_model("lindhard", target=material)
        for unit in ("keVnr", "keVee"):
            det = _reactor_detector(material, observable=unit, quenching=quench)
            exp = Experiment(name="fig6", source=source, detector=det)
            top = float(det.observable_value(exp.max_recoil_keV()))
            binned = exp.observed_counts(np.append(thresholds, top)).total
            above[material, unit] = np.cumsum(binned[::-1])[::-1]
            assert np.all(np.diff(above[material, unit]) < 0)  # fewer events at higher threshold
        # a keVee threshold is a higher recoil energy: it cuts more
        assert np.all(above[material, "keVee"] < above[material, "keVnr"])
        # ... exactly as much as the keVnr threshold at the Lindhard-mapped recoil energy
        recoil = quench.recoil_from_electron_equivalent_keV(thresholds)
        det = _reactor_detector(material, observable="keVnr")
        exp = Experiment(name="fig6", source=source, detector=det)
        binned = exp.observed_counts(np.append(recoil, exp.max_recoil_keV())).total
        mapped = np.cumsum(binned[::-1])[::-1]
        np.testing.assert_allclose(above[material, "keVee"], mapped, rtol=1e-6)
        # one direct threshold cut agrees with the binned scan
        cut = Experiment(
            name="fig6",
            source=source,
            detector=_reactor_detector(
                material, threshold=0.1, threshold_unit="keVee", quenching=quench
            ),
        )
        assert cut.counts().total == pytest.approx(above[material, "keVee"][2], rel=1e-6)
    # orders of magnitude (no threshold: Ge 189.5/day at 3.86e12 -> 491/day at 1e13)
    assert 100 < above["Ge", "keVnr"][0] < 1000
    assert 0.2 < above["Si", "keVnr"][0] / above["Ge", "keVnr"][0] < 0.5
    # quenching matters more for Ge (Q ~ 0.13-0.17 here) than for Si at the same keVee threshold
    suppression = {m: above[m, "keVee"][2] / above[m, "keVnr"][2] for m in ("Si", "Ge")}
    assert suppression["Ge"] < suppression["Si"] < 1
    # Si (lighter) reaches higher recoils: above 1 keVnr it out-counts Ge
    si, ge = (
        Experiment(name="fig6", source=source, detector=_reactor_detector(m, threshold=1.0))
        .counts()
        .total
        for m in ("Si", "Ge")
    )
    assert si > 5 * ge


# ------------------------------------------------------------------ bad input
def test_threshold_above_the_largest_recoil_is_an_error_not_zero():
    exp = Experiment(
        name="ge_reactor",
        source=Reactor(),
        detector=_reactor_detector("Ge", threshold=50.0, threshold_unit="keVnr"),
    )
    with pytest.raises(CevnsError, match="above the largest recoil"):
        exp.counts()


def test_flux_source_without_live_time():
    exp = experiment("conus")
    exp.detector.live_time_days = None
    with pytest.raises(CevnsError, match="live_time_days"):
        exp.counts()


@pytest.mark.parametrize(
    "build",
    [
        lambda: Detector(material="Ge", mass_kg=-1.0),
        lambda: Detector(material="Ge", mass_kg=0.0),
        lambda: Detector(material="Ge", live_time_days=-1.0),
        lambda: Reactor(distance_m=-5.0),
        lambda: Reactor(thermal_power_GW=-1.0),
        lambda: experiment("conus", detector=Detector(material="Ge", mass_kg=-2.0)),
        lambda: experiment("conus", mass_kg=10.0),  # not an Experiment parameter
        lambda: experiment("conus", form_factor=object(), physics="tree"),
    ],
)
def test_bad_overrides_raise_cevns_error(build):
    with pytest.raises(CevnsError):
        build()


def test_negative_values_set_later_are_refused():
    # param itself refuses out-of-bounds assignments on a built preset (ValueError from param)
    exp = experiment("conus")
    for obj, key in (
        (exp.detector, "mass_kg"),
        (exp.detector, "live_time_days"),
        (exp.source, "distance_m"),
    ):
        with pytest.raises((CevnsError, ValueError)):
            setattr(obj, key, -1.0)
    assert exp.detector.mass_kg == 4.0 and exp.source.distance_m == 17.0
