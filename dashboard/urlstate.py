"""The page's URL holds the whole view: the experiment, the band, the tab and the tabs' options.

Reading (:func:`read_query`, when a page is built): every query value goes through the one
validator (:mod:`dashboard.validation`) with the URL key as its place; unknown keys are listed,
not fatal; the accepted values are applied together when the core accepts their combination, or
one by one in the table's order, dropping those that break it (:func:`apply_query`). Problems
are gathered into ONE notification shown once the page exists.

Writing (:func:`query_of`, :func:`sync`): the URL is a function of the state — the preset, the
values that differ from it (or from their defaults), the tab, the display options that differ
from theirs — and is rewritten on every change, so copying it (or the theme switch, which
reloads the page) keeps everything. Values are plain text: numbers as Python prints them,
``true``/``false``, lists and parameter sets as compact JSON.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping
from typing import Any

from .parameters import ENTRIES, STATE_ENTRIES, by_name, by_url, declaration
from .spec import check_values, preset_values
from .state import SessionState
from .text import clipped
from .validation import InvalidValue, check_entry, shown
from .viewstate import TABS

__all__ = ["FOREIGN_KEYS", "apply_query", "query_of", "read_query", "sync", "url_text"]

#: Query keys that belong to Panel, not to the state (kept as they are).
FOREIGN_KEYS = ("theme",)
_PRESET_DRIVEN = tuple(preset_values("coherent_csi_2017"))


def url_text(value: Any) -> str:
    """A value as URL text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def query_of(state: SessionState) -> dict[str, str]:
    """The query that reproduces ``state`` (only what differs from the preset or defaults)."""
    values = state.values()
    base = preset_values(values["experiment"])
    query = {"exp": values["experiment"]}
    for entry in STATE_ENTRIES:
        if entry.name == "experiment":
            continue
        value = values[entry.name]
        reference = base.get(entry.name, declaration(entry.name).default)
        if value != reference and value not in ({},):
            query[entry.url] = url_text(value)
    for tab in TABS:
        for option, value in sorted(state.view_options.get(tab.key, {}).items()):
            query[by_name()[f"{tab.key}.{option}"].url] = url_text(value)
    return query


def read_query(
    args: Mapping[str, Any],
) -> tuple[
    dict[str, Any], dict[str, dict[str, Any]], dict[str, str], list[tuple[str, str]], list[str]
]:
    """Validate a page request's query (``pn.state.session_args``: key → list of bytes).

    Returns (values, view options, ``key='value'`` of each value, problems as (``key='value'``,
    the validator's message), unknown keys).
    """
    raw: dict[str, str] = {}
    problems: list[tuple[str, str]] = []
    unknown: list[str] = []
    for key, items in args.items():
        item = items[-1] if isinstance(items, list | tuple) and items else items
        text = item.decode("utf-8", "replace") if isinstance(item, bytes) else str(item)
        if key in FOREIGN_KEYS:
            continue
        if key not in by_url():
            unknown.append(key)
            continue
        raw[key] = text
    values: dict[str, Any] = {}
    view: dict[str, dict[str, Any]] = {}
    keys: dict[str, str] = {}
    context = dict(preset_values(by_name()["experiment"].build().default))
    for entry in ENTRIES:  # in the table's order: the preset and the choices first
        if entry.url not in raw:
            continue
        text = raw[entry.url]
        try:
            value = check_entry(entry.name, text, context, text=True)
        except InvalidValue as exc:
            problems.append((f"{entry.url}={shown(text)}", exc.message))
            continue
        if entry.tab is not None:
            view.setdefault(entry.tab, {})[entry.option] = value
            continue
        values[entry.name] = value
        keys[entry.name] = f"{entry.url}={shown(text)}"
        if entry.name == "experiment":
            context.update(preset_values(value))
        context[entry.name] = value
    return values, view, keys, problems, unknown


def apply_query(state: SessionState, args: Mapping[str, Any]) -> str | None:
    """Apply a request's query to ``state``; the one notification text, or None if all is well.

    Values the core refuses in combination are dropped one by one (in the table's order) and
    reported; the rest is applied at once.
    """
    values, view, keys, problems, unknown = read_query(args)
    try:
        check_values(state.resolve(values))
        accepted = values
    except InvalidValue:
        accepted = {}
        for name, value in values.items():
            trial = {**accepted, name: value}
            try:
                check_values(state.resolve(trial))
            except InvalidValue as exc:
                problems.append((keys[name], exc.message))
                continue
            accepted = trial
    state.apply(accepted, view)
    parts = []
    if problems:
        listed = "; ".join(clipped(f"{where}: {message}", 240) for where, message in problems)
        parts.append(f"Ignored invalid URL values (defaults kept): {listed}")
    if unknown:
        listed = ", ".join(shown(k)[1:-1] for k in unknown[:10])
        parts.append(f"Unknown URL keys ignored: {listed}" + (" …" if len(unknown) > 10 else ""))
    return " — ".join(parts) if parts else None


def sync(state: SessionState, location: Any, keep: Mapping[str, str]) -> Any:
    """Keep ``location.search`` equal to the state's query (``keep``: foreign keys to keep);
    returns the writer (call it again once the page is loaded: the browser reports its own
    address when it connects)."""

    def write(*_events: Any) -> None:
        query = {**query_of(state), **dict(keep)}
        search = "?" + urllib.parse.urlencode(query)
        if location.search != search:
            location.search = search

    state.param.watch(write, [e.name for e in STATE_ENTRIES] + ["view_options"])
    write()
    return write
