"""The session model: one user's choices, and how they become :mod:`cevns_core` objects.

No physics here and no plotting stack (this module imports neither panel, holoviews nor bokeh):
:class:`SessionState` holds the choices as ``param`` parameters whose bounds and docs come from the
core's own parameterised models, and turns them into *specs* — plain nested dicts of strings,
numbers and lists, usable as a cache key and shareable in a URL. The ``build_*`` functions turn
a spec into core objects (:class:`cevns_core.Experiment`, sources, detectors, ``NewPhysics``);
:mod:`dashboard.results` calls the core with them (cached).

Editors. The parameters of the chosen source type, of the chosen form-factor model and of
``NewPhysics`` are edited through *editor* objects: ``param.Parameterized`` classes whose parameters
are copies of the core class's parameters (same defaults, bounds, soft bounds and docs), so the
sidebar widgets are generated from the core models. The state keeps only the values that differ
from the base (the preset's, or the class defaults) in ``source_overrides``,
``form_factor_params`` and ``physics_overrides``; those dicts are what the URL carries.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

import numpy as np
import param

import cevns_core as cc
from cevns_core.form_factors import FORM_FACTOR_MODELS
from cevns_core.physics import NEW_PHYSICS_GROUPS, NewPhysics
from cevns_core.quenching import ConstantQuenching, LindhardQuenching
from cevns_core.response import OBSERVABLES, ConstantEfficiency, GaussianResolution

from .text import shown_value

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
    "nuclear_options",
    "preset_info",
    "preset_spec",
    "pretty_label",
    "sm_spec",
]

#: The preset shown when the page opens.
DEFAULT_EXPERIMENT = "coherent_csi_2017"
#: Source types offered in the sidebar (the DSNB model and tabulated sources need user inputs).
#: "composite" is the preset's own mix of sources (e.g. Sun + atmosphere + DSNB), as shipped.
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
#: Single-isotope targets offered next to the materials.
TARGET_ISOTOPES: tuple[str, ...] = (
    "C12",
    "O16",
    "F19",
    "Na23",
    "Si28",
    "Ar40",
    "Ca40",
    "Ti48",
    "Ge72",
    "Ge76",
    "I127",
    "Cs133",
    "Xe132",
    "Xe136",
    "W184",
    "Pb208",
)
#: Quenching choices: the preset's model, Lindhard for the target's main element, constant, none.
QUENCHING_CHOICES: tuple[str, ...] = ("preset", "lindhard", "constant", "none")
#: Efficiency choices: the preset's, none (ε = 1) or a constant ε.
EFFICIENCY_CHOICES: tuple[str, ...] = ("preset", "none", "constant")
#: Resolution choices: the preset's, none, Gaussian (stochastic term), Poisson PE counting.
RESOLUTION_CHOICES: tuple[str, ...] = ("preset", "none", "gaussian", "poisson")
#: Standard-Model electroweak parameters of NewPhysics (not "new physics" themselves).
SM_PARAMETERS: tuple[str, ...] = tuple(
    k for k in cc.StandardModel.param if k != "name" and k in NewPhysics.param
)


@functools.cache
def _preset(name: str) -> cc.Experiment:
    """The preset as shipped (shared: never mutate it; build_* make fresh objects)."""
    return cc.experiment(name)


def preset_info(name: str) -> dict[str, Any]:
    """Title, reference, notes and published numbers of a preset."""
    exp = _preset(name)
    return {
        "title": exp.title,
        "reference": exp.reference,
        "notes": exp.notes,
        "published": dict(exp.published),
    }


def _preset_materials() -> list[str]:
    return [str(_preset(n).detector.material) for n in cc.experiment_names()]


#: Target choices: named materials, the presets' spellings (e.g. "CsI[Na]") and isotopes.
TARGETS: tuple[str, ...] = tuple(
    dict.fromkeys([*cc.material_names(), *_preset_materials(), *TARGET_ISOTOPES])
)

# ------------------------------------------------------------------------------------ labels
_UNIT_SUFFIXES = (
    ("_MeV", "MeV"),
    ("_GeV", "GeV"),
    ("_keV", "keV"),
    ("_eV2", "eV²"),
    ("_GWh", "GWh"),
    ("_GW", "GW"),
    ("_MW", "MW"),
    ("_MCi", "MCi"),
    ("_Bq", "Bq"),
    ("_kpc", "kpc"),
    ("_erg", "erg"),
    ("_ns", "ns"),
    ("_us", "μs"),
    ("_days", "days"),
    ("_s", "s"),
    ("_fm2", "fm²"),
    ("_fm4", "fm⁴"),
    ("_fm6", "fm⁶"),
    ("_fm", "fm"),
    ("_cm2", "cm²"),
    ("_muB", "μ_B"),
    ("_km_s_Mpc", "km/s/Mpc"),
    ("_m", "m"),
    ("_kg", "kg"),
)
_GREEK = {"mu": "μ", "tau": "τ", "e": "e"}
_SPECIAL_LABELS = {
    "sin2_theta_W": "sin²θ_W",
    "dm2_41_eV2": "Δm²₄₁ (eV²)",
    "mm_exact": "Exact magnetic-moment term (+T/4E²)",
    "neutrinos_per_proton": "Neutrinos per flavour per proton",
}


def pretty_label(name: str) -> str:
    """A widget label with the unit from the parameter name: ``distance_m`` → ``Distance (m)``."""
    if m := re.fullmatch(r"eps_([ud])([VT])_(\w+)", name):
        quark, kind, pair = m.groups()
        flav = "".join(_GREEK.get(p, p) for p in re.findall("tau|mu|e", pair))
        return f"ε^{quark}{kind} {flav}"
    if m := re.fullmatch(r"r2_(\w+)_cm2", name):
        flav = "".join(_GREEK.get(p, p) for p in re.findall("tau|mu|e", m.group(1)))
        return f"⟨r²⟩ {flav} (cm²)"
    if m := re.fullmatch(r"millicharge_(\w+)", name):
        flav = "".join(_GREEK.get(p, p) for p in re.findall("tau|mu|e", m.group(1)))
        return f"q_ν {flav} (e)"
    if m := re.fullmatch(r"mu_nu_(\w+)_muB", name):
        return f"μ_ν {_GREEK.get(m.group(1), m.group(1))} (μ_B)"
    if m := re.fullmatch(r"U(e|mu|tau)4_sq", name):
        return f"|U_{_GREEK[m.group(1)]}4|²"
    if name in _SPECIAL_LABELS:
        return _SPECIAL_LABELS[name]
    name = name.replace("zprime", "Z′")
    unit = ""
    for suffix, text in _UNIT_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            name, unit = name[: -len(suffix)], text
            break
    words = name.replace("_", " ").strip()
    if len(words.split(" ")[0]) > 1:  # a symbol such as "s" or "a" keeps its case
        words = words[:1].upper() + words[1:]
    return f"{words} ({unit})" if unit else words


# ------------------------------------------------------------------------------------ editors
_EDITABLE = (param.Number, param.Selector, param.Boolean, param.ListSelector)


def _editable(cls: type[param.Parameterized]) -> list[str]:
    """Names of the parameters of ``cls`` that a widget can edit (numbers, choices, switches)."""
    out = []
    for name, p in cls.param.objects("existing").items():
        if name in ("name", "normalisation") or p.constant or (p.precedence or 0) < 0:
            continue
        if isinstance(p, _EDITABLE):
            out.append(name)
    return out


@functools.cache
def editor_class(cls: type[param.Parameterized], names: tuple[str, ...]) -> type:
    """A plain Parameterized class with copies of ``cls``'s parameters ``names``.

    Copies keep default, bounds, soft bounds and doc; the label gains the unit. The editor has no
    behaviour: it only holds what the user typed until the state turns it into a spec.
    """
    params = {}
    for name in names:
        params[name] = _copy_param(cls.param[name], label=pretty_label(name))
    return param.parameterized_class(f"{cls.__name__}Editor", params)


def _values(obj: param.Parameterized, names: list[str] | tuple[str, ...]) -> dict[str, Any]:
    return {k: _plain(getattr(obj, k)) for k in names}


def _plain(value: Any) -> Any:
    """JSON-friendly copies (lists for tuples, floats for numpy numbers)."""
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _diff(values: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k not in base or base[k] != v}


def source_parameters(source_type: str) -> tuple[str, ...]:
    """Editable parameters of a source type (numbers, choices and lists of choices)."""
    return tuple(_editable(cc.SOURCE_TYPES[source_type]))


def source_base(preset: str, source_type: str) -> dict[str, Any]:
    """Values a source of ``source_type`` starts from: the preset's when it is of that type."""
    names = source_parameters(source_type)
    src = _preset(preset).source
    if type(src) is cc.SOURCE_TYPES[source_type]:
        return _values(src, names)
    cls = cc.SOURCE_TYPES[source_type]
    return {k: _plain(cls.param[k].default) for k in names}


