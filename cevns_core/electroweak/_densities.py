"""Vectorised proton/neutron distributions of given rms radius for the electroweak terms.

The χ² terms are evaluated on arrays of neutron radii (scans, joint fits), so they use the pure,
broadcasting closed forms of :mod:`cevns_core.form_factors` (symmetrized Fermi at fixed
diffuseness, Helm at fixed surface thickness) instead of building one model object per radius.
The conventions are those of :func:`cevns_core.nucleon_form_factors`: the proton distribution has
the isotope's rms charge radius (``proton_radius="charge"``, default) or the point-proton radius
(``"point"``); the neutron distribution is the same shape rescaled to R_n = R_p + skin.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_array, as_float, check_choice
from ..errors import CevnsError
from ..form_factors import (
    HELM_S_FM,
    SF_A_FM,
    helm_form_factor,
    helm_moments,
    helm_R0_from_rms,
    symmetrized_fermi_c_from_rms,
    symmetrized_fermi_form_factor,
    symmetrized_fermi_moments,
)
from ..nuclear_model import point_proton_radius
from ..nuclei import Isotope, isotope

__all__ = ["DENSITY_MODELS", "form_factor_at_rms", "moments_at_rms", "proton_rms_fm", "resolve"]

#: Density shapes the electroweak terms support, with their fixed shape parameter (fm).
DENSITY_MODELS: dict[str, tuple[str, float]] = {
    "symmetrized_fermi": ("a_fm", SF_A_FM),
    "helm": ("s_fm", HELM_S_FM),
}

_RADIUS_RANGE = (1.0, 15.0)


def _shape(model: str, shape_fm: float | None) -> float:
    check_choice(model, "density model", DENSITY_MODELS)
    name, default = DENSITY_MODELS[model]
    if shape_fm is None:
        return default
    return as_float(shape_fm, name, minimum=0.0, maximum=3.0, inclusive=False)


def proton_rms_fm(iso: str | Isotope, proton_radius: str = "charge") -> float:
    """rms radius of the proton distribution: the charge radius or the point-proton radius."""
    nucleus = isotope(iso)
    check_choice(proton_radius, "proton_radius", ("charge", "point"))
    if nucleus.charge_radius_fm is None:
        raise CevnsError(f"{nucleus.name} has no tabulated charge radius")
    if proton_radius == "point":
        return point_proton_radius(nucleus.charge_radius_fm, nucleus.Z, nucleus.N)
    return nucleus.charge_radius_fm


def form_factor_at_rms(
    q_fm: float, rms_fm: ArrayLike, model: str = "symmetrized_fermi", shape_fm: float | None = None
) -> NDArray[np.float64]:
    """F(q) of the ``model`` density with rms radius ``rms_fm`` (broadcasts over ``rms_fm``)."""
    R = np.asarray(rms_fm, dtype=float)
    shape = _shape(model, shape_fm)
    if model == "symmetrized_fermi":
        c = symmetrized_fermi_c_from_rms(R, shape)
        return np.asarray(symmetrized_fermi_form_factor(q_fm, c, shape), dtype=float)
    R0 = helm_R0_from_rms(R, shape)
    return np.asarray(helm_form_factor(q_fm, R0, shape), dtype=float)


def moments_at_rms(
    rms_fm: ArrayLike, model: str = "symmetrized_fermi", shape_fm: float | None = None
) -> dict[int, NDArray[np.float64]]:
    """⟨r²⟩, ⟨r⁴⟩, ⟨r⁶⟩ (fm², fm⁴, fm⁶) of the ``model`` density with rms radius ``rms_fm``."""
    R = np.asarray(rms_fm, dtype=float)
    shape = _shape(model, shape_fm)
    if model == "symmetrized_fermi":
        moments = symmetrized_fermi_moments(symmetrized_fermi_c_from_rms(R, shape), shape)
    else:
        moments = helm_moments(helm_R0_from_rms(R, shape), shape)
    return {k: np.asarray(v, dtype=float) for k, v in moments.items()}


def resolve(
    iso: str | Isotope,
    *,
    R_n_fm: Any = None,
    skin_fm: Any = None,
    R_p_fm: Any = None,
    proton_radius: str = "charge",
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(R_p, R_n) arrays from either a neutron radius or a skin (exactly one of them).

    R_p defaults to the isotope's proton rms radius (``proton_radius`` convention); R_n is
    ``R_n_fm`` or R_p + ``skin_fm``. The result is broadcast to a common shape.

    Raises
    ------
    CevnsError
        If both or neither of ``R_n_fm`` and ``skin_fm`` are given, or a radius is outside
        [1, 15] fm.
    """
    if (R_n_fm is None) == (skin_fm is None):
        raise CevnsError("give exactly one of R_n_fm (neutron rms radius) and skin_fm (R_n − R_p)")
    lo, hi = _RADIUS_RANGE
    if R_p_fm is None:
        R_p = np.asarray(proton_rms_fm(iso, proton_radius))
    else:
        R_p = as_array(R_p_fm, "R_p_fm", minimum=lo, maximum=hi)
    if R_n_fm is not None:
        R_n = as_array(R_n_fm, "R_n_fm", minimum=lo, maximum=hi)
    else:
        R_n = R_p + as_array(skin_fm, "skin_fm", minimum=-2.0, maximum=3.0)
        if np.any(R_n < lo):
            raise CevnsError(f"skin_fm gives a neutron radius below {lo:g} fm")
    R_p, R_n = np.broadcast_arrays(R_p, R_n)
    return np.array(R_p, dtype=float), np.array(R_n, dtype=float)
