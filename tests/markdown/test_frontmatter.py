"""YAML front matter: the libyaml fast path composes exactly what the strict pure-Python
composer does; nested and list values are located and written back for their context."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import helpers
from md_strategies import front_matter
from postloc.characters import first_forbidden
from postloc.config import Extraction
from postloc.errors import BadFrontMatter
from postloc.markdown.frontmatter import locate
from postloc.markdown.frontmatter import yaml_matter as frontmatter
from postloc.markdown.frontmatter import yaml_scalars as scalars
from postloc.markdown.model import Segment
from postloc.markdown.parse import parse_post
from postloc.markdown.rebuild import rebuild_post
from postloc.markdown.segment import segment_post

CORPUS = helpers.CORPUS

needs_libyaml = pytest.mark.skipif(
    not getattr(yaml, "__with_libyaml__", False), reason="PyYAML built without libyaml"
)


def _shape(node: Any) -> Any:
    """Everything postloc reads from a node: class, tag, value, offsets, line/column, styles.

    Collections are compared on flow or block only: PyYAML says None, libyaml
    False for an indentless block sequence, and postloc only asks "is it flow?".
    """
    if node is None:
        return None
    marks = (node.start_mark.index, node.end_mark.index, node.start_mark.line)
    head = (type(node).__name__, node.tag, *marks, node.start_mark.column)
    if isinstance(node, yaml.ScalarNode):
        return (*head, node.value, node.style)
    if isinstance(node, yaml.MappingNode):
        return (*head, bool(node.flow_style), [(_shape(k), _shape(v)) for k, v in node.value])
    return (*head, bool(node.flow_style), [_shape(item) for item in node.value])


def _both(text: str) -> tuple[Any, Any]:
    """(libyaml result or ``_UNSURE``, strict result or the exception it raised)."""
    fast = frontmatter._compose_with_libyaml(text)
    try:
        strict: Any = frontmatter._compose_strictly(text, lambda i: 1)
    except BadFrontMatter as exc:
        strict = exc
    return fast, strict


def _assert_same(text: str) -> None:
    fast, strict = _both(text)
    if fast is frontmatter._UNSURE:
        return
    assert not isinstance(strict, Exception), f"libyaml accepted what PyYAML refuses: {text!r}"
    assert _shape(fast) == _shape(strict)


@needs_libyaml
def test_corpus_front_matter_takes_the_fast_path_with_identical_nodes() -> None:
    fast_count = 0
    for path in sorted(CORPUS.glob("*.md")):
        text = path.read_text(encoding="utf-8-sig")
        fences = locate(text)
        if fences is None or fences.format != "yaml":
            continue
        yaml_text = text[fences.start : fences.end]
        fast, strict = _both(yaml_text)
        if fast is not frontmatter._UNSURE:
            fast_count += 1
            assert _shape(fast) == _shape(strict), path.name
    assert fast_count >= 10


@needs_libyaml
@pytest.mark.parametrize(
    "text",
    [
        "title: &a x\nother: *a\n",
        "title: *x\n",
        "a: [1, 2]\nb: {c: d}\n",
        'title: "**gras** & co"\n',
        "title: '*'\n",
        "- a\n- b\n",
        "title: x\ntitle: y\n",
        "title: [unclosed\n",
        "\ttitle: tab\n",
        "key: value\n---\nsecond: doc\n",
        "k: " + "[" * 2000 + "]" * 2000,
        "k: \x07bell\n",
        "k: |\n  bloc\n  littéral\n",
        "k: >-\n  plié\n\n  deux\n",
        "? complex\n: key\n",
        "k: !!str 12\n",
        "k: !custom x\n",
        "k: 2024-01-02 10:00:00\n",
        "k: 0o17\nl: 0x1F\nm: 1_000\nn: .inf\no: ~\np: yes\n",
        "{a: 1, b: [x, y]}\n",
        "k: x # commentaire\n# seul\n",
        "k: 'un ''apostrophe'''\nl: \"\\u00e9\\t\"\n",
        "k:\n  - a\n  -\n  - c\n",
        "é: 😀\r\nk: v\r\n",
    ],
)
def test_tricky_yaml_is_composed_identically_or_left_to_the_strict_path(text: str) -> None:
    _assert_same(text)


@needs_libyaml
def test_anchors_and_errors_go_to_the_strict_path() -> None:
    for text in ("title: &a x\n", "title: *x\n", "title: [unclosed\n", "k: \x07\n"):
        assert frontmatter._compose_with_libyaml(text) is frontmatter._UNSURE


@needs_libyaml
def test_bold_title_is_not_mistaken_for_an_alias() -> None:
    fast = frontmatter._compose_with_libyaml('title: "**35 pays**"\n')
    assert isinstance(fast, yaml.MappingNode)


QUOTING = list(" \n\t\\\"'é😀\x85\u2028\ufeff\x00\x7f\x9f#:-[]")
"""Characters that make PyYAML escape, fold or quote."""

YAML_PIECES = st.sampled_from(
    [
        "k: v\n",
        "title: ",
        '"',
        "'",
        "- ",
        "  ",
        "\t",
        ": ",
        "#",
        "[",
        "]",
        "{",
        "}",
        ",",
        "&a ",
        "*a",
        "!!str ",
        "? ",
        "|\n",
        ">\n",
        "\n",
        "\r\n",
        "é",
        "😀",
        "\\",
        "2024-01-02",
        "12",
        "---\n",
        "...\n",
        "%YAML 1.1\n",
        "**gras**",
    ]
)


@needs_libyaml
@given(st.lists(YAML_PIECES, max_size=25).map("".join))
def test_random_yaml_soup_composes_identically(text: str) -> None:
    _assert_same(text)


@needs_libyaml
@given(front_matter())
def test_generated_front_matter_composes_identically(lines: list[str]) -> None:
    text = "\n".join(lines[1:-1]) + "\n"
    fast, _strict = _both(text)
    assert fast is not frontmatter._UNSURE
    _assert_same(text)


@given(st.text(st.characters(blacklist_categories=("Cs",))) | st.text(st.sampled_from(QUOTING)))
def test_double_quoted_is_byte_for_byte_what_pyyaml_writes(text: str) -> None:
    expected = yaml.dump(
        text, Dumper=yaml.SafeDumper, default_style='"', allow_unicode=True, width=1 << 30
    )
    assert scalars.double_quoted(text) == expected.rstrip("\n")


def test_lone_surrogate_is_quoted_by_pyyaml() -> None:
    assert scalars.double_quoted("a\ud800") == '"a\\uD800"'


def test_repeated_plain_scalars_keep_their_type() -> None:
    assert [scalars.format_scalar(v) for v in (True, 1, 1.0, None)] == [
        "true",
        "1",
        "1.0",
        "null",
    ]


@given(
    st.text(st.sampled_from(QUOTING + list("[]{}#&*!|>%@`,?ab"))).map(str.strip)
    | st.sampled_from(["[x] y", "a: b", "a #b", "# c", "&a", "'q'", "@x", "`x`", "%x", ",x"])
)
def test_quick_plain_refusal_agrees_with_yaml(text: str) -> None:
    if scalars._cannot_be_plain(text):
        assert not scalars._reads_back(text, text, False)
        assert not scalars._reads_back(text, text, True)


# -- nested and list values -------------------------------------------------------------

NESTED = """\
---
title: Titre
cover:
  alt: Texte alternatif  # commentaire
  caption: "Deux : points"
