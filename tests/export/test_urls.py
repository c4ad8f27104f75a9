"""URLs per language: ``url``, ``permalink``, ``aliases`` and ``slug`` in each export."""

from __future__ import annotations

import polib
import pytest

from postloc.config import DEFAULT_RULES
from postloc.export.post import export_post
from postloc.export.urls import UrlRules, localized_path, localized_urls
from postloc.markdown.parse import parse_post
from postloc.markdown.segment import segment_post

HUGO = UrlRules(site="hugo")
JEKYLL = UrlRules(site="jekyll")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/about/license/", "/en/about/license/"),
        ("about/", "/en/about/"),
        ("/", "/en/"),
        ("/en/about/", "/en/about/"),
        ("/en", "/en"),
        ("/english/", "/en/english/"),
        ("https://example.org/about/", "https://example.org/about/"),
        ("//cdn.example.org/x", "//cdn.example.org/x"),
    ],
)
def test_site_root_paths_get_the_language_prefix(value: str, expected: str) -> None:
    assert localized_path(value, "en") == expected


def test_url_and_absolute_aliases_are_localized_relative_ones_kept() -> None:
    front = {"url": "/a-propos/", "aliases": ["/ancien/", "voisin/"], "title": "x"}
    assert localized_urls(front, "es", UrlRules()) == [
        ("url", "/es/a-propos/"),
        ("aliases", ["/es/ancien/", "voisin/"]),
    ]


def test_hugo_aliases_are_left_to_hugo() -> None:
    """Hugo 0.168 puts a non-default language's site-root aliases under ``/<lang>/`` itself:
    a prefix here built ``public/en/en/faq/``."""
    front = {"url": "/a-propos/", "aliases": ["/ancien/"], "title": "x"}
    assert localized_urls(front, "es", HUGO) == [("url", "/es/a-propos/")]


def test_jekyll_permalink_with_categories_is_already_per_language() -> None:
    assert localized_urls({"permalink": "/:categories/:title/"}, "en", JEKYLL) == []
    assert localized_urls({"permalink": "/a-propos/"}, "en", JEKYLL) == [
        ("permalink", "/en/a-propos/")
    ]


def test_values_that_are_not_paths_are_left_alone() -> None:
    assert localized_urls({"url": 3, "aliases": ["/x/", 4], "permalink": ""}, "en", HUGO) == []


POST = """\
---
title: Bonjour le monde
slug: bonjour-le-monde
url: /a-propos/licence/
aliases: [/ancienne-licence/]
---
Un paragraphe.
"""


def exported(
    text: str, rules: UrlRules, lang: str = "en", path: str = "content/posts/bonjour.md"
) -> str:
    post = parse_post(text, path)
    segments = segment_post(post, DEFAULT_RULES)
    po = polib.POFile(encoding="utf-8")
    po.append(polib.POEntry(msgid="Bonjour le monde", msgstr="Hello, World"))
    po.append(polib.POEntry(msgid="Un paragraphe.", msgstr="A paragraph."))
    outcome = export_post(
        post, segments, po, lang, min_translated=0.0, rules=DEFAULT_RULES, urls=rules
    )
    assert outcome.text is not None
    return outcome.text


def test_two_languages_never_share_a_target_path() -> None:
    english = parse_post(exported(POST, HUGO, "en"), "x.en.md").front_matter
    spanish = parse_post(exported(POST, HUGO, "es"), "x.es.md").front_matter
    assert english["url"] == "/en/a-propos/licence/"
    assert spanish["url"] == "/es/a-propos/licence/"
    assert english["aliases"] == ["/ancienne-licence/"]  # Hugo prefixes aliases itself
    assert english["slug"] == "bonjour-le-monde"


def test_translate_slug_makes_the_slug_from_the_translated_title() -> None:
    text = exported(POST, UrlRules(site="hugo", translate_slug=True))
    assert parse_post(text, "x.en.md").front_matter["slug"] == "hello-world"


def test_translate_slug_keeps_the_slug_of_an_untranslated_title() -> None:
    post = POST.replace("title: Bonjour le monde", "title: Autre titre")
    text = exported(post, UrlRules(site="hugo", translate_slug=True))
    assert parse_post(text, "x.en.md").front_matter["slug"] == "bonjour-le-monde"


@pytest.mark.parametrize(
    ("fence", "end"),
    [("+++", "+++"), ("{", "}")],
)
def test_urls_are_localized_in_toml_and_json_front_matter(fence: str, end: str) -> None:
    if fence == "+++":
        front = '+++\ntitle = "Bonjour le monde"\nurl = "/a-propos/"\n+++\n'
    else:
        front = '{\n  "title": "Bonjour le monde",\n  "url": "/a-propos/"\n}\n'
    text = exported(front + "Un paragraphe.\n", HUGO)
    assert parse_post(text, "x.en.md").front_matter["url"] == "/en/a-propos/"


def test_jekyll_exports_share_a_ref_with_their_source_file_name() -> None:
    text = exported(POST, JEKYLL, path="_posts/2025-09-06-bonjour.markdown")
    front = parse_post(text, "x.md").front_matter
    assert front["ref"] == "2025-09-06-bonjour"
    assert front["lang"] == "en"


def test_hugo_exports_add_no_translation_key() -> None:
    assert "translationKey" not in parse_post(exported(POST, HUGO), "x.md").front_matter
