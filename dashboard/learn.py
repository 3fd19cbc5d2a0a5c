"""Learn mode: what each tab shows and why, the governing formulas, and guided lecture presets.

Formulas are written in Unicode text (σ, ², √, subscripts), not LaTeX: Panel bundles KaTeX's
JavaScript and CSS but not its fonts, and MathJax would come from a CDN, while the page must load
nothing from the network. Plain text renders everywhere, also in the HTML report.

:data:`EXPLANATIONS` — one Markdown text per tab (keyed by the tab titles of
:data:`dashboard.views.TABS`); :data:`LESSONS` — guided presets: a configuration applied with
:func:`dashboard.config.apply_config` (on top of the experiment's preset), the tab to look at and a
short text saying what to notice. :func:`learn_panel` builds the Panel side panel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .config import CONFIG_FORMAT, apply_config
from .state import SessionState

__all__ = ["EXPLANATIONS", "LESSONS", "REFERENCES", "Lesson", "apply_lesson", "learn_panel"]

#: The review papers the dashboard follows (short keys used in the texts).
REFERENCES: dict[str, str] = {
    "PKK": "D. K. Papoulias, T. S. Kosmas, Y. Kuno, “Recent probes of standard and non-standard "
    "neutrino physics with nuclei”, Front. Phys. 7 (2019) 191",
    "Pandey": "V. Pandey, “Recent progress in the theory of coherent elastic neutrino-nucleus "
    "scattering”, Prog. Part. Nucl. Phys. (2023)",
    "CDG": "M. Cadeddu, F. Dordei, C. Giunti, “A view of coherent elastic neutrino-nucleus "
    "scattering”, EPL (2023)",
}

_CROSS_SECTION = (
    "dσ/dT = (G_F² M / 4π) · Q_W² · (1 − M T / 2E²) · F²(q),  "
    "Q_W = N − (1 − 4 sin²θ_W) Z,  q = √(2 M T)"
)

#: Explanation of each tab (Markdown, Unicode formulas), keyed by tab title.
EXPLANATIONS: dict[str, str] = {
    "Recoil spectra": f"""
**What is shown.** The number of nuclear recoils per keV of recoil energy T over the exposure,
dN/dT = N_targets · Σ_flavours ∫ dE Φ(E) dσ/dT(E, T), then what the detector sees after
quenching, efficiency, resolution and the threshold.

**Why.** The coherent cross section

`{_CROSS_SECTION}`

grows like N² (the weak charge is carried almost entirely by neutrons), and falls with T: the
kinematic limit is T_max = 2E² / (M + 2E). Heavy nuclei give more events but softer recoils, so
the threshold decides what is seen. New physics changes Q_W (NSI, Z′, charge radius) or adds an
incoherent term (magnetic moment ∝ 1/T), visible in the NP/SM ratio.

*References: PKK §2–3, Pandey §2, CDG §2.*
""",
    "Form factors & densities": """
**What is shown.** The nuclear form factor F(q), the Fourier transform of the neutron (weak)
density, for several models, and the densities themselves.

**Why.** At momentum transfer q the nucleus no longer scatters as a point:

`F(q) = (4π / Q_W) ∫ ρ_W(r) sin(qr)/(qr) r² dr`,  Helm: `F(q) = 3 j₁(qR₀)/(qR₀) · exp(−q²s²/2)`

For small q, F ≈ 1 − q² R_n² / 6: the suppression measures the neutron radius R_n (and the
neutron skin R_n − R_p). At π-DAR energies (E ≲ 53 MeV) q reaches ~0.5 fm⁻¹ in Cs/I, where F²
already falls by tens of per cent; at reactor energies F ≈ 1.

*References: PKK §3, Pandey §3, CDG §3.*
""",
    "Cross sections": f"""
**What is shown.** The differential cross section dσ/dT and the total σ(E) for chosen nuclei,
and the flux-averaged cross section versus neutron number N.

