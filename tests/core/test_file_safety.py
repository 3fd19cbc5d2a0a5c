"""Writers and readers of user files (security issue, item 10).

Writers (``TabulatedSource.to_csv``, ``write_spectrum_csv``, ``FormFactorTable.to_csv``) create a
new file; an existing one is replaced only with ``overwrite=True``, and a symbolic link is never
written through (it could replace a file elsewhere), not even with ``overwrite=True``.

Readers (every user-file loader goes through ``read_text_file``) accept a UTF-8 byte-order mark,
as spreadsheet programs write it, and read the same content as without it; a UTF-16 file is
refused with a message that names the encoding.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.datasets import _folder
from cevns_core.errors import CevnsError
from cevns_core.experiment import read_spec
from cevns_core.response import TabulatedEfficiency
from cevns_core.sources import write_spectrum_csv

SPECTRUM = "# normalisation: flux\n# units: cm^-2 s^-1 MeV^-1\nE_MeV,nu_e\n1,2\n2,3\n4,1\n"
EFFICIENCY = "# units: PE\nx,efficiency\n0,0\n5,0.5\n20,0.9\n"
BOM = "\ufeff"


def _source() -> cc.TabulatedSource:
    return cc.TabulatedSource(E_MeV=[1.0, 2.0, 4.0], spectra={"nu_e": [2.0, 3.0, 1.0]})


def _table() -> cc.FormFactorTable:
    return cc.form_factor_table("ar40_charge_fb_devries1987")


WRITERS = {
    "TabulatedSource.to_csv": lambda path, **kw: _source().to_csv(path, **kw),
    "write_spectrum_csv": lambda path, **kw: write_spectrum_csv(
        path, [1.0, 2.0], {"nu_e": [1.0, 1.0]}, "flux", **kw
    ),
    "FormFactorTable.to_csv": lambda path, **kw: _table().to_csv(path, **kw),
}


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_writers_create_a_new_file_and_replace_only_with_overwrite(writer, tmp_path):
    write = WRITERS[writer]
    path = tmp_path / "out.csv"
    write(path)
    first = path.read_text(encoding="utf-8")
    assert first.startswith("#")
    path.write_text("precious\n", encoding="utf-8")
    with pytest.raises(CevnsError, match="exists; pass overwrite=True"):
        write(path)
    assert path.read_text(encoding="utf-8") == "precious\n"
    write(path, overwrite=True)
    assert path.read_text(encoding="utf-8") == first


@pytest.mark.parametrize("writer", sorted(WRITERS))
@pytest.mark.parametrize("overwrite", [False, True])
def test_writers_never_follow_a_symbolic_link(writer, overwrite, tmp_path):
    write = WRITERS[writer]
    target = tmp_path / "elsewhere.txt"
    target.write_text("precious\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    os.symlink(target, link)
    with pytest.raises(CevnsError, match="symbolic link"):
        write(link, overwrite=overwrite)
    assert target.read_text(encoding="utf-8") == "precious\n"
    dangling = tmp_path / "dangling.csv"
    os.symlink(tmp_path / "would_be_created.txt", dangling)
    with pytest.raises(CevnsError, match="symbolic link"):
        write(dangling, overwrite=overwrite)
    assert not (tmp_path / "would_be_created.txt").exists()


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_writers_refuse_a_directory_and_bad_paths(writer, tmp_path):
    write = WRITERS[writer]
    with pytest.raises(CevnsError, match="not a regular file"):
        write(tmp_path, overwrite=True)
    for bad in (None, 1.0, ["a.csv"]):
        with pytest.raises(CevnsError, match="path"):
            write(bad)
    with pytest.raises(CevnsError, match="overwrite"):
        write(tmp_path / "x.csv", overwrite="yes")
    with pytest.raises(CevnsError, match="cannot write"):
        write(tmp_path / "missing_folder" / "x.csv")


# ------------------------------------------------------------------------------ byte-order marks
def _dataset_files(folder: Path) -> Path:
    meta = json.loads(_folder().joinpath("coherent_csi_2017.json").read_text(encoding="utf-8"))
    shutil.copy(str(_folder().joinpath(meta["file"])), folder / meta["file"])
    path = folder / "good.json"
    path.write_text(json.dumps(meta), encoding="utf-8")
    return path


def _spec_file(folder: Path) -> Path:
    path = folder / "spec.json"
    path.write_text(json.dumps(cc.experiment("conus").to_spec()), encoding="utf-8")
    return path


def _table_file(folder: Path) -> Path:
    path = folder / "table.csv"
    _table().to_csv(path, overwrite=True)
    return path


def _text_file(text: str, name: str):
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_text(text, encoding="utf-8")
        return path

    return make


LOADERS = {
    "TabulatedSource.from_csv": (
        _text_file(SPECTRUM, "s.csv"),
        lambda p: cc.TabulatedSource.from_csv(p).integrated(),
    ),
    "TabulatedEfficiency.from_csv": (
        _text_file(EFFICIENCY, "e.csv"),
        lambda p: TabulatedEfficiency.from_csv(p)(np.array([1.0, 7.0, 15.0])).tolist(),
    ),
    "load_form_factor_table": (
        _table_file,
        lambda p: cc.load_form_factor_table(p).form_factor([0.0, 0.5, 1.0]).tolist(),
    ),
    "load_dataset_file": (_dataset_files, lambda p: cc.load_dataset_file(p).observed.tolist()),
    "read_spec": (_spec_file, lambda p: read_spec(p)),
}


def _prepend(path: Path, prefix: bytes) -> None:
    path.write_bytes(prefix + path.read_bytes())


@pytest.mark.parametrize("loader", sorted(LOADERS))
def test_loaders_accept_a_utf8_byte_order_mark(loader, tmp_path):
    make, load = LOADERS[loader]
    plain = load(make(tmp_path))
    path = make(tmp_path)
    _prepend(path, BOM.encode("utf-8"))
    assert load(path) == plain


@pytest.mark.parametrize("loader", sorted(LOADERS))
def test_loaders_name_a_utf16_file(loader, tmp_path):
    make, load = LOADERS[loader]
    path = make(tmp_path)
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    with pytest.raises(CevnsError, match="UTF-16 byte-order mark"):
        load(path)


def test_a_byte_order_mark_inside_a_data_set_table_is_accepted(tmp_path):
    """The data set's CSV table (named by its JSON description) is a user file too."""
    path = _dataset_files(tmp_path)
    meta = json.loads(path.read_text(encoding="utf-8"))
    plain = cc.load_dataset_file(path).observed
    _prepend(tmp_path / meta["file"], BOM.encode("utf-8"))
    np.testing.assert_array_equal(cc.load_dataset_file(path).observed, plain)


@pytest.mark.parametrize("loader", sorted(LOADERS))
def test_loaders_refuse_an_empty_path_and_an_empty_file(loader, tmp_path):
    """'' was read as the current folder ("'.' is not a regular file")."""
    _, load = LOADERS[loader]
    with pytest.raises(CevnsError, match=r"is empty$"):
        load("")
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(CevnsError, match=r"^empty.txt: the .* file is empty$"):
        load(path)
