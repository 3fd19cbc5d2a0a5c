"""Numbers shared by the statistics modules: array type, CL coverages, Newton settings."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy import special

__all__ = ["CL_1SIGMA", "CL_2SIGMA", "CL_3SIGMA"]

Array = NDArray[np.float64]

#: Coverage of ±1σ, ±2σ, ±3σ of a Gaussian: erf(n/√2).
CL_1SIGMA = float(special.erf(1.0 / math.sqrt(2.0)))
CL_2SIGMA = float(special.erf(2.0 / math.sqrt(2.0)))
CL_3SIGMA = float(special.erf(3.0 / math.sqrt(2.0)))

_NEWTON_MAX_ITER = 100
_NEWTON_TOL = 1e-10
_LINE_SEARCH_STEPS = 60
