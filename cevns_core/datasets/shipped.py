"""The data sets shipped in ``data/datasets/`` (our CSV tables with a JSON description each):
their names and :func:`load_dataset`.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._shipped import data_folder, shipped_names
from .._validation import as_array, check_choice
from ..errors import CevnsError
from .dataset import Dataset

__all__ = ["dataset_names", "load_dataset"]

Array = NDArray[np.float64]


def _folder() -> Any:
    return data_folder("datasets")


def dataset_names() -> list[str]:
    """Names of the shipped data sets, sorted.

    Examples
    --------
    >>> dataset_names()
    ['coherent_csi_2017', 'coherent_lar_2020', 'coherent_lar_2020_3d']
    """
    return list(shipped_names(".json", "datasets"))


def _read_table(name: str) -> dict[str, Array]:
    text = _folder().joinpath(name).read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    header = lines[0].split(",")
    data = np.loadtxt(lines[1:], delimiter=",", ndmin=2)
    if data.shape[1] != len(header):
        raise CevnsError(f"{name}: {data.shape[1]} columns but {len(header)} names")
    return {h.strip(): data[:, i] for i, h in enumerate(header)}


def _centre_edges(centres: Array, width: float) -> Array:
    c = np.unique(centres)
    return np.append(c - 0.5 * width, c[-1] + 0.5 * width)


@cache
def _load(name: str) -> Dataset:
    meta = json.loads(_folder().joinpath(f"{name}.json").read_text(encoding="utf-8"))
    return _from_meta(name, meta, _read_table(meta["file"]))


def _from_meta(name: str, meta: dict[str, Any], cols: dict[str, Array]) -> Dataset:
    if "edges" in meta:
        lo, hi = (cols[c] for c in meta["edges"])
        edges = np.append(lo, hi[-1])
        shape: tuple[int, ...] = (lo.size,)
        axes: dict[str, Array] = {}
    else:
        (e_col, e_w), *others = meta["centres"].items()
        edges = _centre_edges(cols[e_col], e_w)
        axes = {k.replace("_keVee", ""): _centre_edges(cols[k], w) for k, w in others}
        shape = (edges.size - 1, *(a.size - 1 for a in axes.values()))
    ref = meta.get("reference_signal")
    tw = meta.get("time_window_us")
    for arr in cols.values():
        arr.flags.writeable = False
    return Dataset(
        name=name,
        title=meta["title"],
        observable=meta["observable"],
        bin_edges=edges,
        observed=cols[meta["observed"]],
        backgrounds={k: cols[c] for k, c in meta["backgrounds"].items()},
        background_uncertainties={k: float(v) for k, v in meta["background_uncertainties"].items()},
        signal_uncertainty=float(meta["signal_uncertainty"]),
        shape=shape,
        axes=axes,
        time_window_us=None if tw is None else (float(tw[0]), float(tw[1])),
        signal_time_fraction={k: float(v) for k, v in meta.get("signal_time_fraction", {}).items()},
        reference_signal=None if ref is None else cols[ref],
        statistic=meta.get("statistic", "poisson"),
        experiment=meta.get("experiment", ""),
        exposure=meta.get("exposure", ""),
        reference=meta.get("reference", ""),
        notes=meta.get("notes", ""),
        columns=cols,
    )


def load_dataset(name: str, *, full_range: bool = False) -> Dataset:
    """Load the shipped data set ``name`` (see :func:`dataset_names`).

    Parameters
    ----------
    name : str
        Data-set name.
    full_range : bool
        Keep every released bin instead of the analysis window (CsI 2017: 0–50 PE instead of
        6–30 PE).

    Raises
    ------
    CevnsError
        Unknown name.

    Examples
    --------
    >>> ds = load_dataset("coherent_csi_2017")
    >>> ds.n_cells, int(ds.observed.sum()), int(ds.residual.sum())
    (12, 547, 142)
    >>> ds.bin_edges[[0, -1]].tolist()
    [6.0, 30.0]
    """
    check_choice(name, "data set", dataset_names())
    ds = _load(name)
    if full_range:
        return ds
    meta = json.loads(_folder().joinpath(f"{name}.json").read_text(encoding="utf-8"))
    window = meta.get("analysis_window")
    if window is None:
        return ds
    lo, hi = as_array(window, "analysis_window")
    return ds.window(float(lo), float(hi))
