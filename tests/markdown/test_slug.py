"""A post's identity: any file name a generator accepts becomes a safe, stable catalogue name."""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from postloc.markdown.slug import (
    IDENTITY_PATTERN,
    MAX_NAME,
    SAFE_NAME_PATTERN,
    identity_of,
    markdown_stem,
    safe_name,
)

SAFE = re.compile(SAFE_NAME_PATTERN)
IDENTITY = re.compile(IDENTITY_PATTERN)


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("IA & Java : du prompt au logiciel", "ia-java-du-prompt-au-logiciel"),
        ("Déc 2025 - notes de version", "dec-2025-notes-de-version"),
        ("coalition-des-volontaires-paris", "coalition-des-volontaires-paris"),
        ("_index", "_index"),
        ("index", "index"),
        ("release-1.2", "release-1.2"),
        ("Ça, c'est l'été !", "ca-c-est-l-ete"),
        ("-.caché.-", "cache"),
        ("ﬁn ½", "fin-1-2"),
    ],
)
def test_safe_name(name: str, safe: str) -> None:
    assert safe_name(name) == safe


@pytest.mark.parametrize("name", ["", ".", "..", "日本語", "---", "…"])
def test_a_name_with_nothing_left_gets_a_hashed_name(name: str) -> None:
    result = safe_name(name)
    assert re.fullmatch(r"u-[0-9a-f]{10}", result)
    assert safe_name(name) == result


def test_different_empty_names_get_different_hashes() -> None:
    assert safe_name("日本語") != safe_name("中文")


def test_nfc_and_nfd_file_systems_give_the_same_name() -> None:
    composed = "Été à Noël"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert safe_name(decomposed) == safe_name(composed) == "ete-a-noel"
    assert safe_name(unicodedata.normalize("NFD", "日本")) == safe_name("日本")


def test_a_long_name_is_cut_with_a_hash() -> None:
    long = "mot " * 100
    result = safe_name(long)
    assert len(result) <= MAX_NAME and SAFE.fullmatch(result)
    assert result != safe_name(long + "x")


@pytest.mark.parametrize(
    ("relative", "identity"),
    [
        ("posts/hugo/faq", "posts/hugo/faq"),
        ("posts/IA & Java : du prompt au logiciel", "posts/ia-java-du-prompt-au-logiciel"),
        ("Posts/Bundle Voyage/index", "posts/bundle-voyage/index"),
        ("/etc/passwd", "etc/passwd"),
        ("./a/./b", "a/b"),
        ("a\\b", "a/b"),
    ],
)
def test_identity_of(relative: str, identity: str) -> None:
    assert identity_of(relative) == identity


def test_dotdot_never_climbs() -> None:
    identity = identity_of("../../etc/passwd")
    assert IDENTITY.fullmatch(identity) and ".." not in identity.split("/")
    assert identity.endswith("/etc/passwd")


@pytest.mark.parametrize(
    ("name", "stem"),
    [("a.md", "a"), ("a.markdown", "a"), ("A.MD", "A"), ("x.fr.md", "x.fr"), ("a.txt", None)],
)
def test_markdown_stem(name: str, stem: str | None) -> None:
    assert markdown_stem(name) == stem


names = st.text(st.characters(exclude_characters="/\x00"), min_size=0, max_size=300)


@given(names)
def test_any_name_gives_a_safe_stable_name(name: str) -> None:
    result = safe_name(name)
    assert SAFE.fullmatch(result), result
    assert result not in (".", "..") and not result.startswith((".", "-"))
    assert len(result) <= MAX_NAME
    assert safe_name(name) == result
    assert safe_name(unicodedata.normalize("NFD", name)) == result


@given(st.lists(names, min_size=1, max_size=5))
def test_any_path_gives_an_identity_inside_the_folder(parts: list[str]) -> None:
    identity = identity_of("/".join(parts))
    assert IDENTITY.fullmatch(identity), identity
    target = PurePosixPath("/locales/en/LC_MESSAGES") / f"{identity}.po"
    assert ".." not in target.parts
    assert target.is_relative_to("/locales/en/LC_MESSAGES")
