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

from panel.theme.fast import Fast as _PanelFast

__all__ = ["Fast"]


class Fast(_PanelFast):
    """Panel's Fast design, minus the Google-Fonts stylesheet."""

    _resources: ClassVar[dict[str, Any]] = {
        k: v for k, v in _PanelFast._resources.items() if k != "font"
    }
