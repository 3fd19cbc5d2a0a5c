"""The layering rules: the physics core never imports the dashboard's plotting stack; the
dashboard uses only the core's public names (no ``_private`` symbol or module of cevns_core)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path


def test_core_import_does_not_load_panel_holoviews_or_bokeh():
    code = (
        "import sys, cevns_core\n"
        "cevns_core.total_cross_section, cevns_core.form_factor, cevns_core.form_factor_models\n"
        "stack = ('panel', 'holoviews', 'bokeh', 'dashboard')\n"
        "bad = sorted(m for m in stack if m in sys.modules)\n"
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


# ------------------------------------------------------------------ no private core symbols
DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_core_uses(source: str) -> list[str]:
    """Uses of private cevns_core symbols in ``source``: ``from cevns_core.x import _y``,
    ``cevns_core._module``, and ``alias._name`` on a name bound to a cevns_core module."""
    tree = ast.parse(source)
    found: list[str] = []
    aliases: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for item in node.names:
                if item.name.split(".")[0] == "cevns_core":
                    found += [item.name for part in item.name.split(".") if _private(part)]
                    aliases.add(item.asname or item.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            parts = node.module.split(".")
            if parts[0] != "cevns_core":
                continue
            if any(_private(p) for p in parts):
                found.append(node.module)
            for item in node.names:
                if _private(item.name):
                    found.append(f"{node.module}.{item.name}")
                aliases.add(item.asname or item.name)  # a module or a class: both are core's
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in aliases:
                found.append(f"{root.id}...{node.attr}")
    return found


def test_the_walker_finds_private_core_symbols():
    bad = (
        "import cevns_core as cc\n"
        "from cevns_core.experiment.experiment import _COARSE_BINS\n"
        "from cevns_core._validation import as_array\n"
        "import cevns_core._validation\n"
        "x = cc._something\n"
        "y = cc.rates._recoil_nodes\n"
        "z = cc.__version__\n"
    )
    assert len(private_core_uses(bad)) == 5
    assert (
        private_core_uses("import cevns_core as cc\nfrom dashboard import _x\ncc.experiment") == []
    )


def test_dashboard_uses_no_private_core_symbol():
    files = sorted(DASHBOARD.rglob("*.py"))
    assert len(files) > 10
    offences = {
        str(path.relative_to(DASHBOARD)): uses
        for path in files
        if (uses := private_core_uses(path.read_text(encoding="utf-8")))
    }
    assert offences == {}


def test_dashboard_keeps_no_module_level_asserts():
    """Labels, units and bounds come from the core's models: no module of the dashboard patches
    its own tables together with the core's at import (a module-level ``assert``)."""
    offences = [
        f"{path.relative_to(DASHBOARD)}:{node.lineno}"
        for path in sorted(DASHBOARD.rglob("*.py"))
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.Assert)
    ]
    assert offences == []
