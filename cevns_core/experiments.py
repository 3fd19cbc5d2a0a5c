"""Experiment presets: a neutrino source, a detector and an exposure, with their published numbers.

Presets live in ``data/experiments/<name>.json`` (one file per experiment, each citing its
sources). ``experiment(name)`` builds an :class:`Experiment`; its :meth:`~Experiment.counts`
are the expected CEvNS events after threshold, quenching, smearing and efficiencies over the
preset's exposure (a fluence source already holds the exposure; a flux source is multiplied by
the detector's live time).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import numpy as np
import param
from numpy.typing import ArrayLike, NDArray

from ._validation import ValidatedParameters, as_array, check_choice
from .detector import Detector, detector_response_preset
from .errors import CevnsError
from .kinematics import T_max_keV
from .nuclear_model import check_nuclear_choice
from .nuclei import isotope
from .quenching import quenching_model
from .rates import BinnedCounts, RecoilSpectrum, binned_counts, recoil_spectrum
from .response import efficiency_model, resolution_model
from .sources import SOURCE_TYPES, Source
from .weak_charges import StandardModel

__all__ = ["Counts", "Experiment", "experiment", "experiment_names", "experiment_table"]

Array = NDArray[np.float64]

_FINE_BINS = 400
# Without smearing and efficiency the observable bins only split an integral that the rate engine
# does exactly within each bin: a few bins give the same total (to ~1e-7) at a fraction of the cost.
_COARSE_BINS = 8
_TIME_NODES = 16


@dataclass(frozen=True)
class Counts:
    """Expected events over the exposure, with their breakdown."""

    total: float
    by_flavour: dict[str, float]
    by_isotope: dict[str, float]
    unit: str = "events"

    def __float__(self) -> float:
        return self.total

    def as_dict(self) -> dict[str, Any]:
        """Plain-Python view for JSON output."""
        return {
            "total": self.total,
            "by_flavour": self.by_flavour,
            "by_isotope": self.by_isotope,
            "unit": self.unit,
        }


class Experiment(ValidatedParameters):
    """A CEvNS experiment: source + detector (+ Standard-Model/new-physics inputs).

    Examples
    --------
    >>> exp = experiment("coherent_csi_2017")
    >>> round(exp.counts().total, 1)
    173.9
    """

    title = param.String(default="", doc="Human-readable name.")
    reference = param.String(default="", doc="Where the preset's numbers come from.")
    notes = param.String(default="", doc="Choices made when the sources were ambiguous.")
    published = param.Dict(default={}, doc="Published predictions/measurements for comparison.")
    source = param.ClassSelector(class_=Source, doc="Neutrino source, normalised at the detector.")
    detector = param.ClassSelector(class_=Detector, doc="Target, exposure and response.")
    physics = param.ClassSelector(
        class_=StandardModel, default=None, allow_None=True, doc="None: the Standard Model."
    )
    form_factor = param.Parameter(default="helm", doc="Nuclear model name or NuclearModel.")
    form_factor_params = param.Dict(
        default={},
        doc="Parameters of the form-factor model (e.g. {'s_fm': 0.9}); a value may be a mapping "
        "isotope name or element symbol → value.",
    )
    skin_fm = param.Parameter(
        default=0.0,
        doc="Neutron skin R_n − R_p in fm: one number for every nucleus, or a mapping isotope "
        "name or element symbol → fm (e.g. {'Cs': 0.3, 'I': 0.25}); nuclei not named get 0.",
    )
    R_n_fm = param.Parameter(
        default=None,
        doc="Neutron rms radius in fm, overriding the skin: None, one number, or a mapping isotope "
        "name or element symbol → fm.",
    )

    def __init__(self, **params: Any) -> None:
        for name in ("skin_fm", "R_n_fm"):
            if name in params:
                check_nuclear_choice(name, params[name])
        super().__init__(**params)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in ("skin_fm", "R_n_fm") and self.__dict__.get("_assignments_checked", False):
            check_nuclear_choice(name, value)
        super().__setattr__(name, value)

    def form_factor_options(self) -> dict[str, Any]:
        """The nuclear choice as the rate engine's keyword options (``form_factor_params``).

        Empty for the model's defaults; otherwise ``{"form_factor_params": {...}}`` with the
        model's parameters, ``skin_fm`` and ``R_n_fm`` (per-nucleus mappings are resolved by the
        cross section, :func:`~cevns_core.nuclear_model.params_for_nucleus`).
        """
        params = dict(self.form_factor_params)
        if isinstance(self.skin_fm, Mapping) or self.skin_fm != 0.0:
            params["skin_fm"] = _plain_choice(self.skin_fm)
        if self.R_n_fm is not None:
            params["R_n_fm"] = _plain_choice(self.R_n_fm)
        return {"form_factor_params": params} if params else {}

    # --------------------------------------------------------------------------- helpers
    @property
    def exposure_factor(self) -> float:
        """1 for a fluence source; the detector live time in s for a flux source."""
        if self.source.normalisation == "fluence":
            return 1.0
        if self.detector.live_time_days is None:
            raise CevnsError(
                f"{self.name}: a flux source needs the detector's live_time_days for counts"
            )
        return self.detector.live_time_s

    def max_recoil_keV(self) -> float:
        """Largest recoil any target nucleus can receive from the source."""
        masses = [isotope(n).mass_MeV for n in self.detector.targets()]
        return float(T_max_keV(self.source.E_max_MeV, min(masses)))

    def _check_threshold(self) -> None:
        T_thr = self.detector.threshold_recoil_keV()
        T_top = self.max_recoil_keV()
        if self.detector.resolution is None and T_thr >= T_top:
            raise CevnsError(
                f"{self.name}: the threshold ({self.detector.threshold:g} "
                f"{self.detector.threshold_unit}, i.e. {T_thr:.4g} keVnr) is above the largest "
                f"recoil the source can produce ({T_top:.4g} keVnr at "
                f"E = {self.source.E_max_MeV:.4g} MeV)"
            )

    # --------------------------------------------------------------------------- results
    def spectrum(self, T_keV: ArrayLike) -> RecoilSpectrum:
        """dN/dT per isotope and flavour in events/keV over the exposure (no detector response)."""
        result = recoil_spectrum(
            self.source,
            self.detector.targets(),
            T_keV,
            self.physics,
            self.form_factor,
            **self.form_factor_options(),
        )
        factor = self.exposure_factor
        parts = {k: v * factor for k, v in result.parts.items()}
        return RecoilSpectrum(result.T_keV, parts, "events/keV")

    def recoil_spectrum(self, T_keV: ArrayLike) -> Array:
        """dN/dT in events/keVnr over the exposure, all flavours and isotopes summed."""
        return self.spectrum(T_keV).total

    def _energy_counts(self, bin_edges: ArrayLike) -> BinnedCounts:
        self._check_threshold()
        return binned_counts(
            self.source,
            self.detector,
            bin_edges,
            self.physics,
            self.form_factor,
            exposure=self.exposure_factor,
            **self.form_factor_options(),
        )

    def observed_counts(self, bin_edges: ArrayLike) -> BinnedCounts:
        """Expected counts in bins of the detector's observable (with the full response).

        The detector's timing window and timing efficiency enter as an accepted fraction per
        flavour (π-DAR sources).
        """
        counts = self._energy_counts(bin_edges)
        fractions = self.timing_fractions()
        parts = {k: v * fractions.get(k[1], 1.0) for k, v in counts.parts.items()}
        return BinnedCounts(counts.bin_edges, counts.unit, parts)

    def time_weights(self, t_edges_us: ArrayLike) -> dict[str, Array]:
        """Fraction of each flavour's events in each arrival-time bin (μs), π-DAR only.

        Includes the detector's timing efficiency and window; fixed Gauss–Legendre quadrature
        of the source's time PDF in every bin.
        """
        time_pdf = getattr(self.source, "time_pdf", None)
        if time_pdf is None:
            raise CevnsError(f"{self.name}: the source has no arrival-time distribution")
        edges = as_array(t_edges_us, "t_edges_us")
        if edges.ndim != 1 or edges.size < 2 or np.any(np.diff(edges) <= 0):
            raise CevnsError("t_edges_us must be a 1-D, strictly increasing array of ≥ 2 values")
        det = self.detector
        x, w = np.polynomial.legendre.leggauss(_TIME_NODES)
        half = 0.5 * np.diff(edges)[:, None]
        t = edges[:-1, None] + half * (x + 1.0)
        weight = half * w
        if det.timing_efficiency is not None:
            weight = weight * det.timing_efficiency(t)
        if det.timing_window_us is not None:
            lo, hi = det.timing_window_us
            weight = weight * ((t >= lo) & (t < hi))
        return {
            f: np.sum(weight * time_pdf(f, t * 1e3) * 1e3, axis=1) for f in self.source.flavours()
        }

    def energy_time_counts(self, bin_edges: ArrayLike, t_edges_us: ArrayLike) -> dict[str, Array]:
        """Counts per (observable bin, time bin) for each flavour: arrays (n_E, n_t)."""
        counts = self._energy_counts(bin_edges).by_flavour()
        weights = self.time_weights(t_edges_us)
        return {f: np.outer(counts[f], weights[f]) for f in counts}

    def time_spectrum(self, t_edges_us: ArrayLike) -> dict[str, Array]:
        """Counts per arrival-time bin (μs) for each flavour, within the energy window."""
        grid = self.energy_time_counts(self.analysis_bins(), t_edges_us)
        return {f: values.sum(axis=0) for f, values in grid.items()}

    def analysis_bins(self, n_bins: int = _FINE_BINS) -> Array:
        """Observable bin edges spanning the analysis window (1-PE bins for PE counting)."""
        det = self.detector
        top = float(det.observable_value(self.max_recoil_keV()))
        lo = det.threshold if det.threshold_unit == det.observable else 0.0
        hi = (
            det.upper_limit
            if (det.upper_limit is not None and det.threshold_unit == det.observable)
            else top
        )
        hi = min(hi, top * 1.5 + 1.0) if det.resolution is not None else min(hi, top)
        if det.resolution is None and det.threshold_unit != det.observable:
            # the window cuts the true recoil: put its ends on bin edges (exact without smearing)
            lo = float(det.observable_value(det.threshold_recoil_keV()))
            upper = det.upper_limit_recoil_keV()
            if upper is not None:
                hi = min(hi, float(det.observable_value(upper)))
        if det.observable == "PE":
            return np.arange(np.floor(lo), np.ceil(max(hi, lo + 1)) + 1.0)
        return np.linspace(lo, max(hi, lo * (1 + 1e-9) + 1e-9), n_bins + 1)

    def timing_fractions(self) -> dict[str, float]:
        """Accepted fraction per flavour for the detector's timing window/efficiency (π-DAR)."""
        return self.detector.timing_fractions(self.source)

    def counts(self) -> Counts:
        """Expected events after threshold, quenching, smearing and efficiency (:class:`Counts`).

        ``float(exp.counts())`` is the total; the breakdown is per flavour and per isotope.
        """
        det = self.detector
        smooth = det.resolution is None and det.efficiency is None
        counts = self.observed_counts(self.analysis_bins(_COARSE_BINS if smooth else _FINE_BINS))
        return Counts(
            total=float(counts.total.sum()),
            by_flavour={k: float(v.sum()) for k, v in counts.by_flavour().items()},
            by_isotope={k: float(v.sum()) for k, v in counts.by_isotope().items()},
        )

    def summary(self) -> dict[str, Any]:
        """One row of the experiments table (target, mass, baseline, source, threshold...)."""
        src, det = self.source, self.detector
        return {
            "name": self.name,
            "title": self.title,
            "target": str(det.material),
            "mass_kg": det.mass_kg,
            "distance_m": getattr(src, "distance_m", None),
            "source": type(src).__name__,
            "threshold": det.threshold,
            "threshold_unit": det.threshold_unit,
            "reference": self.reference,
        }


