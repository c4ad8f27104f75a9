"""TOML front matter (``+++``): read, segmented by field paths, written back in TOML with every
untouched byte kept; drafts stay drafts through export."""

from __future__ import annotations

import datetime
import tomllib
from typing import Any

import polib
import pytest
import tomlkit
from hypothesis import given, settings
from hypothesis import strategies as st

import helpers
from postloc.config import Extraction
from postloc.errors import BadFrontMatter
from postloc.export.post import export_post
from postloc.markdown.frontmatter import toml_matter
from postloc.markdown.model import Post, Segment
from postloc.markdown.parse import parse_post
from postloc.markdown.rebuild import rebuild_post
from postloc.markdown.segment import segment_post

PATH = "source_posts/billet.md"
ALL = Extraction(
    front_matter_fields=(
        "title",
        "description",
        "summary",
        "cover.alt",
        "cover.caption",
        "images[].caption",
        "tags",
    )
)

POST = """\
+++
# commentaire gardé
title = "Les ponts de Lyon"  # le titre
description = 'Une promenade'
date = 2024-05-01T10:30:00+02:00
draft = false
tags = ["voyage", 'été']
cover.alt = "Le pont"
images = [
  { src = "a.jpg", caption = "Le quai" },  # première
  {src = "b.jpg", caption = 'La Saône'},
]

[params]
title = "Pas traduit"

[[gallery]]
caption = "Pas dans les champs"
+++
Corps.
"""


def parsed(text: str) -> Post:
    return parse_post(text, PATH)


def front(text: str) -> dict[str, Any]:
    post = parsed(text)
    assert post.front_matter_format == "toml"
    assert post.front_matter_span is not None
    return tomllib.loads(post.text[slice(*post.front_matter_span)])


def rebuilt(
    text: str, how: Any, extra: tuple[tuple[str, Any], ...] = (), rules: Extraction = ALL
) -> tuple[list[Segment], str]:
    post = parsed(text)
    segments = segment_post(post, rules)
    return segments, rebuild_post(
        post, segments, {i: how(s) for i, s in enumerate(segments)}, extra
    )


# -- reading ------------------------------------------------------------------------


def test_toml_fences_are_read_with_tomllib() -> None:
    post = parsed(POST)
    assert post.front_matter_format == "toml"
    assert post.front_matter == tomllib.loads(post.text[slice(*post.front_matter_span or (0, 0))])
    assert post.front_matter["date"] == datetime.datetime(
        2024, 5, 1, 10, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
    )
    assert post.body == "Corps.\n" and post.body_line == 20


def test_blank_lines_before_the_fence_are_skipped_as_hugo_does() -> None:
    post = parsed('\n  \n+++\ntitle = "x"\n+++\nCorps\n')
    assert post.front_matter == {"title": "x"} and post.body == "Corps\n"
    assert [s.line for s in segment_post(post)] == [4, 6]


@pytest.mark.parametrize("text", ["+++x\n", "++\n", "+ liste\n", "Texte\n+++\nx = 1\n+++\n"])
def test_text_that_is_no_toml_fence_stays_body(text: str) -> None:
    post = parsed(text)
    assert post.front_matter_span is None and post.body == text


# -- segments -------------------------------------------------------------------------


def test_field_paths_name_nested_and_list_values_in_source_order() -> None:
    post = parsed(POST)
    found = segment_post(post, ALL)
    assert [(s.kind, s.line, s.text) for s in found if s.in_front_matter] == [
        ("title", 3, "Les ponts de Lyon"),
        ("front-matter:description", 4, "Une promenade"),
        ("front-matter:tags", 7, "voyage"),
        ("front-matter:tags", 7, "été"),
        ("front-matter:cover.alt", 8, "Le pont"),
        ("front-matter:images[].caption", 10, "Le quai"),
        ("front-matter:images[].caption", 11, "La Saône"),
    ]
    spans = [post.text[s.start : s.end] for s in found if s.in_front_matter]
    assert spans == [
        '"Les ponts de Lyon"',
        "'Une promenade'",
        '"voyage"',
        "'été'",
        '"Le pont"',
        '"Le quai"',
        "'La Saône'",
    ]


def test_tables_and_arrays_of_tables_are_reached() -> None:
    text = (
        '+++\ntitle = "T"\n[cover]\n  alt = "Alt"\ncaption = """Long\ncap"""\n'
        '[[images]]\ncaption = "Un"\n[[images]]\nsrc = "x"\n[[images]]\ncaption = "Trois"\n+++\n'
    )
    post = parsed(text)
    found = segment_post(post, ALL)
    assert [(s.kind, s.line, s.text) for s in found] == [
        ("title", 2, "T"),
        ("front-matter:cover.alt", 4, "Alt"),
        ("front-matter:cover.caption", 5, "Long\ncap"),
        ("front-matter:images[].caption", 8, "Un"),
        ("front-matter:images[].caption", 12, "Trois"),
    ]
    assert post.text[found[2].start : found[2].end] == '"""Long\ncap"""'


