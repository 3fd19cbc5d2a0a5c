"""Likelihoods of the COHERENT data sets: binned Poisson models with named nuisances (draft)."""

from .model import BinnedPoissonModel, Component, Nuisance, ShapeEffect

__all__ = ["BinnedPoissonModel", "Component", "Nuisance", "ShapeEffect"]
