"""The value-keyed caches (cevns_core.caching) and the models' fingerprints.

A cache is only correct if its key changes whenever the cached value could: these tests assign,
mutate in place and nest parameters and check the fingerprint follows, and that equal values
give equal keys (so rebuilt objects hit the caches). They also check the cache's bounds, its
read-only results and its behaviour under threads.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import param
import pytest

import cevns_core as cc
from cevns_core.caching import LRUCache, cache_info, clear_caches, fingerprint, readonly
from cevns_core.response import GaussianResolution, TabulatedEfficiency
from cevns_core.sources import CompositeSource, PionDecayAtRest, Solar, TabulatedSource


def test_equal_models_have_equal_fingerprints_and_a_change_makes_a_new_one():
    a = cc.experiment("coherent_lar_2020").detector
    b = cc.experiment("coherent_lar_2020").detector
    assert a is not b
    assert fingerprint(a) == fingerprint(b)
    assert hash(fingerprint(a)) == hash(fingerprint(b))
    b.threshold = 5.0
    assert fingerprint(a) != fingerprint(b)
    b.threshold = a.threshold  # back to the same value: the same key again
    assert fingerprint(a) == fingerprint(b)


def test_a_nested_model_change_changes_the_parent_fingerprint():
    det = cc.experiment("coherent_lar_2020").detector
    before = fingerprint(det)
    det.resolution.stochastic = 0.6  # in place, on the nested model: the detector is not told
    assert fingerprint(det) != before
    det.resolution.stochastic = 0.58
    assert fingerprint(det) == before
    det.quenching = cc.quenching_model("constant", value=0.25)  # a new nested model
    assert fingerprint(det) != before


def test_param_update_and_watchers_invalidate():
    src = PionDecayAtRest(protons_on_target=1e23)
    before = fingerprint(src)
    src.param.update(distance_m=20.0)
    assert fingerprint(src) != before
    key = fingerprint(src)
    # a watcher switches the normalisation when the exposure goes: part of the key too
    src.protons_on_target = None
    assert src.normalisation == "flux"
    assert fingerprint(src) != key


def test_in_place_changes_of_lists_dicts_and_arrays_are_seen():
    solar, other = Solar(), Solar()
    both = CompositeSource(sources=[solar])
    before = fingerprint(both)
    both.sources.append(other)  # a list mutated in place
    assert fingerprint(both) != before

    exp = cc.experiment("coherent_csi_2017")
    key = fingerprint(exp)
    exp.form_factor_params["s_fm"] = 0.8  # a dict mutated in place
    assert fingerprint(exp) != key

    E = np.linspace(1.0, 10.0, 10)
    table = TabulatedSource(E_MeV=E, spectra={"nu_e": np.ones(10)}, normalisation="flux")
    key = fingerprint(table)
    table.spectra["nu_e"][3] = 2.0  # an array inside a dict, changed in place
    assert fingerprint(table) != key


def test_values_of_every_kind():
    assert fingerprint(np.arange(3.0)) == fingerprint(np.arange(3.0))
    assert fingerprint(np.arange(3.0)) != fingerprint(np.arange(3.0).reshape(3, 1))
    assert fingerprint(np.arange(3.0)) != fingerprint(np.arange(3))  # dtype is part of it
    assert fingerprint({"b": 1, "a": [1, 2]}) == fingerprint({"a": [1, 2], "b": 1})
    assert fingerprint((1.0, "x", None)) == fingerprint((1.0, "x", None))
    assert fingerprint((1.0, "x", None)) != fingerprint((1.0, "y", None))
    assert fingerprint([1.0, 2.0]) != fingerprint((1.0, 2.0))  # the container kind counts

    def f(x):
        return x

    def g(x):
        return x

    assert fingerprint(f) == fingerprint(f)
    assert fingerprint(f) != fingerprint(g)  # functions by identity
    assert fingerprint(cc.isotope("Cs133")) == fingerprint(cc.isotope("Cs-133"))


class _PlainModel(param.Parameterized):
    x = param.Number(1.0)


class _SourceWithState(cc.sources.Source):
    """A user source keeping its table outside the parameters."""

    def __init__(self, scale: float) -> None:
        super().__init__(normalisation="flux")
        self.scale = scale

    def components(self):
        from cevns_core.sources.base import Line

        return (Line("nu_e", 10.0, self.scale),)


def test_models_from_outside_the_package_include_their_attributes():
    assert fingerprint(_PlainModel(x=1.0)) == fingerprint(_PlainModel(x=1.0))
    assert fingerprint(_PlainModel(x=1.0)) != fingerprint(_PlainModel(x=2.0))
    one, two = _SourceWithState(1.0), _SourceWithState(2.0)
    assert fingerprint(one) != fingerprint(two)
    one.scale = 2.0
    assert fingerprint(one) == fingerprint(two)
    # and the rate engine sees the state (no stale spectrum)
    T = np.linspace(0.1, 1.0, 5)
    a = cc.recoil_spectrum(_SourceWithState(1.0), {"Ar40": 1.0}, T).total
    b = cc.recoil_spectrum(_SourceWithState(3.0), {"Ar40": 1.0}, T).total
    np.testing.assert_allclose(b, 3.0 * a, rtol=1e-14)


def test_lru_cache_bounds_entries_and_bytes():
    cache = LRUCache("test entries", max_entries=3, max_bytes=10_000)
    for k in range(5):
        cache.get(k, lambda k=k: np.full(10, float(k)))
    assert len(cache) == 3
    calls = []
    assert cache.get(4, lambda: calls.append(1))[0] == 4.0 and not calls  # kept
    cache.get(0, lambda: calls.append(1) or np.zeros(10))
    assert calls == [1]  # evicted, recomputed
    # bytes: two 4000-byte arrays fit, a third evicts the oldest
    small = LRUCache("test bytes", max_entries=100, max_bytes=10_000)
    for k in range(3):
        small.get(k, lambda: np.zeros(500))
    assert len(small) == 2
    assert small.info()["bytes"] == 8000
    # an entry larger than the limit is returned, not kept
    big = small.get("big", lambda: np.zeros(5000))
    assert big.size == 5000 and "big" not in small._data
    clear_caches()
    assert len(cache) == len(small) == 0
    assert "test bytes" in cache_info()


def test_cached_results_are_read_only_and_errors_are_not_cached():
    cache = LRUCache("test read-only", max_entries=4)
    value = cache.get("a", lambda: (np.ones(3), {"x": np.zeros(2)}))
    assert not value[0].flags.writeable and not value[1]["x"].flags.writeable
    with pytest.raises(ValueError):
        value[0][0] = 2.0
    assert readonly(5) == 5
    calls = []

    def failing():
        calls.append(1)
        raise cc.CevnsError("bad")

    for _ in range(2):
        with pytest.raises(cc.CevnsError):
            cache.get("b", failing)
    assert calls == [1, 1]


def test_threads_get_the_same_results_as_one_thread():
    """Worker threads (as the dashboard's) share the caches: same numbers as sequentially."""
    physics = [cc.StandardModel(sin2_theta_W=0.230 + 0.002 * k) for k in range(6)]
    names = ["coherent_csi_2017", "coherent_lar_2020", "conus"]

    def run(job):
        name, p = job
        exp = cc.experiment(name, physics=p)
        return exp.counts().total

    jobs = [(n, p) for n in names for p in physics]
    clear_caches()
    sequential = [run(j) for j in jobs]
    clear_caches()
    barrier = threading.Barrier(4)

    def start(job):
        try:
            barrier.wait(timeout=5)
        except threading.BrokenBarrierError:
            pass
        return run(job)

    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(start, jobs * 2))
    np.testing.assert_allclose(parallel, sequential * 2, rtol=1e-12, atol=0.0)


