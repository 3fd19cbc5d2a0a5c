"""One plain, JSON-safe description of an experiment: :func:`to_spec`, :func:`from_spec`,
:func:`to_python`.

Everything that determines a number is in the spec; the dashboard's session, its URL and saved
configurations, the CLI (``cevns spec``, ``--spec FILE``) and "Copy as Python" are views of it.

Format (version 1)::

    {"format": "cevns-experiment", "version": 1,
     "name": "coherent_csi_2017", "preset": "coherent_csi_2017" | null,
     "title": "...", "reference": "...",
     "source": {"type": <SOURCE_TYPES key>, "params": {every parameter}},
     "detector": {"material": "CsI[Na]" | "Xe136" | {"isotopes": {...}, "by": "atoms", "name"}
                              | {"formula": "CaWO4", "name": "..."},
                  "threshold", "threshold_unit", "upper_limit", "observable",
                  "light_yield_PE_per_keVee", "timing_window_us": [lo, hi] | null,
                  "quenching" | "efficiency" | "resolution" | "timing_efficiency":
                      {"model": <registry name>, ...parameters} | null},
     "exposure": {"mass_kg": ..., "live_time_days": ... | null},
     "nuclear": {"form_factor": "helm", "form_factor_params": {...},
                 "skin_fm": number | {nucleus: fm}, "R_n_fm": null | number | {nucleus: fm}},
     "physics": null | {"class": "NewPhysics", "params": {the parameters not at their default}}}

* Composite sources hold their members as nested ``{"type", "params"}`` entries
  (``params["sources"]``); tabulated sources hold their arrays as lists (and their
  ``normalisation``).
* Only finite numbers are written (no NaN/Infinity tokens): an absent bound (no upper limit, no
  live time, no timing window) is ``null``, never ∞.
* A spec does not hold Python functions: a ``FunctionalEfficiency`` or a Gaussian
  ``sigma_function`` cannot be written (use ``ConstantEfficiency``/``TabulatedEfficiency``).
* ``preset`` names the file the experiment came from; :func:`from_spec` takes its notes and
  published numbers from there (labels only: the numbers come from the spec).

:func:`from_spec` validates and raises :class:`~cevns_core.CevnsError` naming the path of the
bad entry (e.g. ``detector.quenching.k``); ``Experiment.from_spec(exp.to_spec()).to_spec() ==
exp.to_spec()``.
"""

from __future__ import annotations

import json
import math
import os
import pprint
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import param

from .._validation import check_parameters, read_text_file
from ..detector import Detector
from ..errors import CevnsError
from ..form_factors import form_factor_models, model_parameters
from ..materials import Material, material, target_material
from ..nuclear_model import check_nuclear_choice, nucleon_form_factors, params_for_nucleus
from ..quenching import QUENCHING_MODELS, quenching_model
from ..response import EFFICIENCY_MODELS, RESOLUTION_MODELS, TimingEfficiency
from ..sources import SOURCE_TYPES, CompositeSource, Source
from ..weak_charges import StandardModel
from .experiment import Experiment

__all__ = [
    "MAX_SPEC_BYTES",
    "SPEC_FORMAT",
    "SPEC_VERSION",
    "from_spec",
    "read_spec",
    "to_python",
    "to_spec",
]

#: The ``"format"`` entry of every spec.
SPEC_FORMAT = "cevns-experiment"
#: The version of the spec format this package writes and reads.
SPEC_VERSION = 1
#: Largest spec file :func:`read_spec` accepts (tabulated sources make specs large).
MAX_SPEC_BYTES = 5_000_000

_TOP_KEYS = (
    "format",
    "version",
    "name",
    "preset",
    "title",
    "reference",
    "source",
    "detector",
    "exposure",
    "nuclear",
    "physics",
)
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
_NUCLEAR_KEYS = ("form_factor", "form_factor_params", "skin_fm", "R_n_fm")
#: Source types whose normalisation (flux or fluence) is an input rather than derived.
_NORMALISATION_IS_INPUT = ("tabulated",)
_ISOTOPE_FRACTION_DIGITS = 12
#: How Material.from_isotopes describes its composition (the end of its ``formula``).
_ISOTOPES_FORMULA = "(atom fractions)"


