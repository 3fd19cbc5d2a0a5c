"""The ν–e channel inside experiments (cevns_core.experiment.electron_recoils): electron recoils
through the detector response in keVee, next to CEvNS, with the divergence rules and the spec.

The reference is a second method: cevns_core.electron_recoil_spectrum (itself tested against
brute-force quadrature and the published ν–e cross sections in tests/core/electron_scattering)
integrated over the detector window by adaptive quadrature (scipy.integrate.quad), split at the
subshell edges of the stepping approximation.
"""

import itertools
import json
import math

import numpy as np
import pytest
from scipy import integrate

import cevns_core as cc
from cevns_core.electron_scattering import atomic_shells
from cevns_core.errors import DivergentCountsError
from cevns_core.experiment.electron_recoils import CHANNEL_LABELS, split_channels
from cevns_core.units import M_E_MeV as M_E


def _window_integral(
    exp, lo_keVee, hi_keVee, flavour=None, binding="stepping", epsrel=1e-9, epsabs=0.0
):
    """∫ dN/dT_ee over [lo, hi] keVee of cc.electron_recoil_spectrum × exposure."""
    atoms = {}
    for name, count in exp.detector.targets().items():
        symbol = cc.isotope(name).symbol
        atoms[symbol] = atoms.get(symbol, 0.0) + count
    # split at the subshell edges and at T_max of the flux's break points (kinks of dN/dT)
    energies = [e for c in exp.source.continua() for e in c.edges().tolist()]
    energies += [line.energy_MeV for line in exp.source.lines()]
    kinks = [1e3 * 2 * E * E / (M_E + 2 * E) for E in energies]
    kinks += [float(b) for s in atoms for b in atomic_shells(s).binding_keV]
    edges = sorted({k for k in kinks if lo_keVee < k < hi_keVee})

    def density(t):
        spectrum = cc.electron_recoil_spectrum(exp.source, atoms, [t], exp.physics, binding=binding)
        parts = spectrum.by_flavour()
        return float(spectrum.total[0] if flavour is None else parts[flavour][0])

    total, bounds = 0.0, [lo_keVee, *edges, hi_keVee]
    for a, b in itertools.pairwise(bounds):
        total += integrate.quad(density, a, b, epsabs=epsabs, epsrel=epsrel, limit=200)[0]
    return total * exp.exposure_factor


def test_reactor_keVee_detector_against_the_spectrum_integrated_over_its_window():
    exp = cc.experiment("conus").copy(electron_recoils=True)
    counts = exp.counts()
    lo, hi = exp.analysis_bins(8)[[0, -1]]  # the keVee window of the CEvNS analysis
    assert counts.by_channel["electron"] == pytest.approx(_window_integral(exp, lo, hi), rel=1e-7)
    assert counts.by_isotope["Ge electrons"] == counts.by_channel["electron"]
    assert counts.total == counts.by_channel["cevns"] + counts.by_channel["electron"]
    # binned: each keVee bin is the integral over that bin
    edges = np.array([0.3, 0.5, 0.8, 1.0])
    binned = exp.electron_observed_counts(edges).total
    for i in range(3):
        expected = _window_integral(exp, edges[i], edges[i + 1])
        assert binned[i] == pytest.approx(expected, rel=1e-7)


def test_pe_detector_no_quenching_for_electrons_and_a_keVnr_threshold():
    """A CsI detector counting photo-electrons: an electron of T_ee gives LY·T_ee PE (no
    quenching); a threshold in keVnr acts on the nuclear-recoil equivalent Q⁻¹(T_ee)."""
    QF, LY = 0.0878, 13.348
    reactor = cc.Reactor(thermal_power_GW=3.0, distance_m=20.0)
    det = cc.Detector(
        material="CsI",
        mass_kg=10.0,
        live_time_days=100.0,
        quenching=QF,
        light_yield_PE_per_keVee=LY,
        observable="PE",
        threshold=3.0,
        threshold_unit="PE",
        upper_limit=200.0,
    )
    exp = cc.Experiment(source=reactor, detector=det, electron_recoils=True)
    got = exp.electron_observed_counts(np.array([0.0, 50.0, 200.0])).total
    assert got[0] == pytest.approx(_window_integral(exp, 3.0 / LY, 50.0 / LY), rel=1e-7)
    assert got[1] == pytest.approx(_window_integral(exp, 50.0 / LY, 200.0 / LY), rel=1e-7)
    det_nr = cc.Detector(
        **{**_plain(det), "threshold": 20.0, "threshold_unit": "keVnr", "upper_limit": None}
    )
    exp_nr = exp.copy(detector=det_nr)
    got = exp_nr.electron_observed_counts(np.array([0.0, 200.0])).total[0]
    assert got == pytest.approx(_window_integral(exp_nr, QF * 20.0, 200.0 / LY), rel=1e-7)


