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
"""

from __future__ import annotations

from typing import Any

import numpy as np
import param
from numpy.typing import ArrayLike, NDArray

from .._validation import ValidatedParameters, as_array
from ..caching import fingerprint
from ..cross_sections import MAX_RECOIL_keV
from ..errors import CevnsError
from ..materials import Material, material
from ..quenching import (
    QUENCHING_PRESETS,
    QuenchingModel,
    _check_init_params,
)
from ..response import (
    OBSERVABLES,
    EfficiencyModel,
    ResolutionModel,
    TimingEfficiency,
    _as_efficiency,
    resolution_model,
)
from ..units import DAY_s, YEAR_s
from .binned_response import _RESPONSES, BinnedResponse
from .inputs import as_quenching, checked_recoils, nuclei_per_kg, time_window

__all__ = ["DETECTOR_PRESETS", "Detector"]

Array = NDArray[np.float64]

#: Named detector-response presets (one per data release).
DETECTOR_PRESETS: tuple[str, ...] = QUENCHING_PRESETS


# largest observable value (keVnr, keVee or PE): the largest recoil at the largest light yield
_MAX_OBSERVABLE = MAX_RECOIL_keV * 1e4


class Detector(BinnedResponse, ValidatedParameters):
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
            params["quenching"] = as_quenching(params["quenching"])
        if "efficiency" in params:
            params["efficiency"] = _as_efficiency(params["efficiency"])
        if isinstance(params.get("resolution"), str):
            params["resolution"] = resolution_model(params["resolution"])
        if params.get("timing_window_us") is not None:
            params["timing_window_us"] = time_window(params["timing_window_us"])
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
            time_window(self.timing_window_us)

    def ideal(self) -> Detector:
        """The ideal detector of the same target and exposure: every recoil counts.

        Threshold 0 keVnr, observable keVnr, no upper limit, no quenching, efficiency,
        resolution, timing window or timing efficiency (material, mass and live time kept).

        Examples
        --------
        >>> from cevns_core.detector import detector_preset
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
        return {name: mass * n for name, n in nuclei_per_kg(self.material)}

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
        return self._in_unit(checked_recoils(T_keV), self.observable)

    def d_observable_dT(self, T_keV: ArrayLike) -> Array:
        """d(observable)/dT (unit per keVnr): 1, dT_ee/dT or LY·dT_ee/dT (spectrum Jacobian)."""
        self.validate()
        return self._d_in_unit(checked_recoils(T_keV), self.observable)

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
        T = checked_recoils(T_keV)
        value = self._in_unit(T, self.threshold_unit)
        keep = value >= self.threshold
        if self.upper_limit is not None:
            keep &= value < self.upper_limit
        out = keep.astype(float)
        if self.efficiency is not None:
            out *= self.efficiency.applied(self._in_unit(T, self.observable))
        return out
