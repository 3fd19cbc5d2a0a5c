"""Output of the command line: JSON without NaN/inf (null), CSV with a ``# key: value`` header."""

import json

import numpy as np

from cevns_core.cli.output import emit, plain, write_json


def test_plain_turns_non_finite_numbers_into_null():
    data = {"a": np.float64("nan"), "b": [1.0, np.inf], "c": np.arange(2), "d": np.bool_(True)}
    assert plain(data) == {"a": None, "b": [1.0, None], "c": [0, 1], "d": True}


def test_write_json_is_strict_json(capsys):
    write_json({"interval": (0.1, float("inf"))})
    out = capsys.readouterr().out
    assert json.loads(out) == {"interval": [0.1, None]}


def test_emit_csv_header_and_rows(capsys):
    emit({"x": np.array([1.0, 2.0]), "y": np.array([0.5, 0.25])}, {"unit": "keV"}, "csv")
    assert capsys.readouterr().out.splitlines() == ["# unit: keV", "x,y", "1,0.5", "2,0.25"]
    emit({"x": np.array([1.0])}, {"unit": "keV"}, "json")
    assert json.loads(capsys.readouterr().out) == {"unit": "keV", "x": [1.0]}
