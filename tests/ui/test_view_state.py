"""Browser tests of the view state: validation on the input, the URL (problems, tab and options,
the theme switch), human names on every tab, the security probes."""

from __future__ import annotations

import html
import re
import urllib.parse

import pytest
from playwright.sync_api import Page, expect

import cevns_core as cc
from cevns_core.scans import SCAN_MODELS
from dashboard.labels import group_title, new_physics_groups
from dashboard.parameters import SOURCE_CHOICES, STATE_ENTRIES
from dashboard.viewstate import TABS

pytestmark = pytest.mark.ui

# Every visible text of the page: text nodes of visible elements, through shadow roots, the
# selected option of each select; and the text drawn in the Bokeh plots (titles, axis labels,
# legends, hover tooltips).
_VISIBLE_TEXT_JS = """() => {
  const out = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) walk(el.shadowRoot);
      if (el.tagName === 'SELECT' && el.checkVisibility() && el.selectedIndex >= 0)
        out.push(el.options[el.selectedIndex].text);
      if (['SCRIPT', 'STYLE', 'OPTION', 'SELECT'].includes(el.tagName)) continue;
      for (const node of el.childNodes)
        if (node.nodeType === 3 && node.textContent.trim() && el.checkVisibility())
          out.push(node.textContent.trim());
    }
  };
  walk(document);
  for (const m of Bokeh.documents[0].all_models) {
    const name = m.constructor.__name__;
    if (name === 'Title' && m.text) out.push(String(m.text));
    if (name.endsWith('Axis') && m.axis_label) out.push(String(m.axis_label));
    if (name === 'LegendItem' && m.label && m.label.value) out.push(String(m.label.value));
    if (name === 'HoverTool' && Array.isArray(m.tooltips))
      for (const [label] of m.tooltips) out.push(String(label));
  }
  return out.join('\\n');
}"""

#: Identifiers that are also ordinary words (may appear in sentences).
_WORDS = {
    "point",
    "reactor",
    "solar",
    "atmospheric",
    "composite",
    "scalar",
    "sterile",
    "nucleus",
    "millicharge",
    "coupling",
    "experiment",
    "target",
    "threshold",
    "observable",
    "quenching",
    "efficiency",
    "resolution",
    "tab",
}


def _identifiers() -> set[str]:
    names = {
        *cc.experiment_names(),
        *SOURCE_CHOICES,
        *cc.form_factor_models(),
        *cc.scan_models(),
        *cc.FLAVOURS,
        *cc.dataset_names(),
        *cc.likelihood_names(),
        *cc.electroweak.external_term_names(),
        *cc.electroweak.APV_THEORIES,
        *(n.name.split(":")[-1] for n in cc.Likelihood(cc.likelihood_names()).nuisances),
        *new_physics_groups(),
        *(a.name for m in SCAN_MODELS.values() for a in m.axes),
        *(n for n in cc.NewPhysics.param if n != "name"),
        *(e.name for e in STATE_ENTRIES),
        "asimov",
        "gaussian",
        "poisson",
        "b_minus_l",
    }
    return {n for n in names if n not in _WORDS}


def _raw(text: str, identifiers: set[str]) -> list[str]:
    """The identifiers that appear as words in ``text`` (not inside a URL value)."""
    return sorted(n for n in identifiers if re.search(rf"(?<![\w=.]){re.escape(n)}(?!\w)", text))


def _open(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator(".bk-Canvas").first).to_be_visible(timeout=30_000)


def _field(page: Page, label: str):
    group = page.locator(".bk-input-group").filter(
        has=page.locator("label", has_text=re.compile(f"^{re.escape(label)}$"))
    )
    return group.locator("input, select").first


def _checkbox(page: Page, label: str):
    boxes = page.locator(".bk-Checkbox").filter(visible=True)
    return boxes.filter(has_text=re.compile(f"^{re.escape(label)}$")).locator("input").first


def _settle(page: Page) -> None:
    """Let the server finish sending to this page before the test leaves it (a page left while
    the server still writes to it makes tornado log a closed-socket error)."""
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)


