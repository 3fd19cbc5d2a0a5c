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

from .model import DETECTOR_PRESETS, Detector
from .presets import detector_preset, detector_response_preset, efficiency_preset_variants

__all__ = [
    "DETECTOR_PRESETS",
    "Detector",
    "detector_preset",
    "detector_response_preset",
    "efficiency_preset_variants",
]
