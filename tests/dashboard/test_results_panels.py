"""The named results, the running of sin²θ_W and the Experiments tab's published numbers: the
panels hold the core's numbers (no browser)."""

from __future__ import annotations

import holoviews as hv
import numpy as np
import panel as pn
import pytest

import cevns_core as cc
from dashboard import datafits
from dashboard.state import SessionState
from dashboard.views import ExperimentsView
from dashboard.views._base import fmt
from dashboard.views.data_plots import running_plot
from dashboard.views.results_panels import NamedResultsPanel, PublishedPanel, RunningPanel


@pytest.fixture(autouse=True)
def _reset_panel_state():
    yield
    pn.state.reset()


def test_named_results_table_is_the_cores(monkeypatch):
    rows = [
        {
            "key": "x",
            "quantity": "weak mixing angle sin^2 theta_W, CsI 2021",
            "datasets": ["coherent_csi_2021"],
            "unit": "",
            "value": 0.231,
            "minus": 0.024,
            "plus": 0.027,
            "cl": "1 sigma",
            "reference": "ref",
            "ours": {"value": 0.217, "minus": 0.024, "plus": 0.026},
            "difference": -0.014,
            "tolerance": 0.024,
            "tolerance_argument": "why",
            "within": True,
        }
    ]
    panel = NamedResultsPanel()
    panel.show(rows)
    frame = panel._table.object
    assert frame.iloc[0]["Result"] == "1. weak mixing angle sin²θ_W, CsI 2021"
    assert frame.iloc[0]["Published"] == "0.231 −0.024 +0.027 (1 σ)"
    assert frame.iloc[0]["Agrees"] == "yes"
    assert "1 of 1 agree" in panel._status.object


def test_named_results_are_computed_once_per_process(monkeypatch):
    calls = []

    def fake() -> list:
        calls.append(1)
        return []

    monkeypatch.setattr(datafits, "_FUTURES", {})
    monkeypatch.setattr(datafits, "_named", fake)
    first, second = datafits.named_results(), datafits.named_results()
    assert first is second and first.result() == [] and calls == [1]


def test_running_panel_draws_the_curve_and_the_points():
    panel = RunningPanel()
    panel.activate()
    data = datafits.running_points().result()
    overlay = panel._plot.object
    curve = next(el for el in overlay if isinstance(el, hv.Curve))
    np.testing.assert_allclose(curve.dimension_values(1), cc.electroweak.sin2_theta_w_msbar(
        curve.dimension_values(0)))  # fmt: skip
    scatter_labels = {el.label for el in overlay if isinstance(el, hv.Scatter)}
    assert "This workbench (APV, CEvNS fits)" in scatter_labels
    n_points = sum(len(el) for el in overlay if isinstance(el, hv.Scatter))
    assert n_points == len(data["measurements"]) + len(data["workbench"])
    panel.show_workbench = False
    n_points = sum(len(el) for el in panel._plot.object if isinstance(el, hv.Scatter))
    assert n_points == len(data["measurements"])
    assert len(panel._table.object) == len(data["measurements"])
    hv.render(running_plot(data))


def test_experiments_tab_shows_published_and_observed():
    view = ExperimentsView(state=SessionState())
    view.activate()
    published = view._published
    assert "Published results" in published._published_caption.object
    frame = published._published.object
    comparison = cc.published_comparison("coherent_csi_2017")
    assert len(frame) == len(comparison["results"])
    observed = published._data.object
    assert len(observed) == len(cc.likelihood_names())
    assert observed.iloc[1]["Observed events (68 %)"].startswith("1578 ")  # CsI 2021
    view.open_preset = "coherent_lar_2020"
    assert "liquid argon" in published._published_caption.object


def test_named_results_panel_shows_every_computed_result():
    """The Constraints tab's "Published results" section with the real cc.named_results():
    one row per result, ours as computed (the README's table is checked against the same rows
    in tests/core/likelihood/test_likelihood_fits.py), all within their tolerances."""
    rows = cc.named_results()
    panel = NamedResultsPanel()
    panel.show(rows)
    frame = panel._table.object
    assert len(frame) == len(rows) == 10
    assert list(frame["Agrees"]) == ["yes"] * len(rows)
    count = next(r for r in rows if r["key"] == "coherent_csi2021_cevns_count")
    assert frame.iloc[0]["This workbench"].startswith(f"{count['ours']['value']:.0f}")
    assert f"{len(rows)} of {len(rows)} agree" in panel._status.object


def test_experiments_tab_table_of_every_measurement_preset(measurement_preset):
    # the Experiments tab's table holds one row per published entry, the published value and
    # ours beside it (the core's published_comparison), and the caption its reference and count
    caption, frame = PublishedPanel._published_frame(measurement_preset)
    comparison = cc.published_comparison(measurement_preset)
    assert len(frame) == len(comparison["results"]) > 0
    assert comparison["reference"] in caption
    assert f"expects {fmt(comparison['counts'], 4)} CEvNS events" in caption
    for (_, row), entry in zip(frame.iterrows(), comparison["results"], strict=True):
        ours = "–" if entry["ours"] is None else fmt(entry["ours"], 4)
        assert row["This workbench"] == ours
        assert row["Kind"] == entry["kind"].replace("_", " ")
