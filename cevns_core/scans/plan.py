"""A scan's plan: what every chunk of grid rows computes, and what it sends back.

A :class:`Plan` holds the route (polynomial table, kernels per grid point, or the generic
per-point path), the statistic and what to keep; :func:`plan_rows` is the task of the local and
the Dask backends. A chunk returns its χ² and total counts (in ``dtype``) and, on the kernel and
generic routes with ``keep="bins"``, its counts per bin; on the polynomial route the bin counts
are never sent (the result evaluates them from the table on demand) and, with a Gaussian χ²,
not even formed. External likelihood terms (APV, PVES: :mod:`.external`) are added to each
chunk's χ² on its rows of the grid.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .engine import Job, scan_rows
from .polynomial import PolynomialTable

__all__ = ["Plan", "plan_rows"]

Array = NDArray[np.float64]


@dataclass
class Plan:
    """Everything a chunk of rows needs (picklable: sent once to Dask workers)."""

    shape: tuple[int, ...]
    jobs: list[Job]
    table: PolynomialTable | None
    statistic: Any
    keep: str
    dtype: str
    chunk_rows: int
    closed_form: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    external: Any = None  # an ExternalGrid: the APV/PVES χ² added to every point

    def chunks(self) -> list[tuple[int, int]]:
        n = self.shape[0]
        return [(lo, min(lo + self.chunk_rows, n)) for lo in range(0, n, self.chunk_rows)]

    def for_workers(self) -> Plan:
        """The plan without the kernels when the table is all the chunks need."""
        return replace(self, jobs=[]) if self.table is not None else self

    def signals(self, lo: int, hi: int) -> Array:
        """Predicted counts per output (bins or cells) for rows lo:hi."""
        if self.table is not None:
            return self.table.counts(lo, hi)
        pieces = [scan_rows(job, lo, hi) for job in self.jobs]
        return pieces[0] if len(pieces) == 1 else np.concatenate(pieces, axis=-1)


def plan_rows(plan: Plan, lo: int, hi: int) -> dict[str, Array | None]:
    """χ², totals and (kernel/generic routes, ``keep="bins"``) bin counts of rows lo:hi."""
    dtype = np.dtype(plan.dtype)
    if plan.closed_form:
        chi2 = plan.statistic.chi2_table(plan.table, lo, hi)
        totals = plan.table.totals(lo, hi)
        bins = None
    else:
        signals = plan.signals(lo, hi)
        chi2 = plan.statistic.chi2(signals)
        totals = signals.sum(axis=-1)
        keep = plan.keep == "bins" and plan.table is None
        bins = signals.astype(dtype, copy=False) if keep else None
    if plan.external is not None:  # in float64, before any float32 storage
        chi2 = np.asarray(chi2, dtype=float) + plan.external.rows(lo, hi)
    return {
        "chi2": np.asarray(chi2, dtype=float).astype(dtype, copy=False),
        "totals": np.asarray(totals, dtype=float).astype(dtype, copy=False),
        "bins": bins,
    }
