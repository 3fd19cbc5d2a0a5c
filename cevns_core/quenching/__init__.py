"""Quenching: nuclear-recoil energy T (keVnr) → electron-equivalent energy T_ee (keVee).

PHYSICS.md §6.3. A :class:`QuenchingModel` (:mod:`.base`) gives the quenching factor Q(T),
T_ee(T) = Q(T)·T (or a direct parameterisation of T_ee(T)), the Jacobian dT_ee/dT = Q(T) + T·Q'(T)
used to transform spectra (dN/dT_ee = dN/dT / (dT_ee/dT)), and the inverse T(T_ee).

Models (registry :data:`QUENCHING_MODELS`, factory :func:`quenching_model`, in :mod:`.registry`):

* ``"lindhard"`` (:mod:`.lindhard`) — PKK Eq. (30), Lindhard 1963: Q = k g(ε)/(1 + k g(ε)),
  g = 3ε^0.15 + 0.7ε^0.6 + ε, ε = 11.5 Z^(−7/3) T[keV], k = 0.133 Z^(2/3) A^(−1/2) unless given;
* ``"lindhard_adiabatic"`` (:mod:`.adiabatic`) — Lindhard × (1 − e^(−T/ξ)), the sub-keV germanium
  model of Scholz et al., PRD 94 (2016) 122003 (k = 0.179, ξ = 0.163 keV);
* ``"constant"``, ``"polynomial"``, ``"electron_equivalent_polynomial"`` (:mod:`.polynomial`) —
  Q(T) = Q₀ (COHERENT CsI[Na] 2017: 0.0878); Q(T) = Σᵢ aᵢ Tⁱ, T in keVnr (COHERENT LAr 2020:
  0.246 + 0.00078 T); T_ee(T) = Σ_{i≥1} cᵢ Tⁱ with T and T_ee in keV or MeV (COHERENT CsI[Na]
  2021: cubic-quartic fit in MeV);
* ``"tabulated"`` (:mod:`.tabulated`) — Q at points T_keV, linearly interpolated; outside the
  table a CevnsError is raised (the package never extrapolates silently).

Named presets with the published numbers (and their ±1σ variants) come from
:func:`quenching_preset` (:mod:`.presets`); the numbers live in ``data/detectors/*.txt`` (see
``data/SOURCES.md``).

Conventions: all energies are keV (``T_keV`` nuclear recoil, ``Tee_keV`` electron equivalent);
functions are vectorised and return float arrays with the shape of the input.
"""

from __future__ import annotations

from .adiabatic import LindhardAdiabaticQuenching
from .base import QuenchingModel
from .base import _check_init_params as _check_init_params  # used by cevns_core.detector
from .lindhard import LindhardQuenching, lindhard_quenching_factor
from .polynomial import (
    ConstantQuenching,
    ElectronEquivalentPolynomialQuenching,
    PolynomialQuenching,
)
from .presets import QUENCHING_PRESETS, quenching_preset, quenching_preset_variants
from .presets import _preset_numbers as _preset_numbers  # used by cevns_core.detector
from .presets import _preset_values as _preset_values  # used by cevns_core.detector
from .presets import _variants as _variants  # used by cevns_core.detector
from .registry import QUENCHING_MODELS, quenching_model
from .tabulated import TabulatedQuenching

__all__ = [
    "QUENCHING_MODELS",
    "QUENCHING_PRESETS",
    "ConstantQuenching",
    "ElectronEquivalentPolynomialQuenching",
    "LindhardAdiabaticQuenching",
    "LindhardQuenching",
    "PolynomialQuenching",
    "QuenchingModel",
    "TabulatedQuenching",
    "lindhard_quenching_factor",
    "quenching_model",
    "quenching_preset",
    "quenching_preset_variants",
]