def form_factor_parameters(model: str) -> tuple[str, ...]:
    """Editable parameters of a form-factor model (from ``cc.model_parameters``)."""
    cls = FORM_FACTOR_MODELS[model]
    return tuple(k for k in cc.model_parameters(model) if isinstance(cls.param[k], _EDITABLE))


def physics_parameters() -> tuple[str, ...]:
    """Editable NewPhysics parameters: the SM ones, then each group's."""
    names = list(SM_PARAMETERS)
    for group in NEW_PHYSICS_GROUPS.values():
        names += [n for n in group if n not in names]
    return tuple(n for n in names if isinstance(NewPhysics.param[n], _EDITABLE))


# ------------------------------------------------------------------------------------ builders
def _check_target(value: Any) -> None:
    """A target the core accepts (a material or an isotope; ``cc.target_material``)."""
    if value is not None:
        cc.target_material(value)


def build_source(spec: dict[str, Any]) -> cc.Source:
    """A core source from ``{"type", "params"}`` (constructor errors are CevnsError).

    A ``"composite"`` source is the preset's mix as shipped (``spec["preset"]``).
    """
    cls = cc.SOURCE_TYPES[spec["type"]]
    if spec["type"] == "composite":
        src = cc.experiment(spec["preset"]).source
        if not isinstance(src, cls):
            raise cc.CevnsError(
                f"the preset {spec['preset']!r} has no composite source; choose a source type"
            )
        return src
    params = dict(spec["params"])
    for k, v in list(params.items()):
        if isinstance(cls.param[k], param.ListSelector) and v is not None:
            params[k] = list(v)
    return cls(**params)


