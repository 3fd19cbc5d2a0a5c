"""`cevns serve` and the rest of the command line without the dashboard package installed."""

import json
import subprocess
import sys

import pytest

import cevns_core as cc

_WITHOUT_DASHBOARD = """
import importlib.abc, sys

class NoDashboard(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "dashboard" or name.startswith("dashboard."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NoDashboard())
from cevns_core.cli import main
status = main(sys.argv[1:])
assert "dashboard" not in sys.modules and "panel" not in sys.modules
sys.exit(status)
"""


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
