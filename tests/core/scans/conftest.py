"""Shared fixtures of the scan tests."""

import pytest

import cevns_core as cc


@pytest.fixture(scope="module")
def csi():
    return cc.experiment("coherent_csi_2017")