**Why.** `{_CROSS_SECTION}`. Integrating over T gives σ ≈ (G_F² / 4π) Q_W² E² for a point
nucleus: ∝ N² E². The N² plot shows the coherence, and the departure from N² at large N is the
form factor.

*References: PKK Eq. (1)–(6), Pandey §2, CDG Fig. 3.*
""",
    "Sources": """
**What is shown.** The neutrino fluxes: π-DAR (prompt ν_μ, delayed ν_e and ν̄_μ with Michel
spectra), reactor ν̄_e, radioactive sources, the Sun, the atmosphere, supernovae and the DSNB.

**Why.** The recoil spectrum follows the source's energy: a recoil T needs
E ≥ E_min(T) = (T + √(T² + 2MT)) / 2 ≈ √(MT/2). Reactor neutrinos (E ≲ 10 MeV) give sub-keV
recoils; π-DAR (up to 52.8 MeV) gives tens of keV. The timing of the π-DAR pulse separates
prompt ν_μ from delayed ν_e, ν̄_μ.

*References: PKK §4, Pandey §4, CDG §4.*
""",
    "Constraints": """
**What is shown.** Profiles and maps of Δχ² = χ²(θ) − χ²_min for a new-physics parameter θ (or
two), from the chosen experiment (Asimov data or shipped data), with contours at the chosen
confidence levels.

**How to read it.** With Gaussian statistics and one parameter, Δχ² = 2.71 is the 90 % CL limit
(1 and 4 for 1σ and 2σ); with two parameters the 90 % contour is at Δχ² = 4.61. The region
inside a contour is allowed; an exclusion limit is where the profile crosses the level.
χ² = Σ_bins (N_obs − (1+α) N_pred)² / σ² + (α/σ_α)², α the normalisation nuisance.

*References: PKK §5 and Table II, Pandey §6, CDG §5.*
""",
    "Experiments": """
**What is shown.** Every shipped experiment preset: target, mass, source, threshold, the expected
number of events computed by the core, and the published numbers.

**Why.** N_events = N_targets · t · ∫ dT ε(T) Σ ∫ dE Φ(E) dσ/dT. Comparing the computed numbers
with the published ones checks the whole chain (flux, cross section, detector response).

