"""htmlblock: the text a reader sees in raw HTML blocks, located, written back, and guarded."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

import helpers
from postloc.markdown.dialect import markdown_parser
from postloc.markdown.htmlblock import (
    HTML_ATTRIBUTE_KIND,
    HTML_KIND,
    has_letter,
    html_block_segments,
    html_block_text,
    html_lines_segments,
    one_line,
    same_html_markup,
)
from postloc.markdown.htmlblock.tokens import pieces
from postloc.markdown.lines import LineTable
from postloc.markdown.model import Segment
from postloc.markdown.parse import parse_post

CORPUS_POST = helpers.CORPUS / "html-blocks.md"


def block_segments(html: str) -> list[Segment]:
    return html_block_segments(html, 0, len(html), LineTable(html))


def summary(html: str) -> list[tuple[str, int, str]]:
    return [(s.kind, s.line, s.text) for s in block_segments(html)]


def post_segments(text: str) -> list[Segment]:
    """Segments of every top-level raw HTML block of a post, as the segmenter would find them."""
    post = parse_post(text.encode("utf-8"), "source_posts/html-blocks.md")
    assert post.text == text
    lines = LineTable(text)
    first = lines.number(post.body_start) - 1
    found: list[Segment] = []
    for token in markdown_parser().parse(post.body):
        if token.type == "html_block" and token.level == 0 and token.map:
            top, bottom = first + token.map[0], first + token.map[1] - 1
            end = lines.start(bottom) + len(lines.content(bottom))
            found.extend(html_block_segments(text, lines.start(top), end, lines))
    return found


def spliced(text: str, segments: list[Segment], translate: Callable[[Segment], str]) -> str:
    """``text`` with each segment's span replaced as export would (the source when refused)."""
    out, done = [], 0
    for segment in segments:
        new = html_block_text(segment, text, translate(segment))
        out.append(text[done : segment.start])
        out.append(text[segment.start : segment.end] if new is None else new)
        done = segment.end
    out.append(text[done:])
    return "".join(out)


def markup_sequence(html: str) -> list[str]:
    """Every tag, comment and opaque element as written, ``alt``/``title`` values masked."""
    found = []
    for part in pieces(html):
        if part.kind == "start":
            written, done = [], part.start
            for attribute in part.attributes:
                if attribute.name in ("alt", "title") and attribute.value is not None:
                    written.append(html[done : attribute.start] + "…")
                    done = attribute.end
            found.append("".join(written) + html[done : part.end])
        elif part.kind != "text":
            found.append(html[part.start : part.end])
    return found


