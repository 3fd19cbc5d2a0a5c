"""The scan engine: kernels per isotope and flavour group, the fast and the generic paths.

Every scan model changes dσ/dT only through T-dependent coefficients (Z′/scalar propagators,
NSI charges, radii, moments, form factors) or, for the sterile models, through an E-dependent
factor on the flux (DESIGN §6). The fast path therefore builds once per (isotope, flavour group)
the flux moments I_k(T) at the recoil quadrature nodes, the bracket B(T) = I₀ − T I₁ − MT/2 I₂,
the quadrature weights × target count × exposure × timing acceptance, and the detector response
matrix (:class:`Block`); a grid is then a broadcast of the effect's scan terms over (grid, T) —
the same functions of its module that give the per-point coefficients of ``NewPhysics`` — and
one contraction with the response, e.g. for a Z′: 𝒬(T; g, M) = 𝒬_SM(T) + g² Q′(T)/(√2 G_F(q² +
M²)). The generic path builds a ``NewPhysics`` per grid point and calls the rate engine (slow
but exact); both agree to rounding (tests/core/scans/test_engine.py).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..cross_sections import CrossSectionConfig
from ..experiment import Experiment
from ..flavours import lepton_of
from ..nuclei import isotope
from ..physics import NewPhysics
from ..rates import _recoil_nodes, binned_counts, flux_kernel
from ..units import G_F_MeV2, HBARC2_MeV2_cm2
from ..weak_charges import StandardModel, flavour_radius_shift
from .catalogue import SCAN_MODELS, ScanModel

__all__ = [
    "Block",
    "Job",
    "base_physics",
    "build_blocks",
    "fast_available",
    "fast_counts",
    "generic_counts",
    "physics_values",
    "scan_rows",
]

Array = NDArray[np.float64]


@dataclass
class Block:
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
    out_map: Array | None = None  # (n_bins, n_out): bins → cells of a multi-dimensional data set

    def contract(self, integrand: Array, n_bins: int) -> Array:
        """Σ_T integrand(…, T) × response(T, bin) [→ cells]: shape (…, n_out)."""
        integrand = np.asarray(integrand)
        lead = integrand.shape[:-1]
        flat = integrand.reshape(-1, self.T.size)
        if self.runs is not None:
            # every node lies in one bin (no smearing): its response is folded into the
            # scales, and the contraction is a sum over each run of nodes (no BLAS call)
            starts, bins = self.runs
            part = np.zeros((flat.shape[0], n_bins))
            part[:, bins] = np.add.reduceat(flat, starts, axis=1)
        else:
            part = flat @ self.RT
        if self.out_map is not None:
            part = part @ self.out_map
        return part.reshape(*lead, part.shape[-1])


@dataclass
class Job:
    """Everything a chunk needs (picklable: sent once to Dask workers)."""

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
    # per flavour, a linear map (n_bins, n_out) of the bin counts onto the cells of a
    # multi-dimensional data set (time, F90 ...); empty: the output is the bins themselves
    maps: dict[str, Array] = field(default_factory=dict)
    base_params: dict[str, Any] = field(default_factory=dict)
    # fast path: kernels, and NewPhysics defaults ⊕ the experiment's physics (the values the
    # effects' scan terms read besides the scanned ones)
    blocks: list[Block] = field(default_factory=list)
    physics_values: dict[str, Any] = field(default_factory=dict)
    null: dict[str, float] = field(default_factory=dict)
    ff_name: str = "helm"
    ff_params: dict[str, Any] = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(v.size for v in self.values)

    @property
    def n_out(self) -> int:
        """Outputs per grid point: the bins, or the cells of ``maps``."""
        return next(iter(self.maps.values())).shape[1] if self.maps else self.n_bins

    def chunks(self) -> list[tuple[int, int]]:
        n = self.values[0].size
        return [(lo, min(lo + self.chunk_rows, n)) for lo in range(0, n, self.chunk_rows)]

    def null_point(self) -> dict[str, float]:
        return {a.name: a.null for a in SCAN_MODELS[self.model].axes} | self.null


def scan_rows(job: Job, lo: int, hi: int) -> Array:
    """Signal counts per bin for rows lo:hi of the grid: shape (hi − lo, [n₁,] n_bins).

    The task function of the local and the Dask backends (importable by workers).
    """
    sub = (job.values[0][lo:hi], *job.values[1:])
    if job.method == "fast":
        return fast_counts(job, dict(zip(job.names, sub, strict=True)))
    return generic_counts(job, dict(zip(job.names, sub, strict=True)))


def _point_arrays(job: Job, axes: Mapping[str, Array]) -> tuple[dict[str, Array], tuple]:
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


def fast_counts(job: Job, axes: Mapping[str, Array]) -> Array:
    p, shape = _point_arrays(job, axes)
    model = SCAN_MODELS[job.model]
    out = np.zeros((*shape, job.n_out))
    for blk in job.blocks:
        terms = model.terms(job, blk, p)
        if "dQ" in terms:  # a shift of the SM charge, squared in place
            Q2 = _plus_in_place(terms["dQ"], blk.Q_sm)
            np.multiply(Q2, Q2, out=Q2)
        elif "Q" in terms:
            Q2 = terms["Q"] * terms["Q"]
        else:
            Q2 = blk.Q_sm * blk.Q_sm
        if "KB" in terms:
            integrand = (blk.vfac * Q2) * terms["KB"]
        else:
            integrand = _times_in_place(Q2, blk.vfac * blk.KB)
        for k in range(3):
            extra = terms.get(f"X{k}")
            if extra is not None:
                integrand = integrand + extra * blk.K[k]
        out += blk.contract(integrand, job.n_bins)
    return np.clip(out, 0.0, None, out=out)


def _plus_in_place(fresh: Any, other: Array) -> Array:
    """``fresh + other``, written into ``fresh`` when it is a full-size temporary of the scan
    terms (they hand over their arrays): no second grid-sized allocation."""
    if (
        isinstance(fresh, np.ndarray)
        and fresh.dtype == np.float64
        and fresh.flags.owndata
        and fresh.flags.writeable
        and np.broadcast_shapes(fresh.shape, other.shape) == fresh.shape
    ):
        return np.add(fresh, other, out=fresh)
    return other + fresh


def _times_in_place(fresh: Array, other: Array) -> Array:
    """``fresh * other`` into ``fresh`` (a temporary of this loop) when the shapes allow."""
    if np.broadcast_shapes(fresh.shape, other.shape) == fresh.shape:
        return np.multiply(fresh, other, out=fresh)
    return fresh * other


def generic_counts(job: Job, axes: Mapping[str, Array]) -> Array:
    names = list(axes)
    shape = tuple(np.asarray(axes[n]).size for n in names)
    out = np.zeros((*shape, job.n_out))
    null = job.null_point()
    for index in np.ndindex(*shape):
        point = dict(null)
        for n, i in zip(names, index, strict=True):
            point[n] = float(np.asarray(axes[n])[i])
        out[index] = _generic_point(job, point)
    return out


def _generic_point(job: Job, point: dict[str, float]) -> Array:
    """One grid point the slow, exact way: a NewPhysics model and the rate engine."""
    physics_params, ff_params = SCAN_MODELS[job.model].settings(point)
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
    total = np.zeros(job.n_out)
    for flavour, values in counts.items():
        values = job.factors.get(flavour, 1.0) * values
        total = total + (values @ job.maps[flavour] if job.maps else values)
    return total


# ----------------------------------------------------------------------------------------------
# Building a job
# ----------------------------------------------------------------------------------------------
def base_physics(exp: Experiment) -> tuple[StandardModel, dict[str, Any]]:
    """The experiment's physics (the default SM when None) and its parameter values."""
    base = exp.physics if exp.physics is not None else StandardModel()
    params = {k: v for k, v in base.param.values().items() if k != "name"}
    return base, params


