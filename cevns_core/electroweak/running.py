"""Running of the MS-bar weak mixing angle sin²θ̂_W(μ) and the measurements drawn with it.

**Curve.** One-loop renormalisation-group running in the MS-bar scheme with decoupling of each
particle below its threshold, in the form of J. Erler and M. J. Ramsey-Musolf, PRD 72 (2005)
073003 (the method behind the PDG curve and J. Erler & R. Ferro-Hernández, JHEP 03 (2018) 196).
Between thresholds, with b_em = (4/3)Σ N_c Q_f² − 7·[W] and b_2 = (2/3)Σ N_c Q_f T_f − (43/6)·[W]
(fermions f with charge Q_f, weak isospin T_f; [W] = 1 above M_W, from the SM β functions of g
and g′ including the Higgs doublet),

    dα̂⁻¹/dln μ = −b_em/2π,    dŝ²/dln μ = (α̂/2π)(ŝ² b_em − b_2)
    ⇒ α̂⁻¹(μ) = α̂⁻¹(μ₀) − (b_em/2π) ln(μ/μ₀),  ŝ²(μ) = λ + [ŝ²(μ₀) − λ] α̂(μ)/α̂(μ₀),  λ = b_2/b_em,

exact at one loop inside each interval (checked against a numerical integration in the tests).
At μ = M_W the MS-bar W contribution has a constant: α̂⁻¹ drops by 1/6π on decoupling the W
(PDG: Δα̂(M_Z) − Δα(M_Z) contains −(α/π)/6), and ŝ² moves with λ_W = 43/42 like the logarithm.
Inputs: ŝ²(M_Z) = 0.23122 and α̂^{(5)}(M_Z)⁻¹ = 127.952 (PDG electroweak review, Erler &
Freitas, revised 2020, the CDG ref. [42] family); leptons at their masses; c, b, t at their MS-bar
masses 1.27, 4.18, 162.5 GeV (PDG). The light quarks are non-perturbative: u, d, s share one
effective threshold, fixed so that the running reproduces α(0) = 1/137.035999 — the hadronic
vacuum polarisation is thereby taken from α̂(M_Z), not tuned to sin²θ_W. Result:
ŝ²(0) = 0.2388, vs 0.23857(5) (PDG 2018–2020) and 0.23868(5) (Erler & Ferro-Hernández 2018);
the ±3×10⁻⁴ spread is the accuracy of this leading-log curve (no QCD corrections to the quark
loops, no separate s-quark threshold). Measurements are far less precise (≥ 10⁻³ at low μ).

**Measurements** (``data/sin2_theta_w_measurements.csv``): E158, Qweak, PVDIS, NuTeV, the Z-pole
combinations, and the COHERENT(+APV) determinations the CDG review quotes (its Figs. 5–6), each as
published with its scheme. :func:`measurement_points` puts them on the MS-bar curve's footing for
a plot; :func:`workbench_points` adds the package's own APV determinations (one per atomic
theory) and, on request, CEvNS fits of the shipped data sets.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
from collections.abc import Sequence
from functools import cache
from importlib.resources import files
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import brentq

from .._validation import MAX_ARRAY_POINTS, as_array, as_float, as_names, check_choice
from ..errors import CevnsError
from ..units import ALPHA, SW2_MZ, M_E_MeV, M_MU_MeV, M_TAU_MeV, M_W_MeV, M_Z_MeV
from .apv import APV_THEORIES, apv_sin2_theta_w

__all__ = [
    "RUNNING_INPUTS",
    "APV_MOMENTUM_GeV",
    "alpha_msbar",
    "measurement_points",
    "running_curve",
    "sin2_theta_w_measurements",
    "sin2_theta_w_msbar",
    "workbench_points",
]

Array = NDArray[np.float64]

#: Inputs of the running (values in GeV) and where they come from.
RUNNING_INPUTS: dict[str, Any] = {
    "sin2_MZ": SW2_MZ,
    "alpha_inv_MZ": 127.952,
    "alpha_inv_0": 1.0 / ALPHA,
    "M_Z": M_Z_MeV * 1e-3,
    "M_W": M_W_MeV * 1e-3,
    "m_c": 1.27,
    "m_b": 4.18,
    "m_t": 162.5,
    "source": (
        "ŝ²(M_Z) = 0.23122 and α̂^(5)(M_Z)⁻¹ = 127.952: PDG review 'Electroweak model and "
        "constraints on new physics' (J. Erler, A. Freitas, 2020); MS-bar quark masses m̂_c, m̂_b, "
        "m̂_t (PDG 2020); method: J. Erler, M. J. Ramsey-Musolf, PRD 72 (2005) 073003; curve of "
        "J. Erler, R. Ferro-Hernández, JHEP 03 (2018) 196 (arXiv:1712.09146) as in CDG Fig. 5"
    ),
}

#: Momentum scale at which Cs APV is drawn (PDG convention, ≈ 2.4 MeV).
APV_MOMENTUM_GeV = 0.0024

_W_B, _W_A = -7.0, -43.0 / 6.0  # W boson (+ Goldstones, Higgs) in b_em, b_2
_W_MATCH = 1.0 / (6.0 * math.pi)  # α̂⁻¹ drop on decoupling the W at μ = M_W


def _fermions(m_light: float) -> list[tuple[float, float, float, int]]:
    """(threshold GeV, Q, T, N_c) of the charged fermions."""
    gev = 1e-3
    inp = RUNNING_INPUTS
    return [
        (M_E_MeV * gev, -1.0, -0.5, 1),
        (M_MU_MeV * gev, -1.0, -0.5, 1),
        (M_TAU_MeV * gev, -1.0, -0.5, 1),
        (m_light, 2.0 / 3.0, 0.5, 3),
        (m_light, -1.0 / 3.0, -0.5, 3),
        (m_light, -1.0 / 3.0, -0.5, 3),
        (inp["m_c"], 2.0 / 3.0, 0.5, 3),
        (inp["m_b"], -1.0 / 3.0, -0.5, 3),
        (inp["m_t"], 2.0 / 3.0, 0.5, 3),
    ]


def _coefficients(mu: float, fermions: list) -> tuple[float, float]:
    """(b_em, b_2) of the particles active at scale ``mu`` (GeV)."""
    b_em = sum(4.0 / 3.0 * nc * Q * Q for m, Q, T, nc in fermions if mu > m)
    b_2 = sum(2.0 / 3.0 * nc * Q * T for m, Q, T, nc in fermions if mu > m)
    if mu > RUNNING_INPUTS["M_W"]:
        b_em, b_2 = b_em + _W_B, b_2 + _W_A
    return b_em, b_2


def _step(a_inv: float, s2: float, mu_from: float, mu_to: float, fermions: list):
    """Run (α̂⁻¹, ŝ²) across one interval without thresholds inside (closed form)."""
    b_em, b_2 = _coefficients(math.sqrt(mu_from * mu_to), fermions)
    a_inv_new = a_inv - b_em / (2.0 * math.pi) * math.log(mu_to / mu_from)
    if b_em != 0.0:
        lam = b_2 / b_em
        s2 = lam + (s2 - lam) * a_inv / a_inv_new
    return a_inv_new, s2


def _nodes(m_light: float, mu_low: float = 1e-6, mu_high: float = 1e5):
    """Values of (μ, α̂⁻¹, ŝ²) at every threshold, on both sides of M_W, from M_Z outwards."""
    fermions = _fermions(m_light)
    M_W, M_Z = RUNNING_INPUTS["M_W"], RUNNING_INPUTS["M_Z"]
    marks = sorted({m for m, *_ in fermions} | {M_W, mu_low, mu_high})
    nodes = {M_Z: (RUNNING_INPUTS["alpha_inv_MZ"], RUNNING_INPUTS["sin2_MZ"])}
    # downwards
    a_inv, s2, mu = *nodes[M_Z], M_Z
    for mark in [m for m in reversed(marks) if m < M_Z]:
        a_inv, s2 = _step(a_inv, s2, mu, mark, fermions)
        if mark == M_W:  # decouple the W: constant part of its vacuum polarisation
            lam = _W_A / _W_B
            a_new = a_inv - _W_MATCH
            s2 = lam + (s2 - lam) * a_inv / a_new
            a_inv = a_new
        nodes[mark] = (a_inv, s2)
        mu = mark
    # upwards
    a_inv, s2, mu = *nodes[M_Z], M_Z
    for mark in [m for m in marks if m > M_Z]:
        a_inv, s2 = _step(a_inv, s2, mu, mark, fermions)
        nodes[mark] = (a_inv, s2)
        mu = mark
    return fermions, nodes


@cache
def _calibrated() -> tuple[float, list, dict]:
    """Light-quark threshold reproducing α(0), and the resulting threshold nodes."""

    def mismatch(m_light: float) -> float:
        return _nodes(m_light)[1][1e-6][0] - RUNNING_INPUTS["alpha_inv_0"]

    m_light = brentq(mismatch, 1e-3, 1.0, xtol=1e-12)
    fermions, nodes = _nodes(m_light)
    return m_light, fermions, nodes


def _evaluate(mu_GeV: ArrayLike, which: int) -> Array:
    """α̂ (``which`` = 0) or ŝ² (1) at ``mu_GeV``, closed form from the node on M_Z's side."""
    mu = as_array(mu_GeV, "mu_GeV", minimum=0.0, maximum=1e5)
    _, fermions, nodes = _calibrated()
    M_Z = RUNNING_INPUTS["M_Z"]
    marks = sorted(nodes)
    m = np.maximum(mu, marks[0])  # below the electron threshold nothing runs
    a_inv_out = np.empty(m.shape)
    s2_out = np.empty(m.shape)
    for lo, hi in itertools.pairwise(marks):
        inside = (m >= lo) & (m <= hi)
        if not np.any(inside):
            continue
        # anchor on the M_Z side: the upper node below M_Z (it already holds the values below
        # the W threshold when hi = M_W), the lower node above it
        anchor = hi if hi <= M_Z else lo
        a0, s0 = nodes[anchor]
        b_em, b_2 = _coefficients(math.sqrt(lo * hi), fermions)
        a_inv = a0 - b_em / (2.0 * math.pi) * np.log(m[inside] / anchor)
        a_inv_out[inside] = a_inv
        if b_em != 0.0:
            lam = b_2 / b_em
            s2_out[inside] = lam + (s0 - lam) * a0 / a_inv
        else:
            s2_out[inside] = s0
    return 1.0 / a_inv_out if which == 0 else s2_out


