"""frontmatter's libyaml fast path composes exactly what the strict pure-Python composer does."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import helpers
from md_strategies import front_matter
from postloc.errors import BadFrontMatter
from postloc.markdown.frontmatter import find_fences
from postloc.markdown.frontmatter import yaml_matter as frontmatter

CORPUS = helpers.CORPUS

pytestmark = pytest.mark.skipif(
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


def test_corpus_front_matter_takes_the_fast_path_with_identical_nodes() -> None:
    fast_count = 0
    for path in sorted(CORPUS.glob("*.md")):
        text = path.read_text(encoding="utf-8-sig")
        fences = find_fences(text)
        if fences is None:
            continue
        yaml_text = text[fences.yaml_start : fences.yaml_end]
        fast, strict = _both(yaml_text)
        if fast is not frontmatter._UNSURE:
            fast_count += 1
            assert _shape(fast) == _shape(strict), path.name
    assert fast_count >= 10


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


def test_anchors_and_errors_go_to_the_strict_path() -> None:
    for text in ("title: &a x\n", "title: *x\n", "title: [unclosed\n", "k: \x07\n"):
        assert frontmatter._compose_with_libyaml(text) is frontmatter._UNSURE


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


@given(st.lists(YAML_PIECES, max_size=25).map("".join))
def test_random_yaml_soup_composes_identically(text: str) -> None:
    _assert_same(text)


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
    assert frontmatter.double_quoted(text) == expected.rstrip("\n")


def test_lone_surrogate_is_quoted_by_pyyaml() -> None:
    assert frontmatter.double_quoted("a\ud800") == '"a\\uD800"'


def test_repeated_plain_scalars_keep_their_type() -> None:
    assert [frontmatter.format_scalar(v) for v in (True, 1, 1.0, None)] == [
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
    if frontmatter._cannot_be_plain(text):
        assert not frontmatter._reads_back(text, text, False)
        assert not frontmatter._reads_back(text, text, True)
