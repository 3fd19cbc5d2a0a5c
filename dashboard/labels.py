"""Human names for what a person reads: read from the core's models, never kept here.

Every label, unit and title comes from :mod:`cevns_core`: a parameter's ``label`` and
``metadata["unit"]`` (or a form-factor model's ``parameter_units``), a source type's ``title``,
a form-factor model's ``label``/``short_label``, a preset's ``title``, a scan model's ``title``,
a data set's ``title``, :data:`cevns_core.flavours.FLAVOUR_LABELS` and
:data:`cevns_core.response.OBSERVABLE_TITLES`. Identifiers stay in URLs, files and Python.

New-physics groups and parameters: the physics registry (``cevns_core.physics``:
``new_physics_groups`` titles, each parameter's ``label`` and ``metadata["unit"]``); scan axes:
the catalogue's ``Axis.label``/``unit``.
"""

from __future__ import annotations

import functools
from typing import Any

import param

import cevns_core as cc
from cevns_core.flavours import flavour_label
from cevns_core.form_factors import FORM_FACTOR_MODELS
from cevns_core.physics import NEW_PHYSICS_GROUPS
from cevns_core.physics import new_physics_groups as core_groups
from cevns_core.response import OBSERVABLE_TITLES

__all__ = [
    "axis_title",
    "core_label",
    "core_unit",
    "dataset_title",
    "flavour_label",
    "form_factor_label",
    "form_factor_short_label",
    "group_title",
    "new_physics_groups",
    "observable_title",
    "preset_title",
    "scan_axis_label",
    "scan_model_title",
    "source_title",
    "with_unit",
]


def new_physics_groups() -> dict[str, list[str]]:
    """The core's new-physics groups and their parameters, in display order."""
    return NEW_PHYSICS_GROUPS


def group_title(group: str) -> str:
    """The title of a new-physics group (the physics registry's)."""
    info = core_groups().get(group)
    return info.title if info is not None else group


def with_unit(label: str, unit: str) -> str:
    """``"Mass (kg)"``; the label alone for a dimensionless quantity."""
    return f"{label} ({unit})" if unit else label


def core_unit(cls: type[param.Parameterized], name: str) -> str:
    """The unit of a core parameter: ``metadata["unit"]``, else the model's ``parameter_units``."""
    p = cls.param[name]
    unit = (p.metadata or {}).get("unit")
    if unit is None:
        unit = getattr(cls, "parameter_units", {}).get(name)
    return unit or ""


def core_label(cls: type[param.Parameterized], name: str) -> str:
    """The human label of a core parameter (without its unit)."""
    return cls.param[name].label


# ------------------------------------------------------------------------------------ titles
@functools.cache
def preset_title(name: str) -> str:
    """The title of an experiment preset (``cc.experiment(name).title``)."""
    return cc.experiment(name).title or name


def source_title(source_type: str) -> str:
    """The title of a source type (``cc.SOURCE_TYPES[...]`` class ``title``)."""
    cls = cc.SOURCE_TYPES.get(source_type)
    return getattr(cls, "title", "") or source_type


def form_factor_label(model: str) -> str:
    """The form-factor model's ``label`` (``"Symmetrized Fermi"``)."""
    cls = FORM_FACTOR_MODELS.get(model)
    return getattr(cls, "label", "") or model


def form_factor_short_label(model: str) -> str:
    """The model's ``short_label`` (``"SF"``), for narrow buttons."""
    cls = FORM_FACTOR_MODELS.get(model)
    return getattr(cls, "short_label", "") or form_factor_label(model)


def scan_model_title(model: str) -> str:
    """The scan model's title from the core catalogue, with a capital first letter."""
    from cevns_core.scans import SCAN_MODELS

    title = getattr(SCAN_MODELS.get(model), "title", "") or model
    title = title.replace("{", "").replace("}", "")  # ε^{uV}_{ee} → ε^uV_ee
    return title[:1].upper() + title[1:]


@functools.cache
def dataset_title(name: str) -> str:
    """The title of a shipped data set (``cc.load_dataset(name).title``)."""
    try:
        return cc.load_dataset(name).title or name
    except cc.CevnsError:
        return name


def observable_title(unit: str) -> str:
    """What an observable measures: ``"Photo-electrons"`` for ``"PE"``."""
    return OBSERVABLE_TITLES.get(unit, unit)


def axis_title(label: str, unit: str) -> str:
    """An axis title, ``label (unit)``."""
    return with_unit(label, unit)


# ------------------------------------------------------------------------------------ scans
def scan_axis_label(model: str, axis: str) -> tuple[str, str]:
    """(label, unit) of a scan axis: the core's ``Axis.label``/``unit`` when it has them."""
    from cevns_core.scans import SCAN_MODELS

    found: Any = None
    scan = SCAN_MODELS.get(model)
    if scan is not None:
        found = next((a for a in scan.axes if a.name == axis), None)
    return getattr(found, "label", "") or axis, getattr(found, "unit", "") or ""
