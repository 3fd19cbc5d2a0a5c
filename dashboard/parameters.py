"""The one table of the session state's parameters (no Panel).

Each :class:`Entry` says what a piece of the state is: its name on
:class:`~dashboard.state.SessionState`, its URL key, the kind of widget that edits it, the
parameter it mirrors (a core model's parameter — whose bounds, soft bounds, doc, label and unit
are used as they are — or a tab's display option of :mod:`dashboard.viewstate`), where it lands
in the core's experiment spec, and the sidebar card it belongs to. From :data:`ENTRIES` come:

* the state's ``param`` declarations (:func:`declaration`),
* the sidebar widgets (:mod:`dashboard.widgets`),
* the URL keys (:mod:`dashboard.urlstate`) and the configuration file's keys
  (:mod:`dashboard.config`),
* the validator's bounds, labels and messages (:mod:`dashboard.validation`).

Three entries hold a set of parameters of a core model rather than one value (``editor``
entries): the chosen source type's parameters, the chosen form-factor model's and
``NewPhysics``'s. Their keys and values are checked against that model's own declarations
(:func:`editor_model`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import param

import cevns_core as cc
from cevns_core.quenching import ConstantQuenching, LindhardQuenching
from cevns_core.response import OBSERVABLES, ConstantEfficiency, GaussianResolution

from .editors import (
    SM_PARAMETERS,
    CheckedSelector,
    check_target,
    copy_param,
    editor_model,
    editor_parameters,
    form_factor_parameters,
    physics_parameters,
    source_parameters,
)
from .labels import (
    core_label,
    core_unit,
    form_factor_label,
    observable_title,
    preset_title,
    source_title,
    with_unit,
)
from .viewstate import TABS, TARGET_ISOTOPES, tab_keys

__all__ = [
    "DEFAULT_EXPERIMENT",
    "EDITOR_ENTRIES",
    "EFFICIENCY_CHOICES",
    "ENTRIES",
    "QUENCHING_CHOICES",
    "RESOLUTION_CHOICES",
    "SM_PARAMETERS",
    "SOURCE_CHOICES",
    "STATE_ENTRIES",
    "TARGETS",
    "VIEW_ENTRIES",
    "Entry",
    "by_name",
    "by_url",
    "choices",
    "declaration",
    "editor_model",
    "editor_parameters",
    "form_factor_parameters",
    "physics_parameters",
    "source_parameters",
]

#: The preset shown when the page opens.
DEFAULT_EXPERIMENT = "coherent_csi_2017"
#: Source types offered in the sidebar ("composite": the preset's own mix of sources, as
#: shipped; the DSNB rate model and tabulated sources need inputs a form cannot give).
SOURCE_CHOICES: tuple[str, ...] = tuple(
    k
    for k in (
        "pion_dar",
        "reactor",
        "chromium51",
        "solar",
        "supernova_burst",
        "atmospheric",
        "dsnb_spectrum",
        "composite",
    )
    if k in cc.SOURCE_TYPES
)
#: Quenching: the preset's model, Lindhard for the target's main element, constant, none.
QUENCHING_CHOICES = {
    "The preset's": "preset",
    "Lindhard (target's main element)": "lindhard",
    "Constant Q₀": "constant",
    "None": "none",
}
#: Efficiency: the preset's, none (ε = 1) or a constant ε.
EFFICIENCY_CHOICES = {"The preset's": "preset", "None (ε = 1)": "none", "Constant ε₀": "constant"}
#: Resolution: the preset's, none, Gaussian (stochastic term), Poisson photo-electron counting.
RESOLUTION_CHOICES = {
    "The preset's": "preset",
    "None": "none",
    "Gaussian (stochastic term)": "gaussian",
    "Poisson (photo-electrons)": "poisson",
}


@functools.cache
def _preset_materials() -> tuple[str, ...]:
    return tuple(str(cc.experiment(n).detector.material) for n in cc.experiment_names())


#: Target choices: named materials, the presets' spellings (e.g. "CsI[Na]") and isotopes.
TARGETS: tuple[str, ...] = tuple(
    dict.fromkeys([*cc.material_names(), *_preset_materials(), *TARGET_ISOTOPES])
)


@dataclass(frozen=True)
class Entry:
    """One parameter of the session state (see the module docstring).

    ``widget``: ``select``, ``number``, ``slider``, ``editor`` (a set of a model's parameters),
    ``checkbox``, ``int``, ``text``, ``multi`` (several choices) or ``none`` (set by the page).
    ``mirrors``: the declaration copied (class, parameter name). ``spec``: the spec path the
    value lands in ("" when it does not determine a number). ``group``: the sidebar card, or
    ``view:<tab key>`` for a tab's display option.
    """

    name: str
    url: str
    widget: str
    mirrors: tuple[type[param.Parameterized], str] | None = None
    spec: str = ""
    group: str = ""
    label: str = ""
    unit: str | None = None
    changes: Mapping[str, Any] = field(default_factory=dict)
    build: Callable[[], param.Parameter] | None = None
    options: Callable[[], dict[str, Any]] | None = None

    @property
    def human(self) -> str:
        """The label a person reads (without the unit)."""
        if self.label:
            return self.label
        if self.mirrors is not None:
            return core_label(*self.mirrors)
        return self.name

    @property
    def units(self) -> str:
        """The unit of the value ("" when dimensionless or a choice)."""
        if self.unit is not None:
            return self.unit
        return core_unit(*self.mirrors) if self.mirrors is not None else ""

    @property
    def title(self) -> str:
        """``label (unit)``: the widget label."""
        return with_unit(self.human, self.units)

    @property
    def tab(self) -> str | None:
        """The tab key of a view option, None for the experiment's and the band's entries."""
        return self.group.split(":", 1)[1] if self.group.startswith("view:") else None

    @property
    def option(self) -> str:
        """The option's name on its tab (view entries), else the state name."""
        return self.name.split(".", 1)[1] if "." in self.name else self.name


def _choice(default: str, objects: list[str], doc: str) -> Callable[[], param.Parameter]:
    return lambda: param.Selector(default=default, objects=list(objects), doc=doc)


def _number(default: float, doc: str) -> Callable[[], param.Parameter]:
    return lambda: param.Number(
        default=default,
        bounds=(0.0, 1.0),
        inclusive_bounds=(True, False),
        softbounds=(0.0, 0.5),
        doc=doc,
    )


# ------------------------------------------------------------------------------------ the table
_D = cc.Detector
STATE_ENTRIES: tuple[Entry, ...] = (
    Entry(
        "experiment",
        "exp",
        "select",
        spec="preset",
        group="preset",
        label="Experiment preset",
        build=_choice(
            DEFAULT_EXPERIMENT,
            cc.experiment_names(),
            "Experiment preset: source, target, exposure and detector response.",
        ),
        options=lambda: {preset_title(n): n for n in cc.experiment_names()},
    ),
    Entry(
        "target",
        "target",
        "select",
        (_D, "material"),
        "detector.material",
        "target",
        label="Target (material or isotope)",
        build=lambda: CheckedSelector(
            default="CsI[Na]",
            objects=list(TARGETS),
            check_on_set=False,
            check=check_target,
            doc="Target material (natural isotopic composition) or a single isotope.",
        ),
    ),
    Entry(
        "mass_kg",
        "mass",
        "number",
        (_D, "mass_kg"),
        "exposure.mass_kg",
        "target",
        changes={"default": 14.57},
    ),
    Entry(
        "live_time_days",
        "days",
        "number",
        (_D, "live_time_days"),
        "exposure.live_time_days",
        "target",
        changes={
            "default": 365.25,
            "allow_None": False,
            "inclusive_bounds": (False, True),
            "softbounds": (1.0, 3650.0),
            "doc": "Live time in days (used by flux sources: reactor, Sun, ⁵¹Cr).",
        },
    ),
    Entry(
        "form_factor_model",
        "ff",
        "select",
        (cc.Experiment, "form_factor"),
        "nuclear.form_factor",
        "nucleus",
        build=_choice("helm", cc.form_factor_models(), "Nuclear form-factor model."),
        options=lambda: {form_factor_label(m): m for m in cc.form_factor_models()},
    ),
    Entry(
        "form_factor_params",
        "ffp",
        "editor",
        spec="nuclear.form_factor_params",
        group="nucleus",
        label="Form-factor parameters",
        build=lambda: param.Dict(default={}, doc="Form-factor parameters not at their default."),
    ),
    Entry("skin_fm", "skin", "slider", (cc.NuclearModel, "skin_fm"), "nuclear.skin_fm", "nucleus"),
    Entry("R_n_fm", "rn", "number", (cc.NuclearModel, "R_n_fm"), "nuclear.R_n_fm", "nucleus"),
    Entry(
        "source_type",
        "src",
        "select",
        spec="source.type",
        group="source",
        label="Source type",
        build=_choice("pion_dar", list(SOURCE_CHOICES), "Neutrino source type."),
        options=lambda: {
            ("The preset's combined sources" if k == "composite" else source_title(k)): k
            for k in SOURCE_CHOICES
        },
    ),
    Entry(
        "source_overrides",
        "srcp",
        "editor",
        spec="source.params",
        group="source",
        label="Source parameters",
        build=lambda: param.Dict(default={}, doc="Source parameters that differ from the base."),
    ),
    Entry(
        "threshold",
        "thr",
        "number",
        (_D, "threshold"),
        "detector.threshold",
        "detector",
        changes={"default": 6.0},
    ),
    Entry(
        "threshold_unit",
        "thru",
        "select",
        (_D, "threshold_unit"),
        "detector.threshold_unit",
        "detector",
        changes={"default": "PE"},
        options=lambda: {u: u for u in OBSERVABLES},
    ),
    Entry(
        "observable",
        "obs",
        "select",
        (_D, "observable"),
        "detector.observable",
        "detector",
        changes={"default": "PE"},
        options=lambda: {f"{u} — {observable_title(u).lower()}": u for u in OBSERVABLES},
    ),
    Entry(
        "quenching",
        "qf",
        "select",
        (_D, "quenching"),
        "detector.quenching",
        "detector",
        build=_choice("preset", list(QUENCHING_CHOICES.values()), "Quenching model."),
        options=lambda: dict(QUENCHING_CHOICES),
    ),
    Entry(
        "quenching_factor",
        "qfv",
        "slider",
        (ConstantQuenching, "value"),
        "detector.quenching.value",
        "detector",
    ),
    Entry(
        "lindhard_k",
        "k",
        "number",
        (LindhardQuenching, "k"),
        "detector.quenching.k",
        "detector",
        label="Lindhard k (empty: 0.133 Z^⅔ A^−½)",
    ),
    Entry(
        "efficiency",
        "eff",
        "select",
        (_D, "efficiency"),
        "detector.efficiency",
        "detector",
        build=_choice("preset", list(EFFICIENCY_CHOICES.values()), "Detection efficiency."),
        options=lambda: dict(EFFICIENCY_CHOICES),
    ),
    Entry(
        "efficiency_value",
        "effv",
        "slider",
        (ConstantEfficiency, "value"),
        "detector.efficiency.value",
        "detector",
    ),
    Entry(
        "resolution",
        "res",
        "select",
        (_D, "resolution"),
        "detector.resolution",
        "detector",
        build=_choice("preset", list(RESOLUTION_CHOICES.values()), "Energy resolution."),
        options=lambda: dict(RESOLUTION_CHOICES),
    ),
    Entry(
        "resolution_stochastic",
        "resa",
        "slider",
        (GaussianResolution, "stochastic"),
        "detector.resolution.stochastic",
        "detector",
        changes={"default": 0.5},
    ),
    Entry(
        "physics_overrides",
        "np",
        "editor",
        spec="physics.params",
        group="physics",
        label="Electroweak and new-physics parameters",
        build=lambda: param.Dict(default={}, doc="Parameters that differ from the SM defaults."),
    ),
    Entry(
        "flux_uncertainty",
        "fu",
        "slider",
        group="band",
        label="Flux normalisation ±",
        unit="",
        build=_number(0.10, "Relative flux-normalisation uncertainty of the band (10 % π-DAR)."),
    ),
    Entry(
        "quenching_uncertainty",
        "qu",
        "slider",
        group="band",
        label="Quenching ±",
        unit="",
        build=_number(0.10, "Relative quenching uncertainty of the band (Q scaled by 1 ± this)."),
    ),
    Entry(
        "tab",
        "tab",
        "none",
        group="view",
        label="Tab",
        build=_choice(tab_keys()[0], tab_keys(), "The tab shown."),
        options=lambda: {t.title: t.key for t in TABS},
    ),
)


def _kind(p: param.Parameter) -> str:
    if isinstance(p, param.Boolean):
        return "checkbox"
    if isinstance(p, param.Integer):
        return "int"
    if isinstance(p, param.Number):
        return "number"
    if isinstance(p, param.ListSelector):
        return "multi"
    if isinstance(p, param.Selector):
        return "select"
    return "text"


#: Every tab's display options (declared in :mod:`dashboard.viewstate`), e.g. ``rs.log_y``.
VIEW_ENTRIES: tuple[Entry, ...] = tuple(
    Entry(
        f"{tab.key}.{name}",
        f"{tab.prefix}.{name}",
        _kind(p),
        (tab.options, name),
        group=f"view:{tab.key}",
        label=p.label,
        unit="",
    )
    for tab in TABS
    for name, p in tab.options.param.objects("existing").items()
    if name != "name"
)
ENTRIES: tuple[Entry, ...] = STATE_ENTRIES + VIEW_ENTRIES
EDITOR_ENTRIES = tuple(e.name for e in STATE_ENTRIES if e.widget == "editor")


@functools.cache
def by_name() -> dict[str, Entry]:
    """Entries by state name (view options: ``"<tab>.<option>"``)."""
    return {e.name: e for e in ENTRIES}


@functools.cache
def by_url() -> dict[str, Entry]:
    """Entries by URL key."""
    table = {e.url: e for e in ENTRIES}
    assert len(table) == len(ENTRIES), "URL keys must be unique"
    return table


@functools.cache
def declaration(name: str) -> param.Parameter:
    """The ``param`` declaration of entry ``name`` (a copy of the mirrored one + changes)."""
    entry = by_name()[name]
    if entry.build is not None:
        p = entry.build()
    elif entry.mirrors is not None:
        cls, key = entry.mirrors
        p = copy_param(cls.param[key], **entry.changes)
    else:  # pragma: no cover - every entry has one or the other
        raise TypeError(f"entry {name} has neither a declaration nor a mirrored parameter")
    p.label = entry.title
    return p


def choices(name: str) -> dict[str, Any]:
    """``{title: value}`` of a selector entry (titles from the core's models)."""
    entry = by_name()[name]
    if entry.options is not None:
        return entry.options()
    p = declaration(name)
    return {str(v): v for v in getattr(p, "objects", [])}
