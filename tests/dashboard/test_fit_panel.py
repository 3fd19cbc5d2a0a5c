"""The fit panel of the Constraints tab: chosen data sets and terms, the core's fit (no browser)."""

from __future__ import annotations

import panel as pn
import pytest

from dashboard import datafits
from dashboard.state import SessionState
from dashboard.views import ConstraintsView
from dashboard.views._base import fmt
from dashboard.views.fit_panel import DataFitPanel


@pytest.fixture(autouse=True)
def _reset_panel_state():
    yield
    pn.state.reset()


def test_fit_panel_selects_data_sets_and_terms():
    view = ConstraintsView(state=SessionState())
    panel: DataFitPanel = view._fit_panel
    panel.activate()
    assert "Goodness of fit" in panel._summary.object
    assert next(iter(panel._nuisances.object["Nuisance"])) == "1. SNS neutrino flux"
    panel.param.update(datasets=["coherent_csi_2021", "coherent_lar_2020_3d"], terms=["apv_cs133"])
    fit = datafits.data_fit(("coherent_csi_2021", "coherent_lar_2020_3d"), ("apv_cs133",))
    assert f"{fit['dof']} degrees of freedom" in panel._summary.object
    assert len(panel._nuisances.object) == len(fit["nuisances"])
    assert panel._terms.visible and next(iter(panel._terms.object["Measurement"])).startswith(
        "Atomic parity violation"
    )
    assert len([o for o in panel._comparison._layout.objects if isinstance(o, pn.Row)]) == 2
    panel.param.update(datasets=[], terms=["prex2"])  # a measurement alone
    assert "1 degrees of freedom" in panel._summary.object and not panel._pulls.visible
    panel.param.update(datasets=[], terms=[])
    assert "Choose at least one" in panel._summary.object


def test_fit_panel_follows_the_sidebars_nuclear_choice():
    # issue 11: the fit honours the whole nuclear choice (skin, form-factor model) in its
    # predictions, and PREX-II is evaluated at the sidebar's skin
    from cevns_core.likelihood import data_fit

    state = SessionState()
    view = ConstraintsView(state=state)
    panel: DataFitPanel = view._fit_panel
    panel.activate()
    panel.param.update(datasets=["coherent_lar_2020"], terms=["prex2"])
    default = panel._comparison._captions[0].object
    for changes, nuclear in [
        ({"skin_fm": 0.3}, {"skin_fm": 0.3}),
        (
            {"form_factor_model": "klein_nystrand"},
            {"form_factor": "klein_nystrand", "skin_fm": 0.3},
        ),
    ]:
        state.param.update(**changes)
        core = data_fit("coherent_lar_2020", ["prex2"], nuclear=nuclear)
        assert f"χ² = {fmt(core['chi2'], 5)} for" in panel._summary.object
        assert next(iter(panel._terms.object["Evaluated at"])) == "neutron skin 0.3 fm"
        shown = panel._comparison._pipes[0].data  # what the plots draw
        expected = core["datasets"]["coherent_lar_2020"]["projections"]["keVee"]
        for key in ("sm", "expected"):
            assert shown[key] == pytest.approx(expected[key], rel=1e-12)
        assert panel._comparison._captions[0].object != default
