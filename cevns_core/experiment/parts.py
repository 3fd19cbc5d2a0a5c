"""The pieces of an experiment spec: each model to plain data and back, with path-named errors.

Writers (``*_to_spec``) turn a core object into JSON data (finite numbers, strings, booleans,
null, lists, string-keyed dicts); builders (``*_from_spec``) validate such data and rebuild the
object, raising :class:`~cevns_core.CevnsError` that starts with the path of the bad entry
(``detector.quenching.k: ...``). :mod:`cevns_core.experiment.spec` assembles them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import param

from .._validation import check_parameters
from ..detector import Detector
from ..errors import CevnsError
from ..form_factors import form_factor_models, model_parameters
from ..materials import Material, material, target_material
from ..nuclear_model import check_nuclear_choice, nucleon_form_factors, params_for_nucleus
from ..quenching import QUENCHING_MODELS, quenching_model
from ..response import EFFICIENCY_MODELS, RESOLUTION_MODELS, TimingEfficiency
from ..sources import SOURCE_TYPES, CompositeSource, Source
from ..weak_charges import StandardModel

__all__ = [
    "detector_from_spec",
    "detector_to_spec",
    "material_from_spec",
    "material_to_spec",
    "model_from_spec",
    "model_to_spec",
    "nuclear_from_spec",
    "nuclear_to_spec",
    "physics_from_spec",
    "physics_to_spec",
    "source_from_spec",
    "source_to_spec",
    "to_plain",
]

_DETECTOR_KEYS = (
    "material",
    "threshold",
    "threshold_unit",
    "upper_limit",
    "observable",
    "light_yield_PE_per_keVee",
    "quenching",
    "efficiency",
    "resolution",
    "timing_window_us",
    "timing_efficiency",
)
_MODEL_PARTS = ("quenching", "efficiency", "resolution", "timing_efficiency")
_EXPOSURE_KEYS = ("mass_kg", "live_time_days")
_NUCLEAR_KEYS = ("form_factor", "form_factor_params", "proton_radius", "skin_fm", "R_n_fm")
# What a spec of each version means when it leaves a nuclear choice out: version 1 was written
# when the defaults were F_n = F_p and the model as built (Helm with the Lewin–Smith R₀).
_NUCLEAR_DEFAULTS = {
    1: {"skin_fm": 0.0, "proton_radius": "charge"},
    2: {"skin_fm": None, "proton_radius": "measured"},
}
#: Source types whose normalisation (flux or fluence) is an input rather than derived.
_NORMALISATION_IS_INPUT = ("tabulated",)
_ISOTOPE_FRACTION_DIGITS = 12
#: How Material.from_isotopes describes its composition (the end of its ``formula``).
_ISOTOPES_FORMULA = "(atom fractions)"


# ------------------------------------------------------------------------------------ writing
def to_plain(value: Any, path: str = "value") -> Any:
    """``value`` as JSON data: finite numbers, strings, booleans, null, lists, string-keyed
    dicts (tuples and arrays become lists). CevnsError naming ``path`` for NaN/∞, a Python
    function or an object without a plain form."""
    if value is None or isinstance(value, str | bool):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        if not math.isfinite(number):
            raise CevnsError(
                f"{path}: {number!r} cannot be written; a spec holds finite numbers only "
                "(an absent bound is null)"
            )
        return number
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise CevnsError(f"{path}: keys must be strings, got {key!r}")
            out[key] = to_plain(item, f"{path}.{key}")
        return out
    if isinstance(value, list | tuple | np.ndarray):
        return [to_plain(item, f"{path}[{i}]") for i, item in enumerate(value)]
    if callable(value):
        raise CevnsError(
            f"{path}: a Python function cannot be written to a spec; use a model with "
            "parameters (e.g. ConstantEfficiency, TabulatedEfficiency)"
        )
    raise CevnsError(f"{path}: a {type(value).__name__} cannot be written to a spec")


def source_to_spec(src: Source, path: str = "source") -> dict[str, Any]:
    """``{"type": <SOURCE_TYPES key>, "params": {every parameter}}``; a composite's members as
    nested entries in ``params["sources"]``; a tabulated source with its ``normalisation``."""
    kind = next((k for k, cls in SOURCE_TYPES.items() if type(src) is cls), None)
    if kind is None:
        raise CevnsError(
            f"{path}: a {type(src).__name__} is not one of the source types "
            f"({', '.join(SOURCE_TYPES)}) and cannot be written to a spec"
        )
    if kind == "composite":
        members = [
            source_to_spec(m, f"{path}.params.sources[{i}]") for i, m in enumerate(src.sources)
        ]
        return {"type": kind, "params": {"sources": members}}
    params = {
        k: to_plain(getattr(src, k), f"{path}.params.{k}")
        for k in type(src).param.objects("existing")
        if k not in ("name", "normalisation")
    }
    if kind in _NORMALISATION_IS_INPUT:
        params["normalisation"] = src.normalisation
    return {"type": kind, "params": params}


def model_to_spec(model: Any, path: str = "model") -> dict[str, Any] | None:
    """A response model (quenching, efficiency, resolution, timing efficiency) as
    ``{"model": <registry name>, ...every parameter}``; None for None."""
    if model is None:
        return None
    params = {k: to_plain(v, f"{path}.{k}") for k, v in model.param.values().items() if k != "name"}
    return {"model": model.model_name, **params}


def detector_to_spec(det: Detector) -> dict[str, Any]:
    """The detector's target and response (its mass and live time are the spec's exposure)."""
    out: dict[str, Any] = {"material": material_to_spec(det.material)}
    for key in _DETECTOR_KEYS[1:]:
        value = getattr(det, key)
        if key in _MODEL_PARTS:
            out[key] = model_to_spec(value, f"detector.{key}")
        else:
            out[key] = to_plain(value, f"detector.{key}")
    return out


def _same_nuclei(a: Material, b: Material) -> bool:
    return a.nuclei_per_kg_by_isotope() == b.nuclei_per_kg_by_isotope()


def material_to_spec(value: str | Material) -> str | dict[str, Any]:
    """A target as a name (formula, alias, isotope) or, for a built Material, a composition."""
    if isinstance(value, str):
        _at("detector.material", target_material, value)
        return value
    for name in (value.name, value.formula):
        try:
            named = target_material(name)
        except CevnsError:
            continue
        if _same_nuclei(named, value):
            return name if name == value.name else {"formula": name, "name": value.name}
    if value.formula.endswith(_ISOTOPES_FORMULA):  # Material.from_isotopes
        nuclei = value.nuclei_per_kg_by_isotope()
        total = math.fsum(nuclei.values())
        # rounded: the fractions a rebuilt material gives back are then the same digits
        fractions = {
            k: float(f"{n / total:.{_ISOTOPE_FRACTION_DIGITS}g}") for k, n in nuclei.items()
        }
        return {"isotopes": fractions, "by": "atoms", "name": value.name}
    raise CevnsError(
        f"detector.material: the material {value.name!r} cannot be written to a spec; build it "
        "from a formula, an isotope name or Material.from_isotopes"
    )


def physics_to_spec(physics: StandardModel | None) -> dict[str, Any] | None:
    """``{"class": name, "params": {the parameters not at their default}}``; None for None."""
    if physics is None:
        return None
    cls = type(physics)
    changed = {
        k: to_plain(getattr(physics, k), f"physics.params.{k}")
        for k, p in cls.param.objects("existing").items()
        if k != "name" and getattr(physics, k) != p.default
    }
    return {"class": cls.__name__, "params": changed}


# ------------------------------------------------------------------------------------ reading
def _at(path: str, build: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``build(...)`` with its CevnsError prefixed by ``path``."""
    try:
        return build(*args, **kwargs)
    except CevnsError as exc:
        raise CevnsError(f"{path}: {exc}") from None


