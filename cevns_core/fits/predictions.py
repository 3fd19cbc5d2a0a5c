"""What a fit compares with a data set: the predicted signal in its bins, and the checks
of a fit's inputs (data set, experiment, prediction settings, joint-likelihood requests).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..datasets import Dataset, load_dataset
from ..errors import CevnsError
from ..experiment import Experiment, experiment
from ..rates import binned_counts
from ..weak_charges import StandardModel

__all__ = ["STATISTICS", "predict_signal"]

Array = NDArray[np.float64]


#: χ² choices of :func:`dataset_chi2`.
STATISTICS = ("gaussian_coherent", "gaussian", "poisson")


_SETTING_KEYS = ("physics", "form_factor", "form_factor_params")


def _dataset(dataset: str | Dataset) -> Dataset:
    if isinstance(dataset, Dataset):
        return dataset
    if isinstance(dataset, str):
        return load_dataset(dataset)
    raise CevnsError(f"dataset must be a data-set name or a Dataset, got {type(dataset).__name__}")


def _joint_request(dataset: Any) -> bool:
    """True for what the likelihood package fits: an energy × time or cell data set, an
    external term, a list of data sets, or a Likelihood / DataSetLikelihood object."""
    from ..electroweak import EXTERNAL_TERMS, ExternalTerm
    from ..likelihood import DataSetLikelihood, Likelihood, energy_time_names

    if isinstance(dataset, Likelihood | DataSetLikelihood | ExternalTerm | list | tuple):
        return True
    from ..cell_datasets import cell_dataset_names

    names = (*energy_time_names(), *EXTERNAL_TERMS, *cell_dataset_names())
    return isinstance(dataset, str) and dataset in names


def _joint(dataset: Any, experiment: Any, **unsupported: Any) -> Any:
    """The :class:`~cevns_core.likelihood.Likelihood` of a fit's ``dataset`` argument."""
    from ..likelihood import as_likelihood

    given = [k for k, v in unsupported.items() if v is not None and v is not True]
    if given:
        raise CevnsError(
            f"{', '.join(given)} do not apply to likelihood data sets (energy × time, lists, "
            "Likelihood objects): their nuisances and priors belong to the Likelihood"
        )
    if experiment is not None:
        if isinstance(dataset, str):
            from ..likelihood import DataSetLikelihood

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
