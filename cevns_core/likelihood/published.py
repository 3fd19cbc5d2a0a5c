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
        "δ/5.8. Our prediction (327 events: tree couplings, Helm with the default skin of "
        "Trzcińska et al.; 342 with R_n = R_p) and CDG's (radiative couplings, nuclear-model "
        "R_n) differ by up to ~10 % → ≤ 0.017: tolerance = "
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
    "cdg_sin2_csi_apv": (
        0.0025,
        "APV fixes sin²θ_W (σ ≈ 0.0016 against CsI's 0.025). With Sahoo et al.'s amplitude (as "
        "CDG) we ship only its published Q_W = −73.71(35), made skin-free with the amplitude's "
        "neutron-skin term and compared with Q_W(s, R_n(Cs)) through our f(r) overlap; CDG "
        "rebuild Q_W from the amplitude and their choice of measured inputs. The two measured β "
        "(Bennett–Wieman 26.957, Toh et al. 27.139 a_B³) differ by 0.67 %: 0.49 in Q_W, 0.0022 "
        "in sin²θ_W (dQ_W/ds ≈ −220, tested). Which R_n is 'fixed' is not stated: R_n(Cs) = "
        "5.09 fm (NSM) instead of R_p moves sin²θ_W by +0.0015. Tolerance 0.0025.",
    ),
    "cdg_sin2_csi_apv_rn_free": (
        0.003,
        "As cdg_sin2_csi_apv (the β choice alone moves sin²θ_W by 0.0022), with R_n(Cs) = "
        "R_n(I) profiled: the profiled radius comes from CsI 2021 (our R_n(CsI) 5.31 fm against "
        "CDG's 5.47 fm) and moves APV's sin²θ_W by 1.18/220 ≈ 0.005 per fm (tested), ≈ 0.0008 "
        "here. Tolerance: the published 1σ, 0.003.",
    ),
    "cdg_rn_cs_csi_apv": (
        0.3,
        "R_n(Cs) is fixed by APV (R_n(I) free, CsI then constrains R_n(I)): Q_W rises by 1.18 "
        "per fm of R_n(Cs) (our f(r) overlap, tested), so Q_W^exp input choices move R_n(Cs) "
        "by ±0.4 fm (β: 0.49 in Q_W), and Wood alone vs Wood + Guéna by 0.2 fm (ours with the "
        "PDG-style averaged inputs: 5.25 fm). CDG do not state their amplitude for R_n; ours "
        "is the package default (Dzuba et al. 2012). With Sahoo et al. R_n(Cs) falls to ≈ 4.5 "
        "fm. Tolerance: the published +1σ, 0.30 fm.",
    ),
    "cdg_rn_i_csi_apv": (
        0.6,
        "With R_n(Cs) pinned by APV, R_n(I) is fixed by the CsI 2021 count alone, and I carries "
        "about half the count: a 5–10 % prediction difference (0.15–0.3 fm in the average "
        "R_n(CsI), see cdg_rn_csi) becomes 0.3–0.6 fm in R_n(I), plus the transfer of the "
        "R_n(Cs) difference (−1 × δR_n(Cs)). Tolerance: the published −1σ, 0.6 fm.",
    ),
}

#: APV theories and fixed radii of the combined CsI + APV results (CDG quote sin²θ_W with
#: Sahoo et al.'s amplitude, footnote 2; R_n of Cs and I fixed to the nuclear-shell-model values
#: CDG quote, refs. [35, 36]).
_NSM_RADII_FM = {"Cs": 5.09, "I": 5.03}


@cache
def _table() -> dict[str, Any]:
    text = files("cevns_core").joinpath("data").joinpath("published_results.json").read_text()
    return json.loads(text)


def published_results() -> dict[str, dict[str, Any]]:
    """The shipped published results by key (value/minus/plus or upper_limit, cl, reference)."""
    return {r["key"]: dict(r) for r in _table()["results"]}


@cache
def _ours_cached(key: str) -> tuple[tuple[str, Any], ...]:
    """Each fit runs once per process (the fits are deterministic; the combined ones take s)."""
    return tuple(_ours(key).items())


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
    if key.endswith("_apv") or key.endswith("_apv_rn_free"):
        return _ours_apv(key)
    b, m, p = fit_neutron_radius(grid=np.linspace(2.5, 8.0, 23)).errors(0.9)
    return {"value": b, "minus": m, "plus": p, "upper_end": b + p}


def _ours_apv(key: str) -> dict[str, Any]:
    """The combined CsI 2021 + APV fits (see the ``setup`` of each published entry)."""
    from ..electroweak import external_term
    from ..fits import fit_neutron_radius, fit_sin2_theta_w

    if key.startswith("cdg_sin2"):
        data = ["coherent_csi_2021", external_term("apv_cs133", theory="sahoo2021")]
        if key == "cdg_sin2_csi_apv":
            prof = fit_sin2_theta_w(
                data, grid=np.linspace(0.225, 0.26, 141), neutron_radius=_NSM_RADII_FM
            )
        else:
            prof = fit_sin2_theta_w(
                data,
                grid=np.linspace(0.225, 0.265, 81),
                neutron_radius="free",
                radius_grid=np.linspace(4.0, 7.0, 31),
            )
    else:
        cs, i = (["Cs"], ["I"]) if key == "cdg_rn_cs_csi_apv" else (["I"], ["Cs"])
        prof = fit_neutron_radius(
            ["coherent_csi_2021", "apv_cs133"],
            grid=np.linspace(3.5, 7.5, 41),
            nuclei=cs,
            profiled=i,
            profiled_grid=np.linspace(3.5, 7.5, 41),
        )
    b, m, p = prof.errors(CL_1SIGMA)
    return {"value": b, "minus": m, "plus": p}


def named_result(key: str) -> dict[str, Any]:
    """One row of :func:`named_results` (runs that fit only)."""
    table = published_results()
    row = dict(table[check_choice(key, "named result", table)])
    ours = dict(_ours_cached(key))
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
