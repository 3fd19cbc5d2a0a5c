"""Several experiments (or baselines) in one χ²: :func:`scan_combined`, :func:`combine_scans`.

A grid scan of one model on every experiment (:func:`~cevns_core.scans.run.scan`, each with its
own bins, data or Asimov counts and signal-normalisation nuisance), then χ²_comb = Σ_k χ²_k at
every grid point — the combination behind PKK Fig. 16 (COHERENT + TEXONO in the
(Δm²₄₁, sin²2θ_eμ) plane: a π-DAR and a reactor baseline see different L/E). The nuisances are
independent: experiments that share a source (one SNS flux for CsI and LAr) are better combined
with a joint likelihood that shares its flux nuisance (:class:`cevns_core.Likelihood`).

The result is an ordinary :class:`~cevns_core.scans.result.ScanResult` on the common grid: its
``bin_counts`` and ``observed`` are the experiments' bins one after the other, ``bin_edges`` the
bin numbers 0 … n (the observables differ), ``info["parts"]`` where each experiment's bins are,
and ``info["chi2_parts"]`` each experiment's χ² grid.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..errors import CevnsError
from .result import ScanResult
from .run import scan

__all__ = ["combine_scans", "scan_combined"]


def combine_scans(results: Sequence[ScanResult]) -> ScanResult:
    """Sum the χ² of scans of one model on the same grid (module docstring).

    Raises
    ------
    CevnsError
        No result, different models, axes, grid values or Δχ² references.
    """
    results = _as_list(results, "results")
    if not results or not all(isinstance(r, ScanResult) for r in results):
        raise CevnsError("combine_scans needs a non-empty sequence of ScanResult")
    first = results[0]
    for r in results[1:]:
        if r.model != first.model:
            raise CevnsError(f"cannot combine scans of {first.model!r} and {r.model!r}")
        if list(r.axes) != list(first.axes) or not all(
            np.array_equal(r.axes[n], first.axes[n]) for n in first.axes
        ):
            raise CevnsError(
                "the scans to combine must share their grid: the same axes with the same values"
            )
        if r.reference != first.reference:
            raise CevnsError(
                f"the scans to combine use different Δχ² references: {first.reference!r} "
                f"and {r.reference!r}"
            )
    parts, start = [], 0
    for r in results:
        n = r.bin_counts.shape[-1]
        parts.append(
            {
                "experiment": r.info.get("experiment"),
                "bins": [start, start + n],
                "observable": r.info.get("observable"),
                "data": r.info.get("data"),
                "path": r.info.get("path"),
            }
        )
        start += n
    return ScanResult(
        model=first.model,
        axes={k: np.asarray(v) for k, v in first.axes.items()},
        bin_counts=np.concatenate([r.bin_counts for r in results], axis=-1),
        chi2=np.sum([r.chi2 for r in results], axis=0),
        chi2_null=float(sum(r.chi2_null for r in results)),
        null_point=dict(first.null_point),
        reference=first.reference,
        bin_edges=np.arange(start + 1, dtype=float),
        observed=np.concatenate([r.observed for r in results]),
        info={
            "experiment": " + ".join(str(p["experiment"]) for p in parts),
            "model_title": first.info.get("model_title"),
            "figure": first.info.get("figure"),
            "combined": True,
            "parts": parts,
            "chi2_parts": [r.chi2 for r in results],
            "observable": "bin number",
        },
    )


def scan_combined(
    experiments: Sequence[Any],
    model: str,
    *,
    options: Sequence[Mapping[str, Any]] | None = None,
    reference: str = "minimum",
    **axes_and_options: Any,
) -> ScanResult:
    """Scan ``model`` on every experiment and sum the χ² (module docstring).

    Parameters
    ----------
    experiments : sequence of Experiment or preset names
        Two or more set-ups; the same experiment at other baselines is another entry (e.g.
        ``exp.copy(source=...)`` with another ``distance_m``).
    model : str
        A scan model (:func:`~cevns_core.scans.scan_models`), e.g. ``"sterile_emu"``.
    options : sequence of mappings, optional
        Per-experiment keyword options of :func:`~cevns_core.scans.run.scan` (``data``,
        ``sigma_signal``, ``statistic`` ...), in the order of ``experiments``.
    reference : {"minimum", "sm"}
        Δχ² convention of the combination.
    **axes_and_options
        The grid (e.g. ``dm2_41_eV2=..., sin2_2theta_emu=...``) and options common to every
        experiment (``method``, ``truth`` ...).

    Examples
    --------
    >>> res = scan_combined(["coherent_csi_2017", "texono"], "sterile_emu",
    ...                     dm2_41_eV2=[0.5, 5.0], sin2_2theta_emu=[0.1, 0.5])
    >>> res.shape, [p["experiment"] for p in res.info["parts"]]
    ((2, 2), ['coherent_csi_2017', 'texono'])
    """
    experiments = _as_list(experiments, "experiments")
    if len(experiments) < 1:
        raise CevnsError("scan_combined needs at least one experiment")
    if options is None:
        options = [{}] * len(experiments)
    options = _as_list(options, "options")
    if len(options) != len(experiments):
        raise CevnsError(
            f"options has {len(options)} entries for {len(experiments)} experiments: give one "
            "mapping per experiment"
        )
    results = []
    for exp, extra in zip(experiments, options, strict=True):
        if not isinstance(extra, Mapping):
            raise CevnsError(f"each entry of options must be a mapping, got {extra!r}")
        # one grid for every experiment: no per-experiment refinement of 1-D profiles
        call = {"refine": False, **axes_and_options, **extra}
        results.append(scan(exp, model, reference=reference, **call))
    return combine_scans(results)


def _as_list(value: Any, name: str) -> list[Any]:
    """A list or tuple (of experiments, results, options); None, a string or a single object
    is refused (None gave TypeError, a string was read letter by letter)."""
    if not isinstance(value, list | tuple):
        raise CevnsError(f"{name} must be a list, got {type(value).__name__}")
    return list(value)
