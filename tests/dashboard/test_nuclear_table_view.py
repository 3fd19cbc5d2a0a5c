"""The nuclear-model comparison (More physics → Nuclear-model differences, Pandey Figs. 4–5) lists
the shipped theory tables of the chosen nucleus (shell model, Hoferichter et al. 2020) by
themselves: no dashboard list of tables to keep up to date."""

from __future__ import annotations

import holoviews as hv
import numpy as np

import cevns_core as cc
from dashboard import physics_results as pr
from dashboard.state import SessionState
from dashboard.views.more_physics import MorePhysicsView

SHELL_CS = "cs133_shell_model_hms2020"


def test_the_comparison_view_lists_the_shell_model_table():
    view = MorePhysicsView(state=SessionState(), view="nuclear", nucleus="Cs133", reference="helm")
    layout = view._plot.object  # outside a server the figure is drawn at once
    assert isinstance(layout, hv.Layout)
    labels = {curve.label for curve in layout.values()[0]}
    assert "Cs133 shell model (Hoferichter et al. 2020) (table)" in labels
    assert "I127" in view.param.nucleus.objects  # the other CsI nucleus has its table too
    view.nucleus = "I127"
    labels = {curve.label for curve in view._plot.object.values()[0]}
    assert "I127 shell model (Hoferichter et al. 2020) (table)" in labels


def test_the_table_differences_are_the_core_comparison():
    data = pr.nuclear_differences("Cs133", (SHELL_CS,), "helm")
    cmp = cc.compare_nuclear_models(
        "Cs133", [SHELL_CS], "helm", q_fm=np.asarray(data["q_fm"]), E_MeV=np.asarray(data["E_MeV"])
    )
    np.testing.assert_allclose(data["F_W"][SHELL_CS], 100.0 * np.abs(cmp.relative("F_W")[SHELL_CS]))
    # shell model vs Helm at the measured radius (with the skin systematics): 1.0 % at 0.5 fm⁻¹,
    # nothing at q = 0
    assert data["F_W"][SHELL_CS][0] == 0.0
    assert 0.5 < data["F_W"][SHELL_CS][-1] < 2.0
