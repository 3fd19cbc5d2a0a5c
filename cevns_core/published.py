"""The published numbers of an experiment preset, in one uniform structure, beside ours.

Every preset's ``published`` block (``data/experiments/<name>.json``) has

* ``reference`` — where the numbers come from (paper, arXiv, release);
* ``results`` — a list of entries, each one published number::

      {"quantity": "cevns_events", "kind": "predicted", "value": 347,
       "uncertainty": 59, "cl": "1 sigma", "unit": "events",
       "label": "SM prediction", "source": "abstract"}

  ``quantity`` is one of :data:`QUANTITIES` (its unit is fixed there), ``kind`` one of
  :data:`KINDS`; ``uncertainty`` is ``null``, a number (symmetric) or ``[minus, plus]``;
  ``cl`` gives the confidence level of a limit or an uncertainty; ``source`` says where in the
  paper the number is (abstract, table, "read off Fig. N", a release file, "derived here: …",
  or "from memory of the paper: verify");
* optionally the summary keys ``predicted``, ``predicted_uncertainty``, ``observed``,
  ``observed_uncertainty`` (plain numbers, symmetric), kept for the views that read them.

:func:`published_results` returns the entries of any preset (older presets with only the summary
keys are converted); :func:`published_comparison` adds our value of each comparable quantity
(expected counts, rate per kg·day, flux at the detector, exposure) and the ratio ours/published.
"""

from __future__ import annotations

import math
from typing import Any

from .errors import CevnsError

__all__ = [
    "DEFAULT_SIGNAL_UNCERTAINTY",
    "KINDS",
    "QUANTITIES",
    "published_comparison",
    "published_results",
    "signal_uncertainty",
]

#: Relative signal-normalisation uncertainty assumed for an experiment whose prediction has no
#: published uncertainty (Asimov sensitivities, :func:`cevns_core.scan`): 10 %, the neutrino-flux
#: normalisation uncertainty of the stopped-pion measurements (COHERENT, Science 357 (2017) 1123:
#: flux 10 % of the 28 % total) and the order of the reactor ν̄ flux uncertainty below 2 MeV,
#: where only summation spectra exist. The published totals of the presets that have one are
#: larger (13–28 %: quenching and acceptance add to the flux), so this is a floor, not a
#: statistics-only sensitivity.
DEFAULT_SIGNAL_UNCERTAINTY = 0.10

#: Quantities a published entry can give, with their units.
QUANTITIES: dict[str, str] = {
    "cevns_events": "events",
    "cevns_rate_per_kg_day": "events/(kg d)",
    "ratio_to_sm": "",
    "observed_events": "events",
    "background_events": "events",
    "flux_cm2_s": "cm^-2 s^-1",
    "exposure_t_yr": "t yr",
    "exposure_kg_day": "kg d",
    "exposure_GWh_kg": "GWh kg",
    "threshold_keVee": "keVee",
    "threshold_keVnr": "keVnr",
    "significance_sigma": "sigma",
    "p_value": "",
    "cross_section_cm2": "cm^2",
    "lindhard_k": "",
}
#: What an entry is: the SM expectation, a measured value (best fit), a raw count, a limit, or an
#: input of the analysis (exposure, flux, threshold).
KINDS: tuple[str, ...] = (
    "predicted",
    "measured",
    "observed",
    "upper_limit",
    "lower_limit",
    "input",
)

_FIELDS = ("quantity", "kind", "value", "uncertainty", "cl", "unit", "label", "source")


def _entry(raw: dict[str, Any], where: str) -> dict[str, Any]:
    unknown = set(raw) - set(_FIELDS)
    if unknown:
        raise CevnsError(f"{where}: unknown field(s) {sorted(unknown)}; allowed: {_FIELDS}")
    quantity, kind = raw.get("quantity"), raw.get("kind")
    if quantity not in QUANTITIES:
        raise CevnsError(f"{where}: quantity {quantity!r} is not one of {sorted(QUANTITIES)}")
    if kind not in KINDS:
        raise CevnsError(f"{where}: kind {kind!r} is not one of {KINDS}")
    value = raw.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise CevnsError(f"{where}: value must be a finite number, got {value!r}")
    unc = raw.get("uncertainty")
    if unc is not None:
        pair = unc if isinstance(unc, list) else [unc, unc]
        if len(pair) != 2 or not all(
            isinstance(u, int | float) and not isinstance(u, bool) and u >= 0 for u in pair
        ):
            raise CevnsError(f"{where}: uncertainty must be null, a number ≥ 0 or [minus, plus]")
        unc = [float(pair[0]), float(pair[1])]
    unit = raw.get("unit", QUANTITIES[quantity])
    if unit != QUANTITIES[quantity]:
        raise CevnsError(
            f"{where}: the unit of {quantity} is {QUANTITIES[quantity]!r}, not {unit!r}"
        )
    return {
        "quantity": quantity,
        "kind": kind,
        "value": float(value),
        "uncertainty": unc,
        "cl": raw.get("cl", "1 sigma" if unc is not None else None),
        "unit": unit,
        "label": str(raw.get("label", "")),
        "source": str(raw.get("source", "")),
    }


