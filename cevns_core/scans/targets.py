"""What a scan compares with: Asimov data of an experiment, a data set, or a joint likelihood.

``cc.scan(experiment, model, data=...)``:

* ``data=None`` — Asimov sensitivity of ``experiment`` in its analysis bins;
* a data-set name of :func:`cevns_core.datasets.dataset_names` or a ``Dataset`` — that data
  set's own χ² (:func:`cevns_core.fits.dataset_chi2`), predicted by ``experiment`` (None: the
  data set's preset); a multi-dimensional set (LAr 2020 energy × F90 × time) gets the counts per
  energy bin spread over its cells as :func:`cevns_core.fits.predict_signal` does;
* an energy × time data set (``"coherent_csi_2021"``, ``"coherent_csi_2017_2d"``), a list of
  data-set names or a :class:`~cevns_core.likelihood.Likelihood` — the joint Poisson likelihood
  of :mod:`cevns_core.likelihood` (shared physics, the SNS flux shared, every nuisance profiled),
  each data set predicted by its own preset (``experiment`` None; or an Experiment for a single
  data-set name, as the fits accept).

Each data set becomes one :class:`Part`: an experiment, its bins and, per flavour, a linear map
of the bin counts onto its cells (the arrival-time and F90 spreads); the engine folds the maps
into its kernels, and the parts' cells are concatenated in the likelihood's order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._validation import check_choice
from ..errors import CevnsError
from ..experiment import Experiment
from ..published import DEFAULT_SIGNAL_UNCERTAINTY, signal_uncertainty
from .statistic import GaussianStatistic, LikelihoodStatistic, PoissonStatistic

__all__ = ["Part", "Target", "auto_bins", "resolve_target", "target_statistic"]

Array = NDArray[np.float64]

_STATISTICS_ASIMOV = ("gaussian", "poisson")


@dataclass
class Part:
    """One experiment and the outputs its scan kernels fill."""

    experiment: Experiment
    edges: Array
    factors: dict[str, float] = field(default_factory=dict)
    maps: dict[str, Array] = field(default_factory=dict)


@dataclass
class Target:
    """The parts of a scan and the data they are compared with."""

    kind: str  # "asimov", "dataset", "likelihood"
    parts: list[Part]
    dataset: Any = None
    likelihood: Any = None

    @property
    def data_name(self) -> str | None:
        if self.kind == "dataset":
            return self.dataset.name
        if self.kind == "likelihood":
            return " + ".join(self.likelihood.labels)
        return None


def _preset(experiment: Any) -> Experiment:
    if isinstance(experiment, str):
        from ..experiment import experiment as preset

        experiment = preset(experiment)
    if not isinstance(experiment, Experiment):
        raise CevnsError(
            f"experiment must be an Experiment or a preset name, got {type(experiment).__name__}"
        )
    return experiment


def _likelihood_request(data: Any) -> bool:
    from ..electroweak import EXTERNAL_TERMS, ExternalTerm
    from ..likelihood import DataSetLikelihood, Likelihood, energy_time_names

    if isinstance(data, Likelihood | DataSetLikelihood | ExternalTerm):
        return True
    if isinstance(data, Sequence) and not isinstance(data, str | bytes):
        return True
    from ..cell_datasets import cell_dataset_names

    names = (*energy_time_names(), *EXTERNAL_TERMS, *cell_dataset_names())
    return isinstance(data, str) and data in names


def resolve_target(experiment: Any, data: Any, *, time_cut: bool, bins: Any = None) -> Target:
    """The :class:`Target` of ``scan(experiment, ..., data=data)`` (module docstring)."""
    from ..likelihood import Likelihood

    if bins is not None and data is not None:
        raise CevnsError("bins applies to Asimov scans: a data set has its own bins")
    if isinstance(experiment, Likelihood | list | tuple):
        raise CevnsError(
            "a joint scan takes its data sets as data=[...] (names) or data=cc.Likelihood(...), "
            "with experiment None: each data set is predicted by its own preset"
        )
    if data is None:
        if experiment is None:
            raise CevnsError("give an experiment (Asimov scan) or data=... to fit")
        exp = _preset(experiment)
        exp.check_threshold()
        factors = dict(exp.timing_fractions())
        return Target("asimov", [Part(exp, _asimov_edges(exp, bins), factors)])
    if _likelihood_request(data):
        return _likelihood_target(experiment, data)
    return _dataset_target(experiment, data, time_cut)


def _asimov_edges(exp: Experiment, bins: Any) -> Array:
    """The experiment's analysis bins, or ``bins`` equal bins (or these edges) in its window."""
    edges = np.asarray(exp.analysis_bins(), dtype=float)
    if bins is None:
        return edges
    if isinstance(bins, bool):
        raise CevnsError(f"bins must be a number of bins, bin edges or 'auto', got {bins!r}")
    if isinstance(bins, int | np.integer):
        if bins < 1:
            raise CevnsError(f"bins must be ≥ 1, got {bins}")
        return np.linspace(edges[0], edges[-1], int(bins) + 1)
    given = np.asarray(bins, dtype=float)
    if given.ndim != 1 or given.size < 2 or not np.all(np.isfinite(given)):
        raise CevnsError("bins must be ≥ 2 finite, increasing bin edges")
    if np.any(np.diff(given) <= 0):
        raise CevnsError("bin edges must be strictly increasing")
    return given


