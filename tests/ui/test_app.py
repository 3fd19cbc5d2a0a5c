"""Browser tests: the served page, driven by Playwright in Debian's chromium."""

from __future__ import annotations

import re

import numpy as np
import pytest
from playwright.sync_api import Page, expect

import cevns_core as cc
from cevns_core.flavours import flavour_label
from dashboard import results

pytestmark = pytest.mark.ui

NU_E, NU_MU, NUBAR_MU = (flavour_label(f) for f in ("nu_e", "nu_mu", "nubar_mu"))

# The visible curves of the newest figure whose title starts with `prefix`, read from the Bokeh
# document: {legend label: values of `column`}.
_FIGURE_JS = """([prefix, column]) => {
  const get = (data) => (data instanceof Map ? data.get(column) : data[column]);
  let figure = null;
  for (const model of Bokeh.documents[0].all_models) {
    if (model.constructor.__name__ === 'Figure' && model.title
        && String(model.title.text).startsWith(prefix))
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
        const values = renderer.data_source ? get(renderer.data_source.data) : undefined;
        if (label && renderer.visible && values !== undefined) out[label] = Array.from(values);
      }
    }
  }
  return out;
}"""

_TITLE_JS = """(prefix) => {
  let title = null;
  for (const model of Bokeh.documents[0].all_models)
    if (model.constructor.__name__ === 'Figure' && model.title
        && String(model.title.text).startsWith(prefix)) title = String(model.title.text);
  return title;
}"""


# Record (in window.__updated) the time of the first paint after the data of the curve `label`
# of the figure titled `prefix…` changes.
_WATCH_UPDATE_JS = """([prefix, label]) => {
  window.__updated = null;
  let figure = null;
  for (const m of Bokeh.documents[0].all_models)
    if (m.constructor.__name__ === 'Figure' && m.title && String(m.title.text).startsWith(prefix))
      figure = m;
  const panels = [...figure.center, ...figure.right, ...figure.left, ...figure.above];
  let source = null;
  for (const legend of panels.filter(p => p.constructor.__name__ === 'Legend'))
    for (const item of legend.items)
      if (item.label && item.label.value === label) source = item.renderers[0].data_source;
  source.properties.data.change.connect(() => {
    if (window.__updated === null)
      requestAnimationFrame(() => { window.__updated = performance.now(); });
  });
}"""


def _open(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator(".bk-Canvas").first).to_be_visible(timeout=30_000)


def _tab(page: Page, name: str):
    return page.locator(".bk-tab", has_text=name)


def _curves(page: Page, prefix: str, column: str) -> dict[str, list[float]]:
    return page.evaluate(_FIGURE_JS, [prefix, column])


def _wait_for_curves(page: Page, prefix: str, column: str) -> dict[str, list[float]]:
    page.wait_for_function(
        f"(args) => Object.keys(({_FIGURE_JS})(args)).length > 0", arg=[prefix, column]
    )
    return _curves(page, prefix, column)


def _input(page: Page, label: str):
    """The input of the widget whose label is exactly ``label``."""
    group = page.locator(".bk-input-group").filter(
        has=page.locator("label", has_text=re.compile(f"^{re.escape(label)}$"))
    )
    return group.locator("input, select").first


def _set_number(page: Page, label: str, value: float) -> None:
    box = _input(page, label)
    box.fill(str(value))
    box.press("Enter")


def test_page_loads_without_errors_or_external_requests(
    page: Page, live_app, console_errors, external_requests
):
    _open(page, live_app.url)
    expect(page).to_have_title(re.compile("CEvNS workbench"))
    expect(page.get_by_text("CEvNS workbench").first).to_be_visible()
    expect(_tab(page, "Recoil spectra")).to_be_visible()
    _wait_for_curves(page, "Recoil spectrum", "dNdT")
    _wait_for_curves(page, "Observed spectrum", "counts")
    assert console_errors == []
    assert external_requests == []


def test_spectrum_plots_hold_the_cores_numbers(page: Page, live_app, console_errors):
    _open(page, live_app.url)
    curves = _wait_for_curves(page, "Recoil spectrum", "dNdT")
    assert set(curves) == {NU_E, NU_MU, NUBAR_MU}
    state = live_app.states[-1]
    sp = results.spectrum(state.spec(), 200, False)
    np.testing.assert_allclose(curves[NU_E], sp.by_flavour()["nu_e"], rtol=1e-12)
    observed = _wait_for_curves(page, "Observed spectrum", "counts")
    assert set(observed) >= {NU_E, NU_MU, NUBAR_MU}
    # CsI 2017 with the default nuclear description: 167.0 events (173.9 with F_n = F_p)
    expect(page.locator("table.cevns-table")).to_contain_text("167")
    assert console_errors == []


_TAB_PLOTS = {
    "Constraints": (),  # no plot before a scan: an empty state that says what to do
    "Form factors & densities": ("Form factors of", "Densities of"),
    "Cross sections": ("Total cross section", "dσ/dT of", "dσ/dcos θ_ν of", "Flux-averaged σ"),
    "Sources": ("Flux at the detector", "Spectral shapes", "π-DAR arrival times", "Counts in"),
    "Experiments": ("Recoil spectra (preset", "Expected events"),
    "Recoil spectra": ("Recoil spectrum", "Observed spectrum", "NP / SM"),
}


