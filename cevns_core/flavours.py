"""Neutrino flavour names used throughout the package."""

from __future__ import annotations

from ._validation import check_choice

__all__ = [
    "FLAVOURS",
    "FLAVOUR_LABELS",
    "check_flavour",
    "flavour_label",
    "is_antineutrino",
    "lepton_of",
]

#: The six neutrino species, in a fixed order used for per-flavour breakdowns.
FLAVOURS: tuple[str, ...] = ("nu_e", "nu_mu", "nu_tau", "nubar_e", "nubar_mu", "nubar_tau")
#: Printable names of the species (Unicode: the electron's subscript ₑ; μ and τ have no
#: subscript letter in Unicode and follow the ν as in plain-text physics, e.g. "νμ").
FLAVOUR_LABELS: dict[str, str] = {
    "nu_e": "νₑ",
    "nu_mu": "νμ",
    "nu_tau": "ντ",
    "nubar_e": "ν̄ₑ",
    "nubar_mu": "ν̄μ",
    "nubar_tau": "ν̄τ",
}


def check_flavour(flavour: str) -> str:
    """Return ``flavour`` if it is one of :data:`FLAVOURS`, else raise CevnsError."""
    return check_choice(flavour, "flavour", FLAVOURS)


def lepton_of(flavour: str) -> str:
    """Charged-lepton family of a flavour: ``"e"``, ``"mu"`` or ``"tau"``."""
    return check_flavour(flavour).split("_", 1)[1]


def is_antineutrino(flavour: str) -> bool:
    """True for ν̄ species."""
    return check_flavour(flavour).startswith("nubar")


def flavour_label(flavour: str) -> str:
    """The printable name of a flavour (``"nu_e"`` → ``"νₑ"``); anything else unchanged.

    Examples
    --------
    >>> flavour_label("nubar_mu"), flavour_label("total")
    ('ν̄μ', 'total')
    """
    return FLAVOUR_LABELS.get(flavour, flavour)