#: ``bins="auto"``: the Asimov Δχ² may move by this fraction of max(1, Δχ²) ...
AUTO_BINS_TOLERANCE = 0.01
#: ... where Δχ² < 30 (every contour up to 5σ for two parameters).
_AUTO_BINS_REGION = 30.0


def auto_bins(experiment: Any, model: str, axes: dict[str, Array], options: dict) -> tuple:
    """``bins="auto"``: the coarsest equal binning whose Asimov Δχ² is converged.

    Without smearing and efficiency (an ideal keVnr or keVee detector) the bins only split the
    recoil range, and the Gaussian Asimov Δχ² is a midpoint sum that converges as 1/n² in the
    number of bins n as n^−p (p = 2 for smooth spectra). Δχ² on a ≤ 12 × 12 sub-grid with 16,
    32 and 64 bins gives p (kept in [1, 2]) and the error of 64 bins (Richardson) where
    Δχ² < 30; n = 64 · (error/tolerance)^(1/p), rounded up to a power of two, keeps it below
    :data:`AUTO_BINS_TOLERANCE` × max(1, Δχ²) there (far out, where no contour runs, Δχ² can
    differ by more). Returns (n or None, note); None:
    the experiment's own analysis bins (a detector with smearing, efficiency or PE counting,
    or n above them).
    """
    from .run import scan

    exp = _preset(experiment)
    det = exp.detector
    fine = np.asarray(exp.analysis_bins(), dtype=float).size - 1
    if det.resolution is not None or det.efficiency is not None or det.observable == "PE":
        return None, "the detector smears, has an efficiency or counts PE: its own bins"
    sub = {
        k: np.unique(v[np.linspace(0, v.size - 1, min(v.size, 12)).round().astype(int)])
        for k, v in axes.items()
    }
    d = [scan(exp, model, bins=n, refine=False, **options, **sub).delta_chi2 for n in (16, 32, 64)]
    near = np.minimum.reduce(d) < _AUTO_BINS_REGION  # where contours can be
    if not np.any(near):
        near = d[2] <= np.min(d[2])
    scale = np.maximum(1.0, d[2][near])
    step1 = float(np.max(np.abs(d[0] - d[1])[near] / scale))
    step2 = float(np.max(np.abs(d[1] - d[2])[near] / scale))
    # observed order of convergence (midpoint sums: 2; kinks inside bins: 1), kept in [1, 2]
    order = float(np.clip(np.log2(step1 / step2), 1.0, 2.0)) if step2 > 0 else 2.0
    error = step2 / (2.0**order - 1.0)  # of 64 bins
    n = 64 * 2 ** max(0, int(np.ceil(np.log2((error / AUTO_BINS_TOLERANCE) ** (1 / order)))))
    note = f"Δχ² error of 64 bins ≈ {error:.1e} (order {order:.1f})"
    if n >= fine:
        return None, f"{note}: the {fine} analysis bins"
    return n, f"{note} → {n} bins"


