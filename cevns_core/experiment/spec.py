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
     "physics": null | {"class": "NewPhysics", "params": {the parameters not at their default}},
     "electron_recoils": {"binding": "stepping" | "free"}}   (only with the ν–e channel on)

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
import os
import pprint
from collections.abc import Mapping
from typing import Any

from .._validation import read_text_file
from ..errors import CevnsError
from .experiment import Experiment
from .parts import (
    _at,
    _mapping,
    detector_from_spec,
    detector_to_spec,
    nuclear_from_spec,
    physics_from_spec,
    physics_to_spec,
    source_from_spec,
    source_to_spec,
    to_plain,
)

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
    "electron_recoils",
)


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
    spec = {
        "format": SPEC_FORMAT,
        "version": SPEC_VERSION,
        "name": exp.name,
        "preset": exp.preset or None,
        "title": exp.title,
        "reference": exp.reference,
        "source": source_to_spec(exp.source, "source"),
        "detector": detector_to_spec(det),
        "exposure": {
            "mass_kg": to_plain(det.mass_kg, "exposure.mass_kg"),
            "live_time_days": to_plain(det.live_time_days, "exposure.live_time_days"),
        },
        "nuclear": {
            "form_factor": exp.form_factor,
            "form_factor_params": to_plain(exp.form_factor_params, "nuclear.form_factor_params"),
            "skin_fm": to_plain(exp.skin_fm, "nuclear.skin_fm"),
            "R_n_fm": to_plain(exp.R_n_fm, "nuclear.R_n_fm"),
        },
        "physics": physics_to_spec(exp.physics),
    }
    if exp.electron_recoils:  # written only when on: specs without the channel are unchanged
        spec["electron_recoils"] = {"binding": exp.electron_binding}
    return spec


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
    source = source_from_spec(top["source"], "source")
    detector = detector_from_spec(top["detector"], top["exposure"])
    physics = physics_from_spec(top.get("physics"))
    nuclear = nuclear_from_spec(top.get("nuclear"), detector)
    extra: dict[str, Any] = {}
    if labels["preset"]:
        from .presets import experiment_names, preset_data

        if labels["preset"] in experiment_names():
            data = preset_data(labels["preset"])
            extra = {"notes": data.get("notes", ""), "published": data.get("published", {})}
    if labels["name"]:
        extra["name"] = labels["name"]
    extra.update(_electron_channel(top.get("electron_recoils")))
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


def _electron_channel(entry: Any) -> dict[str, Any]:
    """Experiment parameters of the ``electron_recoils`` entry (absent or null: off)."""
    if entry is None:
        return {}
    channel = _mapping(entry, "electron_recoils", ("binding",))
    binding = channel.get("binding", "stepping")
    allowed = Experiment.param.electron_binding.objects
    if binding not in allowed:
        raise CevnsError(
            f"electron_recoils.binding: must be one of {', '.join(allowed)}, got {binding!r}"
        )
    return {"electron_recoils": True, "electron_binding": binding}


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
