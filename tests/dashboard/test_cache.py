"""The results cache: bounded in bytes, least recently used out first; the settings."""

from __future__ import annotations

import numpy as np
import pytest

from dashboard import results
from dashboard.cache import CACHE, OBJECT_BYTES, ResultCache, cached, nbytes
from dashboard.settings import SETTINGS, configure
from dashboard.state import SessionState


def test_sizes_count_the_arrays():
    a = np.zeros(1000)  # 8000 bytes
    assert 8000 <= nbytes(a) < 8200
    assert 16000 <= nbytes({"x": a, "y": (a, 1.0)}) < 16600
    assert nbytes(object()) == OBJECT_BYTES


def test_eviction_by_bytes_least_recently_used_first():
    cache = ResultCache(max_bytes=25_000)
    for key in "abc":
        cache.put("g", key, np.zeros(1000), 8_000, None)
    assert cache.stats()["entries"] == 3 and cache.total == 24_000
    assert cache.get("g", "a")[0]  # "a" becomes the most recent
    cache.put("g", "d", np.zeros(1000), 8_000, None)  # over the budget: "b" goes
    assert [cache.get("g", k)[0] for k in "abcd"] == [True, False, True, True]
    assert cache.total <= cache.max_bytes
    cache.put("g", "huge", np.zeros(10_000), 80_000, None)  # larger than the budget: not kept
    assert not cache.get("g", "huge")[0] and cache.stats()["entries"] == 3
    cache.resize(10_000)  # a smaller budget drops at once
    assert cache.total <= 10_000 and cache.stats()["entries"] == 1
    cache.clear()
    assert cache.total == 0 and cache.stats()["entries"] == 0


def test_a_function_may_bound_its_own_entries():
    cache = ResultCache(max_bytes=10**9)
    for i in range(5):
        cache.put("f", str(i), i, 32, 2)
        cache.put("h", str(i), i, 32, None)
    assert [cache.get("f", str(i))[0] for i in range(5)] == [False] * 3 + [True] * 2
    assert all(cache.get("h", str(i))[0] for i in range(5))


def test_the_process_cache_holds_results_within_its_budget():
    results.clear_caches()
    spec = SessionState().spec()
    sp = results.spectrum(spec, 100, False)
    held = CACHE.stats()
    assert held["bytes"] > sp.T_keV.nbytes  # the spectrum (and its experiment) are counted
    assert results.spectrum(spec, 100, False).parts is sp.parts  # a hit
    try:
        configure(cache_bytes=1)  # nothing fits: everything is recomputed, nothing kept
        assert CACHE.stats()["entries"] == 0
        assert results.spectrum(spec, 100, False).parts is not sp.parts
        assert CACHE.stats()["bytes"] == 0
    finally:
        configure(cache_bytes=256 * 2**20)


def test_cached_functions_key_on_content():
    calls = []

    @cached()
    def f(spec):
        calls.append(1)
        return spec["x"]

    assert f({"x": 1, "y": 2}) == f({"y": 2, "x": 1}) == 1
    assert len(calls) == 1
    f.clear()
    f({"x": 1, "y": 2})
    assert len(calls) == 2


def test_settings_are_checked():
    with pytest.raises(ValueError, match="unknown dashboard setting"):
        configure(cache_size=1)
    with pytest.raises(ValueError, match="scans_per_server"):
        configure(scans_per_server=0)
    assert SETTINGS.scans_per_server == 1  # unchanged after a refusal
