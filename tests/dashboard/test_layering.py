"""The layering rule: the physics core never imports the dashboard's plotting stack."""

from __future__ import annotations

import subprocess
import sys


def test_core_import_does_not_load_panel_holoviews_or_bokeh():
    code = (
        "import sys, cevns_core\n"
        "cevns_core.total_cross_section, cevns_core.form_factor, cevns_core.form_factor_models\n"
        "bad = sorted(m for m in ('panel', 'holoviews', 'bokeh') if m in sys.modules)\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "", f"cevns_core imported {result.stdout.strip()}"


def test_dashboard_state_does_not_load_the_plotting_stack():
    code = (
        "import sys, dashboard.state\n"
        "print(','.join(sorted(m for m in ('holoviews', 'bokeh') if m in sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == ""
