"""The sidebar's cards (dashboard/sidebar.py): the physics card builds its groups when opened."""

from __future__ import annotations

import panel as pn

from dashboard.labels import group_title, new_physics_groups
from dashboard.sidebar import sidebar
from dashboard.state import SessionState


def _physics_card(state: SessionState) -> pn.Card:
    return next(
        item
        for item in sidebar(state)
        if isinstance(item, pn.Card) and item.title.startswith("Electroweak & new physics")
    )


def _card_titles(card: pn.Card) -> list[str]:
    return [obj.title for obj in card.objects if isinstance(obj, pn.Card)]


def test_the_physics_card_builds_its_groups_cards_when_first_opened():
    card = _physics_card(SessionState())
    assert card.collapsed and card.objects == []  # nothing for the first page
    card.collapsed = False
    titles = _card_titles(card)
    assert titles[0] == "Electroweak (Standard Model)"
    assert titles[1:] == [group_title(g) for g in new_physics_groups()]
    card.collapsed = True
    card.collapsed = False  # filled once
    assert _card_titles(card) == titles


def test_a_link_setting_new_physics_opens_the_physics_card_filled():
    state = SessionState()
    state.physics_editor.eps_uV_ee = 0.3
    card = _physics_card(state)
    assert not card.collapsed
    assert card.title == f"Electroweak & new physics — {group_title('nsi_vector')}"
    assert len(_card_titles(card)) == 1 + len(new_physics_groups())
