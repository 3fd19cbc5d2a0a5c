"""Browser tests: data points and residuals beside the prediction, and the data-set fit."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from dashboard import datafits

pytestmark = pytest.mark.ui

# Titles of the figures in the page's Bokeh document, and the number of error bars (Whisker
# annotations' points) in the newest figure whose title starts with a prefix.
_TITLES_JS = """() => [...Bokeh.documents[0].all_models]
  .filter(m => m.constructor.__name__ === 'Figure' && m.title)
  .map(m => String(m.title.text))"""

_POINTS_JS = """(prefix) => {
  let figure = null;
  for (const m of Bokeh.documents[0].all_models)
    if (m.constructor.__name__ === 'Figure' && m.title && String(m.title.text).startsWith(prefix))
      figure = m;
  if (figure === null) return -1;
  let n = 0;
  for (const r of figure.renderers) {
    const glyph = r.glyph && r.glyph.constructor.__name__;
    if (glyph === 'Scatter' && r.data_source) {
      const data = r.data_source.data;
      const x = data instanceof Map ? data.get('x') : data['x'];
      const any = x ?? (data instanceof Map ? [...data.values()][0] : Object.values(data)[0]);
      n += any ? any.length : 0;
    }
  }
  return n;
}"""


def _open(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator(".bk-Canvas").first).to_be_visible(timeout=30_000)


def _figure_titles(page: Page) -> list[str]:
    return page.evaluate(_TITLES_JS)


def _settle(page: Page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)


@pytest.mark.parametrize(
    ("preset", "axes"),
    [
        ("coherent_csi_2017", ("photo-electrons", "arrival time")),
        ("coherent_csi_2021", ("photo-electrons", "arrival time")),
        ("coherent_lar_2020", ("electron-equivalent energy", "pulse-shape fraction f90")),
    ],
)
def test_data_points_and_residuals_appear_for_the_presets_data(
    page: Page, live_app, console_errors, preset, axes
):
    _open(page, f"{live_app.url}?exp={preset}")
    page.locator(".cevns-seen-marker").first.scroll_into_view_if_needed()  # drawn once seen
    expect(page.get_by_text("Data beside the prediction").first).to_be_visible(timeout=60_000)
    name = datafits.experiment_datasets(preset)[0]
    fit = datafits.data_fit((name,))
    for axis in axes:
        title = f"Data: {axis}"
        page.wait_for_function(f"(t) => ({_TITLES_JS})().includes(t)", arg=title, timeout=60_000)
        assert f"Residuals: {axis}" in _figure_titles(page)
        key = next(k for k, p in fit["datasets"][name]["projections"].items()
                   if p["title"].lower() == axis)  # fmt: skip
        n_bins = len(fit["datasets"][name]["projections"][key]["observed"])
        assert page.evaluate(_POINTS_JS, title) == n_bins  # one data point per bin
        assert page.evaluate(_POINTS_JS, f"Residuals: {axis}") == n_bins
    caption = page.get_by_text(re.compile(r"observed \d+ events"))
    expect(caption.first).to_be_visible()
    _settle(page)
    assert console_errors == []


def test_the_data_set_selection_of_the_fit_works(page: Page, live_app, console_errors):
    page.goto(f"{live_app.url}?tab=constraints")  # no plot before a scan: wait for the section
    expect(page.locator(".bk-tab", has_text="Fit to data")).to_be_visible(timeout=30_000)
    page.locator(".bk-tab", has_text="Fit to data").click()
    summary = page.locator("p").filter(has_text="Goodness of fit")
    expect(summary.first).to_be_visible(timeout=60_000)
    expect(summary.first).to_contain_text("99 degrees of freedom")  # CsI 2021 alone
    page.wait_for_function(
        f"() => ({_TITLES_JS})().includes('Fitted nuisances (band: ±1 prior width)')"
    )
    page.get_by_text("Atomic parity violation (¹³³Cs)").click()  # add APV
    expect(summary.first).to_contain_text("100 degrees of freedom", timeout=60_000)
    expect(page.get_by_text("Atomic parity violation in ¹³³Cs").first).to_be_visible()
    box = page.locator(".choices input[type=search]").filter(visible=True).first
    box.click()
    box.fill("energy projection")  # Choices.js filters the options; Enter takes the first
    page.locator(".choices__item--choice", has_text="energy projection").filter(
        visible=True
    ).first.click()
    page.keyboard.press("Escape")
    fit = datafits.data_fit(("coherent_csi_2021", "coherent_lar_2020"), ("apv_cs133",))
    expect(summary.first).to_contain_text(f"{fit['dof']} degrees of freedom", timeout=60_000)
    page.wait_for_function(
        f"() => ({_TITLES_JS})().filter(t => t === 'Data: photo-electrons').length >= 1"
        f" && ({_TITLES_JS})().includes('Data: electron-equivalent energy')",
        timeout=60_000,
    )
    _settle(page)
    assert console_errors == []


# The values of `column` of the legend item `label` in the newest figure titled `title`.
_LINE_JS = """([title, label, column]) => {
  let figure = null;
  for (const m of Bokeh.documents[0].all_models)
    if (m.constructor.__name__ === 'Figure' && m.title && String(m.title.text) === title)
      figure = m;
  if (figure === null) return null;
  const panels = [...figure.center, ...figure.right, ...figure.left, ...figure.above];
  for (const legend of panels.filter(p => p.constructor.__name__ === 'Legend'))
    for (const item of legend.items)
      if (item.label && item.label.value === label) {
        const data = item.renderers[0].data_source.data;
        return Array.from(data instanceof Map ? data.get(column) : data[column]);
      }
  return null;
}"""


_FIGURE_IDS_JS = """(title) => [...Bokeh.documents[0].all_models]
  .filter(m => m.constructor.__name__ === 'Figure' && m.title && String(m.title.text) === title)
  .map(m => m.id)"""


def test_the_data_panel_follows_a_skin_change_in_the_sidebar(page: Page, live_app, console_errors):
    # issue 11: the data beside the prediction honours the sidebar's nuclear choice; the new
    # prediction reaches the browser through the figures updated in place
    import numpy as np

    from cevns_core.likelihood import data_fit

    _open(page, f"{live_app.url}?exp=coherent_csi_2017")
    page.locator(".cevns-seen-marker").first.scroll_into_view_if_needed()  # drawn once seen
    title, label = "Data: arrival time", "Standard Model (nominal)"  # the legend's figure
    page.wait_for_function(f"(a) => ({_LINE_JS})(a) !== null", arg=[title, label, "counts"],
                           timeout=60_000)  # fmt: skip
    before = page.evaluate(_LINE_JS, [title, label, "counts"])
    figures = page.evaluate(_FIGURE_IDS_JS, title)
    page.locator(".card-header", has_text="Nucleus").first.click()  # a card built when opened
    group = page.locator(".bk-input-group").filter(
        has=page.locator("label", has_text=re.compile(r"^Neutron skin R_n − R_p \(fm\)$"))
    )
    box = group.locator("input").first
    expect(box).to_be_visible(timeout=30_000)
    box.fill("0.4")
    box.press("Enter")
    name = datafits.experiment_datasets("coherent_csi_2017")[0]
    core = data_fit(name, nuclear={"skin_fm": 0.4})["datasets"][name]["projections"]["t_us"]
    wanted = np.repeat(core["sm"], 2)  # the step line: each bin's value at both its edges
    page.wait_for_function(
        f"(a) => {{ const v = ({_LINE_JS})(a); return v !== null && v[0] !== {before[0]}; }}",
        arg=[title, label, "counts"],
        timeout=60_000,
    )
    drawn = page.evaluate(_LINE_JS, [title, label, "counts"])
    np.testing.assert_allclose(drawn, wanted, rtol=1e-9)
    assert not np.allclose(drawn, before, rtol=1e-3)
    assert live_app.states[-1].skin_fm == 0.4
    assert page.evaluate(_FIGURE_IDS_JS, title) == figures  # updated in place, not rebuilt
    _settle(page)
    assert console_errors == []