def _mapping(value: Any, path: str, allowed: tuple[str, ...] | None = None) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise CevnsError(f"{path}: expected an object (a dict), got {value!r}")
    if allowed is not None:
        unknown = sorted(str(k) for k in value if k not in allowed)
        if unknown:
            raise CevnsError(f"{path}.{unknown[0]}: unknown entry; allowed: {', '.join(allowed)}")
    return value


def _check_keys(cls: type[param.Parameterized], params: Mapping[str, Any], path: str) -> None:
    """Every keyword a parameter of ``cls`` with an allowed value (error names ``path.key``)."""
    for key, value in params.items():
        _at(f"{path}.{key}", check_parameters, cls, {key: value})


def source_from_spec(spec: Any, path: str = "source") -> Source:
    """The source of a ``{"type", "params"}`` entry (:func:`source_to_spec`), validated."""
    entry = _mapping(spec, path, ("type", "params"))
    kind = entry.get("type")
    if kind not in SOURCE_TYPES:
        raise CevnsError(
            f"{path}.type: unknown source type {kind!r}; choose one of: {', '.join(SOURCE_TYPES)}"
        )
    cls = SOURCE_TYPES[kind]
    params = dict(_mapping(entry.get("params", {}), f"{path}.params"))
    if cls is CompositeSource:
        members = params.get("sources", [])
        if not isinstance(members, list):
            raise CevnsError(f"{path}.params.sources: expected a list of source specs")
        params["sources"] = [
            source_from_spec(m, f"{path}.params.sources[{i}]") for i, m in enumerate(members)
        ]
        return _at(path, cls, **params)
    _check_keys(cls, params, f"{path}.params")
    return _at(path, cls, **params)


