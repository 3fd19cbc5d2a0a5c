"""The fit panel of the Constraints tab: chosen data sets and terms, the core's fit (no browser)."""

from __future__ import annotations

import panel as pn
import pytest

from dashboard import datafits
from dashboard.state import SessionState
from dashboard.views import ConstraintsView
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
