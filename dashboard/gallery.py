"""The gallery's catalogue: the computable figures of the reviews (PHYSICS.md §12), as plain data.

Each :class:`Figure` names its paper and number, says what it shows and how the workbench draws
it (the caption), and carries its set-up: the sidebar's values on top of a preset, the tab that
shows it best and that tab's display options. :func:`setup_values` turns a set-up into what
:meth:`dashboard.state.SessionState.apply` takes — a full reset (preset, Helm, no neutron skin,
Standard Model) plus the figure's own values, so nothing of an earlier set-up leaks into it. The
drawings are :mod:`dashboard.views.gallery_figures` (HoloViews); this module has no Panel or
plotting, so the view state (:mod:`dashboard.viewstate`) can list the figures.

Figures left out (static diagrams, or numbers the package does not ship): PKK Figs. 1, 8 (⟨R_n²⟩
vs ⟨R_n⁴⟩ contours: no two-moment scan), 7 L (the CsI photo-electron spectrum is in the Recoil
spectra tab with the data set), Pandey Figs. 3, 6, 8–11 (diagrams, inelastic channels), CDG
Figs. 1–2 (diagrams).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["FIGURES", "PAPERS", "Figure", "Setup", "figure", "figure_keys", "setup_values"]

#: The reviews, as the gallery names them.
PAPERS: dict[str, str] = {
    "PKK": "Papoulias, Kosmas & Kuno (2019)",
    "Pandey": "Pandey (2023)",
    "CDG": "Cadeddu, Dordei & Giunti (2023)",
}


@dataclass(frozen=True)
class Setup:
    """What "Load this set-up" does: preset, sidebar values, tab and that tab's options."""

    experiment: str = "coherent_csi_2017"
    values: dict[str, Any] = field(default_factory=dict)
    tab: str = "spectra"
    view: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Figure:
    """A figure of a review the workbench draws."""

    key: str
    paper: str
    number: str
    title: str
    caption: str
    setup: Setup

    @property
    def label(self) -> str:
        """``PKK Fig. 12: Z′ and scalar exclusions`` (selectors, headings)."""
        return f"{self.paper} {self.number}: {self.title}"


def _scan(model: str, a0: tuple, a1: tuple, dimensions: str = "2d") -> dict[str, Any]:
    """Constraints-tab options of a scan (ranges as (min, max, log))."""
    return {
        "constraints": {
            "model": model,
            "dimensions": dimensions,
            "a0_min": a0[0],
            "a0_max": a0[1],
            "a0_log": a0[2],
            "a1_min": a1[0],
            "a1_max": a1[1],
            "a1_log": a1[2],
            "done": True,
        }
    }


_REACTOR_1KG = {
    "source_overrides": {"thermal_power_GW": 4.0, "distance_m": 20.0},
    "mass_kg": 1.0,
    "live_time_days": 1.0,
}