def build_detector(spec: dict[str, Any]) -> cc.Detector:
    """A core Detector: the preset's response with the spec's overrides.

    ``spec["ideal"]``: the core's ideal detector of the target and exposure
    (:meth:`cevns_core.Detector.ideal`: every recoil counts).

    Raises
    ------
    cevns_core.CevnsError
        For an inconsistent detector (e.g. a keVee threshold without quenching).
    """
    material = cc.target_material(spec["material"])
    if spec.get("ideal"):
        return cc.Detector(
            material=material, mass_kg=spec["mass_kg"], live_time_days=spec["live_time_days"]
        ).ideal()
    base = _preset(spec["preset"]).detector
    values = {
        k: v
        for k, v in base.param.values().items()
        if k != "name" and k not in ("quenching", "efficiency", "resolution")
    }
    values.update(
        material=material,
        mass_kg=spec["mass_kg"],
        live_time_days=spec["live_time_days"],
        threshold=spec["threshold"],
        threshold_unit=spec["threshold_unit"],
        observable=spec["observable"],
    )
    kind, value = spec["quenching"]
    if kind == "preset":
        values["quenching"] = base.quenching
    elif kind == "lindhard":
        values["quenching"] = LindhardQuenching.for_material(material, k=value)
    elif kind == "constant":
        values["quenching"] = ConstantQuenching(value=value)
    else:
        values["quenching"] = None
    kind, value = spec["efficiency"]
    if kind == "preset":
        values["efficiency"] = base.efficiency
    elif kind == "constant":
        values["efficiency"] = ConstantEfficiency(value=float(value))
    else:
        values["efficiency"] = None
    kind, value = spec["resolution"]
    if kind == "preset":
        values["resolution"] = base.resolution
    elif kind == "gaussian":
        values["resolution"] = GaussianResolution(stochastic=value)
    elif kind == "poisson":
        values["resolution"] = "poisson"
    else:
        values["resolution"] = None
    if values["upper_limit"] is not None and values["threshold_unit"] != base.threshold_unit:
        values["upper_limit"] = None  # the preset's limit was in another unit
    return cc.Detector(**values)


