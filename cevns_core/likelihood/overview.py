"""Everything a "data beside the prediction" view needs, from one profiled fit.

:func:`fit_overview` profiles a :class:`~cevns_core.likelihood.Likelihood` at one physics point
and returns plain arrays per data set: observed counts with their 68 % Poisson (Garwood)
intervals, the best-fit expectation and each component at the fitted nuisances, the nominal
prediction (nuisances at 0), residuals and Pearson residuals, the fitted nuisances with their
pulls, and the goodness of fit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy import stats

from ..statistics import CL_1SIGMA
from .joint import Likelihood, as_likelihood

__all__ = ["fit_overview"]


def _garwood(n: np.ndarray, cl: float = CL_1SIGMA) -> tuple[np.ndarray, np.ndarray]:
    """Central Poisson interval [lo, hi] of observed counts (Garwood 1936): χ² quantiles."""
    a = 1.0 - cl
    lo = np.where(n > 0, 0.5 * stats.chi2.ppf(a / 2, 2 * np.maximum(n, 1)), 0.0)
    hi = 0.5 * stats.chi2.ppf(1 - a / 2, 2 * (n + 1))
    return lo, hi


def _nominal_by_dataset(lik: Likelihood, signal: np.ndarray) -> dict[str, dict[str, Any]]:
    """Per data set (label): the signal and the sum of the backgrounds at nominal nuisances
    (all 0), from the concatenated ``signal``; no fit."""
    nominal = lik.model.component_counts(signal)
    out = {}
    for label, block, sl in zip(lik.labels, lik.model.blocks, lik.slices, strict=True):
        names = [c.name for c in block.components]
        signal_name = next(c.name for c in block.components if c.template is None)
        out[label] = {
            "signal_nominal": np.asarray(nominal[signal_name])[sl],
            "background_nominal": sum(
                np.asarray(nominal[n])[sl] for n in names if n != signal_name
            ),
        }
    return out


def fit_overview(
    likelihood: Likelihood | Any,
    physics: Any = None,
    *,
    form_factor: Any = None,
    form_factor_params: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Profile the likelihood at one physics point and return what a plot of data vs prediction
    shows.

    Returns
    -------
    dict
        ``chi2_min``, ``n_cells``, ``n_free`` (profiled nuisances without a prior), ``p_value``
        (χ²_min against a χ² distribution with n_cells − n_free degrees of freedom: the
        Baker–Cousins χ² is asymptotically χ²-distributed), ``nuisances`` (name → value,
        sigma, pull = value/sigma, unit), and ``datasets``: label → ``shape`` (the cell grid),
        ``axes`` (cell edges), ``observed``, ``error_low``/``error_high`` (68 % Garwood interval
        ends), ``expected`` (best fit, all components), ``components`` (name → best-fit counts),
        ``signal_nominal`` and ``background_nominal`` (nuisances at 0), ``residual``
        (observed − expected) and ``pearson`` ((observed − expected)/√expected). Every array is
        per cell (flattened in C order; reshape with ``shape``).
    """
    lik = as_likelihood(likelihood)
    signal = lik.predict(physics, form_factor=form_factor, form_factor_params=form_factor_params)
    chi2, theta = lik.chi2(signal, return_nuisances=True)
    values = dict(zip(lik.nuisance_names, theta, strict=True))
    expected = lik.expected(signal, values)
    comps = lik.model.component_counts(signal, values)
    nominal = _nominal_by_dataset(lik, signal)
    lo, hi = _garwood(lik.observed)
    free = sum(1 for n in lik.nuisances if np.isinf(n.sigma))
    out: dict[str, Any] = {
        "chi2_min": float(chi2),
        "n_cells": lik.n_cells,
        "n_free": free,
        "p_value": float(stats.chi2.sf(float(chi2), max(lik.n_cells - free, 1))),
        "nuisances": {
            n.name: {
                "value": float(values[n.name]),
                "sigma": n.sigma,
                "pull": float(values[n.name] / n.sigma) if 0 < n.sigma < np.inf else None,
                "unit": n.unit,
            }
            for n in lik.nuisances
        },
        "datasets": {},
    }
    for label, part, sl in zip(lik.labels, lik.parts, lik.slices, strict=True):
        data = part.data
        if part.energy_time:
            axes = {data.observable: data.energy_edges, "t_us": data.t_edges_us}
        else:
            axes = {data.observable: data.bin_edges, **data.axes}
        e = expected[sl]
        names = [c.name for c in lik.model.blocks[lik.slices.index(sl)].components]
        out["datasets"][label] = {
            "shape": tuple(data.shape),
            "axes": {k: np.asarray(v) for k, v in axes.items()},
            "observed": lik.observed[sl],
            "error_low": lik.observed[sl] - lo[sl],
            "error_high": hi[sl] - lik.observed[sl],
            "expected": e,
            "components": {n: np.asarray(comps[n])[sl] for n in names},
            **nominal[label],
            "residual": lik.observed[sl] - e,
            "pearson": (lik.observed[sl] - e) / np.sqrt(np.maximum(e, 1e-12)),
        }
    return out
