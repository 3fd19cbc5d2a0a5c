"""Human names for what a person reads: read from the core's models, never kept here.

Every label, unit and title comes from :mod:`cevns_core`: a parameter's ``label`` and
``metadata["unit"]`` (or a form-factor model's ``parameter_units``), a source type's ``title``,
a form-factor model's ``label``/``short_label``, a preset's ``title``, a scan model's ``title``,
a data set's ``title``, :data:`cevns_core.flavours.FLAVOUR_LABELS` and
:data:`cevns_core.response.OBSERVABLE_TITLES`. Identifiers stay in URLs, files and Python.

The one exception is :func:`interim_physics_label`: the new-physics parameters, groups and scan
axes of ``cevns_core.new_physics``/``cevns_core.scans`` have no labels yet (they are being added
in ``cevns_core/physics/``). It prefers the core's labels when they exist and derives the others
from the names; it is the single place to delete once they land.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import param

import cevns_core as cc
from cevns_core.flavours import flavour_label
from cevns_core.form_factors import FORM_FACTOR_MODELS
from cevns_core.response import OBSERVABLE_TITLES

__all__ = [
    "axis_title",
    "core_has",
    "core_label",
    "core_unit",
    "dataset_title",
    "flavour_label",
    "form_factor_label",
    "form_factor_short_label",
    "interim_physics_label",
    "new_physics_groups",
    "observable_title",
    "preset_title",
    "scan_axis_label",
    "scan_model_title",
    "source_title",
    "with_unit",
]


def core_has(subpackage: str) -> bool:
    """Whether the installed ``cevns_core`` has ``subpackage`` (e.g. the new ``physics``).

    Checked on disk next to the loaded package: an editable install of another checkout must not
    lend this one its modules.
    """
    return (Path(cc.__file__).parent / subpackage / "__init__.py").is_file()


def new_physics_groups() -> dict[str, list[str]]:
    """The core's new-physics groups and their parameters, in display order."""
    if core_has("physics"):
        from cevns_core.physics import NEW_PHYSICS_GROUPS  # type: ignore
    else:
        from cevns_core.new_physics import NEW_PHYSICS_GROUPS
    return NEW_PHYSICS_GROUPS


def with_unit(label: str, unit: str) -> str:
    """``"Mass (kg)"``; the label alone for a dimensionless quantity."""
    return f"{label} ({unit})" if unit else label


def _automatic(p: param.Parameter) -> bool:
    return not p.name or p.label == param.parameterized.label_formatter(p.name)


def core_unit(cls: type[param.Parameterized], name: str) -> str:
    """The unit of a core parameter: ``metadata["unit"]``, else the model's ``parameter_units``."""
    p = cls.param[name]
    unit = (p.metadata or {}).get("unit")
    if unit is None:
        unit = getattr(cls, "parameter_units", {}).get(name)
    if unit is None and _is_physics(cls):
        unit = interim_physics_label(name)[1]
    return unit or ""


def core_label(cls: type[param.Parameterized], name: str) -> str:
    """The human label of a core parameter (without its unit)."""
    p = cls.param[name]
    if _automatic(p) and _is_physics(cls):
        return interim_physics_label(name)[0]
    return p.label


def _is_physics(cls: type) -> bool:
    return isinstance(cls, type) and issubclass(cls, cc.StandardModel)


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
    label = getattr(found, "label", "")
    if label:
        return label, getattr(found, "unit", "") or ""
    return interim_physics_label(axis)


# ------------------------------------------------------------------------------------ interim
def interim_physics_label(name: str) -> tuple[str, str]:
    """(label, unit) of a new-physics parameter, group or scan axis, from its name.

    REPLACE with the core's labels when ``cevns_core/physics`` lands (``parameter_info``,
    ``new_physics_groups``, ``Axis.label``; used first when present): this is the dashboard's
    only mapping of names to labels, kept until the core carries them.
    """
    if core_has("physics"):  # the core's own description, once it exists
        try:
            from cevns_core.physics import new_physics_groups, parameter_info  # type: ignore

            groups = new_physics_groups()
            if name in groups:
                return groups[name].title, ""
            info = parameter_info(name)
            return info.label, info.unit
        except Exception:  # a scan axis or an option the registry does not describe
            pass
    fixed = {
        "nsi_vector": "Vector NSI",
        "nsi_tensor": "Tensor NSI",
        "zprime": "Light vector Z′",
        "scalar": "Light scalar φ",
        "magnetic_moment": "Magnetic moment",
        "charge_radius": "Charge radius",
        "millicharge": "Millicharge",
        "sterile": "Sterile 3+1",
        "sin2_theta_W": "sin²θ_W",
        "sin2_2theta": "sin²2θ",
        "coupling": "Coupling g",
        "eps_u": "ε^u",
        "eps_d": "ε^d",
        "mm_exact": "Exact magnetic-moment term (+T/4E²)",
        "neutrinos_per_proton": "Neutrinos per flavour per proton",
    }
    if name in fixed:
        return fixed[name], ""
    if name == "mass_MeV":
        return "Mediator mass M", "MeV"
    if name == "R_n_fm":
        return "Neutron rms radius R_n", "fm"

    def flavours(text: str) -> str:
        return "".join({"mu": "μ", "tau": "τ"}.get(p, p) for p in re.findall("tau|mu|e", text))

    if m := re.fullmatch(r"eps_([ud])([VT])_(\w+)", name):
        return f"ε^{m.group(1)}{m.group(2)} {flavours(m.group(3))}", ""
    if m := re.fullmatch(r"r2_(\w+)_cm2", name):
        return f"⟨r²⟩ {flavours(m.group(1))}", "cm²"
    if m := re.fullmatch(r"millicharge_(\w+)", name):
        return f"q_ν {flavours(m.group(1))}", "e"
    if m := re.fullmatch(r"mu(?:_nu)?_(e|mu|tau)_muB", name):
        return f"μ_ν {flavours(m.group(1))}", "μ_B"
    if m := re.fullmatch(r"U(e|mu|tau)4_sq", name):
        return f"|U_{flavours(m.group(1))}4|²", ""
    if name == "dm2_41_eV2":
        return "Δm²₄₁", "eV²"
    words, unit = name.replace("zprime", "Z′"), ""
    for suffix, text in _UNIT_SUFFIXES:
        if words.endswith(suffix) and len(words) > len(suffix):
            words, unit = words[: -len(suffix)], text
            break
    words = words.replace("_", " ").strip()
    if len(words.split(" ")[0]) > 1:  # a symbol such as "s" or "a" keeps its case
        words = words[:1].upper() + words[1:]
    return words, unit


_UNIT_SUFFIXES = (
    ("_MeV", "MeV"),
    ("_GeV", "GeV"),
    ("_keV", "keV"),
    ("_eV2", "eV²"),
    ("_GW", "GW"),
    ("_MW", "MW"),
    ("_days", "days"),
    ("_s", "s"),
    ("_fm", "fm"),
    ("_cm2", "cm²"),
    ("_muB", "μ_B"),
    ("_m", "m"),
    ("_kg", "kg"),
)
