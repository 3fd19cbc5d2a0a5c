"""ν–e elastic scattering inside an experiment: the electron-recoil channel next to CEvNS.

The same source, detector, exposure and physics object as the nuclear recoils; the electron
recoils come from :func:`cevns_core.electron_recoil_spectrum` (atomic binding ``"stepping"`` or
``"free"``, every ν–e interaction of :mod:`cevns_core.electron_scattering`). In the detector an
electron recoil deposits its energy T_ee (keVee) without quenching. It is passed through the
detector's own response (threshold window, efficiency, resolution, light yield) as the nuclear
recoil whose mean observable equals it:

    T_eq = Q⁻¹(T_ee)   (the inverse of the detector's quenching, T_ee = Q(T)·T),

so a PE or keVee detector sees LY·T_ee or T_ee, and a threshold in keVnr acts on T_eq (what the
keVnr scale of such a detector calls the energy of that signal). **Assumption:** a detector
without a quenching model (observable keVnr: bolometers, calorimeters) measures the total
deposited energy, T_eq = T_ee.

Channels and bookkeeping. With ``Experiment.electron_recoils`` on, the observed counts hold the
ν–e parts keyed ``("<element> electrons", flavour)`` (e.g. ``("Ge electrons", "nubar_e")``) next
to the nuclear ``(isotope, flavour)`` parts, so totals, ``by_flavour`` and timing are summed over
both; :func:`split_channels` separates them (:data:`CHANNELS`, labels :data:`CHANNEL_LABELS`).
The ν–e counts of :meth:`~cevns_core.experiment.Experiment.counts` are those in the experiment's
analysis window (the CEvNS window in the observable, up to the detector's upper limit).

Divergences. With free electrons a magnetic moment (dσ/dT ∝ 1/T) or a millicharge (∝ 1/T²)
makes the number of recoils down to T = 0 infinite: a detector that counts vanishing energies
raises :class:`~cevns_core.errors.DivergentCountsError`, and every-recoil counts are ∞ for the
flavours concerned. With the stepping approximation no electron is freed below the smallest
binding energy (Z_eff = 0, a few eV), so those counts are finite.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..electron_scattering import ElectronInteractions, atomic_shells, electron_recoil_spectrum
from ..electron_scattering.spectrum import ElectronRecoilSpectrum, target_atoms
from ..electron_scattering.standard_model import t_max_MeV
from ..errors import DivergentCountsError
from ..rates import BinnedCounts
from ..sources.base import gauss_legendre_segments

__all__ = [
    "CHANNELS",
    "CHANNEL_LABELS",
    "ELECTRON_SUFFIX",
    "channel_of",
    "electron_every_recoil",
    "electron_observed_counts",
    "electron_spectrum",
    "equivalent_recoil_keV",
    "split_channels",
    "with_every_electron",
]

Array = NDArray[np.float64]

#: The detection channels of an experiment: nuclear recoils (CEvNS) and ν–e scattering.
CHANNELS: tuple[str, ...] = ("cevns", "electron")
#: Human labels of the channels.
CHANNEL_LABELS: dict[str, str] = {"cevns": "CEvNS", "electron": "ν–e"}
#: Ends the first entry of the key of an electron-recoil part: ``"Ge electrons"``.
ELECTRON_SUFFIX = " electrons"

_NODES = 16
_MAX_RATIO = 2.0  # geometric segments: b/a ≤ 2 keeps Gauss–Legendre exact enough for 1/T, 1/T²
_SMEARED_REACH = 3.0  # with a resolution, electron energies up to 3× the window's top
_VANISHING_keVee = 1e-9


def channel_of(key: tuple[str, str]) -> str:
    """The channel ("cevns" or "electron") of a part key ``(target, flavour)``."""
    return "electron" if key[0].endswith(ELECTRON_SUFFIX) else "cevns"


def split_channels(counts: BinnedCounts) -> dict[str, BinnedCounts]:
    """The parts of observed counts per channel (only the channels present)."""
    out: dict[str, BinnedCounts] = {}
    for channel in CHANNELS:
        parts = {k: v for k, v in counts.parts.items() if channel_of(k) == channel}
        if parts or channel == "cevns":
            out[channel] = BinnedCounts(counts.bin_edges, counts.unit, parts)
    return out


def equivalent_recoil_keV(detector: Any, T_ee_keV: ArrayLike) -> Array:
    """T_eq: the nuclear recoil (keVnr) whose mean observable equals an electron recoil of
    ``T_ee_keV`` (keVee) — Q⁻¹(T_ee), or T_ee without a quenching model (module docstring)."""
    T = np.asarray(T_ee_keV, dtype=float)
    if detector.quenching is None:
        return T.copy()
    return detector.quenching.recoil_from_electron_equivalent_keV(T)


def _in_keVee(detector: Any, value: ArrayLike, unit: str) -> Array:
    """An energy in ``unit`` as the electron energy (keVee) with that mean observable."""
    x = np.asarray(value, dtype=float)
    if unit == "keVee":
        return x
    if unit == "PE":
        return x / float(detector.light_yield_PE_per_keVee)
    if detector.quenching is None:
        return x
    return detector.quenching.electron_equivalent_keV(x)


def _top_keVee(source: Any) -> float:
    """The largest electron recoil of the source, T_max(E_max) in keVee."""
    return float(t_max_MeV(source.E_max_MeV)) * 1e3


def _kinks_keVee(source: Any, symbols: Any) -> list[float]:
    """Where dN/dT_ee has kinks or steps: T_max of lines and flux edges, binding energies."""
    energies = [line.energy_MeV for line in source.lines()]
    for c in source.continua():
        energies.extend(c.edges().tolist())
    kinks = [float(t) * 1e3 for t in t_max_MeV(np.array(energies))] if energies else []
    for symbol in symbols:
        kinks.extend(atomic_shells(symbol).binding_keV.tolist())
    return kinks


def _nodes(edges: list[float]) -> tuple[Array, Array]:
    """Gauss–Legendre nodes on the segments, each split geometrically to b/a ≤ 2."""
    points = np.unique(np.asarray(edges, dtype=float))
    fine = [points[:1]]
    for a, b in itertools.pairwise(points):
        n = 1 if a <= 0 else max(1, math.ceil(math.log(b / a) / math.log(_MAX_RATIO)))
        fine.append(np.geomspace(a, b, n + 1)[1:] if a > 0 else np.array([b]))
    grid = np.concatenate(fine)
    if grid.size < 2:
        return np.zeros(0), np.zeros(0)
    nodes, weights = gauss_legendre_segments(grid, grid[0], _NODES)
    keep = weights > 0
    return nodes[keep], weights[keep]


def _atoms(exp: Any) -> dict[str, float]:
    return target_atoms(exp.detector.targets())


def _check_finite(exp: Any, edges: Array) -> None:
    """Refuse an infinite ν–e count: free electrons, dσ/dT ∝ 1/T (1/T²) and a detector that
    counts electron recoils of vanishing energy."""
    if exp.electron_binding != "free" or exp.physics is None:
        return
    model = ElectronInteractions.from_physics(exp.physics)
    reason = next((r for r in map(model.zero_recoil_divergence, exp.source.flavours()) if r), None)
    if reason is None:
        return
    T_eq = equivalent_recoil_keV(exp.detector, np.array([_VANISHING_keVee]))
    if exp.detector.response_matrix(T_eq, edges).sum() > 0:
        raise DivergentCountsError(
            f"with {reason} the number of electron recoils down to T = 0 is infinite for free "
            "electrons, and this detector counts recoils of vanishing energy: it needs a "
            "threshold above 0 (or binding='stepping')"
        )


def electron_spectrum(exp: Any, T_keV: ArrayLike) -> ElectronRecoilSpectrum:
    """dN/dT_ee (events/keVee over the exposure) per (element, flavour), no detector response."""
    result = electron_recoil_spectrum(
        exp.source, _atoms(exp), T_keV, exp.physics, binding=exp.electron_binding
    )
    factor = exp.exposure_factor
    parts = {k: v * factor for k, v in result.parts.items()}
    return ElectronRecoilSpectrum(result.T_keV, parts, "events/keVee")


def electron_observed_counts(exp: Any, bin_edges: ArrayLike) -> BinnedCounts:
    """ν–e counts per observable bin, before the timing acceptance (the experiment applies it
    per flavour), parts keyed ``("<element> electrons", flavour)``.

    Nodes in T_ee: inside the window's electron-energy interval split at the bin edges, the
    threshold, the binding energies and the flux kinks (exact without smearing), or, with a
    resolution, from 0 to 3× the window's top; then ``R(T_eq) @ (dN/dT_ee · w)``.
    """
    det = exp.detector
    edges = np.asarray(bin_edges, dtype=float)
    _check_finite(exp, edges)
    atoms = _atoms(exp)
    top = _top_keVee(exp.source)
    lo, hi = float(edges[0]), float(edges[-1])
    if det.threshold_unit == det.observable:
        lo = max(lo, det.threshold)
        hi = hi if det.upper_limit is None else min(hi, det.upper_limit)
    cuts = [_in_keVee(det, det.threshold, det.threshold_unit)]
    if det.upper_limit is not None:
        cuts.append(_in_keVee(det, det.upper_limit, det.threshold_unit))
    if det.resolution is None:
        window = _in_keVee(det, np.clip(edges, lo, max(hi, lo)), det.observable)
        segment = [float(x) for x in window]
    else:
        reach = _SMEARED_REACH * float(_in_keVee(det, hi, det.observable))
        segment = [0.0, reach]
    a, b = min(segment), min(max(segment), top)
    inside = [x for x in [*segment, *cuts, *_kinks_keVee(exp.source, atoms)] if a <= x <= b]
    T, w = _nodes([a, b, *inside]) if b > a else (np.zeros(0), np.zeros(0))
    parts: dict[tuple[str, str], Array] = {}
    if T.size == 0:
        for symbol in atoms:
            for flavour in exp.source.flavours():
                parts[(symbol + ELECTRON_SUFFIX, flavour)] = np.zeros(edges.size - 1)
        return BinnedCounts(edges, det.observable, parts)
    R = det.response_matrix(equivalent_recoil_keV(det, T), edges)
    spectrum = electron_spectrum(exp, T)
    for (symbol, flavour), values in spectrum.parts.items():
        parts[(symbol + ELECTRON_SUFFIX, flavour)] = R @ (values * w)
    return BinnedCounts(edges, det.observable, parts)


def electron_every_recoil(exp: Any) -> tuple[dict[tuple[str, str], float], str | None]:
    """Every electron recoil, 0 to T_max(E_max), per (``"<element> electrons"``, flavour); ∞
    for the flavours whose count diverges with free electrons, and the reason (or None)."""
    atoms = _atoms(exp)
    flavours = exp.source.flavours()
    model = ElectronInteractions.from_physics(exp.physics)
    reasons = {f: model.zero_recoil_divergence(f) for f in flavours}
    if exp.electron_binding != "free":
        reasons = dict.fromkeys(flavours)
    divergence = next((r for r in reasons.values() if r), None)
    top = _top_keVee(exp.source)
    T, w = _nodes([0.0, top, *[x for x in _kinks_keVee(exp.source, atoms) if x < top]])
    keep = T > 0
    spectrum = electron_spectrum(exp, T[keep])
    out = {}
    for (symbol, flavour), values in spectrum.parts.items():
        finite = float(np.sum(values * w[keep]))
        out[(symbol + ELECTRON_SUFFIX, flavour)] = math.inf if reasons[flavour] else finite
    return out, divergence


def with_every_electron(exp: Any, nuclear: Any) -> Any:
    """``exp.all_recoil_counts()`` with the ν–e channel: the CEvNS count of every recoil
    (``nuclear``: the same experiment without the channel) plus every electron recoil."""
    from .counts import Counts

    base = nuclear.all_recoil_counts()
    parts, reason = electron_every_recoil(exp)
    by_flavour, by_isotope = dict(base.by_flavour), dict(base.by_isotope)
    for (target, flavour), value in parts.items():
        by_flavour[flavour] = by_flavour.get(flavour, 0.0) + value
        by_isotope[target] = by_isotope.get(target, 0.0) + value
    electrons = float(sum(parts.values()))
    return Counts(
        total=base.total + electrons,
        by_flavour=by_flavour,
        by_isotope=by_isotope,
        divergence=base.divergence or reason,
        by_channel={"cevns": base.total, "electron": electrons},
    )
