"""User file loaders (issue 7, item 3): efficiency tables and data sets, and the shared checks.

Spectrum files (``TabulatedSource.from_csv``) have their own tests in
``tests/core/sources/test_tabulated.py``; random bytes for every loader are in
``test_fuzz_loaders.py``.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.datasets import (
    _STATISTICS,
    MAX_DATASET_JSON_BYTES,
    MAX_DATASET_TABLE_BYTES,
    _folder,
    load_dataset_file,
)
from cevns_core.errors import CevnsError
from cevns_core.fits import STATISTICS
from cevns_core.response import (
    MAX_EFFICIENCY_FILE_BYTES,
    MAX_EFFICIENCY_ROWS,
    TabulatedEfficiency,
    read_efficiency_csv,
)
from cevns_core.sources.tabulated import MAX_FILE_BYTES, read_spectrum_csv

GOOD_EFFICIENCY = "# CsI-like\n# units: PE\nx,efficiency\n0,0\n5,0.5\n20,0.9\n"


# ------------------------------------------------------------------------------ efficiency
def test_efficiency_file_round_trip(tmp_path):
    path = tmp_path / "eff.csv"
    path.write_text(GOOD_EFFICIENCY, encoding="utf-8")
    data = read_efficiency_csv(path)
    assert data["observable"] == "PE"
    np.testing.assert_array_equal(data["x"], [0.0, 5.0, 20.0])
    eff = TabulatedEfficiency.from_csv(path, observable="PE", above="hold")
    np.testing.assert_allclose(eff([2.5, 12.5, 40.0]), [0.25, 0.7, 0.9])
    det = cc.Detector(material="CsI", quenching=0.08, light_yield_PE_per_keVee=13.0,
                      observable="PE", efficiency=eff)  # fmt: skip
    assert det.efficiency is eff


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x,efficiency\n0,0\n1,1\n", "missing '# units"),
        ("# units: MeV\nx,efficiency\n0,0\n1,1\n", "units 'MeV' unknown"),
        ("# units: PE\nx,eff\n0,0\n1,1\n", "header must be 'x,efficiency'"),
        ("# units: PE\nx,efficiency\n0,0\n", "at least 2 data rows"),
        ("# units: PE\nx,efficiency\n0,0\n1,1.2\n", "outside \\[0, 1\\]"),
        ("# units: PE\nx,efficiency\n0,0\n1,-0.1\n", "outside \\[0, 1\\]"),
        ("# units: PE\nx,efficiency\n0,0\n1,nan\n", "not finite"),
        ("# units: PE\nx,efficiency\n0,0\ninf,1\n", "not finite"),
        ("# units: PE\nx,efficiency\n0,0\n1,one\n", "not a number"),
        ("# units: PE\nx,efficiency\n1,0\n1,1\n", "increase strictly"),
        ("# units: PE\nx,efficiency\n0,0,3\n1,1\n", "3 values, expected 2"),
        ("# units: PE\n", "no header"),
        ("", "empty"),
        ("# units: PE\nx,efficiency\n0,0\n1,1\n\x00", "NUL"),
    ],
)
def test_bad_efficiency_files(tmp_path, text, message):
    path = tmp_path / "eff.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CevnsError, match=message):
        read_efficiency_csv(path)


def test_efficiency_file_limits_and_units(tmp_path):
    path = tmp_path / "eff.csv"
    path.write_bytes(b"# units: PE\nx,efficiency\n" + b"#" * MAX_EFFICIENCY_FILE_BYTES)
    with pytest.raises(CevnsError, match="limit"):
        read_efficiency_csv(path)
    rows = "\n".join(f"{i},0.5" for i in range(MAX_EFFICIENCY_ROWS + 1))
    path.write_text(f"# units: PE\nx,efficiency\n{rows}\n", encoding="utf-8")
    with pytest.raises(CevnsError, match=f"more than {MAX_EFFICIENCY_ROWS}"):
        read_efficiency_csv(path)
    path.write_text(GOOD_EFFICIENCY.replace("PE", "keVee"), encoding="utf-8")
    with pytest.raises(CevnsError, match="x is in keVee but the observable is PE"):
        TabulatedEfficiency.from_csv(path, observable="PE")
    path.write_bytes(b"# units: PE\n\xff\xfe")
    with pytest.raises(CevnsError, match="UTF-8"):
        read_efficiency_csv(path)
    with pytest.raises(CevnsError, match="cannot read"):
        read_efficiency_csv(tmp_path / "missing.csv")
    with pytest.raises(CevnsError, match="not a regular file"):
        read_efficiency_csv(tmp_path)


def test_spectrum_file_limit_is_shared(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    with pytest.raises(CevnsError, match=f"limit for a spectrum \\(CSV\\) is {MAX_FILE_BYTES}"):
        read_spectrum_csv(path)


# ------------------------------------------------------------------------------ data sets
def _shipped(tmp_path, name="coherent_csi_2017"):
    meta = json.loads(_folder().joinpath(f"{name}.json").read_text(encoding="utf-8"))
    shutil.copy(str(_folder().joinpath(meta["file"])), tmp_path / meta["file"])
    return meta


def _write(tmp_path, meta) -> str:
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(meta), encoding="utf-8")
    return str(path)


def test_user_data_set_equals_the_shipped_one(tmp_path):
    meta = _shipped(tmp_path)
    path = _write(tmp_path, meta)
    for full in (False, True):
        mine = load_dataset_file(path, full_range=full)
        ref = cc.load_dataset("coherent_csi_2017", full_range=full)
        assert mine.name == "mine" and mine.statistic == ref.statistic
        np.testing.assert_array_equal(mine.bin_edges, ref.bin_edges)
        np.testing.assert_array_equal(mine.observed, ref.observed)
        for k, v in ref.backgrounds.items():
            np.testing.assert_array_equal(mine.backgrounds[k], v)
    signal = np.full(ref.n_cells, 10.0)
    assert cc.dataset_chi2(mine, signal) == pytest.approx(cc.dataset_chi2(ref, signal))


def test_statistics_list_matches_the_fits():
    assert tuple(_STATISTICS) == tuple(STATISTICS)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m.pop("title"), "missing key 'title'"),
        (lambda m: m.update(title=3), "'title' must be a string"),
        (lambda m: m.update(file="../x.csv"), "plain file name"),
        (lambda m: m.update(file="nope.csv"), "cannot read data-set table"),
        (lambda m: m.update(observable="MeV"), "unknown observable 'MeV'"),
        (lambda m: m.update(edges=["pe_low"]), "'edges' must name two columns"),
        (lambda m: m.update(edges=["pe_low", "nope"]), "column\\(s\\) nope not in"),
        (lambda m: m.update(observed="nope"), "column\\(s\\) nope"),
        (lambda m: m.update(signal_uncertainty=-1), "signal_uncertainty must be a number ≥ 0"),
        (lambda m: m.update(signal_uncertainty=True), "signal_uncertainty must be"),
        (lambda m: m.pop("signal_uncertainty"), "signal_uncertainty must be"),
        (lambda m: m["background_uncertainties"].pop("steady_state"), "the components of"),
        (lambda m: m.update(statistic="chi"), "unknown statistic 'chi'"),
        (lambda m: m.update(analysis_window=[30, 6]), "'analysis_window' must be \\[lo, hi\\]"),
        (lambda m: m.update(signal_time_fraction={"nu_x": 1.0}), "unknown flavour 'nu_x'"),
        (lambda m: m.update(signal_time_fraction={"nu_e": 1.5}), "in \\[0, 1\\]"),
        (lambda m: m.update(extra=1), "unknown key\\(s\\) extra"),
        (lambda m: m.update(centres={"e": 1.0}), "'centres'"),
    ],
)
def test_bad_data_set_descriptions(tmp_path, change, message):
    meta = _shipped(tmp_path)
    change(meta)
    with pytest.raises(CevnsError, match=message):
        load_dataset_file(_write(tmp_path, meta))


def test_bad_data_set_files(tmp_path):
    meta = _shipped(tmp_path)
    path = _write(tmp_path, meta)
    table = tmp_path / meta["file"]
    text = table.read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    header = lines[0].split(",")
    first = lines[1].split(",")

    def with_row(row: list[str]) -> str:
        return "\n".join([lines[0], ",".join(row), *lines[2:]]) + "\n"

    cases = [
        (with_row([*first[:-1], "nan"]), "not finite"),
        (with_row([*first[:-1], "x"]), "not a number"),
        (with_row(first[:-1]), "values, expected"),
        (lines[0] + "\n", "at least one data row"),
        (",".join([header[0], *header[:-1]]) + "\n" + "\n".join(lines[1:]), "distinct"),
    ]
    obs = header.index(meta["observed"])
    negative = list(first)
    negative[obs] = "-1"
    cases.append((with_row(negative), "non-negative"))
    swapped = [lines[0], lines[2], lines[1], *lines[3:]]
    cases.append(("\n".join(swapped) + "\n", "contiguous"))
    for content, message in cases:
        table.write_text(content, encoding="utf-8")
        with pytest.raises(CevnsError, match=message):
            load_dataset_file(path)
    table.write_bytes(b"#" * (MAX_DATASET_TABLE_BYTES + 1))
    with pytest.raises(CevnsError, match="limit"):
        load_dataset_file(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"[1, 2]", "must be a JSON object"),
        (b"{", "not valid JSON"),
        (b'{"signal_uncertainty": NaN}', "not valid JSON"),
        (b"\xff", "UTF-8"),
        (b"[" * 5000 + b"]" * 5000, "not valid JSON|must be a JSON object"),
        (b" " * (MAX_DATASET_JSON_BYTES + 1), "limit"),
    ],
)
def test_bad_data_set_json(tmp_path, content, message):
    path = tmp_path / "d.json"
    path.write_bytes(content)
    with pytest.raises(CevnsError, match=message):
        load_dataset_file(path)