def sin2_theta_w_msbar(mu_GeV: ArrayLike) -> Array:
    """MS-bar weak mixing angle sin²θ̂_W(μ) (module doc); μ in GeV, 0 ≤ μ ≤ 10⁵, any shape.

    Examples
    --------
    >>> round(float(sin2_theta_w_msbar(91.188)), 5)
    0.23122
    >>> round(float(sin2_theta_w_msbar(0.0)), 4)
    0.2388
    """
    return _evaluate(mu_GeV, 1)


def alpha_msbar(mu_GeV: ArrayLike) -> Array:
    """MS-bar fine-structure constant α̂(μ) of the same running (α̂(0) = α by construction)."""
    return _evaluate(mu_GeV, 0)


def running_curve(
    mu_min_GeV: float = 1e-4, mu_max_GeV: float = 1e4, n: int = 400
) -> tuple[Array, Array]:
    """(μ [GeV], sin²θ̂_W(μ)) on a logarithmic grid, for a plot like CDG Fig. 5."""
    lo = as_float(mu_min_GeV, "mu_min_GeV", minimum=0.0, inclusive=False)
    hi = as_float(mu_max_GeV, "mu_max_GeV", minimum=lo, maximum=1e5, inclusive=False)
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 2:
        raise CevnsError(f"n must be an integer ≥ 2, got {n!r}")
    if n > MAX_ARRAY_POINTS:
        raise CevnsError(f"n = {n} points is more than the limit of {MAX_ARRAY_POINTS}")
    mu = np.geomspace(lo, hi, int(n))
    return mu, sin2_theta_w_msbar(mu)


