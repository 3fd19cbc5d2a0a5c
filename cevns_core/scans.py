"""Parameter scans: 1-D Δχ² profiles and 2-D exclusion/allowed regions (PHYSICS.md §7, §8, §12).

``scan(experiment, model, **axes)`` predicts the binned signal of an experiment on a grid of
new-physics parameters, computes a χ² at every grid point and returns a :class:`ScanResult`
(``.counts``, ``.chi2``, ``.delta_chi2``, ``.best_fit``, ``.contour(cl)``)::

    res = scan(exp, "zprime", coupling=np.geomspace(1e-5, 1e-2, 200),
               mass_MeV=np.geomspace(1.0, 1e4, 200))
    res.delta_chi2.shape            # (200, 200): (len(coupling), len(mass_MeV))
    res.contour(cl=0.9)             # [(coupling values, mass values), ...] polylines

Models and axes (axis names say what enters the Lagrangian; conventions of
:mod:`cevns_core.new_physics`):

``zprime`` (coupling, mass_MeV)
    Universal Z′: g_ν = g_u = g_d = g = ``coupling`` (each coupling once per vertex, no ½; the
    g² of PKK Fig. 12 left is g_ν g_q = g²). ``mass_MeV``: M_Z′.
``zprime_b_minus_l`` (coupling, mass_MeV)
    B − L: g_q = g/3, g_ν = −g.
``zprime_lmu_minus_ltau`` (coupling, mass_MeV)
    L_μ − L_τ: ν_μ +g, ν_τ −g, loop-induced proton coupling (sign UNSURE, new_physics).
``scalar`` (coupling, mass_MeV)
    Universal scalar g_ν = g_q = g (PKK Fig. 12 right).
``nsi_vector_ee``, ``nsi_vector_mumu`` (eps_u, eps_d)
    ε^{uV}_{αα} and ε^{dV}_{αα}, each quark its own coupling (never one reused for the other;
    PKK Figs. 10, 11 top).
``nsi_tensor_ee``, ``nsi_tensor_mumu`` (eps_u, eps_d)
    ε^{uT}_{αα}, ε^{dT}_{αα} (PKK Figs. 10, 11 bottom).
``charge_radius`` (r2_e_cm2, r2_mu_cm2)
    ⟨r²_νe⟩, ⟨r²_νμ⟩ in cm², coupling-level convention of new_physics (PKK Figs. 13, 15).
``magnetic_moment`` (mu_e_muB, mu_mu_muB)
    Effective moments μ_νe, μ_νμ in Bohr magnetons (PKK Fig. 13).
``sterile_e``, ``sterile_mu`` (dm2_41_eV2, sin2_2theta)
    Δm²₄₁ in eV² and sin²2θ_αα = 4|U_α4|²(1 − |U_α4|²) with only |U_α4|² non-zero:
    P = 1 − sin²2θ sin²(Δm²L/4E) — sin², not sin (PKK Fig. 16 in disappearance form).
``rn_sin2w`` (R_n_fm, sin2_theta_W)
    A common neutron rms radius of the target isotopes (fm; proton distributions unchanged) and
    the weak angle of the tree-level couplings (PKK Figs. 7, 9).

Give one axis for a 1-D profile (the other axis stays at its no-new-physics value) or two for a
2-D grid; the grid has shape ``(len(first), len(second))`` in the order the keywords are given.
Axis values must be finite, strictly increasing and inside the model's bounds.

How it is fast (DESIGN §6). Every model above changes dσ/dT only through T-dependent
coefficients (Z′/scalar propagators, NSI charges, radii, moments, form factors) or, for the
sterile models, through an E-dependent factor on the flux. The fast path therefore builds once per
(isotope, flavour group) the flux moments I_k(T) at the recoil quadrature nodes, the bracket
B(T) = I₀ − T I₁ − MT/2 I₂, the quadrature weights × target count × exposure × timing
acceptance, and the detector response matrix; a grid is then a broadcast of the coefficients
over (grid, T) followed by one matrix product with the response (e.g. Z′: 𝒬(T; g, M) =
𝒬_SM(T) + g² Q′(T)/(√2 G_F(q² + M²))). The generic path builds a :class:`NewPhysics` per grid
point and calls the rate engine (slow but exact); both agree to rounding (tested).

Statistics. By default the χ² is an Asimov sensitivity (PHYSICS §8.3): the "observed" counts are
the prediction at the no-new-physics point (or at ``truth=``) in the experiment's analysis bins,
with a Gaussian χ² (σ_i² = N_obs,i, bins with no expected events dropped) or ``statistic=
"poisson"`` (Baker–Cousins), and a profiled signal-normalisation nuisance σ_α from the preset's
published prediction uncertainty (CsI 2017: 48/173) unless ``sigma_signal`` is given (0 when
the preset publishes none). With ``data="coherent_csi_2017"`` the χ² is the data set's own
(:func:`cevns_core.fits.dataset_chi2`) in its bins, with its arrival-time acceptance.

Convention of Δχ² (PHYSICS §8.3 asks to say which). ``reference="minimum"`` (default):
Δχ² = χ² − χ²_min, with χ²_min the smallest χ² on the grid *or at the no-new-physics point*
(always evaluated, as part of the parameter space even when a log grid does not contain it):
contours are then allowed regions (fit) or, for Asimov data, expected exclusions. With
``reference="sm"``: Δχ² = χ² − χ²_SM, "excluded at CL relative to the SM". For Asimov data
generated at the SM both coincide (χ²_SM = 0 = χ²_min). Contours use the 2-dof threshold for a
2-D grid and intervals the 1-dof threshold for a 1-D profile (PHYSICS §8.2).

Distributed execution. ``client=`` a ``dask.distributed.Client`` (or a scheduler address) runs
the same row chunks on the cluster (``distributed`` is imported only then); chunks and their
arithmetic are identical, so the grid is too. ``progress=True`` prints a text progress bar on
stderr; a callable gets ``(done_chunks, total_chunks)``.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import check_choice
from .cross_sections import CrossSectionConfig
from .errors import CevnsError
from .experiment import Experiment
from .flavours import lepton_of
from .new_physics import (
    OSCILLATION_PHASE_PER_EV2_M_PER_MEV,
    NewPhysics,
    kinetic_mixing_per_coupling,
    mixing_from_sin2_2theta,
    scalar_charge_per_nucleon,
    zprime_couplings,
)
from .nuclear_model import nucleon_form_factors, params_for_nucleus
from .nuclei import isotope
from .rates import _check_finite_count, _recoil_nodes, binned_counts, flux_kernel
from .statistics import (
    Interval,
    confidence_intervals,
    delta_chi2_threshold,
    gaussian_chi2,
    poisson_chi2,
)
from .units import ALPHA, G_F_MeV2, HBARC2_MeV2_cm2, HBARC_MeV_fm, M_E_MeV
from .weak_charges import CHARGE_RADIUS_COUPLING_PER_CM2, StandardModel, flavour_radius_shift

__all__ = [
    "REFERENCES",
    "SCAN_MODELS",
    "Axis",
    "ScanModel",
    "ScanResult",
    "TextProgress",
    "scan",
    "scan_models",
]

Array = NDArray[np.float64]

_SQRT2_GF = math.sqrt(2.0) * G_F_MeV2
_E_CHARGE = math.sqrt(4.0 * math.pi * ALPHA)
#: Δχ² conventions: relative to the minimum (grid ∪ no-new-physics point) or to the SM point.
REFERENCES: tuple[str, ...] = ("minimum", "sm")
_METHODS = ("auto", "fast", "generic")
_STATISTICS_ASIMOV = ("gaussian", "poisson")
# Elements (grid points × recoil nodes) per chunk of the fast path: ~8 MB per temporary array.
_FAST_BUDGET = 1_000_000
_GENERIC_CHUNKS_1D = 50


# ----------------------------------------------------------------------------------------------
# The models
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Axis:
    """One scan axis: name (with unit), no-new-physics value and allowed range."""

    name: str
    doc: str
    null: float
    minimum: float
    maximum: float
    min_inclusive: bool = True

    def check(self, values: Any, what: str = "axis") -> Array:
        """Validated values: finite, inside the bounds (raises CevnsError)."""
        try:
            arr = np.asarray(values, dtype=float)
        except (TypeError, ValueError) as exc:
            raise CevnsError(f"{what} {self.name} must be numbers, got {values!r}") from exc
        if not np.all(np.isfinite(arr)):
            raise CevnsError(f"{what} {self.name} must be finite (no NaN/inf), got {values!r}")
        lo_bad = arr < self.minimum if self.min_inclusive else arr <= self.minimum
        if np.any(lo_bad) or np.any(arr > self.maximum):
            bracket = "[" if self.min_inclusive else "("
            bad = arr[lo_bad | (arr > self.maximum)].flat[0]
            raise CevnsError(
                f"{what} {self.name} ({self.doc}) must lie in {bracket}{self.minimum:g}, "
                f"{self.maximum:g}], got {bad:g}"
            )
        return arr


@dataclass(frozen=True)
class ScanModel:
    """A scannable model: its axes, how a point becomes physics settings, and its fast kernel.

    ``settings(point, base)`` returns ``(NewPhysics parameters, form-factor parameters)`` for the
    generic path; ``terms(job, block, p)`` the coefficients on the grid for the fast path (None:
    generic only). ``flavour_dependent``: the model treats flavours differently, so the kernels
    are kept per lepton family instead of summed over flavours.
    """

    name: str
    title: str
    axes: tuple[Axis, ...]
    settings: Callable[[dict[str, float], Any], tuple[dict[str, Any], dict[str, Any]]]
    terms: Callable[..., dict[str, Any]] | None
    flavour_dependent: bool
    figure: str = ""

    def axis(self, name: str) -> Axis:
        for a in self.axes:
            if a.name == name:
                return a
        raise CevnsError(
            f"unknown axis {name!r} for model {self.name!r}; allowed: "
            + ", ".join(a.name for a in self.axes)
        )


_COUPLING = Axis("coupling", "mediator coupling g (dimensionless)", 0.0, 0.0, 10.0)
_MASS = Axis("mass_MeV", "mediator mass in MeV", 100.0, 0.0, 1e7, min_inclusive=False)


def _eps_axes(kind: str) -> tuple[Axis, Axis]:
    return (
        Axis("eps_u", f"ε^{{u{kind}}} of the flavour (dimensionless)", 0.0, -10.0, 10.0),
        Axis("eps_d", f"ε^{{d{kind}}} of the flavour (dimensionless)", 0.0, -10.0, 10.0),
    )


# --- generic settings (point → NewPhysics parameters, form-factor parameters) ---------------
def _zprime_settings(variant: str) -> Callable:
    def settings(point: dict[str, float], base: Any) -> tuple[dict, dict]:
        return (
            {
                "zprime_model": variant,
                "zprime_coupling": point["coupling"],
                "zprime_mass_MeV": point["mass_MeV"],
            },
            {},
        )

    return settings


def _scalar_settings(point: dict[str, float], base: Any) -> tuple[dict, dict]:
    return {"scalar_coupling": point["coupling"], "scalar_mass_MeV": point["mass_MeV"]}, {}


def _nsi_settings(kind: str, lepton: str) -> Callable:
    def settings(point: dict[str, float], base: Any) -> tuple[dict, dict]:
        pair = lepton + lepton
        return {f"eps_u{kind}_{pair}": point["eps_u"], f"eps_d{kind}_{pair}": point["eps_d"]}, {}

    return settings


def _radius_settings(point: dict[str, float], base: Any) -> tuple[dict, dict]:
    return {"r2_e_cm2": point["r2_e_cm2"], "r2_mu_cm2": point["r2_mu_cm2"]}, {}


def _moment_settings(point: dict[str, float], base: Any) -> tuple[dict, dict]:
    return {"mu_nu_e_muB": point["mu_e_muB"], "mu_nu_mu_muB": point["mu_mu_muB"]}, {}


def _sterile_settings(lepton: str) -> Callable:
    def settings(point: dict[str, float], base: Any) -> tuple[dict, dict]:
        U = float(mixing_from_sin2_2theta(point["sin2_2theta"]))
        return {"dm2_41_eV2": point["dm2_41_eV2"], f"U{lepton}4_sq": U}, {}

    return settings


def _rn_settings(point: dict[str, float], base: Any) -> tuple[dict, dict]:
    physics = {"sin2_theta_W": point["sin2_theta_W"]}
    R_n = point["R_n_fm"]
    return physics, ({} if math.isnan(R_n) else {"R_n_fm": R_n})


# --- fast terms ---------------------------------------------------------------------------------
# Each returns a dict with any of: "Q2" (|𝒬|², replaces the SM vector charge squared), "X0",
# "X1", "X2" (non-interfering coefficients c_k, multiplied by the moment kernels K_k) and "KB"
# (replaces the bracket kernel, sterile). Arrays broadcast to (*grid, n_T); p holds the axis
# values with a trailing length-1 axis for T.
def _charge(blk: _Block, dp: Any, dn: Any) -> Array:
    return blk.Z * (blk.g_p + dp) * blk.F_p + blk.N * (blk.g_n + dn) * blk.F_n


def _zprime_terms(variant: str) -> Callable:
    loop = variant not in ("universal", "b_minus_l")
    unit = zprime_couplings(variant, 1.0)

    def terms(job: _Job, blk: _Block, p: dict[str, Array]) -> dict[str, Any]:
        g, M = p["coupling"], p["mass_MeV"]
        lepton = blk.lepton
        g_nu = unit["g_nu"]["e" if lepton is None else lepton]
        if g_nu == 0.0:
            return {}
        prop = 1.0 / (_SQRT2_GF * (blk.q2 + M * M))  # (…, n_T)
        if loop:
            kappa = kinetic_mixing_per_coupling(blk.q, variant)  # ε(q)/g
            shape_T = (g_nu * _E_CHARGE) * blk.Z * blk.F_p * kappa  # × g² prop
        else:
            cp = 2.0 * unit["g_u"] + unit["g_d"]
            cn = unit["g_u"] + 2.0 * unit["g_d"]
            shape_T = g_nu * (cp * blk.Z * blk.F_p + cn * blk.N * blk.F_n)
        Q = (g * g) * (shape_T * prop)
        Q += blk.Q_sm
        np.multiply(Q, Q, out=Q)
        return {"Q2": Q}

    return terms


def _scalar_terms(job: _Job, blk: _Block, p: dict[str, Array]) -> dict[str, Any]:
    g, M_phi = p["coupling"], p["mass_MeV"]
    s_p, s_n = scalar_charge_per_nucleon(job.options["scalar_charge"])
    Q_unit = blk.Z * s_p * blk.F_p + blk.N * s_n * blk.F_n
    shape_T = Q_unit**2 * blk.M**2 * blk.T / (4.0 * math.pi)
    return {"X2": (g * g) ** 2 * (shape_T / (blk.q2 + M_phi * M_phi) ** 2)}


def _nsi_vector_terms(lepton: str) -> Callable:
    def terms(job: _Job, blk: _Block, p: dict[str, Array]) -> dict[str, Any]:
        if blk.lepton != lepton:
            return {}
        eu, ed = p["eps_u"], p["eps_d"]
        Q = _charge(blk, 2.0 * eu + ed, eu + 2.0 * ed)
        return {"Q2": Q * Q}

    return terms


def _nsi_tensor_terms(lepton: str) -> Callable:
    def terms(job: _Job, blk: _Block, p: dict[str, Array]) -> dict[str, Any]:
        if blk.lepton != lepton:
            return {}
        eu, ed = p["eps_u"], p["eps_d"]
        Q_T = (2.0 * eu + ed) * (blk.Z * blk.F_p) + (eu + 2.0 * ed) * (blk.N * blk.F_n)
        K_T = 4.0 * G_F_MeV2**2 * blk.M / math.pi * Q_T**2
        return {"X0": K_T, "X2": -0.25 * blk.M * blk.T * K_T}

    return terms


def _radius_terms(job: _Job, blk: _Block, p: dict[str, Array]) -> dict[str, Any]:
    key = {"e": "r2_e_cm2", "mu": "r2_mu_cm2"}.get(blk.lepton or "")
    if key is None:
        return {}
    Q = _charge(blk, -job.options["radius_coefficient"] * p[key], 0.0)
    return {"Q2": Q * Q}


def _moment_terms(job: _Job, blk: _Block, p: dict[str, Array]) -> dict[str, Any]:
    key = {"e": "mu_e_muB", "mu": "mu_mu_muB"}.get(blk.lepton or "")
    if key is None:
        return {}
    K = math.pi * ALPHA**2 * p[key] ** 2 * blk.Z**2 / M_E_MeV**2 * blk.F_p**2
    out = {"X0": K / blk.T, "X1": -K}
    if job.options["mm_exact"]:
        out["X2"] = 0.25 * K * blk.T
    return out


class _SinSquared:
    """Stand-in physics for :func:`flux_kernel`: weights the flux by sin²(Δm²L/4E)."""

    def __init__(self, dm2_eV2: float, baseline_m: float | None) -> None:
        self.dm2 = dm2_eV2
        self.baseline = baseline_m

    def survival_probability(self, flavour: str, E_MeV: Any, distance_m: float | None) -> Array:
        # the same arithmetic and edge cases as NewPhysics.survival_probability
        E = np.asarray(E_MeV, dtype=float)
        L = self.baseline if self.baseline is not None else distance_m
        if L is None:
            return np.full(E.shape, 0.5)
        positive = E > 0
        phase = np.divide(
            OSCILLATION_PHASE_PER_EV2_M_PER_MEV * self.dm2 * float(L),
            E,
            out=np.zeros(E.shape),
            where=positive,
        )
        return np.where(positive, np.sin(phase) ** 2, 0.5)


def _sterile_terms(lepton: str) -> Callable:
    def terms(job: _Job, blk: _Block, p: dict[str, Array]) -> dict[str, Any]:
        if blk.lepton != lepton:
            return {}
        dm2 = p["dm2_41_eV2"]
        U = mixing_from_sin2_2theta(p["sin2_2theta"])
        amplitude = 4.0 * U * (1.0 - U)
        values, inverse = np.unique(dm2, return_inverse=True)
        KB = 0.0
        for i, flavour in enumerate(blk.flavours):
            B_sin = np.zeros((values.size, blk.T.size))
            for k, value in enumerate(values):
                if value == 0.0:
                    continue  # sin²(0) = 0: no oscillation
                weight = _SinSquared(float(value), job.options["sterile_baseline_m"])
                I0, I1, I2 = flux_kernel(job.source, blk.M, blk.T_keV, flavour, weight).moments
                B_sin[k] = I0 - blk.T * I1 - 0.5 * blk.M * blk.T * I2
            B_sin = B_sin[inverse.reshape(dm2.shape[:-1])]  # (…, n_T)
            bracket = np.clip(blk.B[i] - amplitude * B_sin, 0.0, None)
            KB = KB + blk.scales[i] * bracket
        return {"KB": KB}

    return terms


def _rn_terms(job: _Job, blk: _Block, p: dict[str, Array]) -> dict[str, Any]:
    R_n, s = p["R_n_fm"], p["sin2_theta_W"]
    if job.options["couplings"] == "tree":
        g_p = 0.5 - 2.0 * s
        if blk.fr_shift is not None:
            g_p = g_p + blk.fr_shift
    else:
        g_p = blk.g_p
    values, inverse = np.unique(R_n, return_inverse=True)
    F_n = np.empty((values.size, blk.T.size))
    q_fm = blk.q / HBARC_MeV_fm
    for k, value in enumerate(values):
        if math.isnan(value):
            F_n[k] = blk.F_n
        else:
            params = {**params_for_nucleus(job.ff_params, blk.isotope), "R_n_fm": float(value)}
            F_n[k] = nucleon_form_factors(q_fm, blk.isotope, job.ff_name, **params)[1]
    F_n = F_n[inverse.reshape(R_n.shape[:-1])]
    Q = blk.Z * g_p * blk.F_p + blk.N * blk.g_n * F_n
    return {"Q2": Q * Q}


def _model(name: str, title: str, axes: tuple[Axis, ...], settings, terms, fd: bool, fig: str):
    return ScanModel(name, title, axes, settings, terms, fd, fig)


_R2 = 1e-28
_NSI_V, _NSI_T = _eps_axes("V"), _eps_axes("T")

#: The scannable models by name (module docstring).
SCAN_MODELS: dict[str, ScanModel] = {
    m.name: m
    for m in [
        _model(
            "zprime",
            "universal light vector Z′ (g_ν = g_u = g_d = g)",
            (_COUPLING, _MASS),
            _zprime_settings("universal"),
            _zprime_terms("universal"),
            False,
            "PKK Fig. 12 (left)",
        ),
        _model(
            "zprime_b_minus_l",
            "B − L Z′ (g_q = g/3, g_ν = −g)",
            (_COUPLING, _MASS),
            _zprime_settings("b_minus_l"),
            _zprime_terms("b_minus_l"),
            False,
            "CDG",
        ),
        _model(
            "zprime_lmu_minus_ltau",
            "L_μ − L_τ Z′ (ν_μ: +g, ν_τ: −g, loop-induced proton coupling)",
            (_COUPLING, _MASS),
            _zprime_settings("lmu_minus_ltau"),
            _zprime_terms("lmu_minus_ltau"),
            True,
            "CDG",
        ),
        _model(
            "scalar",
            "universal light scalar (g_ν = g_q = g)",
            (_COUPLING, _MASS),
            _scalar_settings,
            _scalar_terms,
            False,
            "PKK Fig. 12 (right)",
        ),
        *[
            _model(
                f"nsi_vector_{lep}{lep}",
                f"vector NSI ε^{{uV}}_{{{lep}{lep}}}, ε^{{dV}}_{{{lep}{lep}}}",
                _NSI_V,
                _nsi_settings("V", lep),
                _nsi_vector_terms(lep),
                True,
                "PKK Figs. 10, 11 (top)",
            )
            for lep in ("e", "mu")
        ],
        *[
            _model(
                f"nsi_tensor_{lep}{lep}",
                f"tensor NSI ε^{{uT}}_{{{lep}{lep}}}, ε^{{dT}}_{{{lep}{lep}}}",
                _NSI_T,
                _nsi_settings("T", lep),
                _nsi_tensor_terms(lep),
                True,
                "PKK Figs. 10, 11 (bottom)",
            )
            for lep in ("e", "mu")
        ],
        _model(
            "charge_radius",
            "neutrino charge radii ⟨r²_νe⟩, ⟨r²_νμ⟩ (cm²)",
            (
                Axis("r2_e_cm2", "⟨r²_νe⟩ in cm²", 0.0, -_R2, _R2),
                Axis("r2_mu_cm2", "⟨r²_νμ⟩ in cm²", 0.0, -_R2, _R2),
            ),
            _radius_settings,
            _radius_terms,
            True,
            "PKK Figs. 13, 15",
        ),
        _model(
            "magnetic_moment",
            "effective magnetic moments μ_νe, μ_νμ (μ_B)",
            (
                Axis("mu_e_muB", "μ_νe in Bohr magnetons", 0.0, 0.0, 1e-6),
                Axis("mu_mu_muB", "μ_νμ in Bohr magnetons", 0.0, 0.0, 1e-6),
            ),
            _moment_settings,
            _moment_terms,
            True,
            "PKK Fig. 13",
        ),
        *[
            _model(
                f"sterile_{lep}",
                f"sterile 3+1 with |U_{lep}4|² only: (Δm²₄₁, sin²2θ_{lep}{lep})",
                (
                    Axis("dm2_41_eV2", "Δm²₄₁ in eV²", 0.0, 0.0, 1e4),
                    Axis("sin2_2theta", f"sin²2θ_{lep}{lep} = 4|U|²(1 − |U|²)", 0.0, 0.0, 1.0),
                ),
                _sterile_settings(lep),
                _sterile_terms(lep),
                True,
                "PKK Fig. 16 (disappearance)",
            )
            for lep in ("e", "mu")
        ],
        _model(
            "rn_sin2w",
            "common neutron rms radius R_n (fm) of the targets and tree-level sin²θ_W",
            (
                Axis("R_n_fm", "neutron rms radius in fm", math.nan, 0.0, 15.0, False),
                Axis("sin2_theta_W", "weak mixing angle (tree-level couplings)", math.nan, 0, 1),
            ),
            _rn_settings,
            _rn_terms,
            False,
            "PKK Figs. 7, 9",
        ),
    ]
}


def scan_models() -> list[str]:
    """Names of the scannable models (module docstring).

    Examples
    --------
    >>> scan_models()[:3]
    ['charge_radius', 'magnetic_moment', 'nsi_tensor_ee']
    """
    return sorted(SCAN_MODELS)


# ----------------------------------------------------------------------------------------------
# Jobs: everything a chunk needs (picklable, sent once to Dask workers)
# ----------------------------------------------------------------------------------------------
@dataclass
class _Block:
    """Precomputed kernel of one isotope and flavour group (lepton family, or all flavours)."""

    isotope: str
    Z: int
    N: int
    M: float
    lepton: str | None
    flavours: tuple[str, ...]
    T_keV: Array
    T: Array  # MeV
    q: Array  # MeV
    q2: Array
    F_p: Array
    F_n: Array
    g_p: Array
    g_n: Array
    fr_shift: Array | None  # SM flavour-radius shift of g_V^p (rn_sin2w with flavour_radius)
    Q_sm: Array  # SM 𝒬_V (flavour-diagonal)
    vfac: float  # G_F² M/π
    scales: Array  # (n_flavours, n_T): weights × nuclei × exposure × acceptance × ħc² × 1e-3
    B: Array  # (n_flavours, n_T): I₀ − T I₁ − MT/2 I₂ per flavour (unclipped)
    KB: Array  # Σ_f scales_f clip(B_f)
    K: tuple[Array, Array, Array]  # Σ_f scales_f I_k,f
    RT: Array | None  # response matrix transposed, (n_T, n_bins); None: ``runs`` instead
    runs: tuple[Array, Array] | None  # (first node, bin) of runs of nodes seen in one bin only


@dataclass
class _Job:
    model: str
    names: tuple[str, ...]
    values: tuple[Array, ...]
    method: str
    n_bins: int
    chunk_rows: int
    # generic path
    source: Any = None
    detector: Any = None
    edges: Array | None = None
    form_factor: Any = "helm"
    exposure: float = 1.0
    factors: dict[str, float] = field(default_factory=dict)
    base_params: dict[str, Any] = field(default_factory=dict)
    # fast path
    blocks: list[_Block] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    ff_name: str = "helm"
    ff_params: dict[str, Any] = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(v.size for v in self.values)

    def chunks(self) -> list[tuple[int, int]]:
        n = self.values[0].size
        return [(lo, min(lo + self.chunk_rows, n)) for lo in range(0, n, self.chunk_rows)]

    def null_point(self) -> dict[str, float]:
        return {a.name: a.null for a in SCAN_MODELS[self.model].axes} | self.options["null"]


def _scan_rows(job: _Job, lo: int, hi: int) -> Array:
    """Signal counts per bin for rows lo:hi of the grid: shape (hi − lo, [n₁,] n_bins).

    The task function of the local and the Dask backends (importable by workers).
    """
    sub = (job.values[0][lo:hi], *job.values[1:])
    if job.method == "fast":
        return _fast_counts(job, dict(zip(job.names, sub, strict=True)))
    return _generic_counts(job, dict(zip(job.names, sub, strict=True)))


def _point_arrays(job: _Job, axes: Mapping[str, Array]) -> tuple[dict[str, Array], tuple]:
    """Axis values shaped for broadcasting over (*grid, n_T); unscanned axes at their null."""
    names = list(axes)
    shape = tuple(np.asarray(axes[n]).size for n in names)
    nd = len(names)
    p: dict[str, Array] = {}
    for i, n in enumerate(names):
        s = [1] * (nd + 1)
        s[i] = shape[i]
        p[n] = np.asarray(axes[n], dtype=float).reshape(s)
    for n, v in job.null_point().items():
        if n not in p:
            p[n] = np.full((1,) * (nd + 1), v)
    return p, shape


def _fast_counts(job: _Job, axes: Mapping[str, Array]) -> Array:
    p, shape = _point_arrays(job, axes)
    model = SCAN_MODELS[job.model]
    out = np.zeros((*shape, job.n_bins))
    for blk in job.blocks:
        terms = model.terms(job, blk, p)
        Q2 = terms.get("Q2", blk.Q_sm * blk.Q_sm)
        if "KB" in terms:
            integrand = (blk.vfac * Q2) * terms["KB"]
        else:
            integrand = Q2 * (blk.vfac * blk.KB)
        for k in range(3):
            extra = terms.get(f"X{k}")
            if extra is not None:
                integrand = integrand + extra * blk.K[k]
        integrand = np.asarray(integrand)
        lead = integrand.shape[:-1]
        flat = integrand.reshape(-1, blk.T.size)
        if blk.runs is not None:
            # every node lies in one bin (no smearing): its response is folded into the
            # scales, and the contraction is a sum over each run of nodes (no BLAS call)
            starts, bins = blk.runs
            part = np.zeros((flat.shape[0], job.n_bins))
            part[:, bins] = np.add.reduceat(flat, starts, axis=1)
        else:
            part = flat @ blk.RT
        out += part.reshape(*lead, job.n_bins)
    return np.clip(out, 0.0, None, out=out)


def _generic_counts(job: _Job, axes: Mapping[str, Array]) -> Array:
    names = list(axes)
    shape = tuple(np.asarray(axes[n]).size for n in names)
    out = np.zeros((*shape, job.n_bins))
    null = job.null_point()
    for index in np.ndindex(*shape):
        point = dict(null)
        for n, i in zip(names, index, strict=True):
            point[n] = float(np.asarray(axes[n])[i])
        out[index] = _generic_point(job, point)
    return out


def _generic_point(job: _Job, point: dict[str, float]) -> Array:
    """One grid point the slow, exact way: a NewPhysics model and the rate engine."""
    physics_params, ff_params = SCAN_MODELS[job.model].settings(point, None)
    physics = NewPhysics(**{**job.base_params, **physics_params})
    ff_params = {**job.ff_params, **ff_params}
    options = {"form_factor_params": ff_params} if ff_params else {}
    counts = binned_counts(
        job.source,
        job.detector,
        job.edges,
        physics,
        job.form_factor,
        exposure=job.exposure,
        **options,
    ).by_flavour()
    total = np.zeros(job.n_bins)
    for flavour, values in counts.items():
        total = total + job.factors.get(flavour, 1.0) * values
    return total


# ----------------------------------------------------------------------------------------------
# Building a job
# ----------------------------------------------------------------------------------------------
def _base_physics(exp: Experiment) -> tuple[StandardModel, dict[str, Any]]:
    base = exp.physics if exp.physics is not None else StandardModel()
    params = {k: v for k, v in base.param.values().items() if k != "name"}
    return base, params


def _fast_available(model: ScanModel, base: StandardModel, exp: Experiment) -> str | None:
    """Why the fast path cannot be used (None if it can)."""
    if model.terms is None:
        return f"model {model.name!r} has no fast kernel"
    if isinstance(base, NewPhysics) and base.active_groups():
        return (
            "the experiment's physics already has new physics switched on "
            f"({', '.join(base.active_groups())})"
        )
    if type(base) not in (StandardModel, NewPhysics):
        return f"the physics model {type(base).__name__} may override the cross-section hooks"
    if model.name == "rn_sin2w" and not isinstance(exp.form_factor, str):
        return "a neutron-radius scan needs a form-factor model name"
    return None


def _build_blocks(job: _Job, exp: Experiment, base: StandardModel, grouped: bool) -> None:
    """The fast-path kernels (see the module docstring)."""
    source, det = exp.source, exp.detector
    recoil_edges = None if det.resolution is not None else det.recoil_bin_edges(job.edges)
    options = {"form_factor_params": job.ff_params} if job.ff_params else {}
    for name, count in det.targets().items():
        nucleus = isotope(name)
        M = nucleus.mass_MeV
        T_keV, w = _recoil_nodes(source, det, M, recoil_edges)
        if T_keV.size == 0:
            continue
        RT = np.ascontiguousarray(det.response_matrix(T_keV, job.edges).T)
        seen = np.any(RT != 0.0, axis=1)  # nodes outside every bin contribute nothing
        T_keV, w, RT = T_keV[seen], w[seen], RT[seen]
        if T_keV.size == 0:
            continue
        runs = None
        if np.all(np.count_nonzero(RT, axis=1) == 1):
            bin_of = np.argmax(RT != 0.0, axis=1)
            starts = np.flatnonzero(np.r_[True, bin_of[1:] != bin_of[:-1]])
            if np.all(np.diff(bin_of[starts]) > 0):  # each bin one run of nodes
                runs = (starts, bin_of[starts])
                w = w * RT[np.arange(T_keV.size), bin_of]
        T = T_keV * 1e-3
        q = np.sqrt(2.0 * M * T + T**2)
        groups: dict[str | None, list[str]] = {}
        for flavour in source.flavours():
            key = lepton_of(flavour) if grouped else None
            groups.setdefault(key, []).append(flavour)
        for lepton, flavours in groups.items():
            scales, brackets, moments = [], [], []
            for flavour in flavours:
                config = CrossSectionConfig.make(
                    nucleus, base, exp.form_factor, {**options, "flavour": flavour}
                )
                I0, I1, I2 = flux_kernel(source, M, T_keV, flavour, base).moments
                factor = job.factors.get(flavour, 1.0)
                scales.append(count * job.exposure * factor * HBARC2_MeV2_cm2 * 1e-3 * w)
                brackets.append(I0 - T * I1 - 0.5 * M * T * I2)
                moments.append((I0, I1, I2))
            F_p, F_n = config.form_factors(q)
            rep = flavours[0] if base.needs_flavour else None
            g_p, g_n = base.nucleon_couplings(rep, q)
            fr = flavour_radius_shift(flavours[0], q) if base.flavour_radius else None
            S, B = np.array(scales), np.array(brackets)
            job.blocks.append(
                _Block(
                    isotope=name,
                    Z=nucleus.Z,
                    N=nucleus.N,
                    M=M,
                    lepton=lepton,
                    flavours=tuple(flavours),
                    T_keV=T_keV,
                    T=T,
                    q=q,
                    q2=q * q,
                    F_p=F_p,
                    F_n=F_n,
                    g_p=np.broadcast_to(g_p, q.shape).copy(),
                    g_n=np.broadcast_to(g_n, q.shape).copy(),
                    fr_shift=fr,
                    Q_sm=nucleus.Z * g_p * F_p + nucleus.N * g_n * F_n,
                    vfac=G_F_MeV2**2 * M / math.pi,
                    scales=S,
                    B=B,
                    KB=np.sum(S * np.clip(B, 0.0, None), axis=0),
                    K=tuple(
                        np.sum(S * np.array([m[k] for m in moments]), axis=0) for k in range(3)
                    ),
                    RT=None if runs is not None else RT,
                    runs=runs,
                )
            )


def _check_axes(model: ScanModel, axes: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple]:
    if not axes:
        raise CevnsError(
            f"give one or two axes to scan for model {model.name!r}, e.g. "
            + ", ".join(f"{a.name}=[...]" for a in model.axes)
        )
    if len(axes) > 2:
        raise CevnsError(f"at most two axes can be scanned at once, got {', '.join(axes)}")
    names, values = [], []
    for name, raw in axes.items():
        axis = model.axis(name)
        arr = axis.check(raw)
        if arr.ndim != 1:
            raise CevnsError(f"axis {name} must be 1-D, got shape {arr.shape}")
        if arr.size == 0:
            raise CevnsError(f"axis {name} is empty: give at least one value")
        if arr.size > 1 and np.any(np.diff(arr) <= 0):
            raise CevnsError(f"axis {name} must be strictly increasing")
        names.append(name)
        values.append(arr)
    return tuple(names), tuple(values)


def _published_sigma(exp: Experiment) -> float:
    """Relative uncertainty of the preset's published prediction (0 if none)."""
    pub = exp.published or {}
    predicted = pub.get("predicted")
    if not predicted:
        return 0.0
    if "predicted_uncertainty" in pub:
        return float(pub["predicted_uncertainty"]) / float(predicted)
    parts = [v for k, v in pub.items() if k.startswith("predicted_uncertainty_")]
    return math.sqrt(sum(float(v) ** 2 for v in parts)) / float(predicted) if parts else 0.0


