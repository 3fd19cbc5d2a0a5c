"""Exports of the Recoil spectra tab: CSV/JSON match the core, the Python script reproduces it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cevns_core.flavours import flavour_label
from dashboard import export, results
from dashboard.state import SessionState, build_experiment

ROOT = Path(__file__).resolve().parents[2]


def _states() -> list[SessionState]:
    plain = SessionState()
    edited = SessionState(experiment="conus")
    edited.param.update(target="Ge72", mass_kg=2.0, threshold=0.3, quenching="lindhard")
    edited.physics_overrides = {"mu_nu_e_muB": 1e-10}
    skin = SessionState()
    skin.param.update(skin_fm=0.3, efficiency="constant", efficiency_value=0.8)
    skin.source_overrides = {"distance_m": 25.0}
    return [plain, edited, skin]


@pytest.mark.parametrize("index", range(3))
def test_recoil_csv_matches_the_core(index):
    state = _states()[index]
    spec = state.spec()
    text = export.to_csv(export.recoil_spectrum_table(spec, 50))
    assert text.startswith("# Recoil spectrum")
    cols = export.read_csv(text)
    assert "T [keVnr]" in cols and "dN/dT total [events/keVnr]" in cols
    # the core, called directly (no form-factor parameters in the first two states)
    exp = build_experiment(spec)
    T = np.linspace(1e-4 * exp.max_recoil_keV(), exp.max_recoil_keV(), 50)
    np.testing.assert_allclose(cols["T [keVnr]"], T, rtol=1e-15)
    # finite also with a magnetic moment (∝ 1/T): the grid starts above T = 0
    assert np.isfinite(cols["dN/dT total [events/keVnr]"]).all()
    if not state.skin_fm:
        core = exp.spectrum(T)
        np.testing.assert_allclose(cols["dN/dT total [events/keVnr]"], core.total, rtol=1e-12)
        for flavour, values in core.by_flavour().items():  # columns by the flavour's label
            column = f"dN/dT {flavour_label(flavour)} [events/keVnr]"
            np.testing.assert_allclose(cols[column], values, rtol=1e-12)
    np.testing.assert_allclose(
        cols["dN/dT total [events/keVnr]"], results.spectrum(spec, 50).total, rtol=1e-15
    )


def test_json_and_observed_exports():
    spec = SessionState().spec()
    data = json.loads(export.to_json(export.recoil_spectrum_table(spec, 20)))
    assert data["parameters"] == spec
    col = {c["name"]: c for c in data["columns"]}
    assert col["T"]["unit"] == "keVnr" and col["dN/dT total"]["unit"] == "events/keVnr"
    assert np.allclose(col["dN/dT total"]["values"], results.spectrum(spec, 20).total)
    obs = export.observed_table(spec, 10)
    cols = export.read_csv(export.to_csv(obs))
    assert np.allclose(cols["counts total [events]"], results.observed(spec, 10).total)
    assert "bin low [PE]" in cols
    counts = export.counts_table(spec)
    assert counts.columns["above threshold"][0] == pytest.approx(
        results.counts(spec).observed_total
    )


@pytest.mark.parametrize("index", range(3))
def test_python_script_reproduces_the_numbers(index, tmp_path):
    state = _states()[index]
    spec = state.spec()
    script = export.python_script(spec, 40)
    path = tmp_path / "reproduce.py"
    path.write_text(script, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-W", "error", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},  # where cevns_core is importable
    )
    lines = run.stdout.strip().splitlines()
    header = lines.index("T_keVnr,dNdT_events_per_keVnr")
    rows = np.array([[float(x) for x in line.split(",")] for line in lines[header + 1 :]])
    sp = results.spectrum(spec, 40)
    np.testing.assert_allclose(rows[:, 0], sp.T_keV, rtol=1e-15)
    np.testing.assert_allclose(rows[:, 1], sp.total, rtol=1e-12)
    counts = float(next(line for line in lines if line.startswith("total:")).split(":")[1])
    assert counts == pytest.approx(results.counts(spec).observed_total, rel=1e-12)
    assert "cc.Experiment.from_spec(SPEC)" in script  # the page's spec, rebuilt by the core


def test_html_report_is_self_contained():
    import panel as pn

    spec = SessionState().spec()
    html = export.html_report(pn.pane.Markdown("dN/dT"), "Recoil spectra", spec)
    # the parameters by their human labels: the preset's title, not its identifier
    assert "<html" in html.lower() and "COHERENT CsI[Na] (2017)" in html
    assert "Mass (kg)" in html and "coherent_csi_2017" not in html
    # nothing loaded from the network: no external script/stylesheet/image URLs
    assert not re.findall(r"""<(?:script|link|img)[^>]*(?:src|href)\s*=\s*["']https?://""", html)


def test_report_of_the_spectra_tab_is_small_and_fast():
    import time

    from dashboard.app import create_app  # noqa: F401  (the page's extension settings)
    from dashboard.tools import tools_card
    from dashboard.views import SpectraView

    state = SessionState()
    card = tools_card(state, SpectraView(state=state))
    card.collapsed = False  # its contents are built when it is first opened
    report = next(o for o in card.objects if getattr(o, "filename", "") == "cevns_report.html")
    start = time.perf_counter()
    html = report.callback().getvalue().decode()
    assert time.perf_counter() - start < 20
    assert "Recoil spectrum" in html and len(html) < 6_000_000  # inline Bokeh + Panel JS: ~3 MB


def test_plot_data_of_every_tab_has_units_and_the_results_numbers():
    from dashboard.views import TABS, SpectraView

    state = SessionState()
    spec = state.spec()
    for title, cls in TABS:
        if title == "Constraints":
            continue  # nothing is plotted before a scan is run
        tables = export.plot_tables(export.view_plots(cls(state=state)), spec)
        assert tables, title
        assert any(any(t.units.values()) for t in tables), title
        text = export.tables_to_csv(tables)
        assert text.count("# parameters:") == len(tables)
        assert len(json.loads(export.tables_to_json(tables))) == len(tables)
    tables = export.plot_tables(export.view_plots(SpectraView(state=state)), spec)
    nu_e = next(
        t
        for t in tables
        if t.title.startswith("Recoil spectrum") and flavour_label("nu_e") in t.title
    )
    assert nu_e.units == {"T (nuclear recoil)": "keVnr", "dN/dT": "events/keVnr"}
    sp = results.spectrum(spec, 200, False)
    np.testing.assert_allclose(nu_e.columns["dN/dT"], sp.by_flavour()["nu_e"], rtol=1e-15)
