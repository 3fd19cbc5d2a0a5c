"""The polynomial route of the fast path: scan counts as closed-form polynomials.

Most scan models change dσ/dT through terms that are affine in a few monomials of the scanned
axes (``ScanVariant.polynomial``): the Z′ charge shift is g² × (couplings per g²) × propagator(M),
the vector-NSI shift ε^u A_u(T) + ε^d A_d(T), a magnetic moment adds μ² × (…), the sterile flux
factor is affine in sin²2θ and 𝒬_V in sin²θ_W. The integrand vfac 𝒬² KB + Σ_k X_k I_k of the
engine (:mod:`.engine`) is then a polynomial in the monomials m_j, and so are the counts in
every bin (or cell)::

    N_b(x, y) = Σ_α m^α(x) C_α,b(y),

x the polynomial axes, y the other scanned axis (if any), α running over products of up to three
monomials. The coefficients C_α(y) are computed once per value of y with the effect's own scan
terms (a Z′ propagator once per mass, not once per chunk of grid rows); a grid of n_x × n_y
points then costs n_α operations per point and bin instead of one per recoil node, and a Gaussian
χ² needs only Gram matrices Σ_b w_b C_α,b C_β,b (:mod:`.statistic`): on large grids the bin
counts need not exist at all (:class:`PolynomialTable` evaluates them on demand).

How the coefficients are found: with the rescaled monomials m̃_j = Π_a (x_a/v_a)^{p_ja} (v_a the
largest |value| of axis a on the grid), every term P is evaluated at x = 0 and at one probe
point per monomial (points with coordinates in {0, ±1, ½}), and P = P₀ + Σ_j m̃_j P_j follows from
a small linear solve. Two further points (coordinates 0.37, 0.83, 0.71, …) check the declaration:
where a term there differs from its reconstruction by more than 1e-10 of its size, the route is
refused with the reason (and the scan uses the kernels per grid point). Rounding: a count is
a sum of non-negative pieces only away from cancellations; where the new physics cancels the
SM amplitude (the Z′ "mirror" band, NSI degeneracies) the polynomial loses the digits a direct
evaluation keeps, ~1e-16 of the Standard-Model count in absolute terms.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .catalogue import ScanModel

__all__ = ["PolynomialTable", "build_table"]

Array = NDArray[np.float64]

# Elements (values of the other axis × recoil nodes) per evaluation of the scan terms.
_BUDGET = 400_000
_CHECK_TOL = 1e-10
_CHECKS = ((0.37, 0.71), (0.83, 0.29))


@dataclass
class PolynomialTable:
    """Counts on a scan grid as Σ_α m^α(x) C_α(y) (module docstring).

    Attributes
    ----------
    names, values : tuple
        The scanned axes in grid order and their values.
    poly : tuple of int
        Indices (into ``names``) of the polynomial axes x.
    other : int or None
        Index of the other scanned axis y (the coefficients depend on it), or None.
    exponents : ndarray (n_monomials, len(poly))
        Powers of the polynomial axes in each monomial.
    scale : ndarray (len(poly),)
        v_a: the monomials are evaluated in x_a / v_a.
    keys : tuple of tuple
        Products of monomials (indices into ``exponents``); ``keys[0] == ()``, the constant.
    coeffs : ndarray (n_keys, n_y, n_out)
        C_α per value of y (n_y = 1 without another axis) and output bin/cell.
    """

    names: tuple[str, ...]
    values: tuple[Array, ...]
    poly: tuple[int, ...]
    other: int | None
    exponents: Array
    scale: Array
    keys: tuple[tuple[int, ...], ...]
    coeffs: Array

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(v.size for v in self.values)

    @property
    def n_out(self) -> int:
        return int(self.coeffs.shape[-1])

    # ------------------------------------------------------------------ layout of a chunk
    def _points(self, lo: int, hi: int) -> tuple[list[Array], slice]:
        """Values of the polynomial axes at the x-points of rows lo:hi, and the y slice.

        Canonical layout: x-points p × y-values o. Both axes polynomial: p runs over the rows'
        sub-grid (C order); axis 0 polynomial: p = rows, o = all of axis 1; axis 1 polynomial:
        p = axis 1, o = rows.
        """
        rows = self.values[0][lo:hi]
        if self.other is None and len(self.values) == 2:
            a0, a1 = np.meshgrid(rows, self.values[1], indexing="ij")
            return [a0.ravel(), a1.ravel()], slice(0, 1)
        if self.other is None:
            return [rows], slice(0, 1)
        if self.other == 1:
            return [rows], slice(None)
        return [self.values[1]], slice(lo, hi)

    def monomials(self, lo: int, hi: int) -> tuple[Array, slice]:
        """m^α at the x-points of rows lo:hi: (n_keys, n_points), and the y slice."""
        xs, ys = self._points(lo, hi)
        n = xs[0].size
        single = np.ones((self.exponents.shape[0], n))
        for a, x in enumerate(xs):
            scaled = x / self.scale[a]
            for j, power in enumerate(self.exponents[:, a]):
                if power:
                    single[j] *= scaled**power
        out = np.empty((len(self.keys), n))
        for k, key in enumerate(self.keys):
            out[k] = 1.0
            for j in key:
                out[k] *= single[j]
        return out, ys

    def arrange(self, values: Array, lo: int, hi: int) -> Array:
        """(n_points, n_y, …) of the canonical layout → grid rows lo:hi, (hi − lo, [n₁], …)."""
        tail = values.shape[2:]
        if self.other is None:
            return values.reshape(hi - lo, *self.shape[1:], *tail)
        if self.other == 1:
            return values
        return np.swapaxes(values, 0, 1)

    # ------------------------------------------------------------------ evaluation
    def counts(self, lo: int, hi: int) -> Array:
        """Counts per output for rows lo:hi of the grid: (hi − lo, [n₁], n_out)."""
        mono, ys = self.monomials(lo, hi)
        C = self.coeffs[:, ys, :]
        flat = mono.T @ C.reshape(C.shape[0], -1)
        out = self.arrange(flat.reshape(mono.shape[1], C.shape[1], C.shape[2]), lo, hi)
        return np.clip(out, 0.0, None)

    def totals(self, lo: int, hi: int) -> Array:
        """Counts summed over the outputs for rows lo:hi: (hi − lo, [n₁])."""
        mono, ys = self.monomials(lo, hi)
        C = self.coeffs[:, ys, :].sum(axis=-1)
        values = np.clip(mono.T @ C, 0.0, None)
        return self.arrange(values[:, :, None], lo, hi)[..., 0]

    def quadratic(self, gram: Array, mono: Array, ys: slice) -> Array:
        """Σ_αβ m^α G_αβ(y) m^β for the points of ``mono``: (n_points, n_y)."""
        G = gram[ys]
        n_y, a, b = G.shape
        T = (G.reshape(n_y * a, b) @ mono).reshape(n_y, a, -1)
        return np.einsum("ap,oap->po", mono, T)

    def linear(self, vec: Array, mono: Array, ys: slice) -> Array:
        """Σ_α m^α V_α…(y): (n_points, n_y, …) for V of shape (n_y_all, n_keys, …)."""
        V = vec[ys]
        return np.einsum("ap,oa...->po...", mono, V)


# ---------------------------------------------------------------------------------- building
def build_table(
    jobs: list[Any], model: ScanModel, names: tuple[str, ...], values: tuple[Array, ...]
) -> PolynomialTable | str:
    """The coefficients of every part (one :class:`~.engine.Job` each, their outputs
    concatenated), or the reason the polynomial route does not apply."""
    if not model.polynomial:
        return f"model {model.name!r} declares no polynomial structure"
    declared = [dict(m) for m in model.polynomial]
    in_monomials = {a for m in declared for a in m}
    poly = tuple(i for i, n in enumerate(names) if n in in_monomials)
    if not poly:
        return "no axis of the model's polynomial structure is scanned"
    others = [i for i in range(len(names)) if i not in poly]
    other = others[0] if others else None
    null = jobs[0].null_point()
    monomials = []
    for m in declared:
        fixed = [a for a in m if a not in names]
        if any(null[a] != 0.0 for a in fixed):
            return f"the unscanned axes {fixed} are not 0 at the null point"
        if not fixed:
            monomials.append(m)
    poly_names = [names[i] for i in poly]
    exponents = np.array([[m.get(a, 0) for a in poly_names] for m in monomials], dtype=int)
    scale = np.array([float(np.max(np.abs(values[i]))) or 1.0 for i in poly])
    negative = [model.axis(n).minimum < 0 for n in poly_names]
    probes = _probes(exponents, negative)
    if probes is None:
        return "the declared monomials cannot be told apart"
    probe_matrix = np.array([_scaled_monomials(exponents, c) for c in probes])
    inverse = np.linalg.inv(probe_matrix)
    checks = [_scaled_monomials(exponents, c[: len(poly)]) for c in _CHECKS]

    n_y = values[other].size if other is not None else 1
    n_T = max((b.T.size for job in jobs for b in job.blocks), default=1)
    step = max(1, _BUDGET // max(n_T, 1))
    chunks: list[dict[tuple[int, ...], Array]] = []
    for lo in range(0, n_y, step):
        hi = min(lo + step, n_y)
        y = None if other is None else values[other][lo:hi]
        parts = []
        for job in jobs:
            found = _part_coefficients(
                job, model, names, poly_names, y, scale, probes, inverse, checks, null
            )
            if isinstance(found, str):
                return found
            parts.append((found, job.n_out))
        chunks.append(_concatenate(parts, hi - lo))
    keys = sorted({k for c in chunks for k in c} | {()}, key=lambda k: (len(k), k))
    n_out = sum(job.n_out for job in jobs)
    coeffs = np.zeros((len(keys), n_y, n_out))
    lo = 0
    for c in chunks:
        size = next(iter(c.values())).shape[0] if c else 0
        for k, key in enumerate(keys):
            if key in c:
                coeffs[k, lo : lo + size] = c[key]
        lo += size
    return PolynomialTable(
        names=names,
        values=values,
        poly=poly,
        other=other,
        exponents=exponents,
        scale=scale,
        keys=tuple(keys),
        coeffs=coeffs,
    )


def _scaled_monomials(exponents: Array, coords: tuple[float, ...]) -> Array:
    return np.array(
        [np.prod([c**p for c, p in zip(coords, row, strict=True)]) for row in exponents]
    )


def _probes(exponents: Array, negative: list[bool]) -> list[tuple[float, ...]] | None:
    """One point per monomial (scaled coordinates) with an invertible monomial matrix."""
    levels = [(0.0, 1.0, -1.0, 0.5, -0.5) if neg else (0.0, 1.0, 0.5, 0.25) for neg in negative]
    chosen: list[tuple[float, ...]] = []
    rows: list[Array] = []
    J = exponents.shape[0]
    for point in itertools.product(*levels):
        if not any(point):
            continue
        row = _scaled_monomials(exponents, point)
        if np.linalg.matrix_rank(np.array([*rows, row])) > len(rows):
            chosen.append(point)
            rows.append(row)
            if len(chosen) == J:
                return chosen
    return None


def _concatenate(parts: list[tuple[dict, int]], n_y: int) -> dict[tuple[int, ...], Array]:
    """Coefficients of the parts side by side along the output axis."""
    keys = {k for found, _ in parts for k in found}
    total = sum(n for _, n in parts)
    out = {}
    for key in keys:
        arr = np.zeros((n_y, total))
        start = 0
        for found, n in parts:
            if key in found:
                arr[:, start : start + n] = found[key]
            start += n
        out[key] = arr
    return out


def _terms(model: ScanModel, job: Any, blk: Any, p: dict[str, Any]) -> dict[str, Array]:
    """The scan terms as (charge, KB, X0, X1, X2) pieces; absent pieces are omitted."""
    raw = model.terms(job, blk, p)
    return {k: np.asarray(v, dtype=float) for k, v in raw.items() if v is not None}


def _part_coefficients(
    job: Any,
    model: ScanModel,
    names: tuple[str, ...],
    poly_names: list[str],
    y: Array | None,
    scale: Array,
    probes: list[tuple[float, ...]],
    inverse: Array,
    checks: list[Array],
    null: dict[str, float],
) -> dict[tuple[int, ...], Array] | str:
    """C_α (n_y, n_out) of one part for the y values ``y`` (module docstring)."""
    n_y = 1 if y is None else y.size
    other_name = next((n for n in names if n not in poly_names), None)

    def point(coords: tuple[float, ...], ys: Array | None) -> dict[str, Any]:
        p: dict[str, Any] = {n: np.full((1, 1), v) for n, v in null.items()}
        for n, c, v in zip(poly_names, coords, scale, strict=True):
            p[n] = np.full((1, 1), c * v)
        if other_name is not None:
            p[other_name] = np.asarray(ys, dtype=float).reshape(-1, 1)
        return p

    zero = tuple(0.0 for _ in poly_names)
    check_points = [c[: len(poly_names)] for c in _CHECKS]
    # the declaration is checked at three values of the other axis (first, middle, last):
    # cheap even where the terms are costly (the sterile flux kernels per Δm²)
    sample = np.unique([0, n_y // 2, n_y - 1])
    y_sample = None if y is None else y[sample]
    out: dict[tuple[int, ...], Array] = {}
    for blk in job.blocks:
        evaluations = [_terms(model, job, blk, point(c, y)) for c in (zero, *probes)]
        evaluations += [_terms(model, job, blk, point(c, y_sample)) for c in check_points]
        base, at_probes = evaluations[0], evaluations[1 : 1 + len(probes)]
        at_checks = evaluations[1 + len(probes) :]
        full_charge = any("Q" in e for e in evaluations)
        full_kb = any("KB" in e for e in evaluations)
        pieces: dict[str, list[Array]] = {}
        for name in ("charge", "KB", "X0", "X1", "X2"):
            if name == "KB" and not full_kb:
                continue

            def value(e: dict[str, Array], name=name, blk=blk, full=full_charge) -> Any:
                return _piece(e, name, blk, full)

            P0 = np.broadcast_to(value(base), (n_y, blk.T.size))
            diffs = np.array([np.broadcast_to(value(e), (n_y, blk.T.size)) - P0 for e in at_probes])
            coefficients = np.tensordot(inverse, diffs, axes=(1, 0))  # (J, n_y, n_T)
            if not np.any(P0) and not np.any(coefficients):
                continue
            P0s, coefficient_s = P0[sample], coefficients[:, sample]
            for m, e in zip(checks, at_checks, strict=True):
                rebuilt = P0s + np.tensordot(m, coefficient_s, axes=(0, 0))
                size = np.abs(P0s) + np.tensordot(np.abs(m), np.abs(coefficient_s), axes=(0, 0))
                error = np.abs(np.broadcast_to(value(e), rebuilt.shape) - rebuilt)
                if np.any(error > _CHECK_TOL * size + 1e-300):
                    worst = float(np.max(error / np.maximum(size, 1e-300)))
                    return (
                        f"the scan terms of {model.name!r} are not affine in the declared "
                        f"monomials (term {name}: relative mismatch {worst:.1e})"
                    )
            pieces[name] = [P0, *coefficients]
        # the integrand as a polynomial: {key: array (n_y or 1, n_T)}
        charge = pieces.get("charge")
        if charge is None:
            Q = {(): blk.Q_sm[None, :]}
        elif full_charge:
            Q = _poly(charge)
        else:
            Q = _poly([blk.Q_sm[None, :] + charge[0], *charge[1:]])
        KB = _poly(pieces["KB"]) if "KB" in pieces else {(): (blk.vfac * blk.KB)[None, :]}
        if "KB" in pieces:
            KB = {k: blk.vfac * v for k, v in KB.items()}
        integrand = _multiply(_multiply(Q, Q), KB)
        for k in range(3):
            if f"X{k}" in pieces:
                X = _poly(pieces[f"X{k}"])
                for key, v in X.items():
                    term = v * blk.K[k]
                    integrand[key] = integrand[key] + term if key in integrand else term
        for key, arr in integrand.items():
            full = np.broadcast_to(arr, (n_y, blk.T.size))
            part = blk.contract(full, job.n_bins)
            out[key] = out[key] + part if key in out else part
    return out


def _piece(e: dict[str, Array], name: str, blk: Any, full_charge: bool) -> Array | float:
    """One term of an evaluation: the charge (𝒬 or δ𝒬), KB, or an incoherent X_k."""
    if name == "charge":
        if full_charge:
            return e["Q"] if "Q" in e else blk.Q_sm + e.get("dQ", 0.0)
        return e.get("dQ", 0.0)
    if name == "KB":
        return e.get("KB", blk.KB)
    return e.get(name, 0.0)


def _poly(pieces: list[Array]) -> dict[tuple[int, ...], Array]:
    """{(): P₀, (j,): P_j} without the coefficients that vanish identically."""
    out = {(): pieces[0]}
    for j, p in enumerate(pieces[1:]):
        if np.any(p):
            out[(j,)] = p
    return out


def _multiply(a: dict, b: dict) -> dict[tuple[int, ...], Array]:
    out: dict[tuple[int, ...], Array] = {}
    for ka, va in a.items():
        for kb, vb in b.items():
            key = tuple(sorted(ka + kb))
            term = va * vb
            out[key] = out[key] + term if key in out else term
    return out
