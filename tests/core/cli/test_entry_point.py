"""The `cevns` entry point: errors are one line on stderr with status 2; `python -m` runs it."""

import subprocess
import sys

import pytest

from cevns_core.cli import main


def _run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["cross-section", "--isotope", "Xx1", "--energy-MeV", "1", "2", "3"], "unknown element"),
        (["cross-section", "--isotope", "Cs133", "--energy-MeV", "0", "2", "3"], "E_MeV"),
        (["cross-section", "--isotope", "Cs133", "--energy-MeV", "5", "2", "3"], "LO < HI"),
        (["cross-section", "--isotope", "Cs133", "--energy-MeV", "1", "2", "2.5"], "integer"),
        (["form-factor", "--model", "nope"], "nope"),
        (["form-factor", "--param", "s_fm"], "NAME=VALUE"),
        (["form-factor", "--param", "s_fm=-3"], "s_fm"),
        (["no-such-command"], "invalid choice"),
        (["cross-section"], "required"),
    ],
)
def test_errors_are_one_line_and_nonzero(capsys, argv, message):
    status, out, err = _run(capsys, *argv)
    assert status != 0
    assert out == ""
    assert err.count("\n") == 1 and message in err


def test_console_entry_point_runs_as_a_process():
    proc = subprocess.run(
        [sys.executable, "-m", "cevns_core.cli", "form-factor", "--isotope", "Ar40"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[2] == "q_fm,F"
    bad = subprocess.run(
        [sys.executable, "-m", "cevns_core.cli", "form-factor", "--isotope", "Ar99"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and bad.stderr.startswith("cevns: error:")
