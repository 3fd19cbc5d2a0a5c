"""χ² statistics: profiled nuisance parameters, Δχ² levels, intervals (PHYSICS.md §8).

Predicted counts in bin i (PHYSICS §8.1)::

    N_th,i(θ, α, β) = (1 + α) S_i(θ) + Σ_k (1 + β_k) B_k,i

with a signal-normalisation nuisance α (flux, quenching, efficiency, form factor) and one
normalisation nuisance β_k per background component, each with a Gaussian penalty (α/σ_α)²,
(β_k/σ_β,k)². Every nuisance is *profiled* (minimised over) for each signal vector.

Gaussian χ² (:func:`gaussian_chi2`; COHERENT 2017 and Papoulias & Kosmas 2018)::

    χ² = Σ_i (N_obs,i − N_th,i)² / σ_i² + (α/σ_α)² + Σ_k (β_k/σ_β,k)²,
    σ_i² = N_obs,i + 2 B_ss,i + B_on,i        (:func:`coherent_variance`)

is quadratic in the nuisances, so they are profiled **analytically**: the normal equations
A θ = b of the linear least-squares problem are solved for every signal vector at once (batched
``numpy.linalg.solve``). ``signal`` may have any leading shape (..., n_bins); the result has shape
(...). This is what fast parameter scans need: thousands of predicted spectra cost one array
operation.

Poisson χ² (:func:`poisson_chi2`; Baker & Cousins 1984)::

    χ² = 2 Σ_i [N_th,i − N_obs,i + N_obs,i ln(N_obs,i / N_th,i)] + Σ_k (θ_k/σ_k)²

(the logarithmic term is 0 when N_obs,i = 0). N_th is affine in the nuisances and the χ² is
convex in N_th, so the profile is a strictly convex problem. The default ``method="newton"`` solves
it for all signal vectors together with a vectorised Newton iteration: exact gradient and Hessian,
batched linear solves, and a backtracking line search that keeps every prediction positive and
never lets the χ² increase; it stops when the Newton decrement is below 1e-10 (typically 4–8
iterations). ``method="minuit"`` minimises each signal vector separately with iminuit's MIGRAD
(one Python-level fit per vector: use it for small problems and as a cross-check; the Newton
result agrees with it to ~1e-6 in χ²). Nuisances are unbounded in both methods: a background
normalisation 1 + β < 0 is allowed as long as every predicted count stays ≥ 0 (relevant only for
components with ≥ 100 % uncertainty).

Nuisance uncertainties: a positive number is a Gaussian constraint; ``0``/``None`` fixes the
nuisance at 0 (no nuisance); ``math.inf`` leaves it free (no penalty).

Confidence levels (PHYSICS §8.2): :func:`delta_chi2_threshold` (``scipy.stats.chi2.ppf``),
:func:`delta_chi2_table` (the table R34); 1-D intervals from a Δχ² profile on a grid with
interpolated crossings (:func:`confidence_intervals`, :func:`upper_limit`, :class:`Profile1D`);
:func:`best_fit` with a parabolic refinement of the grid minimum; :func:`asimov_data` for
sensitivities (PHYSICS §8.3).
"""

from ._constants import CL_1SIGMA, CL_2SIGMA, CL_3SIGMA
from .gaussian import coherent_variance, gaussian_chi2, gaussian_chi2_total
from .levels import cl_from_sigma, delta_chi2_table, delta_chi2_threshold
from .poisson import asimov_data, baker_cousins, poisson_chi2, poisson_chi2_total
from .profiles import Interval, Profile1D, best_fit, confidence_intervals, upper_limit

__all__ = [
    "CL_1SIGMA",
    "CL_2SIGMA",
    "CL_3SIGMA",
    "Interval",
    "Profile1D",
    "asimov_data",
    "baker_cousins",
    "best_fit",
    "cl_from_sigma",
    "coherent_variance",
    "confidence_intervals",
    "delta_chi2_table",
    "delta_chi2_threshold",
    "gaussian_chi2",
    "gaussian_chi2_total",
    "poisson_chi2",
    "poisson_chi2_total",
    "upper_limit",
]
