"""Fits of model parameters to the shipped data sets: 1-D Δχ² profiles (PHYSICS.md §8, §9.3–§9.4).

A fit combines an experiment preset (source + detector: :func:`cevns_core.experiment`) that
predicts the signal in the bins of a data set (:func:`cevns_core.datasets.load_dataset`) with the
χ² the data set is meant for (:func:`dataset_chi2`), profiling the normalisation nuisances:

* COHERENT CsI 2017 (``statistic="gaussian_coherent"``, COHERENT 2017 / Papoulias & Kosmas 2018):
  Gaussian χ² of the beam-on residual (coincidence − anticoincidence) against (1+α)S + (1+β)B_on,
  σ_i² = N_obs + 2B_ss + B_on, σ_α = 0.28, σ_β = 0.25 (both **UNSURE**, PHYSICS §8.1; parameters).
  The data have an arrival-time cut t < 6 μs; predictions get the per-flavour fractions of the
  release's arrival-time PDFs (``time_cut=True``, prompt 1.000, delayed 0.915). ``time_cut=False``
  compares the untimed prediction, as PKK's analyses evidently did (it reproduces their Eq. (31)).
* COHERENT LAr 2020 (``statistic="poisson"``): Baker–Cousins χ² of the raw beam-on counts
  against (1+α)S + Σ_k (1+β_k)B_k with the steady-state, prompt-BRN and delayed-BRN predictions
  of the release and their normalisation uncertainties (0.79 %, 32 %, 100 %), σ_α = 13.3 %
  (17/128); Poisson because the 3-D cells hold a few events each. The 3-D set (energy × F90 ×
  t_trig) spreads the predicted energy spectrum over F90 with the released signal's P(F90 | E)
  and over time with the preset's timing per flavour; it reproduces the collaboration's fit of
  the CEvNS normalisation (159 ± 43 events). The energy projection (12 bins) is much weaker (the
  BRN background is not separated without F90 and time).

An energy × time data set ("coherent_csi_2021", "coherent_csi_2017_2d"), a list of data sets
(``["coherent_csi_2021", "coherent_lar_2020_3d"]``) or a :class:`cevns_core.likelihood.Likelihood`
is fitted with the joint Poisson likelihood of :mod:`cevns_core.likelihood` (shared physics, the
SNS flux nuisance shared, every nuisance profiled). Such a list may also hold external terms
(``"apv_cs133"``, ``"prex2"``, ``"crex"`` or :func:`cevns_core.external_term` objects), whose χ²
is added at the fit's sin²θ_W and neutron radii: ``fit_sin2_theta_w(["coherent_csi_2021",
"apv_cs133"], neutron_radius="free")`` profiles a common R_n (CDG's "R_n free"),
``fit_neutron_radius([...], nuclei=["Cs"], profiled=["I"])`` fits R_n(Cs) with R_n(I) profiled.

The generic :func:`profile_1d` scans any parameter: ``make_physics(value)`` returns the physics
model (``StandardModel``/``NewPhysics``) for a grid value, or a mapping with any of ``physics``,
``form_factor`` and ``form_factor_params``. :func:`fit_sin2_theta_w` uses that the counts are an
exact quadratic polynomial in sin²θ_W (𝒬_V is linear in it through g_V^p = ½ − 2 sin²θ_W): three
predictions give the whole scan. :func:`fit_neutron_radius` scans a common neutron rms radius
R_n of all target isotopes (PKK's "average CsI R_n"), proton distributions unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import MAX_PROFILE_POINTS, as_array, check_choice
from .datasets import Dataset, load_dataset
from .errors import CevnsError
from .experiment import Experiment, experiment
from .rates import binned_counts
from .statistics import Profile1D, coherent_variance, gaussian_chi2, poisson_chi2
from .weak_charges import StandardModel

__all__ = [
    "FIT_PARAMETERS",
    "STATISTICS",
    "dataset_chi2",
    "dataset_chi2_terms",
    "fit_neutron_radius",
    "fit_parameter",
    "fit_sin2_theta_w",
    "predict_signal",
    "profile_1d",
    "published_limits",
]

Array = NDArray[np.float64]

#: χ² choices of :func:`dataset_chi2`.
STATISTICS = ("gaussian_coherent", "gaussian", "poisson")

_SETTING_KEYS = ("physics", "form_factor", "form_factor_params")


# ------------------------------------------------------------------------------ inputs
def _dataset(dataset: str | Dataset) -> Dataset:
    if isinstance(dataset, Dataset):
        return dataset
    if isinstance(dataset, str):
        return load_dataset(dataset)
    raise CevnsError(f"dataset must be a data-set name or a Dataset, got {type(dataset).__name__}")


def _joint_request(dataset: Any) -> bool:
    """True for what the likelihood package fits: an energy × time data set, a list of data
    sets, or a Likelihood / DataSetLikelihood object."""
    from .likelihood import DataSetLikelihood, Likelihood, energy_time_names

    if isinstance(dataset, Likelihood | DataSetLikelihood | list | tuple):
        return True
    return isinstance(dataset, str) and dataset in energy_time_names()


def _joint(dataset: Any, experiment: Any, **unsupported: Any) -> Any:
    """The :class:`~cevns_core.likelihood.Likelihood` of a fit's ``dataset`` argument."""
    from .likelihood import as_likelihood

    given = [k for k, v in unsupported.items() if v is not None and v is not True]
    if given:
        raise CevnsError(
            f"{', '.join(given)} do not apply to likelihood data sets (energy × time, lists, "
            "Likelihood objects): their nuisances and priors belong to the Likelihood"
        )
    if experiment is not None:
        if isinstance(dataset, str):
            from .likelihood import DataSetLikelihood

            return as_likelihood(DataSetLikelihood(dataset, experiment=experiment))
        raise CevnsError("experiment=... applies to one data set; build a Likelihood instead")
    return as_likelihood(dataset)