*References: PKK Table I, Pandey Tables IV–V, CDG.*
""",
}


@dataclass(frozen=True)
class Lesson:
    """A guided preset: state values (a configuration), the tab to look at, what to notice."""

    title: str
    tab: str
    text: str
    state: dict[str, Any] = field(default_factory=dict)

    def config(self) -> dict[str, Any]:
        """The configuration applied by :func:`apply_lesson` (version 1: state values by name,
        on top of the current choices)."""
        return {"format": CONFIG_FORMAT, "version": 1, "state": dict(self.state)}


#: The lecture presets, by key.
LESSONS: dict[str, Lesson] = {
    "why_n2": Lesson(
        "Why N²",
        "Cross sections",
        "Look at the flux-averaged cross section versus N: for a point nucleus it grows as N² "
        "(Q_W ≈ N because 1 − 4 sin²θ_W ≈ 0.05 almost cancels the protons). Switch the form "
        "factor to Point nucleus and back to Helm to see the heavy nuclei fall below N².",
        {"experiment": "coherent_csi_2017", "form_factor_model": "helm", "physics_overrides": {}},
    ),
    "form_factor_pidar": Lesson(
        "Form-factor suppression at π-DAR energies",
        "Form factors & densities",
        "With the π-DAR source q reaches ~0.5 fm⁻¹ in CsI: F² drops to ~0.5 at the highest "
        "recoils. Compare Point nucleus with Helm in the Recoil spectra tab: the high-T tail is "
        "suppressed; change the neutron skin and watch the tail move.",
        {"experiment": "coherent_csi_2017", "form_factor_model": "helm", "skin_fm": 0.2},
    ),
    "reactor_vs_pidar": Lesson(
        "Reactor vs π-DAR recoil spectra",
        "Recoil spectra",
        "A reactor (CONUS, Ge) gives recoils below ~2 keVnr: T_max = 2E²/(M + 2E) with E ≲ 10 "
        "MeV. Switch the experiment to COHERENT CsI[Na] (2017): recoils reach tens of keVnr. The "
        "threshold marker shows why reactor experiments need sub-keV thresholds.",
        {"experiment": "conus"},
    ),
    "magnetic_moment": Lesson(
        "What a magnetic moment does at low recoil",
        "Recoil spectra",
        "A neutrino magnetic moment μ_ν adds an incoherent term ∝ (π α² μ_ν² / m_e²)(1/T − 1/E) "
        "Z² F²: it grows at low T. The NP/SM ratio rises steeply towards T → 0, which is why "
        "low-threshold reactor detectors are the most sensitive.",
        {"experiment": "conus", "physics_overrides": {"mu_nu_e_muB": 1e-10}},
    ),
    "quenching_thresholds": Lesson(
        "Quenching and thresholds",
        "Recoil spectra",
        "A germanium detector measures ionisation, a fraction Q(T) of the recoil energy "
        "(Lindhard: Q ≈ 0.2 at 1 keVnr). A 0.2 keVee threshold is ~1 keVnr. Change the "
        "quenching (Lindhard k, a constant Q) and watch the threshold marker and the counts.",
        {"experiment": "conus", "quenching": "lindhard"},
    ),
    "exclusion_plot": Lesson(
        "Reading an exclusion plot",
        "Constraints",
        "Choose a model (e.g. the magnetic moment) and compute the 1-D profile: the limit at 90 % "
        "CL is where Δχ² crosses 2.71. In 2-D maps the 90 % contour is at Δχ² = 4.61; the "
        "region outside is excluded. Compare with the PKK Table II limits drawn on the plot.",
        {"experiment": "coherent_csi_2017", "physics_overrides": {}},
    ),
}


def apply_lesson(state: SessionState, key: str) -> Lesson:
    """Apply lesson ``key`` to ``state`` (validated; state unchanged on error) and return it."""
    lesson = LESSONS[key]
    apply_config(state, lesson.config())
    return lesson


def explanation(tab: str) -> str:
    """The tab's explanation with the full references."""
    refs = "\n".join(f"* **{k}** — {v}" for k, v in REFERENCES.items())
    return EXPLANATIONS.get(tab, "") + "\n**Papers**\n\n" + refs


def learn_panel(state: SessionState, tabs: Any = None, titles: list[str] | None = None) -> Any:
    """A card with the explanation of the shown tab and a lesson selector.

    ``tabs``: the page's ``pn.Tabs`` (the text follows the active tab, and a lesson switches to
    its tab); ``titles``: the tab titles in order.
    """
    import panel as pn

    from .errors import notify_error

    titles = titles or list(EXPLANATIONS)
    text = pn.pane.Markdown(explanation(titles[0]), sizing_mode="stretch_width")
    note = pn.pane.Markdown("", sizing_mode="stretch_width")
    options = {"Choose a lesson…": ""} | {lesson.title: k for k, lesson in LESSONS.items()}
    select = pn.widgets.Select(label="Guided lessons", options=options, sizing_mode="stretch_width")

    def on_tab(event: Any) -> None:
        text.object = explanation(titles[event.new])

    def on_lesson(event: Any) -> None:
        if not event.new:
            return
        try:
            lesson = apply_lesson(state, event.new)
        except Exception as exc:  # a notification, the state is kept
            notify_error(exc)
            return
        note.object = f"**{lesson.title}.** {lesson.text}"
        if tabs is not None and lesson.tab in titles:
            tabs.active = titles.index(lesson.tab)

    if tabs is not None:
        tabs.param.watch(on_tab, "active")
        text.object = explanation(titles[tabs.active])
    select.param.watch(on_lesson, "value")
    return pn.Card(
        select,
        note,
        text,
        title="Learn",
        collapsed=True,
        sizing_mode="stretch_width",
        margin=(4, 0),
    )