def _toasts(page: Page):
    return page.locator(".notyf__toast")


def test_unknown_url_keys_give_one_notification_and_a_working_page(
    page: Page, live_app, console_errors
):
    _open(page, live_app.url + "?bogus=1&colour=red&exp=conus")
    toast = _toasts(page).filter(has_text="Unknown URL keys ignored: bogus, colour")
    expect(toast.first).to_be_visible(timeout=30_000)
    expect(_toasts(page)).to_have_count(1)  # one notification for everything
    page.wait_for_function(
        "() => [...Bokeh.documents[0].all_models].some(m => m.constructor.__name__ === 'Title'"
        " && String(m.text).startsWith('Recoil spectrum'))"
    )
    assert live_app.states[-1].experiment == "conus"  # the known keys applied
    assert console_errors == []


def test_out_of_range_input_shows_on_the_input_and_the_plot_stays(
    page: Page, live_app, console_errors
):
    _open(page, live_app.url)
    title_js = (
        "() => [...Bokeh.documents[0].all_models].filter(m => m.constructor.__name__ === "
        "'Title' && String(m.text).startsWith('Observed spectrum')).map(m => m.text).join()"
    )
    page.wait_for_function(f"() => ({title_js})().includes('events')")
    before = page.evaluate(title_js)
    state = live_app.states[-1]
    box = _field(page, "Mass (kg)")
    box.fill("-5")
    box.press("Enter")
    message = page.get_by_text(re.compile(r"-5(\.0)? is below the allowed range of Mass"))
    expect(message.first).to_be_visible()  # under the input
    expect(message.first).to_contain_text("0 < value ≤ 1e+09 kg")
    outlined = page.locator(".cevns-invalid")
    expect(outlined.first).to_be_attached()  # the input's red outline
    assert box.input_value() == "-5"  # what was typed stays, marked
    assert state.mass_kg == 14.57  # the state (and every plot) keeps the last good value
    assert page.evaluate(title_js) == before
    description = page.evaluate(
        """() => {
          const m = [...Bokeh.documents[0].all_models].find(m => m.title === 'Mass (kg)');
          const d = m.description, c = d && d.content;
          if (typeof d === 'string') return d;
          if (typeof c === 'string') return c;
          return [].concat(c && c.html ? c.html : []).join('');
        }"""
    )
    assert "Allowed: 0 < value ≤ 1e+09 kg" in html.unescape(description)  # the tooltip
    box.fill("2")
    box.press("Enter")
    expect(outlined).to_have_count(0)
    expect(page).to_have_url(re.compile(r"mass=2"))
    assert state.mass_kg == 2.0
    assert console_errors == []


def test_no_raw_identifier_in_the_visible_text_of_any_tab(page: Page, live_app, console_errors):
    _open(page, live_app.url)
    identifiers = _identifiers()
    assert _raw("source: pion_dar, Helm", identifiers) == ["pion_dar"]  # the scan finds them
    assert _raw("?exp=coherent_csi_2017", identifiers) == []  # a URL is not shown text
    for card in ("Nucleus", "Source", "Electroweak & new physics", group_title("zprime")):
        page.locator(".card-header", has_text=card).first.click()  # their widgets too
        page.wait_for_timeout(500)
    seen: dict[str, list[str]] = {}
    for tab in [t.title for t in TABS]:  # every tab of the page
        page.locator(".bk-tab", has_text=tab).click()
        page.wait_for_timeout(2500)
        text = page.evaluate(_VISIBLE_TEXT_JS)
        # the text of the widgets (shadow DOM) and of the plots (Bokeh models) is read
        assert "Target (material or isotope)" in text
        if tab == "Recoil spectra":
            assert "dN/dT (events/keVnr)" in text and "νₑ" in text
        if tab == "Constraints":  # its sections: the fit, the named results, the running
            for section in ("Fit to data", "Published results", "Running of sin²θ_W"):
                page.locator(".bk-tab", has_text=section).click()
                page.wait_for_timeout(4000)
                text += "\n" + page.evaluate(_VISIBLE_TEXT_JS)
        if found := _raw(text, identifiers):
            seen[tab] = found
    assert seen == {}
    assert console_errors == []


