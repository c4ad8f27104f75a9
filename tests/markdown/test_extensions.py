"""The dialect's Markdown extensions (mdit-py-plugins): what they segment, what they keep
from engines, how a site switches them off, and how they render."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import helpers
from md_strategies import paragraph
from postloc.config import MARKDOWN_EXTENSIONS, Extraction, parse_config
from postloc.errors import ConfigError
from postloc.markdown.dialect import markdown_parser
from postloc.markdown.extensions import TASK_BOX, container_name, parse_env
from postloc.markdown.html import render_page
from postloc.markdown.parse import parse_post
from postloc.markdown.segment import segment_post
from postloc.mt.markup.protection import protect

CORPUS = helpers.CORPUS


def summary(text: str, extensions: tuple[str, ...] = MARKDOWN_EXTENSIONS) -> list[tuple[str, str]]:
    post = parse_post(text, "source_posts/x.md")
    rules = Extraction(markdown_extensions=extensions)
    return [(s.kind, s.text) for s in segment_post(post, rules)]


# -- footnotes (issue 16, case 7) ----------------------------------------------------


def test_footnote_definition_text_is_a_segment_without_its_label() -> None:
    text = "Une note[^1] ici.\n\n[^1]: Le texte de la note.\n"
    assert summary(text) == [
        ("paragraph", "Une note[^1] ici."),
        ("footnote", "Le texte de la note."),
    ]


def test_footnote_definitions_stay_in_document_order() -> None:
    text = "[^a]: Première.\n\nEntre les deux[^a][^b].\n\n[^b]: Seconde.\n"
    assert [t for _k, t in summary(text)] == ["Première.", "Entre les deux[^a][^b].", "Seconde."]


def test_unreferenced_footnote_is_still_translated() -> None:
    assert summary("[^seule]: Personne ne me cite.\n") == [("footnote", "Personne ne me cite.")]


def test_footnote_paragraphs_and_lists_inside_a_definition() -> None:
    text = "[^n]: Un.\n\n    Deux.\n\n    - trois\n"
    assert summary(text) == [("footnote", "Un."), ("footnote", "Deux."), ("list-item", "trois")]


def test_footnotes_switched_off_are_plain_text() -> None:
    text = "Une note[^1] ici.\n\n[^1]: Le texte de la note.\n"
    off = tuple(e for e in MARKDOWN_EXTENSIONS if e != "footnotes")
    assert summary(text, off) == [
        ("paragraph", "Une note[^1] ici."),
        ("paragraph", "[^1]: Le texte de la note."),
    ]


def test_footnote_renders_at_the_end_as_markdown_it_footnote() -> None:
    html = markdown_parser().render("Note[^1].\n\n[^1]: Texte.\n\nFin.\n")
    assert html.index("<p>Fin.</p>") < html.index('<section class="footnotes">')
    assert 'href="#fn1"' in html


def test_undefined_footnote_reference_is_text_in_a_post() -> None:
    assert "footnote" not in markdown_parser().render("Sans définition[^x].\n")


@pytest.mark.parametrize("style", ["html", "plain"])
def test_engines_never_see_a_footnote_label(style: str) -> None:
    protected = protect("Une note[^1] et une autre[^longue-note].", style)  # type: ignore[arg-type]
    assert "Une note" in protected.engine_text and "une autre" in protected.engine_text
    assert "^" not in protected.engine_text and "longue" not in protected.engine_text


def test_footnote_reference_token_keeps_its_source() -> None:
    [inline] = markdown_parser().parseInline("Une note[^x] seule.")
    [ref] = [t for t in inline.children or [] if t.type == "footnote_ref"]
    assert ref.content == "[^x]"


def test_footnote_followed_by_a_link_target_is_left_to_the_link_rule() -> None:
    [inline] = markdown_parser().parseInline("[^1](https://exemple.fr)")
    assert next(t.type for t in inline.children or []) == "link_open"


# -- definition lists ----------------------------------------------------------------


def test_definition_list_term_and_definitions_are_segments() -> None:
    text = "Refuge\n: Cabane gardée.\n: Ou non.\n\nCol\n\n: Passage.\n"
    assert summary(text) == [
        ("definition-term", "Refuge"),
        ("definition", "Cabane gardée."),
        ("definition", "Ou non."),
        ("definition-term", "Col"),
        ("definition", "Passage."),
    ]


def test_definition_lists_switched_off_are_one_paragraph() -> None:
    off = tuple(e for e in MARKDOWN_EXTENSIONS if e != "definition-lists")
    assert summary("Refuge\n: Cabane.\n", off) == [("paragraph", "Refuge : Cabane.")]


# -- task lists ----------------------------------------------------------------------


def test_task_box_is_kept_out_of_the_segment() -> None:
    post = parse_post("- [ ] Réserver\n- [x] Payer\n", "source_posts/x.md")
    found = segment_post(post)
    assert [s.text for s in found] == ["Réserver", "Payer"]
    assert [post.text[s.start : s.end] for s in found] == ["Réserver", "Payer"]


def test_task_box_alone_on_its_line_is_kept_with_the_line_break() -> None:
    post = parse_post("- [ ]\n  Texte dessous\n", "source_posts/x.md")
    [segment] = segment_post(post)
    assert (segment.text, segment.line, post.text[segment.start :]) == (
        "Texte dessous",
        2,
        "Texte dessous\n",
    )


def test_task_lists_switched_off_keep_the_brackets_as_text() -> None:
    off = tuple(e for e in MARKDOWN_EXTENSIONS if e != "task-lists")
    assert summary("- [ ] Réserver\n", off) == [("list-item", "[ ] Réserver")]


@pytest.mark.parametrize("style", ["html", "plain"])
def test_engines_never_see_a_task_box(style: str) -> None:
    text = (CORPUS / "tasklists.md").read_text(encoding="utf-8")
    post = parse_post(text, "source_posts/tasklists.md")
    boxed = [s for s in segment_post(post) if "pas une" not in s.text]
    assert len(boxed) == 10
    for segment in boxed:
        engine_text = protect(segment.text, style).engine_text  # type: ignore[arg-type]
        assert "[ ]" not in engine_text and "[x]" not in engine_text.lower()


@given(
    st.sampled_from(("[ ] ", "[x] ", "[X] ", "[ ]", "[]", "[ x] ", "[y] ", "[x]\t")),
    paragraph(False),
)
def test_task_box_agrees_with_the_tasklists_plugin(box: str, lines: list[str]) -> None:
    """The segmenter's box (source text) and the plugin's (rendered tokens) are one rule."""
    text = "- " + box + "\n  ".join(lines) + "\n"
    rendered = markdown_parser().render(text)
    assert ('class="task-list-item"' in rendered) == bool(TASK_BOX.match(box + lines[0]))


# -- containers and admonitions ------------------------------------------------------


def test_container_content_is_translated_and_its_line_kept() -> None:
    text = "::: warning Attention\nContenu **gras**.\n:::\n"
    assert summary(text) == [("admonition-title", "Attention"), ("paragraph", "Contenu **gras**.")]
    assert '<div class="warning">' in markdown_parser().render(text)


def test_container_name_is_its_first_word() -> None:
    assert container_name(" note Titre") == "note"
    assert container_name("") == ""


def test_bare_colons_open_no_container() -> None:
    assert "<div" not in markdown_parser().render(":::\ntexte\n:::\n")


def test_admonition_content_is_translated() -> None:
    text = '!!! note "Titre"\n    Contenu de la note.\n'
    assert summary(text) == [("admonition-title", "Titre"), ("paragraph", "Contenu de la note.")]
    assert '<div class="admonition note">' in markdown_parser().render(text)


def test_containers_and_admonitions_switched_off_are_text() -> None:
    assert summary("::: note\nTexte\n:::\n", ()) == [("paragraph", "::: note Texte :::")]
    assert summary("!!! note\n    Texte\n", ()) == [("paragraph", "!!! note Texte")]


# -- the switch: postloc.toml, parse env, HTML export ------------------------------


def config(text: str) -> object:
    return parse_config(text, Path("/p"), engines=())


def test_extensions_default_to_all_on() -> None:
    assert config("").markdown_extensions == MARKDOWN_EXTENSIONS  # type: ignore[attr-defined]
    assert Extraction().markdown_extensions == MARKDOWN_EXTENSIONS


def test_config_switches_extensions_off_and_reaches_extraction() -> None:
    loaded = config('[markdown]\nextensions = ["task-lists", "footnotes"]\n')
    assert loaded.extraction.markdown_extensions == ("footnotes", "task-lists")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[markdown]\nextensions = ["mermaid"]\n', "unknown extension 'mermaid'"),
        ('[markdown]\nextensions = ["footnotes", "footnotes"]\n', "lists 'footnotes' twice"),
        ("[markdown]\nextensions = true\n", "markdown.extensions has the wrong type"),
        ("[markdown]\nflavour = 'gfm'\n", "unknown key markdown.flavour"),
    ],
)
def test_bad_extension_settings_are_one_line_errors(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        config(text)


def test_parse_env_is_empty_with_every_extension_on() -> None:
    assert parse_env() == {}


def test_html_export_renders_with_the_sites_extensions() -> None:
    body = "Note[^1].\n\n[^1]: Texte.\n"
    on = render_page(body, lang="en", title="t", front_matter={})
    off = render_page(body, lang="en", title="t", front_matter={}, extensions=())
    assert "footnotes" in on and "footnotes" not in off
