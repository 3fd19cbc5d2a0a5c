"""The quenching models by name: :data:`QUENCHING_MODELS`, :func:`quenching_model`."""

from __future__ import annotations

from typing import Any

from .._validation import check_choice
from ..errors import CevnsError
from .adiabatic import LindhardAdiabaticQuenching
from .base import QuenchingModel
from .lindhard import LindhardQuenching
from .polynomial import (
    ConstantQuenching,
    ElectronEquivalentPolynomialQuenching,
    PolynomialQuenching,
)
from .tabulated import TabulatedQuenching

__all__ = ["QUENCHING_MODELS", "quenching_model"]


#: Registry: model name → class.
QUENCHING_MODELS: dict[str, type[QuenchingModel]] = {
    cls.model_name: cls
    for cls in (
        LindhardQuenching,
        LindhardAdiabaticQuenching,
        ConstantQuenching,
        PolynomialQuenching,
        ElectronEquivalentPolynomialQuenching,
        TabulatedQuenching,
    )
}


def quenching_model(name: str, **params: Any) -> QuenchingModel:
    """Build a registry quenching model by name.

    ``"lindhard"`` and ``"lindhard_adiabatic"`` also accept ``target="Ge"`` (element: standard
    atomic weight) or ``target="Ge72"`` (isotope: mass number) instead of ``Z`` and ``A``.

    Raises
    ------
    CevnsError
        Unknown model name, unknown or out-of-range parameter.

    Examples
    --------
    >>> round(float(quenching_model("lindhard", target="Si").quenching_factor(1.0)), 4)
    0.2095
    """
    cls = QUENCHING_MODELS[check_choice(name, "quenching model", QUENCHING_MODELS)]
    if issubclass(cls, LindhardQuenching) and "target" in params:
        target = params.pop("target")
        if "Z" in params or "A" in params:
            raise CevnsError(f"give either target or Z and A for the {name!r} model, not both")
        allowed = {"k", "xi_keV"} if cls is LindhardAdiabaticQuenching else {"k"}
        extra = set(params) - allowed
        if extra:
            raise CevnsError(
                f"unknown parameter {sorted(extra)[0]!r} for {name!r}; allowed: target, Z, A, "
                + ", ".join(sorted(allowed))
            )
        if cls is LindhardAdiabaticQuenching:
            return cls.for_target(target, **params)
        return LindhardQuenching.for_target(target, k=params.get("k"))
    return cls(**params)