def physics_values(base_params: Mapping[str, Any]) -> dict[str, Any]:
    """Every NewPhysics parameter: its default, or the experiment's value (``base_params``)."""
    defaults = {
        k: p.default for k, p in NewPhysics.param.objects("existing").items() if k != "name"
    }
    return {**defaults, **base_params}


def fast_available(model: ScanModel, base: StandardModel, exp: Experiment) -> str | None:
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
    if model.effect is None and not isinstance(exp.form_factor, str):
        return "a neutron-radius scan needs a form-factor model name"
    return None


def build_blocks(job: Job, exp: Experiment, base: StandardModel, grouped: bool) -> None:
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
        groups: dict[tuple[str | None, int], list[str]] = {}
        maps: list[Array] = []  # distinct output maps: flavours with equal maps share a block
        for flavour in source.flavours():
            index = 0
            if job.maps:
                found = [k for k, m in enumerate(maps) if np.array_equal(m, job.maps[flavour])]
                if not found:
                    maps.append(job.maps[flavour])
                index = found[0] if found else len(maps) - 1
            key = lepton_of(flavour) if grouped else None
            groups.setdefault((key, index), []).append(flavour)
        for (lepton, map_index), flavours in groups.items():
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
                Block(
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
                    out_map=maps[map_index] if job.maps else None,
                )
            )
