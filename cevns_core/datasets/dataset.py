"""The :class:`Dataset` record of one binned measurement: observed counts, background
predictions and uncertainties, energy projection and spreading over extra axes, windows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import check_choice
from ..errors import CevnsError

__all__ = ["Dataset"]

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
