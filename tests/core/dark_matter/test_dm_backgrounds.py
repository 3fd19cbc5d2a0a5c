"""Binned CEvNS neutrino backgrounds of dark-matter searches: binning against a dense integral
of the rate engine, flux models and overrides."""

import itertools

import numpy as np
import pytest
from scipy import integrate

from cevns_core import CevnsError, differential_cross_section, isotope
from cevns_core.dark_matter import (
    BACKGROUND_COMPONENTS,
    background_model,
    background_models,
    log_bin_edges,
    neutrino_background,
)
from cevns_core.rates import recoil_spectrum
from cevns_core.sources import B16_GS98_FLUX, Atmospheric, DSNBSpectrum, Solar

YEAR_s = 365.25 * 86400.0


def _dense_per_bin(source, target, edges, scale=1.0):
    """Events per bin per kg·yr from a 4001-point log-grid trapezoid of dN/dT."""
    T = np.geomspace(edges[0], edges[-1], 4001)
    rate = recoil_spectrum(source, target, T).total * YEAR_s * scale
    cumulative = np.concatenate([[0.0], np.cumsum(0.5 * (rate[1:] + rate[:-1]) * np.diff(T))])
    return np.diff(np.interp(edges, T, cumulative))


@pytest.mark.parametrize(
    "component, source, flux_ratio",
    [
        ("B8", Solar(components_included=["B8"]), 5.16e6 / B16_GS98_FLUX["B8"]),
        ("atmospheric", Atmospheric(), 1.0),
        ("DSNB", DSNBSpectrum(), 1.0),
    ],
)
def test_binned_continua_match_dense_integration(component, source, flux_ratio):
    # trapezoid error on a grid with Δln T = 3e-3: ~1e-4 where the spectrum is smooth, more in
    # the bins with an end-point kink
    edges = log_bin_edges(1e-2, 100.0, 12)
    bkg = neutrino_background("Ar", edges)
    got = bkg.rates[bkg.components.index(component)]
    expected = _dense_per_bin(source, "Ar", edges, flux_ratio)
    np.testing.assert_allclose(got, expected, rtol=2e-3, atol=1e-6 * expected.max())


def test_binned_line_is_exact_across_its_step():
    # pep line (1.442 MeV): dN/dT = N_t Φ dσ/dT(E, T) Θ(T_max − T), a step at T_max (≈ 0.11 keV
    # on ⁴⁰Ar). Reference: adaptive quad of the cross section itself, bin by bin.
    target = {"Ar40": 1.5e25}
    edges = log_bin_edges(1e-3, 1.0, 9)
    bkg = neutrino_background(target, edges)
    got = bkg.rates[bkg.components.index("pep")]
    M = isotope("Ar40").mass_MeV
    E = 1.442
    T_max = 2 * E**2 / (M + 2 * E) * 1e3

    def dsigma(T):
        return float(differential_cross_section(E, T, "Ar40"))

    expected = [
        integrate.quad(dsigma, lo, min(hi, T_max), epsabs=0, epsrel=1e-10)[0] if lo < T_max else 0
        for lo, hi in itertools.pairwise(edges)
    ]
    expected = np.array(expected) * 1.5e25 * B16_GS98_FLUX["pep"] * YEAR_s
    assert np.count_nonzero(expected) < edges.size - 1  # the step lies inside the range
    np.testing.assert_allclose(got, expected, rtol=1e-7, atol=1e-12 * expected.max())


def test_flux_models_carry_the_published_uncertainties():
    # O'Hare 2021 release, src/Params.py (NuFlux, NuUnc): 8B 5.16e6 cm⁻²s⁻¹ ± 2 % (Bergstrom et
    # al. 2016), hep ± 30 %, DSNB 85.7 ± 50 %, atmospheric ± 25 %; B16-GS98 8B ± 12 %
    assert set(background_models()) == {"ohare2021", "b16_gs98"}
    ohare = background_model("ohare2021")["components"]
    assert ohare["B8"] == {"flux_cm2_s": 5.16e6, "relative_uncertainty": 0.02}
    assert ohare["hep"]["relative_uncertainty"] == 0.30
    assert ohare["DSNB"] == {"flux_cm2_s": 85.7, "relative_uncertainty": 0.50}
    assert ohare["atmospheric"]["relative_uncertainty"] == 0.25
    assert background_model("b16_gs98")["components"]["B8"]["relative_uncertainty"] == 0.12
    bkg = neutrino_background("Ge", log_bin_edges(1e-4, 200.0, 10))
    assert bkg.components == BACKGROUND_COMPONENTS  # everything reaches 0.1 eV on Ge
    assert dict(zip(bkg.components, bkg.relative_uncertainty, strict=True))["B8"] == 0.02


def test_components_that_cannot_reach_the_bins_are_left_out():
    # pp (E ≤ 0.42 MeV) gives T_max = 2E²/M ≈ 2.9 eV on xenon: nothing above 1 keV
    bkg = neutrino_background("Xe", log_bin_edges(1.0, 100.0, 10))
    assert "pp" not in bkg.components and "B8" in bkg.components
    assert bkg.rates.shape == (len(bkg.components), 10)
    events = bkg.events(1000.0)
    assert events["B8"] == pytest.approx(bkg.rates[bkg.components.index("B8")].sum() * 1000.0)


def test_overrides_of_uncertainties_and_fluxes():
    edges = log_bin_edges(0.01, 100.0, 8)
    base = neutrino_background("Ar", edges)
    changed = neutrino_background(
        "Ar", edges, uncertainties={"B8": 0.12}, fluxes={"DSNB": 2 * 85.7, "atmospheric": 10.7}
    )
    i8, idsnb, iatm = (base.components.index(k) for k in ("B8", "DSNB", "atmospheric"))
    assert changed.relative_uncertainty[i8] == 0.12
    assert base.relative_uncertainty[i8] == 0.02  # the cached model is not modified
    np.testing.assert_allclose(changed.rates[idsnb], 2 * base.rates[idsnb], rtol=1e-12)
    ratio = 10.7 / Atmospheric().integrated()
    np.testing.assert_allclose(changed.rates[iatm], ratio * base.rates[iatm], rtol=1e-12)
    np.testing.assert_array_equal(changed.rates[i8], base.rates[i8])


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: log_bin_edges(0.0, 10.0, 5), "threshold_keV"),
        (lambda: log_bin_edges(10.0, 1.0, 5), "E_max_keV"),
        (lambda: log_bin_edges(1.0, 10.0, 0), "n_bins"),
        (lambda: log_bin_edges(1.0, 10.0, 2.5), "n_bins"),
        (lambda: neutrino_background("Xe", [1.0, 2.0], "bahcall"), "background model"),
        (lambda: neutrino_background("Xe", [2.0, 1.0]), "bin_edges_keV"),
        (lambda: neutrino_background("Xe", [1.0, 2.0], uncertainties={"Li7": 0.1}), "component"),
        (lambda: neutrino_background("Xe", [1.0, 2.0], uncertainties={"B8": 0.0}), "B8"),
        (lambda: neutrino_background("Xe", [1.0, 2.0], fluxes={"B8": -1.0}), "B8"),
        (lambda: neutrino_background("Xe", [1.0, 2.0], uncertainties=[0.1]), "uncertainties"),
    ],
)
def test_bad_inputs_raise(call, match):
    with pytest.raises(CevnsError, match=match):
        call()