class _Attributes(HTMLParser):
    """The ``alt`` and ``title`` values as the standard parser reads them, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.values.extend(value for name, value in attrs if name in ("alt", "title"))


def read_attributes(html: str) -> list[str | None]:
    reader = _Attributes()
    reader.feed(html)
    reader.close()
    return reader.values


def wrapped(segment: Segment) -> str:
    """A visible translation that keeps the markup: « … »."""
    return f"« {segment.text} »"


# -- what becomes a segment -----------------------------------------------------------

# The realistic French blog post of tests/corpus/html-blocks.md, segment by segment.
CORPUS_SEGMENTS = [
    ("html-attribute", 9, "Un chat roux endormi"),
    ("html-attribute", 9, 'Le chat "Pacha"'),
    ("html", 10, "Mon chat <em>dort</em> au soleil, comme toujours."),
    ("html-attribute", 14, "Remarque"),
    (
        "html",
        15,
        'Attention : la <a href="https://exemple.fr/?a=1&amp;b=2" '
        'title="Page d&rsquo;exemple">page</a> a changé.',
    ),
    ("html", 16, "Pensez à vider le cache&nbsp;!"),
    ("html", 21, "Ville"),
    ("html", 21, "Population"),
    ("html", 24, "Lyon"),
    ("html", 25, "Saint-&Eacute;tienne"),
    ("html", 30, "Voir la recette"),
    ("html", 32, "Faire chauffer le four."),
    ("html", 33, "Lancer <code>make</code> puis attendre<br>dix minutes."),
    ("html-attribute", 51, "Carte"),
    ("html", 54, "La simplicité est la <strong>sophistication</strong> suprême."),
    ("html", 57, '**Pas du Markdown** ici, et <span class="x">1 + 1 = 2</span>.'),
    ("html", 59, "La suite au prochain épisode"),
]


def test_a_french_blog_post_gives_captions_notes_cells_summary_and_attributes() -> None:
    found = post_segments(CORPUS_POST.read_text(encoding="utf-8"))
    assert [(s.kind, s.line, s.text) for s in found] == CORPUS_SEGMENTS


def test_script_pre_comments_and_code_only_text_are_never_segments() -> None:
    texts = " ".join(s.text for s in post_segments(CORPUS_POST.read_text(encoding="utf-8")))
    for never in ("Bonjour", "Le titre", "Sortie", "Note pour moi", "make install", "522"):
        assert never not in texts


def test_a_crlf_post_gives_the_same_segments_with_crlf_spans() -> None:
    text = CORPUS_POST.read_text(encoding="utf-8").replace("\n", "\r\n")
    found = post_segments(text)
    assert [(s.kind, s.line, s.text) for s in found] == CORPUS_SEGMENTS
    caption = found[2]
    assert text[caption.start : caption.end] == (
        "Mon chat <em>dort</em> au soleil,\r\n    comme toujours."
    )


def test_block_children_split_the_text_inline_children_do_not() -> None:
    assert summary("<div><p>Un</p><p>Deux</p></div>") == [
        ("html", 1, "Un"),
        ("html", 1, "Deux"),
    ]
    assert summary("<div>Texte <em>x</em></div>") == [("html", 1, "Texte <em>x</em>")]
    assert summary("<div>Avant<p>Dedans</p>Après</div>") == [
        ("html", 1, "Avant"),
        ("html", 1, "Dedans"),
        ("html", 1, "Après"),
    ]


def test_newlines_and_indentation_become_one_space_and_ends_are_trimmed() -> None:
    html = '<p>\n   Un texte\n   sur <a\n      href="x">deux</a>   lignes.  \n</p>'
    assert summary(html) == [("html", 2, 'Un texte sur <a href="x">deux</a>   lignes.')]


def test_edges_without_words_stay_outside_the_text() -> None:
    html = "<li><!-- note --><br>Texte <em>x</em><br><span></li>"
    (segment,) = block_segments(html)
    assert segment.text == "Texte <em>x</em>"
    html = "<div></span>Un</span> deux <a href=x></div>"
    assert [s.text for s in block_segments(html)] == ["Un</span> deux"]


def test_details_summary_is_text_a_reader_sees() -> None:
    html = "<details>\n<summary>Voir la suite</summary>\n<p>Le reste.</p>\n</details>"
    assert summary(html) == [("html", 2, "Voir la suite"), ("html", 3, "Le reste.")]


@pytest.mark.parametrize(
    "html",
    [
        '<script>var s = "Bonjour le monde";</script>',
        "<script>\n  if (a < b) { alert('<p>Salut</p>'); }\n</script>",
        "<style>p::after { content: 'Bonjour'; }</style>",
        "<pre>Du texte\n  <b>brut</b></pre>",
        "<textarea>Votre message</textarea>",
        "<!-- un commentaire en français -->",
        "<!-- un commentaire -- > qui continue -->",
        "<!-- jamais fermé <p>Texte</p>",
        "<!DOCTYPE html>",
        "<?php echo 'Bonjour'; ?>",
        "<![CDATA[ Bonjour ]]>",
        "<div><code>print('Bonjour le monde')</code></div>",
        "<p>1 &mdash; 2, 3 &amp; 4 !</p>",
        "<svg><text>Bonjour</text></svg>",
        "<template><p>Bonjour</p></template>",
        "<noscript>Activez JavaScript</noscript>",
    ],
)
def test_never_a_segment(html: str) -> None:
    assert block_segments(html) == []


def test_a_script_ends_where_a_browser_ends_it_not_earlier() -> None:
    # The standard library ends the script at "</ script>", a browser does not.
    html = '<script>s = "</ script>Texte"; f()</script><p>Après</p>'
    start = html.index("Après")
    assert block_segments(html) == [Segment("Après", HTML_KIND, 1, start, start + 5)]
    # A browser ends it at "</script foo>", the standard library does not: no text taken.
    assert block_segments("<script>a</script foo>Texte</script><p>Après</p>")[0].text == "Après"


def test_something_that_only_looks_like_a_tag_leaves_its_text_alone() -> None:
    assert block_segments('<p>Texte <a href="x') == []
    assert block_segments("<p>Texte </> suite</p>") == []


def test_markdown_inside_an_html_block_is_text_as_written() -> None:
    assert summary("<div>**gras** et [lien](x) &eacute;t&eacute;</div>") == [
        ("html", 1, "**gras** et [lien](x) &eacute;t&eacute;")
    ]


def test_entities_count_as_letters_only_when_they_are() -> None:
    assert has_letter("&eacute;t&eacute;")
    assert not has_letter("&nbsp;&mdash; 12 &amp; 3")


def test_alt_and_title_of_tags_outside_a_text_are_attribute_segments() -> None:
    html = """<div title="Une note"><img src=a.png alt='L&apos;image' title=Chat></div>"""
    found = block_segments(html)
    assert [(s.kind, s.text, html[s.start : s.end]) for s in found] == [
        (HTML_ATTRIBUTE_KIND, "Une note", '"Une note"'),
        (HTML_ATTRIBUTE_KIND, "L'image", "'L&apos;image'"),
        (HTML_ATTRIBUTE_KIND, "Chat", "Chat"),
    ]


def test_alt_and_title_inside_a_text_stay_in_its_msgid() -> None:
    html = '<p>Voici <img src="a.png" alt="mon chat"> et <abbr title="Hypertexte">HTML</abbr>.</p>'
    assert summary(html) == [
        (
            "html",
            1,
            'Voici <img src="a.png" alt="mon chat"> et <abbr title="Hypertexte">HTML</abbr>.',
        )
    ]


def test_attributes_without_letters_or_of_unseen_elements_are_not_segments() -> None:
    html = '<img alt="" title="2024"><script title="Script">x</script><p title="Ici">Texte</p>'
    assert summary(html) == [("html-attribute", 1, "Ici"), ("html", 1, "Texte")]


def test_a_block_inside_a_quote_is_read_without_its_prefixes() -> None:
    text = "> <div>\n> <p>Un texte\n>   sur deux lignes</p>\n> </div>\n"
    starts = [0, 8, 22, 44]
    spans = [(start + 2, text.index("\n", start)) for start in starts]
    (segment,) = html_lines_segments(text, spans, LineTable(text))
    assert (segment.line, segment.text) == (2, "Un texte sur deux lignes")
    assert text[segment.start : segment.end] == "Un texte\n>   sur deux lignes"
    out = spliced(text, [segment], lambda s: "A text on two lines")
    assert out == "> <div>\n> <p>A text on two lines</p>\n> </div>\n"


# -- writing translations back ------------------------------------------------------


def test_identity_round_trip_is_byte_identical() -> None:
    for newline in ("\n", "\r\n"):
        text = CORPUS_POST.read_text(encoding="utf-8").replace("\n", newline)
        assert spliced(text, post_segments(text), lambda s: s.text) == text


def test_translated_round_trip_keeps_every_tag_byte_for_byte() -> None:
    text = CORPUS_POST.read_text(encoding="utf-8")
    found = post_segments(text)
    out = spliced(text, found, wrapped)
    assert markup_sequence(out) == markup_sequence(text)
    assert [s.text for s in post_segments(out)] == [f"« {s.text} »" for s in found]
    assert "« Bonjour" not in out and "<b>Bonjour</b> le monde" in out
    assert block_types(out) == block_types(text)


def test_a_translation_is_written_on_one_line() -> None:
    html = "<p>Un texte\n  sur deux lignes</p>"
    (segment,) = block_segments(html)
    assert html_block_text(segment, html, "A text\n   on two\r\nlines ") == "A text on two lines"


@pytest.mark.parametrize(
    ("html", "translation", "written"),
    [
        ('<img alt="Un chat">', 'Le "chat" & <co>', '"Le &quot;chat&quot; &amp; &lt;co&gt;"'),
        ("<img alt='Un chat'>", 'L\'chat "x"', "'L&#39;chat \"x\"'"),
        ("<img alt=Chat>", "Le chat", '"Le chat"'),
        ('<img alt="Un chat">', "Un\n  chat", '"Un chat"'),
    ],
)
def test_attribute_translations_are_escaped_for_their_quotes(
    html: str, translation: str, written: str
) -> None:
    (segment,) = block_segments(html)
    new = html_block_text(segment, html, translation)
    assert new == written
    out = html[: segment.start] + written + html[segment.end :]
    assert read_attributes(out) == [one_line(translation)]
    assert markup_sequence(out) == markup_sequence(html)


def test_attribute_msgids_are_the_decoded_value_and_identity_keeps_the_entities() -> None:
    html = '<img title="Tom &amp; Jerry &eacute;t&eacute;">'
    (segment,) = block_segments(html)
    assert segment.text == "Tom & Jerry été"
    assert (
        html_block_text(segment, html, "Tom & Jerry été") == '"Tom &amp; Jerry &eacute;t&eacute;"'
    )


@pytest.mark.parametrize(
    "translation",
    [
        "My cat <em>sleeps</em> <b>now</b>.",  # adds a tag
        "My cat sleeps.",  # drops one
        'My cat <em class="x">sleeps</em>.',  # changes an attribute
        "My cat <em>sleeps</em><script>alert(1)</script>.",
        'My cat <em onclick="alert(1)">sleeps</em>.',
        "My cat <em>sleeps</em>. <!-- x -->",
        'My cat <em>sleeps</em>. <a href="javascript:alert(1)',
        "My cat <em>sleeps</em> --> free.",
        "My cat <em>sleeps</em>. <",
        "My cat <EM>sleeps</EM>.",
    ],
)
def test_a_translation_that_changes_the_markup_is_refused(translation: str) -> None:
    html = "<figcaption>Mon chat <em>dort</em>.</figcaption>"
    (segment,) = block_segments(html)
    assert same_html_markup(segment.text, translation)
    assert html_block_text(segment, html, translation) is None


def test_a_translation_keeps_the_text_that_ends_a_commonmark_block() -> None:
    # "<? x >" opens a CommonMark HTML block that ends on the line holding "?>".
    text = "<? x > Un texte\nsur deux lignes ?>"
    (segment,) = block_segments(text)
    assert segment.text == "Un texte sur deux lignes ?>"
    assert same_html_markup(segment.text, "A text on two lines") == ["'?>' 1 times, not 0"]
    assert html_block_text(segment, text, "A text ?> on two lines") == "A text ?> on two lines"


def test_a_translation_may_reorder_tags_and_translate_alt_and_title_inside() -> None:
    msgid = '<em>Mon</em> <img src="a.png" alt="chat"> <abbr title=Hypertexte>HTML</abbr>'
    msgstr = '<abbr title="Hypertext">HTML</abbr> <img src="a.png" alt="cat"> <em>my</em>'
    assert same_html_markup(msgid, msgstr) == []
    assert same_html_markup(msgid, msgstr.replace('alt="cat"', 'alt="cat" onerror=x')) == [
        'adds <img src="a.png" alt=… onerror=x>',
        'drops <img src="a.png" alt=…>',
    ]
    assert same_html_markup(msgid, msgstr.replace("a.png", "b.png"))


def test_problems_name_what_was_added_and_dropped() -> None:
    assert same_html_markup("Un <b>x</b>", "A <i>x</i>") == [
        "adds </i>",
        "adds <i>",
        "drops </b>",
        "drops <b>",
    ]
    assert same_html_markup("Un", 'A <a href="x') == ['unreadable markup <a href="x']


def test_a_blank_translation_or_the_msgid_keeps_the_source_bytes() -> None:
    html = "<p>Un texte\n  sur deux lignes</p>"
    (segment,) = block_segments(html)
    source = "Un texte\n  sur deux lignes"
    assert html_block_text(segment, html, "  ") == source
    assert html_block_text(segment, html, segment.text) == source


def test_other_kinds_are_not_written_here() -> None:
    with pytest.raises(ValueError, match="not a raw HTML segment"):
        html_block_text(Segment("x", "paragraph", 1, 0, 1), "x", "y")


# -- random text in fixed skeletons ------------------------------------------------------

SKELETONS = [
    "<p>{0}</p>",
    '<div class="note">\n  <p>{0}</p>\n  <p>{1} <em>{2}</em></p>\n</div>',
    '<figure>\n<img src="a.png" alt="{0}" title=\'{1}\'>\n<figcaption>{2}</figcaption>\n</figure>',
    '<ul>\n  <li>{0}</li>\n  <li><a href="x">{1}</a>{2}<br>\n  {0}</li>\n</ul>',
    "<table><tr><th>{0}</th><td>{1}</td></tr>\n<tr><td>{2}<!-- {1} --></td></tr></table>",
    "<details><summary>{0}</summary>{1}<pre>{2}</pre><script>var t = '{0}';</script></details>",
]
_PROSE = st.lists(
    st.sampled_from(
        [
            *("Été", "chat", "l'eau", "12", " ", "  ", "\n  ", "\r\n", ",", "!", "&amp;"),
            *("&eacute;", "&nbsp;", "«", "»", "*x*", "[y](z)", "œuvre", "-", ":", ";", "?"),
        ]
    ),
    max_size=8,
).map("".join)
"""Prose as authors write it in HTML: words, entities, spaces and line breaks, punctuation."""


def _filled(skeleton: str, texts: list[str]) -> str:
    return skeleton.format(*texts)


@given(st.sampled_from(SKELETONS), st.lists(_PROSE, min_size=3, max_size=3))
def test_generated_blocks_round_trip(skeleton: str, texts: list[str]) -> None:
    html = _filled(skeleton, texts)
    found = block_segments(html)
    previous = 0
    for segment in found:
        source = html[segment.start : segment.end]
        assert previous <= segment.start < segment.end
        previous = segment.end
        assert source.strip() == source and segment.text.strip() == segment.text
        assert "\n" not in segment.text and "\r" not in segment.text
        if segment.kind == HTML_KIND:
            assert one_line(source) == segment.text
    assert spliced(html, found, lambda s: s.text) == html
    out = spliced(html, found, wrapped)
    assert markup_sequence(out) == markup_sequence(html)
    assert [s.text for s in block_segments(out)] == [f"« {s.text} »" for s in found]


@given(_PROSE)
def test_a_paragraph_text_is_its_one_line_msgid(text: str) -> None:
    html = f"<p>{text}</p>"
    expected = [one_line(text.strip())] if has_letter(text) else []
    assert [s.text for s in block_segments(html)] == expected


_FRAGMENTS = st.sampled_from(
    [
        *("Un mot", " ", "\n", "\r\n  ", "é", "&amp;", "&eacute", "&#233;", "&", "<", "< 3", ">"),
        *("'", '"', "-", "<p>", "</p>", "<div title='Note'>", "</div>", "<em>", "</em>", "<br>"),
        *("<br/>", "<br />", "<td>", '<img alt="Chat" src=a>', "<img alt=x", "<a href='x'>"),
        *("</a>", "</>", "</ p>", "<code>", "</code>", "<script>", "</script>", "</script x>"),
        *("<pre>", "</pre>", "<!--", "-->", "--!>", "<!x>", "<?x>", "<![CDATA[", "]]>", "<svg/>"),
        *("<svg>", "</svg>", "<textarea>", "<P>", "</DIV>", '<p title="Un\n mot">', "<a\nhref=x>"),
        *("&lt;", "<!-->", "<!--->", "<script/>", "<title>", "</title>", "<plaintext>", "<span>"),
        *("</span>", "<img alt=\"a\" alt='b'>"),
    ]
)
"""Pieces of HTML, well-formed or not, that random blocks and translations are made of."""


@given(st.lists(_FRAGMENTS, max_size=25).map("".join))
def test_any_html_keeps_its_markup_through_identity_and_translation(html: str) -> None:
    parts = pieces(html)
    assert [p.start for p in parts[1:]] == [p.end for p in parts[:-1]]
    assert (parts[0].start if parts else 0) == 0 and (parts[-1].end if parts else 0) == len(html)
    found = block_segments(html)
    for before, after in itertools.pairwise(found):
        assert before.end <= after.start
    assert spliced(html, found, lambda s: s.text) == html
    assert all(html_block_text(s, html, wrapped(s)) is not None for s in found)
    out = spliced(html, found, wrapped)  # a tag written over lines comes out on one
    assert [one_line(m) for m in markup_sequence(out)] == [
        one_line(m) for m in markup_sequence(html)
    ]


@given(
    st.lists(_FRAGMENTS, max_size=20).map("".join),
    st.lists(st.lists(_FRAGMENTS, max_size=6).map("".join), min_size=1, max_size=4),
)
def test_an_accepted_translation_never_changes_the_markup_around_it(
    html: str, translations: list[str]
) -> None:
    found = block_segments(html)
    out = spliced(html, found, lambda s: translations[found.index(s) % len(translations)])
    assert sorted(one_line(m) for m in markup_sequence(out)) == sorted(  # tags may move
        one_line(m) for m in markup_sequence(html)
    )


POST_SKELETON = """\
---
title: Essai
---
Un paragraphe.

<div class="note">
<p>{0}</p>
</div>

<!-- c --> <p>{1}</p>

<pre>x</pre> <em>{2}</em>
suite

<? x > {0}
{1} ?>

<span class="x">
{2}
</span>
Fin du paragraphe.
"""


def block_types(text: str) -> list[str]:
    body = parse_post(text.encode("utf-8"), "source_posts/x.md").body
    return [token.type for token in markdown_parser().parse(body)]


@given(
    st.lists(st.lists(_FRAGMENTS, max_size=6).map("".join), min_size=3, max_size=3),
    st.lists(st.lists(_FRAGMENTS, max_size=6).map("".join), min_size=1, max_size=4),
)
def test_an_accepted_translation_keeps_the_blocks_of_the_post(
    texts: list[str], translations: list[str]
) -> None:
    text = POST_SKELETON.format(*(t.replace("\n\n", "\n") for t in texts))
    found = post_segments(text)
    out = spliced(text, found, lambda s: translations[found.index(s) % len(translations)])
    assert block_types(out) == block_types(text)
