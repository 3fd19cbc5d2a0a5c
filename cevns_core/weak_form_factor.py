"""The nuclear weak form factor F_W(q) (PHYSICS.md §4.6).

Defaults (:mod:`cevns_core.nuclear_radii`): point-proton radius from the measured charge radius,
the antiprotonic-atom neutron-skin systematics and the nucleon dipole form factor; with them
F_W(²⁰⁸Pb) at PREX-II's and F_W(⁴⁸Ca) at CREX's momentum transfer agree with the measurements.
``skin_fm=0.0, proton_radius="charge"`` gives the reviews' F_n = F_p with the model as built.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import as_array
from .nuclear_model import nucleon_form_factors
from .nuclei import Isotope, isotope
from .units import HBARC_MeV_fm
from .weak_charges import StandardModel, weak_charge_half

__all__ = ["weak_form_factor"]

#: Largest momentum transfer (fm⁻¹, ~200 TeV): q² in MeV² must stay representable for the
#: q-dependent couplings (1e308 overflowed).
MAX_Q_fm = 1e6


def weak_form_factor(
    q_fm: ArrayLike,
    isotope_name: str | Isotope,
    model: str = "helm",
    *,
    physics: StandardModel | None = None,
    flavour: str | None = None,
    skin_fm: float | None = None,
    R_n_fm: float | None = None,
    proton_radius: str = "measured",
    **model_params: Any,
) -> NDArray[np.float64]:
    """Weak form factor F_W(q) = [Z g_V^p F_p(q) + N g_V^n F_n(q)] / (Z g_V^p + N g_V^n).

    The proton and neutron form factors come from the nuclear model ``model`` with a neutron skin
    ``skin_fm`` (default None: the skin systematics; or an explicit neutron rms radius
    ``R_n_fm``) and the radius prescription ``proton_radius`` (default "measured"), see
    :func:`~cevns_core.nucleon_form_factors`; the couplings from ``physics`` (default Standard
    Model, tree level). F_W(0) = 1 and, because |N g_V^n| ≫ Z g_V^p, F_W follows the neutron
    distribution (PHYSICS §4.6).

    Parameters
    ----------
    q_fm : array_like
        Momentum transfer in fm⁻¹ (≥ 0).
    isotope_name : str or Isotope
        Nucleus, e.g. ``"Pb208"``.
    model : str
        Form-factor model name (``form_factor_models()``).
    physics, flavour
        Electroweak inputs (see :class:`StandardModel`).
    skin_fm, R_n_fm, proton_radius, **model_params
        Passed to :func:`nucleon_form_factors`.

    Returns
    -------
    ndarray
        F_W with the shape of ``q_fm``.

    Examples
    --------
    >>> round(float(weak_form_factor(0.0, "Pb208", skin_fm=0.28)), 12)
    1.0
    >>> round(float(weak_form_factor(0.3977, "Pb208")), 3)  # PREX-II: 0.368 ± 0.013
    0.381
    """
    q = as_array(q_fm, "q_fm", minimum=0.0, maximum=MAX_Q_fm)
    nucleus = isotope(isotope_name)
    sm = physics if physics is not None else StandardModel()
    g_p, g_n = sm.nucleon_couplings(flavour, q * HBARC_MeV_fm)
    g_p0, g_n0 = sm.nucleon_couplings(flavour)
    F_p, F_n = nucleon_form_factors(
        q,
        nucleus,
        model,
        skin_fm=skin_fm,
        R_n_fm=R_n_fm,
        proton_radius=proton_radius,
        **model_params,
    )
    charge_q = weak_charge_half(nucleus.Z, nucleus.N, g_p, g_n, F_p, F_n)
    charge_0 = weak_charge_half(nucleus.Z, nucleus.N, g_p0, g_n0)
    return charge_q / charge_0
