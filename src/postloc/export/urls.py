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
``[export] translate_slug``. The prefix is the language as the generator spells it
(:func:`postloc.languages.site_language`: Hugo's ``/pt-br/``).

What pairs a post with its translations is here too (:func:`pairing_key`): Hugo pairs by path
unless a page sets ``translationKey``, which every export then carries (the front matter is
copied); Jekyll has no pairing of its own, so each export gets ``ref``, the source's own or its
file name. ``postloc keys`` writes :func:`new_pairing_key` into sources that lack one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, Final

from postloc.languages import site_language
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
    lang = site_language(lang, rules.site)
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


PAIRING_KEYS: Final = {"hugo": "translationKey", "jekyll": "ref"}
"""The front-matter key each generator's pages are paired by (Hugo's own; the one the README's
Jekyll layout reads)."""


def pairing_key(post: Post, site: str) -> tuple[str, Any] | None:
    """The source's own pairing key for ``site`` as (key as written, value), or None.

    Hugo reads front-matter keys in any case, so ``TranslationKey`` counts."""
    name = PAIRING_KEYS.get(site)
    if name is None:
        return None
    for key, value in post.front_matter.items():
        if isinstance(key, str) and key.lower() == name.lower() and value not in (None, ""):
            return key, value
    return None


def new_pairing_key(post: Post, site: str) -> str:
    """The key ``postloc keys`` gives a source that has none: on Hugo its identity
    (``posts/hugo/faq``: stable while the file stays, and kept in the file when it moves), on
    Jekyll what its exports already carry (:func:`shared_key`), so nothing re-pairs."""
    return shared_key(post) if site == "jekyll" else post.slug


def shared_key(post: Post) -> str:
    """The key a Jekyll layout pairs a post and its translations by (``ref``): the source's
    own ``ref`` when it has one, else the source file's name without extension, what
    ``page.path | split: "/" | last | split: "."`` gives for the original, so the source post
    needs no key of its own."""
    own = post.front_matter.get("ref")
    if isinstance(own, str) and own.strip():
        return own
    name = PurePosixPath(post.path.replace("\\", "/")).name
    return markdown_stem(name) or post.slug
