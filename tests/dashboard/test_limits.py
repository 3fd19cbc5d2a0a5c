"""Limits of the served dashboard (``dashboard/limits.py``): URL checks, rate limiter, login
throttle, option validation. Plain Python, no server; clocks are injected."""

from __future__ import annotations

import pytest

from dashboard.limits import (
    DEFAULT_LIMITS,
    LOGIN_DELAY_MAX_S,
    MAX_TRACKED_CLIENTS,
    Limits,
    LoginThrottle,
    RateLimiter,
    check_url,
    client_key,
    format_size,
    parse_size,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_url_checks_name_the_limit_and_option() -> None:
    limits = Limits(max_url_length=300, max_url_value=20)
    assert check_url("/cevns?thr=6&exp=coherent_csi_2017", limits) is None
    assert check_url("/cevns?" + "a=1&" * 73, limits) is None  # 299 characters
    refusal = check_url("/cevns?" + "a=1&" * 74, limits)  # 303
    assert refusal.status == 414 and "--max-url-length" in refusal.message
    refusal = check_url("/cevns?thr=" + "9" * 21, limits)
    assert refusal.status == 414 and "'thr': 21 characters" in refusal.message
    assert "--max-url-value" in refusal.message
    assert check_url("/cevns?" + "k" * 21 + "=1", limits).status == 414  # long names too
    assert check_url("?thr=" + "9" * 20, limits) is None  # exactly at the limit
    # the default value limit is below Python's 4300-digit int() limit (Panel parses digits)
    assert DEFAULT_LIMITS.max_url_value < 4300
    assert check_url("/cevns?thr=" + "1" * 5000, DEFAULT_LIMITS).status == 414


def test_limits_are_validated_with_the_option_name() -> None:
    with pytest.raises(ValueError, match="--max-sessions must be an integer ≥ 1"):
        Limits(max_sessions=0)
    with pytest.raises(ValueError, match="--max-page-rate must be a number > 0"):
        Limits(page_rate=0)
    with pytest.raises(ValueError, match="--login-delay"):
        Limits(login_delay_s=-1)
    with pytest.raises(ValueError, match="cannot exceed --max-url-length"):
        Limits(max_url_length=1000, max_url_value=2000)
    with pytest.raises(ValueError, match="--max-message-size must be at least"):
        Limits(max_message_bytes=100_000)  # below one 256 KiB upload chunk
    assert Limits(max_upload_bytes=10_000).upload_chunk_bytes == 10_000
    assert DEFAULT_LIMITS.upload_chunk_bytes == 262_144


def test_sizes() -> None:
    assert [parse_size(s) for s in ("1MB", "1 mb", "500KB", "2MiB", "64KiB", "1.5MB", "123")] == [
        1_000_000,
        1_000_000,
        500_000,
        2_097_152,
        65_536,
        1_500_000,
        123,
    ]
    for bad in ("", "MB", "1 parsec", "-1MB"):
        with pytest.raises(ValueError, match="not a size"):
            parse_size(bad)
    assert [format_size(n) for n in (1_000_000, 1_048_576, 100_000, 262_144, 999)] == [
        "1 MB",
        "1 MiB",
        "100 kB",
        "256 KiB",
        "999 bytes",
    ]


def test_client_keys_group_ipv6_networks() -> None:
    assert client_key("10.1.2.3") == "10.1.2.3"
    assert client_key("::ffff:10.1.2.3") == "10.1.2.3"  # IPv4-mapped: the IPv4 address
    assert client_key("2001:db8:1:2::5") == client_key("2001:db8:1:2:ffff::9")
    assert client_key("2001:db8:1:2::5") != client_key("2001:db8:1:3::5")
    assert client_key(None) == "?"


def test_rate_limiter_bursts_then_refills() -> None:
    clock = Clock()
    limiter = RateLimiter(2.0, 3, clock=clock)
    assert [limiter.allow("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.allow("a") == pytest.approx(0.5)  # one token per 0.5 s
    assert limiter.allow("b") == 0.0  # per client
    clock.now += 0.5
    assert limiter.allow("a") == 0.0
    assert limiter.allow("a") > 0
    clock.now += 100  # refills up to the burst only
    assert [limiter.allow("a") for _ in range(4)][-1] > 0


def test_rate_limiter_memory_is_bounded() -> None:
    limiter = RateLimiter(1.0, 1, clock=Clock(), max_clients=50)
    for i in range(1000):
        limiter.allow(f"10.0.{i // 256}.{i % 256}")
    assert len(limiter) == 50
    assert MAX_TRACKED_CLIENTS >= 1000


def test_login_throttle_doubles_per_failure_up_to_a_maximum() -> None:
    clock = Clock()
    throttle = LoginThrottle(1.0, clock=clock)
    assert throttle.wait_s("addr:a", "user:alice") == 0
    delays = []
    for _ in range(9):
        delays.append(throttle.failed("addr:a", "user:alice"))
        assert throttle.wait_s("user:alice") == pytest.approx(delays[-1])
        clock.now += delays[-1]
    assert delays == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert LOGIN_DELAY_MAX_S == 60
    assert throttle.wait_s("addr:b", "user:bob") == 0  # others are not affected
    throttle.succeeded("addr:a", "user:alice")
    assert throttle.failed("user:alice") == 1  # a success starts over
    clock.now += 901  # failures are forgotten after 15 min without another
    assert throttle.failed("user:alice") == 1


def test_login_throttle_off() -> None:
    throttle = LoginThrottle(0.0, clock=Clock())
    assert throttle.failed("addr:a") == 0 and throttle.wait_s("addr:a") == 0


def test_rate_limiter_with_costs() -> None:
    clock = Clock()
    limiter = RateLimiter(1000.0, 4000, clock=clock)  # e.g. bytes per second
    assert limiter.allow("a", 3000) == 0.0
    assert limiter.allow("a", 3000) == pytest.approx(2.0)  # 1000 left, 2000 missing
    clock.now += 2.0
    assert limiter.allow("a", 3000) == 0.0
    assert limiter.allow("b", 10_000) == 0.0  # a cost above the burst costs the burst
    assert limiter.allow("b", 1) > 0
