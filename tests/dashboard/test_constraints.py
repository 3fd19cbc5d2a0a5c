"""The Constraints tab's scan settings beyond the grid: the default signal systematic of an
Asimov sensitivity (issue 13) and the URL view state of its sections (no browser)."""

from __future__ import annotations

import urllib.parse

import numpy as np
import panel as pn
import pytest

import cevns_core as cc
from dashboard.state import SessionState
from dashboard.urlstate import apply_query, query_of
from dashboard.views import ConstraintsView

#: A preset without a published prediction uncertainty (its Asimov σ_α is the default).
PRESET = "conus"


@pytest.fixture(autouse=True)
def _reset_panel_state():
    yield
    pn.state.reset()


def _args(query: dict[str, str]) -> dict[str, list[bytes]]:
    text = urllib.parse.urlencode(query)
    return {k: [v.encode()] for k, v in urllib.parse.parse_qsl(text)}


def _profile(systematic: float) -> cc.ScanResult:
    view = ConstraintsView(
        state=SessionState(experiment=PRESET),
        model="magnetic_moment",
        dimensions="1d0",
        a0_n=21,
        chunks=3,
        signal_systematic=systematic,
    )
    view.start()
    assert view.status.startswith("Done"), view.status
    return view.result


def test_the_default_signal_systematic_reaches_the_core_scan():
    # the preset publishes no prediction uncertainty: the core's stated 10 % default applies
    assert cc.signal_uncertainty(PRESET) == cc.published.DEFAULT_SIGNAL_UNCERTAINTY == 0.1
    assert cc.signal_uncertainty(PRESET, 0.3) == 0.3
    default, wide = _profile(0.1), _profile(0.3)
    assert default.info["sigma_signal"] == 0.1 and wide.info["sigma_signal"] == 0.3
    axis = next(iter(wide.axes))
    # second route: the core's scan with the same default systematic, same grid
    core = cc.scan(
        cc.Experiment.from_spec(SessionState(experiment=PRESET).spec()),
        "magnetic_moment",
        default_sigma_signal=0.3,
        keep="chi2",
        refine=False,
        **{axis: wide.axes[axis]},
    )
    np.testing.assert_allclose(wide.delta_chi2, core.delta_chi2, rtol=1e-10, atol=1e-12)
    # a larger normalisation uncertainty can only weaken the sensitivity, and here it does
    assert np.all(wide.delta_chi2 <= default.delta_chi2 + 1e-9)
    assert wide.delta_chi2.max() < 0.9 * default.delta_chi2.max()


def test_the_systematic_is_a_url_option_and_outdates_a_shown_scan():
    state = SessionState(experiment=PRESET)
    view = ConstraintsView(state=state)
    view.signal_systematic = 0.25
    assert state.view_options["constraints"] == {"signal_systematic": 0.25}
    query = query_of(state)
    assert query["sc.signal_systematic"] == "0.25"
    other = SessionState()
    assert apply_query(other, _args(query)) is None
    assert ConstraintsView(state=other).signal_systematic == 0.25
    # out of range in the URL: reported, the default kept
    bad = SessionState()
    assert "sc.signal_systematic" in apply_query(bad, _args({"sc.signal_systematic": "-1"}))
    assert ConstraintsView(state=bad).signal_systematic == 0.1
    view.done = True
    view.signal_systematic = 0.2  # a different scan: the shown one is outdated
    assert not view.done


def test_fit_choice_and_section_are_url_options_that_keep_a_shown_scan():
    state = SessionState()
    view = ConstraintsView(state=state)
    view.__panel__()
    panel = view._fit_panel
    panel.param.update(datasets=["coherent_lar_2020"], terms=["apv_cs133"])
    view._section_tabs.active = 1  # "Fit to data"
    assert state.view_options["constraints"] == {
        "fit_datasets": ["coherent_lar_2020"],
        "fit_terms": ["apv_cs133"],
        "section": "fit",
    }
    query = query_of(state)
    other = SessionState()
    assert apply_query(other, _args(query)) is None
    restored = ConstraintsView(state=other)
    restored.__panel__()
    assert restored._fit_panel.datasets == ["coherent_lar_2020"]
    assert restored._fit_panel.terms == ["apv_cs133"]
    assert restored._section_tabs.active == 1 and restored._fit_panel._started
    view.done = True
    view.fit_datasets = ["coherent_csi_2021"]  # the fit's choice does not outdate a scan
    assert view.done and panel.datasets == ["coherent_csi_2021"]


def test_the_offered_axis_ranges_are_the_cores_default_grids():
    """No range table in the dashboard: choosing a model offers its axes' default grids as the
    core declares them (lowest, highest value, spacing), the same as ``cevns scan MODEL``."""
    from cevns_core.scans import SCAN_MODELS, default_axes

    view = ConstraintsView(state=SessionState())
    for model, scan_model in SCAN_MODELS.items():
        view.model = model
        for i, axis in enumerate(scan_model.axes[:2]):
            values = default_axes(model)[axis.name]
            assert getattr(view, f"a{i}_min") == values[0], (model, axis.name)
            assert getattr(view, f"a{i}_max") == pytest.approx(values[-1], rel=1e-15)
            assert getattr(view, f"a{i}_log") == axis.grid[3], (model, axis.name)
            assert view.option_default(f"a{i}_min") == values[0]
