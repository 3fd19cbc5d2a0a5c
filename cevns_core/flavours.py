"""Neutrino flavour names used throughout the package."""

from __future__ import annotations

from ._validation import check_choice

__all__ = ["FLAVOURS", "check_flavour", "is_antineutrino", "lepton_of"]

#: The six neutrino species, in a fixed order used for per-flavour breakdowns.
FLAVOURS: tuple[str, ...] = ("nu_e", "nu_mu", "nu_tau", "nubar_e", "nubar_mu", "nubar_tau")


def check_flavour(flavour: str) -> str:
    """Return ``flavour`` if it is one of :data:`FLAVOURS`, else raise CevnsError."""
    return check_choice(flavour, "flavour", FLAVOURS)


def lepton_of(flavour: str) -> str:
    """Charged-lepton family of a flavour: ``"e"``, ``"mu"`` or ``"tau"``."""
    return check_flavour(flavour).split("_", 1)[1]


def is_antineutrino(flavour: str) -> bool:
    """True for ν̄ species."""
    return check_flavour(flavour).startswith("nubar")