def _load_data(data: Any) -> Any:
    try:
        from .datasets import Dataset, load_dataset
    except ImportError as exc:  # pragma: no cover - data sets ship with the package
        raise CevnsError("data sets are not available in this installation") from exc
    if isinstance(data, Dataset):
        return data
    if isinstance(data, str):
        return load_dataset(data)
    raise CevnsError(f"data must be a data-set name or a Dataset, got {type(data).__name__}")


# ----------------------------------------------------------------------------------------------
# Execution backends
# ----------------------------------------------------------------------------------------------
class TextProgress:
    """A tqdm-free progress bar on a text stream (stderr by default), for ``scan(progress=...)``.

    Nothing is printed until ``delay`` seconds have passed, so short scans stay silent.
    """

    def __init__(
        self, label: str = "scan", stream: Any = None, width: int = 30, delay: float = 0.0
    ) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.delay = delay
        self.start = time.perf_counter()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        filled = int(self.width * done / max(total, 1))
        elapsed = time.perf_counter() - self.start
        if not self.shown and elapsed < self.delay:
            return
        self.shown = True
        self.stream.write(
            f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{done}/{total} chunks {elapsed:.1f} s"
        )
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def _progress_callback(progress: Any, label: str) -> Callable[[int, int], None] | None:
    if progress is None or progress is False:
        return None
    if progress is True:
        return TextProgress(label)
    if callable(progress):
        return progress
    raise CevnsError(
        f"progress must be True/False/None or a callable(done, total), got {progress!r}"
    )


