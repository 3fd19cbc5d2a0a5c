"""The recoil spectrum of an Experiment with its fixed per-call cost paid once per model change.

``exp.spectrum(T)`` / ``exp.recoil_spectrum(T)`` used to check the source and physics, validate
the detector and its numbers of nuclei, fingerprint every model and look up each cache on every
call. Here that work is done once per *value* of the experiment (issue 16):

* :class:`PreparedSpectrum` — the checked inputs of the rate engine (source, numbers of nuclei
  per isotope, physics, nuclear model and options, their cache keys, the exposure factor),
  kept on the experiment together with the experiment's fingerprint
  (:meth:`~cevns_core._validation.ValidatedParameters._fingerprint`; labels such as ``title``
  and ``notes`` left out). Any change — an assignment, or an in-place change of a nested model,
  list, dict or array — changes the fingerprint, and the next call prepares again.
* The kernels of a recoil grid (cross-section coefficients and flux moments per isotope:
  :func:`cevns_core.rates.spectrum_kernels`) are kept in a bounded cache keyed by value,
  (experiment fingerprint, recoil-grid fingerprint) — :data:`SPECTRUM_KERNELS`, emptied by
  :func:`cevns_core.caching.clear_caches` — so a repeated call does the checks of ``T`` and the
  arithmetic Σ_k c_k I_k only. Physics in which flavours appear in flight (sterile 3+1) is not
  kept (its moments depend on the physics; the engine computes it directly).

The numbers are those of :func:`cevns_core.rates.recoil_spectrum` (same functions, same order
of operations; tests compare them).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..caching import LRUCache, fingerprint
from ..rates import RecoilSpectrum, target_nuclei
from ..rates.spectrum import (
    _call_keys,
    _check_models,
    check_recoils,
    combine_kernel,
    spectrum_blocks,
    spectrum_kernels,
)

__all__ = ["SPECTRUM_KERNELS", "PreparedSpectrum", "prepare", "spectrum", "total_spectrum"]

Array = NDArray[np.float64]

#: Parameters that label an experiment without changing its numbers (left out of the key).
_LABELS = frozenset({"title", "notes", "reference", "preset", "published"})
#: Kernels per (experiment value, recoil grid): 128 grids (a dashboard's few plots per preset).
SPECTRUM_KERNELS = LRUCache("spectrum kernels", max_entries=128, max_bytes=32 * 2**20)


@dataclass(frozen=True)
class PreparedSpectrum:
    """The checked inputs of one experiment value (module docstring)."""

    key: Hashable
    source: Any
    nuclei: Mapping[str, float]
    physics: Any
    form_factor: Any
    options: Mapping[str, Any]
    keys: tuple[Any, Any, Any, Any]
    factor: float
    cacheable: bool

    def kernels(self, T: Array) -> tuple[tuple[str, ...], Any]:
        """Flavours and per-isotope kernels at checked recoils ``T`` (see the module doc)."""
        if not self.cacheable:
            return spectrum_blocks(
                self.source, self.nuclei, T, self.physics, self.form_factor, self.options,
                keys=self.keys,
            )  # fmt: skip
        return SPECTRUM_KERNELS.get(
            (self.key, fingerprint(T)),
            lambda: spectrum_kernels(
                self.source, self.nuclei, T, self.physics, self.form_factor, self.options,
                self.keys,
            ),
        )  # fmt: skip

    def blocks(self, T: Array) -> tuple[tuple[str, ...], list[tuple[str, Array]]]:
        """Flavours and, per isotope, dN/dT per flavour (len(flavours), len(T)) per nucleus
        count (the exposure factor not applied)."""
        flavours, kernels = self.kernels(T)
        if isinstance(kernels, dict):  # blocks computed directly
            return flavours, list(kernels.items())
        return flavours, [(name, combine_kernel(*k)) for name, k in kernels]


def prepare(exp: Any) -> PreparedSpectrum:
    """The :class:`PreparedSpectrum` of ``exp``'s current value (kept on the experiment)."""
    key = exp._fingerprint(_LABELS)
    held = exp.__dict__.get("_prepared_spectrum")
    if held is not None and held.key == key:
        return held
    exp._require_parts()
    source, physics = exp.source, exp.physics
    _check_models(source, physics)
    nuclei = target_nuclei(exp.detector.targets())
    options = exp.form_factor_options()
    prepared = PreparedSpectrum(
        key=key,
        source=source,
        nuclei=nuclei,
        physics=physics,
        form_factor=exp.form_factor,
        options=options,
        keys=_call_keys(source, physics, exp.form_factor, options),
        factor=exp.exposure_factor,
        cacheable=physics is None or not physics.needs_flavour,
    )
    exp.__dict__["_prepared_spectrum"] = prepared
    return prepared


def spectrum(exp: Any, T_keV: ArrayLike) -> RecoilSpectrum:
    """dN/dT per (isotope, flavour) in events/keV over the exposure (``Experiment.spectrum``)."""
    prepared = prepare(exp)
    T = check_recoils(T_keV)
    flavours, blocks = prepared.blocks(T)
    factor = prepared.factor
    parts = {
        (name, flavour): block[j] * factor
        for name, block in blocks
        for j, flavour in enumerate(flavours)
    }
    return RecoilSpectrum(T, parts, "events/keV")


def total_spectrum(exp: Any, T_keV: ArrayLike) -> Array:
    """dN/dT in events/keV, all isotopes and flavours summed (``Experiment.recoil_spectrum``;
    the sum of :func:`spectrum`'s parts in their order)."""
    prepared = prepare(exp)
    T = check_recoils(T_keV)
    _, blocks = prepared.blocks(T)
    if not blocks:
        return np.sum([], axis=0)  # as RecoilSpectrum.total of no parts
    rows = np.concatenate([block for _, block in blocks], axis=0)
    rows *= prepared.factor
    return rows.sum(axis=0)
