"""A user's own 1-D data set (:func:`load_dataset_file`): a JSON description in the format of
the shipped ones next to its CSV table, both validated with a clear error on any problem.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._validation import as_path, check_choice, read_text_file
from ..errors import CevnsError
from ..flavours import FLAVOURS
from .dataset import Dataset
from .shipped import _from_meta

__all__ = [
    "MAX_DATASET_JSON_BYTES",
    "MAX_DATASET_ROWS",
    "MAX_DATASET_TABLE_BYTES",
    "load_dataset_file",
]

Array = NDArray[np.float64]


#: Largest JSON description :func:`load_dataset_file` accepts, in bytes (100 kB).
MAX_DATASET_JSON_BYTES = 100_000


#: Largest CSV table of a user data set, in bytes (5 MB), and its largest number of rows.
MAX_DATASET_TABLE_BYTES = 5_000_000


MAX_DATASET_ROWS = 100_000


#: The χ² a data set can ask for (``cevns_core.fits.STATISTICS``; fits imports this module).
_STATISTICS = ("gaussian_coherent", "gaussian", "poisson")


#: Observables a user data set's bins can be in.
_OBSERVABLES = ("keVnr", "keVee", "PE")


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
