"""segment_post: what becomes a segment, its kind, its line, and the exact span it replaces."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import helpers
from md_strategies import documents, raw_documents
from postloc.config import Extraction
from postloc.errors import BadPost
from postloc.files import atomic_write
from postloc.markdown.lines import line_number, line_starts
from postloc.markdown.model import Post, Segment
from postloc.markdown.parse import parse_post
from postloc.markdown.segment import segment_post

CORPUS = helpers.CORPUS
GOLDEN = helpers.GOLDEN / "segments"


def segments(text: str, fields: tuple[str, ...] | None = None) -> list[Segment]:
    post = parse_post(text.encode("utf-8"), "source_posts/x.md")
    return segment_post(post) if fields is None else segment_post(post, fields)


def summary(text: str) -> list[tuple[str, int, str]]:
    return [(s.kind, s.line, s.text) for s in segments(text)]


# -- what becomes a segment -------------------------------------------------------

SAMPLE = """\
---
title: Un week-end à Lyon
date: 2024-04-12
---
# Un week-end à Lyon

Lyon est la troisième ville de France. On y mange **très bien**.

## Le vendredi

Arrivée en train à la gare Part-Dieu, puis promenade dans le
Vieux-Lyon jusqu'à la cathédrale.

## Le samedi

Visite du musée des Confluences et balade sur les quais du Rhône.

Le soir, un bouchon lyonnais, évidemment.
"""


def test_sample_post_yields_one_segment_per_title_heading_paragraph() -> None:
    body = SAMPLE.split("---\n", 2)[2]
    blocks = [b for b in re.split(r"\n\s*\n", body) if b.strip()]
    headings = [b for b in blocks if b.startswith("#")]
    paragraphs = [b for b in blocks if not b.startswith("#")]
    found = segments(SAMPLE)
    assert len(found) == 1 + len(headings) + len(paragraphs)
    assert [s.kind for s in found].count("title") == 1
    assert [s.kind for s in found].count("heading") == len(headings)
    assert [s.kind for s in found].count("paragraph") == len(paragraphs)
    assert found[0].text == "Un week-end à Lyon" and found[0].line == 2


def test_front_matter_fields_in_yaml_order_strings_only() -> None:
    text = (
        "---\nsummary: Résumé\ndate: 2024-01-01\ntitle: '  Titre  '\ndescription: 42\n"
        "tags: [a]\nlang: fr\nextra: ''\n---\nCorps\n"
    )
    assert summary(text) == [
        ("front-matter:summary", 2, "Résumé"),
        ("title", 4, "Titre"),
        ("paragraph", 10, "Corps"),
    ]
    custom = segments(text, ("lang", "date", "extra"))
    assert [(s.kind, s.text) for s in custom] == [
        ("front-matter:lang", "fr"),
        ("paragraph", "Corps"),
    ]


def test_front_matter_spans_cover_the_yaml_scalar() -> None:
    text = '---\ntitle: "Deux : points"\ndescription: >\n  plié\n  ici\nlang: fr\n---\n'
    post = parse_post(text, "source_posts/x.md")
    title, description = segment_post(post)
    assert post.text[title.start : title.end] == '"Deux : points"'
    assert title.text == "Deux : points"
    assert post.text[description.start : description.end] == ">\n  plié\n  ici"
    assert (description.text, description.line) == ("plié ici", 3)


def test_block_kinds_and_lines() -> None:
    text = """\
Paragraphe.

- élément
  1. imbriqué

- second

  paragraphe du second

> citation
>
> > imbriquée
>
> - liste dans la citation

Titre souligné
===
"""
    assert summary(text) == [
        ("paragraph", 1, "Paragraphe."),
        ("list-item", 3, "élément"),
        ("list-item", 4, "imbriqué"),
        ("list-item", 6, "second"),
        ("list-item", 8, "paragraphe du second"),
        ("blockquote", 10, "citation"),
        ("blockquote", 12, "imbriquée"),
        ("list-item", 14, "liste dans la citation"),
        ("heading", 16, "Titre souligné"),
    ]


def test_tables() -> None:
    text = """\
Avant.