_REGISTRIES: dict[str, Mapping[str, type]] = {
    "quenching": QUENCHING_MODELS,
    "efficiency": EFFICIENCY_MODELS,
    "resolution": RESOLUTION_MODELS,
    "timing_efficiency": {TimingEfficiency.model_name: TimingEfficiency},
}


def model_from_spec(part: str, spec: Any) -> Any:
    """The ``part`` model (``"quenching"``, ``"efficiency"``, ``"resolution"``,
    ``"timing_efficiency"``) of a ``{"model", ...}`` entry; None for None. The preset files'
    Lindhard form ``{"model": "lindhard", "target": "Ge"}`` is accepted."""
    path = f"detector.{part}"
    if spec is None:
        return None
    entry = dict(_mapping(spec, path))
    registry = _REGISTRIES[part]
    name = entry.pop("model", None)
    if name not in registry:
        raise CevnsError(
            f"{path}.model: unknown {part.replace('_', ' ')} model {name!r}; choose one of: "
            f"{', '.join(registry)}"
        )
    cls = registry[name]
    if part == "quenching" and name == "lindhard" and "target" in entry:
        return _at(path, quenching_model, name, **entry)  # the preset files' form
    _check_keys(cls, entry, path)
    return _at(path, cls, **entry)


def material_from_spec(spec: Any) -> str | Material:
    """A target (:func:`material_to_spec`): a name checked by :func:`target_material` (kept as
    written; an isotope name becomes its Material), ``{"formula", "name"}`` or
    ``{"isotopes": {...}, "by", "name"}``."""
    path = "detector.material"
    if isinstance(spec, str):
        built = _at(path, target_material, spec)
        # a formula stays a name (as written); an isotope target is its own material
        return built if built.formula.endswith(_ISOTOPES_FORMULA) else spec
    entry = _mapping(spec, path, ("isotopes", "by", "name", "formula"))
    name = entry.get("name")
    if name is not None and not isinstance(name, str):
        raise CevnsError(f"{path}.name: expected a string, got {name!r}")
    if "formula" in entry:
        if "isotopes" in entry:
            raise CevnsError(f"{path}: give either formula or isotopes, not both")
        built = _at(f"{path}.formula", material, entry["formula"])
        return built if name is None else replace(built, name=name)
    if "isotopes" not in entry:
        raise CevnsError(f"{path}: a name, {{'formula': ...}} or {{'isotopes': {{...}}, 'by'}}")
    fractions = _mapping(entry["isotopes"], f"{path}.isotopes")
    return _at(path, Material.from_isotopes, fractions, by=entry.get("by", "atoms"), name=name)


def detector_from_spec(spec: Any, exposure: Any) -> Detector:
    """The Detector of the spec's ``detector`` and ``exposure`` entries, validated."""
    entry = dict(_mapping(spec, "detector", _DETECTOR_KEYS))
    amounts = dict(_mapping(exposure, "exposure", _EXPOSURE_KEYS))
    if "material" not in entry:
        raise CevnsError("detector.material: missing (a formula, e.g. 'CsI', or an isotope)")
    kw: dict[str, Any] = {"material": material_from_spec(entry.pop("material"))}
    for part in _MODEL_PARTS:
        if part in entry:
            kw[part] = model_from_spec(part, entry.pop(part))
    window = entry.get("timing_window_us")
    if window is not None:
        if not isinstance(window, list | tuple) or len(window) != 2:
            raise CevnsError(f"detector.timing_window_us: expected [t_min, t_max], got {window!r}")
        entry["timing_window_us"] = tuple(window)
    _check_keys(Detector, entry, "detector")
    _check_keys(Detector, amounts, "exposure")
    return _at("detector", Detector, **kw, **entry, **amounts)


