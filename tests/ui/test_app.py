"""Browser tests: the served page, driven by Playwright in Debian's chromium."""

from __future__ import annotations

import re

import numpy as np
import pytest
from playwright.sync_api import Page, expect

import cevns_core as cc

pytestmark = pytest.mark.ui

# The curves visible in the newest figure that plots `column`, read from the Bokeh document:
# {legend label: column values}. (HoloViews hides, rather than removes, the renderer of an isotope
# that was deselected; a figure replaced by the log/linear switch may linger in the document.)
_CURVES_JS = """(column) => {
  const get = (data) => (data instanceof Map ? data.get(column) : data[column]);
  let figure = null;
  for (const model of Bokeh.documents[0].all_models) {
    if (model.constructor.__name__ === 'Figure'
        && model.renderers.some(r => r.data_source && get(r.data_source.data) !== undefined))
      figure = model;
  }
  const out = {};
  if (figure === null) return out;
  const panels = [
    ...figure.center, ...figure.right, ...figure.left, ...figure.above, ...figure.below,
  ];
  for (const legend of panels.filter(p => p.constructor.__name__ === 'Legend')) {
    for (const item of legend.items) {
      const label = item.label && item.label.value;
      for (const renderer of item.renderers) {
        const values = get(renderer.data_source.data);
        if (label && renderer.visible && values !== undefined) out[label] = Array.from(values);
      }
    }
  }
  return out;
}"""


def _open(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator(".bk-Canvas").first).to_be_visible(timeout=30_000)


def _tab(page: Page, name: str):
    return page.locator(".bk-tab", has_text=name)


def _curves(page: Page, column: str) -> dict[str, list[float]]:
    return page.evaluate(_CURVES_JS, column)


def _wait_for_curves(page: Page, column: str, predicate: str) -> None:
    """Wait until ``predicate`` (JS, of ``curves``: {label: values}) holds for the page's curves."""
    page.wait_for_function(
        f"(column) => {{ const curves = ({_CURVES_JS})(column); return {predicate}; }}",
        arg=column,
    )


def _set_number(page: Page, label: str, value: float) -> None:
    box = page.locator(".bk-input-group", has_text=label).locator("input")
    box.fill(str(value))
    box.press("Enter")


def test_page_loads_without_console_errors(page: Page, live_app, console_errors):
    _open(page, live_app.url)
    expect(page).to_have_title(re.compile("CEvNS workbench"))
    expect(page.get_by_text("CEvNS workbench").first).to_be_visible()
    expect(_tab(page, "Cross sections")).to_be_visible()
    expect(_tab(page, "Form factors")).to_be_visible()
    assert console_errors == []


def test_both_tabs_render_a_bokeh_plot(page: Page, live_app, console_errors):
    _open(page, live_app.url)
    canvases = page.locator(".bk-Canvas")
    expect(canvases.first).to_be_visible()
    _tab(page, "Form factors").click()
    expect(canvases.filter(visible=True)).to_have_count(1)
    # the form-factor tab plots the core's F(q) for the default isotopes
    ff = _curves(page, "F")
    assert set(ff) == {"Cs133", "Ar40"}
    state = live_app.states[-1]
    expected = cc.form_factor(state.form_factor_model, state.q_grid(), "Cs133")
    np.testing.assert_allclose(ff["Cs133"], expected, rtol=1e-12)
    _tab(page, "Cross sections").click()
    expect(canvases.filter(visible=True)).to_have_count(1)
    assert console_errors == []


def test_changing_isotopes_changes_the_plotted_curves(page: Page, live_app, console_errors):
    _open(page, live_app.url)
    assert set(_curves(page, "sigma_cm2")) == {"Cs133", "Ar40"}
    page.get_by_label("I127").check()
    page.get_by_label("Ar40").uncheck()
    _wait_for_curves(page, "sigma_cm2", "'I127' in curves && !('Ar40' in curves)")
    state = live_app.states[-1]
    assert state.isotopes == ["Cs133", "I127"]
    sigma = _curves(page, "sigma_cm2")
    assert set(sigma) == {"Cs133", "I127"}
    E_MeV = state.energy_grid()
    np.testing.assert_allclose(
        sigma["I127"], cc.total_cross_section(E_MeV, "I127", form_factor=state.form_factor_model),
        rtol=1e-12,
    )
    assert console_errors == []


def test_invalid_energy_range_notifies_and_page_keeps_working(
    page: Page, live_app, console_errors
):
    _open(page, live_app.url)
    before = _curves(page, "E_MeV")["Cs133"]
    _set_number(page, "E_ν min (MeV)", 100)
    toast = page.locator(".notyf__toast")
    expect(toast.first).to_be_visible()
    expect(toast.first).to_contain_text("must be below")
    state = live_app.states[-1]
    assert state.E_min_MeV == 100
    assert _curves(page, "E_MeV")["Cs133"] == before  # the last good plot stays
    # a valid range again updates the plot
    _set_number(page, "E_ν min (MeV)", 5)
    _wait_for_curves(page, "E_MeV", "curves.Cs133 && curves.Cs133[0] === 5")
    assert _curves(page, "E_MeV")["Cs133"][-1] == pytest.approx(60.0)
    assert console_errors == []


def test_log_toggle_redraws_and_updates_continue(page: Page, live_app, console_errors):
    _open(page, live_app.url)
    y_scale = (  # the y scale of the newest figure whose y axis is σ
        "() => { let scale = null; for (const m of Bokeh.documents[0].all_models)"
        " if (m.constructor.__name__ === 'Figure'"
        "     && m.left.some(axis => axis.axis_label === 'σ (cm²)'))"
        "   scale = m.y_scale.constructor.__name__; return scale; }"
    )
    assert page.evaluate(y_scale) == "LogScale"
    page.locator(".bk-Checkbox", has_text="log σ axis").locator("input").uncheck()
    page.wait_for_function(f"() => ({y_scale})() === 'LinearScale'")
    assert live_app.states[-1].log_y is False
    page.get_by_label("Pb208").check()
    _wait_for_curves(page, "sigma_cm2", "'Pb208' in curves")
    assert set(_curves(page, "sigma_cm2")) == {"Cs133", "Ar40", "Pb208"}
    expect(page.locator(".bk-Canvas").first).to_be_visible()
    assert console_errors == []
