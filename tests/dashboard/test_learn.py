"""Learn mode: an explanation per tab, lessons that apply and build an experiment."""

from __future__ import annotations

import pytest

from dashboard import learn
from dashboard.state import SessionState
from dashboard.views import TABS


def test_every_tab_has_an_explanation_with_references():
    for title, _ in TABS:
        text = learn.explanation(title)
        assert learn.EXPLANATIONS[title].strip()
        for key in ("PKK", "Pandey", "CDG"):
            assert key in text


def test_formulas_are_plain_text_not_latex():
    for text in learn.EXPLANATIONS.values():
        assert "$" not in text and "\\frac" not in text


@pytest.mark.parametrize("key", list(learn.LESSONS))
def test_lessons_apply_and_build(key):
    state = SessionState()
    lesson = learn.apply_lesson(state, key)
    assert lesson.tab in [t for t, _ in TABS]
    for name, value in lesson.state.items():
        assert getattr(state, name) == value
    state.experiment_object()  # the core accepts the combination


def test_learn_panel_follows_tabs_and_lessons():
    import panel as pn

    state = SessionState()
    titles = [t for t, _ in TABS]
    tabs = pn.Tabs(*[(t, pn.pane.Markdown(t)) for t in titles])
    card = learn.learn_panel(state, tabs, titles)
    assert card.collapsed and len(card.objects) == 0  # built when first opened
    tabs.active = 2
    card.collapsed = False
    select, note, text = card.objects[:3]  # then the tab's key formula, typeset
    assert text.object == learn.explanation(titles[2])  # the tab shown when it was opened
    tabs.active = 3
    assert "neutrino fluxes" in text.object
    select.value = "magnetic_moment"
    assert state.experiment == "conus" and state.physics_overrides == {"mu_nu_e_muB": 1e-10}
    assert tabs.active == titles.index("Recoil spectra")
    assert "magnetic moment" in note.object


def test_every_lesson_step_starts_from_a_known_state():
    """A sequence of every step of every lesson (out of order too): each step's state is the
    preset's fresh state with the step's values, tab and options, whatever came before."""
    state = SessionState()
    state.try_update(skin_fm=0.3, physics_overrides={"zprime_coupling": 1e-4})
    state.view_options = {"sources": {"log_y": True}}
    order = [(k, i) for k, v in learn.LESSONS.items() for i in range(len(v.steps))]
    for key, index in [*order, *reversed(order)]:
        lesson = learn.apply_lesson(state, key, index)
        step = lesson.steps[index]
        assert state.values() == lesson.values(index), (key, index)
        assert state.view_options == {k: v for k, v in step.view.items() if v}
        assert state.tab == step.tab
        assert state.physics_overrides == step.state.get("physics_overrides", {})
        state.experiment_object()  # the core accepts every step


def test_reset_to_preset_and_clear_new_physics():
    state = SessionState(experiment="conus")
    state.try_update(threshold=0.5, skin_fm=0.2, physics_overrides={"mu_nu_e_muB": 1e-10})
    learn.clear_new_physics(state)
    assert state.physics_overrides == {} and state.threshold == 0.5 and state.skin_fm == 0.2
    state.try_update(physics_overrides={"mu_nu_e_muB": 1e-10})
    learn.reset_to_preset(state)
    assert state.values() == {**learn.known_values("conus"), "tab": state.tab}
    assert state.threshold == 0.3 and state.physics_overrides == {}  # CONUS: 0.3 keVee


def test_lesson_guide_steps_and_the_exclusion_lesson_lands_on_a_scan():
    from dashboard.tour import LessonGuide
    from dashboard.views import ConstraintsView

    state = SessionState()
    view = ConstraintsView(state=state)
    guide = LessonGuide(state)
    guide.start("exclusion_plot")
    assert (view.model, view.dimensions, view.a0_n) == ("magnetic_moment", "1d0", 40)
    assert view.result is not None and view.result.model == "magnetic_moment"
    assert view.status.startswith("Done") and view._holder.objects == [view._plot_pane]
    # the 90 % CL limit from the profile: Δχ² crosses 2.71 inside the scanned range
    assert float(view.result.delta_chi2.max()) > 2.71
    guide.go(guide.step + 1)
    assert view.model == "zprime" and view.result.shape == (30, 30)  # a 2-D map, run at once
    guide.start("why_n2")  # the next lesson: no scan left on the Constraints tab
    assert view._holder.objects == [view._empty] and not view.done
    assert view.status == "Choose a model and press Scan."
    assert state.tab == "cross_sections" and state.form_factor_model == "point"
    guide.go(5)  # past the end: the last step
    assert guide.step == len(learn.LESSONS["why_n2"].steps) - 1