def _experiment(exp: str | Experiment | None, ds: Dataset) -> Experiment:
    if exp is None:
        if not ds.experiment:
            raise CevnsError(f"data set {ds.name} names no experiment preset: pass experiment=...")
        exp = ds.experiment
    if isinstance(exp, str):
        exp = experiment(exp)
    if not isinstance(exp, Experiment):
        raise CevnsError(f"experiment must be a preset name or an Experiment, got {exp!r}")
    if exp.detector.observable != ds.observable:
        raise CevnsError(
            f"the experiment {exp.name} counts in {exp.detector.observable} but the data set "
            f"{ds.name} is binned in {ds.observable}"
        )
    return exp


def _settings(value: Any) -> dict[str, Any]:
    if value is None or isinstance(value, StandardModel):
        return {"physics": value}
    if isinstance(value, Mapping):
        unknown = set(value) - set(_SETTING_KEYS)
        if unknown:
            raise CevnsError(
                f"unknown prediction setting(s) {', '.join(sorted(unknown))}; "
                f"allowed: {', '.join(_SETTING_KEYS)}"
            )
        return dict(value)
    raise CevnsError(
        "make_physics must return a StandardModel/NewPhysics model, None, or a mapping with "
        f"keys among {', '.join(_SETTING_KEYS)}; got {type(value).__name__}"
    )


