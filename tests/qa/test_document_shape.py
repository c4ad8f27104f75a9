"""The document check's shape parse against the full parse of the entry checks' parser.

:func:`postloc.qa.document.parse_shape` skips the inline parse of texts that cannot hold a link,
an image, a footnote reference, raw HTML or a site tag, and refuses up front a line whose label
ends without ``]:``; both shortcuts must give exactly the :class:`~postloc.qa.document.Shape`
that :func:`postloc.qa.text.document_tokens` gives.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import DATA
from md_strategies import RAW_PIECES, documents, raw_documents
from postloc.config import DEFAULT_RULES
from postloc.markdown.parse import parse_post
from postloc.markdown.rebuild import rebuild_post
from postloc.markdown.segment import segment_post
from postloc.qa import document
from postloc.qa.document import Shape, check_document, inert_inline, parse_shape, tokens_shape
from postloc.qa.text import document_tokens

SPEC = DATA / "commonmark" / "spec-0.29.txt"
_EXAMPLE = re.compile(r"^`{32} example\n(.*?)^\.\n", re.S | re.M)

BRACKETS = st.lists(
    st.sampled_from(
        (
            *RAW_PIECES,
            *("[^1]", "\n[^1]: note\n", "[ref]", "[ref][]", "\n[ref]: /u\n", "\n\n", "]:"),
            *("- [ ] ", "- [x] ", "\n- [X] ", "[a ~~~]", "[", "]", "`]`", "<a]>", "\\]"),
        )
    ),
    max_size=40,
).map("".join)
"""Markdown glued from pieces that open or close link texts, labels and definitions."""


def full_shape(body: str) -> Shape:
    tokens, references = document_tokens(body)
    return tokens_shape(tokens, references, DEFAULT_RULES)


def shape(body: str) -> Shape:
    return parse_shape(body, DEFAULT_RULES)


def test_every_commonmark_example_has_the_full_parse_shape() -> None:
    examples = _EXAMPLE.findall(SPEC.read_text(encoding="utf-8"))
    assert len(examples) == 649
    for example in examples:
        body = example.replace("→", "\t")
        assert shape(body) == full_shape(body), body


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.one_of(documents(), raw_documents(), BRACKETS))
def test_the_shape_parse_agrees_with_the_full_parse(body: str) -> None:
    assert shape(body) == full_shape(body)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(documents(), st.sampled_from(("[{} ~~~]", "[{}]", "{}]: x", "[{}](u)", "« {} »")))
def test_the_shape_of_a_wrapped_export_agrees_with_the_full_parse(
    source: str, wrapper: str
) -> None:
    """Pseudo-localization wraps every text in brackets: the case the shortcuts are for."""
    post = parse_post(source, "p.md")
    segments = segment_post(post)
    chosen = {i: wrapper.format(s.text) for i, s in enumerate(segments) if not s.in_front_matter}
    exported = parse_post(rebuild_post(post, segments, chosen, ()), "p.md")
    body = exported.text[exported.body_start :]
    assert shape(body) == full_shape(body)


def test_a_text_without_link_html_or_tag_markup_is_inert() -> None:
    assert inert_inline("[Ûñ šöûtîéñ ~~~~]", {})
    assert inert_inline("`[x]` *b* ~~c~~ &amp; \\[", {})
    for text in ("[a](b)", "[a][b]", "[^1]", "<b>", "<https://x.fr>", "{{< x >}}", "a{: .b}"):
        assert not inert_inline(text, {}), text


def test_a_bracket_is_not_inert_once_the_post_defines_a_reference() -> None:
    """``[ref]`` alone is a link when ``ref`` is defined anywhere in the post."""
    assert not inert_inline("voir [ref]", {"REF": {"href": "/u", "title": ""}})
    assert inert_inline("voir ici", {"REF": {"href": "/u", "title": ""}})
    assert full_shape("voir [ref]\n\n[ref]: /u\n").targets == {"/u": 1}
    assert shape("voir [ref]\n\n[ref]: /u\n").targets == {"/u": 1}


def test_a_bracketed_paragraph_is_not_a_reference_definition() -> None:
    for body, definitions in (
        ("[texte ~~~]\n", set()),
        ("[texte] suite\n", set()),
        ("[a [b]]: /u\n", set()),
        ("[a]: /u\n", {("A", "/u")}),
        ("[a\\]]: /u\n", {("A\\]", "/u")}),
        ("> [a\n> b]: /u\n", {("A B", "/u")}),
    ):
        assert shape(body).definitions == definitions, body
        assert full_shape(body).definitions == definitions, body


def test_an_export_whose_body_is_the_source_is_not_parsed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every body segment fell back (or kept its text): only the front matter is read."""

    def unexpected(*args: object) -> Shape:
        raise AssertionError("parsed")

    monkeypatch.setattr(document, "body_shape", unexpected)
    monkeypatch.setattr(document, "source_shape", unexpected)
    body = "Cliquez [ici](https://exemple.fr).\n"
    assert check_document(body, f"---\nlang: es\n---\n{body}", "es.md", [("a[", "b[")]) == []


def test_languages_whose_exports_are_the_same_text_are_parsed_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An export runs language by language: the second language's identical body (pseudo-
    localized, or the same entries falling back) reuses the first one's shape."""
    parsed: list[str] = []

    def counting(body: str, rules: object = DEFAULT_RULES) -> Shape:
        parsed.append(body)
        return parse_shape(body)

    monkeypatch.setattr(document, "parse_shape", counting)
    source = "Voir [la page](/x) et *plus* (unique-7f3a).\n"
    exported = "[Vöîŕ [ļà pàĝé](/x) ~~~] (unique-7f3a)\n"
    for lang in ("es", "ca", "eo"):
        assert document.body_shape(exported) == full_shape(exported), lang
    assert parsed == [exported]
    assert document.compare_bodies(source, exported) == []


@pytest.mark.parametrize(
    ("source", "exported"),
    [
        (
            "::: warning Attention\nTexte.\n:::\n",
            "::: warning Look <script>x()</script>\nTexte.\n:::\n",
        ),
        (
            '!!! danger "Titre"\n    Texte.\n',
            '!!! danger "Title <img src=x onerror=y()>"\n    Texte.\n',
        ),
    ],
)
def test_raw_html_a_translation_puts_in_a_block_title_fails_the_document_check(
    source: str, exported: str
) -> None:
    """Renderers show admonition and container titles as inline Markdown (VitePress renders
    them with ``renderInline``): HTML a translator adds there is injection like anywhere."""
    problems = document.compare_bodies(source, exported)
    assert any("raw HTML not in the source" in problem for problem in problems), problems
    assert document.compare_bodies(source, source.replace("Attention", "Caution")) == []


def test_raw_html_the_source_title_has_may_stay() -> None:
    source = "::: tip Un <em>bon</em> conseil\nTexte.\n:::\n"
    assert document.compare_bodies(source, source.replace("Un", "A")) == []
