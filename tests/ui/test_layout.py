"""Browser tests of the page on a laptop and on a projector (issue 14): plots as high as the window
allows, legends beside the plotting area, the whole tab exported as one image, nothing clipped at
1366×768 (titles, the lesson above the plots), the dark-matter sub-view in two columns; and the
Constraints tab's view state: the default signal systematic (issue 13) and the fit's data sets
(issue 12) from and into the URL."""

from __future__ import annotations

import re
import urllib.parse

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.ui

LAPTOP = {"width": 1366, "height": 768}
PROJECTOR = {"width": 1920, "height": 1080}

# Every shown figure: title, its box on the screen, the plotting area's box (frame), the boxes
# of its legends and whether each legend sits inside the frame's panel (``center``).
_FIGURES_JS = """() => {
  const out = [];
  const views = [...Bokeh.index.query((v) => v.model != null
      && v.model.constructor.__name__ === 'Figure')];
  for (const v of views) {
    if (!v.el.isConnected || !v.el.checkVisibility()) continue;
    const box = v.el.getBoundingClientRect();
    const frame = v.frame.bbox;
    const legends = [];
    for (const side of ['center', 'left', 'right', 'above', 'below'])
      for (const m of v.model[side])
        if (m.constructor.__name__ === 'Legend' && m.items.length > 0) {
          const lv = v.views.find_one(m);
          const b = lv != null ? lv.bbox : null;
          legends.push({side, box: b == null ? null : [b.x0, b.y0, b.x1, b.y1]});
        }
    const title = v.model.title;
    let titleWidth = 0;
    if (title != null && title.text) {
      const ctx = document.createElement('canvas').getContext('2d');
      ctx.font = `${title.text_font_style} ${title.text_font_size} ${title.text_font}`;
      const lines = String(title.text).split('\\n');
      titleWidth = Math.max(...lines.map((t) => ctx.measureText(t).width));
    }
    const canvasWidth = v.canvas_view != null ? v.canvas_view.bbox.width : box.width;
    out.push({title: title ? String(title.text) : '', left: box.left, top: box.top, canvasWidth,
              width: box.width, height: box.height, titleWidth,
              frame: [frame.x0, frame.y0, frame.x1, frame.y1], legends});
  }
  return out;
}"""


def _figures(page: Page) -> list[dict]:
    return page.evaluate(_FIGURES_JS)


def _figure(page: Page, prefix: str) -> dict:
    return next(f for f in _figures(page) if f["title"].startswith(prefix))


def _wait_for(page: Page, prefix: str, timeout: int = 60_000) -> None:
    page.wait_for_function(
        f"(p) => ({_FIGURES_JS})().some((f) => f.title.startsWith(p) && f.height > 0)",
        arg=prefix,
        timeout=timeout,
    )


def _open(page: Page, url: str, size: dict, prefix: str | None = "Observed spectrum") -> None:
    page.set_viewport_size(size)
    page.goto(url)
    if prefix is None:
        expect(page.get_by_role("button", name="Scan")).to_be_visible(timeout=30_000)
    else:
        _wait_for(page, prefix)


def _tab(page: Page, name: str):
    return page.locator(".bk-tab", has_text=name)


def _settle(page: Page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)


def test_plot_heights_follow_the_window(page: Page, live_app, console_errors):
    _open(page, live_app.url, LAPTOP)
    laptop = {p: _figure(page, p)["height"] for p in ("Recoil spectrum", "Observed spectrum")}
    _tab(page, "Form factors & densities").click()
    _wait_for(page, "Form factor")
    laptop["Form factor"] = _figure(page, "Form factor")["height"]
    page.set_viewport_size(PROJECTOR)  # the same page on a projector: CSS alone resizes
    page.wait_for_function(
        f"(h) => ({_FIGURES_JS})().some((f) => f.title.startsWith('Form factor') && f.height > h)",
        arg=laptop["Form factor"],
    )
    projector = {"Form factor": _figure(page, "Form factor")["height"]}
    _tab(page, "Recoil spectra").click()
    _wait_for(page, "Observed spectrum")
    for prefix in ("Recoil spectrum", "Observed spectrum"):
        projector[prefix] = _figure(page, prefix)["height"]
    for prefix, height in laptop.items():
        assert height >= 330, (prefix, height)  # never below the smallest height
        # 312 px more window: the plots take most of it (the laptop's are at their floor)
        assert projector[prefix] >= height + 150, (prefix, height, projector[prefix])
    # one screen holds the tab's main plot on a projector: its bottom inside the window
    main = _figure(page, "Observed spectrum")
    assert main["top"] + main["height"] <= PROJECTOR["height"]
    assert console_errors == []


