"""One LibreTranslate server over HTTP: discovery, JSON calls, and what its errors mean.

:mod:`postloc.mt.engines.libretranslate.pool` schedules work across a pool; everything about talking
to a single server lives here: the proxy-free opener, ``GET /languages`` and friends, turning
HTTP trouble into :class:`Retry` (try elsewhere or later) or a one-line :class:`PostlocError`,
and re-escaping the html-mode answers.
"""

from __future__ import annotations

import html
import http.client
import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from postloc.errors import EngineFailed, EngineUnavailable, PostlocError
from postloc.languages import base_language

KEY_ENV = "POSTLOC_LIBRETRANSLATE_KEY"
"""Environment variable holding the API key: secrets never live in ``postloc.toml``."""

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)(?:\s[^<>]*)?/?>")
_SAFE_VERSION = re.compile(r"[^A-Za-z0-9._+]")


@dataclass(frozen=True, slots=True)
class ServerInfo:
    """What one server reported about itself when the pool was first used."""

    url: str
    """Base URL without a trailing slash."""
    version: str
    """LibreTranslate version from ``/spec`` (empty when the server does not say)."""
    languages: tuple[tuple[str, tuple[str, ...]], ...]
    """``GET /languages`` as (code, sorted target codes), sorted; codes as the server spells
    them, targets including pivots and the language itself."""
    char_limit: int
    """Longest text the server accepts (``charLimit``); -1 for no limit."""

    def codes(self) -> dict[str, str]:
        """Base language code → the server's code (``pt`` → ``pt-BR`` when only that exists)."""
        mapping: dict[str, str] = {}
        every = [code for code, _ in self.languages]
        every += [target for _, targets in self.languages for target in targets]
        for code in every:
            base = base_language(code)
            if base not in mapping or code.lower() == base:
                mapping[base] = code
        return mapping

    def pairs(self) -> frozenset[tuple[str, str]]:
        """Direct pairs in base codes; a language is never its own target."""
        found: set[tuple[str, str]] = set()
        for code, targets in self.languages:
            source = base_language(code)
            found.update((source, base_language(t)) for t in targets if base_language(t) != source)
        return frozenset(found)


class Retry(Exception):
    """A failure another server, or a later attempt, may not have: down, slow, 5xx, 429."""


def _error_text(exc: urllib.error.HTTPError) -> str:
    """The server's ``{"error": …}`` text, else the start of its body, else the reason."""
    try:
        body = exc.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        body = ""
    try:
        parsed = json.loads(body)
    except ValueError:
        parsed = None
    text = parsed["error"] if isinstance(parsed, dict) and "error" in parsed else body
    text = " ".join(str(text).split()) or str(exc.reason)
    return text if len(text) <= 200 else text[:197] + "..."


def _reason(exc: BaseException, timeout: float) -> str:
    cause = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(cause, TimeoutError):
        return f"no answer within {timeout:g} s"
    if isinstance(cause, ConnectionRefusedError):
        return "connection refused"
    if isinstance(cause, ConnectionError | http.client.HTTPException):
        return "connection dropped"
    return " ".join(str(cause).split()) or type(cause).__name__


def _refusal(base: str, code: int, text: str, has_key: bool) -> PostlocError:
    """A 4xx the user must fix, as one line; key trouble is an unusable engine."""
    message = f"LibreTranslate server {base} refused the request (HTTP {code}): {text}"
    if code in (401, 403) or "api key" in text.lower():
        if has_key:
            return EngineUnavailable(f"{message}; check the key in {KEY_ENV}")
        return EngineUnavailable(f"{message}; this server needs an API key in {KEY_ENV}")
    if "limit" in text.lower():
        message += "; lower [engines.libretranslate] batch_size or shorten the segment"
    return EngineFailed(message)


def call(
    base: str, path: str, timeout: float, payload: dict[str, Any] | None, has_key: bool
) -> Any:
    """One JSON request; raises Retry for transient trouble, PostlocError for the rest."""
    data = None if payload is None else json.dumps(payload).encode("utf-8")
    headers = {"Accept": "application/json"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(base + path, data=data, headers=headers)
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        text = _error_text(exc)
        if exc.code >= 500 or exc.code in (408, 429):
            raise Retry(f"HTTP {exc.code}: {text}") from None
        raise _refusal(base, exc.code, text, has_key) from None
    except (OSError, http.client.HTTPException) as exc:
        raise Retry(_reason(exc, timeout)) from None
    try:
        return json.loads(body)
    except ValueError:
        raise EngineFailed(
            f"LibreTranslate server {base} answered {path} with something that is not JSON"
        ) from None


def _optional(base: str, path: str, timeout: float) -> Any:
    """An endpoint older or locked-down servers may lack: None instead of an error."""
    try:
        return call(base, path, timeout, None, False)
    except PostlocError:
        return None


def ask_server(url: str, timeout: float) -> ServerInfo:
    """Ask one server what it serves; raises Retry when it does not answer."""
    base = url.rstrip("/")
    raw = call(base, "/languages", timeout, None, False)
    try:
        languages = tuple(
            sorted((str(item["code"]), tuple(sorted(map(str, item["targets"])))) for item in raw)
        )
    except (TypeError, KeyError):
        raise EngineFailed(
            f"LibreTranslate server {base} answered /languages unexpectedly"
        ) from None
    settings = _optional(base, "/frontend/settings", timeout)
    limit = settings.get("charLimit", -1) if isinstance(settings, dict) else -1
    spec = _optional(base, "/spec", timeout)
    info = spec.get("info", {}) if isinstance(spec, dict) else {}
    version = info.get("version", "") if isinstance(info, dict) else ""
    return ServerInfo(
        url=base,
        version=_SAFE_VERSION.sub("", str(version)),
        languages=languages,
        char_limit=limit if isinstance(limit, int) and limit > 0 else -1,
    )


def as_html(source: str, output: str) -> str:
    """Escape LibreTranslate's output again, keeping only the kinds of tag the source had.

    Its html mode answers with entities decoded (``&lt;`` comes back as ``<``), so without
    this a literal ``<`` or ``&`` in a segment would read as markup downstream.
    """
    names = {match.group(1).lower() for match in _TAG.finditer(source)}
    pieces: list[str] = []
    position = 0
    for match in _TAG.finditer(output):
        if match.group(1).lower() in names:
            pieces.append(html.escape(output[position : match.start()], quote=False))
            pieces.append(match.group(0))
            position = match.end()
    pieces.append(html.escape(output[position:], quote=False))
    return "".join(pieces)
