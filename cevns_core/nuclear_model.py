"""Separate proton and neutron form factors with a neutron-skin parameter (PHYSICS.md §4.6).

The proton distribution is a registry form-factor model (:mod:`cevns_core.form_factors`) for the
isotope; the neutron distribution is the same model rescaled to the neutron rms radius
R_n = R_p + ΔR_np (``skin_fm``) or to an explicit ``R_n_fm``. With no skin and no R_n the neutron
model *is* the proton model (F_n = F_p exactly), which is what the reference values of PHYSICS.md
§3.7 and §11 assume.

For the harmonic-oscillator model this rule means the neutron density keeps the proton occupations
(rescaled); build ``HarmonicOscillatorModel(nucleons="neutrons")`` directly for N-filled levels.

A model with a neutron distribution of its own (the ``"tabulated"`` model of a table with F_n or
ρ_n, :meth:`~cevns_core.form_factors.FormFactorModel.neutron_partner`) supplies the neutron model
instead; a skin or R_n, when set, rescales that neutron distribution.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np
import param
from numpy.typing import ArrayLike, NDArray

from ._validation import ValidatedParameters, as_array, as_float, check_choice
from .errors import CevnsError
from .form_factors import (
    FormFactorModel,
    _freeze,
    _known_models,
    _shared_model,
    form_factor_model,
)
from .nuclei import Isotope, isotope, isotopes_of

__all__ = [
    "DARWIN_FOLDY_FM2",
    "NEUTRON_MS_RADIUS_FM2",
    "PROTON_MS_RADIUS_FM2",
    "NuclearModel",
    "check_nuclear_choice",
    "nucleon_form_factors",
    "params_for_nucleus",
    "point_proton_radius",
]

FloatArray = NDArray[np.float64]

#: Proton mean-square charge radius r_p² in fm² (PHYSICS.md §4.6).
PROTON_MS_RADIUS_FM2 = 0.7071
#: Neutron mean-square charge radius r_n² in fm² (negative; PHYSICS.md §4.6).
NEUTRON_MS_RADIUS_FM2 = -0.1161
#: Darwin–Foldy term 3/(4 m_p²) in fm² (PHYSICS.md §4.6).
DARWIN_FOLDY_FM2 = 0.0331

_SKIN_BOUNDS = (-1.0, 3.0)
_RADIUS_MAX = 15.0


def point_proton_radius(R_ch_fm: float, Z: int, N: int) -> float:
    """Point-proton rms radius from the charge radius (PHYSICS.md §4.6).

    R_p² = R_ch² − r_p² − (N/Z) r_n² − 3/(4m_p²), with r_p² = 0.7071 fm², r_n² = −0.1161 fm²,
    3/(4m_p²) = 0.0331 fm² (spin–orbit term neglected).

    Parameters
    ----------
    R_ch_fm : float
        rms charge radius in fm.
    Z, N : int
        Proton and neutron numbers.

    Returns
    -------
    float
        R_p in fm.

    Raises
    ------
    CevnsError
        If R_ch is too small for the corrections (R_p² ≤ 0).

    Examples
    --------
    >>> round(point_proton_radius(4.8041, 55, 78), 4)
    4.7438
    """
    R_ch = as_float(R_ch_fm, "R_ch_fm", minimum=0.0, inclusive=False)
    Z = int(as_float(Z, "Z", minimum=1.0))
    N = int(as_float(N, "N", minimum=0.0))
    Rp2 = R_ch**2 - PROTON_MS_RADIUS_FM2 - (N / Z) * NEUTRON_MS_RADIUS_FM2 - DARWIN_FOLDY_FM2
    if Rp2 <= 0.0:
        raise CevnsError(
            f"R_ch_fm = {R_ch_fm} fm is too small to subtract the nucleon finite-size corrections"
        )
    return math.sqrt(Rp2)


def _build_pair(
    iso: Isotope,
    model: str,
    params: dict[str, Any],
    skin_fm: float,
    R_n_fm: float | None,
    proton_radius: str,
    *,
    shared: bool,
) -> tuple[FormFactorModel, FormFactorModel]:
    base = _shared_model(model, iso, params) if shared else form_factor_model(model, iso, **params)
    if proton_radius == "point":
        proton = base.with_rms(point_proton_radius(base.rms_radius_fm, iso.Z, iso.N))
    else:
        proton = base
    if iso.N == 0:
        return proton, proton  # no neutrons (¹H): the neutron distribution never enters
    # a model with its own neutron distribution (a table with F_n or ρ_n) supplies it; a skin or
    # R_n then rescales that distribution instead of the proton one
    neutron = base.neutron_partner() or proton
    if R_n_fm is None and skin_fm == 0.0:
        return proton, neutron
    target = R_n_fm if R_n_fm is not None else proton.rms_radius_fm + skin_fm
    if target <= 0.0:
        raise CevnsError(
            f"skin_fm = {skin_fm} fm gives a non-positive neutron radius "
            f"(R_p = {proton.rms_radius_fm:.4g} fm)"
        )
    return proton, neutron.with_rms(target)


@lru_cache(maxsize=512)
def _cached_pair(
    iso: Isotope,
    model: str,
    frozen: tuple[tuple[str, Any], ...],
    skin_fm: float,
    R_n_fm: float | None,
    proton_radius: str,
) -> tuple[FormFactorModel, FormFactorModel]:
    return _build_pair(iso, model, dict(frozen), skin_fm, R_n_fm, proton_radius, shared=True)


def _pair(
    iso: str | Isotope,
    model: str,
    params: dict[str, Any],
    skin_fm: Any,
    R_n_fm: Any,
    proton_radius: Any,
) -> tuple[FormFactorModel, FormFactorModel]:
    """Validated, cached (proton, neutron) models; internal only (models are mutable)."""
    iso = isotope(iso)
    check_choice(model, "form-factor model", _known_models())
    check_choice(proton_radius, "proton_radius", ("charge", "point"))
    skin = as_float(skin_fm, "skin_fm", minimum=_SKIN_BOUNDS[0], maximum=_SKIN_BOUNDS[1])
    R_n = None
    if R_n_fm is not None:
        R_n = as_float(R_n_fm, "R_n_fm", minimum=0.0, inclusive=False)
        if R_n > _RADIUS_MAX:
            raise CevnsError(f"R_n_fm must lie in (0, {_RADIUS_MAX:g}], got {R_n:g}")
    try:
        key = tuple(sorted((k, _freeze(v)) for k, v in params.items()))
        hash(key)
    except TypeError:
        return _build_pair(iso, model, params, skin, R_n, proton_radius, shared=False)
    return _cached_pair(iso, model, key, skin, R_n, proton_radius)


def params_for_nucleus(params: Mapping[str, Any], iso: str | Isotope) -> dict[str, Any]:
    """Form-factor parameters of one nucleus from parameters that may be given per nucleus.

    A value that is a mapping is looked up by the isotope's name (``"Cs133"``), then by its
    element symbol (``"Cs"``); a nucleus it does not name gets the model's default (the key is
    dropped). Plain values apply to every nucleus. So ``{"skin_fm": {"Cs": 0.3, "I": 0.2}}`` gives
    Cs133 a 0.3 fm skin and I127 a 0.2 fm skin.
    """
    nucleus = isotope(iso)
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, Mapping):
            for name in (nucleus.name, nucleus.symbol):
                if name in value:
                    out[key] = value[name]
                    break
        else:
            out[key] = value
    return out


def check_nuclear_choice(name: str, value: Any) -> None:
    """Check a neutron skin (``name="skin_fm"``) or radius (``"R_n_fm"``) choice.

    Allowed: a number (skin in [−1, 3] fm; radius in (0, 15] fm; R_n may also be None) or a
    mapping from isotope names or element symbols to such numbers.

    Raises
    ------
    CevnsError
        Naming the entry that is wrong and what is allowed.
    """
    if name not in ("skin_fm", "R_n_fm"):
        raise CevnsError(f"unknown nuclear choice {name!r}; allowed: skin_fm, R_n_fm")
    entries = value.items() if isinstance(value, Mapping) else [(None, value)]
    for key, number in entries:
        where = name if key is None else f"{name}[{key!r}]"
        if key is not None:
            if not isinstance(key, str):
                raise CevnsError(f"{name}: keys are isotope names or element symbols, got {key!r}")
            if not _names_nucleus(key):
                raise CevnsError(
                    f"{where}: {key!r} is not an isotope name (e.g. 'Cs133') or element symbol"
                )
        if number is None and name == "R_n_fm":
            continue
        if name == "skin_fm":
            as_float(number, where, minimum=_SKIN_BOUNDS[0], maximum=_SKIN_BOUNDS[1])
        else:
            R_n = as_float(number, where, minimum=0.0, inclusive=False)
            if R_n > _RADIUS_MAX:
                raise CevnsError(f"{where} must lie in (0, {_RADIUS_MAX:g}] fm, got {R_n:g}")


def _names_nucleus(key: str) -> bool:
    """True if ``key`` is exactly an isotope's canonical name or an element's symbol."""
    try:
        return isotope(key).name == key
    except CevnsError:
        pass
    try:
        return isotopes_of(key)[0].symbol == key
    except CevnsError:
        return False


def nucleon_form_factors(
    q_fm: ArrayLike,
    iso: str | Isotope,
    model: str = "helm",
    *,
    skin_fm: float = 0.0,
    R_n_fm: float | None = None,
    proton_radius: str = "charge",
    **model_params: Any,
) -> tuple[FloatArray, FloatArray]:
    """Proton and neutron form factors F_p(q), F_n(q) (PHYSICS.md §4.6).

    F_p is the registry model ``model`` for ``iso``; F_n is the same model rescaled to the neutron
    rms radius R_p + ``skin_fm`` (or ``R_n_fm`` when given). With ``skin_fm = 0`` and no
    ``R_n_fm``, F_n = F_p exactly. Model construction is cached per (isotope, model, parameters).

    Parameters
    ----------
    q_fm : array_like
        Momentum transfer in fm⁻¹ (finite, ≥ 0, any shape).
    iso : str or Isotope
        The nucleus.
    model : str, optional
        Registry name (default "helm"), see :func:`cevns_core.form_factors.form_factor_models`.
    skin_fm : float, optional
        Neutron skin ΔR_np = R_n − R_p in fm, in [−1, 3]; default 0.
    R_n_fm : float, optional
        Explicit neutron rms radius in fm; overrides ``skin_fm``.
    proton_radius : {"charge", "point"}, optional
        "charge" (default): the model as built for the isotope (R_p = R_ch, the common
        approximation of the reviews); "point": rescaled to the point-proton radius obtained from
        the model's charge rms with :func:`point_proton_radius`.
    **model_params
        Parameters of the model.

    Returns
    -------
    (ndarray, ndarray)
        F_p(q), F_n(q), each with the shape of ``q_fm``.

    Examples
    --------
    >>> Fp, Fn = nucleon_form_factors(0.3, "Cs133", skin_fm=0.2)
    >>> bool(Fn < Fp)
    True
    """
    q = as_array(q_fm, "q_fm", minimum=0.0)
    proton, neutron = _pair(iso, model, model_params, skin_fm, R_n_fm, proton_radius)
    F_p = proton.form_factor(q)
    F_n = F_p.copy() if neutron is proton else neutron.form_factor(q)
    return F_p, F_n


class NuclearModel(ValidatedParameters):
    """Proton and neutron distributions of one isotope (PHYSICS.md §4.6).

    Rule: with ``skin_fm = 0`` and ``R_n_fm = None`` the neutron model is the proton model;
    otherwise it is ``proton_model.with_rms(R_p + skin_fm)`` or ``proton_model.with_rms(R_n_fm)``.

    Examples
    --------
    >>> nm = NuclearModel(isotope="Ar40", skin_fm=0.1)
    >>> round(nm.R_n_fm_effective - nm.R_p_fm, 6)
    0.1
    """

    isotope = param.ClassSelector(
        class_=(str, Isotope), default="Cs133", doc="The nucleus, e.g. 'Cs133'."
    )
    model = param.Selector(
        objects=list(_known_models()),
        default="helm",
        doc="Form-factor model (registry name, or 'tabulated' with model_params={'table': ...}) "
        "for protons and neutrons.",
    )
    model_params = param.Dict(default={}, doc="Parameters of the form-factor model.")
    skin_fm = param.Number(
        0.0,
        bounds=_SKIN_BOUNDS,
        softbounds=(-0.5, 1.5),
        doc="Neutron skin ΔR_np = R_n − R_p in fm (PKK: ΔR_np(CsI) = 0.7 +0.9/−1.1 fm).",
        label="Neutron skin R_n − R_p",
        metadata={"unit": "fm"},
    )
    R_n_fm = param.Number(
        None,
        allow_None=True,
        bounds=(0.0, _RADIUS_MAX),
        inclusive_bounds=(False, True),
        softbounds=(2.0, 7.0),
        doc="Explicit neutron rms radius in fm; overrides skin_fm when set.",
        label="Neutron rms radius R_n",
        metadata={"unit": "fm"},
    )
    proton_radius = param.Selector(
        objects=["charge", "point"],
        default="charge",
        doc="'charge': R_p = R_ch (common approximation); 'point': R_p² = R_ch² − r_p² − "
        "(N/Z) r_n² − 3/(4m_p²).",
    )

    def __init__(self, **params: Any) -> None:
        allowed = [k for k in self.param if k != "name"]
        for key in params:
            if key not in allowed and key != "name":
                raise CevnsError(
                    f"unknown NuclearModel parameter {key!r}; allowed: {', '.join(allowed)}"
                )
        if "model" in params:
            check_choice(params["model"], "form-factor model", _known_models())
        if "proton_radius" in params:
            check_choice(params["proton_radius"], "proton_radius", ("charge", "point"))
        for key, lo, hi, inclusive in (
            ("skin_fm", *_SKIN_BOUNDS, True),
            ("R_n_fm", 0.0, _RADIUS_MAX, False),
        ):
            if params.get(key) is not None:
                value = as_float(params[key], key, minimum=lo, inclusive=inclusive)
                if value > hi:
                    raise CevnsError(f"{key} must be at most {hi:g}, got {value:g}")
        try:
            super().__init__(**params)
        except ValueError as exc:
            raise CevnsError(str(exc)) from exc

    # -- the two models -------------------------------------------------------------------------
    def _models(self, *, shared: bool = True) -> tuple[FormFactorModel, FormFactorModel]:
        if shared:
            return _pair(
                self.isotope,
                self.model,
                dict(self.model_params),
                self.skin_fm,
                self.R_n_fm,
                self.proton_radius,
            )
        return _build_pair(
            isotope(self.isotope),
            self.model,
            dict(self.model_params),
            self.skin_fm,
            self.R_n_fm,
            self.proton_radius,
            shared=False,
        )

    @property
    def proton_model(self) -> FormFactorModel:
        """A fresh :class:`FormFactorModel` of the proton distribution."""
        return self._models(shared=False)[0]

    @property
    def neutron_model(self) -> FormFactorModel:
        """A fresh :class:`FormFactorModel` of the neutron distribution."""
        return self._models(shared=False)[1]

    @property
    def R_p_fm(self) -> float:
        """Proton rms radius in fm (charge or point, per ``proton_radius``)."""
        return self._models()[0].rms_radius_fm

    @property
    def R_n_fm_effective(self) -> float:
        """Neutron rms radius in fm actually used."""
        return self._models()[1].rms_radius_fm

    # -- form factors and densities ---------------------------------------------------------------
    def F_p(self, q_fm: ArrayLike) -> FloatArray:
        """Proton form factor F_p(q), q in fm⁻¹; F_p(0) = 1."""
        return self._models()[0].form_factor(q_fm)

    def F_n(self, q_fm: ArrayLike) -> FloatArray:
        """Neutron form factor F_n(q), q in fm⁻¹; F_n(0) = 1."""
        return self._models()[1].form_factor(q_fm)

    def rho_p(self, r_fm: ArrayLike) -> FloatArray:
        """Proton density in fm⁻³ normalised to 1 (multiply by Z for the number density)."""
        return self._models()[0].density(r_fm)

    def rho_n(self, r_fm: ArrayLike) -> FloatArray:
        """Neutron density in fm⁻³ normalised to 1 (multiply by N for the number density)."""
        return self._models()[1].density(r_fm)
