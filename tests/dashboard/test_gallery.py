"""The gallery: its catalogue, the set-ups it loads and the views it draws (no browser)."""

from __future__ import annotations

import holoviews as hv
import pytest

from dashboard.gallery import FIGURES, PAPERS, figure, setup_values
from dashboard.state import SessionState
from dashboard.views import TABS
from dashboard.views.gallery import GalleryView
from dashboard.views.gallery_figures import DRAWINGS
from dashboard.views.more_physics import MorePhysicsView
from dashboard.viewstate import MORE_VIEWS
from dashboard.viewstate import TABS as VIEW_TABS

#: The computable figures of PHYSICS.md §12 (static diagrams and out-of-scope panels excluded;
#: PKK Fig. 8 and 7 left are listed in dashboard.gallery as left out).
EXPECTED = {
    "PKK": {"2ul", "2ur", "2b", "3", "4", "5l", "5r", "6l", "6r", "7r", "9", "10", "11", "12",
            "13", "14", "15", "16", "17"},
    "Pandey": {"1", "2", "4", "5", "7"},
    "CDG": {"3", "4", "5", "6"},
}  # fmt: skip


def test_the_catalogue_lists_every_computable_figure_once_with_a_drawing():
    keys = [f.key for f in FIGURES]
    assert len(keys) == len(set(keys))
    for paper, numbers in EXPECTED.items():
        prefix = paper.lower() + "_"
        assert {k[len(prefix) :] for k in keys if k.startswith(prefix)} == numbers
    assert set(DRAWINGS) == set(keys)
    tabs = {t.key for t in VIEW_TABS}
    for f in FIGURES:
        assert f.paper in PAPERS and f.caption and f.setup.tab in tabs
        assert "{" not in f.title  # HoloViews formats titles


@pytest.mark.parametrize("key", [f.key for f in FIGURES])
def test_every_setup_is_accepted_by_the_state_and_the_core(key):
    setup = figure(key).setup
    state = SessionState()
    state.apply({**setup_values(setup), "tab": setup.tab}, setup.view)
    assert state.tab == setup.tab and state.experiment == setup.experiment
    for tab, options in setup.view.items():
        for name, value in options.items():
            assert state.view_value(tab, name) == value
    state.experiment_object()


def test_loading_a_setup_resets_earlier_choices_and_opens_its_tab():
    state = SessionState(skin_fm=0.3, physics_overrides={"mu_nu_e_muB": 1e-10})
    view = GalleryView(state=state, figure="pkk_12")
    view.load_setup()
    assert state.tab == "constraints"
    assert state.skin_fm == 0.0 and state.physics_overrides == {}
    assert state.view_options["constraints"]["model"] == "zprime"
    assert state.view_options["gallery"] == {"figure": "pkk_12"}  # back to the same figure
    view.figure = "pkk_5r"
    view.load_setup()
    assert state.experiment == "conus" and state.mass_kg == 1.0
    assert state.source_overrides == {"thermal_power_GW": 4.0, "distance_m": 20.0}
    assert "constraints" not in state.view_options  # the previous figure's options are gone


def test_the_gallery_draws_the_chosen_figure():
    view = GalleryView(state=SessionState(), figure="pkk_4")
    obj = view._plot.object  # outside a server the figure is drawn at once
    assert isinstance(obj, hv.Overlay)
    assert obj.opts.get().kwargs["title"].startswith("Total CEvNS cross sections")
    view.figure = "pandey_2"
    assert view._plot.object.opts.get().kwargs["title"] == "π-DAR arrival times"
    assert "Pandey Fig. 2" in view._caption.object


@pytest.mark.parametrize("sub", list(MORE_VIEWS))
def test_every_more_physics_view_draws(sub):
    state = SessionState(experiment="conus")
    view = MorePhysicsView(state=state, view=sub)
    obj = view._plot.object
    assert isinstance(obj, hv.Overlay | hv.Layout)
    elements = list(obj) if isinstance(obj, hv.Layout) else [obj]
    assert all(e.opts.get().kwargs.get("title") for e in elements)


def test_the_new_tabs_are_registered():
    titles = [t for t, _ in TABS]
    assert titles[-2:] == ["More physics", "Gallery"]
