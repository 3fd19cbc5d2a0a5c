"""The detector model: target, exposure, threshold, quenching, resolution, efficiency, timing.

PHYSICS.md §6.2–§6.4; DESIGN.md §3. A :class:`Detector` turns a nuclear-recoil spectrum dN/dT
(keVnr) into what is observed, in one of three observables: ``"keVnr"``, ``"keVee"`` (via the
quenching model, T_ee = Q(T)·T) or ``"PE"`` (photo-electrons, LY·T_ee). The rate engine uses:

* :meth:`Detector.targets` — number of nuclei per isotope (PHYSICS.md §6.2);
* :meth:`Detector.response_matrix` — R[i, j] = P(recoil T_j observed in bin i) × efficiency, so
  binned counts are ``R @ (dN/dT · w)`` on quadrature nodes T_j with weights w_j;
* :meth:`Detector.observed_density` — smearing kernel for a continuous observed spectrum;
* :meth:`Detector.accepts` — efficiency × threshold window for the unsmeared response;
* :meth:`Detector.threshold_recoil_keV` — the recoil energy at the threshold.

Threshold semantics: a threshold (and ``upper_limit``) expressed in the observable's unit is a
cut on the *observed* (smeared) value; expressed in another unit it is converted to a recoil
energy with the mean response (quenching, light yield) and cuts the *true* recoil.

Presets of the published responses: :func:`detector_response_preset` (keyword arguments for
``Detector``) and :func:`detector_preset` (a ready ``Detector``), numbers from
``data/detectors/`` (see ``data/SOURCES.md``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import param
from numpy.typing import ArrayLike, NDArray

from ._validation import ValidatedParameters, as_array, check_choice
from .caching import LRUCache, fingerprint
from .cross_sections import MAX_RECOIL_keV
from .errors import CevnsError
from .materials import Material, material
from .quenching import (
    QUENCHING_PRESETS,
    ConstantQuenching,
    QuenchingModel,
    _check_init_params,
    _preset_numbers,
    _preset_values,
    _variants,
    quenching_preset,
)
from .response import (
    OBSERVABLES,
    CsI2021Efficiency,
    EfficiencyModel,
    GammaResolution,
    GaussianResolution,
    LogisticStepEfficiency,
    ResolutionModel,
    TabulatedEfficiency,
    TimingEfficiency,
    _as_efficiency,
    bin_probabilities,
    efficiency_table,
    node_cells,
    resolution_model,
    timing_fraction,
)
from .response import observed_density as _observed_density
from .units import DAY_s, YEAR_s

__all__ = [
    "DETECTOR_PRESETS",
    "Detector",
    "detector_preset",
    "detector_response_preset",
    "efficiency_preset_variants",
]

Array = NDArray[np.float64]

#: Named detector-response presets (one per data release).
DETECTOR_PRESETS: tuple[str, ...] = QUENCHING_PRESETS


class Detector(ValidatedParameters):
    """A CEvNS detector: target material and mass, exposure, threshold and response.

    Parameters are ``param`` parameters (bounds and docs drive the dashboard widgets). The
    constructor also accepts convenient forms: ``quenching`` as a number (constant QF) or a
    preset name, ``resolution`` as a registry name (``"poisson"``), ``efficiency`` as a plain
    callable of the observable. Inconsistent settings raise :class:`CevnsError` at construction
    and again, if set later, when a method is called (:meth:`validate`).

    Examples
    --------
    >>> det = Detector(material="CsI", mass_kg=14.57, quenching=0.0878,
    ...                light_yield_PE_per_keVee=13.348, observable="PE")
    >>> f"{det.targets()['Cs133']:.4e}"
    '3.3772e+25'
    >>> round(float(det.observable_value(1.0)), 4)
    1.172
    """

    material = param.ClassSelector(
        class_=(str, Material),
        default="CsI",
        doc="Target material: a name or chemical formula ('CsI', 'Ar', 'CaWO4', 'CsI[Na]').",
        label="Target",
        metadata={"unit": ""},
    )
    mass_kg = param.Number(
        1.0,
        bounds=(0.0, 1e9),
        inclusive_bounds=(False, True),
        softbounds=(0.1, 1000.0),
        doc="Active (fiducial) target mass in kg.",
        label="Mass",
        metadata={"unit": "kg"},
    )
    live_time_days = param.Number(
        None,
        allow_None=True,
        bounds=(0.0, 1e6),
        softbounds=(0.0, 3650.0),
        doc="Live time in days (for flux sources; a fluence already holds the exposure).",
        label="Live time",
        metadata={"unit": "days"},
    )
    threshold = param.Number(
        0.0,
        bounds=(0.0, 1e6),
        softbounds=(0.0, 50.0),
        doc="Threshold, in threshold_unit (hard cut).",
        label="Threshold",
        metadata={"unit": ""},
    )
    threshold_unit = param.Selector(
        objects=list(OBSERVABLES),
        default="keVnr",
        doc="Unit of threshold and upper_limit: 'keVnr', 'keVee' or 'PE'. In the observable's "
        "unit the cut acts on the observed value, otherwise on the true recoil.",
        label="Threshold unit",
        metadata={"unit": ""},
    )
    upper_limit = param.Number(
        None,
        allow_None=True,
        bounds=(0.0, 1e7),
        inclusive_bounds=(False, True),
        softbounds=(1.0, 200.0),
        doc="Optional upper analysis limit in threshold_unit (must exceed threshold).",
        label="Upper analysis limit",
        metadata={"unit": ""},
    )
    quenching = param.ClassSelector(
        class_=QuenchingModel,
        default=None,
        allow_None=True,
        doc="Quenching model (needed for keVee and PE); None: no quenching information.",
        label="Quenching",
        metadata={"unit": ""},
    )
    light_yield_PE_per_keVee = param.Number(
        None,
        allow_None=True,
        bounds=(0.0, 1e4),
        inclusive_bounds=(False, True),
        softbounds=(1.0, 50.0),
        doc="Light yield in photo-electrons per keVee (needed for PE).",
        label="Light yield",
        metadata={"unit": "PE/keVee"},
    )
    resolution = param.ClassSelector(
        class_=ResolutionModel,
        default=None,
        allow_None=True,
        doc="Resolution model (Gaussian, Poisson or Gamma); None: no smearing.",
        label="Resolution",
        metadata={"unit": ""},
    )
    efficiency = param.ClassSelector(
        class_=EfficiencyModel,
        default=None,
        allow_None=True,
        doc="Detection efficiency of the observable; None: 1.",
        label="Efficiency",
        metadata={"unit": ""},
    )
    observable = param.Selector(
        objects=list(OBSERVABLES),
        default="keVnr",
        doc="What is measured: nuclear recoil 'keVnr', electron-equivalent 'keVee' or 'PE'.",
        label="Observable",
        metadata={"unit": ""},
    )
    timing_window_us = param.Range(
        None,
        allow_None=True,
        softbounds=(-1.0, 12.0),
        doc="Optional accepted arrival-time window (t_min, t_max) in μs.",
        label="Timing window",
        metadata={"unit": "μs"},
    )
    timing_efficiency = param.ClassSelector(
        class_=TimingEfficiency,
        default=None,
        allow_None=True,
        doc="Optional timing efficiency ε_t(t) (CsI 2021).",
        label="Timing efficiency",
        metadata={"unit": ""},
    )

    def __init__(self, **params: Any) -> None:
        params = dict(params)
        if "quenching" in params:
            params["quenching"] = _as_quenching(params["quenching"])
        if "efficiency" in params:
            params["efficiency"] = _as_efficiency(params["efficiency"])
        if isinstance(params.get("resolution"), str):
            params["resolution"] = resolution_model(params["resolution"])
        if params.get("timing_window_us") is not None:
            params["timing_window_us"] = _time_window(params["timing_window_us"])
        if isinstance(params.get("timing_efficiency"), str):
            raise CevnsError("timing_efficiency must be a TimingEfficiency or None")
        _check_init_params(type(self), params)
        try:
            super().__init__(**params)
        except ValueError as exc:  # param's type checks (e.g. a wrong model class)
            raise CevnsError(str(exc)) from exc
        self.validate()

    # ------------------------------------------------------------------------------ checks
    def validate(self) -> None:
        """Check that the settings are consistent; raise :class:`CevnsError` otherwise.

        The check runs once per value of the settings: every method calls it, and it returns at
        once while no parameter (of the detector or of its models) has changed since it passed.
        """
        key = self._fingerprint()
        if self.__dict__.get("_validated_key") == key:
            return
        self._check_settings()
        self.__dict__["_validated_key"] = key

    def _check_settings(self) -> None:
        material(self.material)
        needs = {self.observable, self.threshold_unit}
        if needs & {"keVee", "PE"} and self.quenching is None:
            which = "observable" if self.observable != "keVnr" else "threshold_unit"
            raise CevnsError(
                f"{which} {getattr(self, which)!r} needs a quenching model; set quenching "
                "(e.g. quenching=0.0878 or quenching_model('lindhard', target='Ge'))"
            )
        if "PE" in needs and self.light_yield_PE_per_keVee is None:
            which = "observable" if self.observable == "PE" else "threshold_unit"
            raise CevnsError(
                f"{which} 'PE' needs light_yield_PE_per_keVee (photo-electrons per keVee)"
            )
        if self.resolution is not None and self.observable not in self.resolution.observables:
            raise CevnsError(
                f"the {self.resolution.model_name!r} resolution applies to observable(s) "
                f"{', '.join(self.resolution.observables)}, not {self.observable!r}"
            )
        if self.upper_limit is not None and self.upper_limit <= self.threshold:
            raise CevnsError(
                f"upper_limit ({self.upper_limit:g} {self.threshold_unit}) must exceed the "
                f"threshold ({self.threshold:g} {self.threshold_unit})"
            )
        if self.timing_window_us is not None:
            _time_window(self.timing_window_us)

    def ideal(self) -> Detector:
        """The ideal detector of the same target and exposure: every recoil counts.

        Threshold 0 keVnr, observable keVnr, no upper limit, no quenching, efficiency,
        resolution, timing window or timing efficiency (material, mass and live time kept).

        Examples
        --------
        >>> det = detector_preset("coherent_csi_2017").ideal()
        >>> det.observable, det.threshold, det.efficiency is None, det.mass_kg
        ('keVnr', 0.0, True, 14.57)
        """
        return Detector(
            material=self.material, mass_kg=self.mass_kg, live_time_days=self.live_time_days
        )

    # --------------------------------------------------------------------------- targets
    @property
    def material_model(self) -> Material:
        """The :class:`Material` of the target."""
        return material(self.material)

    def targets(self) -> dict[str, float]:
        """Number of nuclei of each isotope in the detector, mass × N_t,i per kg (§6.2).

        Examples
        --------
        >>> det = Detector(material="CsI", mass_kg=14.57)
        >>> f"{det.targets()['I127']:.4e}"
        '3.3772e+25'
        """
        self.validate()
        mass = float(self.mass_kg)
        return {name: mass * n for name, n in _nuclei_per_kg(self.material)}

    @property
    def exposure_kg_day(self) -> float:
        """Exposure mass × live time in kg·day (CevnsError without a live time)."""
        if self.live_time_days is None:
            raise CevnsError("live_time_days is not set; the exposure needs a live time")
        return float(self.mass_kg) * float(self.live_time_days)

    @property
    def exposure_kg_yr(self) -> float:
        """Exposure in kg·yr (Julian year)."""
        return self.exposure_kg_day * DAY_s / YEAR_s

    @property
    def live_time_s(self) -> float:
        """Live time in seconds (CevnsError without a live time)."""
        if self.live_time_days is None:
            raise CevnsError("live_time_days is not set")
        return float(self.live_time_days) * DAY_s

    # ------------------------------------------------------------------ energy conversions
    def electron_equivalent_keV(self, T_keV: ArrayLike) -> Array:
        """T_ee(T) in keVee from the quenching model."""
        if self.quenching is None:
            raise CevnsError("this detector has no quenching model; set quenching")
        return self.quenching.electron_equivalent_keV(T_keV)

    def _in_unit(self, T: Array, unit: str) -> Array:
        if unit == "keVnr":
            return T
        Tee = self.electron_equivalent_keV(T)
        return Tee if unit == "keVee" else float(self.light_yield_PE_per_keVee) * Tee

    def _d_in_unit(self, T: Array, unit: str) -> Array:
        if unit == "keVnr":
            return np.ones_like(T)
        d = self.quenching.d_electron_equivalent_dT(T)
        return d if unit == "keVee" else float(self.light_yield_PE_per_keVee) * d

    def _recoil_in_unit(self, value: ArrayLike, unit: str) -> Array:
        v = as_array(value, "value", minimum=0.0, maximum=_MAX_OBSERVABLE)
        if unit == "keVnr":
            return v
        # the inverse quenching is a numerical inversion: kept per value (a fresh copy is
        # returned) since thresholds, windows and bin edges ask for the same values each call
        key = ("recoil of", unit, self._response_key(), fingerprint(v))
        return _RESPONSES.get(key, lambda: self._invert_response(v, unit)).copy()

    def _invert_response(self, v: Array, unit: str) -> Array:
        if unit == "PE":
            v = v / float(self.light_yield_PE_per_keVee)
        # a new array (never the caller's: the cache makes what it keeps read-only)
        return np.array(self.quenching.recoil_from_electron_equivalent_keV(v))

    def observable_value(self, T_keV: ArrayLike) -> Array:
        """Mean observable value (keVnr, keVee or PE) of recoils ``T_keV`` (keVnr)."""
        self.validate()
        return self._in_unit(_recoils(T_keV), self.observable)

    def d_observable_dT(self, T_keV: ArrayLike) -> Array:
        """d(observable)/dT (unit per keVnr): 1, dT_ee/dT or LY·dT_ee/dT (spectrum Jacobian)."""
        self.validate()
        return self._d_in_unit(_recoils(T_keV), self.observable)

    def recoil_from_observable(self, value: ArrayLike) -> Array:
        """Recoil energy (keVnr) whose mean observable value is ``value`` (inverse quenching)."""
        self.validate()
        return self._recoil_in_unit(value, self.observable)

    def threshold_recoil_keV(self) -> float:
        """Nuclear-recoil energy (keVnr) at the threshold, through the mean response.

        With smearing, recoils below this energy can still be observed above the threshold;
        use it for a "threshold above every kinematically allowed recoil" check, not as a cut.

        Examples
        --------
        >>> det = Detector(quenching=0.0878, light_yield_PE_per_keVee=13.348, observable="PE",
        ...                threshold=6.0, threshold_unit="PE")
        >>> round(det.threshold_recoil_keV(), 4)
        5.1197
        """
        self.validate()
        return float(self._recoil_in_unit(self.threshold, self.threshold_unit))

    def upper_limit_recoil_keV(self) -> float | None:
        """Nuclear-recoil energy (keVnr) at ``upper_limit`` (None without an upper limit)."""
        self.validate()
        if self.upper_limit is None:
            return None
        return float(self._recoil_in_unit(self.upper_limit, self.threshold_unit))

    # ------------------------------------------------------------------------- response
    def accepts(self, T_keV: ArrayLike) -> Array:
        """Efficiency × (threshold ≤ value < upper_limit) for recoils ``T_keV``, no smearing.

        The efficiency is evaluated at the recoil's mean observable value (with its bin-centre
        convention); the window is applied in threshold_unit. With a resolution set this is the
        unsmeared approximation (use :meth:`response_matrix` for the smeared response).
        """
        self.validate()
        T = _recoils(T_keV)
        value = self._in_unit(T, self.threshold_unit)
        keep = value >= self.threshold
        if self.upper_limit is not None:
            keep &= value < self.upper_limit
        out = keep.astype(float)
        if self.efficiency is not None:
            out *= self.efficiency.applied(self._in_unit(T, self.observable))
        return out

    def _true_factor(self, T: Array, mean: Array) -> Array:
        """Column factor: true-stage efficiency and a window not in the observable's unit."""
        factor = np.ones_like(T)
        if self.efficiency is not None and self.efficiency.stage == "true":
            factor *= self.efficiency.applied(mean)
        if self.threshold_unit != self.observable:
            value = self._in_unit(T, self.threshold_unit)
            factor *= value >= self.threshold
            if self.upper_limit is not None:
                factor *= value < self.upper_limit
        return factor

    def _observed_efficiency(self) -> EfficiencyModel | None:
        eff = self.efficiency
        return eff if eff is not None and eff.stage == "observed" else None

    def response_matrix(
        self, T_keV: ArrayLike, bin_edges: ArrayLike, *, fractional_edges: bool = False
    ) -> Array:
        """Probability that a recoil T_j (keVnr) is observed in bin i, with all effects.

        R[i, j] = P(observed value ∈ [e_i, e_{i+1}) ∩ window | T_j) × efficiency. Without a
        resolution a recoil falls deterministically into the bin holding its mean value. With
        efficiency 1 and bins covering every outcome, each column sums to 1.

        Without a resolution, binned counts from a quadrature in T converge slowly when bin
        edges fall between nodes (each node goes wholly to one bin). Two remedies: put the
        nodes inside each bin's recoil interval (:meth:`recoil_bin_edges`), exact; or pass
        ``fractional_edges=True``: node j then stands for the cell between the midpoints to its
        neighbours (:func:`cevns_core.response.node_cells`), spread uniformly in the observable,
        and each bin gets the overlapping fraction (efficiency evaluated on the pieces).

        Parameters
        ----------
        T_keV : array_like, shape (n_T,)
            Recoil energies in keVnr (≥ 0), e.g. quadrature nodes.
        bin_edges : array_like, shape (n_bins + 1,)
            Strictly increasing edges in the observable's unit (integers for PE counts: the bin
            [e_i, e_{i+1}) holds the counts n with e_i ≤ n < e_{i+1}).
        fractional_edges : bool
            Spread each node over its cell (no-resolution case only; ignored with a resolution).

        Returns
        -------
        ndarray, shape (n_bins, n_T)
            Binned counts are ``R @ (dN/dT(T) * weights)``.

        Raises
        ------
        CevnsError
            Bad energies or edges, or an inconsistent detector.
        """
        self.validate()
        T = _recoils(T_keV, one_d=True)
        edges = as_array(bin_edges, "bin_edges")
        if edges.ndim != 1 or edges.size < 2 or np.any(np.diff(edges) <= 0):
            raise CevnsError("bin_edges must be a 1-D, strictly increasing array of ≥ 2 values")
        return self._response_matrix(T, edges, fractional_edges)

    def _response_matrix(self, T: Array, edges: Array, fractional_edges: bool) -> Array:
        """:meth:`response_matrix` of validated recoils and edges."""
        lo, hi = edges[:-1].copy(), edges[1:].copy()
        if self.threshold_unit == self.observable:
            lo = np.maximum(lo, self.threshold)
            if self.upper_limit is not None:
                hi = np.minimum(hi, self.upper_limit)
        mean = self._in_unit(T, self.observable)
        Tee = self.quenching.electron_equivalent_keV(T) if self.quenching is not None else None
        R = bin_probabilities(
            lo,
            hi,
            mean,
            Tee,
            resolution=self.resolution,
            efficiency=self._observed_efficiency(),
            cells=node_cells(T, mean) if fractional_edges and self.resolution is None else None,
        )
        return R * self._true_factor(T, mean)[None, :]

    def bin_assignment(self, T_keV: ArrayLike, bin_edges: ArrayLike) -> tuple[Array, Array]:
        """Without a resolution: the bin of each recoil and its weight, a sparse response matrix.

        Returns ``(index, weight)``: recoil T_j falls into bin ``index[j]`` (−1: none) with
        efficiency × window ``weight[j]``, so that ``R[i, j] = weight[j]·[index[j] = i]`` is
        :meth:`response_matrix` without building the dense (n_bins, n_T) array (binned counts
        are then a ``bincount``).

        Raises
        ------
        CevnsError
            With a resolution set (each recoil then spreads over several bins), or bad input.
        """
        self.validate()
        if self.resolution is not None:
            raise CevnsError("bin_assignment needs a detector without resolution")
        T = _recoils(T_keV, one_d=True)
        edges = as_array(bin_edges, "bin_edges")
        if edges.ndim != 1 or edges.size < 2 or np.any(np.diff(edges) <= 0):
            raise CevnsError("bin_edges must be a 1-D, strictly increasing array of ≥ 2 values")
        lo, hi = edges[:-1].copy(), edges[1:].copy()
        if self.threshold_unit == self.observable:
            lo = np.maximum(lo, self.threshold)
            if self.upper_limit is not None:
                hi = np.minimum(hi, self.upper_limit)
        mean = self._in_unit(T, self.observable)
        # lo is non-decreasing (clipping repeats the threshold): the last bin with lo ≤ mean is
        # the only one that can hold it, and it does when mean < hi there and the bin is not empty
        index = np.searchsorted(lo, mean, side="right") - 1
        safe = np.clip(index, 0, lo.size - 1)
        inside = (index >= 0) & (mean < hi[safe]) & (hi[safe] > lo[safe])
        weight = inside * self._true_factor(T, mean)
        observed = self._observed_efficiency()
        if observed is not None:
            weight = weight * observed.applied(mean)
        return np.where(inside, index, -1), np.asarray(weight, dtype=float)

    def _response_key(self) -> Any:
        """Fingerprint of everything the response depends on (not the mass or live time)."""
        return self._fingerprint(_NOT_RESPONSE)

    def _cached_response_matrix(self, T_keV: Array, bin_edges: Array) -> Array:
        """:meth:`response_matrix` (no fractional edges), kept per value of the response, the
        recoils and the edges; read-only. For the rate engine, which asks for the same matrices
        on every update of the physics (smearing is most of the cost of a smeared count)."""
        self.validate()
        key = (self._response_key(), fingerprint(T_keV), fingerprint(bin_edges))
        return _RESPONSES.get(key, lambda: self.response_matrix(T_keV, bin_edges))

    def _cached_recoil_bin_edges(self, bin_edges: Array) -> Array:
        """:meth:`recoil_bin_edges`, kept per value of the response and the edges; read-only."""
        self.validate()
        key = ("recoil edges", self._response_key(), fingerprint(bin_edges))
        # a copy: for recoil bins the method hands back the caller's own array
        return _RESPONSES.get(key, lambda: np.array(self.recoil_bin_edges(bin_edges)))

    def recoil_bin_edges(self, bin_edges: ArrayLike) -> Array:
        """Recoil energies (keVnr) of observable bin edges, after the threshold window.

        Edges are clipped to [threshold, upper_limit] when those are in the observable's unit,
        then mapped through the mean response (inverse quenching / light yield). Without a
        resolution, integrating dN/dT between consecutive returned values gives the bin counts
        before efficiency exactly.

        Examples
        --------
        >>> det = Detector(quenching=0.0878, light_yield_PE_per_keVee=13.348, observable="PE")
        >>> [round(v, 4) for v in det.recoil_bin_edges([0.0, 6.0, 30.0]).tolist()]
        [0.0, 5.1197, 25.5983]
        """
        self.validate()
        edges = as_array(bin_edges, "bin_edges", minimum=0.0)
        if edges.ndim != 1 or edges.size < 2 or np.any(np.diff(edges) <= 0):
            raise CevnsError("bin_edges must be a 1-D, strictly increasing array of ≥ 2 values")
        if self.threshold_unit == self.observable:
            upper = np.inf if self.upper_limit is None else self.upper_limit
            edges = np.clip(edges, self.threshold, upper)
        return self._recoil_in_unit(edges, self.observable)

    def observed_density(self, T_keV: ArrayLike, x: ArrayLike) -> Array:
        """Smearing kernel K[i, j] for dN/dx(x_i) = Σ_j K[i, j] dN/dT(T_j) w_j, shape (n_x, n_T).

        K = p(x_i | T_j) × efficiency × window: a density per observable unit (Gaussian, Gamma)
        or, for Poisson, the probability of the integer count x_i.

        Raises
        ------
        CevnsError
            Without a resolution (then the observed spectrum is a change of variables:
            dN/dx = dN/dT / :meth:`d_observable_dT`), or for bad input.
        """
        self.validate()
        if self.resolution is None:
            raise CevnsError(
                "observed_density needs a resolution model; without smearing use "
                "dN/dx = dN/dT / d_observable_dT(T) or response_matrix"
            )
        T = _recoils(T_keV, one_d=True)
        xs = as_array(x, "x")
        if xs.ndim != 1:
            raise CevnsError(f"x must be a 1-D array, got shape {xs.shape}")
        mean = self._in_unit(T, self.observable)
        Tee = self.quenching.electron_equivalent_keV(T) if self.quenching is not None else None
        K = _observed_density(
            xs, mean, Tee, resolution=self.resolution, efficiency=self._observed_efficiency()
        )
        if self.threshold_unit == self.observable:
            keep = xs >= self.threshold
            if self.upper_limit is not None:
                keep &= xs < self.upper_limit
            K = K * keep[:, None]
        return K * self._true_factor(T, mean)[None, :]

    def timing_fraction(
        self,
        pdf: Callable[[Array], ArrayLike] | tuple[ArrayLike, ArrayLike],
        *,
        support_us: tuple[float, float] | None = None,
    ) -> float:
        """Accepted fraction of an arrival-time PDF (μs) for the window and timing efficiency.

        See :func:`cevns_core.response.timing_fraction`; without a window and a timing
        efficiency the fraction is 1.
        """
        self.validate()
        if self.timing_window_us is None and self.timing_efficiency is None:
            return 1.0
        return timing_fraction(
            pdf,
            self.timing_window_us,
            efficiency=self.timing_efficiency,
            support_us=support_us,
        )

    def timing_fractions(self, source: Any) -> dict[str, float]:
        """Accepted fraction per flavour of a source's arrival times (π-DAR sources).

        :meth:`timing_fraction` of the source's ``time_pdf(flavour, t_ns)`` for each flavour;
        empty without a timing window and efficiency or for a source without arrival times.
        The fractions do not depend on the physics: they are kept per value of the timing
        settings and the source.
        """
        self.validate()
        if self.timing_window_us is None and self.timing_efficiency is None:
            return {}
        time_pdf = getattr(source, "time_pdf", None)
        if time_pdf is None:
            return {}

        def compute() -> dict[str, float]:
            return {
                f: self.timing_fraction(lambda t_us, f=f: time_pdf(f, np.asarray(t_us) * 1e3) * 1e3)
                for f in source.flavours()
            }

        key = (self.timing_window_us, fingerprint(self.timing_efficiency), fingerprint(source))
        return dict(_TIMING.get(key, compute))