@pytest.mark.parametrize(
    ("query", "prefix"),
    [
        ("", "Recoil spectrum"),
        ("tab=form_factors", "Form factor"),
        ("tab=cross_sections", "Total cross section"),
        ("tab=more&mp.view=quenching", "Lindhard"),
    ],
)
def test_legends_are_beside_the_plotting_area(page: Page, live_app, console_errors, query, prefix):
    _open(page, f"{live_app.url}?{query}", LAPTOP, prefix)
    page.wait_for_timeout(500)
    with_legend = [f for f in _figures(page) if f["legends"]]
    assert with_legend, "a tab with several curves shows their legend"
    for figure in with_legend:
        fx0, fy0, fx1, fy1 = figure["frame"]
        for legend in figure["legends"]:
            assert legend["side"] != "center", figure["title"]
            if legend["box"] is not None:  # no overlap with the plotting area
                x0, y0, x1, y1 = legend["box"]
                overlap = min(x1, fx1) - max(x0, fx0) > 1 and min(y1, fy1) - max(y0, fy0) > 1
                assert not overlap, (figure["title"], legend["box"], figure["frame"])
    assert console_errors == []


def test_the_whole_tab_exports_as_one_png(page: Page, live_app, console_errors, tmp_path):
    _open(page, f"{live_app.url}?tab=sources", LAPTOP, "Flux at the detector")
    _wait_for(page, "π-DAR arrival")
    page.wait_for_timeout(500)
    shown = _figures(page)
    assert len(shown) >= 4
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name="Export tab (PNG)").click()
    name = info.value.suggested_filename
    assert name == "cevns_sources_sources-tab.png", name
    png = tmp_path / name
    info.value.save_as(png)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    # one image of every plot: as wide and as high as the plots together, at 3 pixels per pixel
    span_w = max(f["left"] + f["width"] for f in shown) - min(f["left"] for f in shown)
    span_h = max(f["top"] + f["height"] for f in shown) - min(f["top"] for f in shown)
    assert width >= 3 * span_w and height >= 3 * span_h
    assert console_errors == []


@pytest.mark.parametrize(
    ("query", "prefix"),
    [
        ("", "Recoil spectrum"),
        ("tab=form_factors", "Form factor"),
        ("tab=cross_sections", "Total cross section"),
        ("tab=sources", "Flux at the detector"),
        ("tab=experiments", "Recoil spectra"),
        ("tab=more&mp.view=dark_matter", "Neutrino backgrounds"),
        ("tab=more&mp.view=nuclear", "Weak form factor"),
        ("tab=more&mp.view=sigma_ff", "σ(E) with"),
        ("tab=gallery", ""),
    ],
)
def test_no_title_is_clipped_at_1366(page: Page, live_app, console_errors, query, prefix):
    _open(page, f"{live_app.url}?{query}", LAPTOP, prefix)
    page.wait_for_timeout(500)
    for figure in _figures(page):  # a title starts at the plotting area's left edge
        assert figure["frame"][0] + figure["titleWidth"] <= figure["canvasWidth"], figure
    # nothing wider than the window (no clipped row, no horizontal scroll)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= LAPTOP["width"]
    _settle(page)
    assert console_errors == []