images:
  - src: a.png
    caption: Légende
  - {src: b.png, caption: B}
tags: [un, 'deux']
categories:
  - cat
---
Corps.
"""
NESTED_RULES = Extraction(
    front_matter_fields=(
        "title",
        "cover.alt",
        "cover.caption",
        "images[].caption",
        "tags",
        "categories",
    )
)


def _nested_rebuild(how: Any) -> tuple[list[Segment], str]:
    post = parse_post(NESTED, "source_posts/x.md")
    segments = segment_post(post, NESTED_RULES)
    return segments, rebuild_post(post, segments, {i: how(s) for i, s in enumerate(segments)})


def test_nested_and_list_values_are_located_exactly() -> None:
    post = parse_post(NESTED, "source_posts/x.md")
    found = [s for s in segment_post(post, NESTED_RULES) if s.in_front_matter]
    assert [(s.kind, s.line, post.text[s.start : s.end]) for s in found] == [
        ("title", 2, "Titre"),
        ("front-matter:cover.alt", 4, "Texte alternatif"),
        ("front-matter:cover.caption", 5, '"Deux : points"'),
        ("front-matter:images[].caption", 8, "Légende"),
        ("front-matter:images[].caption", 9, "B"),
        ("front-matter:tags", 10, "un"),
        ("front-matter:tags", 10, "'deux'"),
        ("front-matter:categories", 12, "cat"),
    ]


def test_nested_identity_is_byte_identical_and_translations_read_back() -> None:
    assert _nested_rebuild(lambda s: s.text)[1] == NESTED
    _segments, out = _nested_rebuild(lambda s: f"- {s.text}: [x], y")
    data = yaml.safe_load(out.split("---\n")[1])
    assert data["cover"] == {
        "alt": "- Texte alternatif: [x], y",
        "caption": "- Deux : points: [x], y",
    }
    assert [i["caption"] for i in data["images"]] == ["- Légende: [x], y", "- B: [x], y"]
    assert data["tags"] == ["- un: [x], y", "- deux: [x], y"]
    assert data["categories"] == ["- cat: [x], y"]
    assert '  alt: "- Texte alternatif: [x], y"  # commentaire\n' in out
    _segments, out = _nested_rebuild(lambda s: s.text.upper())
    assert "  - {src: b.png, caption: B}\n" in out and "tags: [UN, DEUX]\n" in out
    assert "  - CAT\n" in out


def test_a_duplicate_key_is_refused_at_any_depth() -> None:
    text = "---\ntitle: x\ncover:\n  alt: a\n  size: 2\n  alt: b\n---\n"
    with pytest.raises(BadFrontMatter) as caught:
        parse_post(text, "source_posts/x.md")
    assert caught.value.line == 6 and "duplicate front matter key 'cover.alt'" in str(caught.value)
    text = "---\nimages:\n  - {caption: a, caption: b}\n---\n"
    with pytest.raises(BadFrontMatter, match=r"'images\[0\]\.caption'"):
        parse_post(text, "source_posts/x.md")
    assert parse_post("---\na: {1: x, '1': y}\n---\n", "x.md").front_matter == {
        "a": {1: "x", "1": "y"}
    }


WRITTEN = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(QUOTING), min_size=1
).filter(lambda text: text.strip() and not frontmatter_forbidden(text))


def frontmatter_forbidden(text: str) -> bool:
    return first_forbidden(text) is not None


@settings(max_examples=300, deadline=None)
@given(WRITTEN, st.sampled_from(["block", "flow", "sequence", "flow-sequence"]))
def test_a_written_scalar_reads_back_in_its_context(text: str, where: str) -> None:
    flow, in_sequence = where.startswith("flow"), where.endswith("sequence")
    source = scalars.format_scalar(text, flow, in_sequence=in_sequence)
    document = {
        "block": f"k: {source}\nnext: 1\n",
        "flow": f"k: {{a: {source}, b: 1}}\n",
        "sequence": f"k:\n  - {source}\n  - 1\n",
        "flow-sequence": f"k: [{source}, 1]\n",
    }[where]
    loaded = yaml.safe_load(document)["k"]
    value = {"block": lambda: loaded, "flow": lambda: loaded["a"]}.get(where, lambda: loaded[0])()
    assert value == text
    assert "\n" not in source and "\r" not in source


@settings(max_examples=100, deadline=None)
@given(st.lists(WRITTEN, min_size=8, max_size=8))
def test_random_translations_of_nested_values_read_back(texts: list[str]) -> None:
    post = parse_post(NESTED, "source_posts/x.md")
    segments = segment_post(post, NESTED_RULES)
    in_front = [i for i, s in enumerate(segments) if s.in_front_matter]
    out = rebuild_post(post, segments, dict(zip(in_front, texts, strict=True)))
    data = parse_post(out, "x.md").front_matter
    got = [
        data["title"],
        data["cover"]["alt"],
        data["cover"]["caption"],
        *(image["caption"] for image in data["images"]),
        *data["tags"],
        *data["categories"],
    ]
    assert got == texts
