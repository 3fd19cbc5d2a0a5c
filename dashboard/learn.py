"""Learn mode: what each tab shows and why, the governing formulas, and guided lecture presets.

The explanations are Markdown with formulas in Unicode text (σ, ², √: they read everywhere, also
in the HTML report); each tab's key formula is also shown typeset, with the KaTeX shipped in the
package (:mod:`dashboard.formulas`: nothing is loaded from the network).

:data:`EXPLANATIONS` — one Markdown text per tab (keyed by the tab titles of
:data:`dashboard.views.TABS`); :data:`LESSONS` — guided presets: a configuration applied with
:func:`dashboard.config.apply_config` (on top of the experiment's preset), the tab to look at and a
short text saying what to notice. :func:`learn_panel` builds the Panel side panel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .config import CONFIG_FORMAT
from .state import SessionState

__all__ = [
    "EXPLANATIONS",
    "LESSONS",
    "REFERENCES",
    "Lesson",
    "Step",
    "apply_lesson",
    "clear_new_physics",
    "known_values",
    "learn_panel",
    "reset_to_preset",
]

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
    "More physics": """
**What is shown.** What the core computes beyond the main tabs, for the sidebar's set-up:
quenching and thresholds in keVnr and keVee, the solar / atmospheric / DSNB backgrounds of
dark-matter detectors and the neutrino fog, directional recoil spectra, differences between
nuclear models, σ with and without the form factor, ν–e scattering, transition magnetic moments
and sterile-neutrino oscillations.

*References: PKK Figs. 2, 6, 14, 16, 17 and Eqs. (58)–(61), Pandey Eqs. (18)–(20) and Figs. 4–5,
CDG §6 (the neutrino floor).*
""",
    "Gallery": """
**What is shown.** The figures of the three reviews that the workbench can compute, each drawn
live with the figure's own set-up, published points and bands where the package ships them.
"Load this set-up into the sidebar" makes a figure the starting point of your own exploration.

*References: PKK Figs. 2–17, Pandey Figs. 1–7, CDG Figs. 3–6.*
""",
}


@dataclass(frozen=True)
class Step:
    """One step of a guided lesson: what to show and what to look at.

    ``state``: values on top of the lesson's preset (everything else at the preset's value and
    no new physics); ``view``: the tabs' display options by tab key (the others at their
    defaults); ``tab``: the key of the tab shown.
    """

    text: str
    tab: str
    state: dict[str, Any] = field(default_factory=dict)
    view: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Lesson:
    """A guided tour: a preset and its steps; each step starts from a known state."""

    title: str
    experiment: str
    steps: tuple[Step, ...]

    @property
    def tab(self) -> str:
        """The title of the first step's tab."""
        return _tab_title(self.steps[0].tab)

    @property
    def text(self) -> str:
        """What the first step says."""
        return self.steps[0].text

    @property
    def state(self) -> dict[str, Any]:
        """The values the first step sets (the preset and the step's own)."""
        return {"experiment": self.experiment, **self.steps[0].state}

    def values(self, index: int = 0) -> dict[str, Any]:
        """Every state value of step ``index``: the preset's known state, the step's values and
        its tab (nothing is left over from what was shown before)."""
        step = self.steps[index]
        experiment = step.state.get("experiment", self.experiment)
        return {**known_values(experiment), **step.state, "tab": step.tab}

    def config(self, index: int = 0) -> dict[str, Any]:
        """A configuration of step ``index`` (version 1: state values by name)."""
        return {"format": CONFIG_FORMAT, "version": 1, "state": self.values(index)}


def _tab_title(key: str) -> str:
    from .viewstate import TABS

    return next(t.title for t in TABS if t.key == key)


def known_values(experiment: str) -> dict[str, Any]:
    """The state of a fresh page on preset ``experiment``: the preset's detector and source,
    the default form factor, no new physics, the default band (the tab is left out)."""
    values = SessionState(experiment=experiment).values()
    values.pop("tab", None)
    return values


_CSI, _CONUS = "coherent_csi_2017", "conus"

