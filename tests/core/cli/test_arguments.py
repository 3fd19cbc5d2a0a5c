"""Argument helpers of the command line: grids, NAME=VALUE options, per-nucleus values."""

import numpy as np
import pytest

from cevns_core.cli.arguments import (
    parse_params,
    per_nucleus,
    physics_params,
    value_grid,
    whole_number,
)
from cevns_core.errors import CevnsError


def test_value_grid_linear_and_logarithmic():
    np.testing.assert_array_equal(value_grid(1.0, 3.0, 3, "--x", log=False), [1.0, 2.0, 3.0])
    np.testing.assert_allclose(value_grid(1.0, 100.0, 3, "--x", log=True), [1.0, 10.0, 100.0])
    with pytest.raises(CevnsError, match="LO < HI"):
        value_grid(2.0, 1.0, 3, "--x", log=False)
    with pytest.raises(CevnsError, match="LO > 0"):
        value_grid(0.0, 1.0, 3, "--x", log=True)
    with pytest.raises(CevnsError, match="more than the limit"):
        value_grid(0.0, 1.0, 1_000_001, "--x", log=False)


def test_whole_number_refuses_fractions_and_nan():
    assert whole_number(4.0, "--n") == 4
    for bad in (2.5, float("nan"), float("inf")):
        with pytest.raises(CevnsError, match="--n: N must be an integer"):
            whole_number(bad, "--n")


def test_name_value_options():
    assert parse_params(["s_fm=0.9", "model=helm"]) == {"s_fm": 0.9, "model": "helm"}
    with pytest.raises(CevnsError, match="NAME=VALUE"):
        parse_params(["s_fm"])
    assert physics_params(["zprime_coupling=1e-4", "flag=True"]) == {
        "zprime_coupling": 1e-4,
        "flag": True,
    }


def test_per_nucleus_values():
    assert per_nucleus([], "--skin-fm") is None
    assert per_nucleus(["0.2"], "--skin-fm") == 0.2
    assert per_nucleus(["Cs=0.3", "I=0.25"], "--skin-fm") == {"Cs": 0.3, "I": 0.25}
    with pytest.raises(CevnsError, match="not both"):
        per_nucleus(["0.2", "Cs=0.3"], "--skin-fm")
    with pytest.raises(CevnsError, match="expects FM or NUCLEUS=FM"):
        per_nucleus(["Cs=wide"], "--skin-fm")
