"""Whether a segment holds a word: the one rule for what is worth translating.

A body segment made only of markup (a bare shortcode, ``}}``, `` `Command.kt` : ``, an
arrow, ``1.``, an autolink) gives a translator and an engine nothing to do, so it is not
extracted, and export keeps its source bytes. Set aside: site tags, inline code, HTML,
autolinks, link and image targets, bare URLs, and every character that is not a letter
(``str.isalpha``): punctuation, digits, symbols. Link text and alt text count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Final

from postloc.markdown.dialect import markdown_parser

if TYPE_CHECKING:
    from markdown_it.token import Token

_MAY_HIDE_WORDS: Final = re.compile(r"[{<`\[&]|://|www\.")
"""What can make letters not words (tags, code, HTML, autolinks, targets, entities, URLs);
a text without any is judged by its letters alone, without parsing."""
_URL: Final = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*:)?//\S+|www\.\S+")
_SKIPPED: Final = frozenset({"code_inline", "html_inline", "site_tag"})


@lru_cache(maxsize=4096)
def has_word(text: str) -> bool:
    """Whether ``text`` (inline Markdown) has a letter outside markup, code and URLs."""
    if not _MAY_HIDE_WORDS.search(text):
        return _has_letter(text)
    tokens = markdown_parser().parseInline(text)
    return any(_has_letter(_URL.sub(" ", piece)) for piece in _prose(tokens[0].children or []))


def _has_letter(text: str) -> bool:
    return any(char.isalpha() for char in text)


def _prose(tokens: Iterable[Token]) -> Iterable[str]:
    """The text a reader sees as words: text tokens, link text, alt text, entities."""
    in_autolink = False
    for token in tokens:
        if token.type == "link_open" and token.markup == "autolink":
            in_autolink = True
        elif token.type == "link_close":
            in_autolink = False
        elif in_autolink or token.type in _SKIPPED:
            continue
        elif token.type == "image":
            yield from _prose(token.children or [])
        elif token.type in ("text", "text_special"):
            yield token.content
