"""The page's design: Panel's Fast design without the web font it fetches from Google Fonts.

Panel's ``Fast`` design lists ``https://fonts.googleapis.com/css?family=Open+Sans`` as a resource
of every page. The dashboard must request nothing outside its own server (offline labs), so this
subclass drops that resource and the template sets a system font stack instead
(:data:`dashboard.app.FONT`). Everything else — the Fast web components, light and dark themes,
the theme toggle — is Panel's, served from the Panel server's own static files. The class keeps
the name ``Fast`` because Panel derives the static path of the design's bundled files from it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from panel.theme.base import Inherit
from panel.theme.fast import Fast as _PanelFast
from panel.widgets import CheckButtonGroup, RadioButtonGroup

__all__ = ["TOGGLE_CSS", "Fast"]

#: Toggle buttons (radio and check button groups): the selected ones filled with the accent in
#: white bold text and underlined, the others outlined. Fast's own style draws the selected
#: button lighter than the rest, which reads as "not selected" (light and dark themes).
TOGGLE_CSS = """
.bk-btn-group .bk-btn.bk-active {
  background-color: var(--accent-fill-rest) !important;
  color: #ffffff !important;
  font-weight: 600;
  box-shadow: inset 0 -3px 0 rgba(0, 0, 0, 0.35) !important;
}
.bk-btn-group .bk-btn:not(.bk-active) {
  background-color: transparent !important;
  color: var(--neutral-foreground-rest) !important;
  border: 1px solid var(--accent-fill-rest) !important;
}
"""


class Fast(_PanelFast):
    """Panel's Fast design, minus the Google-Fonts stylesheet."""

    _resources: ClassVar[dict[str, Any]] = {
        k: v for k, v in _PanelFast._resources.items() if k != "font"
    }
    modifiers: ClassVar[dict[Any, Any]] = {
        **_PanelFast.modifiers,
        **{
            group: {"stylesheets": [Inherit, TOGGLE_CSS]}
            for group in (RadioButtonGroup, CheckButtonGroup)
        },
    }