# ------------------------------------------------------------------------------ predictions
def predict_signal(
    experiment: str | Experiment | None,
    dataset: str | Dataset,
    physics: StandardModel | None = None,
    *,
    form_factor: Any = None,
    form_factor_params: Mapping[str, Any] | None = None,
    time_cut: bool = True,
) -> Array:
    """Predicted signal counts in the cells of ``dataset`` with the experiment preset's response.

    Counts per observable bin and flavour come from the rate engine (``binned_counts``) with the
    preset's source, detector and exposure; each flavour is multiplied by the preset's timing
    acceptance (if any) and, with ``time_cut``, by the data set's ``signal_time_fraction``. A 3-D
    data set gets the counts spread over F90 with the released signal's P(F90 | E) and over
    trigger time with the preset's per-flavour time weights (:meth:`Dataset.spread`).

    Parameters
    ----------
    experiment : str, Experiment or None
        Preset (None: the data set's own).
    dataset : str or Dataset
    physics : StandardModel or NewPhysics, optional
        Default: the experiment's ``physics`` (None: Standard Model).
    form_factor : str or NuclearModel, optional
        Default: the experiment's ``form_factor``.
    form_factor_params : mapping, optional
        Parameters of the form-factor model, e.g. ``{"R_n_fm": 5.5}``, on top of the
        experiment's own nuclear choice (:meth:`Experiment.form_factor_options`), key by key.
    time_cut : bool
        Apply the data set's arrival-time acceptance per flavour.

    Returns
    -------
    ndarray, shape (n_cells,)

    Examples
    --------
    >>> round(float(predict_signal(None, "coherent_csi_2017").sum()), 1)
    155.1
    """
    ds = _dataset(dataset)
    exp = _experiment(experiment, ds)
    phys = exp.physics if physics is None else physics
    ff = exp.form_factor if form_factor is None else form_factor
    # the experiment's nuclear choice (skin, R_n, model parameters), overridden key by key
    options = exp.form_factor_options()
    if form_factor_params:
        merged = {**options.get("form_factor_params", {}), **dict(form_factor_params)}
        options = {"form_factor_params": merged}
    counts = binned_counts(
        exp.source,
        exp.detector,
        ds.bin_edges,
        phys,
        ff,
        exposure=exp.exposure_factor,
        **options,
    ).by_flavour()
    fractions = exp.timing_fractions()
    if len(ds.shape) > 1:
        t_edges = ds.axes.get("t_us")
        if t_edges is None:
            raise CevnsError(f"{ds.name}: a multi-dimensional data set needs a 't_us' axis")
        weights = exp.time_weights(t_edges)
        return np.sum([ds.spread(c, weights[f]) for f, c in counts.items()], axis=0)
    total = np.zeros(ds.bin_edges.size - 1)
    for f, c in counts.items():
        factor = fractions.get(f, 1.0)
        if time_cut:
            factor *= ds.signal_time_fraction.get(f, 1.0)
        total = total + factor * c
    return total


# ------------------------------------------------------------------------------ χ²
def dataset_chi2(
    dataset: str | Dataset,
    signal: ArrayLike,
    *,
    statistic: str | None = None,
    sigma_signal: float | None = None,
    sigma_backgrounds: float | Sequence[float] | None = None,
    method: str = "newton",
    return_nuisances: bool = False,
) -> Array | tuple[Array, Array]:
    """χ² of predicted signal vectors (..., n_cells) against a data set, nuisances profiled.

    ``statistic``:

    ``"gaussian_coherent"``
        COHERENT-2017 Gaussian χ² of the residual (observed − steady-state) against
        (1+α)S + Σ(1+β_k)B_k over the other backgrounds, σ_i² = N_obs + 2B_ss + ΣB_k
        (:func:`~cevns_core.statistics.coherent_variance`). Needs a ``steady_state`` background.
    ``"gaussian"``
        Gaussian χ² of the raw counts against (1+α)S + Σ(1+β_k)B_k over all backgrounds,
        σ_i² = N_obs (Neyman; every bin needs counts).
    ``"poisson"``
        Baker–Cousins χ² of the raw counts, all backgrounds with nuisances (Newton profile, or
        ``method="minuit"``).

    Defaults (``None``): the data set's ``statistic``, σ_α = ``signal_uncertainty`` and σ_β,k =
    ``background_uncertainties``; pass 0 to fix a nuisance, ``math.inf`` to leave it free.
    Nuisances in the output: α first, then the backgrounds in the
    data set's order (without ``steady_state`` for ``"gaussian_coherent"``).

    Examples
    --------
    >>> ds = load_dataset("coherent_csi_2017")
    >>> chi2, nuisances = dataset_chi2(ds, np.full(12, 12.0), return_nuisances=True)
    >>> round(float(chi2), 3), nuisances.round(3).tolist()
    (8.69, [-0.166, 0.0])
    """
    sig = as_array(signal, "signal", minimum=0.0)
    terms = dataset_chi2_terms(
        dataset, statistic=statistic, sigma_signal=sigma_signal, sigma_backgrounds=sigma_backgrounds
    )
    common = {k: terms[k] for k in ("sigma_signal", "sigma_backgrounds")}
    if terms["kind"] == "gaussian":
        return gaussian_chi2(
            terms["observed"],
            sig,
            terms["backgrounds"],
            variance=terms["variance"],
            return_nuisances=return_nuisances,
            **common,
        )
    return poisson_chi2(
        terms["observed"],
        sig,
        terms["backgrounds"],
        method=method,
        return_nuisances=return_nuisances,
        **common,
    )


