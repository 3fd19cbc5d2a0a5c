"""The nuclear choice of an experiment as keywords: ``proton_radius`` folded into
``form_factor_params`` (where the Experiment and its spec keep it), and skin/radius choices as
plain data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._validation import check_choice
from ..errors import CevnsError
from ..nuclear_model import PROTON_RADII

__all__ = ["fold_proton_radius", "plain_choice"]


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
