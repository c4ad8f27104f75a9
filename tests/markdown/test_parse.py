"""parse_post: decoding, fences, strict YAML, slugs, and one-line errors that name the file."""

from __future__ import annotations

import datetime
import time

import pytest

from postloc.errors import BadFrontMatter, BadPost
from postloc.markdown.lines import line_number, line_starts
from postloc.markdown.parse import MAX_POST_BYTES, parse_post

PATH = "source_posts/billet.md"


def test_front_matter_and_body() -> None:
    text = "---\ntitle: Bonjour\ndate: 2024-01-02\n---\n# Titre\n"
    post = parse_post(text.encode(), PATH)
    assert post.front_matter == {"title": "Bonjour", "date": datetime.date(2024, 1, 2)}
    assert post.front_matter_span == (4, 36)
    assert text[slice(*post.front_matter_span)] == "title: Bonjour\ndate: 2024-01-02\n"
    assert post.body == "# Titre\n"
    assert post.body_line == 5
    assert (post.path, post.slug, post.bom, post.newline) == (PATH, "billet", False, "\n")


def test_no_front_matter() -> None:
    post = parse_post(b"# Titre\n\nTexte.\n", PATH)
    assert post.front_matter == {}
    assert post.front_matter_span is None
    assert post.body_start == 0 and post.body_line == 1


@pytest.mark.parametrize("data", [b"", "", b"\xef\xbb\xbf"])
def test_empty_post(data: bytes | str) -> None:
    post = parse_post(data, PATH)
    assert post.text == "" and post.body == "" and post.front_matter == {}


def test_front_matter_only_without_final_newline() -> None:
    post = parse_post(b"---\ntitle: Seul\n---", PATH)
    assert post.front_matter == {"title": "Seul"}
    assert post.body == "" and post.body_start == len(post.text)


def test_empty_front_matter_and_comment_only_front_matter() -> None:
    assert parse_post(b"---\n---\nTexte\n", PATH).front_matter == {}
    post = parse_post(b"---\n# rien\n---\nTexte\n", PATH)
    assert post.front_matter == {} and post.body == "Texte\n"


def test_dots_close_the_front_matter() -> None:
    post = parse_post(b"---\ntitle: x\n...\nCorps\n", PATH)
    assert post.front_matter == {"title": "x"} and post.body == "Corps\n"


def test_bom_is_removed_and_remembered() -> None:
    post = parse_post(b"\xef\xbb\xbf---\ntitle: x\n---\n", PATH)
    assert post.bom and not post.text.startswith("\ufeff")
    assert post.front_matter == {"title": "x"}
    assert parse_post("\ufeffTexte", PATH).bom


def test_crlf_is_kept() -> None:
    data = b"---\r\ntitle: x\r\n---\r\nUn\r\ndeux\r\n"
    post = parse_post(data, PATH)
    assert post.text == data.decode()
    assert post.newline == "\r\n"
    assert post.front_matter == {"title": "x"}
    assert post.body == "Un\r\ndeux\r\n"
    assert post.body_line == 4


def test_identity_is_the_file_name_not_the_front_matter_slug() -> None:
    """Hugo's ``slug:`` is a part of the URL; alone, a post is named after its file."""
    post = parse_post(b"---\nslug: mon-billet.v2\n---\n", "source_posts/Autre Nom.md")
    assert post.slug == "autre-nom"


def test_the_callers_identity_wins() -> None:
    post = parse_post(b"Texte\n", "content/posts/hugo/faq.md", slug="posts/hugo/faq")
    assert post.slug == "posts/hugo/faq"


def test_line_table_counts_every_kind_of_line_ending() -> None:
    starts = line_starts("a\r\nb\rc\nd")
    assert starts == [0, 3, 5, 7]
    assert [line_number(starts, i) for i in (0, 2, 3, 5, 7, 8)] == [1, 1, 2, 3, 4, 4]


# -- errors ---------------------------------------------------------------------


def _error(data: bytes | str, path: str = PATH) -> BadPost:
    with pytest.raises(BadPost) as info:
        parse_post(data, path)
    message = str(info.value)
    assert "\n" not in message and path in message
    return info.value


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("---\ntitle: Bon\ndescription: un: deux\n---\n", 3),
        ("---\ntitle: Bon\ntags: [a, b\nlang: fr\n---\n", 4),
        ("---\ntitle: Bon\n\tdate: x\n---\n", 3),
        ('---\n# ok\n\ntitle: "non fermé\n---\n', 5),
    ],
)
def test_broken_yaml_names_the_file_line(text: str, line: int) -> None:
    error = _error(text.encode())
    assert isinstance(error, BadFrontMatter)
    assert error.line == line
    assert str(error).startswith(f"{PATH}:{line}: invalid YAML")


