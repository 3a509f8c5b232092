"""Exact counts from the providers' own count endpoints (opt-in, per provider).

Pure standard library (``urllib.request``): one blocking call per count, with an explicit
timeout, meant to run on a worker thread. Every failure becomes a ``RemoteCountError`` whose
``reason`` is short and shown to the user as it is ("invalid key (401)"); the API key is sent
only in its header and never appears in a message, a log or an exception (the chained
``urllib`` error is dropped, since its repr may carry the request).

Endpoints (request body -> the field that holds the count):

==========  ==========================================  ===================================
anthropic   POST /v1/messages/count_tokens              {"input_tokens": N} (with the frame)
gemini      POST /v1beta/models/{model}:countTokens     {"totalTokens": N}
openai      POST /v1/responses/input_tokens             {"input_tokens": N}
xai         POST /v1/tokenize-text                      {"token_ids": [...]} (N = length)
==========  ==========================================  ===================================
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

from tokenbudget.core import message_texts as texts
from tokenbudget.core import providers
from tokenbudget.core.errors import (
    AuthError,
    BadResponseError,
    OfflineError,
    RateLimitedError,
    RemoteCountError,
    RemoteTimeoutError,
    ServerError,
    UnsafeAddressError,
)
from tokenbudget.core.messages import message

#: The providers with a count endpoint, their names and default base URLs (``core.providers``).
PROVIDERS = providers.COUNT_IDS
PROVIDER_LABELS = {p: providers.NAMES[p] for p in PROVIDERS}
DEFAULT_BASE_URLS = dict(providers.COUNT_URLS)

REDIRECTED = message(texts.REDIRECTED)

ANTHROPIC_VERSION = "2023-06-01"
DEFAULT_TIMEOUT_S = 10.0
#: A one-token text: counting it measures the message frame (count minus one).
FRAME_PROBE = "."


@dataclass(frozen=True)
class Endpoint:
    """Where and how to ask one provider."""

    url: str
    headers: dict[str, str]
    body: dict[str, Any]


def check_remote_provider(provider: str) -> str:
    """``provider`` if it has a count endpoint.

    Raises:
        ValueError: for any other provider.
    """
    if provider not in PROVIDERS:
        raise ValueError(f"no count endpoint for provider {provider!r}")
    return provider


def endpoint(provider: str, model: str, text: str, key: str, base_url: str) -> Endpoint:
    """The request that counts ``text`` for ``model`` at ``provider``."""
    base = base_url.rstrip("/")
    json_type = {"content-type": "application/json"}
    if check_remote_provider(provider) == "anthropic":
        return Endpoint(
            f"{base}/v1/messages/count_tokens",
            {**json_type, "x-api-key": key, "anthropic-version": ANTHROPIC_VERSION},
            {"model": model, "messages": [{"role": "user", "content": text}]},
        )
    if provider == "gemini":
        name = urllib.parse.quote(model, safe="")
        return Endpoint(
            f"{base}/v1beta/models/{name}:countTokens",
            {**json_type, "x-goog-api-key": key},
            {"contents": [{"role": "user", "parts": [{"text": text}]}]},
        )
    bearer = {**json_type, "authorization": f"Bearer {key}"}
    if provider == "openai":
        return Endpoint(
            f"{base}/v1/responses/input_tokens", bearer, {"model": model, "input": text}
        )
    return Endpoint(f"{base}/v1/tokenize-text", bearer, {"text": text, "model": model})


def parse_count(provider: str, payload: Any) -> int:
    """The token count in a provider's answer.

    Raises:
        BadResponseError: when the answer does not hold a count.
    """
    value: Any = None
    if isinstance(payload, dict):
        if provider in ("anthropic", "openai"):
            value = payload.get("input_tokens")
        elif provider == "gemini":
            value = payload.get("totalTokens")
        elif isinstance(payload.get("token_ids"), list):
            value = len(payload["token_ids"])
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BadResponseError(message(texts.MALFORMED_NO_COUNT))
    return value


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        from datetime import UTC, datetime

        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Follows no redirect: urllib would re-send every header, the key too, to the new place."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


#: Sends requests like ``urlopen`` but never follows a redirect (it surfaces as an HTTPError).
_OPENER = urllib.request.build_opener(_NoRedirects())


def _http_error(code: int, retry_after: str | None) -> RemoteCountError:
    if 300 <= code < 400:
        return UnsafeAddressError(REDIRECTED, status=code)
    if code == 401:
        return AuthError(message(texts.INVALID_KEY_401), status=code)
    if code == 403:
        return AuthError(message(texts.KEY_NOT_ALLOWED_403), status=code)
    if code == 429:
        wait = _retry_after(retry_after)
        reason = (
            message(texts.RATE_LIMITED_429)
            if wait is None
            else message(texts.RATE_LIMITED_429_RETRY, seconds=f"{wait:.0f}")
        )
        return RateLimitedError(reason, status=code, retry_after=wait)
    if code >= 500:
        return ServerError(message(texts.PROVIDER_ERROR, code=str(code)), status=code)
    return ServerError(message(texts.REQUEST_REFUSED, code=str(code)), status=code)


def _is_timeout(exc: BaseException) -> bool:
    return isinstance(exc, TimeoutError | socket.timeout) or "timed out" in str(exc)


def post_json(ep: Endpoint, timeout: float) -> Any:
    """POST ``ep`` and decode its JSON answer (mapping every failure, without the key)."""
    request = urllib.request.Request(
        ep.url, data=json.dumps(ep.body).encode("utf-8"), headers=ep.headers, method="POST"
    )
    return send_json(request, timeout)


def send_json(
    request: urllib.request.Request,
    timeout: float,
    *,
    parse_float: Callable[[str], Any] | None = None,
    max_body: int | None = None,
) -> Any:
    """Send ``request`` and decode its JSON answer.

    Every failure becomes a ``RemoteCountError`` whose reason never contains the request's
    headers (the key). Also used for the balance endpoints (``core.balances``). The request
    carries a key, so it goes only over https (or plain http to this machine) and a redirect
    is never followed: both are ``UnsafeAddressError`` and nothing is sent elsewhere.
    """
    problem = providers.url_problem(request.full_url)
    if problem is not None:
        raise UnsafeAddressError(message(texts.KEY_NOT_SENT, problem=problem))
    error: RemoteCountError
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            raw = response.read() if max_body is None else response.read(max_body + 1)
    except urllib.error.HTTPError as exc:
        error = _http_error(exc.code, exc.headers.get("Retry-After") if exc.headers else None)
        exc.close()
    except urllib.error.URLError as exc:
        if _is_timeout(exc.reason if isinstance(exc.reason, BaseException) else exc):
            error = RemoteTimeoutError(message(texts.TIMED_OUT, seconds=f"{timeout:g}"))
        else:
            error = OfflineError(message(texts.OFFLINE, why=_short(exc.reason)))
    except (OSError, ValueError) as exc:  # includes TimeoutError raised while reading
        if _is_timeout(exc):
            error = RemoteTimeoutError(message(texts.TIMED_OUT, seconds=f"{timeout:g}"))
        else:
            error = OfflineError(message(texts.CONNECTION_FAILED, why=type(exc).__name__))
    else:
        if max_body is not None and len(raw) > max_body:
            raise BadResponseError(message(texts.MALFORMED_TOO_LONG), detail="too long")
        try:
            return json.loads(raw, parse_float=parse_float)
        except ValueError:
            raise BadResponseError(message(texts.MALFORMED_NOT_JSON), detail="not JSON") from None
    raise error from None


def _short(reason: object) -> str:
    if isinstance(reason, OSError) and reason.strerror:
        return str(reason.strerror)
    return type(reason).__name__ if isinstance(reason, BaseException) else str(reason)[:80]


def count_remote(
    provider: str,
    model: str,
    text: str,
    key: str,
    *,
    base_url: str | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
) -> int:
    """Ask ``provider``'s count endpoint how many tokens ``text`` is for ``model``.

    Raises:
        RemoteCountError: (a subclass) with a short reason when no count came back.
    """
    base = base_url or DEFAULT_BASE_URLS[check_remote_provider(provider)]
    return parse_count(provider, post_json(endpoint(provider, model, text, key, base), timeout))


def text_hash(text: str) -> str:
    """sha256 of the UTF-8 text (the cache key; the text itself is never kept)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class RemoteCache:
    """Counts by (provider, model, text hash), least recently used dropped past ``size``.

    Thread-safe: worker threads read and fill it.
    """

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[str, str, str], int] = OrderedDict()

    def get(self, provider: str, model: str, digest: str) -> int | None:
        """The cached count, or None."""
        with self._lock:
            key = (provider, model, digest)
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, provider: str, model: str, digest: str, tokens: int) -> None:
        """Remember a count."""
        with self._lock:
            self._items[(provider, model, digest)] = tokens
            self._items.move_to_end((provider, model, digest))
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


