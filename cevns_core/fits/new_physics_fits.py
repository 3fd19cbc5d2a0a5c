"""Single-parameter new-physics fits (μ_ν, ⟨r²⟩, vector and tensor NSI) and the published
constraints shipped with the package (PKK Table II).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .._validation import check_choice
from ..datasets import Dataset
from ..experiment import Experiment
from ..statistics import Profile1D
from .profile_fits import profile_1d

__all__ = ["FIT_PARAMETERS", "fit_parameter", "published_limits"]


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
    from ..physics import NewPhysics

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
