"""Pairing keys and region prefixes of :mod:`postloc.export.urls` (``postloc keys``, Hugo's
``pt-br``)."""

from __future__ import annotations

from postloc.export.urls import (
    UrlRules,
    localized_urls,
    new_pairing_key,
    pairing_key,
    shared_key,
)
from postloc.languages import from_site_language, site_language
from postloc.markdown.parse import parse_post


def test_hugo_prefixes_a_regional_language_as_hugo_spells_it() -> None:
    front = {"url": "/a-propos/", "permalink": "/x/"}
    assert localized_urls(front, "pt_BR", UrlRules(site="hugo")) == [
        ("url", "/pt-br/a-propos/"),
        ("permalink", "/pt-br/x/"),
    ]
    assert localized_urls(front, "pt_BR", UrlRules(site="jekyll"))[0] == (
        "url",
        "/pt_BR/a-propos/",
    )


def test_site_spelling_round_trips() -> None:
    assert (
        site_language("pt_BR", "hugo") == "pt-br" and site_language("zh_Hant", "hugo") == "zh-hant"
    )
    assert site_language("pt_BR", "jekyll") == "pt_BR" == site_language("pt_BR", "plain")
    assert from_site_language("pt-br") == "pt_BR" and from_site_language("zh-hant") == "zh_Hant"
    assert from_site_language("en") == "en" and from_site_language("xx-nope") == "xx-nope"


def test_an_own_key_is_found_in_any_case() -> None:
    post = parse_post("---\nTranslationKey: voyage\n---\n\nTexte.\n", "a.md", slug="posts/a")
    assert pairing_key(post, "hugo") == ("TranslationKey", "voyage")
    assert pairing_key(post, "jekyll") is None and pairing_key(post, "plain") is None
    assert new_pairing_key(post, "hugo") == "posts/a"


def test_jekyll_ref_is_the_sources_own_when_it_has_one() -> None:
    plain = parse_post("---\ntitle: x\n---\n", "_posts/2025-09-06-Été.md", slug="x")
    assert shared_key(plain) == "2025-09-06-Été" == new_pairing_key(plain, "jekyll")
    own = parse_post("---\nref: bienvenue\n---\n", "_posts/2025-09-06-x.md", slug="x")
    assert shared_key(own) == "bienvenue"
