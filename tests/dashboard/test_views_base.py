"""Shared plot options of the tabs (dashboard/views/_base.py): legends beside the plotting area,
heights that follow the window."""

from __future__ import annotations

import re

import holoviews as hv
import numpy as np
import panel as pn
import pytest
from bokeh.document import Document
from bokeh.models import Legend, Plot
from pyviz_comms import Comm

from dashboard.views._base import (
    PAGE_CHROME_PX,
    PLOT_HEIGHT,
    TITLE_WRAP,
    TabView,
    layout_rows,
    plot_options,
    viewport_css,
    wrap_title,
)


@pytest.fixture(autouse=True)
def _reset_panel_state():
    yield
    pn.state.reset()


def _overlay(**opts) -> hv.Overlay:
    x = np.linspace(0.0, 1.0, 5)
    return hv.Overlay([hv.Curve((x, x), label="a"), hv.Curve((x, x**2), label="b")]).opts(
        **plot_options("Two curves", **opts)
    )


@pytest.mark.parametrize("asked", [None, "top_left", "bottom_right", "right"])
def test_legends_go_beside_the_plotting_area(asked):
    opts = {} if asked is None else {"legend_position": asked}
    fig = hv.render(_overlay(**opts))
    (legend,) = fig.select({"type": Legend})
    assert legend in fig.right and legend not in fig.center
    assert legend.click_policy == "hide"


def test_viewport_css_shares_the_window_between_rows_with_a_floor():
    css = viewport_css(2, minus_px=40, min_px=300)
    match = re.fullmatch(
        r":host \{ min-height: max\(300px, calc\(\(100vh - (\d+)px\) / 2 - 40px\)\) "
        r"!important; max-height: none !important; \}",
        css,
    )
    assert match and int(match.group(1)) == PAGE_CHROME_PX


def test_layout_rows_counts_rows_of_a_layout():
    curve = hv.Curve([1, 2])
    assert layout_rows(curve) == 1
    assert layout_rows((curve + curve).cols(2)) == 1
    assert layout_rows((curve + curve + curve).cols(2)) == 2


def test_a_tab_pane_is_sized_from_the_window():
    pane = TabView.pane(_overlay(), rows=2)
    assert pane.sizing_mode == "stretch_both" and pane.min_height == PLOT_HEIGHT
    assert pane.stylesheets == [viewport_css(2)]
    root = pane.get_root(Document(), comm=Comm())
    fig = next(iter(root.select({"type": Plot})))
    assert fig.sizing_mode == "stretch_both" and viewport_css(2) in fig.stylesheets


def test_long_titles_break_into_two_lines():
    short = "Form factors of Cs133"
    assert wrap_title(short) == short
    assert wrap_title("Flux at the detector — Pion decay at rest (π-DAR) (fluence)") == (
        "Flux at the detector —\nPion decay at rest (π-DAR) (fluence)"
    )
    long = "Form-factor suppression of the cross section of every nucleus shown here"
    first, second = wrap_title(long).split("\n")
    assert len(first) <= TITLE_WRAP and f"{first} {second}" == long