# --------------------------------------------------------------------------- measurements
_CSV_FLOATS = ("mu_GeV", "value", "err_minus", "err_plus")


@cache
def _table() -> tuple[dict[str, Any], ...]:
    text = files("cevns_core").joinpath("data/sin2_theta_w_measurements.csv").read_text("utf-8")
    rows = csv.DictReader(io.StringIO("\n".join(ln for ln in text.splitlines() if ln[:1] != "#")))
    out = []
    for row in rows:
        entry: dict[str, Any] = dict(row)
        for key in _CSV_FLOATS:
            entry[key] = float(entry[key])
        out.append(entry)
    return tuple(out)


def sin2_theta_w_measurements() -> list[dict[str, Any]]:
    """The shipped measurement table as published (keys: key, label, group, mu_GeV, value,
    err_minus, err_plus, scheme, reference, note)."""
    return [dict(row) for row in _table()]


def _to_msbar(row: dict[str, Any]) -> float:
    scheme = row["scheme"]
    if scheme in ("msbar", "effective_low_q", "tree"):
        return row["value"]
    if scheme == "effective_leptonic":  # Z-pole: sin²θ_eff^lept = ŝ²_Z + 0.00031 (PDG)
        return row["value"] - (_EFFECTIVE_Z_POLE - SW2_MZ)
    if scheme == "on_shell":  # shift from the SM on-shell value, scaled to MS-bar at μ
        M_W, M_Z = RUNNING_INPUTS["M_W"], RUNNING_INPUTS["M_Z"]
        sw2_os = 1.0 - (M_W / M_Z) ** 2
        return float(sin2_theta_w_msbar(row["mu_GeV"])) + (row["value"] - sw2_os) * SW2_MZ / sw2_os
    raise CevnsError(f"unknown scheme {scheme!r} in the measurement table")


