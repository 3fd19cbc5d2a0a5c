"""Browser tests of the page as a presentation and teaching tool (issue 14): axes that follow the
experiment, the 90 % level on a profile, an honest empty Constraints tab, no wheel zoom by
default, the selected toggle button, figure export, offline formulas, guided lessons."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

import cevns_core as cc

pytestmark = pytest.mark.ui

# x range (start, end) and title of the newest figure whose title starts with `prefix`.
_RANGE_JS = """(prefix) => {
  let figure = null;
  for (const m of Bokeh.documents[0].all_models)
    if (m.constructor.__name__ === 'Figure' && m.title && String(m.title.text).startsWith(prefix))
      figure = m;
  if (figure === null) return null;
  return {x: [figure.x_range.start, figure.x_range.end], y: [figure.y_range.start,
          figure.y_range.end], title: String(figure.title.text)};
}"""

# Every figure's toolbar: whether wheel zoom is offered, and whether it is active from the start.
_TOOLBARS_JS = """() => [...Bokeh.documents[0].all_models]
  .filter(m => m.constructor.__name__ === 'Figure')
  .map(m => ({
    title: m.title ? String(m.title.text) : '',
    wheel: m.toolbar.tools.some(t => t.constructor.__name__ === 'WheelZoomTool'),
    active: m.toolbar.active_scroll !== null && typeof m.toolbar.active_scroll === 'object',
  }))"""


def _open(page: Page, url: str) -> None:
    page.goto(url)
    if "tab=constraints" in url:  # no plot before a scan
        expect(page.get_by_role("button", name="Scan")).to_be_visible(timeout=30_000)
    else:
        expect(page.locator(".bk-Canvas").first).to_be_visible(timeout=30_000)


def _tab(page: Page, name: str):
    return page.locator(".bk-tab", has_text=name)


def _select(page: Page, label: str):
    group = page.locator(".bk-input-group").filter(
        has=page.locator("label", has_text=re.compile(f"^{re.escape(label)}$"))
    )
    return group.locator("select").first


def _choose(page: Page, label: str, pattern: str) -> None:
    """Choose the option whose text matches ``pattern`` in the select labelled ``label``."""
    select = _select(page, label)
    texts = select.locator("option").all_text_contents()
    select.select_option(label=next(t for t in texts if re.search(pattern, t, re.I)))


def _range(page: Page, prefix: str) -> dict | None:
    return page.evaluate(_RANGE_JS, prefix)


def test_axis_range_follows_an_experiment_changed_while_the_tab_was_hidden(
    page: Page, live_app, console_errors
):
    _open(page, live_app.url)
    page.wait_for_function(f"(p) => ({_RANGE_JS})(p) !== null", arg="Recoil spectrum")
    page.wait_for_function(f"(p) => ({_RANGE_JS})(p).x[1] > 40", arg="Recoil spectrum")
    _tab(page, "Sources").click()
    expect(page).to_have_url(re.compile(r"tab=sources"), timeout=15_000)
    page.wait_for_function(f"(p) => ({_RANGE_JS})(p) !== null", arg="Flux")
    _choose(page, "Experiment preset", "CONUS")
    state = live_app.states[-1]
    expect(page).to_have_url(re.compile(r"exp=conus"), timeout=15_000)
    assert state.experiment == "conus"
    _tab(page, "Recoil spectra").click()
    t_max = cc.experiment("conus").max_recoil_keV()  # ≈ 4.8 keVnr (reactor ν̄ on Ge)
    page.wait_for_function(
        f"(p) => {{ const r = ({_RANGE_JS})(p); return r && r.x[1] < {2 * t_max}; }}",
        arg="Recoil spectrum",
        timeout=15_000,
    )
    x0, x1 = _range(page, "Recoil spectrum")["x"]
    assert x0 == pytest.approx(0.0, abs=1e-9) and x1 == pytest.approx(t_max, rel=0.02)
    assert console_errors == []


def test_a_one_parameter_profile_shows_the_90_percent_level(page: Page, live_app, console_errors):
    query = "?tab=constraints&sc.model=magnetic_moment&sc.dimensions=1d0&sc.a0_n=20"
    _open(page, live_app.url + query)
    expect(page.get_by_text("No scan yet")).to_be_visible()
    page.get_by_role("button", name="Scan").click()
    expect(page.get_by_text(re.compile("Done: "))).to_be_visible(timeout=60_000)
    page.wait_for_function(f"(p) => ({_RANGE_JS})(p) !== null", arg="Δχ² profile")
    y0, y1 = _range(page, "Δχ² profile")["y"]
    assert y0 == 0.0 and y1 > 2.71  # the 90 % CL level (1 dof: χ²₁ quantile 2.706) is visible
    assert console_errors == []


def test_constraints_tab_is_empty_before_a_scan_and_names_the_model(
    page: Page, live_app, console_errors
):
    _open(page, live_app.url + "?tab=constraints")
    empty = page.get_by_text("No scan yet")
    expect(empty).to_be_visible()
    expect(page.locator(".cevns-empty-state")).to_contain_text("Universal light vector Z′")
    assert _range(page, "Δχ²") is None  # no made-up map
    _choose(page, "Model", "magnetic moment")
    expect(page.locator(".cevns-empty-state")).to_contain_text(re.compile("magnetic moment", re.I))
    assert console_errors == []


def test_no_plot_zooms_on_the_wheel_by_default(page: Page, live_app, console_errors):
    tabs = ["Recoil spectra", "Form factors & densities", "Cross sections", "Sources"]
    _open(page, live_app.url)
    for name in tabs:
        _tab(page, name).click()
        page.wait_for_timeout(300)
    page.wait_for_function(f"() => ({_TOOLBARS_JS})().length >= {len(tabs)}")
    bars = page.evaluate(_TOOLBARS_JS)
    assert bars and all(b["wheel"] for b in bars), bars  # still offered in the toolbar
    assert not [b for b in bars if b["active"]], bars
    # a wheel over the plot scrolls the page and leaves the axes alone
    _tab(page, "Recoil spectra").click()
    page.wait_for_function(f"(p) => ({_RANGE_JS})(p) !== null", arg="Recoil spectrum")
    before = _range(page, "Recoil spectrum")
    canvas = page.locator(".bk-Canvas").filter(visible=True).first  # not a hidden tab's
    expect(canvas).to_be_visible()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -400)
    page.wait_for_timeout(300)
    assert _range(page, "Recoil spectrum") == before
    assert console_errors == []


def _lesson_select(page: Page):
    return page.locator(".cevns-lesson-bar select").first


def test_a_lesson_sequence_leaves_nothing_behind(page: Page, live_app, console_errors):
    from dashboard.learn import LESSONS

    _open(page, live_app.url + "?skin=0.3&tab=sources")
    state = live_app.states[-1]
    bar = page.locator(".cevns-lesson-bar")
    for key in ["magnetic_moment", "quenching_thresholds", "form_factor_pidar", "exclusion_plot"]:
        lesson = LESSONS[key]
        _lesson_select(page).select_option(label=lesson.title)
        expect(bar).to_contain_text(f"step 1 of {len(lesson.steps)}", timeout=20_000)
        for index in range(len(lesson.steps)):
            if index:
                bar.get_by_role("button", name="Next ▶").click()
                expect(bar).to_contain_text(
                    f"step {index + 1} of {len(lesson.steps)}", timeout=20_000
                )
            expect(page.locator(".bk-tab.bk-active").first).to_have_text(
                re.compile(re.escape(_title(lesson, index))), timeout=20_000
            )
            # the whole state is the step's: nothing left from the steps and lessons before
            assert state.values() == lesson.values(index), (key, index)
            assert state.view_options == {k: v for k, v in lesson.steps[index].view.items() if v}
        if key == "quenching_thresholds":  # the magnetic moment of the lesson before is gone
            page.wait_for_function(
                f"(p) => {{ const r = ({_RANGE_JS})(p); return r && r.title.includes('= 1'); }}",
                arg="NP / SM",
            )
    # the exclusion lesson ends on a real result: the Z′ map with its 90 % contour
    expect(page.get_by_text(re.compile("Done: Universal light vector Z′"))).to_be_visible(
        timeout=60_000
    )
    page.wait_for_function(f"(p) => ({_RANGE_JS})(p) !== null", arg="Δχ²")
    # the buttons of the bar: new physics cleared, then everything back to the preset
    state_np = {"mu_nu_e_muB": 1e-10}
    _lesson_select(page).select_option(label=LESSONS["magnetic_moment"].title)
    expect(bar).to_contain_text("step 1 of", timeout=20_000)
    expect(page).to_have_url(re.compile("mu_nu_e_muB"), timeout=15_000)
    assert state.physics_overrides == state_np
    bar.get_by_role("button", name="Clear new physics").click()
    expect(page).not_to_have_url(re.compile("mu_nu_e_muB"), timeout=15_000)
    assert state.physics_overrides == {}
    assert console_errors == []


def test_a_lesson_opens_its_tab_with_its_options_on_a_slow_browser(
    page: Page, live_app, console_errors
):
    # the tab's widgets are built by the browser when the tab is shown; with its CPU slowed
    # six times, options sent after the tab (as they were) reached widgets still being built
    # and Bokeh's views threw ("Cannot set properties of undefined (setting 'checked')")
    from dashboard.learn import LESSONS

    _open(page, live_app.url + "?tab=sources")
    page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 6})
    lesson = LESSONS["magnetic_moment"]
    _lesson_select(page).select_option(label=lesson.title)
    expect(page.locator(".bk-tab.bk-active").first).to_have_text(
        re.compile(re.escape(_title(lesson, 0))), timeout=60_000
    )
    boxes = page.locator(".bk-Checkbox").filter(visible=True)
    for label in ("log T", "log dN/dT"):
        box = boxes.filter(has_text=re.compile(f"^{re.escape(label)}$")).locator("input")
        expect(box).to_be_checked(timeout=60_000)
    total = page.locator(".bk-btn-group .bk-btn", has_text=re.compile("^Total$")).first
    expect(total).to_have_class(re.compile("bk-active"))
    assert console_errors == []


def _title(lesson, index: int) -> str:
    from dashboard.viewstate import TABS

    return next(t.title for t in TABS if t.key == lesson.steps[index].tab)


def test_formulas_are_typeset_by_the_shipped_katex_without_external_requests(
    page: Page, live_app, console_errors, external_requests
):
    _open(page, live_app.url)
    formula = page.locator(".cevns-key-formula .katex-html").first
    expect(formula).to_be_visible(timeout=20_000)
    expect(formula).to_contain_text("dN")  # dN/dT of the Recoil spectra tab
    # KaTeX's own fonts are in use (from the package's files, not a system fallback)
    page.wait_for_function("() => document.fonts.check('16px KaTeX_Main')")
    assert page.evaluate(
        "() => [...document.fonts].some(f => f.family.includes('KaTeX') && f.status === 'loaded')"
    )
    _tab(page, "Cross sections").click()
    expect(page.locator(".cevns-key-formula .katex-html").first).to_contain_text(
        "Q", timeout=20_000
    )
    # the Learn card's formula
    page.get_by_text("Learn", exact=True).click()
    expect(page.locator("#sidebar .katex-html, .katex-html").nth(1)).to_be_visible()
    assert page.locator(".katex-error").count() == 0
    assert external_requests == []
    assert console_errors == []


def test_svg_and_png_export_download_with_meaningful_names(
    page: Page, live_app, console_errors, tmp_path
):
    _open(page, live_app.url)
    page.wait_for_function(f"(p) => ({_RANGE_JS})(p) !== null", arg="Observed spectrum")
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name="Export SVG").click()
    download = info.value
    name = download.suggested_filename
    assert re.fullmatch(r"cevns_spectra_[a-z0-9-]+\.svg", name), name
    assert "recoil-spectrum" in name or "observed-spectrum" in name or "np-sm" in name
    path = tmp_path / name
    download.save_as(path)
    text = path.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<svg") and "</svg>" in text
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name=re.compile("Export PNG")).click()
    png = tmp_path / info.value.suggested_filename
    info.value.save_as(png)
    assert png.suffix == ".png" and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # three device pixels per CSS pixel: wider than the plot on the screen
    width = int.from_bytes(png.read_bytes()[16:20], "big")
    shown = page.evaluate(
        "() => Math.max(...[...Bokeh.index.query(v => v.model && "
        "v.model.constructor.__name__ === 'Figure')].map(v => v.bbox.width))"
    )
    assert width >= 2.5 * min(shown, 300)
    assert console_errors == []


def test_html_report_is_offline_and_holds_the_counts(
    page: Page, live_app, console_errors, external_requests, tmp_path
):
    _open(page, live_app.url)
    expect(page.locator("table.cevns-table").first).to_contain_text("167", timeout=30_000)
    page.get_by_text("Save, load & export", exact=True).click()
    with page.expect_download(timeout=60_000) as info:
        page.get_by_text("HTML report", exact=True).click()
    report = tmp_path / "report.html"
    info.value.save_as(report)
    text = report.read_text(encoding="utf-8")
    assert "cdn.holoviz.org" not in text
    assert re.search(r"<(link|script)[^>]*(href|src)=[\"']https?:", text) is None
    assert "Expected events" in text and "167" in text  # counts table: CsI 2017, 167.0 events
    # the live page still asks nothing from the network after the report was made
    _tab(page, "Form factors & densities").click()
    page.wait_for_function(f"(p) => ({_RANGE_JS})(p) !== null", arg="Form factor")
    assert external_requests == []
    # the report, opened from disk with the network off, loads only itself
    offline = page.context.browser.new_page()
    requests: list[str] = []
    offline.on("request", lambda r: requests.append(r.url))
    offline.route(re.compile(r"^https?://"), lambda route: route.abort())
    offline.goto(report.as_uri())
    expect(offline.locator(".bk-Canvas").first).to_be_visible(timeout=30_000)
    expect(offline.get_by_text("Expected events").first).to_be_visible()
    assert [u for u in requests if not u.startswith(("file:", "data:", "blob:"))] == []
    offline.close()
    assert console_errors == []


# Background and text colours of the buttons of the first toggle group (Breakdown).
_TOGGLES_JS = """() => {
  const find = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.classList && el.classList.contains('bk-btn-group')
          && el.textContent.includes('Per flavour')) return el;
      if (el.shadowRoot) { const hit = find(el.shadowRoot); if (hit) return hit; }
    }
    return null;
  };
  const group = find(document);
  if (group === null) return [];
  return [...group.querySelectorAll('.bk-btn')].map(b => {
    const s = getComputedStyle(b);
    return {text: b.textContent.trim(), active: b.classList.contains('bk-active'),
            background: s.backgroundColor, color: s.color, weight: s.fontWeight};
  });
}"""


def _luminance(css: str) -> float:
    r, g, b, *alpha = (float(v) for v in re.findall(r"[\d.]+", css))
    if alpha and alpha[0] == 0:
        return -1.0  # transparent: the page shows through
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("theme", ["default", "dark"])
def test_the_selected_toggle_button_looks_selected(page: Page, live_app, console_errors, theme):
    _open(page, live_app.url + f"?theme={theme}")
    page.wait_for_function(f"() => ({_TOGGLES_JS})().some(b => b.active)")
    buttons = page.evaluate(_TOGGLES_JS)
    selected = [b for b in buttons if b["active"]]
    others = [b for b in buttons if not b["active"]]
    assert [b["text"] for b in selected] == ["Per flavour"] and others
    (chosen,) = selected
    assert chosen["color"] == "rgb(255, 255, 255)" and int(chosen["weight"]) >= 600
    assert _luminance(chosen["background"]) >= 0  # filled
    for other in others:  # outlined: no fill, and not the selected one's text colour
        assert _luminance(other["background"]) == -1.0
        assert other["color"] != chosen["color"] or theme == "dark"
        assert int(other["weight"]) < 600
    assert console_errors == []


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
@pytest.mark.parametrize("theme", ["default", "dark"])
def test_screenshots_for_a_person_to_look_at(page: Page, live_app, console_errors, size, theme):
    """Not an assertion of looks: the screenshots (in /tmp/shots) are what a person checks."""
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    _open(page, live_app.url + f"?theme={theme}")
    page.wait_for_function(f"(p) => ({_RANGE_JS})(p) !== null", arg="Observed spectrum")
    expect(page.locator(".cevns-key-formula .katex-html").first).to_be_visible(timeout=20_000)
    Path("/tmp/shots").mkdir(exist_ok=True)
    page.screenshot(path=f"/tmp/shots/spectra_{theme}_{width}x{height}.png")
    _lesson_select(page).select_option(label="Reading an exclusion plot")
    expect(page.get_by_text(re.compile("Done: "))).to_be_visible(timeout=60_000)
    page.wait_for_function(f"(p) => ({_RANGE_JS})(p) !== null", arg="Δχ² profile")
    page.wait_for_timeout(500)
    page.screenshot(path=f"/tmp/shots/lesson_{theme}_{width}x{height}.png")
    # nothing is wider than the window (no horizontal scroll, no clipped row)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    assert console_errors == []