def _physics_classes() -> dict[str, type[StandardModel]]:
    found: dict[str, type[StandardModel]] = {}
    todo: list[type[StandardModel]] = [StandardModel]
    while todo:
        cls = todo.pop()
        found.setdefault(cls.__name__, cls)
        todo.extend(cls.__subclasses__())
    return found


def physics_from_spec(spec: Any) -> StandardModel | None:
    """The physics model of ``{"class", "params"}`` (StandardModel or a subclass by name)."""
    if spec is None:
        return None
    entry = _mapping(spec, "physics", ("class", "params"))
    classes = _physics_classes()
    name = entry.get("class")
    if name not in classes:
        raise CevnsError(
            f"physics.class: unknown physics model {name!r}; choose one of: {', '.join(classes)}"
        )
    params = dict(_mapping(entry.get("params", {}), "physics.params"))
    _check_keys(classes[name], params, "physics.params")
    return _at("physics", classes[name], **params)


def nuclear_to_spec(exp: Any) -> dict[str, Any]:
    """The ``nuclear`` entry of a spec: model, its parameters, proton radius, skin, R_n.

    The proton-radius prescription is written out (``"measured"`` when the experiment leaves it
    at the default) and ``skin_fm`` is ``null`` for the default skin systematics, so a spec
    records every choice.
    """
    params = to_plain(exp.form_factor_params, "nuclear.form_factor_params")
    return {
        "form_factor": exp.form_factor,
        "form_factor_params": {k: v for k, v in params.items() if k != "proton_radius"},
        "proton_radius": params.get("proton_radius", _NUCLEAR_DEFAULTS[2]["proton_radius"]),
        "skin_fm": to_plain(exp.skin_fm, "nuclear.skin_fm"),
        "R_n_fm": to_plain(exp.R_n_fm, "nuclear.R_n_fm"),
    }


def nuclear_from_spec(spec: Any, detector: Detector, version: int = 2) -> dict[str, Any]:
    """Experiment keywords of the nuclear choice, checked for every target nucleus.

    A choice the spec leaves out takes the default of the spec's ``version`` (version 1: no skin
    and the model as built; version 2: the skin systematics and the measured-radius anchoring).
    """
    defaults = _NUCLEAR_DEFAULTS[version]
    entry = _mapping({} if spec is None else spec, "nuclear", _NUCLEAR_KEYS)
    model = entry.get("form_factor", "helm")
    if model not in form_factor_models():
        raise CevnsError(
            f"nuclear.form_factor: unknown model {model!r}; choose one of: "
            f"{', '.join(form_factor_models())}"
        )
    params = dict(_mapping(entry.get("form_factor_params", {}), "nuclear.form_factor_params"))
    allowed = [*model_parameters(model), "proton_radius"]
    for key in params:
        if key not in allowed:
            raise CevnsError(
                f"nuclear.form_factor_params.{key}: not a parameter of {model!r}; allowed: "
                f"{', '.join(allowed) or 'none'}"
            )
    if "proton_radius" in entry:
        if "proton_radius" in params:
            raise CevnsError(
                "nuclear.proton_radius: given twice (also in nuclear.form_factor_params)"
            )
        params["proton_radius"] = entry["proton_radius"]
    params.setdefault("proton_radius", defaults["proton_radius"])
    if params["proton_radius"] == _NUCLEAR_DEFAULTS[2]["proton_radius"]:
        del params["proton_radius"]  # the package default: the experiment leaves it out
    skin, radius = entry.get("skin_fm", defaults["skin_fm"]), entry.get("R_n_fm")
    for key, value in (("skin_fm", skin), ("R_n_fm", radius)):
        _at(f"nuclear.{key}", check_nuclear_choice, key, value)
    choice = {**params, "skin_fm": skin, "R_n_fm": radius}
    for name in detector.targets():  # the model must describe every target nucleus
        own = params_for_nucleus(choice, name)
        _at("nuclear", nucleon_form_factors, 0.1, name, model, **own)
    return {"form_factor": model, "form_factor_params": params, "skin_fm": skin, "R_n_fm": radius}