def test_each_tab_renders_its_plots(page: Page, live_app, console_errors, external_requests):
    _open(page, live_app.url)
    for tab, titles in _TAB_PLOTS.items():
        _tab(page, tab).click()
        for title in titles:
            page.wait_for_function(
                f"(prefix) => ({_TITLE_JS})(prefix) !== null", arg=title, timeout=30_000
            )
        if not titles:
            expect(page.get_by_text("No scan yet")).to_be_visible(timeout=30_000)
            continue
        expect(page.locator(".bk-Canvas").filter(visible=True).first).to_be_visible(timeout=30_000)
    # the experiments table fills its expected counts in the background
    _tab(page, "Experiments").click()
    expect(page.locator("table.cevns-table").filter(visible=True).first).to_contain_text("167")
    assert external_requests == []
    assert console_errors == []


def test_changing_the_target_changes_the_spectrum(page: Page, live_app, console_errors):
    _open(page, live_app.url)
    before = _wait_for_curves(page, "Recoil spectrum", "dNdT")
    expect(page.locator("table.cevns-table")).to_contain_text("167")
    # time from the change to the new dN/dT painted in the page: the ν_e curve's data source
    # signals the update, the next animation frame is the paint
    page.evaluate(_WATCH_UPDATE_JS, ["Recoil spectrum", NU_E])
    select = _input(page, "Target (material or isotope)")
    t0 = select.evaluate(
        """(el) => { const t0 = performance.now(); el.value = 'Ge';
                     el.dispatchEvent(new Event('change', {bubbles: true})); return t0; }"""
    )
    page.wait_for_function("() => window.__updated !== null")
    latency_ms = page.evaluate("() => window.__updated") - t0
    print(f"\nspectrum update after a target change: {latency_ms:.0f} ms in the browser")
    state = live_app.states[-1]
    assert state.target == "Ge"
    after = _curves(page, "Recoil spectrum", "dNdT")
    assert after[NU_E] != before[NU_E]
    sp = results.spectrum(state.spec(), 200, False)
    np.testing.assert_allclose(after[NU_E], sp.by_flavour()["nu_e"], rtol=1e-12)
    # the observed spectrum and the counts follow (deferred)
    expect(page.locator("table.cevns-table")).not_to_contain_text("167")
    assert console_errors == []


def test_invalid_threshold_notifies_and_page_keeps_working(page: Page, live_app, console_errors):
    _open(page, live_app.url)
    _wait_for_curves(page, "Recoil spectrum", "dNdT")
    title = page.evaluate(_TITLE_JS, "Recoil spectrum")
    _set_number(page, "Threshold", 40)  # above the preset's 30-PE window
    toast = page.locator(".notyf__toast")
    expect(toast.first).to_be_visible()
    expect(toast.first).to_contain_text("must exceed the threshold")
    assert page.evaluate(_TITLE_JS, "Recoil spectrum") == title  # the last good plot stays
    _set_number(page, "Threshold", 8)
    page.wait_for_function(
        f"(prefix) => {{ const t = ({_TITLE_JS})(prefix); return t && t !== {title!r}; }}",
        arg="Recoil spectrum",
    )
    assert live_app.states[-1].threshold == 8
    assert console_errors == []


def test_url_selects_the_preset(page: Page, live_app, console_errors):
    _open(page, live_app.url + "?exp=conus&thr=0.25")
    _wait_for_curves(page, "Recoil spectrum", "dNdT")
    state = live_app.states[-1]
    assert state.experiment == "conus" and state.target == "Ge"
    assert state.threshold == 0.25
    _input(page, "Target (material or isotope)").select_option("Si")
    expect(page).to_have_url(re.compile(r"target=Si"))
    assert console_errors == []


# The number of contour points drawn in the newest figure whose title starts with `prefix`.
_CONTOUR_POINTS_JS = """(prefix) => {
  let figure = null;
  for (const m of Bokeh.documents[0].all_models)
    if (m.constructor.__name__ === 'Figure' && m.title && String(m.title.text).startsWith(prefix))
      figure = m;
  if (figure === null) return 0;
  let n = 0;
  for (const r of figure.renderers) {
    if (!r.glyph || r.glyph.constructor.__name__ !== 'MultiLine') continue;
    const data = r.data_source.data;
    const xs = data instanceof Map ? data.get('xs') : data.xs;
    for (const line of xs || []) n += line.length;
  }
  return n;
}"""


def test_constraints_tab_computes_a_contour(page: Page, live_app, console_errors):
    _open(page, live_app.url)
    _tab(page, "Constraints").click()
    scan = page.get_by_role("button", name="Scan")
    expect(scan).to_be_visible()
    scan.click()
    expect(page.get_by_text(re.compile("Done: Universal light vector Z′"))).to_be_visible(
        timeout=60_000
    )
    page.wait_for_function(f"(p) => ({_CONTOUR_POINTS_JS})(p) > 10", arg="Δχ²")
    # the page's scan is the core's: the same contour as cc.scan on the same grid
    core = cc.scan(
        "coherent_csi_2017",
        "zprime",
        coupling=np.geomspace(1e-5, 1e-2, 60),
        mass_MeV=np.geomspace(1.0, 1e4, 60),
    )
    expected = sum(len(a) for a, _ in core.contour(0.9))
    assert page.evaluate(_CONTOUR_POINTS_JS, "Δχ²") == expected
    assert console_errors == []


def test_invalid_url_values_are_reported(page: Page, live_app, console_errors):
    _open(page, live_app.url + "?exp=no_such_preset&thr=abc&target=Si")
    toast = page.locator(".notyf__toast").filter(has_text="Ignored invalid URL value")
    expect(toast.first).to_be_visible()
    expect(toast.first).to_contain_text("exp='no_such_preset'")
    state = live_app.states[-1]
    assert state.experiment == "coherent_csi_2017" and state.target == "Si"  # the valid ones
    assert console_errors == []
