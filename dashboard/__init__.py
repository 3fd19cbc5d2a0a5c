"""Panel dashboard for the CEvNS workbench.

Layers: :mod:`dashboard.state` holds one session's choices and calls :mod:`cevns_core`;
:mod:`dashboard.views` turn the returned arrays into HoloViews plots; :mod:`dashboard.app` assembles
the page. Nothing in this package computes physics.
"""
