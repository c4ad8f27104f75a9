"""URLs per language: the front-matter keys that fix a page's path, localized in each export so
no two languages share a target path (docs/architecture.md, "Export").

A site-root path in ``url`` (Hugo), ``permalink`` (Jekyll) or an ``aliases`` item (except on
Hugo sites) gets the prefix ``/<lang>``, which is where Hugo puts a non-default language's pages
and where a Jekyll post in ``<lang>/_posts/`` lands. Hugo never prefixes ``url`` but does
prefix a non-default language's site-root aliases itself (checked with Hugo 0.168: a prefix
here built ``public/en/en/…``), so Hugo aliases are left to it. Left alone: full URLs (``https://…``,
``//host``), values already under ``/<lang>/``, relative aliases (Hugo resolves them from the
page, already in its language), and a Jekyll ``permalink`` with ``:categories`` (the language
folder is a category). ``slug`` is kept, or made from the translated title with
``[export] translate_slug``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, Final

from postloc.markdown.slug import markdown_stem, safe_name

if TYPE_CHECKING:
    from postloc.config import Config
    from postloc.markdown.model import Post, Segment


@dataclass(frozen=True, slots=True)
class UrlRules:
    """What an export does to the keys that fix a page's path."""

    site: str = "plain"
    """The ``site`` preset (``plain``, ``hugo``, ``jekyll``)."""
    translate_slug: bool = False
    """Replace ``slug`` by the slugified translated title."""

    @classmethod
    def of(cls, config: Config) -> UrlRules:
        return cls(site=config.site, translate_slug=config.translate_slug)


PLAIN_URLS: Final = UrlRules()
"""The rules of ``site = "plain"`` without ``translate_slug``."""


def localized_path(value: str, lang: str) -> str:
    """``value`` under ``/<lang>`` when it is a path from the site root (``/about/`` →
    ``/en/about/``, ``about/`` → ``/en/about/``); a full URL or one already there is kept."""
    if "://" in value or value.startswith("//") or value.startswith("mailto:"):
        return value
    bare = value.lstrip("/")
    if bare == lang or bare.startswith(f"{lang}/"):
        return value
    return f"/{lang}/{bare}"


def localized_urls(
    front_matter: Mapping[str, Any], lang: str, rules: UrlRules
) -> list[tuple[str, Any]]:
    """The ``extra_front_matter`` entries setting ``url``, ``permalink`` and ``aliases`` for
    ``lang``: only the keys the post has (as strings, or a list of strings), only changed ones."""
    extra: list[tuple[str, Any]] = []
    for key in ("url", "permalink"):
        value = front_matter.get(key)
        if not isinstance(value, str) or not value.strip():
            continue
        if key == "permalink" and rules.site == "jekyll" and ":categories" in value:
            continue
        new = localized_path(value, lang)
        if new != value:
            extra.append((key, new))
    aliases = front_matter.get("aliases")
    if rules.site == "hugo":
        return extra  # Hugo itself puts a non-default language's site-root aliases under it
    if isinstance(aliases, list) and aliases and all(isinstance(a, str) for a in aliases):
        moved = [localized_path(a, lang) if a.startswith("/") else a for a in aliases]
        if moved != aliases:
            extra.append(("aliases", moved))
    return extra


def translated_slug(
    segments: Sequence[Segment], chosen: Mapping[int, str], rules: UrlRules
) -> str | None:
    """The ``slug`` an export sets: its translated title made a URL part, or None to keep the
    post's own (``translate_slug`` off, or the title shown untranslated)."""
    if not rules.translate_slug:
        return None
    for index, segment in enumerate(segments):
        if segment.kind == "title" and index in chosen and chosen[index].strip():
            return safe_name(chosen[index])
    return None


def shared_key(post: Post) -> str:
    """The key a Jekyll layout pairs a post and its translations by (``ref``): the source
    file's name without extension, what ``page.path | split: "/" | last | split: "."`` gives
    for the original, so the source post needs no key of its own."""
    name = PurePosixPath(post.path.replace("\\", "/")).name
    return markdown_stem(name) or post.slug