#: Parameters the response does not depend on.
_NOT_RESPONSE = frozenset({"mass_kg", "live_time_days"})
#: Response matrices and recoil bin edges (a smeared matrix is up to a few MB).
_RESPONSES = LRUCache("detector responses", max_entries=64, max_bytes=64 * 2**20)
#: Timing fractions per (window, timing efficiency, source).
_TIMING = LRUCache("timing fractions", max_entries=128)


# largest observable value (keVnr, keVee or PE): the largest recoil at the largest light yield
_MAX_OBSERVABLE = MAX_RECOIL_keV * 1e4


# ------------------------------------------------------------------------------------ helpers
def _nuclei_per_kg(target: str | Material) -> tuple[tuple[str, float], ...]:
    if isinstance(target, str):
        return _nuclei_per_kg_of_name(target)
    return tuple(material(target).nuclei_per_kg_by_isotope().items())


@functools.lru_cache(maxsize=64)
def _nuclei_per_kg_of_name(name: str) -> tuple[tuple[str, float], ...]:
    return tuple(material(name).nuclei_per_kg_by_isotope().items())


def _recoils(T_keV: ArrayLike, *, one_d: bool = False) -> Array:
    T = as_array(T_keV, "T_keV", minimum=0.0)
    if np.any(T > MAX_RECOIL_keV):  # 1e308 keV overflowed the quenching polynomials
        raise CevnsError(f"T_keV must be ≤ {MAX_RECOIL_keV:g} keV, got {T.max():g}")
    if one_d and T.ndim != 1:
        raise CevnsError(f"T_keV must be a 1-D array of recoil energies, got shape {T.shape}")
    return T


