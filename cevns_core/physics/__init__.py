"""New physics in CEvNS: one module per effect, composed by :class:`NewPhysics` (PHYSICS.md §7).

``NewPhysics`` is a :class:`~cevns_core.weak_charges.StandardModel` with every registered effect
switchable at once; all parameters default to zero, which is the Standard Model exactly. Pass it
as ``physics=`` to any cross section or rate. For incoming flavour α it builds (§7)

    dσ_α/dT = G_F²M/π (1 − T/E − MT/2E²) [ |𝒬_αα(q)|² + Σ_{β≠α} |𝒬_αβ(q)|² ]
              + dσ^T/dT + dσ^S/dT + dσ^EM/dT,

with 𝒬_αβ = Z g̃^p_αβ(q) F_p(q) + N g̃^n_αβ(q) F_n(q) in the *half* normalisation of the weak
charge (g_V^p = ½ − 2 sin²θ_W, g_V^n = −½; PHYSICS §0). The diagonal g̃_αα is the SM coupling
plus every vector-like shift (NSI, Z′, charge radius, millicharge); the flavour-changing
g̃_αβ (β ≠ α) hold only the flavour-changing pieces and add **in quadrature** (different final
state), not to the amplitude. Tensor, scalar and magnetic-moment terms flip chirality and add to
the cross section without interference. |q|² = 2MT + T² (exact three-momentum transfer) wherever
a propagator or 1/|q|² appears. Antineutrinos ν̄_α use the α entries everywhere.

The effects, one module each (its docstring states the Lagrangian, the conventions where the
sources disagree and the UNSURE points; the class holds parameters with labels and units, the
equation, its source, the per-point coefficients and the vectorised scan terms):

- :mod:`.nsi_vector`: vector NSI ε^{uV}_{αβ}, ε^{dV}_{αβ} (§7.1);
- :mod:`.nsi_tensor`: tensor NSI ε^{uT}_{αα}, ε^{dT}_{αα} (§7.2);
- :mod:`.zprime`: light vector Z′ — universal, B − L, L_i − L_j (§7.3);
- :mod:`.scalar`: light scalar φ (§7.4);
- :mod:`.magnetic_moment`: effective magnetic moments μ_να (§7.5);
- :mod:`.charge_radius`: charge radii ⟨r²_να⟩ and transition radii (§7.7);
- :mod:`.millicharge`: millicharges q_να and transition charges (§7.8);
- :mod:`.sterile`: sterile 3+1 disappearance and appearance (§7.9);
- :mod:`.transition_moment`: Majorana transition magnetic moments Λ_i in the mass basis (§7.5).

:mod:`.base` defines :class:`Effect`, :mod:`.registry` the :func:`register_effect` decorator and
:func:`new_physics_groups` (titles, labels, units), :mod:`.model` the composition,
:mod:`.oscillation` the PMNS matrix and the oscillation probabilities the effects share. Every
other module of this package is imported here and registers itself: adding an effect is one
file.
"""

from __future__ import annotations

import importlib
import pkgutil

from .base import LEPTONS, Axis, Effect, ScanVariant
from .model import NewPhysics
from .registry import (
    NEW_PHYSICS_GROUPS,
    GroupInfo,
    ParameterInfo,
    effect,
    effects,
    new_physics_groups,
    parameter_info,
    register_effect,
    unregister_effect,
)

_INFRASTRUCTURE = {"base", "model", "oscillation", "registry"}
for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if _module not in _INFRASTRUCTURE and not _module.startswith("_"):
        importlib.import_module(f"{__name__}.{_module}")

from .charge_radius import CHARGE_RADIUS_CONVENTIONS  # noqa: E402
from .magnetic_moment import effective_magnetic_moments  # noqa: E402
from .millicharge import MILLICHARGE_COUPLING_MeV2  # noqa: E402
from .oscillation import (  # noqa: E402
    OSCILLATION_PHASE_PER_EV2_M_PER_MEV,
    PMNS_NUFIT52,
    TYPICAL_BASELINE_SPREAD_M,
    oscillation_phase,
    pmns_matrix,
    sterile_probabilities,
    sterile_transition_probability,
)
from .scalar import (  # noqa: E402
    NUCLEON_SCALAR_FRACTIONS,
    SCALAR_CHARGES,
    QUARK_MASSES_MeV,
    scalar_charge_per_nucleon,
)
from .sterile import (  # noqa: E402
    mixing_from_sin2_2theta,
    sin2_2theta_from_mixing,
    sterile_survival_probability,
)
from .zprime import (  # noqa: E402
    ZPRIME_MODELS,
    epsilon_from_zprime,
    kinetic_mixing_per_coupling,
    zprime_couplings,
)

__all__ = [
    "CHARGE_RADIUS_CONVENTIONS",
    "LEPTONS",
    "NEW_PHYSICS_GROUPS",
    "NUCLEON_SCALAR_FRACTIONS",
    "OSCILLATION_PHASE_PER_EV2_M_PER_MEV",
    "PMNS_NUFIT52",
    "SCALAR_CHARGES",
    "TYPICAL_BASELINE_SPREAD_M",
    "ZPRIME_MODELS",
    "Axis",
    "Effect",
    "GroupInfo",
    "MILLICHARGE_COUPLING_MeV2",
    "NewPhysics",
    "ParameterInfo",
    "QUARK_MASSES_MeV",
    "ScanVariant",
    "effect",
    "effective_magnetic_moments",
    "effects",
    "epsilon_from_zprime",
    "kinetic_mixing_per_coupling",
    "mixing_from_sin2_2theta",
    "new_physics_groups",
    "oscillation_phase",
    "parameter_info",
    "pmns_matrix",
    "register_effect",
    "scalar_charge_per_nucleon",
    "sin2_2theta_from_mixing",
    "sterile_probabilities",
    "sterile_survival_probability",
    "sterile_transition_probability",
    "unregister_effect",
    "zprime_couplings",
]
