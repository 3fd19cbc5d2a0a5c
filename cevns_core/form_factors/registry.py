"""The registry of form-factor models and the contract function :func:`form_factor`.

A model joins the registry with the :func:`register_form_factor` class decorator, so adding one is
one module (its functions and its :class:`~cevns_core.form_factors.base.FormFactorModel` subclass,
imported from the package's ``__init__``: registration happens on import) and one test::

    @register_form_factor("my_model")
    class MyModel(FormFactorModel):
        label = "My model"
        equation = "F(q) = ..."
        ...

Registration checks that the model can describe itself: a :attr:`~FormFactorModel.label`, an
:attr:`~FormFactorModel.equation` with its :attr:`~FormFactorModel.reference`, and for every user
parameter an explicit ``label`` and an entry in :attr:`~FormFactorModel.parameter_units`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

import param
from numpy.typing import ArrayLike

from .._validation import check_choice
from ..errors import CevnsError
from ..nuclei import Isotope, isotope
from .base import FormFactorModel, ParameterInfo, _user_parameters
from .numerics import FloatArray, _q

__all__ = [
    "FORM_FACTOR_MODELS",
    "form_factor",
    "form_factor_model",
    "form_factor_models",
    "model_parameters",
    "register_form_factor",
    "unregister_form_factor",
]

Model = TypeVar("Model", bound=type[FormFactorModel])

#: The form-factor models by registry name, in order of registration.
FORM_FACTOR_MODELS: dict[str, type[FormFactorModel]] = {}
# Models known by name but not listed by form_factor_models(): they describe one nucleus from
# data (the "tabulated" model) instead of any nucleus from a formula, so the generic model lists
# (widgets, model spreads, every-model checks) leave them out.
_UNLISTED_MODELS: dict[str, type[FormFactorModel]] = {}


def _known_models() -> dict[str, type[FormFactorModel]]:
    """Every model that can be built by name: listed first, then the unlisted ones."""
    return {**FORM_FACTOR_MODELS, **_UNLISTED_MODELS}


def _description_problems(cls: type[FormFactorModel]) -> list[str]:
    """What a model class lacks to describe itself (empty when it is complete)."""
    problems = [
        f"no {attr}" for attr in ("label", "equation", "reference") if not getattr(cls, attr)
    ]
    for key, p in _user_parameters(cls).items():
        automatic = param.parameterized.label_formatter(key)
        if p.label == automatic:
            problems.append(f"parameter {key!r} has only the automatic label {automatic!r}")
        if key not in cls.parameter_units:
            problems.append(f"parameter {key!r} has no entry in parameter_units")
    return problems


def register_form_factor(name: str, *, listed: bool = True) -> Callable[[Model], Model]:
    """Class decorator adding a :class:`FormFactorModel` subclass to the registry as ``name``.

    Sets the class's ``model_name``; :func:`form_factor_models`, :func:`form_factor_model`,
    :func:`form_factor` and the dashboard then know the model. With ``listed=False`` the model is
    built by name (:func:`form_factor`, :func:`form_factor_model`, ``NuclearModel(model=name)``)
    but not listed by :func:`form_factor_models`: for models bound to data of particular nuclei
    (the ``"tabulated"`` model), which cannot describe every nucleus with their defaults.

    Raises
    ------
    TypeError
        If the decorated object is not a FormFactorModel subclass.
    CevnsError
        If ``name`` is empty or already taken by another class, or the model lacks its label,
        equation, reference, or a parameter's label or unit.
    """
    if not isinstance(name, str) or not name.strip():
        raise CevnsError(f"a form-factor model needs a non-empty registry name, got {name!r}")

    def decorate(cls: Model) -> Model:
        if not (isinstance(cls, type) and issubclass(cls, FormFactorModel)):
            raise TypeError(f"register_form_factor expects a FormFactorModel subclass, got {cls!r}")
        taken = _known_models().get(name)
        if taken is not None and taken is not cls:
            raise CevnsError(
                f"form-factor model {name!r} is already registered ({taken.__name__}); "
                "choose another name or unregister_form_factor() it first"
            )
        problems = _description_problems(cls)
        if problems:
            raise CevnsError(f"form-factor model {name!r} ({cls.__name__}): {'; '.join(problems)}")
        cls.model_name = name
        (FORM_FACTOR_MODELS if listed else _UNLISTED_MODELS)[name] = cls
        _cached_model.cache_clear()
        return cls

    return decorate


def unregister_form_factor(name: str) -> type[FormFactorModel]:
    """Remove model ``name`` from the registry and return its class (e.g. after a test).

    Raises
    ------
    CevnsError
        If no model of that name is registered.
    """
    check_choice(name, "form-factor model", _known_models())
    cls = FORM_FACTOR_MODELS.pop(name, None) or _UNLISTED_MODELS.pop(name)
    _cached_model.cache_clear()
    return cls


def form_factor_models() -> list[str]:
    """Names of the registered form-factor models (without the unlisted ``"tabulated"``)."""
    return list(FORM_FACTOR_MODELS)


def _model_class(name: str) -> type[FormFactorModel]:
    known = _known_models()
    return known[check_choice(name, "form-factor model", known)]


def form_factor_model(name: str, iso: str | Isotope, **params: Any) -> FormFactorModel:
    """Build the registry model ``name`` for isotope ``iso`` with the given user parameters.

    Raises
    ------
    CevnsError
        Unknown model name, unknown isotope, unknown or out-of-range parameter (the message lists
        what is allowed), or a geometry that cannot be realised.

    Examples
    --------
    >>> round(form_factor_model("helm", "Cs133").R0_fm, 4)
    5.8671
    """
    return _model_class(name).for_isotope(iso, **params)


def model_parameters(name: str) -> dict[str, ParameterInfo]:
    """User-facing parameters of model ``name``: {parameter: (default, bounds, doc)}."""
    out = {}
    for key, p in _user_parameters(_model_class(name)).items():
        bounds = tuple(p.objects) if isinstance(p, param.Selector) else getattr(p, "bounds", None)
        out[key] = ParameterInfo(p.default, bounds, p.doc or "")
    return out


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


@lru_cache(maxsize=512)
def _cached_model(name: str, iso: Isotope, frozen: tuple[tuple[str, Any], ...]) -> FormFactorModel:
    return form_factor_model(name, iso, **dict(frozen))


def _shared_model(name: str, iso: str | Isotope, params: dict[str, Any]) -> FormFactorModel:
    """A cached model instance; internal use only (never hand it out: models are mutable)."""
    _model_class(name)  # an unknown (or unhashable) name is refused before the cache sees it
    iso = isotope(iso)
    try:
        key = tuple(sorted((k, _freeze(v)) for k, v in params.items()))
        hash(key)
    except TypeError:  # e.g. a numpy array among the parameters: build without the cache
        return form_factor_model(name, iso, **params)
    return _cached_model(name, iso, key)


def form_factor(model: str, q_fm: ArrayLike, iso: str | Isotope, **model_params: Any) -> FloatArray:
    """Nuclear form factor F(q) of a registry model for an isotope (**contract**; PHYSICS §4).

    Parameters
    ----------
    model : str
        One of :func:`form_factor_models` ("helm", "symmetrized_fermi", "klein_nystrand",
        "klein_nystrand_adapted", "harmonic_oscillator", "moment_expansion", "point"), or
        "tabulated" (a table of the nucleus, :mod:`cevns_core.form_factors.tabulated`).
    q_fm : array_like
        Three-momentum transfer |q| in fm⁻¹ (finite, ≥ 0, any shape).
    iso : str or Isotope
        The nucleus, e.g. "Cs133".
    **model_params
        Model parameters, see :func:`model_parameters`.

    Returns
    -------
    ndarray
        F(q) with the shape of ``q_fm``; F(0) = 1.

    Raises
    ------
    CevnsError
        Negative or non-finite q_fm, unknown model/isotope/parameter.

    Examples
    --------
    >>> round(float(form_factor("helm", 0.1, "Cs133")), 5)
    0.96209
    """
    q = _q(q_fm)
    return _shared_model(model, iso, model_params)._form_factor(q)