def dataset_chi2_terms(
    dataset: str | Dataset,
    *,
    statistic: str | None = None,
    sigma_signal: float | None = None,
    sigma_backgrounds: float | Sequence[float] | None = None,
) -> dict[str, Any]:
    """What :func:`dataset_chi2` compares with: ``kind`` ("gaussian" or "poisson"), the
    ``observed`` counts (the residual for ``"gaussian_coherent"``), ``backgrounds`` (K, n) with
    nuisances, ``variance`` (Gaussian; None: the observed counts), ``sigma_signal``,
    ``sigma_backgrounds`` and the ``statistic`` name. The scan engine builds its χ² from these.
    """
    ds = _dataset(dataset)
    stat = check_choice(statistic or ds.statistic, "statistic", STATISTICS)
    s_alpha = ds.signal_uncertainty if sigma_signal is None else sigma_signal
    names = list(ds.backgrounds)
    if stat == "gaussian_coherent":
        if "steady_state" not in ds.backgrounds:
            raise CevnsError(f"{ds.name} has no steady-state background for the COHERENT χ²")
        names.remove("steady_state")
    B, s_beta = ds.background_array(names)
    if sigma_backgrounds is not None:
        s_beta = sigma_backgrounds  # type: ignore[assignment]
    out: dict[str, Any] = {
        "statistic": stat,
        "kind": "poisson" if stat == "poisson" else "gaussian",
        "observed": ds.observed,
        "backgrounds": B,
        "variance": None,
        "sigma_signal": s_alpha,
        "sigma_backgrounds": s_beta,
    }
    if stat == "gaussian_coherent":
        out["observed"] = ds.residual
        out["variance"] = coherent_variance(
            ds.residual, ds.backgrounds["steady_state"], B.sum(axis=0)
        )
    return out


def _nuisance_names(ds: Dataset, statistic: str) -> list[str]:
    names = [
        k for k in ds.backgrounds if not (statistic == "gaussian_coherent" and k == "steady_state")
    ]
    return ["signal", *names]


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


# ------------------------------------------------------------------------------ scans
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
        from .likelihood.fitting import likelihood_profile

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
        from .likelihood.fitting import likelihood_sin2_theta_w

        lik = _joint(dataset, experiment, statistic=statistic, sigma_signal=sigma_signal,
                     sigma_backgrounds=sigma_backgrounds, time_cut=time_cut)  # fmt: skip
        if isinstance(neutron_radius, str):
            from .likelihood.profiled import likelihood_sin2_theta_w_radius

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
        from .likelihood.fitting import likelihood_neutron_radius

        lik = _joint(dataset, experiment, statistic=statistic, sigma_signal=sigma_signal,
                     sigma_backgrounds=sigma_backgrounds, time_cut=time_cut)  # fmt: skip
        if profiled:
            from .likelihood.profiled import likelihood_neutron_radii

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


