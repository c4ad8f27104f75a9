"""Pseudo-localization: a deterministic fake translation for tests and layout checks.

It accents letters, pads the text by about 30 % and brackets it, so a layout
that truncates or a string that escaped extraction is obvious at a glance.
Markup never reaches it (the markup wrapper hands it ``html``-style text), and
it leaves tags, entities and digits alone.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from postloc.languages import base_language
from postloc.mt.engines.base import Engine, MarkupStyle

if TYPE_CHECKING:
    from postloc.config import Config

_ACCENTS = str.maketrans(
    "aeiouyAEIOUYcCnNsSzZgGlLrRdD",
    "àéîöûýÀÉÎÖÛÝçÇñÑšŠžŽĝĜļĻŕŔďĎ",
)
# Tags and entities from the markup wrapper pass through untouched.
_PROTECTED = re.compile(r"<[^>]*>|&[#\w]+;")
_PAD = "~"


def pseudo_text(text: str) -> str:
    """Accent letters outside tags, add ~30 % padding, bracket the result."""
    if not text.strip():
        return text
    pieces: list[str] = []
    position = 0
    letters = 0
    for match in _PROTECTED.finditer(text):
        chunk = text[position : match.start()]
        letters += sum(ch.isalpha() for ch in chunk)
        pieces.append(chunk.translate(_ACCENTS))
        pieces.append(match.group(0))
        position = match.end()
    tail = text[position:]
    letters += sum(ch.isalpha() for ch in tail)
    pieces.append(tail.translate(_ACCENTS))
    body = "".join(pieces)
    lead = len(body) - len(body.lstrip())
    trail = len(body) - len(body.rstrip())
    core = body.strip()
    padding = _PAD * max(1, round(letters * 0.3))
    return f"{body[:lead]}[{core} {padding}]{body[len(body) - trail :] if trail else ''}"


class PseudoEngine(Engine):
    """Serves every pair; the reference test double for all engines."""

    name = "pseudo"
    markup: MarkupStyle = "html"

    def __init__(self, languages: Sequence[str] = ()) -> None:
        self._languages = tuple(base_language(code) for code in languages)

    @classmethod
    def from_config(cls, config: Config) -> PseudoEngine:
        """The registry's factory: ``pairs()`` lists the project's languages."""
        return cls((config.source_language, *config.target_languages))

    def version(self) -> str:
        return "1"

    def pairs(self) -> frozenset[tuple[str, str]]:
        """The project's languages two by two (what ``postloc engines`` shows)."""
        langs = self._languages
        return frozenset((a, b) for a in langs for b in langs if a != b)

    def serves(self, source: str, target: str) -> bool:
        """Any two different languages, listed in ``pairs()`` or not."""
        return source != target

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        # POSTLOC_PSEUDO_DELAY (seconds per batch) simulates a slow engine, so crash and
        # interruption behaviour can be tested and demonstrated without a real model.
        delay = float(os.environ.get("POSTLOC_PSEUDO_DELAY", "0") or 0)
        if delay and texts:
            time.sleep(delay)
        return [pseudo_text(text) for text in texts]
