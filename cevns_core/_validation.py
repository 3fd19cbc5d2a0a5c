"""Boundary checks shared by the public functions: turn bad input into a precise CevnsError."""

from __future__ import annotations

import math
import operator
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import param
from numpy.typing import ArrayLike, NDArray

from .caching import Key, fingerprint, intern, model_fingerprint
from .errors import CevnsError

__all__ = [
    "MAX_ARRAY_POINTS",
    "MAX_PROFILE_POINTS",
    "ValidatedParameters",
    "as_array",
    "as_float",
    "as_int",
    "as_names",
    "as_path",
    "broadcast_shape",
    "check_choice",
    "check_parameter",
    "check_parameters",
    "read_text_file",
    "shown",
    "to_float",
    "to_float_array",
    "write_text_file",
]


#: Largest number of values of an array argument, or of the result it asks for, where the work
#: grows faster than the input (a quadrature per energy, a grid from (lo, hi, n), a broadcast
#: E × T table, scan grids): 10⁶ values keep a result and its temporaries within a few hundred
#: MB. Each public function that applies it says so; functions linear in their input take any
#: size the caller could already allocate.
MAX_ARRAY_POINTS = 1_000_000
#: Largest number of points of a 1-D profile (fit grids): each point is a full prediction.
MAX_PROFILE_POINTS = 10_000

_UTF8_BOM = "\ufeff"  # accepted at the start of every user file, and dropped

# dtype kinds that are numbers (bool counts as 0/1); strings, bytes, dates, complex are refused
_NUMERIC_KINDS = "biuf"


class _NotNumbers(Exception):
    """Internal signal: the value is not numeric (turned into a CevnsError with its repr)."""


def shown(value: Any, width: int = 60) -> str:
    """``repr(value)`` cut to ``width`` characters, for error messages."""
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def _range_text(minimum: float | None, maximum: float | None, inclusive: bool) -> str:
    lo = "[" if inclusive else "("
    hi = "]" if inclusive else ")"
    a = "-inf" if minimum is None else f"{minimum:g}"
    b = "inf" if maximum is None else f"{maximum:g}"
    return f"{lo}{a}, {b}{hi}"


def to_float_array(
    value: ArrayLike, name: str, *, max_size: int | None = None
) -> NDArray[np.float64]:
    """``value`` as a float array, without a finiteness check (NaN/inf stay for the caller).

    Raises
    ------
    CevnsError
        If the value is not numeric (strings, bytes, dates and complex numbers included), is
        ragged, holds an integer beyond the float range (``10**400``) or has more than
        ``max_size`` values (no limit by default: a public function whose work grows faster
        than its input passes its documented limit, usually :data:`MAX_ARRAY_POINTS`).
    """
    if type(value) is np.ndarray and value.dtype == np.float64:  # the hot path: nothing to do
        if max_size is not None and value.size > max_size:
            raise CevnsError(f"{name} has {value.size} values; the limit is {max_size}")
        return value
    try:
        raw = np.asarray(value)
        if raw.dtype.kind not in _NUMERIC_KINDS + "O":
            raise _NotNumbers
        if max_size is not None and raw.size > max_size:
            raise CevnsError(f"{name} has {raw.size} values; the limit is {max_size}")
        if raw.dtype.kind == "O" and any(isinstance(v, str | bytes) for v in raw.flat):
            raise _NotNumbers
        return raw.astype(float, copy=False)
    except CevnsError:
        raise
    except OverflowError:
        raise CevnsError(f"{name} must be finite, got a number beyond the float range") from None
    except (_NotNumbers, TypeError, ValueError):
        # the message is built only on failure: repr of a large array costs more than the call
        raise CevnsError(
            f"{name} must be a number or an array of numbers, got {shown(value)}"
        ) from None


def to_float(value: Any, name: str) -> float:
    """A single number as a float, without a finiteness check (see :func:`to_float_array`)."""
    arr = to_float_array(value, name)
    if arr.ndim != 0:
        raise CevnsError(f"{name} must be a single number, got {shown(value)}")
    return float(arr)


def as_array(
    value: ArrayLike,
    name: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    inclusive: bool = True,
    max_size: int | None = None,
) -> NDArray[np.float64]:
    """Convert ``value`` to a float array, checking it is finite and inside the given range.

    Raises
    ------
    CevnsError
        If the value is not numeric (see :func:`to_float_array`), has more than ``max_size``
        values, contains NaN/inf, or lies outside ``[minimum, maximum]`` (open interval when
        ``inclusive`` is false).
    """
    arr = to_float_array(value, name, max_size=max_size)
    # one pass for the common case: NaN propagates through min/max and ±inf ends up in one of
    # them, so finite extremes mean every element is finite and the range needs only them
    if arr.ndim == 0:
        lo = hi = float(arr)
    elif arr.size:
        lo, hi = float(arr.min()), float(arr.max())
    else:
        return arr
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise CevnsError(f"{name} must be finite, got {shown(value)}")
    below = minimum is not None and (lo < minimum if inclusive else lo <= minimum)
    above = maximum is not None and (hi > maximum if inclusive else hi >= maximum)
    if below or above:
        allowed = _range_text(minimum, maximum, inclusive)
        if below:
            bad = arr < minimum if inclusive else arr <= minimum
        else:
            bad = arr > maximum if inclusive else arr >= maximum
        raise CevnsError(f"{name} must lie in {allowed}, got {arr[bad].flat[0]:g}")
    return arr