@pytest.mark.parametrize(
    ("lesson", "prefix"),
    [
        # the step sets a moment, so the ratio plot's final title is the new-physics one; the
        # placeholder "NP / SM = 1" shows only until the step's state arrives
        ("What a magnetic moment does", "New physics / Standard Model"),
        ("Reading an exclusion plot", "Δχ²"),
    ],
)
def test_a_lesson_at_1366x768_leaves_the_plot_in_view(
    page: Page, live_app, console_errors, lesson, prefix
):
    from dashboard.learn import LESSONS

    title = next(v.title for v in LESSONS.values() if v.title.startswith(lesson))
    _open(page, live_app.url, LAPTOP)
    page.locator(".cevns-lesson-bar select").first.select_option(label=title)
    expect(page.locator(".cevns-lesson-bar")).to_contain_text("step 1 of", timeout=20_000)
    _wait_for(page, prefix)
    page.wait_for_timeout(500)
    top = min(f["top"] for f in _figures(page))
    # the step's plots start on the screen, with room to see them
    assert top <= LAPTOP["height"] - 200, top
    assert console_errors == []


def test_the_dark_matter_view_has_two_columns(page: Page, live_app, console_errors):
    _open(page, f"{live_app.url}?tab=more&mp.view=dark_matter", LAPTOP, "Neutrino backgrounds")
    _wait_for(page, "Neutrino fog")
    figures = _figures(page)
    assert len(figures) == 3
    lefts = sorted({round(f["left"]) for f in figures})
    tops = sorted({round(f["top"]) for f in figures})
    assert len(lefts) == 2 and len(tops) == 2  # 2 + 1 plots: two columns, two rows
    assert console_errors == []


def _interval(page: Page) -> str:
    text = page.locator("p").filter(has_text=re.compile("interval")).first
    expect(text).to_be_visible(timeout=60_000)
    return text.inner_text()


def test_the_signal_systematic_changes_the_sensitivity_and_round_trips_the_url(
    page: Page, live_app, console_errors
):
    query = (
        "exp=conus&tab=constraints&sc.model=magnetic_moment&sc.dimensions=1d0&sc.a0_n=25"
        "&sc.signal_systematic=0.3"
    )
    _open(page, f"{live_app.url}?{query}", LAPTOP, None)
    field = page.locator(".bk-input-group").filter(
        has=page.locator("label", has_text="Signal systematic")
    )
    entry = field.locator("input").first
    expect(entry).to_have_value(re.compile(r"^0\.3"))
    page.get_by_role("button", name="Scan").click()
    expect(page.get_by_text(re.compile("Done: "))).to_be_visible(timeout=60_000)
    wide = _interval(page)
    entry.fill("0.02")
    entry.press("Enter")
    expect(page).to_have_url(re.compile(r"sc\.signal_systematic=0\.02"), timeout=15_000)
    state = live_app.states[-1]
    assert state.view_options["constraints"]["signal_systematic"] == 0.02
    page.get_by_role("button", name="Scan").click()
    expect(page.locator("p").filter(has_text=re.compile("interval")).first).not_to_have_text(
        wide, timeout=60_000
    )
    assert _interval(page) != wide  # a smaller systematic: a different (tighter) interval
    _settle(page)
    assert console_errors == []


def test_the_fit_data_sets_come_from_the_url(page: Page, live_app, console_errors):
    query = urllib.parse.urlencode(
        {
            "tab": "constraints",
            "sc.section": "fit",
            "sc.fit_datasets": '["coherent_lar_2020"]',
            "sc.fit_terms": '["apv_cs133"]',
        }
    )
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_app.url}?{query}")
    expect(page.locator(".bk-tab.bk-active", has_text="Fit to data")).to_be_visible(timeout=30_000)
    from dashboard import datafits

    fit = datafits.data_fit(("coherent_lar_2020",), ("apv_cs133",))
    summary = page.locator("p").filter(has_text="Goodness of fit")
    expect(summary.first).to_contain_text(f"{fit['dof']} degrees of freedom", timeout=60_000)
    expect(page.get_by_text("Atomic parity violation in ¹³³Cs").first).to_be_visible()
    # the choice shown is the URL's, and a change goes back into the URL
    expect(page.locator(".choices__item--selectable").filter(visible=True)).to_have_count(1)
    page.get_by_text("CREX (⁴⁸Ca)").click()
    expect(page).to_have_url(re.compile(r"sc\.fit_terms=.*crex"), timeout=15_000)
    state = live_app.states[-1]
    assert state.view_options["constraints"]["fit_terms"] == ["apv_cs133", "crex"]
    assert state.view_options["constraints"]["fit_datasets"] == ["coherent_lar_2020"]
    _settle(page)
    assert console_errors == []
