"""The package's exception hierarchy.

Every error raised for bad user input is a :class:`CevnsError` (a ``ValueError``), with a message
that names the offending parameter, the value given and what is allowed.
"""

from __future__ import annotations

__all__ = ["CevnsError", "CevnsWarning", "DivergentCountsError"]


class CevnsError(ValueError):
    """Invalid input or an impossible request (unknown isotope, out-of-range parameter, ...)."""


class DivergentCountsError(CevnsError):
    """A count that is infinite: recoils down to T = 0 with dσ/dT ∝ 1/T or 1/T²."""


class CevnsWarning(UserWarning):
    """A result is valid but outside the regime where the approximation used is reliable."""