def _plain_choice(value: Any) -> Any:
    """A skin/radius choice as plain data (a dict copy of a mapping, a float otherwise)."""
    if isinstance(value, Mapping):
        return {str(k): float(v) for k, v in value.items()}
    return float(value)


# ------------------------------------------------------------------------------- presets
def _preset_files() -> dict[str, Any]:
    folder = files("cevns_core").joinpath("data").joinpath("experiments")
    return {p.name[:-5]: p for p in folder.iterdir() if p.name.endswith(".json")}


@cache
def _preset(name: str) -> dict[str, Any]:
    return json.loads(_preset_files()[name].read_text(encoding="utf-8"))


def experiment_names() -> list[str]:
    """Names of the shipped experiment presets, sorted."""
    return sorted(_preset_files())


def _build_source(spec: dict[str, Any]) -> Source:
    kind = check_choice(spec.get("type"), "source type", SOURCE_TYPES)
    cls = SOURCE_TYPES[kind]
    params = dict(spec.get("params", {}))
    if kind == "composite":
        members = params.get("sources", [])
        if not isinstance(members, list) or not all(isinstance(m, dict) for m in members):
            raise CevnsError("a composite source needs 'sources': a list of source specs")
        params["sources"] = [_build_source(m) for m in members]
    facility = params.pop("facility", None)
    if facility is not None:
        return cls.from_facility(facility, **params)
    return cls(**params)