| Ville | Code `x` |
|:---|---:|
| Lyon | `a \\| b` ici |
|  | vide à gauche |
| seul
"""
    assert summary(text) == [
        ("paragraph", 1, "Avant."),
        ("table-cell", 3, "Ville"),
        ("table-cell", 3, "Code `x`"),
        ("table-cell", 5, "Lyon"),
        ("table-cell", 5, "`a \\| b` ici"),
        ("table-cell", 6, "vide à gauche"),
        ("table-cell", 7, "seul"),
    ]


def test_table_in_a_block_quote_and_without_edge_pipes() -> None:
    text = "> a | b\n> --|--\n> c | d \\| e\n\nx | y\n--|--\nz |\n"
    assert summary(text) == [
        ("table-cell", 1, "a"),
        ("table-cell", 1, "b"),
        ("table-cell", 3, "c"),
        ("table-cell", 3, "d \\| e"),
        ("table-cell", 5, "x"),
        ("table-cell", 5, "y"),
        ("table-cell", 7, "z"),
    ]


def test_alt_text_and_title_only_for_an_image_alone() -> None:
    text = """\
![Le lac au matin](lac.jpg "Titre")

Une ![icône](i.png) dans le texte.

- ![Dans une liste][ref]

![](vide.png)

[![lien](logo.png)](https://exemple.fr)

[ref]: liste.png
"""
    assert summary(text) == [
        ("alt-text", 1, "Le lac au matin"),
        ("link-title", 1, "Titre"),
        ("paragraph", 3, "Une ![icône](i.png) dans le texte."),
        ("alt-text", 5, "Dans une liste"),
        ("paragraph", 9, "[![lien](logo.png)](https://exemple.fr)"),
    ]


def test_never_code_comments_definition_targets_or_rules() -> None:
    text = """\
```
# pas un titre
```

    indenté

<!--
Pas traduit.
-->

[ref]: https://exemple.fr "Titre"

***

Seul paragraphe.
"""
    assert summary(text) == [("link-title", 11, "Titre"), ("paragraph", 15, "Seul paragraphe.")]


def test_inline_markup_stays_verbatim() -> None:
    text = 'Voir `x = 1`, <b>gras</b>, [lien](https://exemple.fr "t") et **35 pays** &amp; \\*.\n'
    assert summary(text) == [("paragraph", 1, text.rstrip("\n"))]


def test_soft_breaks_become_one_space() -> None:
    text = (
        "Un  \t\nparagraphe \n      sur\ntrois.\n\n"
        "> cité\n>   sur\n> deux\n\n"
        "- item\n  suite\nparesseuse\n"
    )
    assert summary(text) == [
        ("paragraph", 1, "Un  \t paragraphe sur trois."),
        ("blockquote", 6, "cité sur deux"),
        ("list-item", 10, "item suite paresseuse"),
    ]


def test_hard_breaks_keep_one_form() -> None:
    text = "un  \ndeux\\\ntrois *a*  \nquatre\\   \ncinq\n"
    [found] = segments(text)
    assert found.text == "un\\\ndeux\\\ntrois *a*  \nquatre\\   \ncinq"


def test_breaks_inside_code_spans_are_not_hard_breaks() -> None:
    assert summary("`a  \nb` et c\n") == [("paragraph", 1, "`a   b` et c")]


def test_atx_headings_with_closing_sequences() -> None:
    text = "# Fermé ##\n\n## C# reste ##   \n\n#\n\n### \\# a\n"
    assert summary(text) == [
        ("heading", 1, "Fermé"),
        ("heading", 3, "C# reste"),
        ("heading", 7, "\\# a"),
    ]


def test_duplicates_are_separate_occurrences() -> None:
    text = "## Voir\n\nTexte.\n\n## Voir\n\nTexte.\n"
    assert summary(text) == [
        ("heading", 1, "Voir"),
        ("paragraph", 3, "Texte."),
        ("heading", 5, "Voir"),
        ("paragraph", 7, "Texte."),
    ]


def test_offsets_are_in_the_original_text_with_crlf_bom_and_tabs() -> None:
    data = "\ufeff---\r\ntitle: é\r\n---\r\n-\tun\r\n\r\n>\tdeux\r\n\r\n| a\t| b |\r\n|--|--|\r\n"
    post = parse_post(data.encode(), "source_posts/x.md")
    found = segment_post(post)
    assert [(s.kind, s.line, s.text) for s in found] == [
        ("title", 2, "é"),
        ("list-item", 4, "un"),
        ("blockquote", 6, "deux"),
        ("table-cell", 8, "a"),
        ("table-cell", 8, "b"),
    ]
    for segment in found:
        assert post.text[segment.start : segment.end] == segment.text


def test_empty_posts_have_no_segments() -> None:
    for text in ("", "---\n---\n", "---\ntitle: ''\n---", "\n\n  \n"):
        assert segments(text) == []


# -- site-generator syntax ------------------------------------------------------------


def test_site_tags_stay_in_the_msgid_and_lines_of_tags_are_no_segment() -> None:
    text = """\
Un {{< abbr title="Langage" >}}HTML{{< /abbr >}} et [la FAQ]({{< ref "faq.md" >}}).

{{< youtube w7Ft2ymGmfc >}}

{{% note %}}
Dedans, **gras**.
{{% /note %}}

## Les étapes {#etapes}

Un paragraphe.
{: .lead}
"""
    assert summary(text) == [
        (
            "paragraph",
            1,
            'Un {{< abbr title="Langage" >}}HTML{{< /abbr >}} et [la FAQ]({{< ref "faq.md" >}}).',
        ),
        ("paragraph", 6, "Dedans, **gras**."),
        ("heading", 9, "Les étapes {#etapes}"),
        ("paragraph", 11, "Un paragraphe."),
    ]


def test_reader_visible_parameters_of_tag_lines_are_segments() -> None:
    text = (
        '{{< figure src="a.png" caption="Le schéma" alt="Un dessin" title="2024" >}}\n'
        '> {{< img src="b.png" alt="La plage" />}} {% include n.html title=\'Titre\' %}\n'
        "\n"
        '{{< details summary="Cliquez" "Positionnel" >}}\n'
        '{{< figure src="c.png"\n    caption="Sur deux lignes" >}}\n'
    )
    post = parse_post(text, "source_posts/x.md")
    found = segment_post(post)
    assert [(s.kind, s.line, s.text) for s in found] == [
        ("shortcode-param", 1, "Le schéma"),
        ("shortcode-param", 1, "Un dessin"),
        ("shortcode-param", 2, "La plage"),
        ("shortcode-param", 2, "Titre"),
        ("shortcode-param", 6, "Sur deux lignes"),
    ]
    assert all(post.text[s.start : s.end] == s.text for s in found)
    rules = Extraction(shortcode_params_by_name=(("details", ("summary",)), ("figure", ())))
    assert [s.text for s in segment_post(post, rules)] == ["La plage", "Titre", "Cliquez"]


def test_code_between_tag_pairs_is_never_a_segment() -> None:
    text = (
        "{% highlight ruby %}\n# Ne se traduit pas.\nputs 'Bonjour'\n{% endhighlight %}\n\n"
        "{{< highlight go >}}\n// Commentaire\n{{< /highlight >}}\n\n"
        "{% raw %}\nUn gabarit {{ page.title }}.\n{% endraw %}\n\nFin.\n"
    )
    assert summary(text) == [("paragraph", 14, "Fin.")]


@pytest.mark.parametrize(
    "text",
    [
        "}}",
        "`Command.kt` :",
        '{{< icon "check" >}}',
        "{{< a >}} {{ b }} — {% c %} !",
        "→",
        "1.",
        "<https://exemple.fr/page>",
        "https://exemple.fr/une-page",
        "[1](https://exemple.fr/page)",
        "![](images/photo.png) 2024",
        "<span>123</span>",
        "{% raw %}Mot{% endraw %}",
        "&nbsp;…",
    ],
)
def test_nothing_without_a_word_is_extracted(text: str) -> None:
    assert segments(f"{text}\n") == []
    assert [s.text for s in segments(f"- {text}\n\n| a |\n|---|\n| {text} |\n")] == ["a"]


def test_letters_in_link_text_alt_text_or_entities_are_words() -> None:
    for text in ("[lien](https://exemple.fr)", "![Un lac](lac.png)", "&eacute;", "x²", "été"):
        assert segments(f"{text}\n") != [], text


def test_a_multi_line_tag_keeps_its_line_break_in_the_msgid() -> None:
    text = 'Un {{< bouton href="/contact/"\n  text="Écrivez" >}} ici\net là.\n'
    assert summary(text) == [
        ("paragraph", 1, 'Un {{< bouton href="/contact/"\n  text="Écrivez" >}} ici et là.')
    ]
    quoted = '> Un {{< bouton href="/c/"\n>   text="É" >}} ici.\n'
    assert summary(quoted) == [("blockquote", 1, 'Un {{< bouton href="/c/"\n  text="É" >}} ici.')]


def test_unclosed_and_hostile_tags_are_text() -> None:
    assert summary("Un {{< jamais fermé\n\nSuite.\n") == [
        ("paragraph", 1, "Un {{< jamais fermé"),
        ("paragraph", 3, "Suite."),
    ]
    assert summary("{% raw %}\nTexte.\n") == [("paragraph", 2, "Texte.")]
    assert summary("{{< a\n\nb >}} c\n") == [("paragraph", 1, "{{< a"), ("paragraph", 3, "b >}} c")]


# -- every corpus post: spans, lines, golden files ----------------------------------


def _corpus() -> list[Path]:
    return sorted(CORPUS.glob("*.md"))


@pytest.mark.parametrize("path", _corpus(), ids=lambda p: p.name)
def test_corpus_spans_are_consistent(path: Path) -> None:
    post = parse_post(path.read_bytes(), f"source_posts/{path.name}")
    starts = line_starts(post.text)
    previous = 0
    for segment in segment_post(post):
        assert segment.line == line_number(starts, segment.start)
        assert previous <= segment.start <= segment.end
        previous = segment.end
        source = post.text[segment.start : segment.end]
        assert source.strip() == source
        single_line = "\n" not in source and "\r" not in source
        if not segment.in_front_matter and single_line and segment.kind != "html-attribute":
            assert source == segment.text  # an attribute's msgid is its value, decoded


def render_golden(post: Post, found: list[Segment]) -> str:
    """One entry per segment: ``line kind [start:end]`` then the msgid, indented."""
    out = []
    for s in found:
        out.append(f"{s.line} {s.kind} [{s.start}:{s.end}]")
        out.extend("    " + line for line in s.text.split("\n"))
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("path", _corpus(), ids=lambda p: p.name)
def test_corpus_golden_segments(path: Path) -> None:
    post = parse_post(path.read_bytes(), f"source_posts/{path.name}")
    got = render_golden(post, segment_post(post))
    golden = GOLDEN / (path.stem + ".txt")
    if os.environ.get("POSTLOC_UPDATE_GOLDEN"):
        atomic_write(golden, got)
    assert got == golden.read_text(encoding="utf-8")


# -- inline parsing only where it matters ---------------------------------------------


def _outcome(post: Post) -> list[Segment] | str:
    try:
        return segment_post(post)
    except BadPost as exc:
        return str(exc)


def _both_ways(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[Segment] | str, list[Segment] | str]:
    """Segments (or the error) with the lazy inline parse, the default, and a full one."""
    import postloc.markdown.segment as segment_module
    from postloc.markdown.parse import locating_parser

    post = parse_post(text.encode("utf-8"), "source_posts/x.md")
    lazy = _outcome(post)
    with monkeypatch.context() as patch:
        patch.setattr(segment_module, "locating_parser", lambda: locating_parser(True))
        full = _outcome(post)
    return lazy, full


def test_lazy_inline_parse_segments_the_corpus_like_a_full_parse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for path in sorted(CORPUS.glob("*.md")):
        lazy, full = _both_ways(path.read_text(encoding="utf-8"), monkeypatch)
        assert lazy == full, path.name
        assert isinstance(lazy, list), path.name


@given(st.one_of(documents(), raw_documents()))
def test_lazy_inline_parse_segments_like_a_full_parse(text: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        lazy, full = _both_ways(text, monkeypatch)
    assert lazy == full