def _dataset_target(experiment: Any, data: Any, time_cut: bool) -> Target:
    try:
        from ..datasets import Dataset, load_dataset
    except ImportError as exc:  # pragma: no cover - data sets ship with the package
        raise CevnsError("data sets are not available in this installation") from exc
    if isinstance(data, str):
        ds = load_dataset(data)
    elif isinstance(data, Dataset):
        ds = data
    else:
        raise CevnsError(
            "data must be a data-set name, a Dataset, a list of data-set names or a "
            f"Likelihood, got {type(data).__name__}"
        )
    if experiment is None:
        if not ds.experiment:
            raise CevnsError(f"data set {ds.name} names no experiment preset: pass experiment=...")
        experiment = ds.experiment
    exp = _preset(experiment)
    if exp.detector.observable != ds.observable:
        raise CevnsError(
            f"the experiment {exp.name} counts in {exp.detector.observable} but the data set "
            f"{ds.name} is binned in {ds.observable}"
        )
    exp.check_threshold()
    edges = np.asarray(ds.bin_edges, dtype=float)
    if len(ds.shape) > 1:
        # counts per energy bin spread over F90 × time (fits.predict_signal)
        t_edges = ds.axes.get("t_us")
        if t_edges is None:
            raise CevnsError(f"{ds.name}: a multi-dimensional data set needs a 't_us' axis")
        weights = exp.time_weights(t_edges)
        identity = np.eye(edges.size - 1)
        maps = {f: ds.spread(identity, weights[f]) for f in exp.source.flavours()}
        return Target("dataset", [Part(exp, edges, {}, maps)], dataset=ds)
    factors = dict(exp.timing_fractions())
    if time_cut:
        for f in exp.source.flavours():
            factors[f] = factors.get(f, 1.0) * ds.signal_time_fraction.get(f, 1.0)
    return Target("dataset", [Part(exp, edges, factors)], dataset=ds)


def _likelihood_target(experiment: Any, data: Any) -> Target:
    from ..likelihood import DataSetLikelihood, Likelihood, as_likelihood

    if experiment is not None:
        if not isinstance(data, str):
            raise CevnsError(
                "experiment=... applies to one data set; for several give experiment=None "
                "(each data set is predicted by its own preset) or build a Likelihood"
            )
        lik = as_likelihood(DataSetLikelihood(data, experiment=_preset(experiment)))
    else:
        lik = as_likelihood(data)
    if not isinstance(lik, Likelihood):  # pragma: no cover - as_likelihood raises
        raise CevnsError(f"cannot build a likelihood from {data!r}")
    parts = []
    for part in lik.parts:
        exp = part.experiment
        exp.check_threshold()
        identity = np.eye(part.rate_edges.size - 1)
        maps = {f: part.cells_from_counts({f: identity}) for f in exp.source.flavours()}
        parts.append(Part(exp, np.asarray(part.rate_edges, dtype=float), {}, maps))
    return Target("likelihood", parts, likelihood=lik)


def target_statistic(
    target: Target,
    statistic: str | None,
    sigma_signal: float | None,
    sigma_backgrounds: Any,
    signal_null: Array,
    asimov: Any,
    default_sigma_signal: float = DEFAULT_SIGNAL_UNCERTAINTY,
) -> tuple[Any, str, Any, Array]:
    """(statistic object, its name, σ_α, observed counts) of the target; ``asimov()`` gives
    the Asimov counts (the prediction at the truth point). An Asimov target's σ_α is the
    published one of its experiment, else ``default_sigma_signal``."""
    if target.kind == "likelihood":
        lik = target.likelihood
        return LikelihoodStatistic(lik), "poisson likelihood", None, np.asarray(lik.observed)
    if target.kind == "asimov":
        stat = check_choice(statistic or "gaussian", "Asimov statistic", _STATISTICS_ASIMOV)
        if sigma_backgrounds is not None:
            raise CevnsError("sigma_backgrounds applies to data sets (Asimov data have none)")
        observed = asimov()
        exp = target.parts[0].experiment
        s_alpha = (
            signal_uncertainty(exp, default_sigma_signal) if sigma_signal is None else sigma_signal
        )
        keep = observed > 0
        if not np.any(keep):
            raise CevnsError(f"{exp.name}: no events are expected in the analysis bins")
        if stat == "gaussian":
            return (
                GaussianStatistic(observed, observed, None, s_alpha, None, keep),
                stat,
                s_alpha,
                observed,
            )
        return PoissonStatistic(observed, None, s_alpha, None), stat, s_alpha, observed
    if target.kind != "dataset":  # pragma: no cover
        raise CevnsError(f"unknown scan target {target.kind!r}")
    from ..fits import dataset_chi2_terms

    ds = target.dataset
    terms = dataset_chi2_terms(
        ds, statistic=statistic, sigma_signal=sigma_signal, sigma_backgrounds=sigma_backgrounds
    )
    common = (terms["sigma_signal"], terms["sigma_backgrounds"])
    B = terms["backgrounds"] if terms["backgrounds"].shape[0] else None
    if terms["kind"] == "gaussian":
        variance = terms["variance"]
        stat_obj: Any = GaussianStatistic(terms["observed"], variance, B, *common)
    else:
        stat_obj = PoissonStatistic(terms["observed"], B, *common)
    return stat_obj, terms["statistic"], terms["sigma_signal"], np.asarray(ds.observed, float)
