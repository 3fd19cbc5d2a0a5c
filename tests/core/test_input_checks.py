"""Input checks (cevns_core._validation.as_array): the one-pass check decides like the
element-wise one it replaced, with the same messages."""

from __future__ import annotations

import numpy as np
import pytest

from cevns_core._validation import _range_text, as_array, as_float
from cevns_core.errors import CevnsError


def _elementwise(value, name, *, minimum=None, maximum=None, inclusive=True):
    """The element-wise check as it was before the one-pass version (reference)."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise CevnsError(f"{name} must be a number or an array of numbers, got {value!r}") from exc
    if not np.all(np.isfinite(arr)):
        raise CevnsError(f"{name} must be finite, got {value!r}")
    allowed = _range_text(minimum, maximum, inclusive)
    if minimum is not None:
        bad = arr < minimum if inclusive else arr <= minimum
        if np.any(bad):
            raise CevnsError(f"{name} must lie in {allowed}, got {arr[bad].flat[0]:g}")
    if maximum is not None:
        bad = arr > maximum if inclusive else arr >= maximum
        if np.any(bad):
            raise CevnsError(f"{name} must lie in {allowed}, got {arr[bad].flat[0]:g}")
    return arr


VALUES = [
    0.0,
    -0.0,
    1.5,
    -2.0,
    3,
    True,
    [],
    [[]],
    [1.0, 2.0, 3.0],
    [3.0, -1.0, -5.0, 2.0],
    [[0.0, 1.0], [2.0, 7.0]],
    [1.0, np.nan, 2.0],
    [np.inf, 1.0],
    [1.0, -np.inf],
    np.nan,
    np.inf,
    "abc",
    [1.0, "x"],
    None,
    np.arange(10.0) - 4.5,
    np.float32(2.5),
    1e308,
    [-1e-300, 0.0],
]
BOUNDS = [
    {},
    {"minimum": 0.0},
    {"minimum": 0.0, "inclusive": False},
    {"maximum": 2.0},
    {"minimum": -1.0, "maximum": 2.0},
    {"minimum": -1.0, "maximum": 2.0, "inclusive": False},
]


@pytest.mark.parametrize("bounds", BOUNDS, ids=str)
@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_one_pass_check_decides_like_the_element_wise_one(value, bounds):
    try:
        want = _elementwise(value, "x", **bounds)
    except CevnsError as exc:
        with pytest.raises(CevnsError) as caught:
            as_array(value, "x", **bounds)
        assert str(caught.value) == str(exc)
        return
    got = as_array(value, "x", **bounds)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)


def test_an_array_is_not_copied_and_a_scalar_is_checked():
    a = np.linspace(0.0, 1.0, 5)
    assert as_array(a, "a", minimum=0.0) is a
    assert as_float(2.0, "v", maximum=2.0) == 2.0
    with pytest.raises(CevnsError, match=r"v must lie in \(-inf, 2\), got 2"):
        as_float(2.0, "v", maximum=2.0, inclusive=False)
