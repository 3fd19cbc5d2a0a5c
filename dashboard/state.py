"""The session model: one user's choices, a view of the core's experiment spec (no Panel).

:class:`SessionState` holds the choices as ``param`` parameters generated from the table of
:mod:`dashboard.parameters` (copies of the core models' declarations: bounds, soft bounds, docs,
labels, units) plus the tab shown and the tabs' display options. :meth:`SessionState.spec` is the
core's spec (``Experiment.to_spec()`` format, :mod:`dashboard.spec`); results are computed from
``cc.Experiment.from_spec(spec)``.

Editors. The parameters of the chosen source type, of the chosen form-factor model and of
``NewPhysics`` are edited through *editor* objects: ``param.Parameterized`` classes whose
parameters are copies of the core class's parameters, so that the widgets come from the core's
declarations. The state keeps only the values that differ from the base (the preset's, or the
class defaults) in ``source_overrides``, ``form_factor_params`` and ``physics_overrides``.

Changing the state. Direct assignment checks each value against its declaration (a ``param``
error otherwise). :meth:`SessionState.try_update` (widgets) also checks the combination with the
core — the spec can be built and the threshold crossed — before anything changes;
:meth:`SessionState.apply` (URL, configuration files, lessons) does so for many values at once,
all or nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np
import param

import cevns_core as cc
from cevns_core.experiment.parts import (
    detector_from_spec,
    physics_from_spec,
    source_from_spec,
)
from cevns_core.form_factors import FORM_FACTOR_MODELS

from .labels import core_label, core_unit, with_unit
from .parameters import (
    DEFAULT_EXPERIMENT,
    EFFICIENCY_CHOICES,
    QUENCHING_CHOICES,
    RESOLUTION_CHOICES,
    SM_PARAMETERS,
    SOURCE_CHOICES,
    STATE_ENTRIES,
    TARGETS,
    copy_param,
    declaration,
    form_factor_parameters,
    physics_parameters,
    source_parameters,
)
from .spec import (
    EXPERIMENT_NAMES,
    check_values,
    preset_spec,
    preset_values,
    source_base,
    spec_of,
)
from .validation import check_editor
from .viewstate import TABS, TARGET_ISOTOPES

__all__ = [
    "DEFAULT_EXPERIMENT",
    "EFFICIENCY_CHOICES",
    "QUENCHING_CHOICES",
    "RESOLUTION_CHOICES",
    "SM_PARAMETERS",
    "SOURCE_CHOICES",
    "TARGETS",
    "TARGET_ISOTOPES",
    "SessionState",
    "build_detector",
    "build_experiment",
    "build_physics",
    "build_source",
    "editor_class",
    "form_factor_parameters",
    "nuclear_options",
    "physics_parameters",
    "preset_info",
    "preset_spec",
    "sm_spec",
    "source_base",
    "source_parameters",
]


@functools.cache
def preset_info(name: str) -> dict[str, Any]:
    """Title, reference, notes and published numbers of a preset."""
    exp = cc.experiment(name)
    return {
        "title": exp.title,
        "reference": exp.reference,
        "notes": exp.notes,
        "published": dict(exp.published),
    }


# ------------------------------------------------------------------------------------ builders
def build_source(spec: Mapping[str, Any]) -> cc.Source:
    """A core source from its spec part ``{"type", "params"}`` (CevnsError when invalid)."""
    return source_from_spec(dict(spec), "source")


def build_detector(spec: Mapping[str, Any]) -> cc.Detector:
    """The Detector of a spec (or of ``{"detector", "exposure"}``; CevnsError when invalid)."""
    return detector_from_spec(spec["detector"], spec["exposure"])


def build_physics(spec: Mapping[str, Any] | None) -> cc.StandardModel | None:
    """The physics model of a spec's ``physics`` part; None for the default Standard Model."""
    if not spec or not spec.get("params"):
        return None
    return physics_from_spec(dict(spec))


def build_experiment(spec: Mapping[str, Any]) -> cc.Experiment:
    """A fresh core Experiment of a spec (``cc.Experiment.from_spec``)."""
    return cc.Experiment.from_spec(spec)


