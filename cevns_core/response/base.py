"""What the detector-response models share: the observables and a validating constructor.

Observables are in one of three units: ``"keVnr"``, ``"keVee"`` or ``"PE"`` (photo-electrons).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from .._validation import ValidatedParameters, check_parameters
from ..errors import CevnsError

__all__ = ["OBSERVABLES", "OBSERVABLE_TITLES"]

Array = NDArray[np.float64]

#: Units an observable (and a threshold) can be expressed in.
OBSERVABLES: tuple[str, ...] = ("keVnr", "keVee", "PE")
#: What each observable unit measures (for axis titles and selectors).
OBSERVABLE_TITLES: dict[str, str] = {
    "keVnr": "Nuclear recoil energy",
    "keVee": "Electron-equivalent energy",
    "PE": "Photo-electrons",
}


class _Model(ValidatedParameters):
    """Common constructor: unknown/out-of-range keywords become a CevnsError."""

    model_name: ClassVar[str] = ""

    def __init__(self, **params: Any) -> None:
        check_parameters(type(self), params)
        try:
            super().__init__(**params)
        except ValueError as exc:
            raise CevnsError(str(exc)) from exc
        self._check_model()

    def _check_model(self) -> None:
        """Raise CevnsError if the parameters are inconsistent."""
