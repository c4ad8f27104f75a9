"""Dotted field paths: the syntax ``postloc.toml`` accepts, and which values a path names in
each of the three front-matter formats."""

from __future__ import annotations

from pathlib import Path

import pytest

from postloc.config import DEFAULT_FRONT_MATTER_FIELDS, Extraction, parse_config
from postloc.errors import ConfigError
from postloc.markdown.frontmatter.paths import (
    FieldPath,
    Step,
    describe,
    parse_path,
    path_of_kind,
    select,
)
from postloc.markdown.parse import parse_post
from postloc.markdown.rebuild import rebuild_post
from postloc.markdown.segment import segment_post


def config(fields: str) -> tuple[str, ...]:
    return parse_config(
        f"front_matter_fields = {fields}\n", Path("/p"), engines=()
    ).front_matter_fields


# -- syntax -----------------------------------------------------------------------------


def test_paths_parse_into_steps() -> None:
    assert parse_path("images[].caption") == FieldPath(
        "images[].caption", (Step("images", True), Step("caption", False))
    )
    assert parse_path("cover.alt").kind == "front-matter:cover.alt"
    assert parse_path("title").kind == "title"
    assert path_of_kind("title") == parse_path("title")
    assert path_of_kind("front-matter:a[].b") == parse_path("a[].b")


def test_config_accepts_dotted_list_and_taxonomy_paths() -> None:
    fields = '["title", "cover.alt", "images[].caption", "a[].b[].c", "tags", "série"]'
    assert config(fields) == (
        "title",
        "cover.alt",
        "images[].caption",
        "a[].b[].c",
        "tags",
        "série",
    )


@pytest.mark.parametrize(
    ("path", "hint"),
    [
        ("tags[]", "write 'tags' for each string of a list"),
        ("cover..alt", "expected keys joined by '.'"),
        (".alt", "expected keys joined by '.'"),
        ("cover.", "expected keys joined by '.'"),
        ("images[]caption", "expected keys joined by '.'"),
        ("a b", "expected keys joined by '.'"),
        ("", "expected keys joined by '.'"),
        ("a[0].b", "expected keys joined by '.'"),
    ],
)
def test_config_refuses_what_is_no_path(path: str, hint: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config(f'["title", "{path}"]')
    assert f"front_matter_fields: {path!r} is not a field path: {hint}" in str(caught.value)
    with pytest.raises(ValueError, match="is not a front-matter field path"):
        parse_path(path)


def test_config_refuses_a_path_twice() -> None:
    with pytest.raises(ConfigError, match="front_matter_fields lists 'tags' twice"):
        config('["tags", "title", "tags"]')


def test_taxonomies_are_never_a_default() -> None:
    assert not {"tags", "categories", "series"} & set(DEFAULT_FRONT_MATTER_FIELDS)


# -- what a path names --------------------------------------------------------------------

DATA = {
    "title": "Titre",
    "tags": ["a", 2, "b"],
    "cover": {"alt": "Alt", "size": 3, "meta": {"x": "y"}},
    "images": [{"caption": "Un"}, "pas une table", {"src": "x"}, {"caption": ["c1", "c2"]}],
    "weight": 3,
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("title", [(("title",), "Titre")]),
        ("tags", [(("tags", 0), "a"), (("tags", 2), "b")]),
        ("cover.alt", [(("cover", "alt"), "Alt")]),
        (
            "images[].caption",
            [
                (("images", 0, "caption"), "Un"),
                (("images", 3, "caption", 0), "c1"),
                (("images", 3, "caption", 1), "c2"),
            ],
        ),
        ("cover", []),
        ("cover.size", []),
        ("weight", []),
        ("missing.key", []),
        ("title.x", []),
        ("tags[].x", []),
        ("cover[].alt", []),
    ],
)
def test_a_path_names_strings_and_each_string_of_a_list(
    path: str, expected: list[tuple[tuple[str | int, ...], str]]
) -> None:
    assert [(s.address, s.value) for s in select(DATA, [parse_path(path)])] == expected


def test_addresses_read_as_the_user_writes_them() -> None:
    assert describe(("images", 3, "caption", 0)) == "images[3].caption[0]"
    assert describe(("title",)) == "title"


FORMATS = {
    "yaml": "---\ntitle: T\ntags: [a, b]\ncover:\n  alt: A\nimages:\n- caption: C\n---\nCorps\n",
    "toml": '+++\ntitle = "T"\ntags = ["a", "b"]\nimages = [{caption = "C"}]\n'
    '[cover]\nalt = "A"\n+++\nCorps\n',
    "json": '{"title": "T", "tags": ["a", "b"], "cover": {"alt": "A"},\n'
    ' "images": [{"caption": "C"}]}\nCorps\n',
}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_names_the_same_values(fmt: str) -> None:
    post = parse_post(FORMATS[fmt], "source_posts/x.md")
    assert post.front_matter_format == fmt
    rules = Extraction(front_matter_fields=("images[].caption", "cover.alt", "tags", "title"))
    found = {(s.kind, s.text) for s in segment_post(post, rules)}
    assert found == {
        ("title", "T"),
        ("front-matter:tags", "a"),
        ("front-matter:tags", "b"),
        ("front-matter:cover.alt", "A"),
        ("front-matter:images[].caption", "C"),
        ("paragraph", "Corps"),
    }
    starts = [s.start for s in segment_post(post, rules)]
    assert starts == sorted(starts)
    default = [s.kind for s in segment_post(post)]
    assert default == ["title", "paragraph"]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_an_extra_key_wins_over_the_values_inside_it(fmt: str) -> None:
    post = parse_post(FORMATS[fmt], "source_posts/x.md")
    rules = Extraction(front_matter_fields=("images[].caption", "cover.alt", "tags", "title"))
    segments = segment_post(post, rules)
    translations = {i: f"[en] {s.text}" for i, s in enumerate(segments)}
    out = rebuild_post(post, segments, translations, (("tags", ["x", "y z"]),))
    data = parse_post(out, "x.md").front_matter
    assert (data["tags"], data["cover"], data["title"]) == (
        ["x", "y z"],
        {"alt": "[en] A"},
        "[en] T",
    )
    assert data["images"] == [{"caption": "[en] C"}]
