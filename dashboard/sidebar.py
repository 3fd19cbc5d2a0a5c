"""The sidebar: one card per group of the state's table, widgets generated from the entries.

Every widget comes from :mod:`dashboard.widgets` (label, unit, doc, allowed range and choices
from the table, i.e. from the core's models) and commits through the state's validation. The
editors' cards (source parameters, form-factor parameters, one card per new-physics group) are
generated from the core model's declarations and rebuilt when the source type or the model
changes.
"""

from __future__ import annotations

from typing import Any

import panel as pn
import param

from .labels import group_title, new_physics_groups
from .parameters import SM_PARAMETERS, form_factor_parameters, source_parameters
from .state import SessionState, preset_info
from .text import plain
from .widgets import editor_field, state_field

__all__ = ["editor_widgets", "lazy_card", "sidebar"]


def editor_widgets(
    state: SessionState, entry: str, editor: param.Parameterized, names: Any
) -> pn.Column:
    """The widgets of an editor's parameters ``names`` (``.widgets``: name → input)."""
    fields = {name: editor_field(state, entry, editor, name) for name in names}
    column = pn.Column(*fields.values(), margin=0, sizing_mode="stretch_width")
    column.widgets = {name: f.widget for name, f in fields.items()}  # type: ignore[attr-defined]
    return column


def _card(title: str, *objects: Any, collapsed: bool = False) -> pn.Card:
    return pn.Card(
        *objects, title=title, collapsed=collapsed, sizing_mode="stretch_width", margin=(4, 0)
    )


def lazy_card(title: str, factory: Any, *head: Any, collapsed: bool = True) -> pn.Card:
    """A card whose widgets are built when it is first opened (faster page load); one built
    open (``collapsed=False``) is filled at once."""
    card = _card(title, *head, collapsed=True)

    def fill(event: param.parameterized.Event) -> None:
        if not event.new and not getattr(card, "_filled", False):
            card._filled = True
            card.extend(factory())

    card.param.watch(fill, "collapsed")
    if not collapsed:
        card.collapsed = False
    return card


def _preset_note(state: SessionState) -> pn.viewable.Viewable:
    """The preset's title and reference under the selector."""

    def note(name: str) -> str:
        info = preset_info(name)
        return f"<small><b>{plain(info['title'])}</b><br>{plain(info['reference'][:160])}…</small>"

    return pn.pane.HTML(
        pn.bind(note, state.param.experiment), margin=(0, 10), sizing_mode="stretch_width"
    )


def _when(state: SessionState, choice: str, value: str, *objects: Any) -> pn.Column:
    """``objects``, shown while the state's ``choice`` is ``value``."""
    return pn.Column(
        *objects,
        visible=state.param[choice].rx() == value,
        sizing_mode="stretch_width",
        margin=0,
    )


def _active_text(state: SessionState) -> str:
    try:
        groups = state.new_physics_active()
    except Exception as exc:  # an invalid combination: say so, the plots notify
        return f"*Invalid new-physics setting: {plain(exc)}*"
    if not groups:
        return "*Standard Model (no new physics set)*"
    names = ", ".join(group_title(g) for g in groups)
    return f"**Active:** {names}"


def _physics_cards(state: SessionState) -> list[pn.viewable.Viewable]:
    """The physics card's content: the active groups, then a card per group (Standard Model
    parameters first), each filled when opened."""
    active = pn.pane.Markdown(
        pn.bind(lambda _overrides: _active_text(state), state.param.physics_overrides),
        margin=(0, 10),
    )
    cards = [
        lazy_card(
            "Electroweak (Standard Model)",
            lambda: [
                editor_widgets(state, "physics_overrides", state.physics_editor, SM_PARAMETERS)
            ],
        )
    ]
    for group, names in new_physics_groups().items():
        cards.append(
            lazy_card(
                group_title(group),
                lambda names=tuple(names): [
                    editor_widgets(state, "physics_overrides", state.physics_editor, names)
                ],
            )
        )
    return [active, *cards]


def _physics_card(state: SessionState) -> pn.Card:
    """The physics card: open, and its title naming the active groups, when a shared link (or
    a configuration) sets new physics — so that it shows at first sight."""

    def title() -> str:
        try:
            groups = state.new_physics_active()
        except Exception:
            groups = []
        names = ", ".join(group_title(g) for g in groups)
        return f"Electroweak & new physics — {names}" if names else "Electroweak & new physics"

    # its groups' cards are made when it is first opened (about 30 Bokeh models and 50 Panel
    # objects less per page)
    card = lazy_card(title(), lambda: _physics_cards(state), collapsed=not state.physics_overrides)
    state.param.watch(lambda _event: setattr(card, "title", title()), "physics_overrides")
    return card


def sidebar(state: SessionState) -> list[pn.viewable.Viewable]:
    """Preset, target & exposure, nucleus, source, detector, physics, band."""
    s = state.param

    def field(name: str, **kw: Any) -> pn.Column:
        return state_field(state, name, **kw)

    source_widgets = pn.bind(
        lambda *_: editor_widgets(
            state, "source_overrides", state.source_editor, source_parameters(state.source_type)
        ),
        s.source_editor_changed,
    )
    model_widgets = pn.bind(
        lambda *_: editor_widgets(
            state,
            "form_factor_params",
            state.form_factor_editor,
            form_factor_parameters(state.form_factor_model),
        ),
        s.form_factor_editor_changed,
    )
    return [
        field("experiment"),
        _preset_note(state),
        _card("Target & exposure", field("target"), field("mass_kg"), field("live_time_days")),
        lazy_card(
            "Nucleus",
            lambda: [field("form_factor_model"), model_widgets, field("skin_fm"), field("R_n_fm")],
        ),
        lazy_card("Source", lambda: [field("source_type"), source_widgets]),
        _card(
            "Detector response",
            field("threshold"),
            pn.Row(field("threshold_unit"), field("observable"), sizing_mode="stretch_width"),
            field("quenching"),
            _when(state, "quenching", "constant", field("quenching_factor")),
            _when(state, "quenching", "lindhard", field("lindhard_k")),
            field("efficiency"),
            _when(state, "efficiency", "constant", field("efficiency_value")),
            field("resolution"),
            _when(state, "resolution", "gaussian", field("resolution_stochastic")),
        ),
        _physics_card(state),
        lazy_card(
            "Uncertainty band",
            lambda: [field("flux_uncertainty"), field("quenching_uncertainty")],
        ),
    ]