# ------------------------------------------------------------------------------------ writing
def to_spec(exp: Experiment) -> dict[str, Any]:
    """The experiment as one plain, JSON-safe dict (format in the module docstring).

    Raises
    ------
    CevnsError
        For a piece that has no plain description (a Python function, a NuclearModel object
        as form factor, a source class outside ``SOURCE_TYPES``), naming its path.

    Examples
    --------
    >>> from cevns_core import experiment
    >>> spec = experiment("coherent_csi_2017").to_spec()
    >>> spec["source"]["type"], spec["detector"]["quenching"], spec["exposure"]["mass_kg"]
    ('pion_dar', {'model': 'constant', 'value': 0.0878}, 14.57)
    """
    det = exp.detector
    if not isinstance(exp.form_factor, str):
        raise CevnsError(
            "nuclear.form_factor: a NuclearModel object cannot be written to a spec; give the "
            "model by name with form_factor_params, skin_fm and R_n_fm"
        )
    physics = None
    if exp.physics is not None:
        cls = type(exp.physics)
        changed = {
            k: _plain(getattr(exp.physics, k), f"physics.params.{k}")
            for k, p in cls.param.objects("existing").items()
            if k != "name" and getattr(exp.physics, k) != p.default
        }
        physics = {"class": cls.__name__, "params": changed}
    return {
        "format": SPEC_FORMAT,
        "version": SPEC_VERSION,
        "name": exp.name,
        "preset": exp.preset or None,
        "title": exp.title,
        "reference": exp.reference,
        "source": _source_spec(exp.source, "source"),
        "detector": _detector_spec(det),
        "exposure": {
            "mass_kg": _plain(det.mass_kg, "exposure.mass_kg"),
            "live_time_days": _plain(det.live_time_days, "exposure.live_time_days"),
        },
        "nuclear": {
            "form_factor": exp.form_factor,
            "form_factor_params": _plain(exp.form_factor_params, "nuclear.form_factor_params"),
            "skin_fm": _plain(exp.skin_fm, "nuclear.skin_fm"),
            "R_n_fm": _plain(exp.R_n_fm, "nuclear.R_n_fm"),
        },
        "physics": physics,
    }


def _plain(value: Any, path: str) -> Any:
    """``value`` as JSON data: finite numbers, strings, booleans, null, lists, dicts."""
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
            out[key] = _plain(item, f"{path}.{key}")
        return out
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(item, f"{path}[{i}]") for i, item in enumerate(value)]
    if callable(value):
        raise CevnsError(
            f"{path}: a Python function cannot be written to a spec; use a model with "
            "parameters (e.g. ConstantEfficiency, TabulatedEfficiency)"
        )
    raise CevnsError(f"{path}: a {type(value).__name__} cannot be written to a spec")


def _source_spec(src: Source, path: str) -> dict[str, Any]:
    kind = next((k for k, cls in SOURCE_TYPES.items() if type(src) is cls), None)
    if kind is None:
        raise CevnsError(
            f"{path}: a {type(src).__name__} is not one of the source types "
            f"({', '.join(SOURCE_TYPES)}) and cannot be written to a spec"
        )
    if kind == "composite":
        members = [
            _source_spec(m, f"{path}.params.sources[{i}]") for i, m in enumerate(src.sources)
        ]
        return {"type": kind, "params": {"sources": members}}
    params = {
        k: _plain(getattr(src, k), f"{path}.params.{k}")
        for k in type(src).param.objects("existing")
        if k not in ("name", "normalisation")
    }
    if kind in _NORMALISATION_IS_INPUT:
        params["normalisation"] = src.normalisation
    return {"type": kind, "params": params}


def _model_spec(model: Any, path: str) -> dict[str, Any] | None:
    if model is None:
        return None
    params = {k: _plain(v, f"{path}.{k}") for k, v in model.param.values().items() if k != "name"}
    return {"model": model.model_name, **params}


def _detector_spec(det: Detector) -> dict[str, Any]:
    out: dict[str, Any] = {"material": _material_spec(det.material)}
    for key in _DETECTOR_KEYS[1:]:
        value = getattr(det, key)
        if key in _MODEL_PARTS:
            out[key] = _model_spec(value, f"detector.{key}")
        else:
            out[key] = _plain(value, f"detector.{key}")
    return out


def _same_nuclei(a: Material, b: Material) -> bool:
    return a.nuclei_per_kg_by_isotope() == b.nuclei_per_kg_by_isotope()


def _material_spec(value: str | Material) -> str | dict[str, Any]:
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


def from_spec(spec: Mapping[str, Any]) -> Experiment:
    """Rebuild an :class:`~cevns_core.experiment.Experiment` from a spec (see :func:`to_spec`).

    Raises
    ------
    CevnsError
        For a malformed spec, naming the path of the bad entry (``detector.quenching.k``,
        ``source.params.distance_m``, ``physics.params.zprime_mass_MeV`` …) and what is allowed.

    Examples
    --------
    >>> from cevns_core import experiment
    >>> exp = experiment("conus")
    >>> from_spec(exp.to_spec()).counts().total == exp.counts().total
    True
    """
    top = _mapping(spec, "spec", _TOP_KEYS)
    if top.get("format") != SPEC_FORMAT:
        raise CevnsError(f"spec.format: must be {SPEC_FORMAT!r}, got {top.get('format')!r}")
    if top.get("version") != SPEC_VERSION:
        raise CevnsError(
            f"spec.version: this package reads version {SPEC_VERSION}, got {top.get('version')!r}"
        )
    for key in ("source", "detector", "exposure"):
        if key not in top:
            raise CevnsError(f"spec.{key}: missing (a spec needs source, detector and exposure)")
    labels = {}
    for key in ("name", "preset", "title", "reference"):
        value = top.get(key)
        if value is not None and not isinstance(value, str):
            raise CevnsError(f"{key}: expected a string or null, got {value!r}")
        labels[key] = value or ""
    source = _build_source(top["source"], "source")
    detector = _build_detector(top["detector"], top["exposure"])
    physics = _build_physics(top.get("physics"))
    nuclear = _build_nuclear(top.get("nuclear"), detector)
    extra: dict[str, Any] = {}
    if labels["preset"]:
        from .presets import experiment_names, preset_data

        if labels["preset"] in experiment_names():
            data = preset_data(labels["preset"])
            extra = {"notes": data.get("notes", ""), "published": data.get("published", {})}
    if labels["name"]:
        extra["name"] = labels["name"]
    return _at(
        "spec",
        Experiment,
        preset=labels["preset"],
        title=labels["title"],
        reference=labels["reference"],
        source=source,
        detector=detector,
        physics=physics,
        **nuclear,
        **extra,
    )


