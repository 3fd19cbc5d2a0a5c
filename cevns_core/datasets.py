"""Binned data sets of CEvNS measurements, for fits (issue 4; PHYSICS.md §8, §9.9).

The package ships its own compact tables of the numbers the fits need (``data/datasets/``: one CSV
with a comment header explaining every column and cut, and one JSON file with the metadata),
built from the collaborations' data releases:

``"coherent_csi_2017"``
    COHERENT CsI[Na] 2017 (arXiv:1708.01294; release arXiv:1804.09459): 2-PE bins, arrival time
    t < 6 μs; beam-on coincidence counts (``observed``), beam-on anticoincidence counts
    (steady-state background), the predicted prompt-neutron background and the residual.
    Analysis window 6–30 PE (12 bins; 547 coincidence counts) unless ``full_range=True``
    (0–50 PE).
``"coherent_lar_2020"``
    COHERENT CENNS-10 LAr 2020, Analysis A (arXiv:2003.10630; release arXiv:2006.12659): the
    release's 3-D histograms projected onto reconstructed energy (12 bins, 0–120 keVee, all F90
    and trigger times): data, steady-state / prompt-BRN / delayed-BRN backgrounds at their
    pre-fit predictions, and the collaboration's SM CEvNS prediction (128 events).
``"coherent_lar_2020_3d"``
    The same in the full 3-D binning (12 energy × 8 F90 × 10 t_trig cells, flattened in C order).

Your own 1-D data set loads with :func:`load_dataset_file`: a JSON description in the format of
the shipped ones (``"edges"`` binning) next to its CSV table, both validated (sizes, types,
column names, finite non-negative counts, contiguous increasing bins) with a clear
:class:`~cevns_core.errors.CevnsError` on any problem.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field, replace
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import as_array, as_path, check_choice, read_text_file
from .errors import CevnsError
from .flavours import FLAVOURS

__all__ = [
    "MAX_DATASET_JSON_BYTES",
    "MAX_DATASET_ROWS",
    "MAX_DATASET_TABLE_BYTES",
    "Dataset",
    "dataset_names",
    "load_dataset",
    "load_dataset_file",
]

#: Largest JSON description :func:`load_dataset_file` accepts, in bytes (100 kB).
MAX_DATASET_JSON_BYTES = 100_000
#: Largest CSV table of a user data set, in bytes (5 MB), and its largest number of rows.
MAX_DATASET_TABLE_BYTES = 5_000_000
MAX_DATASET_ROWS = 100_000
#: The χ² a data set can ask for (``cevns_core.fits.STATISTICS``; fits imports this module).
_STATISTICS = ("gaussian_coherent", "gaussian", "poisson")
#: Observables a user data set's bins can be in.
_OBSERVABLES = ("keVnr", "keVee", "PE")

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Dataset:
    """One binned measurement: observed counts, background predictions and their uncertainties.

    Arrays are per analysis cell: for a 1-D data set one cell per observable bin; for the 3-D LAr
    set the (energy, F90, time) cells flattened in C order (``shape`` gives the grid).

    Attributes
    ----------
    name, title : str
        Identifier and human-readable description.
    observable : str
        Unit of ``bin_edges``: "PE" or "keVee".
    bin_edges : ndarray
        Edges of the observable bins (the energy axis of a 3-D set).
    observed : ndarray
        Observed counts per cell (beam-on, no background subtraction).
    backgrounds : dict of ndarray
        Background predictions per cell, by component name.
    background_uncertainties : dict of float
        Fractional 1σ normalisation uncertainty of each component (the β nuisances).
    signal_uncertainty : float
        Fractional 1σ normalisation uncertainty of the signal prediction (σ_α).
    shape : tuple of int
        Cell grid: (n_bins,) or (n_energy, n_F90, n_time).
    axes : dict of ndarray
        Edges of the further axes of a 3-D set ("f90", "t_us").
    time_window_us : tuple or None
        Arrival-time cut of the data (μs).
    signal_time_fraction : dict of float
        Per flavour, the fraction of signal events inside the time cut, to apply to predictions
        that have none (empty if the experiment preset already applies the cut).
    reference_signal : ndarray or None
        The collaboration's own SM signal prediction per cell, if released.
    statistic : str
        The χ² the data are meant for ("gaussian_coherent" or "poisson").
    experiment : str
        Name of the matching experiment preset (:func:`cevns_core.experiment`).
    exposure, reference, notes : str
        Exposure, citation and the choices made.
    columns : dict of ndarray
        Every column of the shipped table (same cells).
    """

    name: str
    title: str
    observable: str
    bin_edges: Array
    observed: Array
    backgrounds: dict[str, Array]
    background_uncertainties: dict[str, float]
    signal_uncertainty: float
    shape: tuple[int, ...]
    axes: dict[str, Array] = field(default_factory=dict)
    time_window_us: tuple[float, float] | None = None
    signal_time_fraction: dict[str, float] = field(default_factory=dict)
    reference_signal: Array | None = None
    statistic: str = "poisson"
    experiment: str = ""
    exposure: str = ""
    reference: str = ""
    notes: str = ""
    columns: dict[str, Array] = field(default_factory=dict)

    @property
    def n_cells(self) -> int:
        """Number of analysis cells (bins)."""
        return int(self.observed.size)

    @property
    def total_background(self) -> Array:
        """Sum of the background components per cell."""
        return np.sum(list(self.backgrounds.values()), axis=0)

    @property
    def residual(self) -> Array:
        """Observed minus steady-state background per cell (the beam-on residual)."""
        return self.observed - self.backgrounds["steady_state"]

    def background_array(self, names: list[str] | None = None) -> tuple[Array, list[float]]:
        """Stacked background components (K, n_cells) and their uncertainties, in order."""
        keys = list(self.backgrounds) if names is None else names
        for k in keys:
            check_choice(k, f"background component of {self.name}", self.backgrounds)
        return (
            np.array([self.backgrounds[k] for k in keys]),
            [self.background_uncertainties[k] for k in keys],
        )

    def energy_projection(self, values: ArrayLike | None = None) -> Array:
        """Sum a per-cell array (default: ``observed``) over the axes other than the observable."""
        v = self.observed if values is None else np.asarray(values, dtype=float)
        return v.reshape(*v.shape[:-1], *self.shape).sum(axis=tuple(range(-len(self.shape) + 1, 0)))

    def spread(
        self,
        energy_counts: ArrayLike,
        time_weights: ArrayLike | None = None,
    ) -> Array:
        """Spread counts per energy bin over the cells of a 3-D set.

        ``energy_counts`` (..., n_energy) are distributed over F90 with the shape of the released
        SM signal in each energy bin, P(F90 | E) (bins without released signal borrow the nearest
        bin's shape), and over time either with ``time_weights`` (..., n_time), normalised to the
        accepted fraction, e.g. :meth:`Experiment.time_weights`, or with P(t | E) of the released
        signal. Returns (..., n_cells). For a 1-D set the counts are returned unchanged.
        """
        counts = np.asarray(energy_counts, dtype=float)
        if len(self.shape) == 1:
            return counts
        if self.reference_signal is None:
            raise CevnsError(f"{self.name} has no released signal shape to spread counts with")
        nE, nF, nT = self.shape
        if counts.shape[-1] != nE:
            raise CevnsError(f"energy_counts must have {nE} energy bins, got {counts.shape[-1]}")
        ref = self.reference_signal.reshape(nE, nF, nT)
        p_f = _nearest_filled(ref.sum(axis=2))  # (nE, nF)
        p_f = p_f / p_f.sum(axis=1, keepdims=True)
        if time_weights is None:
            p_t = _nearest_filled(ref.sum(axis=1))
            p_t = p_t / p_t.sum(axis=1, keepdims=True)  # (nE, nT)
            cells = counts[..., :, None, None] * p_f[:, :, None] * p_t[:, None, :]
        else:
            w = np.asarray(time_weights, dtype=float)
            if w.shape[-1] != nT:
                raise CevnsError(f"time_weights must have {nT} time bins, got {w.shape[-1]}")
            cells = counts[..., :, None, None] * p_f[:, :, None] * w[..., None, None, :]
        return cells.reshape(*cells.shape[:-3], nE * nF * nT)

    def window(self, lo: float, hi: float) -> Dataset:
        """The data set restricted to the observable bins inside [lo, hi]."""
        edges = self.bin_edges
        keep = (edges[:-1] >= lo - 1e-9) & (edges[1:] <= hi + 1e-9)
        if not np.any(keep):
            raise CevnsError(f"no {self.observable} bin of {self.name} lies inside [{lo}, {hi}]")
        idx = np.nonzero(keep)[0]
        inner = int(np.prod(self.shape[1:])) if len(self.shape) > 1 else 1
        cells = (idx[:, None] * inner + np.arange(inner)[None, :]).reshape(-1)

        def cut(a: Array | None) -> Array | None:
            return None if a is None else a[cells]

        return replace(
            self,
            bin_edges=edges[idx[0] : idx[-1] + 2],
            observed=self.observed[cells],
            backgrounds={k: v[cells] for k, v in self.backgrounds.items()},
            shape=(idx.size, *self.shape[1:]),
            reference_signal=cut(self.reference_signal),
            columns={k: v[cells] for k, v in self.columns.items()},
        )

    def summary(self) -> dict[str, Any]:
        """Totals and metadata (plain Python, for JSON output)."""
        return {
            "name": self.name,
            "title": self.title,
            "observable": self.observable,
            "bins": self.n_cells,
            "range": [float(self.bin_edges[0]), float(self.bin_edges[-1])],
            "observed": float(self.observed.sum()),
            "backgrounds": {k: float(v.sum()) for k, v in self.backgrounds.items()},
            "background_uncertainties": dict(self.background_uncertainties),
            "signal_uncertainty": self.signal_uncertainty,
            "reference": self.reference,
        }


def _nearest_filled(table: Array) -> Array:
    """Rows that sum to 0 replaced by the nearest row with content."""
    out = table.copy()
    filled = np.nonzero(table.sum(axis=1) > 0)[0]
    for i in range(table.shape[0]):
        if table[i].sum() <= 0:
            out[i] = table[filled[np.argmin(np.abs(filled - i))]]
    return out


# ------------------------------------------------------------------------------ loading
def _folder() -> Any:
    return files("cevns_core").joinpath("data").joinpath("datasets")


def dataset_names() -> list[str]:
    """Names of the shipped data sets, sorted.

    Examples
    --------
    >>> dataset_names()
    ['coherent_csi_2017', 'coherent_lar_2020', 'coherent_lar_2020_3d']
    """
    return sorted(p.name[:-5] for p in _folder().iterdir() if p.name.endswith(".json"))


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


# ------------------------------------------------------------------------- user data sets
def load_dataset_file(path: str | os.PathLike[str], *, full_range: bool = False) -> Dataset:
    """Load your own 1-D data set: a JSON description and the CSV table it names.

    The JSON object (at most :data:`MAX_DATASET_JSON_BYTES`) has the keys of the shipped
    descriptions (``data/datasets/*.json``) with ``"edges"`` binning:

    * required: ``title`` (str), ``file`` (the CSV's file name, in the JSON's folder),
      ``observable`` ("keVnr", "keVee" or "PE"), ``edges`` ([low-edge column, high-edge column]),
      ``observed`` (column), ``backgrounds`` ({component: column}), ``background_uncertainties``
      ({component: fraction ≥ 0}, the same components), ``signal_uncertainty`` (fraction ≥ 0);
    * optional: ``statistic`` ("gaussian_coherent", "gaussian" or "poisson"; default
      "poisson"), ``analysis_window`` ([lo, hi] in the observable), ``time_window_us``
      ([lo, hi]), ``signal_time_fraction`` ({flavour: fraction in [0, 1]}),
      ``reference_signal`` (column), ``experiment``, ``exposure``, ``reference``, ``notes`` (str).

    The CSV (UTF-8, at most :data:`MAX_DATASET_TABLE_BYTES` and :data:`MAX_DATASET_ROWS` rows):
    ``#`` comment lines, a header of distinct column names, then rows of finite numbers; bins
    contiguous (each low edge the previous high edge) and increasing; counts, backgrounds and the
    reference signal non-negative.

    Raises
    ------
    CevnsError
        For any violation, naming the file, the key or line and what is allowed.
    """
    p = as_path(path, "data-set description (JSON)")
    text = read_text_file(p, what="data-set description (JSON)", max_bytes=MAX_DATASET_JSON_BYTES)
    try:
        meta = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise CevnsError(f"{p.name}: not valid JSON ({exc})") from None
    if not isinstance(meta, dict):
        raise CevnsError(f"{p.name}: the description must be a JSON object {{...}}")
    _check_meta(p.name, meta)
    table = p.parent / meta["file"]
    cols = _read_user_table(table)
    _check_columns(p.name, table.name, meta, cols)
    ds = _from_meta(p.stem, meta, cols)
    window = meta.get("analysis_window")
    if full_range or window is None:
        return ds
    return ds.window(float(window[0]), float(window[1]))


def _reject_constant(token: str) -> None:
    raise ValueError(f"{token} is not a number")


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def _check_meta(name: str, meta: dict[str, Any]) -> None:
    def need(key: str, kind: type | tuple[type, ...], what: str) -> Any:
        if key not in meta:
            raise CevnsError(f"{name}: missing key {key!r} ({what})")
        value = meta[key]
        if not isinstance(value, kind) or isinstance(value, bool):
            raise CevnsError(f"{name}: {key!r} must be {what}, got {value!r}"[:300])
        return value

    def fraction(key: str, value: Any, hi: float | None = None) -> None:
        if not _is_number(value) or value < 0 or (hi is not None and value > hi):
            allowed = "a number ≥ 0" if hi is None else f"a number in [0, {hi:g}]"
            raise CevnsError(f"{name}: {key} must be {allowed}, got {value!r}"[:300])

    def pair(key: str) -> None:
        value = meta.get(key)
        if value is None:
            return
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(_is_number(v) for v in value)
            or not value[0] < value[1]
        ):
            raise CevnsError(f"{name}: {key!r} must be [lo, hi] with lo < hi, got {value!r}"[:300])

    unknown = set(meta) - {
        "title", "file", "observable", "edges", "observed", "backgrounds",
        "background_uncertainties", "signal_uncertainty", "statistic", "analysis_window",
        "time_window_us", "signal_time_fraction", "reference_signal", "experiment", "exposure",
        "reference", "notes",
    }  # fmt: skip
    if "centres" in meta:
        raise CevnsError(f"{name}: 'centres' (multi-dimensional) binning is not supported here")
    if unknown:
        raise CevnsError(f"{name}: unknown key(s) {', '.join(sorted(map(str, unknown)))[:200]}")
    need("title", str, "a string")
    file = need("file", str, "the CSV table's file name")
    if not file or Path(file).name != file or file in (".", ".."):
        raise CevnsError(
            f"{name}: 'file' must be a plain file name in the same folder, got {file!r}"
        )
    check_choice(need("observable", str, "a string"), "observable", _OBSERVABLES)
    edges = need("edges", list, "[low-edge column, high-edge column]")
    if len(edges) != 2 or not all(isinstance(c, str) for c in edges):
        raise CevnsError(f"{name}: 'edges' must name two columns, got {edges!r}"[:300])
    need("observed", str, "a column name")
    backgrounds = need("backgrounds", dict, "an object {component: column}")
    if not all(isinstance(c, str) for c in backgrounds.values()):
        raise CevnsError(f"{name}: every background must name a column")
    uncertainties = need("background_uncertainties", dict, "an object {component: fraction}")
    if set(uncertainties) != set(backgrounds):
        raise CevnsError(
            f"{name}: background_uncertainties must have the components of backgrounds "
            f"({', '.join(backgrounds) or 'none'})"
        )
    for key, value in uncertainties.items():
        fraction(f"background_uncertainties[{key!r}]", value)
    fraction("signal_uncertainty", meta.get("signal_uncertainty", "missing"))
    if "statistic" in meta:
        check_choice(meta["statistic"], "statistic", _STATISTICS)
    pair("analysis_window")
    pair("time_window_us")
    fractions = meta.get("signal_time_fraction", {})
    if not isinstance(fractions, dict):
        raise CevnsError(f"{name}: 'signal_time_fraction' must be an object {{flavour: fraction}}")
    for key, value in fractions.items():
        check_choice(key, "flavour", FLAVOURS)
        fraction(f"signal_time_fraction[{key!r}]", value, 1.0)
    if "reference_signal" in meta and not isinstance(meta["reference_signal"], str):
        raise CevnsError(f"{name}: 'reference_signal' must name a column")
    for key in ("experiment", "exposure", "reference", "notes"):
        if key in meta and not isinstance(meta[key], str):
            raise CevnsError(f"{name}: {key!r} must be a string")


def _read_user_table(path: Path) -> dict[str, Array]:
    text = read_text_file(path, what="data-set table (CSV)", max_bytes=MAX_DATASET_TABLE_BYTES)
    header: list[str] | None = None
    rows: list[list[float]] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        cells = [c.strip() for c in stripped.split(",")]
        where = f"{path.name}, line {lineno}"
        if header is None:
            if any(not c for c in cells) or len(set(cells)) != len(cells):
                raise CevnsError(f"{where}: the header needs distinct, non-empty column names")
            header = cells
            continue
        if len(cells) != len(header):
            raise CevnsError(f"{where}: {len(cells)} values, expected {len(header)}")
        if len(rows) >= MAX_DATASET_ROWS:
            raise CevnsError(f"{path.name}: more than {MAX_DATASET_ROWS} data rows")
        row = []
        for col, cell in zip(header, cells, strict=True):
            try:
                value = float(cell)
            except ValueError:
                raise CevnsError(f"{where}, column {col}: {cell!r} is not a number") from None
            if not math.isfinite(value):
                raise CevnsError(f"{where}, column {col}: value {cell!r} is not finite")
            row.append(value)
        rows.append(row)
    if header is None or not rows:
        raise CevnsError(f"{path.name}: needs a header line and at least one data row")
    data = np.array(rows, dtype=float)
    return {h: data[:, i] for i, h in enumerate(header)}


def _check_columns(name: str, table: str, meta: dict[str, Any], cols: dict[str, Array]) -> None:
    needed = [*meta["edges"], meta["observed"], *meta["backgrounds"].values()]
    if "reference_signal" in meta:
        needed.append(meta["reference_signal"])
    missing = [c for c in needed if c not in cols]
    if missing:
        raise CevnsError(
            f"{name}: column(s) {', '.join(missing)} not in {table} (columns: {', '.join(cols)})"[
                :400
            ]
        )
    lo, hi = (cols[c] for c in meta["edges"])
    if np.any(hi <= lo) or np.any(lo[1:] != hi[:-1]):
        raise CevnsError(
            f"{table}: bins must be increasing and contiguous (each {meta['edges'][0]} equal to "
            f"the previous {meta['edges'][1]}, {meta['edges'][0]} < {meta['edges'][1]})"
        )
    counts = [meta["observed"], *meta["backgrounds"].values()]
    if "reference_signal" in meta:
        counts.append(meta["reference_signal"])
    for c in counts:
        if np.any(cols[c] < 0):
            raise CevnsError(f"{table}: column {c} must be non-negative (counts)")
