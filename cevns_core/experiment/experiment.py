"""The Experiment: a neutrino source, a detector, the nuclear choice and the physics.

An :class:`Experiment` computes what the set-up sees: recoil spectra (:meth:`~Experiment.spectrum`),
counts in the detector's observable (:meth:`~Experiment.observed_counts`), the expected events
after threshold, quenching, smearing and efficiencies (:meth:`~Experiment.counts`), the count of
every recoil with the divergence rules (:meth:`~Experiment.all_recoil_counts`), arrival-time and
energy × time distributions. A fluence source already holds the exposure; a flux source is
multiplied by the detector's live time.

The set-up is one plain, JSON-safe description: :meth:`Experiment.to_spec` /
:meth:`Experiment.from_spec` (:mod:`cevns_core.experiment.spec`); named presets come from
``data/experiments/*.json`` (:mod:`cevns_core.experiment.presets`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import param
from numpy.typing import ArrayLike, NDArray

from .._validation import ValidatedParameters, as_array, as_int
from ..detector import Detector
from ..electron_scattering.spectrum import ElectronRecoilSpectrum
from ..errors import CevnsError
from ..kinematics import T_max_keV
from ..nuclear_model import check_nuclear_choice
from ..nuclei import isotope
from ..rates import MAX_BINS, BinnedCounts, RecoilSpectrum, binned_counts
from ..sources import Source
from ..weak_charges import StandardModel
from . import electron_recoils as _er
from . import prepared as _prepared
from .counts import Counts, _FlavourSubset
from .electron_recoils import CHANNELS
from .nuclear_choice import fold_proton_radius, plain_choice

__all__ = ["Counts", "Experiment"]

Array = NDArray[np.float64]

_FINE_BINS = 400
# Without smearing and efficiency the observable bins only split an integral that the rate engine
# does exactly within each bin: a few bins give the same total (to ~1e-7) at a fraction of the cost.
_COARSE_BINS = 8
_TIME_NODES = 16


class Experiment(ValidatedParameters):
    """A CEvNS experiment: source + detector (+ nuclear choice and Standard-Model/new physics).

    Examples
    --------
    >>> from cevns_core import experiment
    >>> exp = experiment("coherent_csi_2017")
    >>> round(exp.counts().total, 1)
    167.0

    ``proton_radius`` (``"measured"``, ``"charge"``, ``"point"``) is accepted as a keyword, as
    :func:`~cevns_core.nucleon_form_factors` takes it, and kept in ``form_factor_params``; so
    the nuclear choice of the reviews reads ``experiment(name, **REVIEW_NUCLEAR_CHOICE)``.
    """

    title = param.String(default="", doc="Human-readable name.")
    reference = param.String(default="", doc="Where the preset's numbers come from.")
    notes = param.String(default="", doc="Choices made when the sources were ambiguous.")
    published = param.Dict(default={}, doc="Published predictions/measurements for comparison.")
    preset = param.String(
        default="", doc="Name of the preset this experiment came from ('': none)."
    )
    source = param.ClassSelector(class_=Source, doc="Neutrino source, normalised at the detector.")
    detector = param.ClassSelector(class_=Detector, doc="Target, exposure and response.")
    physics = param.ClassSelector(
        class_=StandardModel, default=None, allow_None=True, doc="None: the Standard Model."
    )
    form_factor = param.Parameter(
        default="helm",
        doc="Nuclear model name or NuclearModel.",
        label="Form-factor model",
        metadata={"unit": ""},
    )
    form_factor_params = param.Dict(
        default={},
        doc="Parameters of the form-factor model (e.g. {'s_fm': 0.9}) and the proton_radius "
        "prescription ('measured' by default, 'charge', 'point'); a value may be a mapping "
        "isotope name or element symbol → value.",
        label="Form-factor parameters",
        metadata={"unit": ""},
    )
    skin_fm = param.Parameter(
        default=None,
        doc="Neutron skin R_n − R_p in fm: None (default) for the skin systematics "
        "(1.01 ± 0.15)(N − Z)/A − (0.04 ± 0.03) fm of Trzcińska et al. 2001, one number for "
        "every nucleus (0: F_n = F_p), or a mapping isotope name or element symbol → fm (e.g. "
        "{'Cs': 0.3, 'I': 0.25}); nuclei not named get the systematics.",
        label="Neutron skin R_n − R_p",
        metadata={"unit": "fm"},
    )
    R_n_fm = param.Parameter(
        default=None,
        doc="Neutron rms radius in fm, overriding the skin: None, one number, or a mapping isotope "
        "name or element symbol → fm.",
        label="Neutron rms radius R_n",
        metadata={"unit": "fm"},
    )
    electron_recoils = param.Boolean(
        default=False,
        doc="Add the ν–e elastic-scattering channel: electron recoils (keVee, no quenching) "
        "through the same response, in observed_counts and counts next to CEvNS (off: CEvNS "
        "only).",
    )
    electron_binding = param.Selector(
        default="stepping",
        objects=["stepping", "free"],
        doc="Atomic binding of the target electrons for ν–e: stepping approximation or free.",
    )

    def __init__(self, **params: Any) -> None:
        params = fold_proton_radius(params)
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
        if self.skin_fm is not None:
            params["skin_fm"] = plain_choice(self.skin_fm)
        if self.R_n_fm is not None:
            params["R_n_fm"] = plain_choice(self.R_n_fm)
        return {"form_factor_params": params} if params else {}

    # --------------------------------------------------------------------------- copies
    def copy(self, **changes: Any) -> Experiment:
        """A new Experiment with the same parameters and ``changes`` (source, detector and
        physics objects are shared unless replaced).

        Examples
        --------
        >>> from cevns_core import experiment
        >>> experiment("coherent_csi_2017").copy(form_factor="point").form_factor
        'point'
        """
        values = {k: v for k, v in self.param.values().items() if k != "name"}
        values.update(changes)
        return type(self)(name=self.name, **values)

    def ideal(self) -> Experiment:
        """A copy with the ideal detector (:meth:`Detector.ideal`): every recoil counts, no
        threshold, window, timing cut or response; same target and exposure."""
        return self.copy(detector=self.detector.ideal())

    # --------------------------------------------------------------------------- helpers
    def _require_parts(self) -> None:
        """Refuse to compute without a source and a detector (both default to None)."""
        missing = [k for k in ("source", "detector") if getattr(self, k) is None]
        if missing:
            raise CevnsError(f"{self.name}: the experiment has no {' and no '.join(missing)}")

    @property
    def exposure_factor(self) -> float:
        """1 for a fluence source; the detector live time in s for a flux source."""
        self._require_parts()
        if self.source.normalisation == "fluence":
            return 1.0
        if self.detector.live_time_days is None:
            raise CevnsError(
                f"{self.name}: a flux source needs the detector's live_time_days for counts"
            )
        return self.detector.live_time_s

    def max_recoil_keV(self) -> float:
        """T_max: the largest recoil (keVnr) any target nucleus can receive from the source,
        2E²/(M + 2E) at the source's largest energy and the lightest target nucleus.

        Examples
        --------
        >>> from cevns_core import experiment
        >>> round(experiment("coherent_csi_2017").max_recoil_keV(), 2)
        47.19
        """
        self._require_parts()
        masses = [isotope(n).mass_MeV for n in self.detector.targets()]
        return float(T_max_keV(self.source.E_max_MeV, min(masses)))

    def check_threshold(self) -> None:
        """Raise CevnsError when the threshold lies above every recoil the source can produce.

        Without smearing no event can pass such a threshold: a count of zero would hide a wrong
        setting. With a resolution, recoils below the threshold can still be observed above it.
        """
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
        """dN/dT per isotope and flavour in events/keV over the exposure (no detector response).

        Checks and cache keys are prepared once per value of the experiment
        (:mod:`cevns_core.experiment.prepared`)."""
        return _prepared.spectrum(self, T_keV)

    def recoil_spectrum(self, T_keV: ArrayLike) -> Array:
        """dN/dT in events/keVnr over the exposure, all flavours and isotopes summed."""
        return _prepared.total_spectrum(self, T_keV)

    def _energy_counts(self, bin_edges: ArrayLike) -> BinnedCounts:
        self.check_threshold()
        counts = binned_counts(
            self.source,
            self.detector,
            bin_edges,
            self.physics,
            self.form_factor,
            exposure=self.exposure_factor,
            **self.form_factor_options(),
        )
        if self.electron_recoils:
            electrons = self.electron_observed_counts(counts.bin_edges)
            counts = BinnedCounts(counts.bin_edges, counts.unit, counts.parts | electrons.parts)
        return counts

    # --------------------------------------------------------------------------- ν–e channel
    def electron_spectrum(self, T_keV: ArrayLike) -> ElectronRecoilSpectrum:
        """ν–e dN/dT_ee per (element, flavour), events/keVee over the exposure, no response."""
        return _er.electron_spectrum(self, T_keV)

    def electron_observed_counts(self, bin_edges: ArrayLike) -> BinnedCounts:
        """ν–e counts per observable bin before the timing acceptance (:mod:`.electron_recoils`)."""
        return _er.electron_observed_counts(self, bin_edges)

    def observed_channels(self, bin_edges: ArrayLike) -> dict[str, BinnedCounts]:
        """:meth:`observed_counts` per channel: ``{"cevns": ..., "electron": ...}`` (if on)."""
        return _er.split_channels(self.observed_counts(bin_edges))

    def observed_counts(self, bin_edges: ArrayLike) -> BinnedCounts:
        """Expected counts in bins of the detector's observable (with the full response).

        The detector's timing window and timing efficiency enter as an accepted fraction per
        flavour (π-DAR sources).

        Raises
        ------
        CevnsError
            For a threshold above every recoil (:meth:`check_threshold`); DivergentCountsError
            for an infinite count (a magnetic moment or millicharge with recoils down to T = 0).
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
        self._require_parts()
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

    def has_timing(self) -> bool:
        """Whether the source has an arrival-time distribution (π-DAR)."""
        return getattr(self.source, "time_pdf", None) is not None

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
        """Observable bin edges spanning the analysis window (1-PE bins for PE counting).

        ``n_bins`` (ignored for PE counting) is at most ``MAX_BINS`` (1000); a PE window wider
        than that gets bins of several PE (integer edges), so the counts stay exact.
        """
        n_bins = as_int(n_bins, "n_bins", minimum=1, maximum=MAX_BINS)
        self._require_parts()
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
            first, last = np.floor(lo), np.ceil(max(hi, lo + 1))
            step = max(1.0, float(np.ceil((last - first) / MAX_BINS)))
            return np.append(np.arange(first, last, step), last)
        return np.linspace(lo, max(hi, lo * (1 + 1e-9) + 1e-9), n_bins + 1)

    def timing_fractions(self) -> dict[str, float]:
        """Accepted fraction per flavour for the detector's timing window/efficiency (π-DAR)."""
        self._require_parts()
        return self.detector.timing_fractions(self.source)

    def counts(self) -> Counts:
        """Expected events after threshold, quenching, smearing and efficiency (:class:`Counts`).

        ``float(exp.counts())`` is the total; the breakdown is per flavour and per isotope.
        """
        self._require_parts()
        det = self.detector
        smooth = det.resolution is None and det.efficiency is None
        counts = self.observed_counts(self.analysis_bins(_COARSE_BINS if smooth else _FINE_BINS))
        channels = None
        if self.electron_recoils:
            split = _er.split_channels(counts)
            channels = {c: float(split[c].total.sum()) if c in split else 0.0 for c in CHANNELS}
        return Counts(
            total=float(counts.total.sum()),
            by_flavour={k: float(v.sum()) for k, v in counts.by_flavour().items()},
            by_isotope={k: float(v.sum()) for k, v in counts.by_isotope().items()},
            by_channel=channels,
        )

    def all_recoil_counts(self) -> Counts:
        """Events of every recoil: :meth:`counts` of the :meth:`ideal` detector.

        Divergence rule: with a term that makes dσ/dT diverge at T → 0 (a magnetic moment,
        dσ/dT ∝ 1/T; a millicharge, ∝ 1/T²; ``physics.zero_recoil_divergence``) the number of
        recoils down to T = 0 is infinite: the flavours concerned, every isotope and the total are
        ``math.inf`` and ``divergence`` names the term; the other flavours keep their finite count.
        With the ν–e channel on, every electron recoil (0 to T_max) is added, by the same rule
        for free electrons (:func:`~cevns_core.experiment.electron_recoils.electron_every_recoil`).

        Examples
        --------
        >>> from cevns_core import NewPhysics, experiment
        >>> c = experiment("coherent_csi_2017", physics=NewPhysics(mu_nu_e_muB=1e-10))
        >>> every = c.all_recoil_counts()
        >>> every.total, every.by_flavour["nu_e"], every.divergence
        (inf, inf, 'a neutrino magnetic moment (dσ/dT ∝ 1/T)')
        """
        self._require_parts()
        if self.electron_recoils:
            return _er.with_every_electron(self, self.copy(electron_recoils=False))
        ideal = self.ideal()
        flavours = self.source.flavours()
        reasons: dict[str, str | None] = dict.fromkeys(flavours)
        if self.physics is not None:
            reasons = {f: self.physics.zero_recoil_divergence(f) for f in flavours}
        divergence = next((r for r in reasons.values() if r), None)
        if divergence is None:
            return ideal.counts()
        finite = [f for f in flavours if not reasons[f]]
        by_flavour = {f: math.inf for f in flavours}
        if finite:
            subset = _FlavourSubset(source=self.source, flavours_kept=finite)
            by_flavour.update(ideal.copy(source=subset).counts().by_flavour)
        return Counts(
            total=math.inf,
            by_flavour=by_flavour,
            by_isotope=dict.fromkeys(self.detector.targets(), math.inf),
            divergence=divergence,
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

    # --------------------------------------------------------------------------- the spec
    def to_spec(self) -> dict[str, Any]:
        """The whole set-up as one plain, JSON-safe dict (:func:`cevns_core.experiment.to_spec`)."""
        from .spec import to_spec

        return to_spec(self)

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> Experiment:
        """Rebuild an Experiment from :meth:`to_spec`'s dict, validated
        (:func:`cevns_core.experiment.from_spec`)."""
        from .spec import from_spec

        return from_spec(spec)

    def to_python(self) -> str:
        """A short runnable script that rebuilds this experiment and prints its counts."""
        from .spec import to_python

        return to_python(self.to_spec())