def test_taxonomies_and_nested_values_are_not_segmented_by_default() -> None:
    kinds = [s.kind for s in segment_post(parsed(POST)) if s.in_front_matter]
    assert kinds == ["title", "front-matter:description"]


# -- writing back ---------------------------------------------------------------------


def test_identity_rebuild_is_byte_identical() -> None:
    _segments, out = rebuilt(POST, lambda s: s.text)
    assert out == POST


def test_translated_values_read_back_and_untouched_lines_stay() -> None:
    segments, out = rebuilt(POST, lambda s: f'« {s.text} » l\'été "x"\\')
    expected = tomllib.loads(POST.split("+++\n")[1])
    for key in ("title", "description"):
        expected[key] = f'« {expected[key]} » l\'été "x"\\'
    expected["tags"] = [f'« {t} » l\'été "x"\\' for t in expected["tags"]]
    expected["cover"]["alt"] = '« Le pont » l\'été "x"\\'
    for image in expected["images"]:
        image["caption"] = f'« {image["caption"]} » l\'été "x"\\'
    assert front(out) == expected
    touched = {s.line for s in segments if s.in_front_matter}
    old_lines, new_lines = POST.split("\n"), out.split("\n")
    assert len(old_lines) == len(new_lines)
    for number, (old, new) in enumerate(zip(old_lines, new_lines, strict=True), start=1):
        if number not in touched and number != 20:
            assert old == new
    assert '"« Les ponts de Lyon » l\'été \\"x\\"\\\\"  # le titre' in out
    assert "},  # première" in out


def test_literal_strings_stay_literal_when_they_can() -> None:
    _segments, out = rebuilt(POST, lambda s: s.text.upper())
    assert "description = 'UNE PROMENADE'" in out
    assert "tags = [\"VOYAGE\", 'ÉTÉ']" in out
    _segments, out = rebuilt(POST, lambda s: s.text + " l'été")
    assert 'description = "Une promenade l\'été"' in out


def test_a_newline_in_a_translation_is_escaped_on_one_line() -> None:
    _segments, out = rebuilt(POST, lambda s: "Deux\nlignes\tet\x7f")
    assert front(out)["title"] == "Deux\nlignes\tet\x7f"
    assert out.count("\n") == POST.count("\n")


def test_draft_rebuilt_keeps_draft_true_and_adds_keys_before_the_first_table() -> None:
    text = (helpers.CORPUS / "front-matter-toml-draft.md").read_text(encoding="utf-8")
    extra = (("lang", "es"), ("translation_of", "front-matter-toml-draft"))
    _segments, out = rebuilt(text, lambda s: f"[es] {s.text}", extra)
    data = front(out)
    assert data["draft"] is True
    assert data["lang"] == "es" and data["translation_of"] == "front-matter-toml-draft"
    assert data["cover"] == {"image": "brouillon.png", "alt": "[es] Une page blanche"}
    lines = out.split("\n")
    assert "draft = true" in lines
    assert lines.index('lang = "es"') < lines.index("[cover]")
    assert lines.index('translation_of = "front-matter-toml-draft"') < lines.index("[cover]")
    assert parse_post(out, "build/es/x.md").front_matter_format == "toml"


def test_export_of_a_toml_draft_stays_a_toml_draft() -> None:
    text = (helpers.CORPUS / "front-matter-toml-draft.md").read_text(encoding="utf-8")
    post = parsed(text)
    segments = segment_post(post)
    catalogue = polib.POFile()
    for segment in segments:
        catalogue.append(polib.POEntry(msgid=segment.text, msgstr=f"[es] {segment.text}"))
    outcome = export_post(post, segments, catalogue, "es")
    assert outcome.text is not None
    exported = parse_post(outcome.text, "build/es/x.md")
    assert exported.front_matter_format == "toml"
    assert exported.front_matter["draft"] is True
    assert exported.front_matter["lang"] == "es"
    assert exported.front_matter["date_display"]
    assert "\ndraft = true\n" in outcome.text
    assert outcome.text.index("\nlang = ") < outcome.text.index("\n[cover]")
    assert not outcome.text.startswith("---")


def test_extra_keys_replace_in_place_keep_equal_values_and_quote_keys() -> None:
    text = '+++\nlang = "fr"\nratio = 0.5\n\n[t]\nx = 1\n+++\n'
    extra = (
        ("lang", "en"),
        ("ratio", 0.5),
        ("clé spéciale", True),
        ("when", datetime.date(2024, 1, 2)),
    )
    _segments, out = rebuilt(text, lambda s: s.text, extra)
    assert out == (
        '+++\nlang = "en"\nratio = 0.5\n"clé spéciale" = true\nwhen = 2024-01-02\n'
        "\n[t]\nx = 1\n+++\n"
    )


