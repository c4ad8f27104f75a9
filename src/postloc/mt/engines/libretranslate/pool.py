"""LibreTranslate: Argos models behind HTTP, used as one engine spread over a pool of servers.

A publisher outgrows one CPU; LibreTranslate replicas are the field's way to scale Argos. This
engine asks each server what it serves (``GET /languages``, ``/frontend/settings``, ``/spec``),
cuts a batch into requests that fit the servers' limits, keeps several requests in flight
across the pool and puts the answers back in order. A server that is down, slow or answers
5xx/429 cools off and its work moves to the others; any other 4xx is the user's to fix and ends
the call with one line naming the server and its ``error`` text, never a retry loop.

Only the standard library speaks HTTP, and never through a proxy: a pool is the user's own
machines, and a proxy variable meant for the web must not route segments elsewhere.

This module is the engine and its pool scheduling; talking to one server (HTTP, discovery,
what its errors mean) is :mod:`postloc.mt.engines.libretranslate.server`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from postloc.errors import EngineFailed, EngineUnavailable
from postloc.languages import base_language
from postloc.mt.engines.base import Engine, MarkupStyle
from postloc.mt.engines.libretranslate.server import (
    KEY_ENV,
    Retry,
    ServerInfo,
    as_html,
    ask_server,
    call,
)
from postloc.mt.engines.libretranslate.settings import LibreTranslateSettings

if TYPE_CHECKING:
    from postloc.config import Config

BACKOFF_BASE = 0.5
"""Seconds a server rests after its first failure; doubled per further failure in a row."""
BACKOFF_MAX = 30.0
"""Longest rest, so a server that comes back is used again within half a minute."""
EXTRA_ATTEMPTS = 3
"""Attempts a request gets beyond one per server before the call gives up."""

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ServerStats:
    """How one server of the pool has fared in this process (for tests and ``-v`` reports)."""

    url: str
    """Base URL of the server."""
    requests: int
    """Translate requests it answered well."""
    segments: int
    """Segments in those requests."""
    failures: int
    """Requests that failed on it (down, slow, 5xx) and moved elsewhere."""
    last_error: str
    """Why its last failure happened (empty when it never failed)."""


@dataclass(slots=True, eq=False)
class _Server:
    """A pool member's health and counters: mutable state, written by the scheduling thread."""

    info: ServerInfo
    streak: int = 0
    failed_at: float = -1.0
    retry_at: float = 0.0
    last_used: int = 0
    requests: int = 0
    segments: int = 0
    failures: int = 0
    last_error: str = ""

    def failed(self, reason: str, sent_at: float) -> bool:
        """Rest the server; True when this is news (requests already in flight when it last
        failed share that failure, so one outage lengthens the rest only once)."""
        self.failures += 1
        self.last_error = reason
        if sent_at < self.failed_at:
            return False
        now = time.monotonic()
        self.streak += 1
        self.failed_at = now
        rest = BACKOFF_BASE * 2 ** (min(self.streak, 16) - 1)
        self.retry_at = now + min(rest, BACKOFF_MAX)
        return True

    def succeeded(self, segments: int) -> None:
        self.streak = 0
        self.retry_at = 0.0
        self.requests += 1
        self.segments += segments


def plan_requests(lengths: Sequence[int], batch_size: int, char_limit: int) -> list[range]:
    """Consecutive index ranges of at most ``batch_size`` texts and ``char_limit`` characters.

    The character cap applies to the whole request too: older servers count the sum of a
    ``q`` list, newer ones each text, and a request fitting both passes either.
    """
    requests: list[range] = []
    start, total = 0, 0
    for index, length in enumerate(lengths):
        full = index - start >= batch_size or (char_limit > 0 and total + length > char_limit)
        if index > start and full:
            requests.append(range(start, index))
            start, total = index, 0
        total += length
    if start < len(lengths):
        requests.append(range(start, len(lengths)))
    return requests


