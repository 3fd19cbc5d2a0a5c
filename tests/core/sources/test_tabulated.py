"""User-supplied tabulated spectra: format, validation, interpolation (PHYSICS.md §5.5)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from cevns_core.errors import CevnsError
from cevns_core.sources import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    SOURCE_TYPES,
    DiffuseSupernovaBackground,
    PionDecayAtRest,
    Source,
    TabulatedSource,
    read_spectrum_csv,
)

GOOD = """# a test spectrum
# normalisation: flux
# units: cm^-2 s^-1 MeV^-1
E_MeV,nu_e,nubar_mu
1.0,10.0,0.0
2.0,20.0,5.0

3.0,0.0,5.0
"""


def _write(tmp_path, text, name="spec.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_load_good_file(tmp_path):
    src = TabulatedSource.from_csv(_write(tmp_path, GOOD))
    assert src.normalisation == "flux" and src.unit == "cm^-2 s^-1"
    assert src.flavours() == ("nu_e", "nubar_mu")
    # trapezoid integrals of the linear interpolant
    assert src.integrated("nu_e") == pytest.approx(15.0 + 10.0, rel=1e-12)
    assert src.integrated("nubar_mu") == pytest.approx(2.5 + 5.0, rel=1e-12)
    np.testing.assert_allclose(src.spectrum([0.5, 1.5, 2.5, 3.5], "nu_e"), [0, 15, 10, 0])


def test_units_and_fluence(tmp_path):
    text = "# normalisation: fluence\n# units: cm^-2 keV^-1\nE_keV,nu_mu\n1000,1\n3000,1\n"
    src = TabulatedSource.from_csv(_write(tmp_path, text))
    assert src.normalisation == "fluence"
    assert src.E_MeV.tolist() == [1.0, 3.0]
    assert src.integrated("nu_mu") == pytest.approx(2.0 * 1000.0)  # per keV → per MeV


def test_round_trip(tmp_path):
    rng = np.random.default_rng(7)
    E = np.cumsum(rng.uniform(0.1, 1.0, 50))
    spectra = {"nu_e": rng.uniform(0, 1e10, 50), "nubar_tau": rng.uniform(0, 1e3, 50)}
    a = TabulatedSource(E_MeV=E, spectra=spectra, normalisation="fluence")
    path = tmp_path / "out.csv"
    a.to_csv(path)
    b = TabulatedSource.from_csv(path)
    assert b.normalisation == "fluence"
    np.testing.assert_array_equal(b.E_MeV, E)
    for f, v in spectra.items():
        np.testing.assert_array_equal(b.spectra[f], v)
        assert b.integrated(f) == pytest.approx(a.integrated(f), rel=1e-14)


def test_loglinear_interpolation():
    src = TabulatedSource(
        E_MeV=[1.0, 2.0, 3.0], spectra={"nu_e": [1.0, 100.0, 0.0]}, interpolation="loglinear"
    )
    assert float(src.spectrum(1.5, "nu_e")) == pytest.approx(10.0, rel=1e-12)
    assert float(src.spectrum(2.5, "nu_e")) == pytest.approx(50.0, rel=1e-12)  # linear fallback
    assert float(src.spectrum(3.5, "nu_e")) == 0.0


BAD = {
    "missing normalisation": (
        "# units: cm^-2 s^-1 MeV^-1\nE_MeV,nu_e\n1,1\n2,1\n",
        "normalisation",
    ),
    "missing units": ("# normalisation: flux\nE_MeV,nu_e\n1,1\n2,1\n", "units"),
    "unknown units": (
        "# normalisation: flux\n# units: furlongs\nE_MeV,nu_e\n1,1\n2,1\n",
        "line 2",
    ),
    "units vs normalisation": (
        "# normalisation: fluence\n# units: cm^-2 s^-1 MeV^-1\nE_MeV,nu_e\n1,1\n2,1\n",
        "fluence",
    ),
    "bad normalisation": ("# normalisation: both\n# units: x\nE_MeV,nu_e\n1,1\n2,1\n", "both"),
    "non-numeric": (
        "# normalisation: flux\n# units: cm^-2 s^-1 MeV^-1\nE_MeV,nu_e\n1,1\n2,abc\n",
        "line 5, column nu_e",
    ),
    "nan": (
        "# normalisation: flux\n# units: cm^-2 s^-1 MeV^-1\nE_MeV,nu_e\n1,nan\n2,1\n",
        "line 4, column nu_e",
    ),
    "inf": (
        "# normalisation: flux\n# units: cm^-2 s^-1 MeV^-1\nE_MeV,nu_e\n1,1\ninf,1\n",
        "line 5, column E_MeV",
    ),
    "negative": (
        "# normalisation: flux\n# units: cm^-2 s^-1 MeV^-1\nE_MeV,nu_e\n1,1\n2,-1\n",
        "negative",
    ),
    "not increasing": (
        "# normalisation: flux\n# units: cm^-2 s^-1 MeV^-1\nE_MeV,nu_e\n1,1\n1,2\n",
        "line 5",
    ),
    "one row": ("# normalisation: flux\n# units: cm^-2 s^-1 MeV^-1\nE_MeV,nu_e\n1,1\n", "2 data"),
    "no header": ("# normalisation: flux\n# units: cm^-2 s^-1 MeV^-1\n", "header"),
    "unknown column": (
        "# normalisation: flux\n# units: cm^-2 s^-1 MeV^-1\nE_MeV,nu_sterile\n1,1\n2,1\n",
        "nu_sterile",
    ),
    "energy column": (
        "# normalisation: flux\n# units: cm^-2 s^-1 MeV^-1\nEnergy,nu_e\n1,1\n2,1\n",
        "E_MeV or E_keV",
    ),
    "repeated column": (
        "# normalisation: flux\n# units: cm^-2 s^-1 MeV^-1\nE_MeV,nu_e,nu_e\n1,1,1\n2,1,1\n",
        "repeated",
    ),
    "ragged": (
        "# normalisation: flux\n# units: cm^-2 s^-1 MeV^-1\nE_MeV,nu_e\n1,1\n2,1,3\n",
        "line 5",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_files(tmp_path, case):
    text, message = BAD[case]
    with pytest.raises(CevnsError, match=message):
        read_spectrum_csv(_write(tmp_path, text))


def test_empty_missing_binary_and_random_files(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(CevnsError, match="empty"):
        read_spectrum_csv(empty)
    with pytest.raises(CevnsError, match="cannot read"):
        read_spectrum_csv(tmp_path / "absent.csv")
    rng = np.random.default_rng(1)
    for seed in range(5):
        junk = tmp_path / f"junk{seed}.bin"
        junk.write_bytes(rng.bytes(2048))
        with pytest.raises(CevnsError):
            read_spectrum_csv(junk)
    nul = tmp_path / "nul.csv"
    nul.write_bytes(b"# normalisation: flux\x00\n")
    with pytest.raises(CevnsError, match="NUL"):
        read_spectrum_csv(nul)


def test_huge_file_and_too_many_rows(tmp_path):
    huge = tmp_path / "huge.csv"
    with open(huge, "wb") as fh:  # sparse: size above the limit without writing 5 MB
        fh.truncate(MAX_FILE_BYTES + 1)
    assert os.path.getsize(huge) > MAX_FILE_BYTES
    with pytest.raises(CevnsError, match="limit"):
        read_spectrum_csv(huge)
    head = "# normalisation: flux\n# units: cm^-2 s^-1 MeV^-1\nE_MeV,nu_e\n"
    rows = "".join(f"{i + 1},1\n" for i in range(MAX_ROWS + 1))
    many = _write(tmp_path, head + rows, "many.csv")
    assert os.path.getsize(many) <= MAX_FILE_BYTES
    with pytest.raises(CevnsError, match="rows"):
        read_spectrum_csv(many)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"E_MeV": [1.0, 2.0], "spectra": {"nu_e": [1.0]}},
        {"E_MeV": [2.0, 1.0], "spectra": {"nu_e": [1.0, 1.0]}},
        {"E_MeV": [1.0, 2.0], "spectra": {"nu_x": [1.0, 1.0]}},
        {"E_MeV": [1.0, 2.0], "spectra": {"nu_e": [1.0, -1.0]}},
        {"E_MeV": [1.0, np.nan], "spectra": {"nu_e": [1.0, 1.0]}},
        {"E_MeV": [1.0, 2.0], "spectra": {"nu_e": [1.0, 1.0]}, "interpolation": "cubic"},
    ],
)
def test_bad_arrays(kwargs):
    with pytest.raises(CevnsError):
        TabulatedSource(**kwargs)


# -- registry ---------------------------------------------------------------------------------
def test_registry_classes_are_sources_with_documented_parameters():
    assert set(SOURCE_TYPES) == {
        "pion_dar",
        "reactor",
        "chromium51",
        "solar",
        "supernova_burst",
        "dsnb",
        "dsnb_spectrum",
        "atmospheric",
        "tabulated",
        "composite",
    }
    for cls in SOURCE_TYPES.values():
        assert issubclass(cls, Source)
        for name, p in cls.param.objects("existing").items():
            if name != "name":
                assert p.doc, f"{cls.__name__}.{name} has no doc"
    for key in ("pion_dar", "reactor", "chromium51", "solar", "supernova_burst"):
        src = SOURCE_TYPES[key]()
        assert src.integrated() > 0 and np.isfinite(src.integrated())
    assert isinstance(SOURCE_TYPES["pion_dar"](), PionDecayAtRest)
    assert SOURCE_TYPES["dsnb"] is DiffuseSupernovaBackground
