"""Atmospheric (FLUKA 2005) and published DSNB sources; the composite source (PHYSICS.md §5.5).

Reference numbers are written here with their sources; nothing outside the package is read.
"""

import numpy as np
import pytest

from cevns_core.errors import CevnsError
from cevns_core.experiment import preset_source
from cevns_core.sources import (
    SOURCE_TYPES,
    Atmospheric,
    ATMOSPHERIC_RANGE_MeV,
    CompositeSource,
    DSNBSpectrum,
    Solar,
    SupernovaBurst,
    TabulatedSource,
    dsnb_ohare2021_shape,
    fluka2005_table,
)

# Battistoni, Ferrari, Montaruli & Sala, Astropart. Phys. 23 (2005) 526, Tables 2-3 (Kamioka,
# solar average), a few printed entries in cm^-2 s^-1 MeV^-1 (as read, see data/SOURCES.md).
FLUKA_PRINTED = {
    ("nu_e", 13.0): 69.6e-4,
    ("nubar_e", 13.0): 63.7e-4,
    ("nu_mu", 106.0): 84.2e-4,
    ("nubar_mu", 422.0): 10.2e-4,
    ("nu_e", 944.0): 0.950e-4,
    ("nubar_mu", 944.0): 1.79e-4,
}


# ------------------------------------------------------------------------- atmospheric
def test_fluka_table_loads_with_printed_values():
    E, flux = fluka2005_table()
    assert E.size == 38 and (E[0], E[-1]) == ATMOSPHERIC_RANGE_MeV
    assert set(flux) == {"nu_e", "nubar_e", "nu_mu", "nubar_mu"}
    for (flavour, energy), value in FLUKA_PRINTED.items():
        i = int(np.flatnonzero(E == energy)[0])
        assert flux[flavour][i] == pytest.approx(value, rel=1e-12)
    atm = Atmospheric()
    assert atm.normalisation == "flux" and atm.unit == "cm^-2 s^-1"
    # at the table energies the interpolant is the table
    for flavour, values in flux.items():
        np.testing.assert_allclose(atm.spectrum(E, flavour), values, rtol=1e-12)


def test_atmospheric_interpolates_log_log_and_never_extrapolates():
    atm = Atmospheric()
    E, flux = fluka2005_table()
    # midway in log E between 237 and 266 MeV the value is the geometric mean (power law)
    i = int(np.flatnonzero(E == 237.0)[0])
    mid = np.sqrt(E[i] * E[i + 1])
    expected = np.sqrt(flux["nu_mu"][i] * flux["nu_mu"][i + 1])
    assert float(atm.spectrum(mid, "nu_mu")) == pytest.approx(expected, rel=1e-12)
    assert atm.spectrum([0.0, 12.99, 944.01, 2000.0]).tolist() == [0.0] * 4
    assert atm.E_max_MeV == 944.0
    assert Atmospheric(flavours_included=["nu_e"]).flavours() == ("nu_e",)
    with pytest.raises(CevnsError):
        Atmospheric(flavours_included=["nu_tau"])
    with pytest.raises(CevnsError):
        Atmospheric(normalisation="fluence")


def test_atmospheric_integrals_match_the_table():
    # Integrals of the published table over 13-944 MeV. With log-log interpolation (exact power
    # laws between rows): nu_e 1.2653, nubar_e 1.1636, nu_mu 2.4484, nubar_mu 2.4462, sum 7.3235
    # cm^-2 s^-1 (the numbers written in the data file's header). The trapezoid rule on the same
    # rows, computed here from the table, must agree to the curvature of the spectra (< 0.5 %).
    atm = Atmospheric()
    header = {"nu_e": 1.2653, "nubar_e": 1.1636, "nu_mu": 2.4484, "nubar_mu": 2.4462}
    E, flux = fluka2005_table()
    for flavour, total in header.items():
        assert atm.integrated(flavour) == pytest.approx(total, rel=1e-4)
        assert atm.integrated(flavour) == pytest.approx(np.trapezoid(flux[flavour], E), rel=5e-3)
    assert atm.integrated() == pytest.approx(7.3235, rel=1e-4)
    # Literature: 10.5 +- 2.1 cm^-2 s^-1 for all energies (Billard, Strigari & Figueroa-Feliciano,
    # PRD 89 (2014) 023524, value read from a third-party summary). The table is 30 % lower:
    # Kamioka has a high geomagnetic cutoff (less low-energy flux than mid-latitude labs) and
    # E > 944 MeV (~0.3 cm^-2 s^-1) is left out. Lower, but within 2 sigma.
    assert 10.5 - 2 * 2.1 < atm.integrated() < 10.5
    # more nu_mu than nu_e (pi -> mu -> e chain), as in every atmospheric calculation
    ratio = (atm.integrated("nu_mu") + atm.integrated("nubar_mu")) / (
        atm.integrated("nu_e") + atm.integrated("nubar_e")
    )
    assert 1.8 < ratio < 2.2


