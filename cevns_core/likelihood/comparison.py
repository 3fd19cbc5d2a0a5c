"""Data beside the prediction: one fit of chosen data sets (and APV/PVES terms), in plain arrays.

:func:`data_fit` profiles the nuisances of one or several likelihood data sets at one physics
point (:func:`~cevns_core.likelihood.fit_overview`) and returns what a plot and a table of
"data versus prediction" show, with human labels:

* per data set and per axis of its cell grid (energy, arrival time, F90): the observed counts
  summed over the other axes with their 68 % Poisson (Garwood) interval, the best-fit
  expectation (nuisances profiled) split into signal and backgrounds, the Standard-Model
  prediction at nominal nuisances (all at 0), the residual data − best fit and the Pearson pull
  (data − best fit)/√(best fit) of each projected bin;
* totals per data set (observed with its interval, predicted, best fit);
* the fitted nuisances with their labels, priors and pulls (value/σ);
* the external terms (APV on ¹³³Cs, PREX-II, CREX: :mod:`cevns_core.electroweak.terms`)
  evaluated at the same physics: sin²θ_W of the model, the neutron skin given or the nuclear
  choice's (default 0, i.e. F_n = F_p, the package's form factors);
* the goodness of fit: χ²_min of the cells plus the terms' χ², the degrees of freedom (cells −
  free nuisances + terms) and the p-value of a χ² distribution (Baker–Cousins χ² is
  asymptotically χ²-distributed).

Every prediction (best fit and Standard Model) takes the ``nuclear`` choice given (form-factor
model and parameters, neutron skin, R_n, per isotope where a mapping), key by key over each data
set's preset, so a data set's signal is what ``experiment(preset, **nuclear)`` counts in its
bins. The signal's shape nuisances (light yield, efficiency, timing) stay relative factors taken
at the preset's own choice.

Summing cells over axes is exact for counts (Poisson sums are Poisson), so the projected
intervals are the Garwood intervals of the summed counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy import stats

from .._validation import check_choice
from ..errors import CevnsError
from ..experiment.nuclear_choice import prediction_options
from ..nuclear_model import params_for_nucleus
from ..response import OBSERVABLE_TITLES
from ..units import SW2_LOW
from .analyses import likelihood_names
from .joint import Likelihood
from .overview import _garwood, _nominal_by_dataset, fit_overview

__all__ = [
    "AXIS_TITLES",
    "NUISANCE_LABELS",
    "component_label",
    "data_fit",
    "experiment_likelihoods",
    "likelihood_title",
    "nuisance_label",
]

#: Titles and units of the non-energy axes of the data sets' cell grids.
AXIS_TITLES: dict[str, tuple[str, str]] = {
    "t_us": ("Arrival time", "μs"),
    "f90": ("Pulse-shape fraction F90", ""),
}

#: Human labels of the nuisances and background components (the part after "<data set>:").
NUISANCE_LABELS: dict[str, str] = {
    "sns_flux": "SNS neutrino flux",
    "signal": "CEvNS signal",
    "signal_other": "Signal normalisation (other)",
    "steady_state": "Steady-state background",
    "prompt_neutrons": "Prompt neutrons",
    "brn": "Beam-related neutrons",
    "nin": "Neutrino-induced neutrons",
    "prompt_brn": "Prompt beam-related neutrons",
    "delayed_brn": "Delayed beam-related neutrons",
    "quenching_syst0": "Light yield (first variation)",
    "quenching_syst1": "Light yield (second variation)",
    "efficiency": "Detection efficiency",
    "timing_offset": "Arrival-time offset",
}


def experiment_likelihoods(experiment: str) -> list[str]:
    """Likelihood data sets (:func:`likelihood_names`) whose matching preset is ``experiment``,
    richest first (more cells: energy × time before energy only).

    Examples
    --------
    >>> experiment_likelihoods("coherent_lar_2020")
    ['coherent_lar_2020_3d', 'coherent_lar_2020']
    """
    from .joint import _cached_part

    found = [n for n in likelihood_names() if _cached_part(n).data.experiment == experiment]
    return sorted(found, key=lambda n: -_cached_part(n).n_cells)


def likelihood_title(name: str) -> str:
    """The title of a likelihood data set (its release's title)."""
    from .joint import _cached_part

    check_choice(name, "likelihood data set", likelihood_names())
    return _cached_part(name).data.title or name


def _split(name: str) -> tuple[str, str]:
    dataset, _, short = name.rpartition(":")
    return dataset.split("#")[0], short


def nuisance_label(name: str) -> str:
    """``"COHERENT CsI[Na] … : Beam-related neutrons"`` for ``"coherent_csi_2021:brn"``."""
    dataset, short = _split(name)
    label = NUISANCE_LABELS.get(short, short.replace("_", " "))
    if not dataset:
        return label
    title = likelihood_title(dataset) if dataset in likelihood_names() else dataset
    return f"{title}: {label}"


def component_label(name: str) -> str:
    """The label of a component (signal or background), without its data set."""
    return NUISANCE_LABELS.get(_split(name)[1], _split(name)[1].replace("_", " "))


def _project(values: np.ndarray, shape: tuple[int, ...], axis: int) -> np.ndarray:
    cells = np.asarray(values, dtype=float).reshape(shape)
    others = tuple(i for i in range(len(shape)) if i != axis)
    return cells.sum(axis=others) if others else cells


def _dataset_view(best: dict[str, Any], sm: dict[str, Any]) -> dict[str, Any]:
    shape = tuple(best["shape"])
    signal_name = next(n for n in best["components"] if n.endswith(":signal"))
    signal = np.asarray(best["components"][signal_name])
    background = np.asarray(best["expected"]) - signal
    sm_total = np.asarray(sm["signal_nominal"]) + np.asarray(sm["background_nominal"])
    projections = {}
    for axis, (key, edges) in enumerate(best["axes"].items()):
        observed = _project(best["observed"], shape, axis)
        expected = _project(best["expected"], shape, axis)
        lo, hi = _garwood(observed)
        title, unit = AXIS_TITLES.get(key, (OBSERVABLE_TITLES.get(key, key), key))
        projections[key] = {
            "title": title,
            "unit": unit,
            "edges": np.asarray(edges, dtype=float),
            "observed": observed,
            "error_low": observed - lo,
            "error_high": hi - observed,
            "expected": expected,
            "signal": _project(signal, shape, axis),
            "background": _project(background, shape, axis),
            "sm": _project(sm_total, shape, axis),
            "residual": observed - expected,
            "pull": (observed - expected) / np.sqrt(np.maximum(expected, 1e-12)),
        }
    n_obs = float(np.sum(best["observed"]))
    lo, hi = _garwood(np.array([n_obs]))
    totals = {
        "observed": n_obs,
        "observed_error_low": n_obs - float(lo[0]),
        "observed_error_high": float(hi[0]) - n_obs,
        "signal_sm": float(np.sum(sm["signal_nominal"])),
        "background_nominal": float(np.sum(sm["background_nominal"])),
        "predicted_sm": float(np.sum(sm_total)),
        "signal_best_fit": float(np.sum(signal)),
        "background_best_fit": float(np.sum(background)),
        "best_fit": float(np.sum(best["expected"])),
    }
    return {"shape": shape, "projections": projections, "totals": totals}


def _pves_skin(name: str, skin_fm: Any) -> float:
    """The skin of a PVES term's nucleus from a choice (a number or a per-nucleus mapping; a
    nucleus it does not name: 0, F_n = F_p)."""
    from ..electroweak.pves import pves_measurement

    if skin_fm is None:
        return 0.0
    value = params_for_nucleus({"skin_fm": skin_fm}, pves_measurement(name).isotope)
    return float(value.get("skin_fm", 0.0))


def _term_rows(terms: Sequence[str], physics: Any, skin_fm: Any) -> list[dict[str, Any]]:
    from ..electroweak.apv import DEFAULT_APV_THEORY
    from ..electroweak.pves import pves_chi2
    from ..electroweak.running import _theory_title
    from ..electroweak.terms import external_term

    s2 = float(getattr(physics, "sin2_theta_W", SW2_LOW) if physics is not None else SW2_LOW)
    rows = []
    for name in terms:
        term = external_term(name)
        if "sin2_theta_W" in term.parameters:  # APV: published weak charge, its skin estimate
            chi2 = float(term(sin2_theta_W=s2))
            at = f"sin²θ_W = {s2:.5g}"
        else:  # PVES: the weak form factor at the given skin
            skin = _pves_skin(name, skin_fm)
            chi2 = float(pves_chi2(name, skin_fm=skin))
            at = f"neutron skin {skin:g} fm"
        label = term.label  # the APV theory by author and year, not by its key
        theory = term.options.get("theory", DEFAULT_APV_THEORY)
        label = label.replace(f"PNC amplitude: {theory}", f"atomic theory {_theory_title(theory)}")
        rows.append({"name": name, "label": label, "observable": term.observable,
                     "chi2": chi2, "at": at, "reference": term.reference})  # fmt: skip
    return rows


def data_fit(
    datasets: str | Sequence[str] | Likelihood = (),
    terms: Sequence[str] = (),
    *,
    physics: Any = None,
    skin_fm: Any = None,
    nuclear: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Fit the nuisances of ``datasets`` at ``physics`` and collect data beside prediction.

    Parameters
    ----------
    datasets : str, sequence of str or Likelihood
        Names of :func:`likelihood_names` (one joint likelihood, the SNS flux shared), or a
        :class:`Likelihood` built with other experiments (e.g. another nuclear choice).
    terms : sequence of str
        External terms (``"apv_cs133"``, ``"prex2"``, ``"crex"``), evaluated at the same physics.
    physics : StandardModel or NewPhysics, optional
        The prediction's physics (None: the Standard Model).
    skin_fm : float or mapping, optional
        Neutron skin R_n − R_p of ²⁰⁸Pb and ⁴⁸Ca for the PVES terms (a mapping: by isotope or
        element). Default: the skin of ``nuclear``, else 0 (F_n = F_p).
    nuclear : mapping, optional
        The nuclear choice of every prediction: keywords of
        :data:`~cevns_core.experiment.nuclear_choice.NUCLEAR_KEYWORDS` (``form_factor``,
        ``form_factor_params``, ``skin_fm``, ``R_n_fm``, ``proton_radius``), as
        ``experiment(name, **nuclear)`` takes them, e.g.
        :data:`~cevns_core.REVIEW_NUCLEAR_CHOICE`. Default: each data set's preset's choice.

    Returns
    -------
    dict
        ``datasets``: label → {``title``, ``shape``, ``projections`` (axis → arrays, see the
        module doc), ``totals``}; ``nuisances``: list of {``name``, ``label``, ``dataset`` (its
        data set's title, "" when shared), ``value``, ``sigma``, ``pull``, ``unit``};
        ``terms``: list of {``name``, ``label``, ``chi2``, ``at``, ``observable``, ``reference``};
        ``chi2_cells``, ``chi2_terms``, ``chi2``, ``n_cells``, ``n_free``, ``dof``, ``p_value``.

    Raises
    ------
    CevnsError
        For an unknown data set or term, when neither is given, or for an invalid nuclear
        choice.

    Examples
    --------
    >>> fit = data_fit("coherent_csi_2021")
    >>> fit["datasets"]["coherent_csi_2021"]["totals"]["observed"]
    1578.0
    """
    from ..electroweak.terms import EXTERNAL_TERMS

    given = datasets if isinstance(datasets, Likelihood) else None
    names = [datasets] if isinstance(datasets, str) else [] if given else list(datasets)
    for n in names:
        check_choice(n, "likelihood data set", likelihood_names())
    for t in terms:
        check_choice(t, "external likelihood term", EXTERNAL_TERMS)
    if not names and given is None and not terms:
        raise CevnsError("choose at least one data set or external term")
    options = prediction_options(nuclear)
    if skin_fm is None:
        skin_fm = (nuclear or {}).get("skin_fm")
    out: dict[str, Any] = {"datasets": {}, "nuisances": [], "terms": [],
                           "chi2_cells": 0.0, "n_cells": 0, "n_free": 0}  # fmt: skip
    if names or given:
        lik = given if given is not None else Likelihood(names)
        best = fit_overview(lik, physics, **options)
        # the SM line is the nominal prediction: no second fit
        sm = best["datasets"] if physics is None else _nominal_by_dataset(
            lik, lik.predict(None, **options)
        )  # fmt: skip
        known, titles = set(likelihood_names()), {}

        def title(dataset: str) -> str:  # each data set's title looked up once
            if dataset not in titles:
                titles[dataset] = likelihood_title(dataset) if dataset in known else ""
            return titles[dataset]

        for label in lik.labels:
            view = _dataset_view(best["datasets"][label], sm[label])
            view["title"] = title(label.split("#")[0])
            out["datasets"][label] = view
        out["nuisances"] = [
            {"name": name, "label": component_label(name), "dataset": title(_split(name)[0]),
             **entry}
            for name, entry in best["nuisances"].items()
        ]  # fmt: skip
        out.update(chi2_cells=best["chi2_min"], n_cells=best["n_cells"], n_free=best["n_free"])
    out["terms"] = _term_rows(terms, physics, skin_fm)
    out["chi2_terms"] = float(sum(t["chi2"] for t in out["terms"]))
    out["chi2"] = out["chi2_cells"] + out["chi2_terms"]
    out["dof"] = max(out["n_cells"] - out["n_free"] + len(out["terms"]), 1)
    out["p_value"] = float(stats.chi2.sf(out["chi2"], out["dof"]))
    return out