def sm_spec(spec: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A physics spec reduced to its Standard-Model settings (the reference of an overlay)."""
    params = {k: v for k, v in ((spec or {}).get("params") or {}).items() if k in SM_PARAMETERS}
    return {"class": "NewPhysics", "params": params} if params else None


def nuclear_options(spec: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """(model name, ``form_factor_params`` with the skin/R_n) of a spec's ``nuclear`` part."""
    params = {k: v for k, v in spec["form_factor_params"].items() if v is not None}
    if spec.get("skin_fm") is not None:  # None: the core's default skin systematics
        params["skin_fm"] = spec["skin_fm"]
    if spec.get("R_n_fm") is not None:
        params["R_n_fm"] = spec["R_n_fm"]
    return spec["form_factor"], params


# ------------------------------------------------------------------------------------ editors
def _plain(value: Any) -> Any:
    """JSON-friendly copies (lists for tuples, floats for numpy numbers)."""
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _values(obj: param.Parameterized, names: tuple[str, ...]) -> dict[str, Any]:
    return {k: _plain(getattr(obj, k)) for k in names}


def _diff(values: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k not in base or base[k] != v}


@functools.cache
def editor_class(cls: type[param.Parameterized], names: tuple[str, ...]) -> type:
    """A plain Parameterized class with copies of ``cls``'s parameters ``names`` (default,
    bounds, soft bounds, doc; the label with the unit, from the core)."""
    params = {
        name: copy_param(
            cls.param[name], label=with_unit(core_label(cls, name), core_unit(cls, name))
        )
        for name in names
    }
    return param.parameterized_class(f"{cls.__name__}Editor", params)


def _check_physics(value: dict[str, Any]) -> None:
    check_editor("physics_overrides", value, {})


class _CheckedDict(param.Dict):
    """A ``param.Dict`` whose value is checked by ``check`` (raises) before it is set."""

    __slots__ = ["check"]

    def __init__(self, default: Any = None, *, check: Any = None, **params: Any) -> None:
        self.check = check
        super().__init__(default=default, **params)

    def _validate(self, val: Any) -> None:
        super()._validate(val)
        if val is not None and self.check is not None:
            self.check(val)


# ------------------------------------------------------------------------------------ the state
class SessionState(param.Parameterized):
    """What one user has chosen: experiment preset, target, nucleus, source, detector, physics,
    the band, the tab shown and the tabs' display options.

    Choosing an ``experiment`` resets target, exposure, source and detector response to the preset
    (the form-factor and new-physics choices are kept). Everything else edits on top of it.
    """

    view_options = param.Dict(
        default={}, doc="Display options of the tabs that differ from their defaults, by tab."
    )
    source_editor_changed = param.Event(doc="The source editor was replaced.")
    form_factor_editor_changed = param.Event(doc="The form-factor editor was replaced.")

    #: State parameters each part of the spec depends on (views subscribe to these).
    SOURCE_INPUTS = ("experiment", "source_type", "source_overrides")
    DETECTOR_INPUTS = tuple(
        e.name for e in STATE_ENTRIES if e.spec.startswith(("detector", "exposure", "preset"))
    )
    NUCLEAR_INPUTS = tuple(e.name for e in STATE_ENTRIES if e.spec.startswith("nuclear"))
    PHYSICS_INPUTS = ("physics_overrides",)
    EXPERIMENT_INPUTS = EXPERIMENT_NAMES

    def __init__(self, **params: Any) -> None:
        preset = params.get("experiment", DEFAULT_EXPERIMENT)
        super().__init__(**{**preset_values(preset), **params})
        self._syncing = False
        self.source_editor = self._new_source_editor()
        self.form_factor_editor = self._new_form_factor_editor()
        self.physics_editor = editor_class(cc.NewPhysics, physics_parameters())()
        self._load_physics_editor()
        self.physics_editor.param.watch(self._from_physics_editor, list(physics_parameters()))
        self.param.watch(self._on_experiment, "experiment")
        self.param.watch(self._on_source_type, "source_type")
        self.param.watch(self._load_source_editor, "source_overrides")
        self.param.watch(self._on_model, "form_factor_model")
        self.param.watch(self._load_form_factor_editor, "form_factor_params")
        self.param.watch(self._load_physics_editor, "physics_overrides")

    # --------------------------------------------------------------------------- values
    @staticmethod
    def preset_values(name: str) -> dict[str, Any]:
        """The state parameters that reproduce preset ``name``."""
        return preset_values(name)

    def values(self) -> dict[str, Any]:
        """Every entry of the table on the state (experiment, band, tab), JSON-ready."""
        return {e.name: _plain(getattr(self, e.name)) for e in STATE_ENTRIES}

    def resolve(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        """The values after ``changes``, with what they imply: a new preset resets target,
        exposure, source and response; a new source type its parameters; a new form-factor
        model its parameters."""
        values = self.values()
        new = dict(changes)
        if "experiment" in new and new["experiment"] != values["experiment"]:
            values.update(preset_values(new["experiment"]))
        if "source_type" in new and new["source_type"] != values["source_type"]:
            values["source_overrides"] = {}
        if "form_factor_model" in new and new["form_factor_model"] != values["form_factor_model"]:
            values["form_factor_params"] = {}
        values.update(new)
        return values

    def try_update(self, **changes: Any) -> None:
        """Set ``changes`` if the core accepts the result (combination and threshold), else
        raise :class:`~dashboard.validation.InvalidValue` and change nothing."""
        values = self.resolve(changes)
        check_values(values)
        self._set(changes)

    def apply(self, values: Mapping[str, Any], view: Mapping[str, Any] | None = None) -> None:
        """Set many (already validated) values at once, all or nothing: the combination is
        checked first; ``view``: the tabs' display options to set too."""
        resolved = self.resolve(values)
        check_values(resolved)
        before, before_view = self.values(), dict(self.view_options)
        try:
            # the tab last: the page then builds the shown tab's widgets with their final
            # values (Bokeh's checkbox and button-group views throw on a value that reaches
            # them while the browser is still building them)
            self._set({k: v for k, v in values.items() if k != "tab"})
            if view is not None:
                self.view_options = {k: dict(v) for k, v in view.items() if v}
            if "tab" in values:
                self.tab = values["tab"]
        except Exception:
            self._set(before)
            self.view_options = before_view
            raise

    def _set(self, values: Mapping[str, Any]) -> None:
        order = ["experiment", "source_type", "form_factor_model"]
        for key in order:
            if key in values:
                self.param.update(**{key: values[key]})
        self.param.update(**{k: v for k, v in values.items() if k not in order})

    # --------------------------------------------------------------------------- view options
    def view_value(self, tab: str, option: str) -> Any:
        """A tab's display option (its default when not set)."""
        cls = next(t.options for t in TABS if t.key == tab)
        return self.view_options.get(tab, {}).get(option, cls.param[option].default)

    def set_view(self, tab: str, option: str, value: Any) -> None:
        """Set a tab's display option (kept only when it differs from the default)."""
        cls = next(t.options for t in TABS if t.key == tab)
        current = dict(self.view_options.get(tab, {}))
        default = cls.param[option].default
        if _plain(value) == _plain(default):
            current.pop(option, None)
        else:
            current[option] = _plain(value)
        options = {k: v for k, v in self.view_options.items() if k != tab}
        if current:
            options[tab] = current
        if options != self.view_options:
            self.view_options = options

    # --------------------------------------------------------------------------- editors
    def _new_source_editor(self) -> param.Parameterized:
        names = source_parameters(self.source_type)
        editor = editor_class(cc.SOURCE_TYPES[self.source_type], names)()
        editor.param.update(
            **{**source_base(self.experiment, self.source_type), **self.source_overrides}
        )
        if names:
            editor.param.watch(self._from_source_editor, list(names))
        return editor

    def _on_experiment(self, event: param.parameterized.Event) -> None:
        self.param.update(**preset_values(event.new))
        self._load_source_editor()

    def _on_source_type(self, _event: Any = None) -> None:
        with self._sync():
            self.source_overrides = {}
        self.source_editor = self._new_source_editor()
        self.param.trigger("source_editor_changed")

    def _from_source_editor(self, *_events: Any) -> None:
        if self._syncing:
            return
        values = _values(self.source_editor, source_parameters(self.source_type))
        self.source_overrides = _diff(values, source_base(self.experiment, self.source_type))

    def _load_source_editor(self, *_events: Any) -> None:
        if self._syncing:
            return
        names = source_parameters(self.source_type)
        values = {**source_base(self.experiment, self.source_type), **self.source_overrides}
        with self._sync():
            self.source_editor.param.update(**{k: v for k, v in values.items() if k in names})

    def _new_form_factor_editor(self) -> param.Parameterized:
        model = self.form_factor_model
        names = form_factor_parameters(model)
        editor = editor_class(FORM_FACTOR_MODELS.__getitem__(model), names)()
        editor.param.update(**{k: v for k, v in self.form_factor_params.items() if k in names})
        if names:
            editor.param.watch(self._from_form_factor_editor, list(names))
        return editor

    def _on_model(self, _event: Any = None) -> None:
        with self._sync():
            self.form_factor_params = {}
        self.form_factor_editor = self._new_form_factor_editor()
        self.param.trigger("form_factor_editor_changed")

    def _from_form_factor_editor(self, *_events: Any) -> None:
        if self._syncing:
            return
        model = self.form_factor_model
        names = form_factor_parameters(model)
        cls = FORM_FACTOR_MODELS.__getitem__(model)
        defaults = {k: _plain(cls.param[k].default) for k in names}
        self.form_factor_params = _diff(_values(self.form_factor_editor, names), defaults)

    def _load_form_factor_editor(self, *_events: Any) -> None:
        if self._syncing:
            return
        model = self.form_factor_model
        cls = FORM_FACTOR_MODELS.__getitem__(model)
        names = form_factor_parameters(model)
        values = {k: self.form_factor_params.get(k, cls.param[k].default) for k in names}
        with self._sync():
            self.form_factor_editor.param.update(**values)

    def _from_physics_editor(self, *_events: Any) -> None:
        if self._syncing:
            return
        names = physics_parameters()
        defaults = {k: _plain(cc.NewPhysics.param[k].default) for k in names}
        self.physics_overrides = _diff(_values(self.physics_editor, names), defaults)

    def _load_physics_editor(self, *_events: Any) -> None:
        names = physics_parameters()
        values = {k: self.physics_overrides.get(k, cc.NewPhysics.param[k].default) for k in names}
        with self._sync():
            self.physics_editor.param.update(**values)

    @contextmanager
    def _sync(self):
        previous, self._syncing = self._syncing, True
        try:
            yield
        finally:
            self._syncing = previous

    def editor_changes(self, entry: str, key: str, value: Any) -> dict[str, Any]:
        """The state change that sets parameter ``key`` of editor entry ``entry`` to ``value``
        (for :meth:`try_update`)."""
        if entry == "source_overrides":
            values = {**source_base(self.experiment, self.source_type), **self.source_overrides}
            values[key] = _plain(value)
            return {entry: _diff(values, source_base(self.experiment, self.source_type))}
        if entry == "form_factor_params":
            cls = FORM_FACTOR_MODELS.__getitem__(self.form_factor_model)
        else:
            cls = cc.NewPhysics
        current = dict(getattr(self, entry))
        if _plain(value) == _plain(cls.param[key].default):
            current.pop(key, None)
        else:
            current[key] = _plain(value)
        return {entry: current}

    # --------------------------------------------------------------------------- specs
    def experiment_values(self) -> dict[str, Any]:
        """The values that determine the experiment."""
        return {k: _plain(getattr(self, k)) for k in EXPERIMENT_NAMES}

    def spec(self) -> dict[str, Any]:
        """The core's spec of the current choices (``Experiment.to_spec()`` format).

        Raises
        ------
        cevns_core.CevnsError
            For a combination the core refuses.
        """
        return spec_of(self.experiment_values())

    def source_spec(self) -> dict[str, Any]:
        """The spec's ``source`` (``{"type", "params"}``)."""
        return self.spec()["source"]

    def detector_spec(self) -> dict[str, Any]:
        """The spec's ``detector`` and ``exposure`` (what :func:`build_detector` takes)."""
        spec = self.spec()
        return {"detector": spec["detector"], "exposure": spec["exposure"]}

    def nuclear_spec(self) -> dict[str, Any]:
        """The spec's ``nuclear`` (form-factor model, its parameters, skin, R_n); from the state
        alone, so it is there also when the rest of the spec is invalid."""
        return {
            "form_factor": self.form_factor_model,
            "form_factor_params": {
                k: v for k, v in self.form_factor_params.items() if v is not None
            },
            "skin_fm": None if self.skin_fm is None else float(self.skin_fm),
            "R_n_fm": None if self.R_n_fm is None else float(self.R_n_fm),
        }

    def physics_spec(self) -> dict[str, Any] | None:
        """The spec's ``physics`` (None: the Standard Model with its default settings)."""
        params = dict(self.physics_overrides)
        return {"class": "NewPhysics", "params": params} if params else None

    # --------------------------------------------------------------------------- helpers
    def experiment_object(self) -> cc.Experiment:
        """The core Experiment of the current choices (CevnsError for invalid choices)."""
        return build_experiment(self.spec())

    def physics(self) -> cc.StandardModel | None:
        """The physics model of the current choices (None: the default Standard Model)."""
        return build_physics(self.physics_spec())

    def new_physics_active(self) -> list[str]:
        """Names of the active new-physics groups (empty: Standard Model)."""
        physics = self.physics()
        return [] if physics is None else physics.active_groups()

    def target_isotopes(self) -> list[str]:
        """Isotopes of the chosen target, most abundant first."""
        nuclei = cc.target_material(self.target).nuclei_per_kg_by_isotope()
        return sorted(nuclei, key=lambda k: -nuclei[k])

    def nuclear_model(self, isotope: str, model: str | None = None) -> cc.NuclearModel:
        """NuclearModel of ``isotope`` with the chosen skin/R_n (and model parameters when the
        model is the chosen one)."""
        model = model or self.form_factor_model
        params = dict(self.form_factor_params) if model == self.form_factor_model else {}
        return cc.NuclearModel(
            isotope=isotope,
            model=model,
            model_params={k: v for k, v in params.items() if v is not None},
            skin_fm=None if self.skin_fm is None else float(self.skin_fm),
            R_n_fm=self.R_n_fm,
        )


# The state's parameters, generated from the table (declarations copied from the core models).
for _entry in STATE_ENTRIES:
    _p = declaration(_entry.name)
    if _entry.name == "physics_overrides":
        _p = _CheckedDict(default={}, doc=_p.doc, check=_check_physics, label=_p.label)
    SessionState.param.add_parameter(_entry.name, copy_param(_p) if _p.owner else _p)
del _entry, _p
