"""``[engines.libretranslate]``: the server pool, importable without the engine."""

from __future__ import annotations

import re
from dataclasses import dataclass

from postloc.errors import ConfigError


@dataclass(frozen=True, slots=True)
class LibreTranslateSettings:
    """A pool of LibreTranslate servers (``[engines.libretranslate]``)."""

    urls: tuple[str, ...] = ()
    """Base URLs of the servers, e.g. ``http://127.0.0.1:5000``."""
    concurrency: int = 4
    """Requests in flight across the pool."""
    batch_size: int = 32
    """Segments per ``POST /translate``."""
    timeout: float = 60.0
    """Seconds before a request counts as failed and is retried elsewhere."""

    def check(self) -> None:
        """Reject values no pool can run with (when the engine is built, not when read)."""
        for key in ("concurrency", "batch_size"):
            if getattr(self, key) < 1:
                raise ConfigError(f"engines.libretranslate.{key} must be at least 1")
        if self.timeout <= 0:
            raise ConfigError("engines.libretranslate.timeout must be positive")
        for url in self.urls:
            if not re.match(r"https?://[^/\s]+", url):
                raise ConfigError(f"engines.libretranslate.urls: {url!r} is not an http(s) URL")
