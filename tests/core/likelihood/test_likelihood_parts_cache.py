"""The cache of built data sets behind ``cc.Likelihood(names, **options)``: keyed by value
(an Experiment by its spec), bounded, isolated from later changes of the caller's objects."""

import numpy as np

import cevns_core as cc
from cevns_core.likelihood import joint
from cevns_core.likelihood.joint import MAX_CACHED_PARTS, _cached_part


def test_equal_experiments_share_one_part():
    a, b = cc.experiment("coherent_csi_2017"), cc.experiment("coherent_csi_2017")
    assert a is not b
    first = _cached_part("coherent_csi_2017_2d", experiment=a)
    assert _cached_part("coherent_csi_2017_2d", experiment=b) is first
    # through the public API too: the Likelihood's part is the cached one
    assert cc.Likelihood(["coherent_csi_2017_2d"], experiment=b).parts[0] is first
    # another value is another part, with its own prediction
    c = cc.experiment("coherent_csi_2017")
    c.form_factor_params = {"R_n_fm": 5.5}
    other = _cached_part("coherent_csi_2017_2d", experiment=c)
    assert other is not first
    assert not np.allclose(other.predict(), first.predict(), rtol=1e-6)


def test_a_change_of_the_callers_experiment_does_not_reach_the_cached_part():
    exp = cc.experiment("coherent_csi_2017")
    part = _cached_part("coherent_csi_2017_2d", experiment=exp)
    before = part.predict().copy()
    exp.form_factor_params = {"R_n_fm": 6.0}
    np.testing.assert_array_equal(part.predict(), before)
    assert _cached_part("coherent_csi_2017_2d", experiment=exp) is not part


def test_the_cache_does_not_grow_past_its_bound():
    assert "likelihood_parts" in cc.caching.cache_info()
    for k in range(MAX_CACHED_PARTS + 4):
        exp = cc.experiment("coherent_csi_2017")
        exp.form_factor_params = {"R_n_fm": 4.0 + 0.05 * k}
        _cached_part("coherent_csi_2017_2d", experiment=exp)
        assert len(joint._PARTS) <= MAX_CACHED_PARTS
    assert len(joint._PARTS) == MAX_CACHED_PARTS
    # the most recent entries are kept, the oldest were dropped
    latest = cc.experiment("coherent_csi_2017")
    latest.form_factor_params = {"R_n_fm": 4.0 + 0.05 * (MAX_CACHED_PARTS + 3)}
    misses = joint._PARTS.misses
    _cached_part("coherent_csi_2017_2d", experiment=latest)
    assert joint._PARTS.misses == misses
