"""Exact counts from the providers' count endpoints, against a local fake server."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fake_providers import FRAME, FakeProviders, fake_count, running

from tokenbudget.core import remote_count as rc
from tokenbudget.core.settings import DEFAULTS, Settings

KEY = "sk-test-SECRET-0123456789"
TEXT = "count these five words"


@pytest.fixture
def server() -> Iterator[FakeProviders]:
    with running() as srv:
        yield srv


def count(server: FakeProviders, provider: str, model: str, timeout: float = 5.0) -> int:
    return rc.count_remote(provider, model, TEXT, KEY, base_url=server.url, timeout=timeout)


def test_anthropic_shape_headers_and_frame(server: FakeProviders) -> None:
    assert count(server, "anthropic", "claude-sonnet-4-6") == fake_count(TEXT) + FRAME
    (req,) = server.requests
    assert req.path == "/v1/messages/count_tokens"
    assert req.headers["x-api-key"] == KEY
    assert req.headers["anthropic-version"] == "2023-06-01"
    assert req.body == {
        "model": "claude-sonnet-4-6",
        "messages": [{"role": "user", "content": TEXT}],
    }
    assert "max_tokens" not in req.body


def test_gemini_shape(server: FakeProviders) -> None:
    assert count(server, "gemini", "gemini-2.5-flash") == 4
    (req,) = server.requests
    assert req.path == "/v1beta/models/gemini-2.5-flash:countTokens"
    assert req.headers["x-goog-api-key"] == KEY
    assert "authorization" not in req.headers
    assert req.body["contents"][0]["parts"][0]["text"] == TEXT


@pytest.mark.parametrize(
    ("provider", "path", "body"),
    [
        ("openai", "/v1/responses/input_tokens", {"model": "m", "input": TEXT}),
        ("xai", "/v1/tokenize-text", {"text": TEXT, "model": "m"}),
    ],
)
def test_bearer_shapes(server: FakeProviders, provider: str, path: str, body: object) -> None:
    assert count(server, provider, "m") == 4
    (req,) = server.requests
    assert req.path == path
    assert req.headers["authorization"] == f"Bearer {KEY}"
    assert req.body == body


@pytest.mark.parametrize("provider", rc.PROVIDERS)
def test_key_is_sent_only_in_its_header(server: FakeProviders, provider: str) -> None:
    count(server, provider, "m")
    (req,) = server.requests
    header = {"anthropic": "x-api-key", "gemini": "x-goog-api-key"}.get(provider, "authorization")
    assert KEY not in req.path
    assert KEY.encode() not in req.raw
    assert [name for name, value in req.headers.items() if KEY in value] == [header]


@pytest.mark.parametrize(
    ("mode", "kind", "reason"),
    [
        ("401", rc.AuthError, "invalid key (401)"),
        ("403", rc.AuthError, "key not allowed to count (403)"),
        ("429", rc.RateLimitedError, "rate limited (429, retry after 30 s)"),
        ("500", rc.ServerError, "provider error (500)"),
        ("malformed", rc.BadResponseError, "malformed response (not JSON)"),
        ("shape", rc.BadResponseError, "malformed response (no token count)"),
    ],
)
@pytest.mark.parametrize("provider", rc.PROVIDERS)
def test_failures_have_short_reasons_without_the_key(
    server: FakeProviders, provider: str, mode: str, kind: type[Exception], reason: str
) -> None:
    server.mode = mode
    with pytest.raises(kind) as info:
        count(server, provider, "m")
    err = info.value
    assert isinstance(err, rc.RemoteCountError)
    assert err.reason == reason
    for shown in (str(err), repr(err), repr(err.args), repr(err.__cause__), repr(err.__context__)):
        assert KEY not in shown
    assert err.__cause__ is None
    assert err.__context__ is None or err.__suppress_context__  # no urllib error chained


def test_rate_limit_carries_retry_after(server: FakeProviders) -> None:
    server.mode = "429"
    server.retry_after = "12"
    with pytest.raises(rc.RateLimitedError) as info:
        count(server, "openai", "m")
    assert info.value.retry_after == 12
    assert info.value.status == 429


def test_timeout(server: FakeProviders) -> None:
    server.mode = "slow"
    server.slow_s = 1.0
    started = time.perf_counter()
    with pytest.raises(rc.RemoteTimeoutError, match=r"timed out after 0.2 s"):
        count(server, "anthropic", "m", timeout=0.2)
    assert time.perf_counter() - started < 0.9


def test_offline() -> None:
    with running() as srv:
        url = srv.url
    with pytest.raises(rc.OfflineError, match="offline or unreachable") as info:
        rc.count_remote("xai", "m", TEXT, KEY, base_url=url, timeout=1)
    assert KEY not in str(info.value)


def test_other_hosts_are_not_reached_in_tests() -> None:
    # The autouse fixture refuses them; this proves the client maps that to "offline".
    with pytest.raises(rc.OfflineError):
        rc.count_remote("openai", "m", TEXT, KEY, base_url="https://192.0.2.1", timeout=1)


def test_cache_is_bounded_and_keyed_by_text_hash() -> None:
    cache = rc.RemoteCache(size=2)
    cache.put("openai", "m", rc.text_hash("a"), 1)
    cache.put("openai", "m", rc.text_hash("b"), 2)
    assert cache.get("openai", "m", rc.text_hash("a")) == 1  # now the most recent
    cache.put("openai", "m", rc.text_hash("c"), 3)
    assert len(cache) == 2
    assert cache.get("openai", "m", rc.text_hash("b")) is None
    assert cache.get("openai", "other", rc.text_hash("a")) is None
    assert cache.get("xai", "m", rc.text_hash("a")) is None


def config(server: FakeProviders, timeout: float = 5.0) -> rc.RemoteConfig:
    urls = dict.fromkeys(rc.PROVIDERS, server.url)
    return rc.RemoteConfig(frozenset(rc.PROVIDERS), urls, timeout)


def test_counter_caches_and_measures_the_anthropic_frame_once(server: FakeProviders) -> None:
    counter = rc.RemoteCounter()
    first = counter.count("anthropic", "claude-x", TEXT, KEY, config(server))
    assert first == rc.RemoteResult("anthropic", "claude-x", 4 + FRAME, frame=FRAME)
    again = counter.count("anthropic", "claude-x", TEXT, KEY, config(server))
    assert again.cached and again.tokens == 4 + FRAME
    other = counter.count("anthropic", "claude-x", TEXT + " more", KEY, config(server))
    assert other.tokens == 5 + FRAME and not other.cached
    # The text, the frame probe, the second text: the repeat and the second frame were free.
    assert len(server.requests) == 3


def test_a_429_leaves_the_provider_alone_for_its_retry_after(server: FakeProviders) -> None:
    now = [1000.0]
    counter = rc.RemoteCounter(clock=lambda: now[0])
    server.mode = "429"  # answers Retry-After: 30
    first = counter.count("openai", "gpt-5.5", TEXT, KEY, config(server))
    assert first.reason is not None and first.reason.startswith("rate limited (429")
    asked = len(server.requests)
    server.mode = "ok"
    quiet = counter.count("openai", "gpt-5.5", TEXT + " more", KEY, config(server))
    assert len(server.requests) == asked  # nothing sent while it waits
    assert quiet.reason == "rate limited (429); asking again in 30 s"
    other = counter.count("gemini", "gemini-2.5-flash", TEXT, KEY, config(server))
    assert other.ok  # other providers are not held back
    now[0] += 31
    again = counter.count("openai", "gpt-5.5", TEXT + " more", KEY, config(server))
    assert again.ok and again.tokens == fake_count(TEXT + " more")


def test_counter_reports_failures_as_results(server: FakeProviders) -> None:
    server.mode = "401"
    result = rc.RemoteCounter().count("gemini", "gemini-2.5-flash", TEXT, KEY, config(server))
    assert result == rc.RemoteResult("gemini", "gemini-2.5-flash", reason="invalid key (401)")
    assert not result.ok


def test_settings_defaults_and_config(tmp_path: object) -> None:
    assert DEFAULTS["remote_count"] == dict.fromkeys(rc.PROVIDERS, False)
    from tokenbudget.core import balances

    # One table of base URLs: the count endpoints' and the balance providers'.
    assert DEFAULTS["base_urls"] == {**rc.DEFAULT_BASE_URLS, **balances.DEFAULT_BASE_URLS}
    assert DEFAULTS["remote_timeout_s"] == 10
    settings = Settings(tmp_path / "s.json")  # type: ignore[operator]
    default = rc.RemoteConfig.from_settings(settings.get)
    assert default.enabled == frozenset()
    assert default.timeout_s == 10
    settings.set("remote_count", {"anthropic": True, "openai": "yes"})
    settings.set("base_urls", {"anthropic": "http://127.0.0.1:1"})
    settings.set("remote_timeout_s", "bad")
    cfg = rc.RemoteConfig.from_settings(settings.get)
    assert cfg.enabled == {"anthropic"}
    assert cfg.base_urls["anthropic"] == "http://127.0.0.1:1"
    assert cfg.base_urls["xai"] == "https://api.x.ai"
    assert cfg.timeout_s == rc.DEFAULT_TIMEOUT_S