def test_a_rejected_assignment_leaves_a_valid_key():
    res = GaussianResolution(stochastic=0.5)
    key = fingerprint(res)
    with pytest.raises(cc.CevnsError):
        res.stochastic = -1.0
    assert fingerprint(res) == key
    eff = TabulatedEfficiency(x=(0.0, 1.0, 2.0), efficiency=(0.0, 0.5, 1.0))
    assert fingerprint(eff) == fingerprint(
        TabulatedEfficiency(x=(0.0, 1.0, 2.0), efficiency=(0.0, 0.5, 1.0))
    )


def test_interned_fingerprints_of_equal_composites_are_one_object():
    """A model with list parameters is fingerprinted anew on every call; equal results are
    the same stored object, so cache look-ups compare them by identity."""
    a = cc.experiment("xenon_1t_floor").source
    b = cc.experiment("xenon_1t_floor").source
    assert fingerprint(a) is fingerprint(b)
    b.sources[0].param.update(**{})  # no change
    assert fingerprint(a) is fingerprint(b)
    b.sources.pop()
    assert fingerprint(a) != fingerprint(b)


def test_copies_and_pickles_do_not_share_kept_fingerprints():
    import copy
    import pickle

    det = cc.experiment("coherent_lar_2020").detector
    key = fingerprint(det)
    twin = copy.copy(det)
    twin.threshold = 10.0
    assert fingerprint(twin) != key
    assert fingerprint(det) == key
    det.upper_limit = 100.0  # both have been assigned once since the copy
    assert fingerprint(det) != fingerprint(twin)
    assert dict(fingerprint(det).parts[0].parts[1])["upper_limit"] == 100.0
    assert dict(fingerprint(twin).parts[0].parts[1])["threshold"] == 10.0

    exp = cc.experiment("coherent_csi_2021")
    exp.counts()
    for clone in (copy.deepcopy(exp), pickle.loads(pickle.dumps(exp))):
        assert fingerprint(clone) == fingerprint(exp)
        assert clone.counts().total == pytest.approx(exp.counts().total, rel=1e-12)
        clone.detector.threshold = 20.0
        assert clone.counts().total < exp.counts().total


def test_large_arrays_are_keyed_by_a_digest():
    big = np.linspace(0.0, 1.0, 5000)
    key = fingerprint(big)
    assert len(key.parts[3]) == 20  # a digest, not 40 kB of bytes
    assert fingerprint(big.copy()) == key
    changed = big.copy()
    changed[2500] = np.nextafter(changed[2500], 2.0)  # one ulp
    assert fingerprint(changed) != key
    assert fingerprint(big[::2]) == fingerprint(np.ascontiguousarray(big[::2]))