#: LEP/SLD combination of sin²θ_eff^lept (Phys. Rept. 427 (2006) 257): the Z-pole effective angle.
_EFFECTIVE_Z_POLE = 0.23153


def measurement_points(groups: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Measurements as points for the MS-bar running plot (CDG Figs. 5–6).

    Each dict has ``mu_GeV``, ``value`` (MS-bar footing), ``err_minus``, ``err_plus``,
    ``value_published``, ``scheme``, ``label``, ``group``, ``reference``. Conversions: MS-bar
    values unchanged; Z-pole effective leptonic angles lowered by 0.00031 (their offset to ŝ²_Z);
    the on-shell NuTeV value moved as its deviation from the SM on-shell s²_W, scaled by
    ŝ²_Z/s²_W, onto the curve; E158's low-Q effective angle is drawn as published.
    """
    if groups is not None:
        known = sorted({r["group"] for r in _table()})
        groups = [check_choice(g, "measurement group", known) for g in as_names(groups, "groups")]
    rows = [r for r in _table() if groups is None or r["group"] in groups]
    points = []
    for r in rows:
        p = dict(r)
        p["value_published"] = r["value"]
        p["value"] = _to_msbar(r)
        points.append(p)
    return points


def workbench_points(
    apv_theories: Sequence[str] = APV_THEORIES,
    cevns_datasets: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """The package's own determinations of sin²θ_W for the running plot.

    One APV point per atomic theory (:func:`apv_sin2_theta_w`, drawn at μ = 2.4 MeV) and, for
    each name in ``cevns_datasets`` (e.g. ``"coherent_csi_2017"``, or an energy × time data set
    such as ``"coherent_csi_2021"``, fitted with its likelihood), the 1σ CEvNS fit of
    :func:`cevns_core.fit_sin2_theta_w` drawn at the signal-averaged momentum transfer of the
    data set's experiment (a few seconds per data set).
    """
    apv_theories = as_names(apv_theories, "apv_theories")
    cevns_datasets = as_names(cevns_datasets, "cevns_datasets")
    points = []
    for theory in apv_theories:
        fit = apv_sin2_theta_w(theory)
        points.append(
            {
                "key": f"workbench_apv_{theory}",
                "label": f"APV ¹³³Cs (workbench; atomic theory {_theory_title(theory)})",
                "group": "workbench",
                "mu_GeV": APV_MOMENTUM_GeV,
                "value": fit.value,
                "err_minus": fit.sigma,
                "err_plus": fit.sigma,
                "scheme": "msbar",
                "reference": "cevns_core.electroweak.apv_sin2_theta_w",
            }
        )
    for name in cevns_datasets:
        points.append(_cevns_point(name))
    return points


def _theory_title(theory: str) -> str:
    """``"Dzuba et al. 2012"`` for the key ``"dzuba2012"`` (author + year keys)."""
    author, year = theory.rstrip("0123456789"), theory[len(theory.rstrip("0123456789")) :]
    return f"{author.capitalize()} et al. {year}".strip()


def _cevns_point(name: str) -> dict[str, Any]:
    from ..datasets import load_dataset
    from ..experiment import experiment
    from ..fits import fit_sin2_theta_w
    from ..likelihood import energy_time_names, load_energy_time
    from ..nuclei import isotope

    energy_time = name in energy_time_names()  # fitted with its Poisson likelihood
    ds = load_energy_time(name) if energy_time else load_dataset(name)
    exp = experiment(ds.experiment)
    profile = fit_sin2_theta_w(name if energy_time else ds, grid=np.linspace(0.0, 0.5, 501))
    best, minus, plus = profile.errors(cl=0.6827, dof=1)
    T_thr = max(exp.detector.threshold_recoil_keV(), 1e-3)
    T = np.geomspace(T_thr, exp.max_recoil_keV(), 400)
    spec = exp.spectrum(T)
    num = den = 0.0
    for key, dNdT in spec.parts.items():
        iso_name = key[0] if isinstance(key, tuple) else key
        q_MeV = np.sqrt(2.0 * isotope(iso_name).mass_MeV * T * 1e-3)
        num += float(np.trapezoid(q_MeV * dNdT, T))
        den += float(np.trapezoid(dNdT, T))
    return {
        "key": f"workbench_{name}",
        "label": f"CEvNS: {ds.title} (workbench fit)",
        "group": "workbench",
        "mu_GeV": num / den * 1e-3,
        "value": best,
        "err_minus": minus,
        "err_plus": plus,
        "scheme": "tree",
        "reference": "cevns_core.fit_sin2_theta_w",
    }
