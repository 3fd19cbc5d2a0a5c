"""1-D Δχ² profiles on data: the generic :func:`profile_1d`, and the fits of sin²θ_W (exact
quadratic in sin²θ_W) and of the neutron rms radius R_n (PHYSICS.md §9.3–§9.4).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import MAX_PROFILE_POINTS, as_array
from ..datasets import Dataset
from ..errors import CevnsError
from ..experiment import Experiment
from ..statistics import Profile1D
from ..weak_charges import StandardModel
from .chi2 import _nuisance_names, dataset_chi2
from .predictions import _dataset, _experiment, _joint, _joint_request, _settings, predict_signal

__all__ = ["fit_neutron_radius", "fit_sin2_theta_w", "profile_1d"]

Array = NDArray[np.float64]


def _profile(
    ds: Dataset,
    exp: Experiment,
    parameter: str,
    grid: Array,
    signals: Array,
    statistic: str | None,
    sigma_signal: float | None,
    sigma_backgrounds: float | Sequence[float] | None,
    time_cut: bool,
    extra: dict[str, Any],
) -> Profile1D:
    stat = statistic or ds.statistic
    chi2, nuis = dataset_chi2(
        ds,
        signals,
        statistic=stat,
        sigma_signal=sigma_signal,
        sigma_backgrounds=sigma_backgrounds,
        return_nuisances=True,
    )
    info = {
        "dataset": ds.name,
        "experiment": exp.name,
        "statistic": stat,
        "nuisances": _nuisance_names(ds, stat),
        "sigma_signal": ds.signal_uncertainty if sigma_signal is None else sigma_signal,
        "time_cut": time_cut,
        "predicted_total": signals.sum(axis=-1).tolist(),
        **extra,
    }
    return Profile1D(parameter, grid, chi2, nuis, info)


def _grid(grid: ArrayLike, name: str) -> Array:
    g = as_array(grid, name, max_size=MAX_PROFILE_POINTS)
    if g.ndim != 1 or g.size < 2 or np.any(np.diff(g) <= 0):
        raise CevnsError(f"{name} must be a 1-D, strictly increasing array of ≥ 2 values")
    return g


def profile_1d(
    experiment: str | Experiment | None,
    dataset: str | Dataset,
    make_physics: Callable[[float], Any],
    grid: ArrayLike,
    *,
    parameter: str = "value",
    statistic: str | None = None,
    sigma_signal: float | None = None,
    sigma_backgrounds: float | Sequence[float] | None = None,
    time_cut: bool = True,
) -> Profile1D:
    """Δχ² profile of one parameter: predict the signal at every grid value and profile nuisances.

    Parameters
    ----------
    experiment : str, Experiment or None
        Preset predicting the signal (None: the data set's own).
    dataset : str or Dataset
    make_physics : callable
        ``make_physics(value)`` → a physics model (``StandardModel``/``NewPhysics``), None (SM),
        or a mapping with any of ``physics``, ``form_factor``, ``form_factor_params``.
    grid : array_like
        Strictly increasing parameter values.
    parameter : str
        Name (with unit) stored in the result.
    statistic, sigma_signal, sigma_backgrounds
        See :func:`dataset_chi2`.
    time_cut : bool
        See :func:`predict_signal`.

    Returns
    -------
    Profile1D
        χ² on the grid, profiled nuisances per point, best fit and intervals
        (``.errors(0.9)``, ``.intervals(cl)``, ``.upper_limit(cl)``).

    Examples
    --------
    >>> p = profile_1d(None, "coherent_csi_2017",
    ...                lambda s: StandardModel(sin2_theta_W=s), [0.1, 0.2, 0.3, 0.4])
    >>> p.grid[int(np.argmin(p.chi2))]
    np.float64(0.2)
    """
    if _joint_request(dataset):
        from ..likelihood.fitting import likelihood_profile

        if not callable(make_physics):
            raise CevnsError("make_physics must be a callable value -> physics model or settings")
        lik = _joint(dataset, experiment, statistic=statistic, sigma_signal=sigma_signal,
                     sigma_backgrounds=sigma_backgrounds, time_cut=time_cut)  # fmt: skip
        return likelihood_profile(lik, make_physics, grid, parameter=parameter)
    ds = _dataset(dataset)
    exp = _experiment(experiment, ds)
    g = _grid(grid, "grid")
    if not callable(make_physics):
        raise CevnsError("make_physics must be a callable value -> physics model or settings")
    signals = np.array(
        [predict_signal(exp, ds, time_cut=time_cut, **_settings(make_physics(float(v)))) for v in g]
    )
    return _profile(
        ds, exp, parameter, g, signals, statistic, sigma_signal, sigma_backgrounds, time_cut, {}
    )


def fit_sin2_theta_w(
    dataset: str | Dataset = "coherent_csi_2017",
    *,
    experiment: str | Experiment | None = None,
    grid: ArrayLike | None = None,
    physics: StandardModel | None = None,
    statistic: str | None = None,
    sigma_signal: float | None = None,
    sigma_backgrounds: float | Sequence[float] | None = None,
    time_cut: bool = True,
    neutron_radius: float | Mapping[str, float] | str | None = None,
    radius_grid: ArrayLike | None = None,
) -> Profile1D:
    """Fit the weak mixing angle sin²θ_W (tree-level couplings) to a data set.

    The predicted counts are an exact quadratic polynomial in s = sin²θ_W in every cell: the
    amplitude 𝒬_V = Z(½ − 2s)F_p + N g_V^n F_n (+ s-independent new-physics terms) is linear in s
    and everything else (form factors, flux, response) does not depend on it. Three predictions
    (s = 0, ¼, ½) give the coefficients; a fourth (the grid's middle) checks the structure, and
    the scan falls back to one prediction per grid point if the check fails.

    Parameters
    ----------
    dataset : str, Dataset, list or Likelihood
        Default "coherent_csi_2017"; also "coherent_lar_2020", "coherent_lar_2020_3d". An energy
        × time data set ("coherent_csi_2021", "coherent_csi_2017_2d"), a list of data sets or a
        :class:`~cevns_core.likelihood.Likelihood` is fitted with its Poisson likelihood, every
        nuisance profiled and the SNS flux shared (:mod:`cevns_core.likelihood`).
    experiment : str, Experiment or None
        Default: the data set's preset.
    grid : array_like, optional
        sin²θ_W values; default 0 to 0.5 in steps of 0.002.
    physics : StandardModel or NewPhysics, optional
        Model whose ``sin2_theta_W`` is scanned (default: the experiment's, or the SM); must use
        ``couplings="tree"``.
    statistic, sigma_signal, sigma_backgrounds, time_cut
        See :func:`dataset_chi2` and :func:`predict_signal`.
    neutron_radius : float, mapping, "free" or None
        Likelihood data sets only. A value (fm) or a mapping nucleus → value (``{"Cs": 5.09,
        "I": 5.03}``) fixes R_n of the predictions and of the external terms; ``"free"``
        profiles a common R_n on ``radius_grid`` (default 3.5–7.5 fm by 0.1 fm). None: the
        experiments' nuclear model (external terms: their own convention).

    Returns
    -------
    Profile1D
        ``.best_fit``, ``.errors(0.9)`` (PKK Eq. (31): 0.197 +0.128 −0.080 at 90 % CL, CsI 2017).

    Examples
    --------
    >>> p = fit_sin2_theta_w(grid=np.linspace(0.05, 0.45, 81), time_cut=False)
    >>> [round(v, 2) for v in p.errors(0.9)]
    [0.2, 0.08, 0.12]
    """
    if _joint_request(dataset):
        from ..likelihood.fitting import likelihood_sin2_theta_w

        lik = _joint(dataset, experiment, statistic=statistic, sigma_signal=sigma_signal,
                     sigma_backgrounds=sigma_backgrounds, time_cut=time_cut)  # fmt: skip
        if isinstance(neutron_radius, str):
            from ..likelihood.profiled import likelihood_sin2_theta_w_radius

            if neutron_radius != "free":
                raise CevnsError(
                    f"neutron_radius must be a value in fm, a mapping or 'free', got "
                    f"{neutron_radius!r}"
                )
            if grid is None:  # APV fixes sin²θ_W to ±0.003: a fine grid near 0.24
                apv = "apv_cs133" in lik.external_names
                grid = np.linspace(0.20, 0.28, 81) if apv else np.linspace(0.0, 0.5, 101)
            grid2 = likelihood_sin2_theta_w_radius(lik, grid, radius_grid, physics=physics)
            return grid2.profile("sin2_theta_W")
        if radius_grid is not None:
            raise CevnsError("radius_grid applies to neutron_radius='free' only")
        ffp = None if neutron_radius is None else {"R_n_fm": neutron_radius}
        return likelihood_sin2_theta_w(lik, grid, physics, form_factor_params=ffp)
    if neutron_radius is not None or radius_grid is not None:
        raise CevnsError("neutron_radius applies to likelihood data sets (e.g. a list of names)")
    ds = _dataset(dataset)
    exp = _experiment(experiment, ds)
    g = _grid(np.linspace(0.0, 0.5, 251) if grid is None else grid, "grid")
    if g[0] < 0 or g[-1] > 1:
        raise CevnsError("sin²θ_W grid values must lie in [0, 1]")
    base = physics if physics is not None else (exp.physics or StandardModel())
    if not isinstance(base, StandardModel):
        raise CevnsError(f"physics must be a StandardModel/NewPhysics model, got {base!r}")
    if base.couplings != "tree":
        raise CevnsError(
            f"sin²θ_W enters only the tree-level couplings; the model uses couplings="
            f"{base.couplings!r} (set couplings='tree')"
        )

    settings = {k: v for k, v in base.param.values().items() if k != "name"}

    def at(s: float) -> Array:
        model = type(base)(**{**settings, "sin2_theta_W": s})
        return predict_signal(exp, ds, model, time_cut=time_cut)

    nodes = np.array([0.0, 0.25, 0.5])
    values = np.array([at(s) for s in nodes])  # (3, n)
    coeffs = np.polynomial.polynomial.polyfit(nodes, values, 2)  # (3, n): c0 + c1 s + c2 s²
    check_s = float(g[g.size // 2])
    direct = at(check_s)
    poly = coeffs[0] + coeffs[1] * check_s + coeffs[2] * check_s**2
    scale = max(float(np.max(np.abs(direct))), 1e-300)
    exact = bool(np.max(np.abs(poly - direct)) <= 1e-9 * scale)
    if exact:
        signals = coeffs[0] + coeffs[1] * g[:, None] + coeffs[2] * g[:, None] ** 2
        signals = np.clip(signals, 0.0, None)
    else:
        signals = np.array([at(float(s)) for s in g])
    return _profile(
        ds,
        exp,
        "sin2_theta_W",
        g,
        signals,
        statistic,
        sigma_signal,
        sigma_backgrounds,
        time_cut,
        {"quadratic_in_sin2": exact},
    )


def fit_neutron_radius(
    dataset: str | Dataset = "coherent_csi_2017",
    *,
    experiment: str | Experiment | None = None,
    grid: ArrayLike | None = None,
    form_factor: str | None = None,
    statistic: str | None = None,
    sigma_signal: float | None = None,
    sigma_backgrounds: float | Sequence[float] | None = None,
    time_cut: bool = True,
    nuclei: Sequence[str] | None = None,
    profiled: Sequence[str] | None = None,
    profiled_grid: ArrayLike | None = None,
) -> Profile1D:
    """Fit a common neutron rms radius R_n (fm) of the target isotopes to a data set.

    Every isotope's neutron form factor is its proton model rescaled to the rms radius R_n
    (:func:`cevns_core.nucleon_form_factors` with ``R_n_fm``); the proton form factors stay at
    the charge-radius models. For CsI this is PKK's "average CsI R_n" (Eq. (34):
    5.64 +0.99 −1.23 fm at 90 % CL).

    Parameters
    ----------
    dataset : str, Dataset, list or Likelihood
        Default "coherent_csi_2017"; likelihood data sets as in :func:`fit_sin2_theta_w`.
    experiment : str, Experiment or None
        Default: the data set's preset.
    grid : array_like, optional
        R_n values in fm; default 3 to 8 fm in steps of 0.05 fm.
    form_factor : str, optional
        Registry model name (default: the experiment's, which must then be a name).
    statistic, sigma_signal, sigma_backgrounds, time_cut
        See :func:`dataset_chi2` and :func:`predict_signal`.
    nuclei : sequence of str, optional
        Likelihood data sets only: give R_n to these nuclei (element symbols or isotope names,
        e.g. ``["Cs"]``), the others keep the experiment's choice: R_n of Cs and I separately.
    profiled : sequence of str, optional
        Likelihood data sets with ``nuclei`` only: the R_n of these other nuclei is free and
        profiled on ``profiled_grid`` (default 3.5–7.5 fm by 0.1 fm), e.g. R_n(Cs) with R_n(I)
        profiled from CsI 2021 + APV.

    Returns
    -------
    Profile1D

    Examples
    --------
    >>> p = fit_neutron_radius(grid=np.linspace(3.0, 8.0, 11))
    >>> 4.5 < p.best_fit < 6.0
    True
    """
    if _joint_request(dataset):
        from ..likelihood.fitting import likelihood_neutron_radius

        lik = _joint(dataset, experiment, statistic=statistic, sigma_signal=sigma_signal,
                     sigma_backgrounds=sigma_backgrounds, time_cut=time_cut)  # fmt: skip
        if profiled:
            from ..likelihood.profiled import likelihood_neutron_radii

            if not nuclei:
                raise CevnsError("profiled=... needs nuclei=... (the nuclei whose R_n is fitted)")
            grid2 = likelihood_neutron_radii(
                lik, (tuple(nuclei), tuple(profiled)),
                (np.linspace(3.0, 8.0, 101) if grid is None else grid, profiled_grid),
                form_factor=form_factor,
            )  # fmt: skip
            return grid2.profile(grid2.parameters[0])
        if profiled_grid is not None:
            raise CevnsError("profiled_grid applies with profiled=... only")
        return likelihood_neutron_radius(lik, grid, form_factor=form_factor, nuclei=nuclei)
    if profiled is not None or profiled_grid is not None:
        raise CevnsError("profiled=... needs a likelihood data set (e.g. a list of names)")
    if nuclei is not None:
        raise CevnsError("nuclei=... needs a likelihood data set (e.g. 'coherent_csi_2021')")
    ds = _dataset(dataset)
    exp = _experiment(experiment, ds)
    g = _grid(np.linspace(3.0, 8.0, 101) if grid is None else grid, "grid")
    if g[0] <= 0:
        raise CevnsError("R_n grid values must be > 0 fm")
    model = exp.form_factor if form_factor is None else form_factor
    if not isinstance(model, str):
        raise CevnsError(
            "fit_neutron_radius needs a form-factor model name (the experiment uses a "
            f"{type(model).__name__}); pass form_factor='helm', 'symmetrized_fermi', ..."
        )
    signals = np.array(
        [
            predict_signal(
                exp,
                ds,
                form_factor=model,
                form_factor_params={"R_n_fm": float(r)},
                time_cut=time_cut,
            )
            for r in g
        ]
    )
    return _profile(
        ds,
        exp,
        "R_n_fm",
        g,
        signals,
        statistic,
        sigma_signal,
        sigma_backgrounds,
        time_cut,
        {"form_factor": model},
    )