def as_float(
    value: Any,
    name: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    inclusive: bool = True,
) -> float:
    """Like :func:`as_array` for a single number."""
    arr = as_array(value, name, minimum=minimum, maximum=maximum, inclusive=inclusive)
    if arr.ndim != 0:
        raise CevnsError(f"{name} must be a single number, got an array of shape {arr.shape}")
    return float(arr)


def as_int(value: Any, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """``value`` as an integer (an integral float such as 3.0 is accepted; True/False are not).

    Raises
    ------
    CevnsError
        For a non-number, a non-integral or non-finite number, or one outside
        ``[minimum, maximum]``.
    """
    if isinstance(value, bool | np.bool_):
        raise CevnsError(f"{name} must be an integer, got {value!r}")
    try:
        number = operator.index(value)
    except TypeError:
        x = as_float(value, name)
        if x != int(x):
            raise CevnsError(f"{name} must be an integer, got {shown(value)}") from None
        number = int(x)
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        lo = "-inf" if minimum is None else str(minimum)
        hi = "inf" if maximum is None else str(maximum)
        raise CevnsError(f"{name} must be an integer in [{lo}, {hi}], got {shown(number)}")
    return number


def broadcast_shape(max_size: int | None = MAX_ARRAY_POINTS, **arrays: Any) -> tuple[int, ...]:
    """The common shape of the named arrays: a CevnsError naming their shapes if they do not
    broadcast, or if the result would hold more than ``max_size`` values."""
    shapes = ", ".join(f"{k} {np.shape(a)}" for k, a in arrays.items())
    try:
        shape = np.broadcast_shapes(*(np.shape(a) for a in arrays.values()))
    except ValueError:
        raise CevnsError(f"the shapes do not broadcast together: {shapes}") from None
    size = math.prod(shape)
    if max_size is not None and size > max_size:
        raise CevnsError(f"the result would hold {size} values ({shapes}); the limit is {max_size}")
    return shape


def check_choice(value: Any, name: str, choices: Iterable[str]) -> str:
    """Check that ``value`` is one of ``choices`` and return it."""
    options = list(choices)
    try:
        found = value in options
    except (TypeError, ValueError):  # e.g. an array compared with the names
        found = False
    if not found:
        raise CevnsError(
            f"unknown {name} {shown(value)}; choose one of: {', '.join(map(str, options))}"
        )
    return value


def as_names(value: Any, what: str, *also: type) -> list[Any]:
    """An iterable of names (str, or objects of the ``also`` types) as a list.

    Raises
    ------
    CevnsError
        For a single string, a mapping, a non-iterable (None, a number) or an item of another
        type.
    """
    kinds = (str, *also)
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise CevnsError(f"{what} must be a list of names, got {shown(value)}")
    items = list(value)
    bad = [x for x in items if not isinstance(x, kinds)]
    if bad:
        raise CevnsError(f"{what} must be a list of names, got the item {shown(bad[0])}")
    return items


def as_path(path: Any, what: str) -> Path:
    """``path`` (a string or path-like object) as a Path, else a CevnsError naming ``what``."""
    if isinstance(path, bytes) or not isinstance(path, str | os.PathLike):
        raise CevnsError(f"the path of the {what} must be a string or a path, got {shown(path)}")
    if not os.fspath(path):  # Path("") is the current folder
        raise CevnsError(f"the path of the {what} is empty")
    try:
        return Path(path)
    except (TypeError, ValueError) as exc:
        raise CevnsError(f"the path of the {what} is not valid: {exc}") from None


def read_text_file(path: str | os.PathLike[str], *, what: str, max_bytes: int) -> str:
    """The text of a user file: at most ``max_bytes``, not empty, UTF-8, no NUL bytes.

    A UTF-8 byte-order mark at the start is accepted and dropped (spreadsheet programs write one);
    a UTF-16 file is refused with a message that says so.

    Raises
    ------
    CevnsError
        For a missing/unreadable file, an empty or oversized one, or one that is not UTF-8 text
        (the message names the file, ``what`` it should be, and the limit).
    """
    p = as_path(path, what)
    try:
        size = p.stat().st_size
    except (OSError, TypeError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise CevnsError(f"cannot read {what} file {str(path)!r}: {reason}") from exc
    if not p.is_file():
        raise CevnsError(f"{what} file {str(p)!r} is not a regular file")
    if size > max_bytes:
        raise CevnsError(f"{p.name}: file is {size} bytes; the limit for a {what} is {max_bytes}")
    if size == 0:
        raise CevnsError(f"{p.name}: the {what} file is empty")
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise CevnsError(f"cannot read {what} file {str(p)!r}: {exc.strerror}") from exc
    if len(raw) > max_bytes:  # grew since stat
        raise CevnsError(f"{p.name}: file exceeds the limit of {max_bytes} bytes for a {what}")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CevnsError(
            f"{p.name}: not a UTF-8 text file (it starts with a UTF-16 byte-order mark); "
            f"save the {what} as UTF-8"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CevnsError(
            f"{p.name}: not a UTF-8 text file (byte {exc.start} cannot be decoded; "
            f"Latin-1/Windows-1252?); save the {what} as UTF-8"
        ) from None
    if "\x00" in text:
        raise CevnsError(
            f"{p.name}: contains NUL bytes (UTF-16 without a byte-order mark, or not text); "
            f"save the {what} as UTF-8"
        )
    return text.removeprefix(_UTF8_BOM)


def write_text_file(
    path: str | os.PathLike[str], text: str, *, what: str, overwrite: bool = False
) -> None:
    """Write ``text`` as UTF-8 to ``path``: a new file, or a regular one with ``overwrite``.

    A symbolic link is never followed (the file is opened with ``O_NOFOLLOW``): writing through
    a link could replace a file elsewhere.

    Raises
    ------
    CevnsError
        For a path that is not a string or path, a symbolic link, an existing file without
        ``overwrite=True``, something other than a regular file, or an OS error (the message
        names the file and what it was meant to hold).
    """
    p = as_path(path, what)
    if not isinstance(overwrite, bool):
        raise CevnsError(f"overwrite must be True or False, got {shown(overwrite)}")
    if p.is_symlink():
        raise CevnsError(
            f"{str(p)!r} is a symbolic link; the {what} is not written through it "
            "(write to the link's target itself)"
        )
    if p.exists():
        if not p.is_file():
            raise CevnsError(f"{str(p)!r} exists and is not a regular file; {what} not written")
        if not overwrite:
            raise CevnsError(
                f"{str(p)!r} exists; pass overwrite=True to replace it with the {what}"
            )
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    flags |= os.O_TRUNC if overwrite else os.O_EXCL
    try:
        fd = os.open(p, flags, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise CevnsError(f"cannot write the {what} to {str(p)!r}: {reason}") from None


def check_parameter(p: param.Parameter, key: str, value: Any) -> None:
    """Check one value against a ``param`` declaration before param sees it.

    Raises
    ------
    CevnsError
        For None where not allowed, an unknown selector choice, a non-boolean for a Boolean, a
        non-number or an out-of-bounds number (the message gives the allowed interval).
    """
    if value is None:
        if not p.allow_None:
            raise CevnsError(f"{key} must not be None")
        return
    if isinstance(p, param.ListSelector):
        if isinstance(value, str) or not hasattr(value, "__iter__"):
            raise CevnsError(f"{key} must be a list, got {value!r}")
        for item in value:
            check_choice(item, key, p.objects)
    elif isinstance(p, param.Selector):
        check_choice(value, key, p.objects)
    elif isinstance(p, param.Boolean):
        if not isinstance(value, bool | np.bool_):
            raise CevnsError(f"{key} must be True or False, got {value!r}")
    elif isinstance(p, param.Number):
        if isinstance(value, bool | np.bool_):
            raise CevnsError(f"{key} must be a number, got {value!r}")
        v = as_float(value, key)
        lo, hi = p.bounds if p.bounds is not None else (None, None)
        inc_lo, inc_hi = p.inclusive_bounds
        too_low = lo is not None and (v < lo or (v == lo and not inc_lo))
        too_high = hi is not None and (v > hi or (v == hi and not inc_hi))
        if too_low or too_high:
            lo_txt = "-inf" if lo is None else f"{lo:g}"
            hi_txt = "inf" if hi is None else f"{hi:g}"
            raise CevnsError(
                f"{key} must lie in {'[' if inc_lo else '('}{lo_txt}, {hi_txt}"
                f"{']' if inc_hi else ')'}, got {v:g}"
            )


def check_parameters(
    cls: type[param.Parameterized],
    params: Mapping[str, Any],
    *,
    allowed: Mapping[str, param.Parameter] | None = None,
) -> None:
    """Check constructor keywords of a ``param`` model: unknown names and bad values.

    ``allowed`` restricts the accepted names (default: every parameter but ``name``).
    """
    declared = allowed
    if declared is None:
        declared = {k: p for k, p in cls.param.objects("existing").items() if k != "name"}
    label = getattr(cls, "model_name", "") or cls.__name__
    for key, value in params.items():
        if key == "name" and allowed is None:
            continue
        if key not in declared:
            names = ", ".join(sorted(declared)) or "none"
            raise CevnsError(f"unknown parameter {key!r} for {label!r}; allowed: {names}")
        check_parameter(declared[key], key, value)


#: Instance attributes that only speed things up (dropped from copies and pickles).
_KEPT_STATE = ("_fingerprint_cache", "_fingerprint_version", "_validated_key", "_prepared_spectrum")


class ValidatedParameters(param.Parameterized):
    """Base of the package's ``param`` models: assignments are checked like constructor keywords.

    ``obj.x = value`` and ``obj.param.update(x=value)`` on a built model run
    :func:`check_parameter` (None where not allowed, unknown choices, non-booleans, non-finite or
    out-of-bounds numbers) and turn param's own ``ValueError`` (e.g. an integer parameter given
    1.5, a wrong class) into :class:`CevnsError`, so a bad value raises the package's error
    whether it is given at construction or later. A rejected value leaves the model unchanged.
    Cross-parameter consistency is still checked where the model is used (each class says
    where). Class-level assignments (``Model.x = value``, changing a default) are param's own.
    """

    __abstract = True

    def __init__(self, **params: Any) -> None:
        check_parameters(type(self), params)
        try:
            super().__init__(**params)
        except CevnsError:
            raise
        except ValueError as exc:  # param's own checks
            raise CevnsError(str(exc)) from exc
        # the keywords are checked above; assignments are checked from here on
        self._assignments_checked = True

    def __setattr__(self, name: str, value: Any) -> None:
        if not name.startswith("_"):
            # any assignment (checked or not) makes the cached fingerprint stale
            self.__dict__["_fingerprint_version"] = self.__dict__.get("_fingerprint_version", 0) + 1
        if (
            name.startswith("_")
            or name == "name"
            or not self.__dict__.get("_assignments_checked", False)
            or name not in type(self).param
        ):
            super().__setattr__(name, value)
            return
        check_parameter(self.param[name], name, value)
        try:
            super().__setattr__(name, value)
        except CevnsError:
            raise
        except ValueError as exc:  # param's own checks
            raise CevnsError(str(exc)) from exc
        self._parameter_set(name)

    def _parameter_set(self, name: str) -> None:
        """Called after parameter ``name`` was assigned (hook; e.g. to drop cached checks)."""

    def __getstate__(self) -> dict[str, Any]:
        # a copy (copy.copy, deepcopy, pickle) starts without the kept fingerprint and checks:
        # a shallow copy must not share the dict that holds them with its original
        state = super().__getstate__()
        for key in _KEPT_STATE:
            state.pop(key, None)
        return state

    def _fingerprint(self, exclude: frozenset[str] = frozenset()) -> Any:
        """Hashable key of the model's class and parameter values (:mod:`cevns_core.caching`).

        Equal for models of one class with equal parameters (``exclude`` left out; ``name`` is
        always left out, it labels the model). The package's models keep their whole state in
        their parameters; for a subclass defined outside the package its instance attributes
        are part of the key too. The immutable part is kept until a parameter is
        assigned (a version counter, so a concurrent assignment is never lost); lists, dicts,
        arrays and nested models are fingerprinted again on every call. A changed class-level
        default (``Model.x = value``) is not seen by instances that already have a fingerprint.
        """
        if type(self).__module__.partition(".")[0] != "cevns_core":
            # a class defined elsewhere may keep state outside its parameters: its instance
            # attributes are part of the key, all read again on every call
            static, dynamic = model_fingerprint(self, exclude)
            attributes = [
                (k, fingerprint(v))
                for k, v in self.__dict__.items()
                if k != "_param__private" and k not in _KEPT_STATE
            ]
            return Key((static, *[fingerprint(v) for v in dynamic], *attributes))
        version = self.__dict__.get("_fingerprint_version", 0)
        kept = self.__dict__.get("_fingerprint_cache")
        if kept is None:
            kept = self.__dict__["_fingerprint_cache"] = {}
        cached = kept.get(exclude)
        if cached is None or cached[0] != version:
            cached = kept[exclude] = (version, *model_fingerprint(self, exclude))
        _, static, dynamic = cached
        if not dynamic:
            return static
        # the values themselves are kept (a new value bumps the version); their contents are
        # fingerprinted each time, so an in-place change of a list, dict, array or nested
        # model is seen
        return intern(Key((static, *[fingerprint(v) for v in dynamic])))
