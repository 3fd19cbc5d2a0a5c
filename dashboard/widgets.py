"""Widgets generated from parameter declarations, with validation shown where the input is.

:func:`field` makes the widget of one value — the kind from the declaration (a slider for an O(1)
range, a number box for tiny, huge or open ranges, a select with titles, a multi-choice, a
switch), the label with its unit, the doc and the allowed range in the tooltip — and binds it:

* the widget shows the owner's value and follows it;
* what the user enters is checked (:mod:`dashboard.validation`) and committed through
  ``commit`` (for the state: :meth:`~dashboard.state.SessionState.try_update`, which also
  checks the combination with the core);
* a refused value stays in the input, outlined in red, with the message under it (and as a
  notification); the state — and so every plot — keeps its last good value.

Widgets never get the declaration's bounds as hard limits (Bokeh would clamp the number
silently): the validator says what is wrong instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import panel as pn
import param

from .errors import notify_error
from .labels import core_label, core_unit, with_unit
from .parameters import by_name, choices, declaration
from .text import plain
from .validation import InvalidValue, allowed_text, check_value, range_text

__all__ = ["INVALID_CLASS", "Field", "field", "number_widget", "option_field", "state_field"]

#: CSS class of an input holding a refused value.
INVALID_CLASS = "cevns-invalid"
_INVALID_CSS = f"""
:host(.{INVALID_CLASS}) input, :host(.{INVALID_CLASS}) select,
:host(.{INVALID_CLASS}) .bk-input, :host(.{INVALID_CLASS}) .choices__inner {{
  border: 2px solid #c0392b !important; box-shadow: 0 0 0 1px #c0392b;
}}
"""
_MESSAGE_STYLE = {"color": "#c0392b", "font-size": "0.85em"}


def number_widget(p: param.Number) -> tuple[type, dict[str, Any]]:
    """Slider for O(1) ranges, a number box for tiny, huge, open-ended or optional ones."""
    lo, hi = p.get_soft_bounds()
    if isinstance(p, param.Integer):
        return pn.widgets.IntInput, {}
    tiny = lo is not None and hi is not None and max(abs(lo), abs(hi)) < 1e-2
    wide = lo is not None and hi is not None and lo > 0 and hi / lo > 1e3
    if lo is None or hi is None or p.allow_None or tiny or wide or hi - lo <= 0:
        fmt = "0.[000]e+0" if tiny or (hi is not None and hi > 1e5) else "0.[00000]"
        return pn.widgets.FloatInput, {"format": fmt}
    return pn.widgets.FloatSlider, {"start": lo, "end": hi, "step": (hi - lo) / 200.0}


def _choice_titles(p: param.Selector, options: Mapping[str, Any] | None) -> dict[str, Any]:
    if options is not None:
        return dict(options)
    titles = (p.metadata or {}).get("titles", {})

    def title(value: Any) -> str:  # a core choice without a title: its name, as words
        text = str(value).replace("_", " ")
        return titles.get(value, text[:1].upper() + text[1:])

    return {title(v): v for v in p.objects}


def _widget(
    p: param.Parameter, label: str, kind: str | None, options: Mapping[str, Any] | None, **kw: Any
) -> pn.widgets.Widget:
    common = {"label": label, **kw}
    if "width" not in kw:
        common["sizing_mode"] = "stretch_width"
    if isinstance(p, param.Boolean):
        return pn.widgets.Checkbox(**common)
    if isinstance(p, param.ListSelector):
        return pn.widgets.MultiChoice(options=_choice_titles(p, options), **common)
    if isinstance(p, param.Selector):
        return pn.widgets.Select(options=_choice_titles(p, options), **common)
    if isinstance(p, param.Number):
        cls, extra = number_widget(p)
        if kind == "slider" and cls is pn.widgets.FloatInput and not p.allow_None:
            lo, hi = p.get_soft_bounds()
            if lo is not None and hi is not None and hi > lo:
                cls, extra = (
                    pn.widgets.FloatSlider,
                    {"start": lo, "end": hi, "step": (hi - lo) / 200},
                )
        if kind == "number" and cls is pn.widgets.FloatSlider:
            cls, extra = pn.widgets.FloatInput, {"format": "0.[0000]"}
        return cls(**{**extra, **common})
    return pn.widgets.TextInput(**common)


class Field(pn.Column):
    """A widget (``.widget``) and, under it once a value has been refused, its message
    (``.message``, made on first use: most inputs never need one, and every page has ~25)."""

    def __init__(self, widget: pn.widgets.Widget, **params: Any) -> None:
        super().__init__(widget, **params)
        self.widget = widget
        self._message: pn.pane.HTML | None = None

    @property
    def has_message(self) -> bool:
        """Whether the message pane exists (a value was refused once)."""
        return self._message is not None

    @property
    def message(self) -> pn.pane.HTML:
        """The pane under the widget that says why a value was refused."""
        if self._message is None:
            self._message = pn.pane.HTML(
                "", visible=False, margin=(0, 10, 4, 10), styles=_MESSAGE_STYLE
            )
            self.append(self._message)
        return self._message


def field(
    owner: param.Parameterized,
    name: str,
    p: param.Parameter,
    *,
    label: str,
    unit: str = "",
    commit: Callable[[Any], None],
    kind: str | None = None,
    options: Mapping[str, Any] | None = None,
    allowed: str = "",
    **kw: Any,
) -> Field:
    """The widget of ``owner.<name>`` (declaration ``p``) with its message pane.

    ``commit(value)`` stores a checked value (raising :class:`InvalidValue` to refuse it);
    ``allowed``: the tooltip's "Allowed: …" text (default: the range of ``p``).
    """
    title = with_unit(label, unit) if unit and not label.endswith(f"({unit})") else label
    widget = _widget(p, title, kind, options, **kw)
    if isinstance(p, param.Number) and not allowed:
        text = range_text(p, unit)
        allowed = f"Allowed: {text}" if text else ""
    doc = " ".join((p.doc or "").split())
    widget.description = f"{doc} {allowed}".strip() or None
    widget.stylesheets = [*widget.stylesheets, _INVALID_CSS]
    sizing = {"width": kw["width"]} if "width" in kw else {"sizing_mode": "stretch_width"}
    column = Field(widget, margin=0, **sizing)
    guard = {"setting": False}

    def show(value: Any) -> None:
        guard["setting"] = True
        try:
            widget.value = list(value) if isinstance(widget, pn.widgets.MultiChoice) else value
        finally:
            guard["setting"] = False

    def clear() -> None:
        if INVALID_CLASS in widget.css_classes:
            widget.css_classes = [c for c in widget.css_classes if c != INVALID_CLASS]
        if column.has_message:
            column.message.visible = False

    def refuse(text: str) -> None:
        widget.css_classes = [*widget.css_classes, INVALID_CLASS]
        extra = allowed and allowed.removeprefix("Allowed: ") not in text
        column.message.object = plain(text) + (f"<br><i>{plain(allowed)}</i>" if extra else "")
        column.message.visible = True

    def on_widget(event: param.parameterized.Event) -> None:
        if guard["setting"]:
            return
        try:
            value = check_value(
                p, event.new, label, unit, text=isinstance(widget, pn.widgets.TextInput)
            )
            commit(value)
        except InvalidValue as exc:
            refuse(exc.message)
            notify_error(exc if label in exc.message else InvalidValue(f"{label}: {exc.message}"))
            return
        clear()

    show(getattr(owner, name))
    widget.param.watch(on_widget, "value")

    def on_owner(event: param.parameterized.Event) -> None:
        show(event.new)
        clear()

    owner.param.watch(on_owner, name)
    return column


def state_field(state: Any, name: str, **kw: Any) -> Field:
    """The widget of state entry ``name`` (label, unit, doc, range and choices from the table),
    committing through ``state.try_update``."""
    entry = by_name()[name]
    p = declaration(name)
    options = choices(name) if isinstance(p, param.Selector) else None
    return field(
        state,
        name,
        p,
        label=entry.human,
        unit=entry.units,
        commit=lambda value: state.try_update(**{name: value}),
        kind=entry.widget,
        options=options,
        allowed=allowed_text(name),
        **kw,
    )


def editor_field(state: Any, entry: str, editor: param.Parameterized, key: str) -> Field:
    """The widget of parameter ``key`` of an editor (source, form factor, new physics): the
    core model's declaration, committed as a change of the state's parameter set."""
    cls = type(editor)
    label = core_label(cls, key)
    unit = core_unit(cls, key)
    if label.endswith(f"({unit})"):
        label = label[: -len(unit) - 2].rstrip()
    return field(
        editor,
        key,
        cls.param[key],
        label=label,
        unit=unit,
        commit=lambda value: state.try_update(**state.editor_changes(entry, key, value)),
    )


def option_field(
    view: param.Parameterized, name: str, *, label: str | None = None, **kw: Any
) -> pn.Column:
    """The widget of a tab's display option (checked like every other value)."""
    p = view.param[name]

    def commit(value: Any) -> None:
        setattr(view, name, value)

    return field(view, name, p, label=label or p.label, commit=commit, **kw)
