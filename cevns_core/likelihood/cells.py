"""A data set in analysis cells (XENONnT ⁸B) as a likelihood part for fits and scans.

:class:`CellDataSetLikelihood` is the :class:`~cevns_core.likelihood.DataSetLikelihood` of a
:class:`~cevns_core.cell_datasets.CellDataset`: the experiment's recoil spectrum is counted in
fine recoil bins (keVnr, a copy of the experiment with the ideal detector of 1 t·yr) and mapped
onto the cells with the release's response matrix,

    s_c = E_run(c) · Σ_i N_i M(T̄_i, c),

N_i the counts of 1 t·yr in bin i, T̄_i its centre and E_run(c) the exposure (t·yr) of the cell's
science run. The bins split every interval of the matrix's energy grid in
:data:`SUBDIVISIONS`: M is linear there, so M(T̄_i) is its mean over the bin, and the fold differs
from :meth:`CellDataset.predicted_signal`'s quadrature only by the spectrum's slope inside a bin
(< 10⁻³). Because the map is linear in the bin counts, the fast scan path applies unchanged.

Nuisances: ``"b8_flux"`` (the ⁸B flux, SNO's 3.81 % of the releases; shared by default between
⁸B data sets, like ``"sns_flux"`` between COHERENT's), ``"<name>:signal_efficiency"`` (the
release's signal-efficiency prior) and one per background with the release's priors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..cell_datasets import cell_dataset_names, load_cell_dataset
from ..detector import Detector
from ..errors import CevnsError
from .analyses import DataSetLikelihood
from .components import Component, Nuisance, ShapeEffect

if TYPE_CHECKING:
    from .. import Experiment

__all__ = ["B8_FLUX_NUISANCE", "SUBDIVISIONS", "CellDataSetLikelihood"]

#: Name of the ⁸B flux nuisance (shareable between ⁸B data sets).
B8_FLUX_NUISANCE = "b8_flux"
#: Recoil bins per interval of the response matrix's energy grid.
SUBDIVISIONS = 4
_KG_PER_T = 1000.0
_DAYS_PER_YEAR = 365.25  # one Julian year (units.YEAR_s): the cells' exposures are in t·yr


class CellDataSetLikelihood(DataSetLikelihood):
    """A cell data set (:func:`cevns_core.cell_datasets.cell_dataset_names`) and its signal.

    Parameters
    ----------
    name : str
        A cell data set, e.g. ``"xenonnt_b8_2024"``.
    experiment : str or Experiment, optional
        Source, physics and nuclear choice of the prediction (default: the data set's preset;
        its target must be xenon and its source a flux). Its detector response is replaced by
        the release's response matrix.
    **_ignored
        The options of the energy × time sets (``steady_state``, ``shape_nuisances``) do not
        apply and are ignored.
    """

    def __init__(
        self, name: str, *, experiment: str | Experiment | None = None, **_ignored: Any
    ) -> None:
        from .. import Experiment
        from .. import experiment as preset

        if name not in cell_dataset_names():
            raise CevnsError(
                f"unknown cell data set {name!r}; choose one of: {', '.join(cell_dataset_names())}"
            )
        self.name = name
        self.cells = load_cell_dataset(name)
        self.data = self.cells.dataset
        exp = self.data.experiment if experiment is None else experiment
        given = preset(exp) if isinstance(exp, str) else exp
        if not isinstance(given, Experiment):
            raise CevnsError(f"experiment must be a preset name or an Experiment, got {exp!r}")
        if given.detector is None or given.source is None:
            raise CevnsError(f"{given.name}: the experiment needs a source and a detector")
        if given.source.normalisation != "flux":
            raise CevnsError(f"{name}: the experiment's source must be a flux source")
        if {n.rstrip("0123456789") for n in given.detector.targets()} != {"Xe"}:
            raise CevnsError(f"{name}: the experiment's target must be xenon")
        grid = self.cells.response.T_keV
        # 1 t·yr of the same target, every recoil in the matrix's range counted
        detector = Detector(
            material=given.detector.material,
            mass_kg=_KG_PER_T,
            live_time_days=_DAYS_PER_YEAR,
            threshold=float(grid[0]),
        )
        self.experiment = given.copy(detector=detector)
        self._shape_nuisances = False
        self._kernel_cache: dict[int, Any] = {}
        self._setup_binning()
        self._weights = {}
        self._shapes: tuple[ShapeEffect, ...] | None = ()

    @property
    def energy_time(self) -> bool:
        return False

    def _setup_binning(self) -> None:
        grid = self.cells.response.T_keV
        top = self.experiment.max_recoil_keV()
        if top <= grid[0]:
            raise CevnsError(
                f"{self.name}: the source's largest recoil ({top:.4g} keVnr) is below the "
                f"response matrix ({grid[0]:g}-{grid[-1]:g} keVnr)"
            )
        knots = grid[grid < top]
        if top < grid[-1] or self.cells.response.above == "hold":
            knots = np.append(knots, top)  # beyond the table: its last row (held)
        t = np.linspace(0.0, 1.0, SUBDIVISIONS + 1)[:-1]
        steps = np.diff(knots)
        self.rate_edges = np.append((knots[:-1, None] + steps[:, None] * t).ravel(), knots[-1])
        centres = 0.5 * (self.rate_edges[:-1] + self.rate_edges[1:])
        # (n_bins, n_cells): counts of 1 t·yr per bin → expected events per cell
        self._map = self.cells.response.rows(centres) * self.cells.cell_exposure_t_yr

    def _flavour_weights(self, offset_us: float) -> dict[str, Any]:
        return {}

    def cells_from_counts(self, counts: Any, *, weights: Any = None) -> Any:
        """Counts of 1 t·yr per flavour in the recoil bins (..., n_bins) → events per cell."""
        total = None
        for c in counts.values():
            cells = np.asarray(c, dtype=float) @ self._map
            total = cells if total is None else total + cells
        if total is None:
            raise CevnsError("counts must hold at least one flavour")
        return total

    def shape_effects(self) -> tuple[ShapeEffect, ...]:
        return ()

    def nuisances(self) -> list[Nuisance]:
        """The ⁸B flux, the signal efficiency and the backgrounds, with the release's priors."""
        out = [
            Nuisance(B8_FLUX_NUISANCE, self.cells.signal_flux_uncertainty, doc="solar ⁸B flux"),
            Nuisance(
                f"{self.name}:signal_efficiency",
                float(self.data.signal_uncertainty),
                doc="signal efficiency (the release's prior)",
            ),
        ]
        sigmas = self._background_sigmas()
        out.extend(Nuisance(f"{self.name}:{k}", sigmas[k]) for k in self._background_names())
        return out

    def components(self) -> list[Component]:
        """Signal (scaled by the flux and efficiency nuisances) and the backgrounds."""
        norms: dict[str, Any] = {B8_FLUX_NUISANCE: None, f"{self.name}:signal_efficiency": None}
        comps = [Component(f"{self.name}:signal", None, norms)]
        for key, template in self.data.backgrounds.items():
            comps.append(
                Component(f"{self.name}:{key}", np.asarray(template), {f"{self.name}:{key}": None})
            )
        return comps

    def __repr__(self) -> str:
        return f"CellDataSetLikelihood({self.name!r}, experiment={self.experiment.name!r})"