def _time_window(value: Any) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError) as exc:
        raise CevnsError(f"timing_window_us must be a pair (t_min, t_max), got {value!r}") from exc
    if not (np.isfinite(lo) and np.isfinite(hi)) or hi <= lo:
        raise CevnsError(f"timing_window_us needs finite t_min < t_max, got ({lo:g}, {hi:g})")
    return lo, hi


def _as_quenching(value: Any) -> QuenchingModel | None:
    if value is None or isinstance(value, QuenchingModel):
        return value
    if isinstance(value, str):
        return quenching_preset(value)
    if isinstance(value, bool):
        raise CevnsError(
            f"quenching must be a QuenchingModel, a number or a preset name, got {value!r}"
        )
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise CevnsError(
            f"quenching must be a QuenchingModel, a number or a preset name, got {value!r}"
        ) from exc
    return ConstantQuenching(value=number)


# ------------------------------------------------------------------------------------ presets
def efficiency_preset_variants(name: str) -> tuple[str, ...]:
    """Variant names of a preset's efficiency (``"nominal"`` first).

    Examples
    --------
    >>> efficiency_preset_variants("coherent_csi_2021")
    ('nominal', 'plus_1sigma', 'minus_1sigma')
    """
    check_choice(name, "detector preset", DETECTOR_PRESETS)
    return _variants(name, "efficiency.") or ("nominal",)


