"""One data set with the experiment that predicts its signal: cells, templates and nuisances.

:class:`DataSetLikelihood` joins a data set (an energy × time table of
:mod:`~cevns_core.likelihood.tables`, or a Poisson data set of :mod:`cevns_core.datasets` such as
the LAr 2020 energy or energy × F90 × time sets) with its experiment preset:

* :meth:`~DataSetLikelihood.energy_counts` — expected counts per flavour in the rate engine's
  observable bins (``cevns_core.binned_counts``);
* :meth:`~DataSetLikelihood.cells_from_counts` — those counts (any leading batch shape) spread
  over the analysis cells: energy bins merged, times the arrival-time fraction of each flavour
  in each time bin (the source's π-DAR timing with the detector's timing efficiency, or the
  release's arrival-time PDFs), or the LAr set's F90 × time shape;
* :meth:`~DataSetLikelihood.predict` — both for one physics/nuclear setting;
* :meth:`~DataSetLikelihood.components` — templates and nuisances for
  :class:`~cevns_core.likelihood.model.BinnedPoissonModel`.

Signal shape nuisances (CsI 2021) are relative factors per cell computed once with the
Standard-Model prediction: the release's ±1σ scintillation-response models and efficiency curves
and shifts of the neutrino arrival times. Applying them to a new-physics prediction assumes the
relative effect of the detector response does not depend on the physics (true for a change of
normalisation; a good approximation for smooth spectral changes).

Nuisance names: ``"sns_flux"`` (the SNS neutrino yield per proton, shareable between data sets),
all others ``"<data set>:<name>"``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .._validation import check_choice
from ..datasets import Dataset, dataset_names, load_dataset
from ..detector import Detector, detector_response_preset
from ..errors import CevnsError
from .model import Component, Nuisance, ShapeEffect
from .tables import EnergyTimeData, energy_time_names, load_energy_time

if TYPE_CHECKING:  # the Experiment class is looked up through the package at run time
    from .. import Experiment

__all__ = ["SHARED_NUISANCES", "DataSetLikelihood", "likelihood_names"]

Array = NDArray[np.float64]

#: Nuisances that several data sets can share (by default a joint likelihood shares them): the
#: SNS neutrino yield (COHERENT) and the solar ⁸B flux (the cell data sets, likelihood.cells).
SHARED_NUISANCES = ("sns_flux", "b8_flux")
#: Fractional uncertainty of the SNS neutrino yield per proton (0.08 ± 0.008, 0.09 ± 0.009,
#: 0.0848 ± 10 % in the CsI 2017, LAr 2020 and CsI 2021 releases).
SNS_FLUX_UNCERTAINTY = 0.10
_TIME_NODES = 16
_OFFSET_NODES = np.linspace(-3.0, 3.0, 13)


def likelihood_names() -> list[str]:
    """Data sets a :class:`DataSetLikelihood` can be built for.

    Examples
    --------
    >>> likelihood_names()
    ['coherent_csi_2017_2d', 'coherent_csi_2021', 'coherent_lar_2020', 'coherent_lar_2020_3d']
    """
    poisson = [n for n in dataset_names() if load_dataset(n).statistic == "poisson"]
    return sorted([*energy_time_names(), *poisson])


def _time_weights(exp: Experiment, t_edges_us: Array, offset_us: float = 0.0) -> dict[str, Array]:
    """Fraction of each flavour's events per time bin, arrival times shifted by ``offset_us``.

    The shift moves the neutrino arrival times, not the detector's timing efficiency or window
    (which act on the reconstructed time).
    """
    time_pdf = getattr(exp.source, "time_pdf", None)
    if time_pdf is None:
        raise CevnsError(f"{exp.name}: the source has no arrival-time distribution")
    det = exp.detector
    x, w = np.polynomial.legendre.leggauss(_TIME_NODES)
    half = 0.5 * np.diff(t_edges_us)[:, None]
    t = t_edges_us[:-1, None] + half * (x + 1.0)
    weight = half * w
    if det.timing_efficiency is not None:
        weight = weight * det.timing_efficiency(t)
    if det.timing_window_us is not None:
        lo, hi = det.timing_window_us
        weight = weight * ((t >= lo) & (t < hi))
    return {
        f: np.sum(weight * time_pdf(f, (t - offset_us) * 1e3) * 1e3, axis=1)
        for f in exp.source.flavours()
    }


class DataSetLikelihood:
    """A data set and its signal prediction (see the module docstring).

    Parameters
    ----------
    name : str
        One of :func:`likelihood_names`, or a cell data set
        (:func:`cevns_core.cell_datasets.cell_dataset_names`: built as a
        :class:`~cevns_core.likelihood.cells.CellDataSetLikelihood`).
    experiment : str or Experiment, optional
        The preset predicting the signal (default: the data set's own).
    steady_state : {"smoothed", "raw"}
        Steady-state background of the energy × time sets (:func:`load_energy_time`).
    shape_nuisances : bool
        Include the signal's shape nuisances (quenching, efficiency, timing; CsI 2021).
    """

    def __new__(cls, name: Any = None, *args: Any, **kwargs: Any) -> DataSetLikelihood:
        # a cell data set (XENONnT ⁸B) is built by its own class (likelihood.cells)
        if cls is DataSetLikelihood and isinstance(name, str):
            from ..cell_datasets import cell_dataset_names

            if name in cell_dataset_names():
                from .cells import CellDataSetLikelihood

                cls = CellDataSetLikelihood
        return super().__new__(cls)

    def __init__(
        self,
        name: str,
        *,
        experiment: str | Experiment | None = None,
        steady_state: str = "smoothed",
        shape_nuisances: bool = True,
    ) -> None:
        check_choice(name, "data set", likelihood_names())
        self.name = name
        if name in energy_time_names():
            self.data: EnergyTimeData | Dataset = load_energy_time(name, steady_state=steady_state)
        else:
            self.data = load_dataset(name)
        exp = self.data.experiment if experiment is None else experiment
        # through the package root: the experiment module is being reorganised
        from .. import Experiment
        from .. import experiment as preset

        self.experiment = preset(exp) if isinstance(exp, str) else exp
        if not isinstance(self.experiment, Experiment):
            raise CevnsError(f"experiment must be a preset name or an Experiment, got {exp!r}")
        if self.experiment.detector.observable != self.data.observable:
            raise CevnsError(
                f"the experiment {self.experiment.name} counts in "
                f"{self.experiment.detector.observable}, the data set {name} in "
                f"{self.data.observable}"
            )
        self._shape_nuisances = shape_nuisances
        self._kernel_cache: dict[int, Any] = {}
        self._setup_binning()
        self._weights = self._flavour_weights(0.0)
        self._shapes: tuple[ShapeEffect, ...] | None = None

    # ---------------------------------------------------------------------------- binning
    @property
    def energy_time(self) -> bool:
        return isinstance(self.data, EnergyTimeData)

    @property
    def observed(self) -> Array:
        return self.data.observed

    @property
    def n_cells(self) -> int:
        return int(self.data.observed.size)

    def _setup_binning(self) -> None:
        if self.energy_time:
            edges = self.data.energy_edges
            det = self.experiment.detector
            if det.observable == "PE" and det.resolution is not None:
                # efficiencies act at 1-PE bin centres: count in 1-PE bins, then merge
                fine = np.arange(edges[0], edges[-1] + 0.5, 1.0)
            else:
                fine = edges
            if not np.all(np.isin(edges, fine)):
                raise CevnsError(f"{self.name}: energy edges must fall on 1-PE edges")
            self.rate_edges = fine
            index = np.searchsorted(edges, fine[:-1], side="right") - 1
        else:
            self.rate_edges = self.data.bin_edges
            index = np.arange(self.data.bin_edges.size - 1)
        # merge matrix (n_rate_bins, n_energy_bins): energy counts = rate counts @ merge
        self._merge = np.zeros((index.size, self.data.shape[0]))
        self._merge[np.arange(index.size), index] = 1.0

    def _flavour_weights(self, offset_us: float) -> dict[str, Array]:
        """Per flavour, the time (or F90 × time) fractions that multiply energy counts."""
        exp, data = self.experiment, self.data
        if self.energy_time:
            timing = data.signal_timing
            if timing == "source":
                return _time_weights(exp, data.t_edges_us, offset_us)
            nT = data.shape[1]
            return {f: data.columns[col][:nT] for f, col in timing.items()}
        if len(data.shape) > 1:
            return exp.time_weights(data.axes["t_us"])
        fractions = exp.timing_fractions()
        return {
            f: np.array([fractions.get(f, 1.0) * data.signal_time_fraction.get(f, 1.0)])
            for f in exp.source.flavours()
        }

    def cells_from_counts(
        self, counts: Mapping[str, Array], *, weights: Mapping[str, Array] | None = None
    ) -> Array:
        """Energy counts per flavour (..., n_rate_bins) → signal per cell (..., n_cells)."""
        w = self._weights if weights is None else weights
        total = None
        for f, c in counts.items():
            merged = np.asarray(c, dtype=float) @ self._merge
            if self.energy_time:
                cells = (merged[..., :, None] * w[f]).reshape(*merged.shape[:-1], -1)
            elif len(self.data.shape) > 1:
                cells = self.data.spread(merged, w[f])
            else:
                cells = merged * w[f][0]
            total = cells if total is None else total + cells
        if total is None:
            raise CevnsError("counts must hold at least one flavour")
        return total

    # ---------------------------------------------------------------------------- prediction
    def response_kernels(self, detector: Detector) -> dict[str, tuple[Array, Array, Array]]:
        """Per target isotope: recoil nodes T (keV), weights and the response matrix R.

        They depend on the source's energy range and the detector only, not on the physics:
        computed once per detector, every prediction is then dN/dT on the nodes and R @ (…).
        """
        key = id(detector)
        if key not in self._kernel_cache:
            from ..nuclei import isotope
            from ..rates import _recoil_nodes

            exp = self.experiment
            recoil_edges = (
                None
                if detector.resolution is not None
                else detector.recoil_bin_edges(self.rate_edges)
            )
            kernels = {}
            for iso in detector.targets():
                T, w = _recoil_nodes(exp.source, detector, isotope(iso).mass_MeV, recoil_edges)
                R = detector.response_matrix(T, self.rate_edges) if T.size else np.zeros((0, 0))
                kernels[iso] = (T, w, R)
            self._kernel_cache[key] = (detector, kernels)
        return self._kernel_cache[key][1]

    def energy_counts(
        self,
        physics: Any = None,
        *,
        form_factor: Any = None,
        form_factor_params: Mapping[str, Any] | None = None,
        detector: Detector | None = None,
    ) -> dict[str, Array]:
        """Expected counts per flavour in the rate bins (:attr:`rate_edges`).

        The same numbers as ``cevns_core.binned_counts`` with the experiment's source, detector
        and exposure, with the detector response computed once (:meth:`response_kernels`).
        """
        from ..rates import _check_finite_count, recoil_spectrum

        exp = self.experiment
        det = exp.detector if detector is None else detector
        phys = exp.physics if physics is None else physics
        ff = exp.form_factor if form_factor is None else form_factor
        options = exp.form_factor_options()
        if form_factor_params:
            merged = {**options.get("form_factor_params", {}), **dict(form_factor_params)}
            options = {"form_factor_params": merged}
        _check_finite_count(phys, exp.source, det, self.rate_edges)
        out: dict[str, Array] = {
            f: np.zeros(self.rate_edges.size - 1) for f in exp.source.flavours()
        }
        for iso, (T, w, R) in self.response_kernels(det).items():
            if T.size == 0:
                continue
            spectrum = recoil_spectrum(
                exp.source, {iso: det.targets()[iso]}, T, phys, ff, **options
            )
            for (_, flavour), values in spectrum.parts.items():
                out[flavour] = out[flavour] + exp.exposure_factor * (R @ (values * w))
        return out

    def predict(
        self,
        physics: Any = None,
        *,
        form_factor: Any = None,
        form_factor_params: Mapping[str, Any] | None = None,
    ) -> Array:
        """Predicted signal per cell (nominal detector response, nuisances at 0)."""
        return self.cells_from_counts(
            self.energy_counts(
                physics, form_factor=form_factor, form_factor_params=form_factor_params
            )
        )

    # ---------------------------------------------------------------------------- nuisances
    def _variant_detector(self, quenching: str | None, efficiency: str | None) -> Detector:
        det = self.experiment.detector
        kw = {k: v for k, v in det.param.values().items() if k != "name"}
        preset = detector_response_preset(
            self.data.experiment,
            quenching_variant=quenching or "nominal",
            efficiency_variant=efficiency or "nominal",
        )
        if quenching is not None:
            kw["quenching"] = preset["quenching"]
        if efficiency is not None:
            kw["efficiency"] = preset["efficiency"]
        return Detector(**kw)

    def shape_effects(self) -> tuple[ShapeEffect, ...]:
        """The signal's shape effects (relative factors per cell, from the SM prediction)."""
        if self._shapes is not None:
            return self._shapes
        spec = self.data.signal_nuisances if self.energy_time else {}
        effects: list[ShapeEffect] = []
        if self._shape_nuisances and spec:
            nominal = self.predict()
            safe = np.where(nominal > 0, nominal, 1.0)

            def ratio(values: Array) -> Array:
                return np.where(nominal > 0, values / safe, 1.0)

            def varied(**kw: str) -> Array:
                det = self._variant_detector(kw.get("quenching"), kw.get("efficiency"))
                return ratio(self.cells_from_counts(self.energy_counts(detector=det)))

            nodes = np.array([-1.0, 0.0, 1.0])
            for q in spec.get("quenching", []):
                f = [
                    varied(quenching=f"{q}_minus_1sigma"),
                    np.ones(self.n_cells),
                    varied(quenching=f"{q}_plus_1sigma"),
                ]
                effects.append(ShapeEffect(f"{self.name}:quenching_{q}", nodes, np.array(f)))
            if spec.get("efficiency"):
                f = [
                    varied(efficiency="minus_1sigma"),
                    np.ones(self.n_cells),
                    varied(efficiency="plus_1sigma"),
                ]
                effects.append(ShapeEffect(f"{self.name}:efficiency", nodes, np.array(f)))
            sigma_t = spec.get("timing_offset_us")
            if sigma_t:
                counts = self.energy_counts()
                f = [
                    ratio(
                        self.cells_from_counts(counts, weights=self._flavour_weights(z * sigma_t))
                    )
                    for z in _OFFSET_NODES
                ]
                name = f"{self.name}:timing_offset"
                effects.append(ShapeEffect(name, _OFFSET_NODES, np.array(f)))
        self._shapes = tuple(effects)
        return self._shapes

    def nuisances(self) -> list[Nuisance]:
        """The data set's nuisances with their priors (``sns_flux`` first)."""
        out = [Nuisance("sns_flux", SNS_FLUX_UNCERTAINTY, doc="SNS neutrino yield per proton")]
        total = self._signal_uncertainty()
        other = math.sqrt(max(total**2 - SNS_FLUX_UNCERTAINTY**2, 0.0))
        if other > 0:
            out.append(Nuisance(f"{self.name}:signal_other", other, doc="rest of the signal norm."))
        for s in self.shape_effects():
            kind = "timing_offset" in s.nuisance
            sigma_t = self.data.signal_nuisances.get("timing_offset_us", 0.0) if kind else 0.0
            unit = f"{sigma_t:g} us" if kind else "1 sigma of the release's variation"
            out.append(Nuisance(s.nuisance, 1.0, "shape", unit=unit))
        for key in self._background_names():
            out.append(Nuisance(f"{self.name}:{key}", self._background_sigmas()[key]))
        return out

    def _signal_uncertainty(self) -> float:
        if self.energy_time:
            spec = self.data.signal_nuisances
            return math.hypot(spec.get("sns_flux", 0.0), spec.get("signal_other", 0.0))
        return float(self.data.signal_uncertainty)

    def _background_names(self) -> list[str]:
        return list(self.data.backgrounds)

    def _background_sigmas(self) -> dict[str, float]:
        return dict(self.data.background_uncertainties)

    def components(self) -> list[Component]:
        """Signal (template None) and background components for the binned model."""
        norms: dict[str, Array | None] = {"sns_flux": None}
        if any(n.name == f"{self.name}:signal_other" for n in self.nuisances()):
            norms[f"{self.name}:signal_other"] = None
        comps = [Component(f"{self.name}:signal", None, norms, self.shape_effects())]
        for key, template in self.data.backgrounds.items():
            comps.append(
                Component(f"{self.name}:{key}", np.asarray(template), {f"{self.name}:{key}": None})
            )
        return comps

    def __repr__(self) -> str:
        return f"DataSetLikelihood({self.name!r}, experiment={self.experiment.name!r})"