def _build_detector(spec: dict[str, Any]) -> Detector:
    kw: dict[str, Any] = {}
    if "preset" in spec:
        kw.update(detector_response_preset(spec["preset"], **spec.get("variants", {})))
    params = dict(spec.get("params", {}))
    quench = params.pop("quenching", None)
    if isinstance(quench, dict):
        q = dict(quench)
        kw["quenching"] = quenching_model(q.pop("model"), **q)
    elif quench is not None:
        kw["quenching"] = quench
    eff = params.pop("efficiency", None)
    if isinstance(eff, dict):
        e = dict(eff)
        kw["efficiency"] = efficiency_model(e.pop("model"), **e)
    res = params.pop("resolution", None)
    if isinstance(res, dict):
        r = dict(res)
        kw["resolution"] = resolution_model(r.pop("model"), **r)
    elif res is not None:
        kw["resolution"] = res
    if "timing_window_us" in params and params["timing_window_us"] is not None:
        params["timing_window_us"] = tuple(params["timing_window_us"])
    kw.update(params)
    return Detector(**kw)


def experiment(name: str, **overrides: Any) -> Experiment:
    """Build the experiment preset ``name`` (see :func:`experiment_names`).

    ``overrides`` set Experiment parameters (``physics``, ``form_factor``,
    ``form_factor_params``, ``skin_fm``, ``R_n_fm``), e.g. ``experiment("coherent_csi_2017",
    skin_fm=0.5)``.

    Raises
    ------
    CevnsError
        For an unknown preset name.
    """
    check_choice(name, "experiment preset", experiment_names())
    spec = _preset(name)
    exp = Experiment(
        name=name,
        title=spec.get("title", name),
        reference=spec.get("reference", ""),
        notes=spec.get("notes", ""),
        published=spec.get("published", {}),
        source=_build_source(spec["source"]),
        detector=_build_detector(spec["detector"]),
        form_factor=spec.get("form_factor", "helm"),
    )
    if overrides:
        try:
            exp.param.update(**overrides)
        except (ValueError, TypeError) as exc:
            raise CevnsError(f"invalid override for {name}: {exc}") from exc
    return exp


def experiment_table() -> list[dict[str, Any]]:
    """Summary rows of every preset (no event computation)."""
    return [experiment(n).summary() for n in experiment_names()]
