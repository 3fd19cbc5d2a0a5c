"""Nuclear form factors, densities and radial moments of every model (PHYSICS.md §4).

Conventions (PHYSICS.md §4, PKK Eqs. (16)–(18), Pandey Eqs. (27)–(28)):

* ``q_fm`` is the three-momentum transfer in fm⁻¹, ``r_fm`` a radius in fm.
* Every form factor is normalised to F(0) = 1; every density ``rho(r)`` is normalised to 1
  (∫ρ d³r = 1, units fm⁻³; multiply by Z or N for number densities), and
  F(q) = 4π ∫ρ(r) j₀(qr) r² dr.
* ⟨r^k⟩ = ∫ρ r^k d³r; closed forms are used where PHYSICS.md §4 gives them.

One module per model, each holding the model's pure vectorised functions (form factor, density,
moments, radius relations; shape parameters broadcast against ``q_fm``/``r_fm``) and its
:class:`FormFactorModel` subclass (``param.Parameterized``; bounds, labels, units and docs drive
the dashboard widgets):

========================  ==========================================================
:mod:`.helm`              Helm (uniform sphere ⊗ Gaussian)
:mod:`.symmetrized_fermi` symmetrized Fermi
:mod:`.klein_nystrand`    Klein–Nystrand and adapted Klein–Nystrand
:mod:`.harmonic_oscillator`  harmonic-oscillator shell model (:mod:`.shells`: occupations and
                          exact coefficients)
:mod:`.moment_expansion`  model-independent moment expansion
:mod:`.point`             point nucleus
:mod:`.tabulated`         a nucleus from a table of F(q) or ρ(r) (:mod:`.tables`: files
                          and shipped tables; :mod:`.table_numerics`: interpolation and
                          the density transform); registered as "tabulated" but not
                          listed by form_factor_models()
========================  ==========================================================

:mod:`.base` holds :class:`FormFactorModel`, :mod:`.lewin_smith` the Lewin–Smith size parameters,
:mod:`.numerics` j₁(x)/x and radial moments by quadrature, and :mod:`.registry` the models by name
(:func:`register_form_factor`) with the contract function :func:`form_factor`. Every module of
the package is imported with it, so a new model's module registers its class without an edit here.
"""

from __future__ import annotations

# The model modules register their classes on import, so the order of the imports below is the
# order of form_factor_models() (and of the dashboard's model list): keep it, don't sort it.
# ruff: noqa: I001

from .base import FormFactorModel, ParameterInfo
from .lewin_smith import SF_A_FM, lewin_smith_c
from .numerics import density_moment, spherical_bessel_j1_over_x
from .registry import (
    FORM_FACTOR_MODELS,
    form_factor,
    form_factor_model,
    form_factor_models,
    model_parameters,
    register_form_factor,
    unregister_form_factor,
)
from .registry import _freeze as _freeze  # used by cevns_core.nuclear_model
from .registry import _shared_model as _shared_model  # used by cevns_core.nuclear_model
from .helm import (
    HELM_S_FM,
    HelmModel,
    helm_density,
    helm_form_factor,
    helm_moments,
    helm_R0_from_rms,
    helm_R0_lewin_smith,
)
from .symmetrized_fermi import (
    SymmetrizedFermiModel,
    symmetrized_fermi_c_from_rms,
    symmetrized_fermi_density,
    symmetrized_fermi_form_factor,
    symmetrized_fermi_moments,
)
from .klein_nystrand import (
    KN_AK_FM,
    KleinNystrandAdaptedModel,
    KleinNystrandModel,
    klein_nystrand_density,
    klein_nystrand_form_factor,
    klein_nystrand_moments,
    klein_nystrand_R_A_adapted,
    klein_nystrand_R_A_coherent,
)
from .shells import (
    DEFAULT_SHELL_ORDER,
    ShellLevel,
    ho_c_coefficient,
    ho_coefficients,
    ho_lambda_coefficient,
    shell_occupations,
)
from .harmonic_oscillator import (
    HarmonicOscillatorModel,
    harmonic_oscillator_b_from_rms,
    harmonic_oscillator_density,
    harmonic_oscillator_form_factor,
    harmonic_oscillator_moments,
)
from .moment_expansion import MomentExpansionModel, moment_expansion_form_factor
from .point import PointModel, point_form_factor
from .tables import (
    FormFactorTable,
    form_factor_table,
    form_factor_tables,
    load_form_factor_table,
)
from .tabulated import TabulatedModel
from .registry import _known_models as _known_models  # used by cevns_core.nuclear_model

# A model module not imported above (a new model) registers itself here, after the shipped
# models: adding a model is one file. Its functions stay in its module
# (``cevns_core.form_factors.<module>``) until they are re-exported above.
import importlib as _importlib
import pkgutil as _pkgutil

for _module in sorted(m.name for m in _pkgutil.iter_modules(__path__)):
    if not _module.startswith("_"):
        _importlib.import_module(f"{__name__}.{_module}")

__all__ = [
    "DEFAULT_SHELL_ORDER",
    "FORM_FACTOR_MODELS",
    "HELM_S_FM",
    "KN_AK_FM",
    "SF_A_FM",
    "FormFactorModel",
    "FormFactorTable",
    "HarmonicOscillatorModel",
    "HelmModel",
    "KleinNystrandAdaptedModel",
    "KleinNystrandModel",
    "MomentExpansionModel",
    "ParameterInfo",
    "PointModel",
    "ShellLevel",
    "SymmetrizedFermiModel",
    "TabulatedModel",
    "density_moment",
    "form_factor",
    "form_factor_model",
    "form_factor_models",
    "form_factor_table",
    "form_factor_tables",
    "harmonic_oscillator_b_from_rms",
    "harmonic_oscillator_density",
    "harmonic_oscillator_form_factor",
    "harmonic_oscillator_moments",
    "helm_R0_from_rms",
    "helm_R0_lewin_smith",
    "helm_density",
    "helm_form_factor",
    "helm_moments",
    "ho_c_coefficient",
    "ho_coefficients",
    "ho_lambda_coefficient",
    "klein_nystrand_R_A_adapted",
    "klein_nystrand_R_A_coherent",
    "klein_nystrand_density",
    "klein_nystrand_form_factor",
    "klein_nystrand_moments",
    "lewin_smith_c",
    "load_form_factor_table",
    "model_parameters",
    "moment_expansion_form_factor",
    "point_form_factor",
    "register_form_factor",
    "shell_occupations",
    "spherical_bessel_j1_over_x",
    "symmetrized_fermi_c_from_rms",
    "symmetrized_fermi_density",
    "symmetrized_fermi_form_factor",
    "symmetrized_fermi_moments",
    "unregister_form_factor",
]