def test_the_url_restores_the_tab_and_the_view_options(page: Page, live_app, console_errors):
    query = "exp=conus&tab=sources&so.log_y=true&rs.stacked=true&xs.flavour=nu_e"
    _open(page, f"{live_app.url}?{query}")
    expect(page.locator(".bk-tab.bk-active").first).to_have_text("Sources")
    state = live_app.states[-1]
    assert state.tab == "sources"
    assert state.view_options == {
        "sources": {"log_y": True},
        "spectra": {"stacked": True},
        "cross_sections": {"flavour": "nu_e"},
    }
    expect(_checkbox(page, "log flux")).to_be_checked()
    _checkbox(page, "log E").check()  # a change goes into the URL
    expect(page).to_have_url(re.compile(r"so\.log_x=true"), timeout=15_000)
    page.locator(".bk-tab", has_text="Cross sections").click()
    expect(page).to_have_url(re.compile(r"tab=cross_sections"), timeout=15_000)
    assert console_errors == []


def test_the_theme_switch_keeps_the_view_and_the_scan(page: Page, live_app, console_errors):
    query = "exp=conus&tab=constraints&sc.model=magnetic_moment&sc.dimensions=1d0&sc.a0_n=20"
    page.goto(f"{live_app.url}?{query}")  # no plot before the scan: the Scan button shows
    expect(page.get_by_role("button", name="Scan")).to_be_visible(timeout=30_000)
    page.get_by_role("button", name="Scan").click()
    expect(page.get_by_text(re.compile("Done: Effective magnetic moments"))).to_be_visible(
        timeout=60_000
    )
    expect(page).to_have_url(re.compile(r"sc\.done=true"))
    first = live_app.states[-1]
    _settle(page)
    page.locator("#theme-switch").click()  # Panel's toggle: reloads the page, theme in the URL
    expect(page).to_have_url(re.compile(r"theme=dark"), timeout=30_000)
    expect(page.locator(".bk-tab.bk-active").first).to_have_text("Constraints", timeout=30_000)
    # the finished scan is shown again without pressing Scan (its chunks come from the cache)
    expect(page.get_by_text(re.compile("Done: Effective magnetic moments"))).to_be_visible(
        timeout=60_000
    )
    second = live_app.states[-1]
    assert second is not first
    assert second.spec() == first.spec() and second.view_options == first.view_options
    assert console_errors == []


PROBES = {
    "days": ("1e300", "above the allowed range of Live time"),
    "target": ("Xx999", "unknown material or isotope"),
    "ffp": ('{"s_fm":-1}', "below the allowed range of Surface thickness"),
    "srcp": ('{"distance_m":0}', "below the allowed range of Distance"),
    "np": ('{"zprime_coupling":Infinity}', "Infinity is not a finite number"),
    "np_nan": ('{"zprime_coupling":NaN}', "NaN is not a finite number"),
    "target_repeat": ("CsCsCsCsCs", "more than once"),
    "thr": ("9" * 5000, "too long"),
}


def test_the_security_probes_each_give_a_notification(page: Page, live_app, console_errors):
    for probe, (value, part) in PROBES.items():
        key = probe.split("_")[0]
        _open(page, f"{live_app.url}?{urllib.parse.urlencode({key: value})}")
        toast = _toasts(page).filter(has_text="Ignored invalid URL values")
        expect(toast.first).to_be_visible(timeout=30_000)
        expect(toast.first).to_contain_text(part)
        state = live_app.states[-1]
        assert state.target == "CsI[Na]" and state.mass_kg == 14.57, probe
        # the selector shows what is computed (the default), never the refused value
        expect(_field(page, "Target (material or isotope)")).to_have_value("CsI[Na]")
        page.wait_for_function(
            "() => [...Bokeh.documents[0].all_models].some(m => m.constructor.__name__ === "
            "'Title' && String(m.text).startsWith('Observed spectrum —'))",
            timeout=30_000,
        )
        _settle(page)
    assert console_errors == []
