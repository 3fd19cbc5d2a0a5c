"""The scan catalogue: every scannable model, derived from the physics registry.

Each registered effect (:mod:`cevns_core.physics`) contributes its scan variants: axes with
labels, units, bounds and a default grid, the map from axis values to its ``NewPhysics``
parameters (generic path) and its vectorised scan terms (fast path). The catalogue adds the
scans that are not new physics: ``rn_sin2w`` (a common neutron rms radius × sin²θ_W).
:data:`SCAN_MODELS` follows the registry: an effect registered later appears in it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._validation import check_choice
from ..errors import CevnsError
from ..nuclear_model import nucleon_form_factors, params_for_nucleus
from ..physics import effects
from ..physics.base import Axis, Effect, ScanVariant
from ..units import HBARC_MeV_fm

__all__ = ["SCAN_MODELS", "Axis", "ScanModel", "default_axes", "describe_models", "scan_models"]

Array = NDArray[np.float64]


@dataclass(frozen=True)
class ScanModel:
    """A scannable model: its axes, how a point becomes physics settings, and its fast kernel.

    ``settings(point)`` returns ``(NewPhysics parameters, form-factor parameters)`` for the
    generic path; ``terms(job, block, p)`` the pieces of the fast path on the grid (keys of
    :meth:`cevns_core.physics.base.Effect.scan_terms`, or ``"Q"``: a replacement of the vector
    charge; None: generic only). ``flavour_dependent``: the model treats flavours differently,
    so the kernels are kept per lepton family instead of summed over flavours. ``effect``: the
    physics group it scans (None for rn_sin2w). ``polynomial``: monomials of axes in which the
    terms are affine (:attr:`cevns_core.physics.base.ScanVariant.polynomial`).
    """

    name: str
    title: str
    axes: tuple[Axis, ...]
    settings: Callable[[Mapping[str, Any]], tuple[dict[str, Any], dict[str, Any]]]
    terms: Callable[..., dict[str, Any]] | None
    flavour_dependent: bool
    figure: str = ""
    doc: str = ""
    effect: str | None = None
    polynomial: tuple[Mapping[str, int], ...] = ()

    def axis(self, name: str) -> Axis:
        """The axis called ``name`` (raises CevnsError naming the model's axes)."""
        for a in self.axes:
            if a.name == name:
                return a
        raise CevnsError(
            f"unknown axis {name!r} for model {self.name!r}; allowed: "
            + ", ".join(a.name for a in self.axes)
        )

    def default_axes(self) -> dict[str, Array]:
        """The model's default grid: every axis at its default values."""
        return {a.name: a.default_values() for a in self.axes}


def _from_variant(effect: Effect, variant: ScanVariant) -> ScanModel:
    def settings(point: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        return variant.settings(point), {}

    def terms(job: Any, block: Any, p: Mapping[str, Any]) -> dict[str, Any]:
        # the effect's own hooks, evaluated with the scanned parameters as grid arrays
        return effect.scan_terms({**job.physics_values, **variant.settings(p)}, block, job)

    return ScanModel(
        name=variant.name,
        title=variant.title,
        axes=variant.axes,
        settings=settings,
        terms=terms,
        flavour_dependent=variant.flavour_dependent,
        figure=variant.figure,
        doc=variant.doc,
        effect=effect.name,
        polynomial=tuple(variant.polynomial),
    )


# ------------------------------------------------------------------ R_n × sin²θ_W (not an effect)
def _rn_settings(point: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    physics = {"sin2_theta_W": point["sin2_theta_W"]}
    R_n = point["R_n_fm"]
    return physics, ({} if math.isnan(R_n) else {"R_n_fm": R_n})


def _rn_terms(job: Any, blk: Any, p: Mapping[str, Array]) -> dict[str, Any]:
    R_n, s = p["R_n_fm"], p["sin2_theta_W"]
    if job.physics_values["couplings"] == "tree":
        g_p = 0.5 - 2.0 * s
        if blk.fr_shift is not None:
            g_p = g_p + blk.fr_shift
    else:
        g_p = blk.g_p
    values, inverse = np.unique(R_n, return_inverse=True)
    F_n = np.empty((values.size, blk.T.size))
    q_fm = blk.q / HBARC_MeV_fm
    for k, value in enumerate(values):
        if math.isnan(value):
            F_n[k] = blk.F_n
        else:
            params = {**params_for_nucleus(job.ff_params, blk.isotope), "R_n_fm": float(value)}
            F_n[k] = nucleon_form_factors(q_fm, blk.isotope, job.ff_name, **params)[1]
    F_n = F_n[inverse.reshape(R_n.shape[:-1])]
    return {"Q": blk.Z * g_p * blk.F_p + blk.N * blk.g_n * F_n}


_RN_SIN2W = ScanModel(
    name="rn_sin2w",
    title="common neutron rms radius R_n (fm) of the targets and tree-level sin²θ_W",
    axes=(
        Axis(
            "R_n_fm",
            "neutron rms radius in fm",
            math.nan,
            0.0,
            15.0,
            False,
            label="R_n",
            unit="fm",
            grid=(2.0, 8.0, 61, False),
        ),
        Axis(
            "sin2_theta_W",
            "weak mixing angle (tree-level couplings)",
            math.nan,
            0,
            1,
            label="sin²θ_W",
            unit="",
            grid=(0.1, 0.4, 61, False),
        ),
    ),
    settings=_rn_settings,
    terms=_rn_terms,
    flavour_dependent=False,
    figure="PKK Figs. 7, 9",
    doc="proton distributions unchanged; the null point is the experiment's own R_n and sin²θ_W",
    polynomial=({"sin2_theta_W": 1},),  # g_V^p = ½ − 2 sin²θ_W: 𝒬_V affine in sin²θ_W
)


# ------------------------------------------------------------------ the catalogue
class _Catalogue(Mapping[str, ScanModel]):
    """Name → :class:`ScanModel`, rebuilt whenever the physics registry changes."""

    def __init__(self) -> None:
        self._key: tuple[int, ...] = ()
        self._models: dict[str, ScanModel] = {}

    def _current(self) -> dict[str, ScanModel]:
        registered = effects()
        key = tuple(id(e) for e in registered)
        if key != self._key or not self._models:
            models = {s.name: _from_variant(e, s) for e in registered for s in e.scans}
            models[_RN_SIN2W.name] = _RN_SIN2W
            self._models, self._key = models, key
        return self._models

    def __getitem__(self, name: str) -> ScanModel:
        return self._current()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._current())

    def __len__(self) -> int:
        return len(self._current())

    def __repr__(self) -> str:
        return f"SCAN_MODELS({', '.join(self._current())})"


#: The scannable models by name: the registered effects' scan variants and rn_sin2w.
SCAN_MODELS: Mapping[str, ScanModel] = _Catalogue()


def scan_models() -> list[str]:
    """Names of the scannable models (:data:`SCAN_MODELS`), sorted.

    Examples
    --------
    >>> scan_models()[:3]
    ['charge_radius', 'magnetic_moment', 'nsi_tensor_ee']
    """
    return sorted(SCAN_MODELS)


def default_axes(model: str) -> dict[str, Array]:
    """The default grid of a scan model (used by ``cevns scan MODEL`` without grid options).

    Examples
    --------
    >>> {k: (v.size, float(v[0]), float(v[-1])) for k, v in default_axes("zprime").items()}
    {'coupling': (100, 1e-05, 0.01), 'mass_MeV': (100, 1.0, 10000.0)}
    """
    check_choice(model, "scan model", SCAN_MODELS)
    return SCAN_MODELS[model].default_axes()


def describe_models() -> str:
    """One paragraph per scan model (name, axes with units, title, notes, figure)."""
    lines = []
    for name in scan_models():
        m = SCAN_MODELS[name]
        axes = ", ".join(f"{a.name}" + (f" [{a.unit}]" if a.unit else "") for a in m.axes)
        notes = "; ".join(x for x in (m.doc, m.figure) if x)
        lines.append(f"``{name}`` ({axes})\n    {m.title}" + (f" — {notes}." if notes else "."))
    return "\n".join(lines)