@dataclass(frozen=True)
class RemoteResult:
    """An exact count from a provider, or why there is none.

    Attributes:
        provider: "anthropic", "gemini", "openai" or "xai".
        model: The model id sent.
        tokens: The provider's count (None on failure).
        reason: Why there is no count (None on success).
        frame: Tokens of the message frame included in ``tokens`` (Anthropic), if measured.
        cached: The count came from the cache, not a request.
    """

    provider: str
    model: str
    tokens: int | None = None
    reason: str | None = None
    frame: int | None = None
    cached: bool = False

    @property
    def ok(self) -> bool:
        """True when there is a count."""
        return self.tokens is not None


@dataclass(frozen=True)
class RemoteConfig:
    """What the settings say about counting online."""

    enabled: frozenset[str]
    base_urls: dict[str, str]
    timeout_s: float

    @classmethod
    def from_settings(cls, get: Any) -> RemoteConfig:
        """Read ``remote_count``, ``base_urls`` and ``remote_timeout_s`` through ``get``."""
        flags = get("remote_count")
        urls = get("base_urls")
        enabled = frozenset(
            p for p in PROVIDERS if isinstance(flags, dict) and flags.get(p) is True
        )
        base_urls = dict(DEFAULT_BASE_URLS)
        if isinstance(urls, dict):
            base_urls.update(
                {p: u for p, u in urls.items() if p in PROVIDERS and isinstance(u, str) and u}
            )
        try:
            timeout = float(get("remote_timeout_s"))
        except (TypeError, ValueError):
            timeout = DEFAULT_TIMEOUT_S
        return cls(enabled, base_urls, timeout if timeout > 0 else DEFAULT_TIMEOUT_S)


