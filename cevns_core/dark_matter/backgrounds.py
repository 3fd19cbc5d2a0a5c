"""The CEvNS neutrino backgrounds of a dark-matter search, binned in recoil energy, per component.

The neutrino fog (O'Hare, PRL 127 (2021) 251802, arXiv:2109.03116) comes from CEvNS of solar,
atmospheric and diffuse-supernova neutrinos, each known only up to a flux normalisation. This
module turns the package's neutrino sources into the likelihood's inputs: for each component k
(pp, pep, hep, ⁷Be, ⁸B, ¹³N, ¹⁵O, ¹⁷F, DSNB, atmospheric) the expected events per recoil bin per
kg·yr, b_k,i, and its relative normalisation uncertainty δ_k.

* Spectra: :class:`~cevns_core.sources.Solar` one component at a time (B16-GS98 shapes, ⁸B from
  the O'Hare 2021 release), :class:`~cevns_core.sources.Atmospheric` (FLUKA 2005, Kamioka),
  :class:`~cevns_core.sources.DSNBSpectrum`; rates from :func:`cevns_core.rates.recoil_spectrum`
  (Standard-Model CEvNS, Helm form factor), summed over the target's isotopes.
* Normalisations and uncertainties: ``data/neutrino_background_fluxes.json`` (models
  ``"ohare2021"``, the default, and ``"b16_gs98"``; sources in the file).
* Bins: each bin is integrated with Gauss–Legendre nodes, split where dN/dT has a kink or a step
  (T_max of every line and continuum end point, per isotope), so the steps of the pep and ⁷Be
  lines are integrated exactly. Computed once per (target, bins, model) and cached.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_array, as_float, check_choice
from ..errors import CevnsError
from ..materials import Material
from ..nuclei import isotope
from ..rates import recoil_spectrum
from ..sources import B16_GS98_FLUX, Atmospheric, DSNBSpectrum, Solar, Source
from ..sources.base import Continuum, Line, gauss_legendre_segments
from ..units import YEAR_s
from .wimp import target_isotopes

__all__ = [
    "BACKGROUND_COMPONENTS",
    "NeutrinoBackground",
    "background_model",
    "background_models",
    "log_bin_edges",
    "neutrino_background",
]

Array = NDArray[np.float64]

#: Background components in the order of the likelihood's nuisance parameters.
BACKGROUND_COMPONENTS: tuple[str, ...] = (
    "pp",
    "pep",
    "hep",
    "Be7",
    "B8",
    "N13",
    "O15",
    "F17",
    "DSNB",
    "atmospheric",
)
_SOLAR = ("pp", "pep", "hep", "Be7", "B8", "N13", "O15", "F17")
_FILE = "neutrino_background_fluxes.json"
_NODES = 12


@cache
def _models() -> dict[str, Any]:
    text = files("cevns_core").joinpath("data").joinpath(_FILE).read_text(encoding="utf-8")
    return json.loads(text)["models"]


def background_models() -> list[str]:
    """Names of the shipped flux models (``data/neutrino_background_fluxes.json``)."""
    return list(_models())


def background_model(name: str) -> dict[str, Any]:
    """One flux model: ``{"title", "reference", "notes", "components": {name: {...}}}``."""
    check_choice(name, "background model", _models())
    return _models()[name]


def log_bin_edges(threshold_keV: float, E_max_keV: float, n_bins: int) -> Array:
    """``n_bins`` logarithmic recoil bins from ``threshold_keV`` to ``E_max_keV`` (keV).

    Examples
    --------
    >>> log_bin_edges(1.0, 100.0, 2).tolist()
    [1.0, 10.0, 100.0]
    """
    # 1 meV to 1 GeV of recoil energy (a threshold of 5e-324 keV overflowed)
    lo = as_float(threshold_keV, "threshold_keV", minimum=1e-9, maximum=1e6)
    hi = as_float(E_max_keV, "E_max_keV", minimum=1e-9, maximum=1e6)
    if not hi > lo:
        raise CevnsError(f"E_max_keV = {hi:g} must be above threshold_keV = {lo:g}")
    if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)) or n_bins < 1:
        raise CevnsError(f"n_bins must be a positive integer, got {n_bins!r}")
    if n_bins > 10_000:
        raise CevnsError(f"n_bins = {n_bins} is more than the limit of 10000")
    return np.geomspace(lo, hi, int(n_bins) + 1)


@dataclass(frozen=True)
class NeutrinoBackground:
    """Binned CEvNS background per component.

    Attributes
    ----------
    components : names (a subset of :data:`BACKGROUND_COMPONENTS`: those with events in the bins)
    rates : (n_components, n_bins) expected events per bin per kg·yr
    relative_uncertainty : (n_components,) 1σ normalisation uncertainties δ_k
    bin_edges_keV : recoil bin edges (keV)
    model : flux model name
    """

    components: tuple[str, ...]
    rates: Array
    relative_uncertainty: Array
    bin_edges_keV: Array
    model: str

    @property
    def total(self) -> Array:
        """Events per bin per kg·yr, all components."""
        return self.rates.sum(axis=0)

    def events(self, exposure_kg_yr: float) -> dict[str, float]:
        """Expected events of each component above threshold for an exposure in kg·yr."""
        exposure = as_float(exposure_kg_yr, "exposure_kg_yr", minimum=0.0)
        return {
            k: float(r.sum() * exposure) for k, r in zip(self.components, self.rates, strict=True)
        }


def _component_source(name: str, flux: float | None) -> tuple[Source, float]:
    """The package source of one component and the factor that sets its normalisation."""
    if name in _SOLAR:
        scale = 1.0 if flux is None else flux / B16_GS98_FLUX[name]
        return Solar(components_included=[name]), scale
    if name == "DSNB":
        return (DSNBSpectrum() if flux is None else DSNBSpectrum(total_flux_cm2_s=flux)), 1.0
    if name == "atmospheric":
        if flux is None:
            return Atmospheric(), 1.0
        return Atmospheric(), flux / Atmospheric().integrated()
    raise CevnsError(f"unknown background component {name!r}")  # pragma: no cover


def _kinks_keV(source: Source, M_MeV: float) -> Array:
    """T_max (keV) of the lines and continuum end points: where dN/dT steps or bends."""
    energies = [c.energy_MeV for c in source.components() if isinstance(c, Line)]
    energies += [c.E_max_MeV for c in source.components() if isinstance(c, Continuum)]
    E = np.asarray(energies, dtype=float)
    return 2.0 * E**2 / (M_MeV + 2.0 * E) * 1e3


def _binned(source: Source, nuclei: Mapping[str, float], edges: Array) -> Array:
    """Events per bin per second per kg of one source (sum over isotopes)."""
    out = np.zeros(edges.size - 1)
    for name, per_kg in nuclei.items():
        kinks = _kinks_keV(source, isotope(name).mass_MeV)
        inside = kinks[(kinks > edges[0]) & (kinks < edges[-1])]
        fine = np.unique(np.concatenate([edges, inside]))
        # which bin each fine interval belongs to
        owner = np.searchsorted(edges, fine[:-1], side="right") - 1
        nodes, weights = gauss_legendre_segments(fine, fine[0], _NODES)
        spectrum = recoil_spectrum(source, {name: per_kg}, nodes).total
        per_interval = (weights * spectrum).reshape(fine.size - 1, _NODES).sum(axis=1)
        np.add.at(out, owner, per_interval)
    return out


@lru_cache(maxsize=64)
def _background_cached(
    nuclei_items: tuple[tuple[str, float], ...],
    edges: tuple[float, ...],
    model: str,
    flux_items: tuple[tuple[str, float], ...],
) -> tuple[tuple[str, ...], Array, Array]:
    nuclei = dict(nuclei_items)
    fluxes = dict(flux_items)
    edge_array = np.asarray(edges)
    spec = background_model(model)["components"]
    names, rates, deltas = [], [], []
    for name in BACKGROUND_COMPONENTS:
        entry = spec[name]
        source, scale = _component_source(name, fluxes.get(name, entry["flux_cm2_s"]))
        binned = _binned(source, nuclei, edge_array) * scale * YEAR_s
        if not np.any(binned > 0):
            continue  # no recoil of this component reaches the bins
        names.append(name)
        rates.append(binned)
        deltas.append(float(entry["relative_uncertainty"]))
    rate_array = np.array(rates).reshape(len(names), edge_array.size - 1)
    delta_array = np.array(deltas)
    rate_array.setflags(write=False)
    delta_array.setflags(write=False)
    return tuple(names), rate_array, delta_array


def neutrino_background(
    target: str | Material | Mapping[str, float],
    bin_edges_keV: ArrayLike,
    model: str = "ohare2021",
    *,
    uncertainties: Mapping[str, float] | None = None,
    fluxes: Mapping[str, float] | None = None,
) -> NeutrinoBackground:
    """Binned CEvNS neutrino background of ``target`` per component (events per bin per kg·yr).

    Parameters
    ----------
    target : str, Material or mapping
        Material name/formula or ``{isotope: nuclei per kg}``.
    bin_edges_keV : array_like
        Strictly increasing recoil bin edges in keV (e.g. :func:`log_bin_edges`).
    model : str
        Flux model of ``data/neutrino_background_fluxes.json`` (default ``"ohare2021"``).
    uncertainties : mapping, optional
        Replace the relative uncertainty of some components, e.g. ``{"B8": 0.12}``.
    fluxes : mapping, optional
        Replace the total flux (cm⁻² s⁻¹) of some components, e.g. ``{"atmospheric": 10.7}``
        (the atmospheric table is then rescaled from its 7.32 cm⁻² s⁻¹ over 13–944 MeV).
    """
    edges = as_array(bin_edges_keV, "bin_edges_keV", minimum=0.0)
    if edges.ndim != 1 or edges.size < 2 or np.any(np.diff(edges) <= 0):
        raise CevnsError("bin_edges_keV must be a strictly increasing 1-D array of ≥ 2 energies")
    check_choice(model, "background model", _models())
    for label, given in (("uncertainties", uncertainties), ("fluxes", fluxes)):
        if given is not None and not isinstance(given, Mapping):
            raise CevnsError(
                f"{label} must be a mapping {{component: value}}, got {type(given).__name__}"
            )
    nuclei = target_isotopes(target)
    items = tuple(sorted((k, float(v)) for k, v in nuclei.items() if v > 0))
    flux_items = tuple(
        sorted(
            (
                check_choice(k, "background component", BACKGROUND_COMPONENTS),
                as_float(v, f"flux of {k}", minimum=0.0, inclusive=False),
            )
            for k, v in (fluxes or {}).items()
        )
    )
    names, rates, deltas = _background_cached(items, tuple(edges.tolist()), model, flux_items)
    if uncertainties:
        deltas = deltas.copy()
        for key, value in uncertainties.items():
            check_choice(key, "background component", BACKGROUND_COMPONENTS)
            delta = as_float(value, f"uncertainty of {key}", minimum=0.0, inclusive=False)
            if key in names:
                deltas[names.index(key)] = delta
        deltas.setflags(write=False)
    return NeutrinoBackground(names, rates, deltas, edges, model)
