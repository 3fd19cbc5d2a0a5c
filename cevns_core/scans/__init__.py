"""Parameter scans: 1-D Δχ² profiles and 2-D exclusion/allowed regions (PHYSICS.md §7, §8, §12).

``scan(experiment, model, **axes)`` predicts the binned signal of an experiment on a grid of
new-physics parameters, computes a χ² at every grid point and returns a :class:`ScanResult`
(``.counts``, ``.chi2``, ``.delta_chi2``, ``.best_fit``, ``.contour(cl)``)::

    res = scan(exp, "zprime", coupling=np.geomspace(1e-5, 1e-2, 200),
               mass_MeV=np.geomspace(1.0, 1e4, 200))
    res.delta_chi2.shape            # (200, 200): (len(coupling), len(mass_MeV))
    res.contour(cl=0.9)             # [(coupling values, mass values), ...] polylines

Give one axis for a 1-D profile (the other axis stays at its no-new-physics value) or two for a
2-D grid; the grid has shape ``(len(first), len(second))`` in the order the keywords are given.
Axis values must be finite, strictly increasing and inside the model's bounds;
``default_axes(model)`` is each model's default grid (what ``cevns scan MODEL`` uses when no grid
is given).

What the χ² compares with is ``data=``: None (Asimov sensitivity of the experiment), a data-set
name or ``Dataset`` (its own χ²; the 3-D LAr set too), or — for energy × time data sets, lists
of data sets and ``cc.Likelihood`` objects — the joint Poisson likelihood with shared physics
and the SNS flux shared (``scan(None, "zprime", data=["coherent_csi_2021",
"coherent_lar_2020_3d"], ...)``: each data set predicted by its own preset). Large grids:
``keep="chi2"`` keeps only χ² and totals, ``dtype="float32"`` halves them.

The package: :mod:`.catalogue` (the models, derived from the physics registry
:mod:`cevns_core.physics`, plus ``rn_sin2w``), :mod:`.engine` (kernels; kernel and generic
paths), :mod:`.polynomial` (counts as closed-form polynomials in the models' monomials),
:mod:`.statistic` (closed-form Gaussian, Poisson and likelihood χ²), :mod:`.targets` (Asimov,
data set or likelihood), :mod:`.plan` (what a chunk of rows computes), :mod:`.run`
(:func:`scan`), :mod:`.result` (:class:`ScanResult`, Δχ² conventions), :mod:`.distributed`
(local and Dask execution, progress), :mod:`.combine` (several experiments or baselines in
one χ²: :func:`scan_combined`).

Models and axes (axis names say what enters the Lagrangian; the conventions are those of the
effect's module in :mod:`cevns_core.physics`):

"""

from __future__ import annotations

from .catalogue import SCAN_MODELS, Axis, ScanModel, default_axes, describe_models, scan_models
from .combine import combine_scans, scan_combined
from .distributed import TextProgress
from .result import REFERENCES, ScanResult
from .run import scan

__doc__ = (__doc__ or "") + describe_models() + "\n"

__all__ = [
    "REFERENCES",
    "SCAN_MODELS",
    "Axis",
    "ScanModel",
    "ScanResult",
    "TextProgress",
    "combine_scans",
    "default_axes",
    "scan",
    "scan_combined",
    "scan_models",
]
