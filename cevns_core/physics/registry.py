"""The registry of new-physics effects: :func:`register_effect`, lookup and the list of groups.

Registering an effect adds its parameters to :class:`~cevns_core.physics.model.NewPhysics`
(so ``NewPhysics(**params)`` accepts them), its group to :data:`NEW_PHYSICS_GROUPS` and its scan
models to the scan catalogue (:data:`cevns_core.scans.SCAN_MODELS`, which reads the registry).
Every module of ``cevns_core/physics/`` other than the infrastructure is imported by the package
and registers itself, so adding an effect is adding one file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import CevnsError
from .base import Effect

__all__ = [
    "NEW_PHYSICS_GROUPS",
    "GroupInfo",
    "ParameterInfo",
    "effect",
    "effects",
    "new_physics_groups",
    "parameter_info",
    "register_effect",
    "registry_version",
    "unregister_effect",
]

_EFFECTS: dict[str, Effect] = {}
#: Parameters of each new-physics group, in display order (kept in step with the registry).
NEW_PHYSICS_GROUPS: dict[str, list[str]] = {}
_ORDERED: list[Effect] = []
_VERSION = [0]  # bumped at every change, so models drop values cached before it


@dataclass(frozen=True)
class ParameterInfo:
    """Description of one new-physics parameter (for labels, tooltips and tables)."""

    name: str
    label: str
    unit: str
    doc: str
    group: str
    default: Any
    bounds: tuple[float, float] | None
    objects: tuple[Any, ...] | None


@dataclass(frozen=True)
class GroupInfo:
    """Description of one new-physics group: title, equation, source, figure, parameters."""

    name: str
    title: str
    equation: str
    source: str
    figure: str
    parameters: tuple[ParameterInfo, ...]


def _refresh() -> None:
    _VERSION[0] += 1
    _ORDERED[:] = sorted(_EFFECTS.values(), key=lambda e: (e.order, e.name))
    NEW_PHYSICS_GROUPS.clear()
    NEW_PHYSICS_GROUPS.update({e.name: list(e.parameters) for e in _ORDERED})


def register_effect(cls: type[Effect]) -> type[Effect]:
    """Class decorator: register an :class:`Effect` subclass (one instance per class).

    Raises
    ------
    CevnsError
        A name, parameter or scan-model name already taken.
    """
    from .model import NewPhysics

    instance = cls()
    if not instance.name or instance.name in _EFFECTS:
        raise CevnsError(f"effect name {instance.name!r} is empty or already registered")
    taken = set(NewPhysics.param)
    clash = [n for n in instance.parameters if n in taken]
    if clash:
        raise CevnsError(f"effect {instance.name!r}: parameters already defined: {clash}")
    scans = {s.name for e in _EFFECTS.values() for s in e.scans}
    clash = [s.name for s in instance.scans if s.name in scans]
    if clash:
        raise CevnsError(f"effect {instance.name!r}: scan models already defined: {clash}")
    for key, parameter in instance.parameters.items():
        parameter.metadata = {**(parameter.metadata or {}), "group": instance.name}
        NewPhysics.param.add_parameter(key, parameter)
    _EFFECTS[instance.name] = instance
    _refresh()
    return cls


def unregister_effect(name: str) -> None:
    """Remove a registered effect and its parameters (for tests and plug-ins)."""
    from .model import NewPhysics

    instance = _EFFECTS.pop(effect(name).name)
    for key in instance.parameters:
        type.__delattr__(NewPhysics, key)
    NewPhysics._param__private.params.clear()  # param's cache of the class parameters
    _refresh()


def registry_version() -> int:
    """A number that changes whenever an effect is registered or removed."""
    return _VERSION[0]


def effects() -> tuple[Effect, ...]:
    """The registered effects, in order."""
    return tuple(_ORDERED)


def effect(name: str) -> Effect:
    """The registered effect called ``name`` (raises CevnsError naming the allowed ones)."""
    try:
        return _EFFECTS[name]
    except (KeyError, TypeError):
        allowed = ", ".join(e.name for e in _ORDERED)
        raise CevnsError(f"unknown new-physics effect {name!r}; allowed: {allowed}") from None


def parameter_info(name: str) -> ParameterInfo:
    """Label, unit, doc, group, default and bounds of a new-physics parameter.

    Examples
    --------
    >>> info = parameter_info("zprime_mass_MeV")
    >>> info.label, info.unit, info.group
    ('M_Z′', 'MeV', 'zprime')
    """
    for e in _ORDERED:
        if name in e.parameters:
            p = e.parameters[name]
            return ParameterInfo(
                name=name,
                label=p.label,
                unit=p.metadata["unit"],
                doc=p.doc,
                group=e.name,
                default=p.default,
                bounds=getattr(p, "bounds", None),
                objects=tuple(p.objects) if hasattr(p, "objects") else None,
            )
    allowed = ", ".join(n for names in NEW_PHYSICS_GROUPS.values() for n in names)
    raise CevnsError(f"unknown new-physics parameter {name!r}; allowed: {allowed}")


def new_physics_groups() -> dict[str, GroupInfo]:
    """Every new-physics group in display order: title, equation, source and its parameters
    with their labels and units (what a user interface shows).

    Examples
    --------
    >>> groups = new_physics_groups()
    >>> groups["zprime"].title
    'Light vector mediator Z′'
    >>> [(p.name, p.unit) for p in groups["zprime"].parameters][2]
    ('zprime_mass_MeV', 'MeV')
    """
    return {
        e.name: GroupInfo(
            name=e.name,
            title=e.title,
            equation=e.equation,
            source=e.source,
            figure=e.figure,
            parameters=tuple(parameter_info(n) for n in e.parameters),
        )
        for e in _ORDERED
    }
