"""The base of the form-factor models: :class:`FormFactorModel` and its shared pieces.

A model is a ``param.Parameterized`` class (bounds and docs drive the dashboard's widgets) giving
F(q) with F(0) = 1, the matching density ρ(r) normalised to 1 and the radial moments ⟨r²⟩, ⟨r⁴⟩,
⟨r⁶⟩ (PHYSICS.md §4). Each model also carries what a reader needs to show it: a human
:attr:`~FormFactorModel.label`, the :attr:`~FormFactorModel.equation` it implements with its
:attr:`~FormFactorModel.reference`, a ``label`` on every user parameter and the parameter's unit
in :attr:`~FormFactorModel.parameter_units`. Models join the registry with
:func:`cevns_core.form_factors.register_form_factor`.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, NamedTuple

import param
from numpy.typing import ArrayLike

from .._validation import ValidatedParameters, as_float, check_choice, check_parameters
from ..errors import CevnsError
from ..nuclei import Isotope, isotope
from .numerics import FloatArray, _q, _r, density_moment

__all__ = ["FormFactorModel", "ParameterInfo"]


class ParameterInfo(NamedTuple):
    """Description of one user-facing model parameter (for widgets): default, bounds, doc.

    ``bounds`` is a (low, high) pair for numbers (None = open) and the tuple of allowed values for
    choices.
    """

    default: Any
    bounds: Any
    doc: str


def _is_user_parameter(p: param.Parameter, name: str) -> bool:
    return name != "name" and (p.precedence is None or p.precedence >= 0)


def _user_parameters(cls: type[param.Parameterized]) -> dict[str, param.Parameter]:
    return {k: p for k, p in cls.param.objects("existing").items() if _is_user_parameter(p, k)}


def _check_parameter_values(
    cls: type[param.Parameterized], params: dict[str, Any], *, user_only: bool
) -> None:
    """Turn unknown or out-of-range parameters into a CevnsError naming what is allowed."""
    check_parameters(cls, params, allowed=_user_parameters(cls) if user_only else None)


def _length_param(
    default: float | None, doc: str, *, label: str, hi: float, soft: tuple[float, float]
) -> param.Number:
    """A length in fm: positive, at most ``hi``, widget range ``soft``."""
    return param.Number(
        default,
        allow_None=default is None,
        label=label,
        bounds=(0.0, hi),
        inclusive_bounds=(False, True),
        softbounds=soft,
        doc=doc,
    )


class FormFactorModel(ValidatedParameters):
    """Base class of the nuclear form-factor models (PHYSICS.md §4).

    A model gives F(q) (F(0) = 1), the matching density ρ(r) normalised to 1 and the radial moments
    ⟨r²⟩, ⟨r⁴⟩, ⟨r⁶⟩. Build one for a nucleus with :meth:`for_isotope` or
    :func:`form_factor_model`. Parameters with negative precedence (mass number, Z, N) are set from
    the isotope and are not shown as widgets.
    """

    #: Registry name of the model (set by ``register_form_factor``).
    model_name: ClassVar[str] = ""
    #: Human name of the model, e.g. "Symmetrized Fermi".
    label: ClassVar[str] = ""
    #: Short name for legends and tables, e.g. "SF".
    short_label: ClassVar[str] = ""
    #: The form factor the model implements, in plain text.
    equation: ClassVar[str] = ""
    #: Where :attr:`equation` comes from.
    reference: ClassVar[str] = ""
    #: Unit of each user parameter ("" for choices and dimensionless values).
    parameter_units: ClassVar[dict[str, str]] = {}
    #: The model's size stands for a charge radius: the nuclear model's default
    #: (``proton_radius="measured"``) rescales it to the point-proton radius of the measured
    #: charge radius. False for models bound to data (tables) or without a size (point nucleus).
    anchors_on_charge_radius: ClassVar[bool] = True
    #: User parameters that fix the model's size; when one is given, the nuclear model's default
    #: takes that size as the point-proton size instead of the measured charge radius.
    size_parameters: ClassVar[tuple[str, ...]] = ()

    def __init__(self, **params: Any) -> None:
        _check_parameter_values(type(self), params, user_only=False)
        try:
            super().__init__(**params)
        except ValueError as exc:  # param's own checks (e.g. an integer parameter given 1.5)
            raise CevnsError(str(exc)) from exc
        self._check_geometry()

    # -- to be provided by subclasses ---------------------------------------------------------
    def _check_geometry(self) -> None:
        """Raise CevnsError early if the parameters cannot describe a nucleus."""

    def _form_factor(self, q: FloatArray) -> FloatArray:
        raise TypeError(f"{type(self).__name__} is abstract: a model subclass defines this method")

    def _density(self, r: FloatArray) -> FloatArray:
        raise TypeError(f"{type(self).__name__} is abstract: a model subclass defines this method")

    def _moments(self) -> dict[int, float] | None:
        return None

    def _r_max(self) -> float:
        raise TypeError(f"{type(self).__name__} is abstract: a model subclass defines this method")

    def _breakpoints(self) -> tuple[float, ...]:
        return ()

    @classmethod
    def _resolve(cls, iso: Isotope, params: dict[str, Any]) -> dict[str, Any]:
        return params

    # -- public interface ---------------------------------------------------------------------
    def form_factor(self, q_fm: ArrayLike) -> FloatArray:
        """F(q) for ``q_fm`` in fm⁻¹ (≥ 0, any shape); F(0) = 1."""
        return self._form_factor(_q(q_fm))

    def density(self, r_fm: ArrayLike) -> FloatArray:
        """ρ(r) in fm⁻³ normalised to 1, for ``r_fm`` in fm (≥ 0, any shape)."""
        return self._density(_r(r_fm))

    def moment(self, k: int) -> float:
        """⟨r^k⟩ in fm^k for k ∈ {2, 4, 6} (closed form where known, else quadrature of ρ)."""
        k = check_choice(k, "k", (2, 4, 6))
        closed = self._moments()
        return float(closed[k]) if closed is not None else self.numeric_moment(k)

    def numeric_moment(self, k: float) -> float:
        """⟨r^k⟩ from fixed Gauss–Legendre quadrature of the density (k = 0: normalisation)."""
        return density_moment(self.density, k, self._r_max(), breakpoints=self._breakpoints())

    @property
    def rms_radius_fm(self) -> float:
        """rms radius √⟨r²⟩ in fm."""
        return math.sqrt(self.moment(2))

    def with_rms(self, rms_fm: float) -> FormFactorModel:
        """A new model of the same kind and shape parameters, rescaled to rms radius ``rms_fm``."""
        raise CevnsError(f"model {self.model_name!r} cannot be rescaled to an rms radius")

    def neutron_partner(self) -> FormFactorModel | None:
        """The nucleus' own neutron distribution when the model has one (tabulated F_n or ρ_n).

        None (the default) means the model describes one distribution only, and the neutron
        model is derived from it (:class:`~cevns_core.nuclear_model.NuclearModel`).
        """
        return None

    def _replace(self, **changes: Any) -> FormFactorModel:
        values = {k: v for k, v in self.param.values().items() if k != "name"}
        values.update(changes)
        return type(self)(**values)

    @classmethod
    def for_isotope(cls, iso: str | Isotope, **params: Any) -> FormFactorModel:
        """Build the model for an isotope (name or :class:`Isotope`) with user parameters.

        Raises
        ------
        CevnsError
            For an unknown isotope, an unknown or out-of-range parameter, or a missing radius.
        """
        iso = isotope(iso)
        _check_parameter_values(cls, params, user_only=True)
        return cls(**cls._resolve(iso, dict(params)))


def _rms_arg(rms_fm: Any) -> float:
    return as_float(rms_fm, "rms_fm", minimum=0.0, inclusive=False)


def _charge_radius(iso: Isotope, model: str) -> float:
    if iso.charge_radius_fm is None:
        raise CevnsError(
            f"{iso.name} has no tabulated charge radius; give rms_fm=... (in fm) "
            f"for model {model!r}"
        )
    return iso.charge_radius_fm


class _RadiusFromAOrRms(FormFactorModel):
    """A model whose size is set from the mass number A or fitted to an rms radius.

    Subclasses name the selector parameter (``_prescription``), its two values (``_from_A``,
    ``_from_rms``) and the two formulas (:meth:`_radius_from_A`, :meth:`_radius_from_rms`).
    """

    __abstract = True
    A = param.Integer(None, allow_None=True, bounds=(1, 400), precedence=-1, doc="Mass number A.")
    _prescription: ClassVar[str] = ""
    _from_A: ClassVar[str] = ""
    _from_rms: ClassVar[str] = ""

    def _radius_from_A(self, A: int) -> float:
        raise TypeError(f"{type(self).__name__} is abstract: a model subclass defines this method")

    def _radius_from_rms(self, rms_fm: float) -> float:
        raise TypeError(f"{type(self).__name__} is abstract: a model subclass defines this method")

    def _radius(self) -> float:
        prescription = getattr(self, self._prescription)
        label = f"{type(self).__name__} with {self._prescription}={prescription!r}"
        if prescription == self._from_A:
            if self.A is None:
                raise CevnsError(f"{label} needs A")
            return float(self._radius_from_A(self.A))
        if self.rms_fm is None:
            raise CevnsError(f"{label} needs rms_fm")
        return float(self._radius_from_rms(self.rms_fm))

    def _check_geometry(self) -> None:
        prescription = getattr(self, self._prescription)
        if (prescription == self._from_A and self.A is not None) or (
            prescription == self._from_rms and self.rms_fm is not None
        ):
            self._radius()  # raises CevnsError for an impossible geometry

    @classmethod
    def _resolve(cls, iso: Isotope, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("rms_fm") is not None:
            params.setdefault(cls._prescription, cls._from_rms)
        prescription = params.get(cls._prescription, cls.param[cls._prescription].default)
        if prescription == cls._from_rms and params.get("rms_fm") is None:
            params["rms_fm"] = _charge_radius(iso, cls.model_name)
        params["A"] = iso.A
        return params

    def with_rms(self, rms_fm: float) -> _RadiusFromAOrRms:
        """The same model with its size from ``rms_fm`` at the same shape parameters."""
        return self._replace(**{self._prescription: self._from_rms, "rms_fm": _rms_arg(rms_fm)})