def _run_local(job: _Job, report: Callable | None) -> list[Array]:
    chunks = job.chunks()
    out = []
    for k, (lo, hi) in enumerate(chunks):
        out.append(_scan_rows(job, lo, hi))
        if report is not None:
            report(k + 1, len(chunks))
    return out


def _run_dask(job: _Job, client: Any, report: Callable | None) -> list[Array]:
    try:
        from distributed import Client, as_completed
    except ImportError as exc:
        raise CevnsError(
            "Dask execution needs the optional dependency: pip install 'cevns-workbench[dask]'"
        ) from exc
    own = isinstance(client, str)
    if own:
        try:
            client = Client(client, set_as_default=False, timeout=30)
        except (OSError, TimeoutError) as exc:
            raise CevnsError(f"cannot connect to the Dask scheduler {client!r}: {exc}") from exc
    elif not (hasattr(client, "submit") and hasattr(client, "scatter")):
        raise CevnsError(
            "client must be a dask.distributed.Client or a scheduler address string, "
            f"got {type(client).__name__}"
        )
    chunks = job.chunks()
    futures: dict[Any, int] = {}
    try:
        [job_future] = client.scatter([job], broadcast=True, hash=False)
        for k, (lo, hi) in enumerate(chunks):
            futures[client.submit(_scan_rows, job_future, lo, hi, pure=False)] = k
        out: list[Array | None] = [None] * len(chunks)
        done = 0
        for future in as_completed(list(futures)):
            out[futures[future]] = future.result()
            done += 1
            if report is not None:
                report(done, len(chunks))
    except BaseException:
        client.cancel(list(futures))
        raise
    finally:
        if own:
            client.close()
    return [o for o in out if o is not None]


