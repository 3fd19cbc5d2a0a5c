"""The files shipped in the package's ``data/`` folder, listed once per process."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

__all__ = ["data_folder", "shipped_names"]


def data_folder(*parts: str) -> Any:
    """The shipped folder ``data/<parts...>`` (an importlib.resources Traversable)."""
    return files("cevns_core").joinpath("data", *parts)


@cache
def shipped_names(suffix: str, *parts: str) -> tuple[str, ...]:
    """Names of the files ending in ``suffix`` in ``data/<parts...>``, the suffix removed, sorted.

    Cached: the shipped files do not change while a program runs, and listing a folder on every
    call cost a page of the dashboard several listings per build.
    """
    names = (p.name for p in data_folder(*parts).iterdir())
    return tuple(sorted(name.removesuffix(suffix) for name in names if name.endswith(suffix)))
