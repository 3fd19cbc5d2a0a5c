"""Data sets binned in analysis cells, with the response that maps recoil spectra onto them.

The liquid-xenon ⁸B measurements are fitted in analysis spaces that are not one energy axis
(XENONnT: cS2 × S2-shadow quantile × S1 BDT × S2 BDT, 81 cells per science run; its S2-only
search: cS2 bins per run). The collaborations publish, per cell, the observed events, the
background expectations and monoenergetic templates, i.e. the probability M(T, c) that a recoil
of energy T lands in cell c. This module loads the package's own tables of them
(``data/datasets/xenonnt/*.json`` + ``.csv``, written by ``tools/build_xenonnt_data.py``) as a
:class:`CellDataset`: a :class:`~cevns_core.datasets.Dataset` (observable ``"cell"``; observed
counts, backgrounds and their priors, the collaboration's ⁸B expectation as ``reference_signal``)
plus the :class:`~cevns_core.response.ResponseMatrix`, the science run of every cell and its
exposure, so that any experiment's recoil spectrum gives the expected signal per cell:

    s_c = E_run(c) · ∫ dR/dT(T) M(T, c) dT,   dR/dT in events/(t·yr·keV),

with E_run the run's exposure in t·yr (:meth:`CellDataset.predicted_signal`).

The JSON keys beyond those of :func:`cevns_core.datasets.load_dataset_file` (which these files
also satisfy) are: ``response_matrix`` (a shipped matrix, ``data/detectors/<name>.csv``),
``run_column`` (the CSV column holding each cell's science run), ``exposure_t_yr`` (run → t·yr),
``signal_flux_uncertainty`` (relative prior on the ⁸B flux) and ``reference_flux_cm2_s`` (the ⁸B
flux behind ``reference_signal``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._shipped import data_folder, shipped_names
from ._validation import check_choice
from .datasets import Dataset
from .datasets.shipped import _from_meta
from .errors import CevnsError
from .response.matrix import ResponseMatrix, response_matrix
from .units import YEAR_s

__all__ = ["CellDataset", "cell_dataset_names", "load_cell_dataset"]

Array = NDArray[np.float64]


@dataclass(frozen=True)
class CellDataset:
    """A data set in analysis cells with the response of the detector in recoil energy.

    Attributes
    ----------
    dataset : Dataset
        Cells, observed counts, backgrounds (events over each run's exposure) and their priors;
        ``reference_signal`` is the collaboration's ⁸B expectation per cell.
    response : ResponseMatrix
        M(T, c) for every cell (columns in the order of the cells).
    runs : ndarray of int
        Science run of each cell.
    exposure_t_yr : dict of int → float
        Exposure of each run in tonne-years (Julian years).
    signal_flux_uncertainty : float
        Relative prior width of the ⁸B flux.
    reference_flux_cm2_s : float
        ⁸B flux behind ``dataset.reference_signal`` (cm⁻² s⁻¹).
    """

    dataset: Dataset
    response: ResponseMatrix
    runs: NDArray[np.int64]
    exposure_t_yr: dict[int, float]
    signal_flux_uncertainty: float
    reference_flux_cm2_s: float
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The data set's name."""
        return self.dataset.name

    @property
    def cell_exposure_t_yr(self) -> Array:
        """Exposure (t·yr) of the run of every cell."""
        return np.array([self.exposure_t_yr[int(r)] for r in self.runs])

    @property
    def total_exposure_t_yr(self) -> float:
        """Sum of the runs' exposures in t·yr."""
        return float(sum(self.exposure_t_yr.values()))

    def predicted_signal(self, experiment: Any) -> Array:
        """Expected signal counts per cell for an experiment's recoil spectrum.

        The experiment's dN/dT (events/keV over its own exposure) is turned into a rate per
        tonne-year, folded with the response matrix up to the largest recoil the source can give,
        and multiplied by each cell's run exposure. Its target must be xenon and its source a
        flux (counts scale with the live time).

        Raises
        ------
        CevnsError
            For a fluence source, a detector without live time, or a non-xenon target.
        """
        from .experiment import Experiment

        if not isinstance(experiment, Experiment):
            raise CevnsError(f"experiment must be an Experiment, got {type(experiment).__name__}")
        det = experiment.detector
        if experiment.source.normalisation != "flux":
            raise CevnsError(f"{self.name}: the experiment's source must be a flux source")
        if {n.rstrip("0123456789") for n in det.targets()} != {"Xe"}:
            raise CevnsError(f"{self.name}: the experiment's target must be xenon")
        exposure_t_yr = det.mass_kg / 1000.0 * det.live_time_s / YEAR_s
        per_t_yr = self.response.fold(
            lambda T: experiment.recoil_spectrum(T) / exposure_t_yr,
            T_max_keV=experiment.max_recoil_keV(),
        )
        return per_t_yr * self.cell_exposure_t_yr

    def totals(self) -> dict[str, Any]:
        """Observed, background and reference-signal totals, overall and per run."""
        ds = self.dataset
        out: dict[str, Any] = {"observed": float(ds.observed.sum())}
        out["backgrounds"] = {k: float(v.sum()) for k, v in ds.backgrounds.items()}
        if ds.reference_signal is not None:
            out["reference_signal"] = float(ds.reference_signal.sum())
        per_run = {}
        for run in sorted(self.exposure_t_yr):
            sel = self.runs == run
            entry = {
                "exposure_t_yr": self.exposure_t_yr[run],
                "observed": float(ds.observed[sel].sum()),
                "background": float(ds.total_background[sel].sum()),
            }
            if ds.reference_signal is not None:
                entry["reference_signal"] = float(ds.reference_signal[sel].sum())
            per_run[run] = entry
        out["runs"] = per_run
        return out


def _folder() -> Any:
    return data_folder("datasets", "xenonnt")


def cell_dataset_names() -> list[str]:
    """Names of the shipped cell data sets, sorted.

    Examples
    --------
    >>> cell_dataset_names()
    ['xenonnt_b8_2024', 'xenonnt_b8_2026', 'xenonnt_s2only_2026']
    """
    return list(shipped_names(".json", "datasets", "xenonnt"))


def load_cell_dataset(name: str) -> CellDataset:
    """Load the shipped cell data set ``name`` (see :func:`cell_dataset_names`).

    Examples
    --------
    >>> ds = load_cell_dataset("xenonnt_b8_2024")
    >>> ds.dataset.n_cells, int(ds.dataset.observed.sum()), round(ds.total_exposure_t_yr, 3)
    (162, 37, 3.517)

    Raises
    ------
    CevnsError
        Unknown name, or a table inconsistent with its response matrix.
    """
    check_choice(name, "cell data set", cell_dataset_names())
    return _load_cell_dataset(name)


@cache  # after the name's check: an unhashable name would be a TypeError here
def _load_cell_dataset(name: str) -> CellDataset:
    meta = json.loads(_folder().joinpath(f"{name}.json").read_text(encoding="utf-8"))
    text = _folder().joinpath(meta["file"])
    cols = _read_table_at(text)
    dataset = _from_meta(name, meta, cols)
    response = response_matrix(meta["response_matrix"])
    if response.n_cells != dataset.n_cells:
        raise CevnsError(
            f"{name}: {dataset.n_cells} cells but the response matrix has {response.n_cells}"
        )
    runs = cols[meta["run_column"]].astype(np.int64)
    exposure = {int(k): float(v) for k, v in meta["exposure_t_yr"].items()}
    if set(np.unique(runs).tolist()) != set(exposure):
        raise CevnsError(f"{name}: the runs of the cells and of exposure_t_yr differ")
    expected = [f"sr{int(r)}" for r in runs]
    if any(not c.startswith(p) for c, p in zip(response.cells, expected, strict=True)):
        raise CevnsError(f"{name}: the response matrix's cells are not in the table's order")
    return CellDataset(
        dataset=dataset,
        response=response,
        runs=runs,
        exposure_t_yr=exposure,
        signal_flux_uncertainty=float(meta["signal_flux_uncertainty"]),
        reference_flux_cm2_s=float(meta["reference_flux_cm2_s"]),
        meta=meta,
    )


def _read_table_at(resource: Any) -> dict[str, Array]:
    """Columns of a shipped CSV table (the format of :mod:`cevns_core.datasets`)."""
    lines = [ln for ln in resource.read_text(encoding="utf-8").splitlines() if ln and ln[0] != "#"]
    header = [h.strip() for h in lines[0].split(",")]
    data = np.loadtxt(lines[1:], delimiter=",", ndmin=2)
    if data.shape[1] != len(header):
        raise CevnsError(f"{resource.name}: {data.shape[1]} columns but {len(header)} names")
    return {h: data[:, i] for i, h in enumerate(header)}
