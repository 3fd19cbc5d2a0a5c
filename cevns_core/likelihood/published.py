"""Our fits beside the published results they reproduce (``data/published_results.json``).

:func:`named_results` runs each named fit on the shipped data and returns one row per result:
the published number, ours, the difference, the tolerance we expect between the analyses and the
physical argument for it. The tolerances (in :data:`TOLERANCES`) are not fudge factors: each says
which differences between the analyses move the number and by how much.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

import numpy as np

from .._validation import as_names, check_choice
from ..statistics import CL_1SIGMA

__all__ = ["TOLERANCES", "named_result", "named_results", "published_results"]

#: Tolerance on the difference ours − published for each result, with its argument.
TOLERANCES: dict[str, tuple[float, str]] = {
    "coherent_csi2021_cevns_count": (
        20.0,
        "Same events, same BRN/NIN/steady-state templates of the release; ours differ in the "
        "neutrino flux (analytic π-DAR spectrum with a Gaussian beam pulse borrowed from the LAr "
        "release instead of the collaboration's simulated snsFlux2D), the smoothed steady state "
        "and the missing BRN shape systematics. They move events between signal and background "
        "by less than the statistical error: tolerance = the published ±20.",
    ),
    "cdg_rn_csi": (
        0.38,
        "Same data; CDG's analysis uses radiative-corrected couplings, the collaboration's flux "
        "file and its own nuisances. Near 5.5 fm the CsI 2021 count falls by ≈ 38 %/fm (tested), "
        "so a 5–10 % difference in the predicted normalisation moves R_n by ≈ 0.15–0.3 fm: "
        "tolerance = the published 1σ (0.38 fm).",
    ),
    "cdg_sin2_csi": (
        0.024,
        "d ln N/d sin²θ_W ≈ 5.8 for CsI: a fractional count difference δ moves sin²θ_W by "
        "δ/5.8. Our prediction (342 events, tree couplings, Helm with R_n = R_p) and CDG's "
        "(radiative couplings, nuclear-model R_n) differ by up to ~10 % → ≤ 0.017: tolerance = "
        "the published lower 1σ error (0.024).",
    ),
    "cdg_rn_ar": (
        0.5,
        "LAr 2020 bounds R_n(Ar) only from above: near 4 fm the count falls by ≈ 18 %/fm "
        "(tested), so a 5–10 % difference in the predicted normalisation (flux, quenching, "
        "nuisance treatment) moves the Δχ² = 1 point by ≈ 0.3–0.5 fm. Compared: our 1σ upper "
        "end (LAr 2020 3-D, Poisson).",
    ),
    "pkk_sin2_csi2017": (
        0.015,
        "Same CsI 2017 release and Gaussian χ² without a time cut as PKK (tests/core/test_fits): "
        "prediction details (QF/acceptance/flux, ~3 %) move sin²θ_W by ≈ 0.005, the residual "
        "142 vs 134 more: 0.015 on the best fit.",
    ),
    "pkk_rn_csi2017": (
        0.3,
        "PKK's upper 90 % end (6.63 fm) against ours: there the falling rate fixes R_n best; "
        "≈ 3 % prediction differences give ≈ 0.1 fm, the residual difference 0.2 fm: 0.3 fm.",
    ),
}


@cache
def _table() -> dict[str, Any]:
    text = files("cevns_core").joinpath("data").joinpath("published_results.json").read_text()
    return json.loads(text)


def published_results() -> dict[str, dict[str, Any]]:
    """The shipped published results by key (value/minus/plus or upper_limit, cl, reference)."""
    return {r["key"]: dict(r) for r in _table()["results"]}


def _ours(key: str) -> dict[str, Any]:
    from ..fits import fit_neutron_radius, fit_sin2_theta_w
    from .fitting import fit_signal_count

    if key == "coherent_csi2021_cevns_count":
        r = fit_signal_count("coherent_csi_2021")
        return {"value": r["best_fit"], "minus": r["minus"], "plus": r["plus"]}
    if key == "cdg_rn_csi":
        b, m, p = fit_neutron_radius("coherent_csi_2021").errors(CL_1SIGMA)
        return {"value": b, "minus": m, "plus": p}
    if key == "cdg_sin2_csi":
        b, m, p = fit_sin2_theta_w("coherent_csi_2021").errors(CL_1SIGMA)
        return {"value": b, "minus": m, "plus": p}
    if key == "cdg_rn_ar":
        grid = np.linspace(2.0, 6.0, 81)
        prof = fit_neutron_radius(["coherent_lar_2020_3d"], grid=grid)
        return {"upper_limit": prof.interval(CL_1SIGMA).hi, "best_fit": prof.best_fit}
    if key == "pkk_sin2_csi2017":
        b, m, p = fit_sin2_theta_w(grid=np.linspace(0.05, 0.45, 81), time_cut=False).errors(0.9)
        return {"value": b, "minus": m, "plus": p}
    b, m, p = fit_neutron_radius(grid=np.linspace(2.5, 8.0, 23)).errors(0.9)
    return {"value": b, "minus": m, "plus": p, "upper_end": b + p}


def named_result(key: str) -> dict[str, Any]:
    """One row of :func:`named_results` (runs that fit only)."""
    table = published_results()
    row = dict(table[check_choice(key, "named result", table)])
    ours = _ours(key)
    tol, why = TOLERANCES[key]
    if "upper_limit" in row:
        compared, published = ours["upper_limit"], row["upper_limit"]
    elif key == "pkk_rn_csi2017":
        compared, published = ours["upper_end"], row["value"] + row["plus"]
    else:
        compared, published = ours["value"], row["value"]
    row.update(
        ours=ours,
        compared=float(compared),
        published_compared=float(published),
        difference=float(compared - published),
        tolerance=tol,
        tolerance_argument=why,
        within=bool(abs(compared - published) <= tol),
    )
    return row


def named_results(keys: list[str] | None = None) -> list[dict[str, Any]]:
    """Every named result: published beside ours, with the difference and its tolerance.

    Each row: ``key``, ``quantity``, ``datasets``, ``unit``, the published ``value``/``minus``/
    ``plus`` (or ``upper_limit``) with ``cl`` and ``reference``, ``ours`` (same keys),
    ``compared``/``published_compared`` (the numbers compared), ``difference``, ``tolerance``,
    ``tolerance_argument`` and ``within``. Takes ~10 s (every fit is run).
    """
    names = [] if keys is None else as_names(keys, "keys")
    return [named_result(k) for k in (names or list(published_results()))]
