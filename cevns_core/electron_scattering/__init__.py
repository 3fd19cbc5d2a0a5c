"""Neutrino–electron elastic scattering: cross sections, atomic binding and electron-recoil spectra.

Modules (one concept each):

* :mod:`.standard_model` — tree-level dσ/dT for ν_e, ν_μ, ν_τ and antineutrinos (CC + NC for
  ν_e, ν̄_e), its c₀ + c₁/E + c₂/E² form and closed-form integral;
* :mod:`.electromagnetic` — magnetic moment, charge radius, millicharge;
* :mod:`.mediators` — electron NSI, light vector Z′ (universal, B − L, L_i − L_j), light scalar;
* :mod:`.model` — :class:`ElectronInteractions`, read from the package's physics object;
* :mod:`.binding` — subshell table and the stepping approximation;
* :mod:`.cross_sections` — public dσ/dT (cm²/keV) and σ(E) (cm²), per electron or per atom;
* :mod:`.spectrum` — electron-recoil spectra of a source on a material (keVee).
"""

from .binding import BINDING_MODELS, AtomicShells, atomic_shells, effective_electrons
from .cross_sections import (
    electron_scattering_cross_section,
    electron_scattering_total_cross_section,
)
from .model import ELECTRON_NSI_NAMES, ElectronInteractions
from .spectrum import ElectronRecoilSpectrum, electron_recoil_spectrum, target_atoms

__all__ = [
    "BINDING_MODELS",
    "ELECTRON_NSI_NAMES",
    "AtomicShells",
    "ElectronInteractions",
    "ElectronRecoilSpectrum",
    "atomic_shells",
    "effective_electrons",
    "electron_recoil_spectrum",
    "electron_scattering_cross_section",
    "electron_scattering_total_cross_section",
    "target_atoms",
]