FIGURES: tuple[Figure, ...] = (
    # ------------------------------------------------------------------ PKK
    Figure(
        "pkk_2ul", "PKK", "Fig. 2 (upper left)", "dσ/dT at several neutrino energies",
        "dσ/dT of ¹³³Cs versus the recoil energy up to T_max for E_ν = 10–150 MeV (Helm), and "
        "a point nucleus (F = 1, dashed) at 50 and 120 MeV: the form factor cuts the high-recoil "
        "end. PKK does not name the nucleus; the set-up's nucleus can be changed.",
        Setup(tab="cross_sections", view={"cross_sections": {
            "nucleus": "Cs133", "energies": "10, 30, 50, 80, 120, 150"}}),
    ),
    Figure(
        "pkk_2ur", "PKK", "Fig. 2 (upper right)", "dσ/dcos θ versus E_ν at fixed angles",
        "dσ/dcos θ_ν of ¹³³Cs versus neutrino energy at fixed scattering angles: forward "
        "scattering dominates, and the cross section vanishes backwards (θ = π).",
        Setup(tab="cross_sections", view={"cross_sections": {
            "nucleus": "Cs133", "angles": "0, 30, 60, 90, 120, 150, 180"}}),
    ),
    Figure(
        "pkk_2b", "PKK", "Fig. 2 (bottom)", "σ(E_ν) with and without the form factor",
        "Total cross sections with the Helm form factor (solid) and a point nucleus (dashed): "
        "the form factor flattens σ above ~80 MeV; the lower panel gives the ratio.",
        Setup(tab="more", view={"more": {"view": "sigma_ff"}}),
    ),
    Figure(
        "pkk_3", "PKK", "Fig. 3", "Densities and form factors of ⁴⁰Ar and ⁴⁸Ti",
        "Proton densities ρ(r) and form factors |F(q)| of ⁴⁰Ar and ⁴⁸Ti for the "
        "phenomenological models of the package (Helm, symmetrized Fermi, Klein–Nystrand, "
        "harmonic-oscillator shell model).",
        Setup(experiment="coherent_lar_2020", tab="form_factors",
              view={"form_factors": {"isotope": "Ar40", "nucleons": "proton"}}),
    ),
    Figure(
        "pkk_4", "PKK", "Fig. 4", "σ(E_ν) from light to heavy nuclei",
        "Total CEvNS cross section of nuclei from carbon to lead: the N² growth with the "
        "nucleus and the E² growth with energy until the form factor bends it.",
        Setup(tab="cross_sections", view={"cross_sections": {
            "isotopes": ["C12", "Na23", "Ar40", "Ge72", "Cs133", "Pb208"]}}),
    ),
    Figure(
        "pkk_5l", "PKK", "Fig. 5 (left)", "Recoil spectra of the COHERENT detectors",
        "dN/dT of every recoil (no quenching or efficiency) for the COHERENT CsI, Ge, LAr and "
        "NaI detectors at the spallation source, each over its preset's exposure.",
        Setup(tab="experiments", view={"experiments": {"compare": [
            "coherent_csi_2017", "coherent_ge", "coherent_lar_2020", "coherent_nai"]}}),
    ),
    Figure(
        "pkk_5r", "PKK", "Fig. 5 (right)", "Reactor recoil spectra, 1 kg at 20 m from 4 GW",
        "dN/dT per kg and day for several targets at 20 m from a 4 GW reactor: light nuclei "
        "reach higher recoils, heavy nuclei give more events at the lowest ones.",
        Setup(experiment="conus", values=_REACTOR_1KG, tab="spectra",
              view={"spectra": {"log_x": True, "log_y": True, "breakdown": "isotope"}}),
    ),
    Figure(
        "pkk_6l", "PKK", "Fig. 6 (left)", "Lindhard quenching factors",
        "The fraction of the recoil energy seen as ionisation (Lindhard, k from Z and A) for "
        "silicon, germanium, argon, xenon, sodium and caesium.",
        Setup(experiment="conus", tab="more", view={"more": {"view": "quenching"}}),
    ),
    Figure(
        "pkk_6r", "PKK", "Fig. 6 (right)", "Events above threshold: keVnr versus keVee",
        "Events of every recoil above a threshold for germanium and silicon at a reactor "
        "(1 kg·day, flux ≈ 10¹³ cm⁻² s⁻¹): the same counts against the threshold in nuclear-"
        "recoil keV (solid) and in electron-equivalent keV (dashed, Lindhard quenching).",
        Setup(experiment="conus", values={"mass_kg": 1.0, "live_time_days": 1.0}, tab="more",
              view={"more": {"view": "quenching"}}),
    ),
    Figure(
        "pkk_7r", "PKK", "Fig. 7 (right)", "Δχ² versus sin²θ_W from COHERENT CsI",
        "Asimov Δχ² profile of the weak mixing angle for the COHERENT CsI (2017) preset "
        "(Gaussian χ² with the flux normalisation as nuisance); 90 % CL level dashed.",
        Setup(tab="constraints", view=_scan("rn_sin2w", (0.1, 0.4, False), (0.1, 0.4, False),
                                            "1d1")),
    ),
    Figure(
        "pkk_9", "PKK", "Fig. 9", "Δχ² versus the neutron radius of CsI",
        "Asimov Δχ² profile of the neutron rms radius R_n of CsI (COHERENT CsI 2017).",
        Setup(tab="constraints", view=_scan("rn_sin2w", (3.0, 8.0, False), (0.2, 0.26, False),
                                            "1d0")),
    ),
    Figure(
        "pkk_10", "PKK", "Fig. 10", "Δχ² versus vector NSI couplings",
        "Asimov Δχ² profiles of the flavour-diagonal vector NSI couplings εᵘⱽ for νₑ "
        "(thick) and νμ (thin) with COHERENT CsI; published PKK Table II intervals shaded.",
        Setup(tab="constraints", view=_scan("nsi_vector_ee", (-1.0, 1.0, False),
                                            (-1.0, 1.0, False), "1d0")),
    ),
    Figure(
        "pkk_11", "PKK", "Fig. 11", "90 % CL regions of vector NSI",
        "90 % CL allowed regions in (εᵘⱽ, εᵈⱽ) for νₑ and νμ from COHERENT CsI "
        "(Asimov); the degenerate bands are where the weak charge is unchanged.",
        Setup(tab="constraints", view=_scan("nsi_vector_ee", (-1.0, 1.0, False),
                                            (-1.0, 1.0, False))),
    ),
    Figure(
        "pkk_12", "PKK", "Fig. 12", "Z′ and scalar exclusions",
        "90 % CL excluded regions in (M, g) for a universal light vector Z′ and a light scalar "
        "from COHERENT CsI (Asimov); PKK plots g², the workbench the coupling g.",
        Setup(tab="constraints", view=_scan("zprime", (1e-5, 1e-2, True), (1.0, 1e4, True))),
    ),
    Figure(
        "pkk_13", "PKK", "Fig. 13", "Δχ² versus magnetic moment and charge radius",
        "Asimov Δχ² of the effective νₑ magnetic moment and of the νₑ charge radius "
        "(COHERENT CsI), with the PKK Table II intervals shaded.",
        Setup(tab="constraints", view=_scan("magnetic_moment", (0.0, 1e-8, False),
                                            (0.0, 1e-8, False), "1d0")),
    ),
    Figure(
        "pkk_14", "PKK", "Fig. 14", "Transition magnetic moments at a reactor",
        "90 % CL contour in (|Λ_1|, |Λ_2|) with |Λ_3| = 0 and CP phases 0 for the CONUS "
        "reactor preset (Asimov): the moments are seen through μ²_eff of ν̄ₑ.",
        Setup(experiment="conus", tab="constraints",
              view=_scan("tmm_12", (1e-11, 1e-9, True), (1e-11, 1e-9, True))),
    ),
    Figure(
        "pkk_15", "PKK", "Fig. 15", "90 % CL region of the charge radii",
        "90 % CL allowed region in (⟨r²_νe⟩, ⟨r²_νμ⟩) from COHERENT CsI (Asimov).",
        Setup(tab="constraints", view=_scan("charge_radius", (-1e-30, 5e-31, False),
                                            (-1e-30, 5e-31, False))),
    ),
    Figure(
        "pkk_16", "PKK", "Fig. 16", "Sterile neutrino exclusion (Δm²₄₁, sin²2θ_eμ)",
        "90 % CL exclusion of 3+1 νμ → νₑ appearance with disappearance from COHERENT CsI "
        "(Asimov). The MiniBooNE/LSND regions of the figure are not shipped.",
        Setup(tab="constraints", view=_scan("sterile_emu", (0.1, 100.0, True),
                                            (1e-3, 1.0, True))),
    ),
    Figure(
        "pkk_17", "PKK", "Fig. 17", "Solar, atmospheric and DSNB CEvNS in germanium",
        "The neutrino backgrounds of a tonne-scale germanium dark-matter detector: dR/dT per "
        "tonne·year (left) and events above threshold (right), solar (⁸B, hep, pp …), "
        "atmospheric and the diffuse supernova background.",
        Setup(experiment="germanium_1t_floor", tab="more", view={"more": {"view": "dark_matter"}}),
    ),
    # ------------------------------------------------------------------ Pandey
    Figure(
        "pandey_1", "Pandey", "Fig. 1", "π-DAR neutrino spectra",
        "The prompt νμ line at 29.8 MeV and the delayed νₑ and ν̄μ Michel spectra up to "
        "m_μ/2 (COHERENT at 19.3 m).",
        Setup(tab="sources"),
    ),
    Figure(
        "pandey_2", "Pandey", "Fig. 2", "π-DAR arrival times",
        "Prompt νμ follow the proton pulse; νₑ and ν̄μ follow the muon lifetime (2.2 μs).",
        Setup(tab="sources"),
    ),
    Figure(
        "pandey_4", "Pandey", "Fig. 4", "Weak form factors of ⁴⁰Ar relative to a reference",
        "|F_W − F_W,ref| / F_W,ref in per cent for ⁴⁰Ar up to 0.5 fm⁻¹. Pandey's reference is a "
        "Hartree–Fock table that the package does not ship: the reference here is Helm, and the "
        "electron-scattering charge density of ⁴⁰Ar (de Vries 1987) is one of the models.",
        Setup(experiment="coherent_lar_2020", tab="more", view={"more": {"view": "nuclear"}}),
    ),
    Figure(
        "pandey_5", "Pandey", "Fig. 5", "Cross sections of ⁴⁰Ar relative to a reference",
        "|σ − σ_ref| / σ_ref in per cent for ⁴⁰Ar up to 55 MeV, the same models and reference "
        "as Fig. 4.",
        Setup(experiment="coherent_lar_2020", tab="more", view={"more": {"view": "nuclear"}}),
    ),
    Figure(
        "pandey_7", "Pandey", "Fig. 7", "CEvNS cross section on argon",
        "The CEvNS cross section of ⁴⁰Ar up to 100 MeV (the inelastic charged- and "
        "neutral-current curves of the figure are outside the package).",
        Setup(experiment="coherent_lar_2020", tab="cross_sections",
              view={"cross_sections": {"isotopes": ["Ar40"], "E_max_MeV": 100.0}}),
    ),
    # ------------------------------------------------------------------ CDG
    Figure(
        "cdg_3", "CDG", "Fig. 3", "Flux-averaged σ versus N with the COHERENT measurements",
        "Flux-averaged CEvNS cross section of the π-DAR flux versus neutron number: point "
        "nucleus (the N² law) and Helm; the COHERENT CsI (2017) and LAr (2020) points are the "
        "Helm prediction scaled by the published measured/predicted event numbers.",
        Setup(tab="cross_sections"),
    ),
    Figure(
        "cdg_4", "CDG", "Fig. 4", "Neutron radii of CsI and Ar",
        "Published determinations of the neutron rms radius from COHERENT CsI and LAr (CDG, PKK) "
        "next to the package's own fits of the same data sets.",
        Setup(tab="form_factors"),
    ),
    Figure(
        "cdg_5", "CDG", "Fig. 5", "Running of sin²θ_W with the measurements",
        "The Standard-Model running of the MS-bar weak mixing angle with the measurements the "
        "package ships (atomic parity violation, Møller and electron scattering, colliders).",
        Setup(tab="constraints"),
    ),
    Figure(
        "cdg_6", "CDG", "Fig. 6", "Low-energy determinations of sin²θ_W",
        "Low-energy sin²θ_W: the shipped measurements and the workbench's own APV "
        "determinations, next to the Standard-Model value.",
        Setup(tab="constraints"),
    ),
)  # fmt: skip


def figure_keys() -> list[str]:
    """Keys of the figures, in gallery order."""
    return [f.key for f in FIGURES]


def figure(key: str) -> Figure:
    """The figure ``key`` (KeyError for an unknown one)."""
    for f in FIGURES:
        if f.key == key:
            return f
    raise KeyError(key)


#: What every set-up resets (the sidebar's nuclear and new-physics choices).
RESET: dict[str, Any] = {
    "form_factor_model": "helm",
    "form_factor_params": {},
    "skin_fm": 0.0,
    "R_n_fm": None,
    "physics_overrides": {},
}


def setup_values(setup: Setup) -> dict[str, Any]:
    """The state values of a set-up: its preset's values (also when the preset is already the
    sidebar's), the reset, then its own values."""
    from .spec import preset_values  # the spec tables import the view state, which lists us

    return {
        "experiment": setup.experiment,
        **preset_values(setup.experiment),
        **RESET,
        **setup.values,
    }