# ----------------------------------------------------------------------------------------------
# The result
# ----------------------------------------------------------------------------------------------
@dataclass
class ScanResult:
    """A χ² scan on a 1-D or 2-D grid (see :func:`scan`).

    Attributes
    ----------
    model : str
        Scan model name (:data:`SCAN_MODELS`).
    axes : dict of ndarray
        Axis name → values, in grid order: arrays below have shape ``(len(a₀), [len(a₁)])``.
    bin_counts : ndarray, shape (*grid, n_bins)
        Predicted signal counts per analysis bin.
    chi2 : ndarray
        χ² at every grid point (nuisances profiled).
    chi2_null : float
        χ² at the no-new-physics point ``null_point`` (the SM).
    null_point : dict
        Axis values of no new physics (NaN for R_n: the experiment's own neutron distribution).
    reference : {"minimum", "sm"}
        Convention of :attr:`delta_chi2` (module docstring).
    bin_edges, observed : ndarray
        Analysis bins (observable unit) and the data (or Asimov counts) the χ² compares with.
    info : dict
        Experiment, data, statistic, σ_α, path ("fast"/"generic"), backend, timing.
    """

    model: str
    axes: dict[str, Array]
    bin_counts: Array
    chi2: Array
    chi2_null: float
    null_point: dict[str, float]
    reference: str
    bin_edges: Array
    observed: Array
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, ...]:
        """Grid shape."""
        return self.chi2.shape

    @property
    def counts(self) -> Array:
        """Total predicted signal counts (summed over the analysis bins) on the grid."""
        return self.bin_counts.sum(axis=-1)

    @property
    def chi2_min(self) -> float:
        """The reference χ²: min(grid, no-new-physics point) or χ²_SM (``reference``)."""
        if self.reference == "sm":
            return self.chi2_null
        return float(min(np.min(self.chi2), self.chi2_null))

    @property
    def delta_chi2(self) -> Array:
        """Δχ² = χ² − :attr:`chi2_min` on the grid."""
        return self.chi2 - self.chi2_min

    @property
    def best_fit(self) -> dict[str, Any]:
        """Axis values at the smallest χ² (grid point, or the no-new-physics point if lower).

        Keys: the axis names, ``"chi2"`` and ``"index"`` (grid index; None for the null point).
        """
        index = np.unravel_index(int(np.argmin(self.chi2)), self.chi2.shape)
        if self.chi2_null < float(self.chi2[index]):
            return {**self.null_point, "chi2": self.chi2_null, "index": None}
        point = {n: float(v[i]) for (n, v), i in zip(self.axes.items(), index, strict=True)}
        return {**point, "chi2": float(self.chi2[index]), "index": tuple(int(i) for i in index)}

    def threshold(self, cl: float = 0.9) -> float:
        """Δχ² level at ``cl``: 1 dof for a 1-D profile, 2 dof for a 2-D grid (PHYSICS §8.2)."""
        return delta_chi2_threshold(cl, dof=len(self.axes))

    def contour(self, cl: float = 0.9) -> list[Any]:
        """The Δχ² = threshold(cl) boundary.

        2-D: a list of polylines ``(values of axis 0, values of axis 1)`` (contourpy; computed in
        log coordinates along an axis whose values are positive and geometrically spaced, so a
        log-log plot shows straight interpolation). The allowed (or, for Asimov data, the
        not-excluded) region is Δχ² below the level. 1-D: a list of
        :class:`~cevns_core.statistics.Interval` with Δχ² ≤ threshold(cl) (several if disjoint).

        Raises
        ------
        CevnsError
            ``cl`` outside (0, 1).
        """
        level = self.threshold(cl)
        names = list(self.axes)
        if len(names) == 1:
            x = self.axes[names[0]]
            if x.size < 2:
                raise CevnsError("a 1-D profile needs at least 2 grid points for intervals")
            return confidence_intervals(x, self.chi2, threshold=level, chi2_min=self.chi2_min)
        import contourpy

        a0, a1 = (self.axes[n] for n in names)
        if a0.size < 2 or a1.size < 2:
            raise CevnsError("a 2-D contour needs at least 2 values on each axis")
        log0, log1 = _is_geometric(a0), _is_geometric(a1)
        x = np.log10(a1) if log1 else a1
        y = np.log10(a0) if log0 else a0
        gen = contourpy.contour_generator(
            x=x, y=y, z=self.delta_chi2, line_type=contourpy.LineType.Separate
        )
        lines = []
        for line in gen.lines(level):
            xs, ys = line[:, 0], line[:, 1]
            lines.append((10.0**ys if log0 else ys, 10.0**xs if log1 else xs))
        return lines

    def intervals(self, cl: float = 0.9) -> list[Interval]:
        """1-D profiles: the allowed intervals at ``cl`` (same as :meth:`contour`)."""
        if len(self.axes) != 1:
            raise CevnsError("intervals are defined for 1-D profiles; use contour() on a 2-D grid")
        return self.contour(cl)

    def as_dict(self, cl: float = 0.9) -> dict[str, Any]:
        """Plain-Python view for JSON output (grid, counts, χ², Δχ², best fit, contour at cl)."""
        boundary = self.contour(cl) if min(v.size for v in self.axes.values()) > 1 else []
        out: dict[str, Any] = {
            "model": self.model,
            "axes": {k: v.tolist() for k, v in self.axes.items()},
            "shape": list(self.shape),
            "counts": self.counts.tolist(),
            "chi2": self.chi2.tolist(),
            "delta_chi2": self.delta_chi2.tolist(),
            "chi2_min": self.chi2_min,
            "chi2_null": self.chi2_null,
            "null_point": {k: (None if math.isnan(v) else v) for k, v in self.null_point.items()},
            "reference": self.reference,
            "best_fit": {
                k: (None if isinstance(v, float) and math.isnan(v) else v)
                for k, v in self.best_fit.items()
            },
            "cl": cl,
            "threshold": self.threshold(cl),
            "bin_edges": self.bin_edges.tolist(),
            "observed": self.observed.tolist(),
            "info": self.info,
        }
        names = list(self.axes)
        if len(names) == 1:
            out["intervals"] = [iv.as_dict() for iv in boundary]
        else:
            out["contours"] = [{names[0]: a.tolist(), names[1]: b.tolist()} for a, b in boundary]
        return out