# ------------------------------------------------------------------------------- DSNB
def test_dsnb_spectrum_total_and_literature_value():
    d = DSNBSpectrum()
    # O'Hare, PRL 127 (2021) 251802, code release: DSNB total 85.7 cm^-2 s^-1
    assert d.integrated() == pytest.approx(85.7, rel=1e-4)
    # Literature value 86 +- 43 cm^-2 s^-1 summed over flavours (Billard et al. 2014; Baxter et
    # al. 2021): the default agrees with its central value to 1 %.
    assert d.integrated() == pytest.approx(86.0, rel=0.01)
    # flavour bookkeeping: six equal shares
    shares = [d.integrated(f) for f in d.flavours()]
    assert len(shares) == 6 and max(shares) == pytest.approx(min(shares), rel=1e-12)
    # shape: unit-normalised, peak near 2.6 MeV, mean 6.6 MeV, tail to 91.2 MeV
    E, f = dsnb_ohare2021_shape()
    assert np.trapezoid(f, E) == pytest.approx(1.0, rel=1e-12)
    assert 2.3 < E[np.argmax(f)] < 2.9
    assert d.mean_energy_MeV() == pytest.approx(6.62, abs=0.01)
    assert d.E_max_MeV == pytest.approx(91.201)
    assert float(d.spectrum(100.0)) == 0.0
    assert DSNBSpectrum(total_flux_cm2_s=43.0).integrated() == pytest.approx(43.0, rel=1e-4)
    with pytest.raises(CevnsError):
        DSNBSpectrum(total_flux_cm2_s=-1.0)


# -------------------------------------------------------------------------- composite
def test_composite_sums_its_members():
    parts = [Solar(components_included=["B8", "hep"]), Atmospheric(), DSNBSpectrum()]
    both = CompositeSource(sources=parts)
    assert both.normalisation == "flux"
    assert len(both.components()) == sum(len(p.components()) for p in parts)
    E = np.array([0.5, 5.0, 12.0, 17.0, 30.0, 80.0, 500.0])
    np.testing.assert_allclose(both.spectrum(E), sum(p.spectrum(E) for p in parts), rtol=1e-12)
    for flavour in ("nu_e", "nubar_mu", "nu_tau"):
        assert both.integrated(flavour) == pytest.approx(
            sum(p.integrated(flavour) for p in parts if flavour in p.flavours()), rel=1e-12
        )
    assert both.E_max_MeV == 944.0
    assert both.lines() == []
    lines = CompositeSource(sources=[Solar()]).lines()
    assert [(li.energy_MeV, li.intensity) for li in lines] == [
        (li.energy_MeV, li.intensity) for li in Solar().lines()
    ]
    assert all(
        c.label.startswith(("Solar: ", "Atmospheric: ", "DSNBSpectrum: "))
        for c in both.components()
    )
    # nested composites and fluence members work too
    nested = CompositeSource(sources=[both, Solar(components_included=["pp"])])
    assert nested.integrated() == pytest.approx(
        both.integrated() + Solar(components_included=["pp"]).integrated(), rel=1e-12
    )
    fl = CompositeSource(sources=[SupernovaBurst(), SupernovaBurst(distance_kpc=20.0)])
    assert fl.normalisation == "fluence"
    assert fl.integrated() == pytest.approx(1.25 * SupernovaBurst().integrated(), rel=1e-12)
    assert CompositeSource().components() == ()


def test_composite_rejects_mixed_normalisations_and_bad_members():
    with pytest.raises(CevnsError, match="one normalisation"):
        CompositeSource(sources=[Solar(), SupernovaBurst()])
    flux_table = TabulatedSource(E_MeV=[1.0, 2.0], spectra={"nu_e": [1.0, 1.0]})
    with pytest.raises(CevnsError, match="one normalisation"):
        CompositeSource(sources=[flux_table, SupernovaBurst()])
    with pytest.raises(CevnsError):
        CompositeSource(sources=[Solar(), "solar"])
    with pytest.raises(CevnsError):
        CompositeSource(sources=Solar())
    with pytest.raises(CevnsError):
        CompositeSource(sources=[Solar()], normalisation="fluence")
    with pytest.raises(CevnsError):
        CompositeSource(sources=[Solar()], flux=2.0)


def test_composite_from_a_preset_spec():
    assert SOURCE_TYPES["composite"] is CompositeSource
    assert SOURCE_TYPES["atmospheric"] is Atmospheric
    assert SOURCE_TYPES["dsnb_spectrum"] is DSNBSpectrum
    spec = {
        "type": "composite",
        "params": {
            "sources": [
                {"type": "solar", "params": {"components_included": ["B8"]}},
                {"type": "atmospheric", "params": {}},
                {"type": "dsnb_spectrum", "params": {"total_flux_cm2_s": 86.0}},
            ]
        },
    }
    src = preset_source(spec)
    assert isinstance(src, CompositeSource)
    assert src.integrated() == pytest.approx(5.46e6 + 7.3235 + 86.0, rel=1e-6)
    with pytest.raises(CevnsError):
        preset_source({"type": "composite", "params": {"sources": "solar"}})
    with pytest.raises(CevnsError):
        preset_source(
            {
                "type": "composite",
                "params": {
                    "sources": [
                        {"type": "solar", "params": {}},
                        {"type": "supernova_burst", "params": {}},
                    ]
                },
            }
        )