def test_yaml_error_line_counts_crlf_lines() -> None:
    error = _error(b"---\r\ntitle: Bon\r\ndescription: un: deux\r\n---\r\n")
    assert error.line == 3


def test_alias_bomb_is_refused_fast() -> None:
    lines = ["---", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghij":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
        previous = name
    text = "\n".join([*lines, "---", "Corps"])
    began = time.perf_counter()
    error = _error(text.encode())
    assert time.perf_counter() - began < 1.0
    assert isinstance(error, BadFrontMatter)
    assert error.line == 2
    assert "anchors and aliases are not allowed" in str(error)


def test_lone_alias_and_anchor_are_refused() -> None:
    assert "aliases" in str(_error(b"---\ntitle: *x\n---\n"))
    assert "anchors" in str(_error(b"---\ntitle: &x Bonjour\n---\n"))


@pytest.mark.parametrize(
    ("text", "found"),
    [("---\n- a\n- b\n---\n", "a list"), ("---\nJuste du texte\n---\n", "a single value")],
)
def test_front_matter_must_be_a_mapping(text: str, found: str) -> None:
    error = _error(text.encode())
    assert isinstance(error, BadFrontMatter)
    assert f"must be a mapping of 'key: value' lines, found {found}" in str(error)
    assert error.line == 2


def test_unterminated_front_matter() -> None:
    for text in ("---\ntitle: x\n\nCorps sans fermeture\n", "---", "---\n"):
        error = _error(text)
        assert isinstance(error, BadFrontMatter)
        assert str(error) == (
            f"{PATH}:1: front matter opened with '---' is never closed by a '---' line"
        )


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\ufffe"])
def test_control_character_in_front_matter(char: str) -> None:
    error = _error(f"---\ntitle: ok\ndescription: a{char}b\n---\n".encode())
    assert isinstance(error, BadFrontMatter)
    assert error.line == 3
    assert f"character U+{ord(char):04X} is not allowed" in str(error)


def test_duplicate_and_non_string_keys_are_refused() -> None:
    error = _error(b"---\ntitle: a\nlang: fr\ntitle: b\n---\n")
    assert (error.line, "duplicate front matter key 'title'" in str(error)) == (4, True)
    error = _error(b"---\ntitle: a\nyes: oui\n---\n")
    assert error.line == 3 and "keys must be strings" in str(error)


def test_invalid_utf8_names_line_and_byte() -> None:
    data = "---\ntitle: é\n---\nligne\r\nautre \xe9\n".encode("latin-1")
    error = _error(data)
    assert not isinstance(error, BadFrontMatter)
    assert error.line == 2
    message = str(error)
    assert message.startswith(f"{PATH}:2: not valid UTF-8 (byte 0xe9")
    assert _error(b"ok\r\nok\rok\n\xff").line == 4


@pytest.mark.parametrize(
    ("data", "path", "slug"),
    [
        (b"---\nslug: ../x\n---\n", PATH, "billet"),
        (b"Texte\n", "source_posts/A B.md", "a-b"),
        (b"---\nslug: 2024\n---\n", PATH, "billet"),
        (
            b"Texte\n",
            "source_posts/Déc 2025 - notes de version.markdown",
            "dec-2025-notes-de-version",
        ),
        (b"Texte\n", "source_posts/.cache.md", "cache"),
        (b"Texte\n", "source_posts/日本語.md", "u-"),
    ],
)
def test_any_file_name_or_slug_gives_a_safe_identity(data: bytes, path: str, slug: str) -> None:
    assert parse_post(data, path).slug.startswith(slug)


def test_post_over_the_size_limit() -> None:
    data = b"a" * (MAX_POST_BYTES + 1)
    assert "larger than 10 MB" in str(_error(data))
    assert "larger than 10 MB" in str(_error("é" * (MAX_POST_BYTES // 2 + 1)))
    assert parse_post(b"a" * MAX_POST_BYTES, PATH).text.startswith("a")