def _is_geometric(values: Array) -> bool:
    if values.size < 3 or np.any(values <= 0):
        return False
    ratios = values[1:] / values[:-1]
    return bool(np.allclose(ratios, ratios[0], rtol=1e-6) and ratios[0] > 1.0 + 1e-6) and not bool(
        np.allclose(np.diff(values), values[1] - values[0], rtol=1e-6)
    )


# ----------------------------------------------------------------------------------------------
# The entry point
# ----------------------------------------------------------------------------------------------
def scan(
    experiment: Experiment | str,
    model: str,
    *,
    data: Any = None,
    statistic: str | None = None,
    sigma_signal: float | None = None,
    sigma_backgrounds: float | Sequence[float] | None = None,
    truth: Mapping[str, float] | None = None,
    reference: str = "minimum",
    time_cut: bool = True,
    method: str = "auto",
    client: Any = None,
    chunk_rows: int | None = None,
    progress: Any = None,
    **axes: ArrayLike,
) -> ScanResult:
    """Scan a new-physics model on a 1-D or 2-D grid and compute χ² and Δχ² (module docstring).

    Parameters
    ----------
    experiment : Experiment or str
        The experiment (or a preset name): source, detector, exposure, form factor and the
        Standard-Model inputs (its ``physics``; None: the default SM).
    model : str
        One of :func:`scan_models`.
    data : str or Dataset, optional
        A data set (e.g. ``"coherent_csi_2017"``) to fit; default: Asimov sensitivity.
    statistic : str, optional
        Asimov: ``"gaussian"`` (default) or ``"poisson"``; data: the data set's own by default
        (``"gaussian_coherent"``, ``"gaussian"`` or ``"poisson"``).
    sigma_signal : float, optional
        Signal-normalisation uncertainty σ_α (fraction; 0/None fixes the normalisation for a
        given value, ``math.inf`` frees it). Default: the published relative uncertainty of the
        preset's prediction (Asimov) or the data set's.
    sigma_backgrounds : float or sequence, optional
        Background normalisation uncertainties (data only; default the data set's).
    truth : mapping, optional
        Asimov data generated at these axis values (missing axes: no new physics).
    reference : {"minimum", "sm"}
        Δχ² relative to the minimum (grid ∪ no-new-physics point) or to the SM point.
    time_cut : bool
        Data only: apply the data set's arrival-time acceptance to the prediction.
    method : {"auto", "fast", "generic"}
        Kernel reuse (``"fast"``, default when available) or one NewPhysics per point.
    client : dask.distributed.Client or str, optional
        Run the row chunks on a Dask cluster (a Client, or a scheduler address to connect to).
    chunk_rows : int, optional
        Rows of the first axis per chunk (default: ~4·10⁶ grid × recoil-node elements per chunk
        on the fast path, one row on the generic path).
    progress : bool or callable, optional
        ``True``: text progress bar on stderr; a callable receives ``(done, total)`` chunks.
    **axes : array_like
        One or two axes of the model, e.g. ``coupling=g, mass_MeV=M`` (1-D, strictly increasing).

    Returns
    -------
    ScanResult

    Raises
    ------
    CevnsError
        Unknown model, axis or option; empty, non-finite, out-of-range or non-increasing axis
        values (e.g. a negative mass); an unknown data set or one in another observable; a
        multi-dimensional data set; ``method="fast"`` where only the generic path applies.

    Examples
    --------
    >>> res = scan("coherent_csi_2017", "zprime", coupling=[1e-4, 1e-3], mass_MeV=[10.0, 1e3])
    >>> res.delta_chi2.shape, round(float(res.counts[0, 1]), 1)
    ((2, 2), 171.7)
    """
    started = time.perf_counter()
    if isinstance(experiment, str):
        from .experiment import experiment as preset

        experiment = preset(experiment)
    if not isinstance(experiment, Experiment):
        raise CevnsError(
            f"experiment must be an Experiment or a preset name, got {type(experiment).__name__}"
        )
    check_choice(model, "scan model", SCAN_MODELS)
    spec = SCAN_MODELS[model]
    names, values = _check_axes(spec, axes)
    check_choice(reference, "reference", REFERENCES)
    check_choice(method, "method", _METHODS)
    base, base_params = _base_physics(experiment)

    # no-new-physics point (sin²θ_W: the experiment's own value)
    null = {a.name: a.null for a in spec.axes}
    if "sin2_theta_W" in null:
        null["sin2_theta_W"] = float(base.sin2_theta_W)
        if base.couplings != "tree" and (
            "sin2_theta_W" in names or (truth and "sin2_theta_W" in truth)
        ):
            raise CevnsError(
                "sin²θ_W enters only the tree-level couplings; the experiment's physics uses "
                f"couplings={base.couplings!r}"
            )
    truth_point = dict(null)
    if truth is not None:
        if not isinstance(truth, Mapping):
            raise CevnsError(f"truth must be a mapping axis → value, got {truth!r}")
        for k, v in truth.items():
            arr = spec.axis(k).check(v, "truth")
            if arr.ndim != 0:
                raise CevnsError(f"truth {k} must be a single number")
            truth_point[k] = float(arr)

    # bins and per-flavour acceptance
    det = experiment.detector
    experiment._check_threshold()
    factors = dict(experiment.timing_fractions())
    ds = None
    if data is not None:
        ds = _load_data(data)
        if len(ds.shape) > 1:
            raise CevnsError(
                f"scans support 1-D data sets; {ds.name} has cells {ds.shape} "
                "(use its energy projection, e.g. 'coherent_lar_2020')"
            )
        if det.observable != ds.observable:
            raise CevnsError(
                f"the experiment {experiment.name} counts in {det.observable} but the data set "
                f"{ds.name} is binned in {ds.observable}"
            )
        edges = np.asarray(ds.bin_edges, dtype=float)
        if time_cut:
            for f in experiment.source.flavours():
                factors[f] = factors.get(f, 1.0) * ds.signal_time_fraction.get(f, 1.0)
    else:
        edges = np.asarray(experiment.analysis_bins(), dtype=float)
    n_bins = edges.size - 1
    # a grid point with dσ/dT ∝ 1/T (magnetic moment) on a detector that counts T → 0 has an
    # infinite count: probe the grid's largest values once, as binned_counts would
    if type(base) in (StandardModel, NewPhysics):
        probe = dict(null)
        for n, v in zip(names, values, strict=True):
            probe[n] = float(v[np.argmax(np.abs(v))])
        probe_params, _ = spec.settings(probe, base)
        physics = NewPhysics(**{**base_params, **probe_params})
        _check_finite_count(physics, experiment.source, det, edges)

    # path
    why_not = _fast_available(spec, base, experiment)
    if method == "fast" and why_not is not None:
        raise CevnsError(f"the fast path is not available: {why_not}")
    path = "generic" if (method == "generic" or why_not is not None) else "fast"
    if path == "generic" and type(base) not in (StandardModel, NewPhysics):
        raise CevnsError(f"cannot scan on top of a {type(base).__name__} physics model")

    ff = experiment.form_factor
    job = _Job(
        model=model,
        names=names,
        values=values,
        method=path,
        n_bins=n_bins,
        chunk_rows=1,
        source=experiment.source,
        detector=det,
        edges=edges,
        form_factor=ff,
        exposure=experiment.exposure_factor,
        factors=factors,
        base_params=base_params,
        ff_name=ff if isinstance(ff, str) else "helm",
        ff_params=experiment.form_factor_options().get("form_factor_params", {}),
        options={
            "null": {},
            "scalar_charge": getattr(base, "scalar_charge", "eos2008"),
            "radius_coefficient": CHARGE_RADIUS_COUPLING_PER_CM2
            * (2.0 if getattr(base, "charge_radius_convention", "coupling") == "review" else 1.0),
            "mm_exact": bool(getattr(base, "mm_exact", False)),
            "couplings": base.couplings,
            "sterile_baseline_m": getattr(base, "sterile_baseline_m", None),
        },
    )
    job.options["null"] = {k: v for k, v in null.items()}
    if path == "fast":
        _build_blocks(job, experiment, base, spec.flavour_dependent or base.needs_flavour)
    if chunk_rows is None:
        if path == "fast":
            n_T = max((b.T.size for b in job.blocks), default=1)
            per_row = max(n_T, 1) * (values[1].size if len(values) > 1 else 1)
            chunk_rows = max(1, _FAST_BUDGET // per_row)
        else:
            chunk_rows = 1 if len(values) > 1 else max(1, -(-values[0].size // _GENERIC_CHUNKS_1D))
    elif isinstance(chunk_rows, bool) or not isinstance(chunk_rows, int | np.integer):
        raise CevnsError(f"chunk_rows must be a positive integer, got {chunk_rows!r}")
    if chunk_rows < 1:
        raise CevnsError(f"chunk_rows must be a positive integer, got {chunk_rows!r}")
    job.chunk_rows = int(chunk_rows)

    # the grid
    report = _progress_callback(progress, f"scan {model}")
    t0 = time.perf_counter()
    if client is None:
        pieces = _run_local(job, report)
        backend = "local"
    else:
        pieces = _run_dask(job, client, report)
        backend = "dask"
    grid_seconds = time.perf_counter() - t0
    bin_counts = np.concatenate(pieces, axis=0)

    # reference predictions: no new physics and the Asimov truth
    def predict(point: dict[str, float]) -> Array:
        one = {a.name: np.array([point[a.name]]) for a in spec.axes}
        counts = _fast_counts(job, one) if path == "fast" else _generic_counts(job, one)
        return counts.reshape(n_bins)

    signal_null = predict(null)
    same_truth = all(
        (math.isnan(truth_point[k]) and math.isnan(null[k])) or truth_point[k] == null[k]
        for k in null
    )

    # χ²
    if ds is None:
        stat = check_choice(statistic or "gaussian", "Asimov statistic", _STATISTICS_ASIMOV)
        if sigma_backgrounds is not None:
            raise CevnsError("sigma_backgrounds applies to data sets (Asimov data have none)")
        observed = signal_null if same_truth else predict(truth_point)
        s_alpha = _published_sigma(experiment) if sigma_signal is None else sigma_signal
        keep = observed > 0
        if not np.any(keep):
            raise CevnsError(f"{experiment.name}: no events are expected in the analysis bins")

        def chi2_of(signals: Array) -> Array:
            if stat == "gaussian":
                return gaussian_chi2(
                    observed[keep],
                    signals[..., keep],
                    variance=observed[keep],
                    sigma_signal=s_alpha,
                    sigma_backgrounds=None,
                )
            return poisson_chi2(observed, signals, sigma_signal=s_alpha, sigma_backgrounds=None)

        data_name = None
    else:
        if truth is not None:
            raise CevnsError("truth applies to Asimov data; it cannot be combined with data")
        from .fits import dataset_chi2

        stat = statistic or ds.statistic
        s_alpha = ds.signal_uncertainty if sigma_signal is None else sigma_signal
        observed = np.asarray(ds.observed, dtype=float)

        def chi2_of(signals: Array) -> Array:
            return dataset_chi2(
                ds,
                signals,
                statistic=stat,
                sigma_signal=s_alpha,
                sigma_backgrounds=sigma_backgrounds,
            )

        data_name = ds.name

    chi2 = np.asarray(chi2_of(bin_counts), dtype=float)
    chi2_null = float(chi2_of(signal_null[None, :])[0])
    info = {
        "experiment": experiment.name,
        "model_title": spec.title,
        "figure": spec.figure,
        "data": data_name,
        "statistic": stat,
        "sigma_signal": s_alpha,
        "truth": {k: (None if math.isnan(v) else v) for k, v in truth_point.items()},
        "path": path,
        "fast_path_unavailable": why_not,
        "backend": backend,
        "chunks": len(pieces),
        "chunk_rows": job.chunk_rows,
        "grid_seconds": grid_seconds,
        "total_seconds": time.perf_counter() - started,
        "observable": det.observable,
    }
    return ScanResult(
        model=model,
        axes=dict(zip(names, values, strict=True)),
        bin_counts=bin_counts,
        chi2=chi2,
        chi2_null=chi2_null,
        null_point=null,
        reference=reference,
        bin_edges=edges,
        observed=observed,
        info=info,
    )