def build_physics(spec: dict[str, Any]) -> NewPhysics | None:
    """``NewPhysics(**overrides)``, or None (the default Standard Model) without overrides."""
    params = dict(spec.get("params") or {})
    return NewPhysics(**params) if params else None


def sm_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The physics spec reduced to its Standard-Model settings (the reference of an overlay)."""
    return {"params": {k: v for k, v in spec["params"].items() if k in SM_PARAMETERS}}


def nuclear_options(spec: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(model name, ``form_factor_params``) for the core's cross sections and rates."""
    params = {k: v for k, v in spec["params"].items() if v is not None}
    if spec.get("skin_fm"):
        params["skin_fm"] = spec["skin_fm"]
    if spec.get("R_n_fm") is not None:
        params["R_n_fm"] = spec["R_n_fm"]
    return spec["model"], params


def build_experiment(spec: dict[str, Any]) -> cc.Experiment:
    """The preset with the spec's source, detector, physics and nuclear choice (model, its
    parameters, neutron skin, R_n)."""
    exp = cc.experiment(spec["preset"])
    nuclear = spec["nuclear"]
    model, _ = nuclear_options(nuclear)
    exp.param.update(
        source=build_source(spec["source"]),
        detector=build_detector(spec["detector"]),
        physics=build_physics(spec["physics"]),
        form_factor=model,
        form_factor_params={k: v for k, v in nuclear["params"].items() if v is not None},
        skin_fm=float(nuclear.get("skin_fm") or 0.0),
        R_n_fm=nuclear.get("R_n_fm"),
    )
    return exp


# ------------------------------------------------------------------------------------ the state
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


class _CheckedSelector(param.Selector):
    """An open ``param.Selector`` whose new values are checked by ``check`` (raises) first."""

    __slots__ = ["check"]

    def __init__(self, default: Any = None, *, check: Any = None, **params: Any) -> None:
        self.check = check
        super().__init__(default=default, **params)

    def _validate(self, val: Any) -> None:
        if val is not None and self.check is not None and val not in (self.objects or []):
            self.check(val)
        super()._validate(val)


def _check_overrides(
    values: dict[str, Any], cls: type[param.Parameterized], names: tuple[str, ...], what: str
) -> None:
    """Every key one of ``names``, every value allowed by ``cls``'s declaration of it."""
    unknown = [k for k in values if k not in names]
    if unknown:
        raise cc.CevnsError(
            f"not an {what} parameter: " + ", ".join(shown_value(k) for k in unknown[:5])
        )
    for key, value in values.items():
        try:
            cls.param[key]._validate(value)
        except (ValueError, TypeError) as exc:
            raise cc.CevnsError(f"{key} = {shown_value(value)}: {exc}") from None


def _copy_param(p: param.Parameter, **changes: Any) -> param.Parameter:
    """A new parameter with the core parameter's declaration (default, bounds, doc) + changes."""
    kw: dict[str, Any] = {"default": p.default, "doc": p.doc, "allow_None": p.allow_None}
    if p.label and p.label != p.name:
        kw["label"] = p.label
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


