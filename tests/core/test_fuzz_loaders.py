"""Fuzzing the file loaders with random bytes (issue 7, item 3; issue 17, items 8 and 10).

Every user file loader — spectra (``TabulatedSource.from_csv``), efficiency tables
(``TabulatedEfficiency.from_csv``), data sets (``load_dataset_file``: its JSON description
and its CSV table), form-factor tables (``load_form_factor_table``) and experiment specs
(``read_spec``) — gets random bytes and random mutations of a valid file, written to a
temporary file, and the same file in other encodings. A loader either returns a valid, finite
result or raises ``CevnsError`` with a one-line message: never another exception type, a crash
or a NaN/inf in what it returns.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cevns_core as cc
from cevns_core.datasets import _folder, load_dataset_file
from cevns_core.errors import CevnsError
from cevns_core.experiment import read_spec
from cevns_core.response import TabulatedEfficiency

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SPECTRUM = (
    b"# normalisation: flux\n# units: cm^-2 s^-1 MeV^-1\nE_MeV,nu_e,nubar_mu\n"
    b"0.5,1.2e10,0\n1.0,2.0e10,3.1e9\n2.0,1.0e10,1.0e9\n"
)
EFFICIENCY = b"# units: PE\nx,efficiency\n0,0\n5,0.5\n20,0.9\n"


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fuzz")
    meta = json.loads(_folder().joinpath("coherent_csi_2017.json").read_text(encoding="utf-8"))
    shutil.copy(str(_folder().joinpath(meta["file"])), path / meta["file"])
    (path / "good.json").write_text(json.dumps(meta), encoding="utf-8")
    (path / "spec.json").write_text(json.dumps(cc.experiment("conus").to_spec()), encoding="utf-8")
    cc.form_factor_table("ar40_charge_fb_devries1987").to_csv(path / "table.csv")
    return path


def _mutations(valid: bytes):
    """A valid file with a few random byte replacements, insertions and deletions."""
    edit = st.tuples(
        st.sampled_from(["replace", "insert", "delete"]),
        st.integers(0, len(valid)),
        st.binary(min_size=1, max_size=8) | st.sampled_from([b",", b"\n", b"#", b"-", b"e999"]),
    )
    return st.lists(edit, min_size=1, max_size=6).map(lambda edits: _apply(valid, edits))


def _apply(data: bytes, edits) -> bytes:
    out = bytearray(data)
    for kind, pos, chunk in edits:
        pos = min(pos, len(out))
        if kind == "replace":
            out[pos : pos + len(chunk)] = chunk
        elif kind == "insert":
            out[pos:pos] = chunk
        else:
            del out[pos : pos + len(chunk)]
    return bytes(out)


def _must_be_clean(load, path: Path):
    """Call the loader: a CevnsError with a message, or a result without NaN/inf."""
    try:
        result = load(path)
    except CevnsError as exc:
        assert str(exc).strip(), "a CevnsError must say what was wrong"
        assert "\n" not in str(exc).strip(), f"a one-line message, got {str(exc)!r}"
        return None
    return result


def _finite_source(source: cc.TabulatedSource) -> None:
    assert np.all(np.isfinite(source.E_MeV))
    for values in source.spectra.values():
        assert np.all(np.isfinite(values)) and np.all(values >= 0)
    assert np.isfinite(source.integrated())


@FUZZ
@given(content=st.binary(max_size=2000) | _mutations(SPECTRUM))
def test_spectrum_loader_raises_cevns_error_only(folder, content):
    path = folder / "spectrum.csv"
    path.write_bytes(content)
    source = _must_be_clean(cc.TabulatedSource.from_csv, path)
    if source is not None:
        _finite_source(source)


@FUZZ
@given(content=st.binary(max_size=2000) | _mutations(EFFICIENCY))
def test_efficiency_loader_raises_cevns_error_only(folder, content):
    path = folder / "efficiency.csv"
    path.write_bytes(content)
    eff = _must_be_clean(
        lambda p: TabulatedEfficiency.from_csv(p, below="hold", above="hold"), path
    )
    if eff is not None:
        values = eff(np.linspace(-10.0, 100.0, 23))
        assert np.all(np.isfinite(values)) and np.all((values >= 0) & (values <= 1))


def _finite_dataset(ds: cc.Dataset) -> None:
    assert np.all(np.isfinite(ds.bin_edges)) and np.all(np.diff(ds.bin_edges) > 0)
    assert np.all(np.isfinite(ds.observed)) and np.all(ds.observed >= 0)
    for values in ds.backgrounds.values():
        assert np.all(np.isfinite(values)) and np.all(values >= 0)


@FUZZ
@given(content=st.binary(max_size=2000) | _mutations(b'{"title": "x", "file": "t.csv"}'))
def test_data_set_description_loader_raises_cevns_error_only(folder, content):
    path = folder / "random.json"
    path.write_bytes(content)
    ds = _must_be_clean(load_dataset_file, path)
    if ds is not None:
        _finite_dataset(ds)


@FUZZ
@given(data=st.data())
def test_data_set_description_mutations_raise_cevns_error_only(folder, data):
    valid = (folder / "good.json").read_bytes()
    path = folder / "mutated.json"
    path.write_bytes(data.draw(_mutations(valid)))
    ds = _must_be_clean(load_dataset_file, path)
    if ds is not None:
        _finite_dataset(ds)


@FUZZ
@given(data=st.data())
def test_data_set_table_raises_cevns_error_only(folder, data):
    meta = json.loads((folder / "good.json").read_text(encoding="utf-8"))
    valid = (folder / meta["file"]).read_bytes()
    table = folder / "fuzzed_table.csv"
    table.write_bytes(data.draw(st.binary(max_size=2000) | _mutations(valid)))
    path = folder / "fuzzed.json"
    path.write_text(json.dumps({**meta, "file": table.name}), encoding="utf-8")
    ds = _must_be_clean(load_dataset_file, path)
    if ds is not None:
        _finite_dataset(ds)


def _finite_table(table: cc.FormFactorTable) -> None:
    values = _must_be_clean(lambda _: table.form_factor(np.linspace(0.0, 1.0, 5)), None)
    assert values is None or np.all(np.isfinite(values))


@FUZZ
@given(data=st.data())
def test_form_factor_table_loader_raises_cevns_error_only(folder, data):
    valid = (folder / "table.csv").read_bytes()
    path = folder / "fuzzed_table_ff.csv"
    path.write_bytes(data.draw(st.binary(max_size=2000) | _mutations(valid)))
    table = _must_be_clean(cc.load_form_factor_table, path)
    if table is not None:
        _finite_table(table)


@FUZZ
@given(data=st.data())
def test_spec_loader_raises_cevns_error_only(folder, data):
    """A spec read back is either refused or builds an experiment with finite counts."""
    valid = (folder / "spec.json").read_bytes()
    path = folder / "fuzzed_spec.json"
    path.write_bytes(data.draw(st.binary(max_size=2000) | _mutations(valid)))
    spec = _must_be_clean(read_spec, path)
    if spec is not None:
        exp = _must_be_clean(lambda _: cc.Experiment.from_spec(spec), path)
        if exp is not None:
            total = _must_be_clean(lambda _: exp.counts().total, path)
            assert total is None or np.isfinite(total)


ENCODINGS = ("utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252")
LOADERS = {
    "spectrum.csv": lambda p: cc.TabulatedSource.from_csv(p),
    "efficiency.csv": lambda p: TabulatedEfficiency.from_csv(p),
    "good.json": load_dataset_file,
    "table.csv": cc.load_form_factor_table,
    "spec.json": read_spec,
}


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("name", sorted(LOADERS))
def test_other_encodings_are_named_in_one_line(folder, name, encoding):
    """A file saved in another encoding (no byte-order mark) with a non-ASCII character: one
    line that says the file is not UTF-8 (or, when it decodes as UTF-8 anyway, a result)."""
    if name == "spectrum.csv":
        text = SPECTRUM.decode("utf-8").replace("# units", "# source: Café reactor\n# units")
    elif name == "efficiency.csv":
        text = EFFICIENCY.decode("utf-8").replace("# units", "# measured at 20 °C\n# units")
    else:
        text = (folder / name).read_text(encoding="utf-8").replace('"', '"', 1)
        text = text.replace("{", '{"note": "Café", ', 1) if name.endswith(".json") else text
        if name.endswith(".csv"):
            text = "# Café\n" + text
    path = folder / f"encoded_{encoding}_{name}"
    path.write_bytes(text.encode(encoding))
    try:
        LOADERS[name](path)
    except CevnsError as exc:
        message = str(exc)
        assert "\n" not in message and "UTF-8" in message, message


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_utf16_without_a_byte_order_mark_is_named(folder, name):
    """Plain ASCII saved as UTF-16 without a mark decodes as UTF-8 with NUL bytes."""
    if name in ("spectrum.csv", "efficiency.csv"):  # (the fuzz tests write random bytes there)
        text = (SPECTRUM if name == "spectrum.csv" else EFFICIENCY).decode("utf-8")
    else:
        text = (folder / name).read_text(encoding="utf-8")
    path = folder / f"nobom_{name}"
    path.write_bytes(text.encode("utf-16-le"))
    with pytest.raises(CevnsError, match=r"UTF-16 without a byte-order mark.*save the .* as UTF-8"):
        LOADERS[name](path)