# -------------------------------------------------------------- named new-physics parameters
#: Single-parameter fits: name → (NewPhysics keywords set to the value × scale, scale, default
#: grid, unit). μ_ν in 10⁻¹⁰ μ_B ("mu_nu" sets ν_e and ν_μ together), ⟨r²⟩ in 10⁻³² cm², ε
#: dimensionless (vector and tensor NSI of one quark and one flavour, the others zero).
FIT_PARAMETERS: dict[str, tuple[tuple[str, ...], float, tuple[float, float, int], str]] = {
    "mu_nu": (("mu_nu_e_muB", "mu_nu_mu_muB"), 1e-10, (0.0, 100.0, 51), "1e-10 mu_B"),
    "mu_nu_e": (("mu_nu_e_muB",), 1e-10, (0.0, 150.0, 61), "1e-10 mu_B"),
    "mu_nu_mu": (("mu_nu_mu_muB",), 1e-10, (0.0, 150.0, 61), "1e-10 mu_B"),
    "r2_e": (("r2_e_cm2",), 1e-32, (-120.0, 60.0, 91), "1e-32 cm^2"),
    "r2_mu": (("r2_mu_cm2",), 1e-32, (-120.0, 60.0, 91), "1e-32 cm^2"),
    **{
        f"eps_{q}V_{f}": ((f"eps_{q}V_{f}",), 1.0, (-1.0, 1.0, 201), "")
        for q in ("u", "d")
        for f in ("ee", "mumu")
    },
    **{
        f"eps_{q}T_{f}": ((f"eps_{q}T_{f}",), 1.0, (-0.3, 0.3, 121), "")
        for q in ("u", "d")
        for f in ("ee", "mumu")
    },
}


def fit_parameter(
    name: str,
    dataset: str | Dataset = "coherent_csi_2017",
    *,
    experiment: str | Experiment | None = None,
    grid: ArrayLike | None = None,
    statistic: str | None = None,
    sigma_signal: float | None = None,
    time_cut: bool = True,
) -> Profile1D:
    """Δχ² profile of one new-physics parameter of :data:`FIT_PARAMETERS` (others at zero).

    A convenience layer over :func:`profile_1d` with :class:`~cevns_core.physics.NewPhysics`;
    the grid is in the parameter's display unit (μ_ν in 10⁻¹⁰ μ_B, ⟨r²⟩ in 10⁻³² cm²).

    Examples
    --------
    >>> p = fit_parameter("mu_nu", grid=np.linspace(0.0, 100.0, 21))
    >>> 30 < p.upper_limit(0.9) < 45
    True
    """
    from .physics import NewPhysics

    keys, scale, default, unit = FIT_PARAMETERS[check_choice(name, "fit parameter", FIT_PARAMETERS)]
    values = np.linspace(*default) if grid is None else grid

    def make(value: float) -> NewPhysics:
        return NewPhysics(**{k: value * scale for k in keys})

    label = f"{name} [{unit}]" if unit else name
    return profile_1d(
        experiment,
        dataset,
        make,
        values,
        parameter=label,
        statistic=statistic,
        sigma_signal=sigma_signal,
        time_cut=time_cut,
    )


def published_limits(table: str = "pkk_table_ii") -> dict[str, dict[str, Any]]:
    """Published constraints shipped with the package (PKK Table II, data/published_limits.json).

    Keys name the parameter with its unit (e.g. ``"mu_nu_1e-10_muB"``); values hold the data set,
    confidence level and the interval, best fit or upper limit.
    """
    import json
    from importlib.resources import files

    text = files("cevns_core").joinpath("data").joinpath("published_limits.json").read_text()
    tables = {k: v for k, v in json.loads(text).items() if not k.startswith("_")}
    return tables[check_choice(table, "published table", tables)]
