"""Declarations copied from the core's models, and the parameter sets the sidebar edits
parameter by parameter: a source type's, a form-factor model's and ``NewPhysics``'s (no Panel).

Which parameters of a core model a person edits (numbers, choices, switches; not data, not
constants), and which model an editor entry of the state's table (:mod:`dashboard.parameters`)
holds given the other choices.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import param

import cevns_core as cc
from cevns_core.form_factors import FORM_FACTOR_MODELS

from .labels import new_physics_groups

__all__ = [
    "SM_PARAMETERS",
    "CheckedSelector",
    "check_target",
    "copy_param",
    "editor_model",
    "editor_parameters",
    "form_factor_parameters",
    "physics_parameters",
    "source_parameters",
]


def check_target(value: Any) -> None:
    """A target the core accepts: a material or an isotope (``cc.target_material``)."""
    if value is not None:
        cc.target_material(value)


class CheckedSelector(param.Selector):
    """An open ``param.Selector`` whose values outside ``objects`` are checked by ``check``."""

    __slots__ = ["check"]

    def __init__(self, default: Any = None, *, check: Any = None, **params: Any) -> None:
        self.check = check
        super().__init__(default=default, **params)

    def _validate(self, val: Any) -> None:
        if val is not None and self.check is not None and val not in (self.objects or []):
            self.check(val)
        super()._validate(val)


def copy_param(p: param.Parameter, **changes: Any) -> param.Parameter:
    """A new parameter with ``p``'s declaration (default, bounds, doc, label) and ``changes``."""
    kw: dict[str, Any] = {"default": p.default, "doc": p.doc, "allow_None": p.allow_None}
    if p.label and p.label != p.name:
        kw["label"] = p.label
    if p.metadata:
        kw["metadata"] = dict(p.metadata)
    if isinstance(p, param.Number):
        kw.update(bounds=p.bounds, softbounds=p.softbounds, inclusive_bounds=p.inclusive_bounds)
        if p.step is not None:
            kw["step"] = p.step
    elif isinstance(p, param.Selector):  # also ListSelector
        kw["objects"] = list(p.objects)
    kw.update(changes)
    if (
        isinstance(p, param.Selector)
        and kw["default"] is None
        and not isinstance(p, param.ListSelector)
    ):
        kw["allow_None"] = True
    return type(p)(**kw)


#: Standard-Model electroweak parameters of NewPhysics (not "new physics" themselves).
SM_PARAMETERS: tuple[str, ...] = tuple(
    k for k in cc.StandardModel.param if k != "name" and k in cc.NewPhysics.param
)

_EDITABLE = (param.Number, param.Selector, param.Boolean, param.ListSelector)


def _editable(cls: type[param.Parameterized]) -> tuple[str, ...]:
    out = []
    for name, p in cls.param.objects("existing").items():
        if name in ("name", "normalisation") or p.constant or (p.precedence or 0) < 0:
            continue
        if isinstance(p, _EDITABLE):
            out.append(name)
    return tuple(out)


def source_parameters(source_type: str) -> tuple[str, ...]:
    """Editable parameters of a source type (numbers, choices and lists of choices)."""
    if source_type == "composite":
        return ()
    return _editable(cc.SOURCE_TYPES[source_type])


def form_factor_parameters(model: str) -> tuple[str, ...]:
    """Editable parameters of a form-factor model (from ``cc.model_parameters``)."""
    cls = FORM_FACTOR_MODELS[model]
    return tuple(k for k in cc.model_parameters(model) if isinstance(cls.param[k], _EDITABLE))


def physics_parameters() -> tuple[str, ...]:
    """Editable NewPhysics parameters: the SM ones, then each group's."""
    names = list(SM_PARAMETERS)
    for group in new_physics_groups().values():
        names += [n for n in group if n not in names]
    return tuple(n for n in names if isinstance(cc.NewPhysics.param[n], _EDITABLE))


def editor_model(name: str, values: Mapping[str, Any]) -> type[param.Parameterized]:
    """The core model whose parameters editor entry ``name`` holds, given the other values."""
    if name == "source_overrides":
        return cc.SOURCE_TYPES[values.get("source_type", "pion_dar")]
    if name == "form_factor_params":
        return FORM_FACTOR_MODELS[values.get("form_factor_model", "helm")]
    return cc.NewPhysics


def editor_parameters(name: str, values: Mapping[str, Any]) -> tuple[str, ...]:
    """The parameter names editor entry ``name`` may hold, given the other values."""
    if name == "source_overrides":
        return source_parameters(values.get("source_type", "pion_dar"))
    if name == "form_factor_params":
        return form_factor_parameters(values.get("form_factor_model", "helm"))
    return physics_parameters()
