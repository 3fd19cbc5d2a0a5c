"""`cevns serve` and the rest of the command line without the dashboard package installed."""

import argparse
import json
import subprocess
import sys

import pytest

import cevns_core as cc
from cevns_core.cli.parser import build_parser

#: The start of a script in which ``import dashboard`` fails, then the CLI's ``main``.
_NO_DASHBOARD = """
import contextlib, importlib.abc, io, json, sys

class NoDashboard(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "dashboard" or name.startswith("dashboard."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NoDashboard())
from cevns_core.cli import main
"""

_WITHOUT_DASHBOARD = (
    _NO_DASHBOARD
    + """
status = main(sys.argv[1:])
assert "dashboard" not in sys.modules and "panel" not in sys.modules
sys.exit(status)
"""
)


def _cli_without_dashboard(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", _WITHOUT_DASHBOARD, *argv],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_physics_command_works_without_the_dashboard():
    helped = _cli_without_dashboard("--help")
    assert helped.returncode == 0, helped.stderr
    for command in ("counts", "spectrum", "spec", "band", "scan", "fit", "serve"):
        assert command in helped.stdout
    counted = _cli_without_dashboard("counts", "--experiment", "coherent_csi_2017", "--json")
    assert counted.returncode == 0, counted.stderr
    assert json.loads(counted.stdout)["total"] == cc.experiment("coherent_csi_2017").counts().total


@pytest.mark.parametrize("argv", [["serve"], ["serve", "--port", "5007"]])
def test_serve_without_the_dashboard_is_one_clear_line(argv):
    served = _cli_without_dashboard(*argv)
    assert served.returncode == 2 and served.stdout == ""
    assert served.stderr.count("\n") == 1
    assert "cevns serve needs the dashboard" in served.stderr and "Traceback" not in served.stderr


#: One small invocation of every physics command (``serve`` is the only one that needs the
#: dashboard).
_PHYSICS_COMMANDS = (
    ("cross-section", "--isotope", "Ar40", "--energy-MeV", "10", "50", "3"),
    ("form-factor", "--isotope", "Ar40", "--q-fm", "0", "1", "3"),
    ("experiments",),
    ("counts", "--experiment", "coherent_csi_2017", "--skin-fm", "0.5"),
    ("spectrum", "--experiment", "coherent_csi_2017", "--recoil-keV", "1", "40", "4"),
    ("spec", "--experiment", "coherent_csi_2017", "--skin-fm", "0.5", "--python"),
    ("band", "--experiment", "coherent_csi_2017", "--recoil-keV", "1", "40", "4"),
    (
        "scan",
        "zprime",
        "--experiment",
        "coherent_csi_2017",
        "--coupling",
        "1e-5",
        "1e-3",
        "3",
        "--mass-MeV",
        "10",
        "100",
        "2",
    ),
    ("fit", "sin2_theta_W", "--data", "coherent_csi_2017", "--grid", "0.2", "0.3", "3"),
    (
        "fog",
        "--target",
        "Xe",
        "--masses-GeV",
        "5",
        "50",
        "3",
        "--exposures-kg-yr",
        "1",
        "1e3",
        "3",
    ),
)

_EVERY_COMMAND_WITHOUT_DASHBOARD = (
    _NO_DASHBOARD
    + """
report = {}
for argv in json.loads(sys.argv[1]):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(argv)
    report[argv[0]] = [status, len(out.getvalue())]
stack = ("dashboard", "panel", "holoviews", "bokeh")
report["loaded"] = sorted(m for m in stack if m in sys.modules)
print(json.dumps(report))
"""
)


def test_each_physics_command_runs_with_the_dashboard_absent():
    """Every command but ``serve``, run in one process where ``import dashboard`` fails: each
    exits 0 with output, and neither the dashboard nor its plotting stack is loaded."""
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            _EVERY_COMMAND_WITHOUT_DASHBOARD,
            json.dumps([list(argv) for argv in _PHYSICS_COMMANDS]),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report.pop("loaded") == []
    assert set(report) == {argv[0] for argv in _PHYSICS_COMMANDS}
    # the list covers every command of the parser (a new command joins it)
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert set(report) | {"serve"} == set(sub.choices)
    for command, (status, size) in report.items():
        assert status == 0 and size > 0, (command, status, size)
