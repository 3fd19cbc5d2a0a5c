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
    select, note, text = card.objects
    tabs.active = 3
    assert "neutrino fluxes" in text.object
    select.value = "magnetic_moment"
    assert state.experiment == "conus" and state.physics_overrides == {"mu_nu_e_muB": 1e-10}
    assert tabs.active == titles.index("Recoil spectra")
    assert "magnetic moment" in note.object