def _plain(det):
    return {k: v for k, v in det.param.values().items() if k != "name"}


def test_cevns_numbers_do_not_move_and_the_channels_split():
    for name in ("coherent_csi_2017", "texono"):
        exp = cc.experiment(name)
        off = exp.counts()
        on = exp.copy(electron_recoils=True).counts()
        assert off.by_channel is None and "by_channel" not in off.as_dict()
        assert on.by_channel["cevns"] == off.total  # bit for bit
        for isotope, value in off.by_isotope.items():
            assert on.by_isotope[isotope] == value
        assert on.by_channel["electron"] > 0
        assert on.total == pytest.approx(sum(on.by_flavour.values()), rel=1e-12)
        edges = exp.analysis_bins(20)
        channels = exp.copy(electron_recoils=True).observed_channels(edges)
        assert set(channels) == {"cevns", "electron"} == set(CHANNEL_LABELS)
        np.testing.assert_array_equal(channels["cevns"].total, exp.observed_counts(edges).total)
        assert set(split_channels(exp.observed_counts(edges))) == {"cevns"}


def test_timing_acceptance_applies_to_electrons_per_flavour():
    exp = cc.experiment("coherent_csi_2021").copy(electron_recoils=True)
    fractions = exp.timing_fractions()
    assert fractions and min(fractions.values()) < 1.0
    edges = exp.analysis_bins(10)
    observed = exp.observed_channels(edges)["electron"].by_flavour()
    raw = exp.electron_observed_counts(edges).by_flavour()
    for flavour, values in raw.items():
        np.testing.assert_allclose(observed[flavour], values * fractions[flavour], rtol=1e-14)


def test_magnetic_moment_divergence_rules_for_free_and_bound_electrons():
    physics = cc.NewPhysics(mu_nu_e_muB=1e-10)
    reactor = cc.Reactor(thermal_power_GW=3.0, distance_m=20.0)
    det = cc.Detector(material="Ge", mass_kg=1.0, live_time_days=10.0)  # counts every recoil
    free = cc.Experiment(
        source=reactor,
        detector=det,
        physics=physics,
        electron_recoils=True,
        electron_binding="free",
    )
    with pytest.raises(DivergentCountsError, match="free"):
        free.electron_observed_counts(np.array([0.0, 1.0]))
    every = free.all_recoil_counts()
    assert every.by_channel["electron"] == math.inf and every.total == math.inf
    assert "magnetic moment" in every.divergence
    # bound electrons: nothing below the smallest binding energy, a finite count (1/T from 3 eV)
    bound = free.copy(electron_binding="stepping")
    got = bound.electron_observed_counts(np.array([0.0, 1.0])).total[0]
    assert got == pytest.approx(_window_integral(bound, 0.0, 1.0), rel=1e-7)
    every = bound.all_recoil_counts()
    assert math.isfinite(every.by_channel["electron"]) and every.by_channel["electron"] > got
    # the CEvNS part of every recoil still diverges (the moment acts on nuclei too)
    assert every.by_channel["cevns"] == math.inf


def test_every_electron_recoil_count_against_the_spectrum():
    exp = cc.experiment("texono").copy(electron_recoils=True)
    every = exp.all_recoil_counts()
    top = 2 * exp.source.E_max_MeV**2 / (M_E + 2 * exp.source.E_max_MeV) * 1e3
    # the far tail (dN/dT ~ 1e-13 of the peak) needs an absolute tolerance
    expected = _window_integral(exp, 0.0, top, epsrel=1e-9, epsabs=1e-12)
    assert every.by_channel["electron"] == pytest.approx(expected, rel=1e-6)
    nuclear = exp.copy(electron_recoils=False).all_recoil_counts()
    assert every.by_channel["cevns"] == nuclear.total


def test_spec_round_trip_with_the_channel_on():
    exp = cc.experiment("conus").copy(electron_recoils=True, electron_binding="free")
    spec = exp.to_spec()
    assert spec["electron_recoils"] == {"binding": "free"}
    rebuilt = cc.Experiment.from_spec(json.loads(json.dumps(spec, allow_nan=False)))
    assert rebuilt.to_spec() == spec
    assert rebuilt.electron_recoils and rebuilt.electron_binding == "free"
    assert rebuilt.counts() == exp.counts()
    assert "electron_recoils" not in cc.experiment("conus").to_spec()  # off: not written
    bad = {**spec, "electron_recoils": {"binding": "loose"}}
    with pytest.raises(cc.CevnsError, match=r"electron_recoils\.binding"):
        cc.Experiment.from_spec(bad)
    with pytest.raises(cc.CevnsError, match="electron_recoils"):
        cc.Experiment.from_spec({**spec, "electron_recoils": True})