#: The guided lessons, by key.
LESSONS: dict[str, Lesson] = {
    "why_n2": Lesson(
        "Why N²",
        _CSI,
        (
            Step(
                "Look at the flux-averaged cross section versus the neutron number N (log axes): "
                "the nuclei lie close to a line of slope 2, σ ∝ N². The weak charge "
                "Q<sub>W</sub> = N − (1 − 4 sin²θW) Z is almost N, because "
                "1 − 4 sin²θW ≈ 0.05 nearly cancels the protons' share.",
                "cross_sections",
                {"form_factor_model": "point"},
            ),
            Step(
                "Now the same with the Helm form factor: the heavy nuclei (Xe, Cs, W, Pb) fall "
                "below N², because at π-DAR energies their size suppresses the coherent sum "
                "(F²(q) < 1).",
                "cross_sections",
            ),
        ),
    ),
    "form_factor_pidar": Lesson(
        "Form-factor suppression at π-DAR energies",
        _CSI,
        (
            Step(
                "The form factor F(q) of Cs-133 for several models: all start at 1 and fall with "
                "the momentum transfer q. π-DAR neutrinos (E ≤ 52.8 MeV) reach q ≈ 0.5 fm⁻¹ in "
                "CsI, where F² is already down by tens of per cent.",
                "form_factors",
            ),
            Step(
                "The recoil spectrum of a point nucleus (F = 1), log dN/dT: remember the "
                "high-recoil tail.",
                "spectra",
                {"form_factor_model": "point"},
                {"spectra": {"log_y": True, "breakdown": "total"}},
            ),
            Step(
                "The same with the Helm form factor and a 0.2 fm neutron skin: the high-T tail "
                "drops (up to a factor of about two at the end point), the low-T part hardly "
                "moves. The tail measures the neutron radius.",
                "spectra",
                {"form_factor_model": "helm", "skin_fm": 0.2},
                {"spectra": {"log_y": True, "breakdown": "total"}},
            ),
        ),
    ),
    "reactor_vs_pidar": Lesson(
        "Reactor vs π-DAR recoil spectra",
        _CONUS,
        (
            Step(
                "A reactor (CONUS, germanium): ν̄ₑ with E ≲ 10 MeV give recoils below a few "
                "keVnr, Tₘₐₓ = 2E²/(M + 2E). The dotted threshold marker shows how little of "
                "the spectrum is above threshold: reactor experiments need sub-keV thresholds.",
                "spectra",
                view={"spectra": {"log_y": True}},
            ),
            Step(
                "A π-DAR source (COHERENT CsI[Na]): E up to 52.8 MeV, recoils up to tens of "
                "keVnr (look at the x axis), and three flavours: prompt νμ, delayed νₑ and ν̄μ.",
                "spectra",
                {"experiment": _CSI},
                {"spectra": {"log_y": True}},
            ),
        ),
    ),
    "magnetic_moment": Lesson(
        "What a magnetic moment does at low recoil",
        _CONUS,
        (
            Step(
                "With μν = 10⁻¹⁰ μB for νₑ (log T and log dN/dT axes): an incoherent term "
                "∝ (πα²μν²/mₑ²)(1/T − 1/E) Z² F² adds to the coherent one. It grows as 1/T: "
                "the NP/SM ratio under the spectrum rises steeply towards low recoils, which is "
                "why low-threshold reactor detectors are the most sensitive.",
                "spectra",
                {"physics_overrides": {"mu_nu_e_muB": 1e-10}},
                {"spectra": {"log_x": True, "log_y": True, "breakdown": "total"}},
            ),
            Step(
                "The same magnetic moment on COHERENT CsI (π-DAR): the recoils are tens of keVnr "
                "and the coherent term is far larger there, so the NP/SM ratio stays close to 1 "
                "above threshold.",
                "spectra",
                {"experiment": _CSI, "physics_overrides": {"mu_nu_e_muB": 1e-10}},
                {"spectra": {"log_x": True, "log_y": True, "breakdown": "total"}},
            ),
        ),
    ),
    "quenching_thresholds": Lesson(
        "Quenching and thresholds",
        _CONUS,
        (
            Step(
                "A germanium detector measures ionisation: a fraction Q(T) of the recoil energy. "
                "The observed spectrum (right) is in keVee with the preset's quenching; the "
                "threshold marker sits at the preset's 0.3 keVee.",
                "spectra",
            ),
            Step(
                "Lindhard quenching (Q ≈ 0.2 at 1 keVnr in Ge): the same 0.3 keVee threshold is "
                "now a different recoil energy; watch the marker on dN/dT and the expected "
                "counts in the table.",
                "spectra",
                {"quenching": "lindhard"},
            ),
        ),
    ),
    "exclusion_plot": Lesson(
        "Reading an exclusion plot",
        _CSI,
        (
            Step(
                "A 1-D Δχ² profile of the νₑ magnetic moment on COHERENT CsI (Asimov data: the "
                "Standard Model expected). The 90 % CL upper limit is where Δχ² crosses 2.71 "
                "(one parameter); the shaded band is the published limit (PKK Table II).",
                "constraints",
                view={
                    "constraints": {
                        "model": "magnetic_moment",
                        "dimensions": "1d0",
                        "a0_n": 40,
                        "done": True,
                    }
                },
            ),
            Step(
                "A 2-D map for a light vector Z′ (coupling vs mass): the 90 % CL contour is at "
                "Δχ² = 4.61 (two parameters). Couplings above the contour are excluded; at large "
                "masses the limit rises ∝ mass (a contact interaction), at small masses it is "
                "flat.",
                "constraints",
                view={"constraints": {"a0_n": 30, "a1_n": 30, "done": True}},
            ),
        ),
    ),
}