def test_extra_keys_in_an_empty_or_table_only_front_matter() -> None:
    _segments, out = rebuilt("+++\n+++\nCorps\n", lambda s: s.text, (("lang", "en"),))
    assert out == '+++\nlang = "en"\n+++\nCorps\n'
    _segments, out = rebuilt("+++\n[params]\nx = 1\n+++\n", lambda s: s.text, (("lang", "en"),))
    assert front(out) == {"lang": "en", "params": {"x": 1}}
    assert out.startswith('+++\nlang = "en"\n')


def test_crlf_and_bom_are_kept() -> None:
    data = '\ufeff+++\r\ntitle = "Bonjour"\r\n\r\n[t]\r\nx = 1\r\n+++\r\nCorps\r\n'.encode()
    post = parse_post(data, PATH)
    segments = segment_post(post)
    out = rebuild_post(post, segments, {0: "Hello", 1: "Body"}, (("lang", "en"),))
    assert (
        out == '\ufeff+++\r\ntitle = "Hello"\r\nlang = "en"\r\n\r\n[t]\r\nx = 1\r\n+++\r\nBody\r\n'
    )


def test_values_toml_cannot_write_are_refused() -> None:
    post = parsed('+++\nlang = "fr"\n[table]\nx = 1\n+++\n')
    with pytest.raises(TypeError):
        rebuild_post(post, [], {}, (("missing", None),))
    with pytest.raises(BadFrontMatter, match=f"^{PATH}:2: front matter key 'table' is a table"):
        rebuild_post(post, [], {}, (("table", "x"),))


# -- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('+++\ntitle = "x"\n', 1, "opened with '+++' is never closed"),
        ('\n\n+++\ntitle = "x"\n', 3, "never closed"),
        ('+++\ntitle = "x"\ndate = \n+++\n', 3, "invalid TOML: Invalid value"),
        ('+++\ntitle = "x"\n\ntitle = "y"\n+++\n', 4, "set twice"),
        ("+++\n[a]\nx = 1\n[a]\n+++\n", 4, "set twice"),
        ('+++\ntitle = "x\n+++\n', 2, "invalid TOML"),
        ('+++\ntitle = "x"\ntags = [\n  "a",\n+++\n', 5, "invalid TOML"),
        ('+++\na = 1\nb = "\\u0000"\n+++\n', 3, "(written as an escape)"),
        ('+++\na = 1\n[t]\nc = ["x", "\\b"]\n+++\n', 4, "(written as an escape)"),
        ('+++\na = 1\nb = "x\x01"\n+++\n', 3, ""),
    ],
)
def test_bad_toml_names_the_file_line(text: str, line: int, message: str) -> None:
    with pytest.raises(BadFrontMatter) as caught:
        parsed(text)
    assert caught.value.line == line
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"{PATH}:{line}: ")


# -- property tests -------------------------------------------------------------------

TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\t\n\r'\"\\#=[]{}"),
    min_size=1,
).filter(str.strip)
"""Translations: anything a catalogue can hold (no control characters but tab and line
breaks)."""


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXT, min_size=7, max_size=7))
def test_random_translations_read_back_in_every_toml_context(texts: list[str]) -> None:
    post = parsed(POST)
    segments = segment_post(post, ALL)
    in_front = [i for i, s in enumerate(segments) if s.in_front_matter]
    out = rebuild_post(post, segments, dict(zip(in_front, texts, strict=True)))
    data = front(out)
    got = [
        data["title"],
        data["description"],
        *data["tags"],
        data["cover"]["alt"],
        *(image["caption"] for image in data["images"]),
    ]
    assert got == texts
    assert data["params"] == {"title": "Pas traduit"}


KEYS = st.sampled_from(["title", "alt", "a b", "x", "é", "caption"])
LEAVES = st.one_of(TEXT, st.integers(), st.booleans(), st.dates())
DATA = st.recursive(
    st.dictionaries(KEYS, LEAVES, max_size=4),
    lambda inner: st.dictionaries(
        KEYS, st.one_of(LEAVES, inner, st.lists(TEXT, max_size=3), st.lists(inner, max_size=2))
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(DATA, st.booleans())
def test_every_located_string_is_exactly_its_source(data: dict[str, Any], inline: bool) -> None:
    source = tomlkit.dumps(_inline(data) if inline else data)
    loaded = tomllib.loads(source)
    addresses = list(_strings(loaded))
    spots = toml_matter.TOML.spots(source, [a for a, _ in addresses], lambda i: 1)
    for (_address, value), spot in zip(addresses, spots, strict=True):
        assert tomllib.loads(f"k = {source[spot.start : spot.end]}")["k"] == value


def _inline(data: dict[str, Any]) -> Any:
    table = tomlkit.inline_table()
    table.update(data)
    return {"top": table}


def _strings(value: Any, address: tuple[str | int, ...] = ()) -> Any:
    if isinstance(value, str):
        yield address, value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from _strings(inner, (*address, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _strings(inner, (*address, index))
