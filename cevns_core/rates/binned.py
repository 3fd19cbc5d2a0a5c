"""Binned counts of the observable: recoil quadrature nodes per bin (kept between calls), the
check that a count is finite, and the detector's response applied (PHYSICS.md §6.3).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_array, as_float
from ..caching import LRUCache, fingerprint
from ..errors import DivergentCountsError
from ..flux_kernels import (
    _flux_kernel,  # noqa: F401 (re-exported: tests and benchmarks import it from here)
)
from ..nuclei import isotope
from ..sources.base import Source, gauss_legendre_segments
from ..weak_charges import StandardModel
from .results import MAX_BINS, MAX_EXPOSURE, BinnedCounts
from .spectrum import _call_keys, _check_models, spectrum_blocks

__all__ = ["binned_counts"]

Array = NDArray[np.float64]


_SMEARED_SEGMENTS = 24


_COUNT_NODES = 16


#: Recoil quadrature nodes per (source, nucleus mass, recoil bin edges).
_NODES = LRUCache("recoil nodes", max_entries=256, max_bytes=8 * 2**20)


def _recoil_nodes(
    source: Source,
    detector: Any,
    M_MeV: float,
    recoil_edges: Array | None,
    *,
    source_key: Any = None,
):
    """Quadrature nodes/weights in T covering everything the detector can see (read-only, kept
    per value of the source, the nucleus mass and the recoil edges)."""
    if source_key is None:
        source_key = fingerprint(source)
    key = (source_key, float(M_MeV), fingerprint(recoil_edges))
    return _NODES.get(key, lambda: _compute_recoil_nodes(source, M_MeV, recoil_edges))


def _compute_recoil_nodes(source: Source, M_MeV: float, recoil_edges: Array | None):
    from ..kinematics import T_max_keV

    T_top = float(T_max_keV(source.E_max_MeV, M_MeV))
    if recoil_edges is None:  # smeared: the whole kinematic range, finely segmented
        edges = np.linspace(0.0, T_top, _SMEARED_SEGMENTS + 1)
    else:
        edges = np.clip(recoil_edges, 0.0, T_top)
    kinks = [line.energy_MeV for line in source.lines()]
    for c in source.continua():
        kinks.extend(c.edges().tolist())
    T_kinks = np.asarray(T_max_keV(np.array(kinks), M_MeV)) if kinks else np.zeros(0)
    edges = np.unique(
        np.concatenate([edges, T_kinks[(T_kinks > edges[0]) & (T_kinks < edges[-1])]])
    )
    if edges.size < 2:
        return np.zeros(0), np.zeros(0)
    nodes, weights = gauss_legendre_segments(edges, edges[0], _COUNT_NODES)
    keep = weights > 0
    return nodes[keep], weights[keep]


#: A recoil energy (keVnr) that stands for T → 0 in the divergence check (1 meV).
_VANISHING_RECOIL_keV = 1e-9


def _check_finite_count(physics: Any, source: Source, detector: Any, edges: Array) -> None:
    """Refuse a count that is infinite: dσ/dT ∝ 1/T or 1/T² and a detector that counts recoils
    of vanishing energy (no threshold, efficiency or resolution cut at T → 0). A quadrature
    would return a finite number that depends on its nodes."""
    _check_models(source, physics)
    if physics is None:
        return
    reasons = [physics.zero_recoil_divergence(f) for f in source.flavours()]
    reason = next((r for r in reasons if r is not None), None)
    if reason is None:
        return
    counted = detector.response_matrix(np.array([_VANISHING_RECOIL_keV]), edges).sum()
    if counted > 0:
        raise DivergentCountsError(
            f"with {reason} the number of recoils down to T = 0 is infinite, and this detector "
            "counts recoils of vanishing energy: it needs a threshold above 0"
        )


def binned_counts(
    source: Source,
    detector: Any,
    bin_edges: ArrayLike,
    physics: StandardModel | None = None,
    form_factor: Any = "helm",
    *,
    exposure: float = 1.0,
    **options: Any,
) -> BinnedCounts:
    """Expected counts in bins of the detector's observable (keVnr, keVee or PE).

    counts_i = exposure × Σ_j R_ij dN/dT(T_j) w_j with the detector's response matrix R
    (quenching, smearing, efficiency, threshold window) and Gauss–Legendre nodes T_j: inside
    each bin's recoil interval without smearing (exact), over the whole kinematic range with it.

    Parameters
    ----------
    source : Source
    detector : Detector
        Target, mass and response.
    bin_edges : array_like
        Observable bin edges (strictly increasing; integers for PE counting), at most
        ``MAX_BINS`` (1000) bins.
    exposure : float
        Multiplies the result: 1 for a fluence source, the live time in seconds for a flux
        (in [0, 1e12]).
    """
    _check_models(source, physics, detector)
    exposure = as_float(exposure, "exposure", minimum=0.0, maximum=MAX_EXPOSURE)
    edges = as_array(bin_edges, "bin_edges", max_size=MAX_BINS + 1)
    _check_finite_count(physics, source, detector, edges)
    parts: dict[tuple[str, str], Array] = {}
    smeared = detector.resolution is not None
    recoil_edges = None if smeared else detector._cached_recoil_bin_edges(edges)
    keys = _call_keys(source, physics, form_factor, options)
    for name, count in detector.targets().items():
        nucleus = isotope(name)
        T, w = _recoil_nodes(source, detector, nucleus.mass_MeV, recoil_edges, source_key=keys[0])
        if T.size == 0:
            for flavour in source.flavours():
                parts[(name, flavour)] = np.zeros(edges.size - 1)
            continue
        flavours, blocks = spectrum_blocks(
            source, {name: count}, T, physics, form_factor, options, keys=keys
        )
        if name not in blocks:
            continue
        weighted = blocks[name] * w  # dN/dT × quadrature weight, every flavour at once
        if recoil_edges is not None:
            # no smearing: each node lands in one bin, a bincount instead of a dense R @ v
            index, weight = detector.bin_assignment(T, edges)
            keep = index >= 0
            per_bin = exposure * np.array(
                [
                    np.bincount(index[keep], weights=row[keep], minlength=edges.size - 1)
                    for row in weighted * weight
                ]
            )
        else:
            # the response and the flux moments are kept between calls (they do not depend on
            # the physics): an update of the physics recomputes only the cross sections
            R = detector._cached_response_matrix(T, edges)
            per_bin = exposure * (weighted @ R.T)  # R @ (dN/dT w) for every flavour
        for j, flavour in enumerate(flavours):
            parts[(name, flavour)] = per_bin[j]
    return BinnedCounts(edges, detector.observable, parts)
