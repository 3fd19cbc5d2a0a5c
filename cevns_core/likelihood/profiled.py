"""Two-parameter fits on a (joint) likelihood, one parameter profiled on a grid.

The combined CEvNS + atomic-parity-violation analyses (Atzori Corona et al., EPJC 83 (2023) 683,
arXiv:2303.09360, quoted by the CDG review) fit two parameters at once:

* :func:`likelihood_sin2_theta_w_radius` — sin²θ_W and a neutron rms radius R_n shared by the
  target isotopes (or by some of them): "sin²θ_W with R_n free";
* :func:`likelihood_neutron_radii` — the neutron radii of two groups of isotopes (R_n(Cs) and
  R_n(I)) at fixed physics.

Both return a :class:`Profile2D`: χ² (every nuisance profiled) on the product grid, and
:meth:`Profile2D.profile` gives the 1-D profile of either parameter, the other minimised (the
minimum between grid points refined by a parabola through the three lowest points).

Speed: the predictions need no loop over the 2-D grid. The counts are an exact quadratic in
sin²θ_W at any R_n (three predictions per radius), and the counts of a compound target are the
sum of its isotopes' counts, so S(R_a, R_b) = S(R_a, b₀) + S(a₀, R_b) − S(a₀, b₀) for disjoint
isotope groups. Along R_n the predictions come from at most 21 nodes with a cubic spline; one
direct prediction off the nodes checks each construction (relative error < 1e-4, else every
grid radius is computed directly).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.interpolate import CubicSpline

from .._validation import as_array
from ..errors import CevnsError
from ..statistics import Profile1D
from ..weak_charges import StandardModel
from .fitting import _first_physics, _sin2_of, external_parameters
from .joint import Likelihood

__all__ = ["Profile2D", "likelihood_neutron_radii", "likelihood_sin2_theta_w_radius"]

Array = NDArray[np.float64]
_SPLINE_NODES = 21
_CHECK_RTOL = 1e-4


@dataclass(frozen=True)
class Profile2D:
    """χ² on a 2-D grid, every nuisance profiled.

    Attributes
    ----------
    parameters : (str, str)
        Names of the two parameters (axis 0, axis 1).
    axes : (ndarray, ndarray)
        Their grid values.
    chi2 : ndarray (n0, n1)
    nuisances : ndarray (n0, n1, K)
        Profiled nuisances (``info["nuisances"]`` names them).
    info : dict
    """

    parameters: tuple[str, str]
    axes: tuple[Array, Array]
    chi2: Array
    nuisances: Array
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def chi2_min(self) -> float:
        return float(np.min(self.chi2))

    @property
    def best_fit(self) -> dict[str, float]:
        """The grid point of the minimum χ²."""
        i, j = np.unravel_index(int(np.argmin(self.chi2)), self.chi2.shape)
        return {
            self.parameters[0]: float(self.axes[0][i]),
            self.parameters[1]: float(self.axes[1][j]),
        }

    def profile(self, parameter: str) -> Profile1D:
        """1-D profile of one parameter, the other minimised along its grid.

        The minimum over the other axis is refined by a parabola through the lowest grid point
        and its neighbours (a grid step of σ/3 then costs < 0.01 in Δχ²).
        """
        if parameter not in self.parameters:
            raise CevnsError(f"parameter must be one of {self.parameters}, got {parameter!r}")
        axis = self.parameters.index(parameter)
        chi2 = self.chi2 if axis == 0 else self.chi2.T
        nuis = self.nuisances if axis == 0 else self.nuisances.transpose(1, 0, 2)
        other = self.axes[1 - axis]
        k = np.argmin(chi2, axis=1)
        rows = np.arange(chi2.shape[0])
        refined = _parabolic_minimum(chi2, k, other)
        info = {
            **self.info,
            "profiled": self.parameters[1 - axis],
            "profiled_at": other[k].tolist(),
        }
        return Profile1D(parameter, self.axes[axis], refined, nuis[rows, k], info)


def _parabolic_minimum(chi2: Array, k: Array, x: Array) -> Array:
    """Per row, the minimum of the parabola through (k−1, k, k+1) (the grid value at the ends)."""
    n = chi2.shape[1]
    best = chi2[np.arange(chi2.shape[0]), k].copy()
    if n < 3:
        return best
    inner = (k > 0) & (k < n - 1)
    r = np.nonzero(inner)[0]
    kk = k[r]
    x0, x1, x2 = x[kk - 1], x[kk], x[kk + 1]
    y0, y1, y2 = chi2[r, kk - 1], chi2[r, kk], chi2[r, kk + 1]
    # Lagrange parabola through the three points; its vertex value
    d0 = (x0 - x1) * (x0 - x2)
    d1 = (x1 - x0) * (x1 - x2)
    d2 = (x2 - x0) * (x2 - x1)
    a = y0 / d0 + y1 / d1 + y2 / d2
    b = -(y0 * (x1 + x2) / d0 + y1 * (x0 + x2) / d1 + y2 * (x0 + x1) / d2)
    c = y0 * x1 * x2 / d0 + y1 * x0 * x2 / d1 + y2 * x0 * x1 / d2
    ok = a > 0
    vertex = np.where(ok, c - b**2 / (4.0 * np.where(ok, a, 1.0)), y1)
    best[r] = np.minimum(y1, vertex)
    return best


def _grid(values: ArrayLike, name: str, default: tuple[float, float, int]) -> Array:
    g = as_array(np.linspace(*default) if values is None else values, name)
    if g.ndim != 1 or g.size < 2 or np.any(np.diff(g) <= 0):
        raise CevnsError(f"{name} must be a 1-D, strictly increasing array of ≥ 2 values")
    return g


def _along_radius(grid: Array, predict: Callable[[float], Array]) -> tuple[Array, bool]:
    """predict(R) on every grid radius: spline through ≤ 21 nodes, checked, else direct."""
    if grid.size > _SPLINE_NODES:
        nodes = np.linspace(grid[0], grid[-1], _SPLINE_NODES)
        spline = CubicSpline(nodes, np.array([predict(float(r)) for r in nodes]), axis=0)
        mid = 0.5 * (nodes[_SPLINE_NODES // 2] + nodes[_SPLINE_NODES // 2 + 1])
        direct = predict(float(mid))
        scale = max(float(np.max(np.abs(direct), initial=0.0)), 1e-300)
        if np.max(np.abs(spline(mid) - direct), initial=0.0) <= _CHECK_RTOL * scale:
            return spline(grid), True
    return np.array([predict(float(r)) for r in grid]), False


def _form_factor(lik: Likelihood, form_factor: str | None) -> str:
    if form_factor is not None:
        model = form_factor
    else:  # external terms alone: no prediction uses the form factor
        model = lik.parts[0].experiment.form_factor if lik.parts else "helm"
    if not isinstance(model, str):
        raise CevnsError("fitting R_n needs a form-factor model name (form_factor='helm', ...)")
    return model


def _check_radii(grid: Array, name: str) -> None:
    if grid[0] <= 0:
        raise CevnsError(f"{name} values must be > 0 fm")


def _chi2_grid(
    lik: Likelihood, signals: Array, parameters: Mapping[str, Any]
) -> tuple[Array, Array]:
    shape = signals.shape[:-1]
    flat = signals.reshape(int(np.prod(shape, dtype=int)), signals.shape[-1])
    params = {k: np.broadcast_to(v, shape).reshape(-1) for k, v in parameters.items()}
    if lik.external:
        chi2, nuis = lik.chi2(flat, return_nuisances=True, parameters=params)
    else:
        chi2, nuis = lik.chi2(flat, return_nuisances=True)
    return chi2.reshape(shape), nuis.reshape(*shape, -1)


def _info(lik: Likelihood, **extra: Any) -> dict[str, Any]:
    return {
        "datasets": list(lik.labels),
        "external": lik.external_names,
        "statistic": "poisson",
        "nuisances": lik.nuisance_names,
        "shared": list(lik.shared),
        **extra,
    }


def likelihood_sin2_theta_w_radius(
    lik: Likelihood,
    sin2_grid: ArrayLike | None = None,
    radius_grid: ArrayLike | None = None,
    *,
    nuclei: Sequence[str] | None = None,
    physics: StandardModel | None = None,
    form_factor: str | None = None,
) -> Profile2D:
    """χ²(sin²θ_W, R_n): the weak mixing angle and a neutron rms radius fitted together.

    Parameters
    ----------
    lik : Likelihood
        CEvNS data sets and external terms (e.g. ``["coherent_csi_2021", "apv_cs133"]``).
    sin2_grid : array_like, optional
        Default 0.20 to 0.28 by 0.001.
    radius_grid : array_like, optional
        R_n in fm; default 3.5 to 7.5 fm by 0.1 fm.
    nuclei : sequence of str, optional
        Isotopes sharing the radius (e.g. ``["Cs"]``); default every target isotope and every
        external term's isotope (R_n(Cs) = R_n(I) = R_n, as in "R_n free").
    physics : StandardModel, optional
        Model whose ``sin2_theta_W`` is scanned (tree-level couplings; default the SM).
    form_factor : str, optional
        Registry model name (default the experiment's).
    """
    s = _grid(sin2_grid, "sin2_grid", (0.20, 0.28, 81))
    if s[0] < 0 or s[-1] > 1:
        raise CevnsError("sin²θ_W grid values must lie in [0, 1]")
    r = _grid(radius_grid, "radius_grid", (3.5, 7.5, 41))
    _check_radii(r, "radius_grid")
    base = physics if physics is not None else (_first_physics(lik) or StandardModel())
    if not isinstance(base, StandardModel) or base.couplings != "tree":
        raise CevnsError("sin²θ_W is fitted with tree-level couplings: physics=StandardModel()")
    settings = {k: v for k, v in base.param.values().items() if k != "name"}
    model = _form_factor(lik, form_factor)
    s_nodes = np.array([0.0, 0.25, 0.5])

    def value(radius: float) -> Any:
        return radius if not nuclei else {str(n): radius for n in nuclei}

    def predict(sin2: float, radius: float) -> Array:
        phys = type(base)(**{**settings, "sin2_theta_W": sin2})
        return lik.predict(phys, form_factor=model, form_factor_params={"R_n_fm": value(radius)})

    def coefficients(radius: float) -> Array:
        # counts are c0 + c1 s + c2 s² in every cell at fixed R_n (𝒬_V linear in s)
        values = np.array([predict(float(x), radius) for x in s_nodes])
        return np.polynomial.polynomial.polyfit(s_nodes, values, 2).reshape(-1)

    coeffs, interpolated = _along_radius(r, coefficients)  # (n_r, 3 * n_cells)
    coeffs = coeffs.reshape(r.size, 3, -1)
    # one direct prediction off every node checks both constructions
    s_chk, r_chk = float(s[s.size // 2]), float(0.5 * (r[r.size // 2 - 1] + r[r.size // 2]))
    c_chk = CubicSpline(r, coeffs, axis=0)(r_chk)
    composed = c_chk[0] + c_chk[1] * s_chk + c_chk[2] * s_chk**2
    direct = predict(s_chk, r_chk)
    scale = max(float(np.max(direct, initial=0.0)), 1e-300)
    if np.max(np.abs(composed - direct), initial=0.0) > 10 * _CHECK_RTOL * scale:
        raise CevnsError("the counts are not quadratic in sin²θ_W for this physics model")
    signals = (
        coeffs[None, :, 0]
        + coeffs[None, :, 1] * s[:, None, None]
        + coeffs[None, :, 2] * s[:, None, None] ** 2
    )
    signals = np.clip(signals, 0.0, None)  # (n_s, n_r, n_cells)
    radii = {"*": r[None, :]} if not nuclei else {str(n): r[None, :] for n in nuclei}
    params = external_parameters(lik, s[:, None], radii)
    chi2, nuis = _chi2_grid(lik, signals, params)
    label = "R_n_fm" if not nuclei else f"R_n_fm[{','.join(map(str, nuclei))}]"
    info = _info(lik, form_factor=model, interpolated=interpolated)
    return Profile2D(("sin2_theta_W", label), (s, r), chi2, nuis, info)


def likelihood_neutron_radii(
    lik: Likelihood,
    nuclei: tuple[Sequence[str], Sequence[str]] = (("Cs",), ("I",)),
    grids: tuple[ArrayLike | None, ArrayLike | None] = (None, None),
    *,
    physics: StandardModel | None = None,
    form_factor: str | None = None,
) -> Profile2D:
    """χ²(R_a, R_b): the neutron rms radii of two disjoint groups of isotopes (R_n(Cs), R_n(I)).

    Parameters
    ----------
    lik : Likelihood
        E.g. ``["coherent_csi_2021", "apv_cs133"]``: CsI constrains a mixture of both radii,
        APV R_n(Cs) alone.
    nuclei : (sequence, sequence)
        The two groups (element symbols or isotope names); default (("Cs",), ("I",)).
    grids : (array_like or None, array_like or None)
        Radii in fm; default 3.5 to 7.5 fm by 0.1 fm each.
    physics : StandardModel, optional
        The model of every prediction (default each experiment's); its sin²θ_W (or the
        low-energy SM value 0.23857) goes to the external terms.
    form_factor : str, optional
        Registry model name (default the experiment's).
    """
    groups = [tuple(str(n) for n in g) for g in nuclei]
    if len(groups) != 2 or not all(groups) or set(groups[0]) & set(groups[1]):
        raise CevnsError(f"nuclei must be two disjoint, non-empty groups, got {nuclei!r}")
    ra = _grid(grids[0], "grids[0]", (3.5, 7.5, 41))
    rb = _grid(grids[1], "grids[1]", (3.5, 7.5, 41))
    _check_radii(ra, "grids[0]")
    _check_radii(rb, "grids[1]")
    model = _form_factor(lik, form_factor)
    a0, b0 = float(ra[0]), float(rb[0])

    def predict(a: float, b: float) -> Array:
        radii = {**{n: a for n in groups[0]}, **{n: b for n in groups[1]}}
        return lik.predict(physics, form_factor=model, form_factor_params={"R_n_fm": radii})

    base = predict(a0, b0)
    along_a, interp_a = _along_radius(ra, lambda a: predict(a, b0))
    along_b, interp_b = _along_radius(rb, lambda b: predict(a0, b))
    # the isotopes' counts add: S(a, b) = S(a, b0) + S(a0, b) − S(a0, b0)
    ia, ib = ra.size // 2, rb.size // 2
    direct = predict(float(ra[ia]), float(rb[ib]))
    composed = along_a[ia] + along_b[ib] - base
    scale = max(float(np.max(direct, initial=0.0)), 1e-300)
    if np.max(np.abs(composed - direct), initial=0.0) > _CHECK_RTOL * scale:
        raise CevnsError(f"the predictions do not separate into the groups {groups}")
    signals = np.clip(along_a[:, None, :] + along_b[None, :, :] - base, 0.0, None)
    radii = {**{n: ra[:, None] for n in groups[0]}, **{n: rb[None, :] for n in groups[1]}}
    params = external_parameters(lik, _sin2_of(lik, physics), radii)
    chi2, nuis = _chi2_grid(lik, signals, params)
    labels = tuple(f"R_n_fm[{','.join(g)}]" for g in groups)
    info = _info(lik, form_factor=model, interpolated=bool(interp_a and interp_b))
    return Profile2D((labels[0], labels[1]), (ra, rb), chi2, nuis, info)