class LibreTranslateEngine(Engine):
    """Translates through the LibreTranslate servers of ``[engines.libretranslate] urls``."""

    name = "libretranslate"
    markup: MarkupStyle = "html"

    def __init__(self, settings: LibreTranslateSettings, *, api_key: str | None = None) -> None:
        settings.check()
        self.settings = settings
        self._key = api_key if api_key is not None else os.environ.get(KEY_ENV) or None
        self._discovery = threading.Lock()
        self._running = threading.Lock()
        self._servers: list[_Server] | None = None
        self._uses = 0

    @classmethod
    def from_config(cls, config: Config) -> LibreTranslateEngine:
        """The registry's factory: the ``[engines.libretranslate]`` pool."""
        return cls(config.settings_for(cls.name, LibreTranslateSettings))

    # --- the pool ----------------------------------------------------------------------------

    def _pool(self) -> list[_Server]:
        """Every server that answered discovery (asked once, all at the same time)."""
        with self._discovery:
            if self._servers is not None:
                return self._servers
            urls = list(dict.fromkeys(u.rstrip("/") for u in self.settings.urls))
            if not urls:
                raise EngineUnavailable(
                    "engine libretranslate has no servers: set [engines.libretranslate] urls"
                )
            found: list[_Server] = []
            down: list[str] = []
            with ThreadPoolExecutor(max_workers=min(len(urls), 8)) as executor:
                futures = [executor.submit(ask_server, u, self.settings.timeout) for u in urls]
                for url, future in zip(urls, futures, strict=True):
                    try:
                        found.append(_Server(future.result()))
                    except Retry as exc:
                        down.append(f"{url} ({exc})")
                        _log.warning("LibreTranslate server %s is left out: %s", url, exc)
            if not found:
                raise EngineUnavailable(f"no LibreTranslate server answered: {'; '.join(down)}")
            self._servers = found
            return found

    def servers(self) -> tuple[ServerInfo, ...]:
        """What each reachable server reported."""
        return tuple(server.info for server in self._pool())

    def version(self) -> str:
        """``lt-<versions>-<hash>``: changes when any server's languages or version change."""
        infos = self.servers()
        versions = sorted({i.version for i in infos if i.version}) or ["unknown"]
        tables = sorted({json.dumps(i.languages) for i in infos})
        digest = hashlib.sha256(json.dumps([versions, tables]).encode("utf-8")).hexdigest()
        return f"lt-{'+'.join(versions)}-{digest[:10]}"

    def pair_version(self, source: str, target: str) -> str:
        """``lt-<versions>``: the LibreTranslate versions of the servers serving the pair.

        A server reports no version per language pair (``/languages`` lists only codes), so
        this is the nearest it says about the pair; unlike :meth:`version`, a server gaining
        or losing another language changes nothing here. With no server serving the pair,
        :meth:`version`.
        """
        pair = (base_language(source), base_language(target))
        infos = [info for info in self.servers() if pair in info.pairs()]
        if not infos:
            return self.version()
        versions = sorted({i.version for i in infos if i.version}) or ["unknown"]
        return f"lt-{'+'.join(versions)}"

    def pairs(self) -> frozenset[tuple[str, str]]:
        pairs: set[tuple[str, str]] = set()
        for info in self.servers():
            pairs |= info.pairs()
        return frozenset(pairs)

    def stats(self) -> tuple[ServerStats, ...]:
        """Per server: requests answered, segments, failures (empty before first use)."""
        return tuple(
            ServerStats(s.info.url, s.requests, s.segments, s.failures, s.last_error)
            for s in self._servers or ()
        )

    # --- translating -------------------------------------------------------------------------

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """Translate ``texts`` across the pool; same length and order, or an error."""
        if not texts:
            return []
        src, tgt = base_language(source), base_language(target)
        servers = [s for s in self._pool() if (src, tgt) in s.info.pairs()]
        if not servers:
            raise EngineUnavailable(f"no LibreTranslate server in the pool serves {src}→{tgt}")
        limits = [s.info for s in servers if s.info.char_limit > 0]
        tightest = min(limits, key=lambda i: i.char_limit) if limits else None
        for number, text in enumerate(texts, 1):
            if tightest is not None and len(text) > tightest.char_limit:
                raise EngineFailed(
                    f"segment {number} of the batch has {len(text)} characters; LibreTranslate "
                    f"server {tightest.url} accepts at most {tightest.char_limit}"
                )
        limit = tightest.char_limit if tightest else -1
        requests = plan_requests([len(t) for t in texts], self.settings.batch_size, limit)
        with self._running:
            answers = self._run(servers, texts, requests, src, tgt)
        return [text for answer in answers for text in answer]

    def _send(self, server: _Server, texts: list[str], source: str, target: str) -> list[str]:
        """One ``POST /translate`` of a ``q`` list (runs in a worker thread)."""
        info = server.info
        codes = info.codes()
        payload: dict[str, Any] = {
            "q": texts,
            "source": codes[source],
            "target": codes[target],
            "format": "html",
        }
        if self._key:
            payload["api_key"] = self._key
        body = call(info.url, "/translate", self.settings.timeout, payload, bool(self._key))
        outputs = body.get("translatedText") if isinstance(body, dict) else None
        if not isinstance(outputs, list) or not all(isinstance(o, str) for o in outputs):
            raise EngineFailed(f"LibreTranslate server {info.url} answered without translatedText")
        if len(outputs) != len(texts):
            raise EngineFailed(
                f"LibreTranslate server {info.url} returned {len(outputs)} translations "
                f"for {len(texts)} segments"
            )
        return [as_html(text, output) for text, output in zip(texts, outputs, strict=True)]

    def _pick(self, servers: list[_Server], busy: dict[_Server, int]) -> _Server | None:
        """The rested server with the fewest requests in flight, least recently used first."""
        now = time.monotonic()
        ready = [s for s in servers if s.retry_at <= now]
        if not ready:
            return None
        return min(ready, key=lambda s: (busy.get(s, 0), s.last_used))

    def _run(
        self,
        servers: list[_Server],
        texts: Sequence[str],
        requests: list[range],
        source: str,
        target: str,
    ) -> list[list[str]]:
        """Keep up to ``concurrency`` requests in flight; move failed ones to other servers."""
        answers: list[list[str] | None] = [None] * len(requests)
        attempts = [0] * len(requests)
        limit = len(servers) + EXTRA_ATTEMPTS
        pending = list(range(len(requests)))
        flight: dict[Future[list[str]], tuple[int, _Server, float]] = {}
        busy: dict[_Server, int] = {}
        errors: dict[str, str] = {}
        executor = ThreadPoolExecutor(max_workers=self.settings.concurrency)
        try:
            while pending or flight:
                while pending and len(flight) < self.settings.concurrency:
                    server = self._pick(servers, busy)
                    if server is None:
                        break
                    index = pending.pop(0)
                    attempts[index] += 1
                    self._uses += 1
                    server.last_used = self._uses
                    busy[server] = busy.get(server, 0) + 1
                    batch = [texts[i] for i in requests[index]]
                    future = executor.submit(self._send, server, batch, source, target)
                    flight[future] = (index, server, time.monotonic())
                if not flight:
                    rest = min(s.retry_at for s in servers) - time.monotonic()
                    time.sleep(min(max(rest, 0.0), BACKOFF_MAX))
                    continue
                done, _ = wait(flight, return_when=FIRST_COMPLETED)
                for future in done:
                    index, server, sent_at = flight.pop(future)
                    busy[server] -= 1
                    try:
                        answers[index] = future.result()
                    except Retry as exc:
                        if server.failed(str(exc), sent_at):
                            _log.warning(
                                "LibreTranslate server %s failed (%s); its work moves on",
                                server.info.url,
                                exc,
                            )
                        errors[server.info.url] = str(exc)
                        if attempts[index] >= limit:
                            last = "; ".join(f"{u}: {e}" for u, e in errors.items())
                            raise EngineFailed(
                                f"no LibreTranslate server translated a request of "
                                f"{len(requests[index])} segments in {limit} attempts ({last})"
                            ) from None
                        pending.insert(0, index)
                    else:
                        server.succeeded(len(requests[index]))
        except BaseException:
            executor.shutdown(wait=False, cancel_futures=True)
            raise
        executor.shutdown(wait=True)
        return [answer if answer is not None else [] for answer in answers]