def _build_source(spec: Any, path: str) -> Source:
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
            _build_source(m, f"{path}.params.sources[{i}]") for i, m in enumerate(members)
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


def _build_model(part: str, spec: Any) -> Any:
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


def _build_material(spec: Any) -> str | Material:
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


def _build_detector(spec: Any, exposure: Any) -> Detector:
    entry = dict(_mapping(spec, "detector", _DETECTOR_KEYS))
    amounts = dict(_mapping(exposure, "exposure", _EXPOSURE_KEYS))
    if "material" not in entry:
        raise CevnsError("detector.material: missing (a formula, e.g. 'CsI', or an isotope)")
    kw: dict[str, Any] = {"material": _build_material(entry.pop("material"))}
    for part in _MODEL_PARTS:
        if part in entry:
            kw[part] = _build_model(part, entry.pop(part))
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


def _build_physics(spec: Any) -> StandardModel | None:
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


def _build_nuclear(spec: Any, detector: Detector) -> dict[str, Any]:
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
    skin, radius = entry.get("skin_fm", 0.0), entry.get("R_n_fm")
    for key, value in (("skin_fm", skin), ("R_n_fm", radius)):
        _at(f"nuclear.{key}", check_nuclear_choice, key, value)
    choice = {**params, "skin_fm": skin, "R_n_fm": radius}
    for name in detector.targets():  # the model must describe every target nucleus
        own = params_for_nucleus(choice, name)
        _at("nuclear", nucleon_form_factors, 0.1, name, model, **own)
    return {"form_factor": model, "form_factor_params": params, "skin_fm": skin, "R_n_fm": radius}


# ------------------------------------------------------------------------------------ files
def _reject_constant(token: str) -> float:
    raise CevnsError(f"{token} is not a number a spec may hold (an absent bound is null)")


def read_spec(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The spec stored in a JSON file (checked: size, UTF-8, JSON without NaN/Infinity).

    Pass the result to :func:`from_spec` (which validates the content).

    Raises
    ------
    CevnsError
        For a missing, oversized or non-UTF-8 file, or text that is not JSON.
    """
    text = read_text_file(path, what="experiment spec", max_bytes=MAX_SPEC_BYTES)
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except CevnsError:
        raise
    except (ValueError, RecursionError) as exc:
        raise CevnsError(f"{os.fspath(path)}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise CevnsError(f"{os.fspath(path)}: a spec is a JSON object")
    return data


# ------------------------------------------------------------------------------------ scripts
def to_python(spec: Mapping[str, Any]) -> str:
    """A short runnable script that rebuilds the experiment from ``spec`` and prints its counts.

    The script imports only :mod:`cevns_core`, holds the spec as a literal, and prints
    ``total: <events above threshold>`` then one ``<flavour or isotope>: <events>`` line each
    (``repr`` of the floats: exact). The spec is validated first (CevnsError as
    :func:`from_spec`).

    Examples
    --------
    >>> from cevns_core import experiment
    >>> script = to_python(experiment("coherent_csi_2017").to_spec())
    >>> "cc.Experiment.from_spec(SPEC)" in script
    True
    """
    from_spec(spec)
    plain = json.loads(json.dumps(spec, allow_nan=False))
    literal = pprint.pformat(plain, indent=1, width=96, sort_dicts=False)
    title = plain.get("title") or plain.get("name") or "an experiment"
    return "\n".join(
        [
            f'"""Rebuild {title!s} and print its expected CEvNS events.',
            "",
            "Generated from a cevns_core experiment spec (format "
            f"{SPEC_FORMAT!r}, version {SPEC_VERSION}).",
            '"""',
            "",
            "import cevns_core as cc",
            "",
            f"SPEC = {literal}",
            "",
            "exp = cc.Experiment.from_spec(SPEC)",
            "counts = exp.counts()  # events after threshold, quenching, smearing, efficiency",
            "",
            "if __name__ == '__main__':",
            "    print(f'total: {counts.total!r}')",
            "    for key, value in {**counts.by_flavour, **counts.by_isotope}.items():",
            "        print(f'{key}: {value!r}')",
            "",
        ]
    )