class SessionState(param.Parameterized):
    """What one user has chosen: experiment preset, target, nucleus, source, detector, physics.

    Choosing an ``experiment`` resets target, exposure, source and detector response to the preset
    (the form-factor and new-physics choices are kept). Everything else edits on top of it.
    """

    experiment = param.Selector(
        default=DEFAULT_EXPERIMENT,
        objects=cc.experiment_names(),
        doc="Experiment preset: source, target, exposure and detector response.",
    )
    # -- target and exposure
    target = _CheckedSelector(
        default="CsI[Na]",
        objects=list(TARGETS),
        check_on_set=False,
        check=_check_target,
        doc="Target material (natural isotopic composition) or a single isotope.",
    )
    mass_kg = _copy_param(cc.Detector.param.mass_kg, default=14.57, label="Mass (kg)")
    live_time_days = _copy_param(
        cc.Detector.param.live_time_days,
        default=365.25,
        allow_None=False,
        bounds=(0.0, None),
        inclusive_bounds=(False, True),
        softbounds=(1.0, 3650.0),
        label="Live time (days)",
        doc="Live time in days (used by flux sources: reactor, Sun, ⁵¹Cr).",
    )
    # -- nucleus
    form_factor_model = param.Selector(
        default="helm",
        objects=cc.form_factor_models(),
        doc="Nuclear form-factor model (the core's registry).",
    )
    form_factor_params = param.Dict(
        default={}, doc="Parameters of the form-factor model that differ from its defaults."
    )
    skin_fm = _copy_param(cc.NuclearModel.param.skin_fm, label="Neutron skin R_n − R_p (fm)")
    R_n_fm = _copy_param(cc.NuclearModel.param.R_n_fm, label="Neutron rms radius R_n (fm)")
    # -- source
    source_type = param.Selector(
        default="pion_dar",
        objects=list(SOURCE_CHOICES),
        doc="Neutrino source type (the core's SOURCE_TYPES).",
    )
    source_overrides = param.Dict(
        default={}, doc="Source parameters that differ from the preset (or the type defaults)."
    )
    # -- detector response
    threshold = _copy_param(cc.Detector.param.threshold, label="Threshold")
    threshold_unit = param.Selector(
        default="PE", objects=list(OBSERVABLES), doc="Unit of the threshold."
    )
    observable = param.Selector(
        default="PE",
        objects=list(OBSERVABLES),
        doc="What the detector measures: nuclear recoil keVnr, keVee or photo-electrons.",
    )
    quenching = param.Selector(
        default="preset", objects=list(QUENCHING_CHOICES), doc="Quenching model."
    )
    quenching_factor = _copy_param(ConstantQuenching.param.value, label="Quenching factor Q")
    lindhard_k = _copy_param(LindhardQuenching.param.k, label="Lindhard k (empty: standard)")
    efficiency = param.Selector(
        default="preset", objects=list(EFFICIENCY_CHOICES), doc="Detection efficiency."
    )
    efficiency_value = param.Number(
        default=1.0,
        bounds=(0.0, 1.0),
        label="Efficiency ε",
        doc="Constant detection efficiency (for efficiency = 'constant').",
    )
    resolution = param.Selector(
        default="preset", objects=list(RESOLUTION_CHOICES), doc="Energy resolution."
    )
    resolution_stochastic = _copy_param(
        GaussianResolution.param.stochastic, default=0.5, label="Stochastic term a (σ² = a²E)"
    )
    # -- physics
    physics_overrides = _CheckedDict(
        default={},
        doc="Electroweak and new-physics parameters that differ from the SM.",
        check=lambda value: _check_overrides(
            value, NewPhysics, physics_parameters(), "electroweak or new-physics"
        ),
    )
    # -- uncertainty band
    flux_uncertainty = param.Number(
        default=0.10,
        bounds=(0.0, 1.0),
        softbounds=(0.0, 0.5),
        label="Flux normalisation ±",
        doc="Relative flux-normalisation uncertainty of the band (10 % for π-DAR).",
    )
    quenching_uncertainty = param.Number(
        default=0.10,
        bounds=(0.0, 1.0),
        softbounds=(0.0, 0.5),
        label="Quenching ±",
        doc="Relative quenching uncertainty of the band (Q scaled by 1 ± this).",
    )

    def __init__(self, **params: Any) -> None:
        preset = params.get("experiment", DEFAULT_EXPERIMENT)
        defaults = self.preset_values(preset)
        super().__init__(**{**defaults, **params})
        self._syncing = False
        self.source_editor = self._new_source_editor()
        self.form_factor_editor = self._new_form_factor_editor()
        self.physics_editor = editor_class(NewPhysics, physics_parameters())()
        self._load_physics_editor()
        self.param.watch(self._on_experiment, "experiment")
        self.param.watch(self._on_source_type, "source_type")
        self.param.watch(self._load_source_editor, "source_overrides")
        self.param.watch(self._on_model, "form_factor_model")
        self.param.watch(self._load_form_factor_editor, "form_factor_params")
        self.param.watch(self._load_physics_editor, "physics_overrides")

    # --------------------------------------------------------------------------- presets
    @staticmethod
    def preset_values(name: str) -> dict[str, Any]:
        """The state parameters that reproduce preset ``name``."""
        exp = _preset(name)
        det, src = exp.detector, exp.source
        source_type = next(k for k, cls in cc.SOURCE_TYPES.items() if type(src) is cls)
        return {
            "target": str(det.material),
            "mass_kg": float(det.mass_kg),
            "live_time_days": float(det.live_time_days or 365.25),
            "threshold": float(det.threshold),
            "threshold_unit": det.threshold_unit,
            "observable": det.observable,
            "quenching": "preset",
            "efficiency": "preset",
            "resolution": "preset",
            "source_type": source_type,
            "source_overrides": {},
            "form_factor_model": exp.form_factor if isinstance(exp.form_factor, str) else "helm",
        }

    def _on_experiment(self, event: param.parameterized.Event) -> None:
        self.param.update(**self.preset_values(event.new))
        self._load_source_editor()

    # --------------------------------------------------------------------------- editors
    def _new_source_editor(self) -> param.Parameterized:
        names = source_parameters(self.source_type)
        editor = editor_class(cc.SOURCE_TYPES[self.source_type], names)()
        editor.param.update(
            **{**source_base(self.experiment, self.source_type), **self.source_overrides}
        )
        editor.param.watch(self._from_source_editor, list(names))
        return editor

    def _on_source_type(self, _event: Any = None) -> None:
        with self._sync():
            self.source_overrides = {}
        self.source_editor = self._new_source_editor()
        self.param.trigger("source_editor_changed")

    def _from_source_editor(self, *_events: Any) -> None:
        if self._syncing:
            return
        names = source_parameters(self.source_type)
        values = _values(self.source_editor, names)
        self.source_overrides = _diff(values, source_base(self.experiment, self.source_type))

    def _load_source_editor(self, *_events: Any) -> None:
        if self._syncing:
            return
        names = source_parameters(self.source_type)
        values = {**source_base(self.experiment, self.source_type), **self.source_overrides}
        values = {k: v for k, v in values.items() if k in names}
        with self._sync():
            self.source_editor.param.update(**values)

    def _new_form_factor_editor(self) -> param.Parameterized:
        model = self.form_factor_model
        names = form_factor_parameters(model)
        editor = editor_class(FORM_FACTOR_MODELS[model], names)()
        editor.param.update(**{k: v for k, v in self.form_factor_params.items() if k in names})
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
        defaults = {k: _plain(FORM_FACTOR_MODELS[model].param[k].default) for k in names}
        self.form_factor_params = _diff(_values(self.form_factor_editor, names), defaults)

    def _load_form_factor_editor(self, *_events: Any) -> None:
        if self._syncing:
            return
        model = self.form_factor_model
        names = form_factor_parameters(model)
        cls = FORM_FACTOR_MODELS[model]
        values = {k: self.form_factor_params.get(k, cls.param[k].default) for k in names}
        with self._sync():
            self.form_factor_editor.param.update(**values)

    def _from_physics_editor(self, *_events: Any) -> None:
        if self._syncing:
            return
        names = physics_parameters()
        defaults = {k: _plain(NewPhysics.param[k].default) for k in names}
        self.physics_overrides = _diff(_values(self.physics_editor, names), defaults)

    def _load_physics_editor(self, *_events: Any) -> None:
        names = physics_parameters()
        values = {k: self.physics_overrides.get(k, NewPhysics.param[k].default) for k in names}
        with self._sync():
            self.physics_editor.param.update(**values)
        if not getattr(self, "_physics_watcher", None):
            self._physics_watcher = self.physics_editor.param.watch(
                self._from_physics_editor, list(names)
            )

    def _sync(self):
        state = self

        class _Guard:
            def __enter__(self):
                self.previous = state._syncing
                state._syncing = True

            def __exit__(self, *exc):
                state._syncing = self.previous

        return _Guard()

    # Events for the page: an editor object was replaced (the sidebar rebuilds its widgets).
    source_editor_changed = param.Event(doc="The source editor was replaced.")
    form_factor_editor_changed = param.Event(doc="The form-factor editor was replaced.")

    # --------------------------------------------------------------------------- specs
    #: State parameters each spec depends on (views subscribe to these).
    SOURCE_INPUTS = ("experiment", "source_type", "source_overrides")
    DETECTOR_INPUTS = (
        "experiment",
        "target",
        "mass_kg",
        "live_time_days",
        "threshold",
        "threshold_unit",
        "observable",
        "quenching",
        "quenching_factor",
        "lindhard_k",
        "efficiency",
        "efficiency_value",
        "resolution",
        "resolution_stochastic",
    )
    NUCLEAR_INPUTS = ("form_factor_model", "form_factor_params", "skin_fm", "R_n_fm")
    PHYSICS_INPUTS = ("physics_overrides",)
    EXPERIMENT_INPUTS = tuple(
        dict.fromkeys(SOURCE_INPUTS + DETECTOR_INPUTS + NUCLEAR_INPUTS + PHYSICS_INPUTS)
    )

    def source_spec(self) -> dict[str, Any]:
        """``{"type", "params"}`` of the chosen source (all editable parameters)."""
        names = source_parameters(self.source_type)
        values = {**source_base(self.experiment, self.source_type), **self.source_overrides}
        spec = {"type": self.source_type, "params": {k: values[k] for k in names}}
        if self.source_type == "composite":
            spec["preset"] = self.experiment
        return spec

    def detector_spec(self) -> dict[str, Any]:
        """The detector choices (the response parts not overridden come from the preset)."""
        quench_value = {"lindhard": self.lindhard_k, "constant": self.quenching_factor}
        return {
            "preset": self.experiment,
            "material": self.target,
            "mass_kg": float(self.mass_kg),
            "live_time_days": float(self.live_time_days),
            "threshold": float(self.threshold),
            "threshold_unit": self.threshold_unit,
            "observable": self.observable,
            "quenching": [self.quenching, quench_value.get(self.quenching)],
            "efficiency": [
                self.efficiency,
                float(self.efficiency_value) if self.efficiency == "constant" else None,
            ],
            "resolution": [
                self.resolution,
                float(self.resolution_stochastic) if self.resolution == "gaussian" else None,
            ],
        }

    def nuclear_spec(self) -> dict[str, Any]:
        """Form-factor model, its parameters, neutron skin and R_n."""
        return {
            "model": self.form_factor_model,
            "params": dict(self.form_factor_params),
            "skin_fm": float(self.skin_fm),
            "R_n_fm": None if self.R_n_fm is None else float(self.R_n_fm),
        }

    def physics_spec(self) -> dict[str, Any]:
        """Electroweak/new-physics parameters that differ from the defaults."""
        return {"params": dict(self.physics_overrides)}

    def spec(self) -> dict[str, Any]:
        """Everything that fixes the experiment's numbers (plain data: a cache key)."""
        return {
            "preset": self.experiment,
            "source": self.source_spec(),
            "detector": self.detector_spec(),
            "nuclear": self.nuclear_spec(),
            "physics": self.physics_spec(),
        }

    # --------------------------------------------------------------------------- helpers
    def experiment_object(self) -> cc.Experiment:
        """The core Experiment of the current choices (CevnsError for invalid choices)."""
        return build_experiment(self.spec())

    def physics(self) -> NewPhysics | None:
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
            skin_fm=float(self.skin_fm),
            R_n_fm=self.R_n_fm,
        )


@functools.cache
def _preset_spec_json(name: str) -> str:
    return json.dumps(SessionState(experiment=name).spec())


def preset_spec(name: str) -> dict[str, Any]:
    """The spec of preset ``name`` as shipped (Standard Model, Helm), a fresh copy."""
    return json.loads(_preset_spec_json(name))
