"""The pieces of a scan's run: the grid axes checked, one job per experiment part, the rows of
the first axis per chunk (from the route's memory budget), and the lazily evaluated bin counts of
a polynomial table.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import CevnsError
from .catalogue import ScanModel
from .engine import (
    Job,
    base_physics,
    physics_values,
)
from .polynomial import PolynomialTable
from .targets import Part

__all__ = ["MAX_SCAN_POINTS"]

#: Largest number of grid points of one scan (2000 × 2000).
MAX_SCAN_POINTS = 4_000_000

Array = NDArray[np.float64]

# Elements (grid points × recoil nodes) per chunk of the kernel route: ~8 MB per temporary.
_FAST_BUDGET = 1_000_000
# Elements per chunk of the polynomial route: grid points × keys² (closed form) or × outputs.
_TABLE_BUDGET = 2_000_000
_GENERIC_CHUNKS_1D = 50


class _TableCounts:
    """The bin counts of a polynomial table, evaluated when a result's ``bin_counts`` is read."""

    def __init__(self, table: PolynomialTable, dtype: str) -> None:
        self.table, self.dtype = table, dtype

    def __call__(self) -> Array:
        return self.table.counts(0, self.table.shape[0]).astype(self.dtype, copy=False)


def _job(
    spec: ScanModel,
    names: tuple[str, ...],
    values: tuple,
    path: str,
    part: Part,
    null: dict[str, float],
) -> Job:
    exp = part.experiment
    base_params = base_physics(exp)[1]
    ff = exp.form_factor
    return Job(
        model=spec.name,
        names=names,
        values=values,
        method=path,
        n_bins=part.edges.size - 1,
        chunk_rows=1,
        source=exp.source,
        detector=exp.detector,
        edges=part.edges,
        form_factor=ff,
        exposure=exp.exposure_factor,
        factors=dict(part.factors),
        maps=dict(part.maps),
        base_params=base_params,
        ff_name=ff if isinstance(ff, str) else "helm",
        ff_params=exp.form_factor_options().get("form_factor_params", {}),
        physics_values=physics_values(base_params),
        null=dict(null),
    )


def _chunk_rows(
    chunk_rows: int | None,
    path: str,
    route: str,
    closed: bool,
    values: tuple,
    jobs: list[Job],
    table: PolynomialTable | None,
    n_workers: int,
) -> int:
    """Rows of the first axis per chunk (validated, or from the route's memory budget)."""
    if chunk_rows is not None:
        if isinstance(chunk_rows, bool) or not isinstance(chunk_rows, int | np.integer):
            raise CevnsError(f"chunk_rows must be a positive integer, got {chunk_rows!r}")
        if chunk_rows < 1:
            raise CevnsError(f"chunk_rows must be a positive integer, got {chunk_rows!r}")
        return int(chunk_rows)
    per_row_points = values[1].size if len(values) > 1 else 1
    if table is not None:
        n_keys = len(table.keys)
        width = n_keys * n_keys if closed else max(table.n_out, n_keys)
        return max(1, _TABLE_BUDGET // (per_row_points * width))
    if path == "fast":
        n_T = max((b.T.size for job in jobs for b in job.blocks), default=1)
        return max(1, _FAST_BUDGET // (max(n_T, 1) * per_row_points))
    if len(values) > 1:
        return 1
    return max(1, -(-values[0].size // _GENERIC_CHUNKS_1D))


def _check_axes(model: ScanModel, axes: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple]:
    if not axes:
        raise CevnsError(
            f"give one or two axes to scan for model {model.name!r}, e.g. "
            + ", ".join(f"{a.name}=[...]" for a in model.axes)
            + f" (its default grid: cevns_core.scans.default_axes({model.name!r}))"
        )
    if len(axes) > 2:
        raise CevnsError(f"at most two axes can be scanned at once, got {', '.join(axes)}")
    names, values = [], []
    for name, raw in axes.items():
        axis = model.axis(name)
        arr = axis.check(raw)
        if arr.ndim != 1:
            raise CevnsError(f"axis {name} must be 1-D, got shape {arr.shape}")
        if arr.size == 0:
            raise CevnsError(f"axis {name} is empty: give at least one value")
        if arr.size > 1 and np.any(np.diff(arr) <= 0):
            raise CevnsError(f"axis {name} must be strictly increasing")
        names.append(name)
        values.append(arr)
    points = math.prod(v.size for v in values)
    if points > MAX_SCAN_POINTS:
        raise CevnsError(
            f"the scan grid has {points} points ({' × '.join(str(v.size) for v in values)}); "
            f"the limit is {MAX_SCAN_POINTS}"
        )
    return tuple(names), tuple(values)
