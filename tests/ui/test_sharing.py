"""Browser tests of sharing: URL round trip, configuration files, data downloads, PNG tool."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from dashboard import export, results
from dashboard.labels import preset_title

pytestmark = pytest.mark.ui

# {legend label: values of `column`} of the newest figure whose title starts with `prefix`.
_FIGURE_JS = """([prefix, column]) => {
  const get = (data) => (data instanceof Map ? data.get(column) : data[column]);
  let figure = null;
  for (const model of Bokeh.documents[0].all_models)
    if (model.constructor.__name__ === 'Figure' && model.title
        && String(model.title.text).startsWith(prefix)) figure = model;
  const out = {};
  if (figure === null) return out;
  const panels = [...figure.center, ...figure.right, ...figure.left, ...figure.above];
  for (const legend of panels.filter(p => p.constructor.__name__ === 'Legend'))
    for (const item of legend.items) {
      const label = item.label && item.label.value;
      for (const r of item.renderers) {
        const values = r.data_source ? get(r.data_source.data) : undefined;
        if (label && r.visible && values !== undefined) out[label] = Array.from(values);
      }
    }
  return out;
}"""


def _open(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator(".bk-Canvas").first).to_be_visible(timeout=30_000)


def _curves(page: Page, prefix: str = "Recoil spectrum", column: str = "dNdT") -> dict:
    page.wait_for_function(
        f"(args) => Object.keys(({_FIGURE_JS})(args)).length > 0", arg=[prefix, column]
    )
    return page.evaluate(_FIGURE_JS, [prefix, column])


def _input(page: Page, label: str):
    group = page.locator(".bk-input-group").filter(
        has=page.locator("label", has_text=re.compile(f"^{re.escape(label)}$"))
    )
    return group.locator("input, select").first


def _open_tools(page: Page) -> None:
    page.locator(".card-header", has_text="Save, load & export").first.click()
    expect(page.get_by_text("dN/dT (CSV)").first).to_be_visible()


def test_url_reproduces_the_plot_in_a_new_page(page: Page, live_app, console_errors):
    _open(page, live_app.url)
    _curves(page)
    _input(page, "Experiment preset").select_option(label=preset_title("conus"))
    expect(page).to_have_url(re.compile(r"exp=conus"))
    box = _input(page, "Mass (kg)")
    box.fill("2.5")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"mass=2.5"))
    page.wait_for_function(
        f"() => Object.values(({_FIGURE_JS})(['Recoil spectrum', 'T_keV']))"
        ".some(v => v.length && Math.max(...v) < 5)"
    )  # reactor recoils (below a few keVnr)
    first = live_app.states[-1]
    want = results.spectrum(first.spec(), 200, False)
    page.wait_for_function(
        f"(total) => {{ const c = ({_FIGURE_JS})(['Recoil spectrum', 'dNdT']);"
        " const v = c['ν̄ₑ']; return v && Math.abs(v[1] - total) <= 1e-9 * Math.abs(total); }",
        arg=float(want.total[1]),
    )
    curves = _curves(page)
    url = page.url

    other = page.context.new_page()
    _open(other, url)
    second = live_app.states[-1]
    assert second is not first
    assert second.spec() == first.spec()
    other.wait_for_function(
        f"(total) => {{ const c = ({_FIGURE_JS})(['Recoil spectrum', 'dNdT']);"
        " const v = c['ν̄ₑ']; return v && Math.abs(v[1] - total) <= 1e-9 * Math.abs(total); }",
        arg=float(want.total[1]),
    )
    again = _curves(other)
    assert set(again) == set(curves)
    for label in curves:
        np.testing.assert_allclose(again[label], curves[label], rtol=1e-12)
    other.close()
    assert console_errors == []


def test_csv_download_matches_the_core(page: Page, live_app, console_errors, tmp_path):
    _open(page, live_app.url)
    _curves(page)
    _open_tools(page)
    with page.expect_download() as info:
        page.get_by_text("dN/dT (CSV)").first.click()
    path = tmp_path / "spectrum.csv"
    info.value.save_as(path)
    cols = export.read_csv(path.read_text(encoding="utf-8"))
    sp = results.spectrum(live_app.states[-1].spec(), 200, False)
    np.testing.assert_allclose(cols["T [keVnr]"], sp.T_keV, rtol=1e-15)
    np.testing.assert_allclose(cols["dN/dT total [events/keVnr]"], sp.total, rtol=1e-15)
    assert console_errors == []


def test_configuration_save_and_bad_load(page: Page, live_app, console_errors, tmp_path):
    _open(page, live_app.url)
    _curves(page)
    state = live_app.states[-1]
    _open_tools(page)
    with page.expect_download() as info:
        page.get_by_text("Save configuration").first.click()
    path = tmp_path / "config.json"
    info.value.save_as(path)
    cfg = json.loads(path.read_text(encoding="utf-8"))
    assert cfg["experiment"]["preset"] == state.experiment  # the core's spec of the page
    before = state.spec()
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "cevns-dashboard-config", "version": 1, "state": {"mass_kg": -1}}')
    page.locator("input[type=file]").first.set_input_files(str(bad))
    toast = page.locator(".notyf__toast").filter(has_text="mass_kg")
    expect(toast.first).to_be_visible()
    assert state.spec() == before
    # a good file is applied
    cfg["experiment"]["exposure"]["mass_kg"] = 3.0
    good = tmp_path / "good.json"
    good.write_text(json.dumps(cfg))
    page.locator("input[type=file]").first.set_input_files(str(good))
    expect(page).to_have_url(re.compile(r"mass=3"))
    assert state.mass_kg == 3.0
    assert console_errors == []


def test_plots_have_the_png_save_tool(page: Page, live_app, console_errors):
    _open(page, live_app.url)
    _curves(page)
    n = page.evaluate(
        "() => [...Bokeh.documents[0].all_models].filter("
        "m => m.constructor.__name__ === 'SaveTool').length"
    )
    assert n >= 1
    assert console_errors == []


def test_plot_data_download_of_the_shown_tab(page: Page, live_app, console_errors, tmp_path):
    _open(page, live_app.url)
    _curves(page)
    _open_tools(page)
    with page.expect_download() as info:
        page.get_by_text("Plot data (CSV)").first.click()
    path = tmp_path / "plot.csv"
    info.value.save_as(path)
    text = path.read_text(encoding="utf-8")
    assert "T (nuclear recoil) [keVnr],dN/dT [events/keVnr]" in text
    assert "Observed spectrum" in text
    assert console_errors == []