def apply_lesson(state: SessionState, key: str, step: int = 0) -> Lesson:
    """Show step ``step`` of lesson ``key`` on ``state``: the known state of the lesson's
    preset with the step's values, its tab and display options (validated, all or nothing;
    state unchanged on error). Returns the lesson."""
    lesson = LESSONS[key]
    state.apply(lesson.values(step), view=lesson.steps[step].view)
    return lesson


def reset_to_preset(state: SessionState) -> None:
    """Everything but the view back to the chosen preset's (and no new physics)."""
    state.apply(known_values(state.experiment))


def clear_new_physics(state: SessionState) -> None:
    """No new physics (the Standard Model settings stay)."""
    state.try_update(physics_overrides={})


def explanation(tab: str) -> str:
    """The tab's explanation with the full references."""
    refs = "\n".join(f"* **{k}** — {v}" for k, v in REFERENCES.items())
    return EXPLANATIONS.get(tab, "") + "\n**Papers**\n\n" + refs


def learn_panel(
    state: SessionState, tabs: Any = None, titles: list[str] | None = None, guide: Any = None
) -> Any:
    """A card with the explanation of the shown tab and a lesson selector.

    ``tabs``: the page's ``pn.Tabs`` (the text follows the active tab, and a lesson switches to
    its tab); ``titles``: the tab titles in order; ``guide``: the page's
    :class:`dashboard.tour.LessonGuide` (a lesson chosen here is shown step by step above the
    tabs).
    """
    import panel as pn

    from .errors import notify_error
    from .formulas import KEY_FORMULAS, Formula
    from .sidebar import lazy_card

    titles = titles or list(EXPLANATIONS)

    def content() -> list[Any]:
        """Built when the card is first opened (13 Bokeh models less per page)."""
        shown = titles[tabs.active] if tabs is not None else titles[0]
        text = pn.pane.Markdown(explanation(shown), sizing_mode="stretch_width")
        # the tab's key formula, typeset (KaTeX, shipped with the package)
        formula = Formula(tex=KEY_FORMULAS.get(shown, ("", ""))[0], display=True, margin=(0, 5))
        note = pn.pane.Markdown("", sizing_mode="stretch_width")
        options = {"Choose a lesson…": ""} | {lesson.title: k for k, lesson in LESSONS.items()}
        select = pn.widgets.Select(
            label="Guided lessons", options=options, sizing_mode="stretch_width"
        )

        def on_tab(event: Any) -> None:
            text.object = explanation(titles[event.new])
            formula.tex = KEY_FORMULAS.get(titles[event.new], ("", ""))[0]

        def on_lesson(event: Any) -> None:
            if not event.new:
                return
            try:
                if guide is not None:
                    guide.start(event.new)
                    lesson = LESSONS[event.new]
                else:
                    lesson = apply_lesson(state, event.new)
            except Exception as exc:  # a notification, the state is kept
                notify_error(exc)
                return
            note.object = f"**{lesson.title}.** {lesson.text}"
            if tabs is not None and lesson.tab in titles:
                tabs.active = titles.index(lesson.tab)

        if tabs is not None:
            tabs.param.watch(on_tab, "active")
        select.param.watch(on_lesson, "value")
        return [select, note, text, formula]

    return lazy_card("Learn", content)
