"""Neutrino sources (PHYSICS.md §5)."""
