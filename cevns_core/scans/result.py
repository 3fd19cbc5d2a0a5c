"""The result of a scan: :class:`ScanResult` (counts, χ², Δχ² conventions, best fit, contours).

Convention of Δχ² (PHYSICS §8.3 asks to say which). ``reference="minimum"`` (default):
Δχ² = χ² − χ²_min, with χ²_min the smallest χ² on the grid *or at the no-new-physics point*
(always evaluated, as part of the parameter space even when a log grid does not contain it):
contours are then allowed regions (fit) or, for Asimov data, expected exclusions. With
``reference="sm"``: Δχ² = χ² − χ²_SM, "excluded at CL relative to the SM". For Asimov data
generated at the SM both coincide (χ²_SM = 0 = χ²_min). Contours use the 2-dof threshold for a
2-D grid and intervals the 1-dof threshold for a 1-D profile (PHYSICS §8.2).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import CevnsError
from ..statistics import Interval, confidence_intervals, delta_chi2_threshold

__all__ = ["REFERENCES", "ScanResult"]

Array = NDArray[np.float64]

#: Δχ² conventions: relative to the minimum (grid ∪ no-new-physics point) or to the SM point.
REFERENCES: tuple[str, ...] = ("minimum", "sm")


class ScanResult:
    """A χ² scan on a 1-D or 2-D grid (see :func:`scan`).

    Attributes
    ----------
    model : str
        Scan model name (:data:`SCAN_MODELS`).
    axes : dict of ndarray
        Axis name → values, in grid order: arrays below have shape ``(len(a₀), [len(a₁)])``.
    bin_counts : ndarray, shape (*grid, n_bins)
        Predicted signal counts per analysis bin (per cell of the data sets, concatenated, for a
        likelihood scan). Scans on the polynomial route evaluate them on first access (``source``);
        with ``keep="chi2"`` they are not kept and reading them raises CevnsError.
    chi2 : ndarray
        χ² at every grid point (nuisances profiled; float32 with ``dtype="float32"``).
    chi2_null : float
        χ² at the no-new-physics point ``null_point`` (the SM).
    null_point : dict
        Axis values of no new physics (NaN for R_n: the experiment's own neutron distribution).
    reference : {"minimum", "sm"}
        Convention of :attr:`delta_chi2` (module docstring).
    bin_edges, observed : ndarray
        Analysis bins (observable unit) and the data (or Asimov counts) the χ² compares with.
    info : dict
        Experiment, data, statistic, σ_α, path ("fast"/"generic"), route ("polynomial",
        "kernel", "generic"), backend, timing.
    totals : ndarray, optional
        Total counts per grid point, when kept apart from the bin counts.
    source : callable, optional
        Returns the bin counts when ``bin_counts`` is None (evaluated once, on first access).
    """

    def __init__(
        self,
        model: str,
        axes: dict[str, Array],
        bin_counts: Array | None,
        chi2: Array,
        chi2_null: float,
        null_point: dict[str, float],
        reference: str,
        bin_edges: Array,
        observed: Array,
        info: dict[str, Any] | None = None,
        *,
        totals: Array | None = None,
        source: Callable[[], Array] | None = None,
    ) -> None:
        self.model = model
        self.axes = axes
        self._bin_counts = bin_counts
        self.chi2 = chi2
        self.chi2_null = chi2_null
        self.null_point = null_point
        self.reference = reference
        self.bin_edges = bin_edges
        self.observed = observed
        self.info = {} if info is None else info
        self._totals = totals
        self._source = source

    def __repr__(self) -> str:
        return (
            f"ScanResult(model={self.model!r}, shape={self.shape}, "
            f"chi2_min={self.chi2_min:.6g}, path={self.info.get('path')!r})"
        )

    @property
    def shape(self) -> tuple[int, ...]:
        """Grid shape."""
        return self.chi2.shape

    @property
    def bin_counts(self) -> Array:
        """Predicted signal counts per analysis bin (or cell), shape (*grid, n_bins)."""
        if self._bin_counts is None:
            if self._source is None:
                raise CevnsError(
                    "the bin counts of this scan were not kept (keep='chi2'): scan with "
                    "keep='bins' to have them"
                )
            self._bin_counts = self._source()
        return self._bin_counts

    @property
    def counts(self) -> Array:
        """Total predicted signal counts (summed over the analysis bins) on the grid."""
        if self._totals is not None:
            return self._totals
        return self.bin_counts.sum(axis=-1)

    @property
    def chi2_min(self) -> float:
        """The reference χ²: min(grid, no-new-physics point) or χ²_SM (``reference``)."""
        if self.reference == "sm":
            return self.chi2_null
        return float(min(np.min(self.chi2), self.chi2_null))

    @property
    def delta_chi2(self) -> Array:
        """Δχ² = χ² − :attr:`chi2_min` on the grid (float64 even from a float32 χ²)."""
        return np.asarray(self.chi2, dtype=float) - self.chi2_min

    @property
    def best_fit(self) -> dict[str, Any]:
        """Axis values at the smallest χ² (grid point, or the no-new-physics point if lower).

        Keys: the axis names, ``"chi2"`` and ``"index"`` (grid index; None for the null point).
        """
        index = np.unravel_index(int(np.argmin(self.chi2)), self.chi2.shape)
        if self.chi2_null < float(self.chi2[index]):
            return {**self.null_point, "chi2": self.chi2_null, "index": None}
        point = {n: float(v[i]) for (n, v), i in zip(self.axes.items(), index, strict=True)}
        return {**point, "chi2": float(self.chi2[index]), "index": tuple(int(i) for i in index)}

    def threshold(self, cl: float = 0.9) -> float:
        """Δχ² level at ``cl``: 1 dof for a 1-D profile, 2 dof for a 2-D grid (PHYSICS §8.2)."""
        return delta_chi2_threshold(cl, dof=len(self.axes))

    def contour(self, cl: float = 0.9) -> list[Any]:
        """The Δχ² = threshold(cl) boundary.

        2-D: a list of polylines ``(values of axis 0, values of axis 1)`` (contourpy; computed in
        log coordinates along an axis whose values are positive and geometrically spaced, so a
        log-log plot shows straight interpolation). The allowed (or, for Asimov data, the
        not-excluded) region is Δχ² below the level. 1-D: a list of
        :class:`~cevns_core.statistics.Interval` with Δχ² ≤ threshold(cl) (several if disjoint).

        Raises
        ------
        CevnsError
            ``cl`` outside (0, 1).
        """
        level = self.threshold(cl)
        names = list(self.axes)
        if len(names) == 1:
            x = self.axes[names[0]]
            if x.size < 2:
                raise CevnsError("a 1-D profile needs at least 2 grid points for intervals")
            return confidence_intervals(x, self.chi2, threshold=level, chi2_min=self.chi2_min)
        import contourpy

        a0, a1 = (self.axes[n] for n in names)
        if a0.size < 2 or a1.size < 2:
            raise CevnsError("a 2-D contour needs at least 2 values on each axis")
        log0, log1 = _is_geometric(a0), _is_geometric(a1)
        x = np.log10(a1) if log1 else a1
        y = np.log10(a0) if log0 else a0
        gen = contourpy.contour_generator(
            x=x, y=y, z=self.delta_chi2, line_type=contourpy.LineType.Separate
        )
        lines = []
        for line in gen.lines(level):
            xs, ys = line[:, 0], line[:, 1]
            lines.append((10.0**ys if log0 else ys, 10.0**xs if log1 else xs))
        return lines

    def intervals(self, cl: float = 0.9) -> list[Interval]:
        """1-D profiles: the allowed intervals at ``cl`` (same as :meth:`contour`)."""
        if len(self.axes) != 1:
            raise CevnsError("intervals are defined for 1-D profiles; use contour() on a 2-D grid")
        return self.contour(cl)

    def as_dict(self, cl: float = 0.9) -> dict[str, Any]:
        """Plain-Python view for JSON output (grid, counts, χ², Δχ², best fit, contour at cl)."""
        boundary = self.contour(cl) if min(v.size for v in self.axes.values()) > 1 else []
        out: dict[str, Any] = {
            "model": self.model,
            "axes": {k: v.tolist() for k, v in self.axes.items()},
            "shape": list(self.shape),
            "counts": self.counts.tolist(),
            "chi2": self.chi2.tolist(),
            "delta_chi2": self.delta_chi2.tolist(),
            "chi2_min": self.chi2_min,
            "chi2_null": self.chi2_null,
            "null_point": {k: (None if math.isnan(v) else v) for k, v in self.null_point.items()},
            "reference": self.reference,
            "best_fit": {
                k: (None if isinstance(v, float) and math.isnan(v) else v)
                for k, v in self.best_fit.items()
            },
            "cl": cl,
            "threshold": self.threshold(cl),
            "bin_edges": self.bin_edges.tolist(),
            "observed": self.observed.tolist(),
            "info": self.info,
        }
        names = list(self.axes)
        if len(names) == 1:
            out["intervals"] = [iv.as_dict() for iv in boundary]
        else:
            out["contours"] = [{names[0]: a.tolist(), names[1]: b.tolist()} for a, b in boundary]
        return out


def _is_geometric(values: Array) -> bool:
    if values.size < 3 or np.any(values <= 0):
        return False
    ratios = values[1:] / values[:-1]
    return bool(np.allclose(ratios, ratios[0], rtol=1e-6) and ratios[0] > 1.0 + 1e-6) and not bool(
        np.allclose(np.diff(values), values[1] - values[0], rtol=1e-6)
    )