def _legacy(published: dict[str, Any]) -> list[dict[str, Any]]:
    """Entries from the summary keys of presets without ``results``."""
    out = []
    for key, kind, label in (
        ("predicted", "predicted", "SM prediction"),
        ("observed", "measured", "measured CEvNS events"),
    ):
        if key not in published:
            continue
        parts = [v for k, v in published.items() if k.startswith(f"{key}_uncertainty")]
        unc = math.sqrt(sum(float(v) ** 2 for v in parts)) if parts else None
        out.append(
            {
                "quantity": "cevns_events",
                "kind": kind,
                "value": float(published[key]),
                "uncertainty": None if unc is None else [unc, unc],
                "cl": "1 sigma" if unc is not None else None,
                "unit": "events",
                "label": label + (" (uncertainties added in quadrature)" if len(parts) > 1 else ""),
                "source": str(published.get("reference", "")),
            }
        )
    if "flux_cm2_s" in published:
        out.append(
            {
                "quantity": "flux_cm2_s",
                "kind": "input",
                "value": float(published["flux_cm2_s"]),
                "uncertainty": None,
                "cl": None,
                "unit": QUANTITIES["flux_cm2_s"],
                "label": "antineutrino flux at the detector",
                "source": str(published.get("reference", "")),
            }
        )
    return out


def published_results(experiment: Any) -> list[dict[str, Any]]:
    """The preset's published numbers as uniform entries (see the module docstring).

    ``experiment`` is an :class:`~cevns_core.experiment.Experiment` or a preset name.

    Raises
    ------
    CevnsError
        For a malformed ``published`` block (unknown quantity, kind or field, bad value).
    """
    exp = _experiment(experiment)
    published = dict(exp.published or {})
    if "results" not in published:
        return _legacy(published)
    raw = published["results"]
    if not isinstance(raw, list):
        raise CevnsError(f"{exp.name}: published.results must be a list of entries")
    return [_entry(r, f"{exp.name}: published.results[{i}]") for i, r in enumerate(raw)]


def _ours(exp: Any, quantity: str, counts: float | None) -> float | None:
    det, src = exp.detector, exp.source
    if quantity == "cevns_events":
        return counts
    if quantity == "cevns_rate_per_kg_day":
        return (
            None if counts is None or det.live_time_days is None else counts / det.exposure_kg_day
        )
    if quantity == "flux_cm2_s":
        return float(src.integrated()) if src.normalisation == "flux" else None
    if quantity == "exposure_t_yr" and det.live_time_days is not None:
        return det.exposure_kg_yr / 1000.0
    if quantity == "exposure_kg_day" and det.live_time_days is not None:
        return det.exposure_kg_day
    if quantity == "exposure_GWh_kg" and getattr(src, "exposure_GWh", None) is not None:
        return float(src.exposure_GWh) * float(det.mass_kg)
    return None


def published_comparison(experiment: Any, *, with_counts: bool = True) -> dict[str, Any]:
    """The published entries with ours beside them (plain data, for JSON and the dashboard).

    Returns ``{"name", "title", "reference", "counts", "results"}``: ``counts`` are our expected
    CEvNS events of the preset (None with ``with_counts=False``); every entry gains ``ours`` (our
    value of the quantity, or None when the package does not compute it) and ``ratio``
    (ours/value).
    """
    exp = _experiment(experiment)
    rows = published_results(exp)
    counts = float(exp.counts().total) if with_counts else None
    for row in rows:
        ours = _ours(exp, row["quantity"], counts)
        row["ours"] = ours
        row["ratio"] = None if ours is None or row["value"] == 0 else ours / row["value"]
    return {
        "name": exp.name,
        "title": exp.title,
        "reference": str((exp.published or {}).get("reference", exp.reference)),
        "counts": counts,
        "results": rows,
    }


def _experiment(experiment: Any) -> Any:
    import cevns_core  # lazily: the package's __init__ imports this module

    if isinstance(experiment, str):
        return cevns_core.experiment(experiment)
    if not isinstance(experiment, cevns_core.Experiment):
        raise CevnsError(
            f"experiment must be an Experiment or a preset name, got {type(experiment).__name__}"
        )
    return experiment


def signal_uncertainty(experiment: Any, default: float = DEFAULT_SIGNAL_UNCERTAINTY) -> float:
    """Relative uncertainty of the preset's published signal prediction, else ``default``.

    Read from the summary keys (``predicted`` with ``predicted_uncertainty`` or its
    ``predicted_uncertainty_*`` parts in quadrature), then from a ``results`` entry
    ``cevns_events``/``predicted`` with an uncertainty (the mean of minus and plus); an
    experiment without either gets ``default`` (:data:`DEFAULT_SIGNAL_UNCERTAINTY`).

    Examples
    --------
    >>> round(signal_uncertainty("coherent_csi_2017"), 4), signal_uncertainty("connie")
    (0.2775, 0.1)
    """
    try:
        value = float(default)
    except (TypeError, ValueError, OverflowError) as exc:
        raise CevnsError(f"default must be a number ≥ 0 (or math.inf), got {default!r}") from exc
    if math.isnan(value) or value < 0:
        raise CevnsError(f"default must be a number ≥ 0 (or math.inf), got {default!r}")
    exp = _experiment(experiment)
    pub = exp.published or {}
    predicted = pub.get("predicted")
    if predicted:
        if "predicted_uncertainty" in pub:
            return float(pub["predicted_uncertainty"]) / float(predicted)
        parts = [v for k, v in pub.items() if k.startswith("predicted_uncertainty_")]
        if parts:
            return math.sqrt(sum(float(v) ** 2 for v in parts)) / float(predicted)
    for row in published_results(exp):
        if (
            row["quantity"] == "cevns_events"
            and row["kind"] == "predicted"
            and row["uncertainty"] is not None
            and row["value"] > 0
        ):
            return 0.5 * (row["uncertainty"][0] + row["uncertainty"][1]) / row["value"]
    return value
