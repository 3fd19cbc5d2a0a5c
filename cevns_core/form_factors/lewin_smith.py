"""Lewin–Smith nuclear-size parameters shared by the Helm and symmetrized-Fermi models.

The half-density radius c = 1.23 A^{1/3} − 0.60 fm and the diffuseness a = 0.52 fm (Lewin & Smith
1996; PKK Eq. (26); Pandey Eq. (29)) fix the symmetrized-Fermi density of a nucleus and, through
R₀² = c² + 7/3 π²a² − 5s², the Lewin–Smith Helm radius (PHYSICS.md §4.1–4.2).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .._validation import as_array
from .numerics import FloatArray, _out

__all__ = ["SF_A_FM", "lewin_smith_c"]

#: Default symmetrized-Fermi diffuseness a in fm (PKK Eq. (26); Lewin & Smith).
SF_A_FM = 0.52


def lewin_smith_c(A: ArrayLike) -> float | FloatArray:
    """Lewin–Smith half-density radius c = 1.23 A^{1/3} − 0.60 fm (PKK Eq. (26); Pandey Eq. (29)).

    Examples
    --------
    >>> round(lewin_smith_c(133), 4)
    5.6785
    """
    A = as_array(A, "A", minimum=1.0)
    return _out(1.23 * np.cbrt(A) - 0.60)
