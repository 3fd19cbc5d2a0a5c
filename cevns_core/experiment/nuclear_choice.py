"""The nuclear choice of an experiment as keywords: ``proton_radius`` folded into
``form_factor_params`` (where the Experiment and its spec keep it), skin/radius choices as
plain data, and a whole choice as the options of a prediction (:func:`prediction_options`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._validation import check_choice
from ..errors import CevnsError
from ..nuclear_model import PROTON_RADII, check_nuclear_choice

__all__ = ["NUCLEAR_KEYWORDS", "fold_proton_radius", "plain_choice", "prediction_options"]

#: The keywords of a nuclear choice (those of :class:`~cevns_core.Experiment` and
#: :data:`~cevns_core.REVIEW_NUCLEAR_CHOICE`).
NUCLEAR_KEYWORDS = ("form_factor", "form_factor_params", "skin_fm", "R_n_fm", "proton_radius")


def plain_choice(value: Any) -> Any:
    """A skin/radius choice as plain data (a dict copy of a mapping, a float otherwise; None, the
    default, stays None)."""
    if isinstance(value, Mapping):
        return {str(k): None if v is None else float(v) for k, v in value.items()}
    return None if value is None else float(value)


def fold_proton_radius(
    params: Mapping[str, Any], base: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Keywords of an Experiment with ``proton_radius`` moved into ``form_factor_params``.

    The Experiment keeps the proton-radius prescription in ``form_factor_params`` (its spec
    format); the ``proton_radius`` keyword (as :data:`~cevns_core.REVIEW_NUCLEAR_CHOICE` and
    :func:`~cevns_core.nucleon_form_factors` use it) is folded into the given
    ``form_factor_params``, else into ``base`` (an existing experiment's).

    Examples
    --------
    >>> fold_proton_radius({"skin_fm": 0.0, "proton_radius": "charge"}, {"s_fm": 0.9})
    {'skin_fm': 0.0, 'form_factor_params': {'s_fm': 0.9, 'proton_radius': 'charge'}}
    """
    out = dict(params)
    if "proton_radius" not in out:
        return out
    radius = check_choice(out.pop("proton_radius"), "proton_radius", PROTON_RADII)
    given = out.get("form_factor_params", base if base is not None else {})
    if not isinstance(given, Mapping):
        raise CevnsError(f"form_factor_params must be a mapping, got {given!r}")
    out["form_factor_params"] = {**given, "proton_radius": radius}
    return out


def prediction_options(choice: Mapping[str, Any] | None) -> dict[str, Any]:
    """A whole nuclear choice as the ``form_factor``/``form_factor_params`` options of a
    prediction (:meth:`~cevns_core.likelihood.Likelihood.predict`,
    :func:`~cevns_core.likelihood.fit_overview`).

    ``choice`` holds keywords of :data:`NUCLEAR_KEYWORDS`, as ``experiment(name, **choice)``
    takes them (e.g. :data:`~cevns_core.REVIEW_NUCLEAR_CHOICE`); a skin or radius of None is the
    default (left out). The predictions merge the parameters over their experiment's own, key
    by key (:meth:`~cevns_core.Experiment.form_factor_options`), so a data set predicted with
    these options counts what ``experiment(preset, **choice)`` counts.

    Raises
    ------
    CevnsError
        For an unknown keyword, model or proton-radius prescription, or a skin/radius out of
        range.

    Examples
    --------
    >>> prediction_options({"skin_fm": 0.0, "proton_radius": "charge"})
    {'form_factor_params': {'proton_radius': 'charge', 'skin_fm': 0.0}}
    """
    from ..form_factors import FORM_FACTOR_MODELS

    if not choice:
        return {}
    if not isinstance(choice, Mapping):
        raise CevnsError(f"a nuclear choice must be a mapping of keywords, got {choice!r}")
    unknown = sorted(set(choice) - set(NUCLEAR_KEYWORDS))
    if unknown:
        raise CevnsError(
            f"unknown nuclear-choice keyword(s) {unknown}; allowed: {', '.join(NUCLEAR_KEYWORDS)}"
        )
    folded = fold_proton_radius({k: v for k, v in choice.items() if v is not None})
    params = dict(folded.get("form_factor_params") or {})
    for key in ("skin_fm", "R_n_fm"):
        if key in folded:
            check_nuclear_choice(key, folded[key])
            params[key] = plain_choice(folded[key])
    out: dict[str, Any] = {}
    if "form_factor" in folded:  # a model name, or a NuclearModel passed on as it is
        model = folded["form_factor"]
        if isinstance(model, str):
            check_choice(model, "form_factor", list(FORM_FACTOR_MODELS))
        out["form_factor"] = model
    if params:
        out["form_factor_params"] = params
    return out
