"""1-D fits on a (joint) :class:`~cevns_core.likelihood.Likelihood`, and the scan engine's hook.

The public fit functions (:func:`cevns_core.fit_sin2_theta_w`,
:func:`cevns_core.fit_neutron_radius`,
:func:`cevns_core.fit_parameter`) call these when given an energy × time data set, a list of data
sets or a :class:`Likelihood`. Every grid value gives one predicted signal per data set (the same
physics for all); the batch of predictions is profiled over every nuisance at once.

* sin²θ_W: the counts in every cell are an exact quadratic polynomial in s (𝒬_V is linear in s):
  three predictions give the whole scan, a fourth checks it.
* R_n: predictions on at most 21 nodes, interpolated per cell with a cubic spline in R_n (the
  counts are smooth in R_n); one direct prediction between nodes checks the interpolation
  (relative error < 1e-4, else every grid value is computed directly).

External terms of the likelihood (APV, PVES: :mod:`cevns_core.electroweak.terms`) are added at
each grid point with the parameters the fit sets: sin²θ_W (the grid, or the physics model's
value) and R_n of the isotopes it fixes or scans (``R_n_Cs133_fm`` …; an isotope whose R_n the
fit does not set takes the term's own convention).

:func:`profile_chi2` is what a parameter scan needs: energy counts per flavour of every data set
for a batch of parameter points → χ² with all nuisances profiled (shape of the batch).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.interpolate import CubicSpline

from .._validation import MAX_PROFILE_POINTS, as_array
from ..errors import CevnsError
from ..statistics import CL_1SIGMA, Profile1D
from ..weak_charges import StandardModel
from .joint import Likelihood

__all__ = [
    "external_parameters",
    "fit_signal_count",
    "likelihood_neutron_radius",
    "likelihood_profile",
    "likelihood_sin2_theta_w",
    "profile_chi2",
]

Array = NDArray[np.float64]
_SPLINE_NODES = 21


def _grid(grid: ArrayLike, name: str) -> Array:
    g = as_array(grid, name, max_size=MAX_PROFILE_POINTS)
    if g.ndim != 1 or g.size < 2 or np.any(np.diff(g) <= 0):
        raise CevnsError(f"{name} must be a 1-D, strictly increasing array of ≥ 2 values")
    return g


_TERM_ISOTOPES = {"Cs": "Cs133", "I": "I127", "Pb": "Pb208", "Ca": "Ca48", "Ar": "Ar40"}


def external_parameters(
    lik: Likelihood,
    sin2_theta_W: Any,
    radii: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The physics parameters of ``lik``'s external terms for one fit setting.

    ``radii`` maps element symbols or isotope names ("Cs", "Cs133") to R_n in fm (arrays
    broadcast; the key ``"*"`` stands for every isotope).
    """
    params: dict[str, Any] = {}
    wanted = lik.external_parameters
    if "sin2_theta_W" in wanted:
        params["sin2_theta_W"] = sin2_theta_W
    for key, value in (radii or {}).items():
        isotopes = list(_TERM_ISOTOPES.values()) if key == "*" else [_TERM_ISOTOPES.get(key, key)]
        for iso in isotopes:
            name = f"R_n_{iso}_fm"
            if name in wanted:
                params[name] = value
    return params


def _radii(form_factor_params: Mapping[str, Any] | None) -> dict[str, Any]:
    """R_n per isotope from ``form_factor_params`` ({"R_n_fm": 5.4} or {"R_n_fm": {"Cs": …}})."""
    value = (form_factor_params or {}).get("R_n_fm")
    if value is None:
        return {}
    return dict(value) if isinstance(value, Mapping) else {"*": value}


def _profile(
    lik: Likelihood,
    parameter: str,
    grid: Array,
    signals: Array,
    parameters: Mapping[str, Any] | None = None,
    **extra: Any,
):
    if lik.external:
        chi2, nuis = lik.chi2(signals, return_nuisances=True, parameters=parameters or {})
        extra = {**extra, "external": lik.external_names}
    else:
        chi2, nuis = lik.chi2(signals, return_nuisances=True)
    info = {
        "datasets": list(lik.labels),
        "statistic": "poisson",
        "nuisances": lik.nuisance_names,
        "shared": list(lik.shared),
        "predicted_total": signals.sum(axis=-1).tolist(),
        **extra,
    }
    return Profile1D(parameter, grid, chi2, nuis, info)


def likelihood_profile(
    lik: Likelihood,
    make_settings: Callable[[float], Any],
    grid: ArrayLike,
    *,
    parameter: str = "value",
) -> Profile1D:
    """Δχ² profile of one parameter: ``make_settings(value)`` → physics model (or None), or a
    mapping with any of ``physics``, ``form_factor``, ``form_factor_params``."""
    g = _grid(grid, "grid")
    signals = []
    settings = []
    for v in g:
        setting = make_settings(float(v))
        kw = dict(setting) if isinstance(setting, Mapping) else {"physics": setting}
        settings.append(kw)
        signals.append(lik.predict(**kw))
    return _profile(lik, parameter, g, np.array(signals), _point_parameters(lik, settings))


