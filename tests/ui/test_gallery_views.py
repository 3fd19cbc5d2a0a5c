"""Browser tests of the Gallery and More physics tabs: every figure and sub-view renders."""

from __future__ import annotations

import re

import holoviews as hv
import pytest
from playwright.sync_api import Page, expect

from dashboard.gallery import FIGURES
from dashboard.views.gallery_figures import draw
from dashboard.views.more_physics import SHORT_TITLES

pytestmark = pytest.mark.ui

_TITLES_JS = """() => (window.Bokeh && Bokeh.documents[0] ? [...Bokeh.documents[0].all_models] : [])
  .filter(m => m.constructor.__name__ === 'Title').map(m => String(m.text).replace(/\\n/g, ' '))"""

#: Title prefixes of each More physics sub-view's plots.
MORE_TITLES = {
    "quenching": ("Lindhard quenching factors", "Events above threshold"),
    "dark_matter": ("Neutrino backgrounds in Ge", "Events above threshold in Ge", "Neutrino fog"),
    "directional": ("Directional recoil spectrum", "Angular distribution"),
    "nuclear": ("Weak form factor of Ar40", "Cross section of Ar40"),
    "sigma_ff": ("σ(E) with and without F(q)", "Form-factor suppression"),
    "electrons": ("CEvNS and ν–e scattering",),
    "transition": ("Effective magnetic moment at",),
    "sterile": ("3+1 oscillation at",),
}


def _titles(obj: object) -> list[str]:
    elements = list(obj) if isinstance(obj, hv.Layout) else [obj]
    return [str(e.opts.get().kwargs["title"]) for e in elements]


def _field(page: Page, label: str):
    group = page.locator(".bk-input-group").filter(
        has=page.locator("label", has_text=re.compile(f"^{re.escape(label)}$"))
    )
    return group.locator("input, select").first


def _wait_for_titles(page: Page, prefixes: tuple[str, ...] | list[str]) -> None:
    for prefix in prefixes:
        page.wait_for_function(
            f"(p) => ({_TITLES_JS})().some(t => t.startsWith(p))", arg=prefix, timeout=60_000
        )


def test_every_gallery_figure_renders(page: Page, live_app, console_errors, external_requests):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_app.url}?tab=gallery")
    expect(page.locator(".bk-tab.bk-active").first).to_have_text("Gallery", timeout=30_000)
    select = _field(page, "Figure")
    for fig in FIGURES:
        select.select_option(label=fig.label)
        expect(page.get_by_role("heading", name=fig.label)).to_be_visible()
        _wait_for_titles(page, _titles(draw(fig.key)))  # the figure's own plots
    expect(page).to_have_url(re.compile(rf"ga\.figure={FIGURES[-1].key}"))
    assert external_requests == []
    assert console_errors == []


def test_loading_a_gallery_setup_fills_the_sidebar_and_opens_its_tab(
    page: Page, live_app, console_errors
):
    page.goto(f"{live_app.url}?tab=gallery&ga.figure=pkk_14&skin=0.3")
    _wait_for_titles(page, ["Transition moments"])
    page.get_by_role("button", name="Load this set-up into the sidebar").click()
    expect(page.locator(".bk-tab.bk-active").first).to_have_text("Constraints", timeout=30_000)
    expect(page).to_have_url(re.compile(r"exp=conus"), timeout=15_000)
    expect(page).to_have_url(re.compile(r"sc\.model=tmm_12"), timeout=30_000)
    state = live_app.states[-1]
    assert state.experiment == "conus" and state.skin_fm == 0.0  # the earlier skin is reset
    expect(_field(page, "Experiment preset")).to_have_value(re.compile("."))
    page.wait_for_load_state("networkidle")
    assert console_errors == []


def test_every_more_physics_view_renders(page: Page, live_app, console_errors):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_app.url}?tab=more&exp=coherent_lar_2020")
    expect(page.locator(".bk-tab.bk-active").first).to_have_text("More physics", timeout=30_000)
    for key, label in SHORT_TITLES.items():
        page.get_by_role("button", name=label, exact=True).click()
        _wait_for_titles(page, MORE_TITLES[key])
        expect(page).to_have_url(re.compile(rf"mp\.view={key}|tab=more"))
    state = live_app.states[-1]
    assert state.view_options["more"]["view"] == "sterile"
    page.wait_for_load_state("networkidle")
    assert console_errors == []
