"""Experiment presets: ``data/experiments/<name>.json``, one file per experiment, each citing its
sources.

Preset file format (unchanged; a new preset is one such file)::

    {"title": ..., "reference": ..., "notes": ..., "published": {...},
     "source": {"type": "<SOURCE_TYPES key>", "params": {...}},   # "facility": a π-DAR preset;
                                                                 # "composite": "sources": [...]
     "detector": {"preset": "<detector response preset>", "variants": {...},
                  "params": {..., "quenching": {"model": ..., ...} | number | preset name,
                             "efficiency": {"model": ..., ...}, "resolution": {...} | name}},
     "form_factor": "helm"}

:func:`experiment` builds an :class:`~cevns_core.experiment.Experiment` from a preset (its
``preset`` parameter names the file); :meth:`~cevns_core.experiment.Experiment.to_spec` then
writes the full, explicit spec of it.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from functools import cache
from typing import Any

from .._shipped import data_folder, shipped_names
from .._validation import check_choice
from ..detector import Detector, detector_response_preset
from ..errors import CevnsError
from ..quenching import quenching_model
from ..response import efficiency_model, resolution_model
from ..sources import SOURCE_TYPES, Source
from .experiment import Experiment
from .nuclear_choice import fold_proton_radius

__all__ = [
    "experiment",
    "experiment_names",
    "experiment_table",
    "preset_data",
    "preset_detector",
    "preset_source",
]


@cache
def _preset(name: str) -> dict[str, Any]:
    text = data_folder("experiments").joinpath(f"{name}.json").read_text(encoding="utf-8")
    return json.loads(text)


def experiment_names() -> list[str]:
    """Names of the shipped experiment presets, sorted."""
    return list(shipped_names(".json", "experiments"))


def preset_data(name: str) -> dict[str, Any]:
    """The preset file ``name`` as plain data (a fresh copy).

    Raises
    ------
    CevnsError
        For an unknown preset name.
    """
    check_choice(name, "experiment preset", experiment_names())
    return copy.deepcopy(_preset(name))


def preset_source(spec: Mapping[str, Any]) -> Source:
    """A source from a preset file's ``"source"`` entry (``{"type", "params"}``).

    ``params["facility"]`` starts a π-DAR source from a facility preset; a ``"composite"``
    source takes ``params["sources"]``, a list of such entries.

    Raises
    ------
    CevnsError
        Unknown type, bad parameters, or a malformed composite.
    """
    kind = check_choice(spec.get("type"), "source type", SOURCE_TYPES)
    cls = SOURCE_TYPES[kind]
    params = dict(spec.get("params", {}))
    if kind == "composite":
        members = params.get("sources", [])
        if not isinstance(members, list) or not all(isinstance(m, dict) for m in members):
            raise CevnsError("a composite source needs 'sources': a list of source specs")
        params["sources"] = [preset_source(m) for m in members]
    facility = params.pop("facility", None)
    if facility is not None:
        return cls.from_facility(facility, **params)
    return cls(**params)


def preset_detector(spec: Mapping[str, Any]) -> Detector:
    """A detector from a preset file's ``"detector"`` entry (response preset + parameters).

    Raises
    ------
    CevnsError
        Unknown response preset or model, or bad parameters.
    """
    kw: dict[str, Any] = {}
    if "preset" in spec:
        kw.update(detector_response_preset(spec["preset"], **spec.get("variants", {})))
    params = dict(spec.get("params", {}))
    quench = params.pop("quenching", None)
    if isinstance(quench, dict):
        q = dict(quench)
        kw["quenching"] = quenching_model(q.pop("model"), **q)
    elif quench is not None:
        kw["quenching"] = quench
    eff = params.pop("efficiency", None)
    if isinstance(eff, dict):
        e = dict(eff)
        kw["efficiency"] = efficiency_model(e.pop("model"), **e)
    res = params.pop("resolution", None)
    if isinstance(res, dict):
        r = dict(res)
        kw["resolution"] = resolution_model(r.pop("model"), **r)
    elif res is not None:
        kw["resolution"] = res
    if "timing_window_us" in params and params["timing_window_us"] is not None:
        params["timing_window_us"] = tuple(params["timing_window_us"])
    kw.update(params)
    return Detector(**kw)


def experiment(name: str, **overrides: Any) -> Experiment:
    """Build the experiment preset ``name`` (see :func:`experiment_names`).

    ``overrides`` set Experiment parameters (``physics``, ``form_factor``,
    ``form_factor_params``, ``skin_fm``, ``R_n_fm``), e.g. ``experiment("coherent_csi_2017",
    skin_fm=0.5)``; ``proton_radius`` goes into ``form_factor_params``, so
    ``experiment(name, **REVIEW_NUCLEAR_CHOICE)`` applies the reviews' nuclear choice.

    Raises
    ------
    CevnsError
        For an unknown preset name or an invalid override.
    """
    check_choice(name, "experiment preset", experiment_names())
    spec = _preset(name)
    exp = Experiment(
        name=name,
        preset=name,
        title=spec.get("title", name),
        reference=spec.get("reference", ""),
        notes=spec.get("notes", ""),
        published=copy.deepcopy(spec.get("published", {})),
        source=preset_source(spec["source"]),
        detector=preset_detector(spec["detector"]),
        form_factor=spec.get("form_factor", "helm"),
    )
    if overrides:
        overrides = fold_proton_radius(overrides, exp.form_factor_params)
        try:
            exp.param.update(**overrides)
        except (ValueError, TypeError) as exc:
            raise CevnsError(f"invalid override for {name}: {exc}") from exc
    return exp


def experiment_table() -> list[dict[str, Any]]:
    """Summary rows of every preset (no event computation)."""
    return [experiment(n).summary() for n in experiment_names()]