def detector_response_preset(
    name: str,
    *,
    quenching_variant: str = "nominal",
    efficiency_variant: str = "nominal",
) -> dict[str, Any]:
    """Keyword arguments of :class:`Detector` for a published detector response.

    * ``"coherent_csi_2017"`` — CsI[Na], 14.57 kg, constant QF 0.0878, LY 13.348 PE/keVee,
      ``logistic_step`` efficiency at 1-PE bin centres, observable PE, window 6–30 PE, no
      smearing (as in PHYSICS.md §6.5; set ``resolution="poisson"`` for PE counting);
    * ``"coherent_csi_2021"`` — CsI[Na], T_ee polynomial (MeV), LY 13.35 PE/keVee, Gamma PE
      smearing, ``csi_2021`` efficiency, timing efficiency, window 0–60 PE and 0–6 μs.
      **No mass**: the release files do not state it; pass ``mass_kg`` (the experiment preset
      does);
    * ``"coherent_lar_2020"`` — Ar, 24.4 kg, Q = 0.246 + 0.00078·T, Gaussian σ = 0.58 √E[keVee],
      tabulated efficiency of the reconstructed keVee (0 below the table, last value 0.96345
      above its end at 39.75 keVee), observable keVee, window 0–120 keVee, t_trig −0.1–4.9 μs.

    Raises
    ------
    CevnsError
        Unknown preset or variant.

    Examples
    --------
    >>> kw = detector_response_preset("coherent_csi_2017")
    >>> kw["mass_kg"], kw["observable"], kw["threshold"], kw["upper_limit"]
    (14.57, 'PE', 6.0, 30.0)
    """
    name = check_choice(name, "detector preset", DETECTOR_PRESETS)
    values = _preset_values(name)
    quenching = quenching_preset(name, quenching_variant)
    eff_variant = check_choice(
        efficiency_variant, f"efficiency variant of {name!r}", efficiency_preset_variants(name)
    )
    kw: dict[str, Any] = {"quenching": quenching, "threshold": 0.0}
    if "mass_kg" in values:
        kw["mass_kg"] = _preset_numbers(name, "mass_kg")[0]
    if name == "coherent_csi_2017":
        a, k, x0 = _preset_numbers(name, f"efficiency.{eff_variant}")
        start, end, mid = _preset_numbers(name, "efficiency_step_PE")
        (width,) = _preset_numbers(name, "efficiency_bin_width_PE")
        kw["efficiency"] = LogisticStepEfficiency(
            a=a,
            k=k,
            x0=x0,
            step_start=start,
            step_end=end,
            step_value=mid,
            evaluation="bin_centre",
            bin_width=width,
        )
    elif name == "coherent_csi_2021":
        a, b, c, d = _preset_numbers(name, f"efficiency.{eff_variant}")
        kw["efficiency"] = CsI2021Efficiency(a=a, b=b, c=c, d=d)
        _, shape = _preset_numbers(name, "gamma_smearing")
        kw["resolution"] = GammaResolution(shape_per_keVee=shape)
        t0, lam = _preset_numbers(name, "timing_efficiency")
        kw["timing_efficiency"] = TimingEfficiency(t0_us=t0, decay_per_us=lam)
    else:
        x, eff = efficiency_table("coherent_lar_2020_efficiency.csv")
        kw["efficiency"] = TabulatedEfficiency(
            x=tuple(x), efficiency=tuple(eff), below="zero", above="hold"
        )
        (a,) = _preset_numbers(name, "resolution_stochastic_sqrt_keVee")
        kw["resolution"] = GaussianResolution(stochastic=a)
    if "light_yield_PE_per_keVee" in values:
        kw["light_yield_PE_per_keVee"] = _preset_numbers(name, "light_yield_PE_per_keVee")[0]
    for key, unit in (("analysis_window_PE", "PE"), ("analysis_window_keVee", "keVee")):
        if key in values:
            lo, hi = _preset_numbers(name, key)
            kw.update(observable=unit, threshold_unit=unit, threshold=lo, upper_limit=hi)
    if "timing_window_us" in values:
        kw["timing_window_us"] = _preset_numbers(name, "timing_window_us")
    kw["material"] = "Ar" if name == "coherent_lar_2020" else "CsI[Na]"
    return kw


def detector_preset(name: str, **overrides: Any) -> Detector:
    """A :class:`Detector` built from :func:`detector_response_preset`, with overrides.

    ``quenching_variant`` and ``efficiency_variant`` select ±1σ variants; other keywords
    override the preset's Detector parameters (e.g. ``mass_kg``, ``resolution="poisson"``).

    Raises
    ------
    CevnsError
        Unknown preset or variant, a preset without a mass and no ``mass_kg`` given, or an
        invalid override.

    Examples
    --------
    >>> det = detector_preset("coherent_lar_2020")
    >>> det.observable, round(det.threshold_recoil_keV(), 3)
    ('keVee', 0.0)
    """
    variants = {
        k: overrides.pop(k) for k in ("quenching_variant", "efficiency_variant") if k in overrides
    }
    kw = detector_response_preset(name, **variants)
    kw.update(overrides)
    if "mass_kg" not in kw:
        raise CevnsError(
            f"the {name!r} data release does not state the detector mass; pass mass_kg=..."
        )
    return Detector(**kw)
