"""A localized post as a standalone HTML5 page (``export --format html``).

Raw HTML in the Markdown is escaped, never passed through, and markdown-it's
``validateLink`` refuses ``javascript:``/``vbscript:``/``file:``/non-image
``data:`` URLs: a translation must not be able to inject script into a site.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Collection, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from postloc.config import MARKDOWN_EXTENSIONS
from postloc.markdown.dialect import new_parser
from postloc.markdown.extensions import parse_env

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    """The dialect with raw HTML escaped instead of passed through."""
    return new_parser({"html": False})


def bcp47(lang: str) -> str:
    """``pt_BR`` → ``pt-BR``: HTML wants BCP 47 tags, gettext writes underscores."""
    return lang.replace("_", "-")


def _direction(lang: str) -> str | None:
    from babel import Locale, UnknownLocaleError

    try:
        order = Locale.parse(lang.replace("-", "_")).character_order
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    return "rtl" if order == "right-to-left" else None


def _text(value: Any) -> str | None:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def render_page(
    markdown_body: str,
    *,
    lang: str,
    title: str,
    front_matter: Mapping[str, Any],
    extensions: Collection[str] = MARKDOWN_EXTENSIONS,
) -> str:
    """A complete, deterministic HTML5 document for one localized post.

    ``front_matter`` supplies the optional ``description`` (a ``<meta>``),
    ``date`` (ISO, in ``<time datetime>``) and ``date_display`` (its visible
    text); the title becomes both ``<title>`` and the page's ``<h1>``.
    ``extensions`` are the site's Markdown extensions (``[markdown] extensions``):
    footnotes render at the end of the page, as the site's renderer puts them.
    """
    direction = _direction(lang)
    dir_attr = f' dir="{direction}"' if direction else ""
    head = [
        "<!DOCTYPE html>",
        f'<html lang="{_attr(bcp47(lang))}"{dir_attr}>',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title, quote=False)}</title>",
    ]
    description = _text(front_matter.get("description"))
    if description:
        head.append(f'<meta name="description" content="{_attr(description)}">')
    head += ["</head>", "<body>", "<article>", "<header>"]
    head.append(f"<h1>{html.escape(title, quote=False)}</h1>")
    date = _text(front_matter.get("date"))
    if date:
        shown = _text(front_matter.get("date_display")) or date
        head.append(f'<p><time datetime="{_attr(date)}">{html.escape(shown)}</time></p>')
    head.append("</header>")
    body: str = _renderer().render(markdown_body, parse_env(extensions))
    tail = ["</article>", "</body>", "</html>", ""]
    return "\n".join(head) + "\n" + body + "\n".join(tail)
