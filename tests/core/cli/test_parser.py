"""The `cevns` parser: every command of DESIGN §4 is a sub-command; serve's availability."""

import argparse

import pytest

from cevns_core.cli import build_parser
from cevns_core.errors import CevnsError


def _commands(parser: argparse.ArgumentParser) -> set[str]:
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return set(sub.choices)


def test_every_design_command_is_a_sub_command():
    parser = build_parser()
    design = {"experiments", "counts", "spectrum", "cross-section", "scan", "serve"}
    assert design <= _commands(parser)
    assert parser.serve_unavailable is None  # the dashboard is importable here


def test_negative_numbers_in_exponent_notation_are_values():
    args = build_parser().parse_args(
        ["cross-section", "--isotope", "Cs133", "--energy-MeV", "-1.2e-30", "-inf", "3"]
    )
    assert args.energy_MeV == [-1.2e-30, float("-inf"), 3.0]


def test_parser_errors_are_cevns_errors():
    with pytest.raises(CevnsError, match="cevns: the following arguments are required"):
        build_parser().parse_args([])
