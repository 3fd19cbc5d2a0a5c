"""One palette for every view: a fixed colour per neutrino flavour, isotope and model.

Labels are the core's (``flavour_label`` is :func:`cevns_core.flavours.flavour_label`).
Colours are the Okabe–Ito colour-blind-safe set (mid luminance: legible on the light and the dark
theme). A flavour has the same colour in every tab; isotopes and form-factor models get colours
from a second cycle by a stable index, so "Cs133" is drawn in the same colour everywhere too.
"""

from __future__ import annotations

import cevns_core as cc
from cevns_core.flavours import flavour_label

__all__ = [
    "FLAVOUR_COLORS",
    "NEW_PHYSICS_COLOR",
    "SM_COLOR",
    "THRESHOLD_COLOR",
    "flavour_color",
    "flavour_label",
    "isotope_color",
    "model_color",
    "series_color",
]

#: Colour of each neutrino species (cevns_core.FLAVOURS order).
FLAVOUR_COLORS: dict[str, str] = {
    "nu_e": "#0072B2",  # blue
    "nu_mu": "#E69F00",  # orange
    "nu_tau": "#009E73",  # bluish green
    "nubar_e": "#56B4E9",  # sky blue
    "nubar_mu": "#D55E00",  # vermilion
    "nubar_tau": "#CC79A7",  # reddish purple
}

#: The total / Standard-Model curve and the new-physics curve.
SM_COLOR = "#7F7F7F"
NEW_PHYSICS_COLOR = "#C0392B"
#: Threshold marker.
THRESHOLD_COLOR = "#9467BD"

# A categorical cycle for isotopes and models (Tableau 10 without the grey).
_CYCLE = (
    "#4E79A7",
    "#F28E2B",
    "#E15759",
    "#76B7B2",
    "#59A14F",
    "#EDC948",
    "#B07AA1",
    "#FF9DA7",
    "#9C755F",
)
_MODEL_ORDER = tuple(cc.form_factor_models())


def flavour_color(flavour: str) -> str:
    """Colour of a flavour (grey for anything else, e.g. a total)."""
    return FLAVOUR_COLORS.get(flavour, SM_COLOR)


def isotope_color(name: str) -> str:
    """A stable colour per isotope, keyed by Z and A so it is the same in every tab."""
    try:
        iso = cc.isotope(name)
        index = iso.Z * 7 + iso.A
    except cc.CevnsError:
        index = sum(map(ord, name))
    return _CYCLE[index % len(_CYCLE)]


def model_color(model: str) -> str:
    """A stable colour per form-factor model."""
    index = _MODEL_ORDER.index(model) if model in _MODEL_ORDER else sum(map(ord, model))
    return _CYCLE[index % len(_CYCLE)]


def series_color(index: int) -> str:
    """The index-th colour of the categorical cycle (energies, angles, experiments)."""
    return _CYCLE[index % len(_CYCLE)]