def _point_parameters(lik: Likelihood, settings: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The external terms' parameters at each grid point of a profile: the sin²θ_W of each
    point's physics (or the experiments' / the low-energy SM value) and its R_n, if any."""
    if not lik.external:
        return {}
    per_point = [
        external_parameters(
            lik, _sin2_of(lik, kw.get("physics")), _radii(kw.get("form_factor_params"))
        )
        for kw in settings
    ]
    keys = set(per_point[0])
    if any(set(p) != keys for p in per_point):
        raise CevnsError("the grid's settings must fix the same parameters at every point")
    return {k: np.array([np.asarray(p[k], dtype=float) for p in per_point]) for k in keys}


def likelihood_sin2_theta_w(
    lik: Likelihood,
    grid: ArrayLike | None = None,
    physics: StandardModel | None = None,
    *,
    form_factor: str | None = None,
    form_factor_params: Mapping[str, Any] | None = None,
) -> Profile1D:
    """sin²θ_W (tree-level couplings) on a likelihood; default grid 0 to 0.5 by 0.002.

    ``form_factor``/``form_factor_params`` fix the nuclear model of every prediction, e.g.
    ``{"R_n_fm": {"Cs": 5.09, "I": 5.03}}``; the same radii go to the external terms.
    """
    g = _grid(np.linspace(0.0, 0.5, 251) if grid is None else grid, "grid")
    if g[0] < 0 or g[-1] > 1:
        raise CevnsError("sin²θ_W grid values must lie in [0, 1]")
    base = physics if physics is not None else (_first_physics(lik) or StandardModel())
    if not isinstance(base, StandardModel):
        raise CevnsError(f"physics must be a StandardModel/NewPhysics model, got {base!r}")
    if base.couplings != "tree":
        raise CevnsError(
            f"sin²θ_W enters only the tree-level couplings; the model uses couplings="
            f"{base.couplings!r} (set couplings='tree')"
        )
    settings = {k: v for k, v in base.param.values().items() if k != "name"}

    nuclear: dict[str, Any] = {}
    if lik.parts and (form_factor is not None or form_factor_params):
        nuclear["form_factor"] = (
            form_factor if form_factor is not None else lik.parts[0].experiment.form_factor
        )
        nuclear["form_factor_params"] = form_factor_params

    def at(s: float) -> Array:
        return lik.predict(type(base)(**{**settings, "sin2_theta_W": s}), **nuclear)

    nodes = np.array([0.0, 0.25, 0.5])
    coeffs = np.polynomial.polynomial.polyfit(nodes, np.array([at(s) for s in nodes]), 2)
    check = float(g[g.size // 2])
    direct = at(check)
    poly = coeffs[0] + coeffs[1] * check + coeffs[2] * check**2
    scale = max(float(np.max(direct, initial=0.0)), 1e-300)
    exact = bool(np.max(np.abs(poly - direct), initial=0.0) <= 1e-9 * scale)
    if exact:
        signals = np.clip(coeffs[0] + coeffs[1] * g[:, None] + coeffs[2] * g[:, None] ** 2, 0, None)
    else:
        signals = np.array([at(float(s)) for s in g])
    params = external_parameters(lik, g, _radii(form_factor_params))
    return _profile(lik, "sin2_theta_W", g, signals, params, quadratic_in_sin2=exact)


def likelihood_neutron_radius(
    lik: Likelihood,
    grid: ArrayLike | None = None,
    *,
    form_factor: str | None = None,
    nuclei: Sequence[str] | None = None,
    physics: StandardModel | None = None,
) -> Profile1D:
    """A neutron rms radius R_n (fm) on a likelihood; default grid 3 to 8 fm by 0.05 fm.

    ``physics``: the model of every prediction (default: each experiment's); its sin²θ_W (or
    the low-energy SM value) goes to the external terms.

    ``nuclei`` (element symbols or isotope names, e.g. ``["Cs"]``) gives R_n to those nuclei
    only; the others keep the experiment's nuclear choice. Default: every target nucleus.
    """
    g = _grid(np.linspace(3.0, 8.0, 101) if grid is None else grid, "grid")
    if g[0] <= 0:
        raise CevnsError("R_n grid values must be > 0 fm")
    if form_factor is not None:
        model = form_factor
    else:  # external terms alone: no prediction uses the form factor
        model = lik.parts[0].experiment.form_factor if lik.parts else "helm"
    if not isinstance(model, str):
        raise CevnsError("fitting R_n needs a form-factor model name (form_factor='helm', ...)")

    def at(r: float) -> Array:
        value: Any = float(r) if not nuclei else {str(n): float(r) for n in nuclei}
        return lik.predict(physics, form_factor=model, form_factor_params={"R_n_fm": value})

    spline_ok = False
    if g.size > _SPLINE_NODES:
        nodes = np.linspace(g[0], g[-1], _SPLINE_NODES)
        spline = CubicSpline(nodes, np.array([at(r) for r in nodes]), axis=0)
        mid = 0.5 * (nodes[_SPLINE_NODES // 2] + nodes[_SPLINE_NODES // 2 + 1])
        direct = at(mid)
        scale = max(float(np.max(direct, initial=0.0)), 1e-300)
        spline_ok = bool(np.max(np.abs(spline(mid) - direct), initial=0.0) <= 1e-4 * scale)
    if spline_ok:
        signals = np.clip(spline(g), 0.0, None)
    else:
        signals = np.array([at(float(r)) for r in g])
    label = "R_n_fm" if not nuclei else f"R_n_fm[{','.join(map(str, nuclei))}]"
    radii = {"*": g} if not nuclei else {str(n): g for n in nuclei}
    params = external_parameters(lik, _sin2_of(lik, physics), radii)
    return _profile(lik, label, g, signals, params, form_factor=model, interpolated=spline_ok)


def _sin2_of(lik: Likelihood, physics: Any) -> float:
    """sin²θ_W of the predictions (the model's, or the low-energy SM value)."""
    from ..units import SW2_LOW

    model = physics if physics is not None else _first_physics(lik)
    return float(getattr(model, "sin2_theta_W", SW2_LOW))


def _first_physics(lik: Likelihood) -> Any:
    """The physics model of the first data set's experiment (None: external terms alone)."""
    return lik.parts[0].experiment.physics if lik.parts else None


def fit_signal_count(
    lik: Likelihood | str = "coherent_csi_2021",
    *,
    scale: ArrayLike | None = None,
    cl: float = CL_1SIGMA,
) -> dict[str, Any]:
    """Fitted number of signal (CEvNS) events with its interval, the signal normalisation free.

    The predicted SM signal times a free scale s (the ``sns_flux`` or ``b8_flux`` nuisance is
    dropped: the scale replaces it), every other nuisance profiled; the count is the signal's
    expected events at the profiled nuisances, Σ_i μ_signal,i. Returns the best fit, the
    interval at ``cl`` and the predicted SM count.
    """
    from .joint import as_likelihood

    lik = as_likelihood(lik)
    if not lik.parts:
        raise CevnsError(
            f"fit_signal_count needs a CEvNS data set; {', '.join(lik.external_names)} count no "
            "events"
        )
    s = _grid(np.linspace(0.3, 1.7, 141) if scale is None else scale, "scale")
    nominal = lik.predict()
    # the flux normalisation the scale replaces: the SNS yield, or the solar ⁸B flux
    fixed = {n: 0.0 for n in ("sns_flux", "b8_flux") if n in lik.nuisance_names}
    chi2, nuis = lik.chi2(s[:, None] * nominal[None, :], return_nuisances=True, fixed=fixed)
    counts = lik.model.signal_expected(s[:, None] * nominal[None, :], nuis).sum(axis=-1)
    order = np.argsort(counts)
    profile = Profile1D("signal_events", counts[order], chi2[order], nuis[order])
    best, minus, plus = profile.errors(cl)
    return {
        "best_fit": best,
        "minus": minus,
        "plus": plus,
        "cl": cl,
        "predicted": float(nominal.sum()),
        "chi2_min": profile.chi2_min,
        "n_cells": lik.n_cells,
        "profile": profile,
    }


def profile_chi2(
    lik: Likelihood,
    counts: Sequence[Mapping[str, ArrayLike]],
    *,
    return_nuisances: bool = False,
) -> Array | tuple[Array, Array]:
    """χ² of a batch of predictions, every nuisance profiled: the hook for parameter scans.

    Parameters
    ----------
    lik : Likelihood
        One or several data sets (``Likelihood(["coherent_csi_2021", "coherent_lar_2020"])``).
    counts : sequence of mappings
        One entry per data set (``lik.parts``, in order): flavour → expected counts in that data
        set's ``rate_edges`` observable bins with any common leading batch shape, e.g.
        (n_g, n_m, n_bins) for a coupling × mass grid — what ``binned_counts`` gives per grid
        point, or the fast scan kernels' counts per flavour.

    Returns
    -------
    ndarray
        χ² with the batch shape (and the profiled nuisances, (..., K), in
        ``lik.nuisance_names`` order). Δχ² = χ² − min χ² over the grid.
    """
    cells = lik.cells_from_counts([{f: np.asarray(v, dtype=float) for f, v in c.items()}
                                   for c in counts])  # fmt: skip
    return lik.chi2(cells, return_nuisances=return_nuisances)