class RemoteCounter:
    """Counts with the endpoints, through a cache; measures Anthropic's frame once per model."""

    #: How long to leave a provider alone after a 429 that gave no Retry-After.
    COOL_DOWN_S = 30.0

    def __init__(
        self, cache: RemoteCache | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.cache = cache or RemoteCache()
        self._frames: dict[str, int] = {}
        self._clock = clock
        #: After a 429, no request to that provider before this moment (``clock`` time).
        self._quiet_until: dict[str, float] = {}

    def count(
        self, provider: str, model: str, text: str, key: str, config: RemoteConfig
    ) -> RemoteResult:
        """An exact count or, on failure, the reason (never raises ``RemoteCountError``)."""
        digest = text_hash(text)
        base = config.base_urls.get(provider, DEFAULT_BASE_URLS[provider])
        cached = self.cache.get(provider, model, digest)
        wait = self._quiet_until.get(provider, 0.0) - self._clock()
        if cached is None and wait > 0:
            return RemoteResult(
                provider,
                model,
                reason=message(texts.RATE_LIMITED_ASKING_AGAIN, seconds=f"{wait:.0f}"),
            )
        try:
            tokens = cached
            if tokens is None:
                tokens = count_remote(
                    provider, model, text, key, base_url=base, timeout=config.timeout_s
                )
                self.cache.put(provider, model, digest, tokens)
            frame = None
            if provider == "anthropic":
                frame = self._frame(model, key, base, config.timeout_s)
        except RateLimitedError as exc:
            pause = exc.retry_after if exc.retry_after is not None else self.COOL_DOWN_S
            self._quiet_until[provider] = self._clock() + pause
            return RemoteResult(provider, model, reason=exc.reason)
        except RemoteCountError as exc:
            return RemoteResult(provider, model, reason=exc.reason)
        return RemoteResult(provider, model, tokens, frame=frame, cached=cached is not None)

    def _frame(self, model: str, key: str, base: str, timeout: float) -> int | None:
        if model not in self._frames:
            try:
                probe = count_remote(
                    "anthropic", model, FRAME_PROBE, key, base_url=base, timeout=timeout
                )
            except RemoteCountError:
                return None
            self._frames[model] = max(0, probe - 1)
        return self._frames[model]
