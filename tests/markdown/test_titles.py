"""Link, image, admonition and container titles are translated as text of their own (issue 16,
Deliver 2): a definition's title and an image-alone's title are ``link-title`` segments, an
inline title stays in its paragraph's msgid and reaches engines apart from the sentence,
``!!!``/``???`` and ``::: name`` titles are ``admonition-title`` segments; targets, quotes,
names and markers stay byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import polib
import pytest

from postloc.export.post import export_post
from postloc.markdown.dialect import markdown_parser
from postloc.markdown.model import Segment
from postloc.markdown.parse import parse_post
from postloc.markdown.rebuild import rebuild_post
from postloc.markdown.segment import segment_post
from postloc.markdown.titles import escaped_title, inline_title
from postloc.mt.engines.pseudo import pseudo_text
from postloc.mt.markup.protection import protect, restore
from postloc.qa.checks import check_entry
from postloc.qa.document import compare_bodies

_TITLE = re.compile(r' title="([^"]*)"')


def render(text: str) -> str:
    post = parse_post(text, "source_posts/chat.md")
    return str(markdown_parser().render(post.body))


def summary(text: str) -> list[tuple[str, str]]:
    return [(s.kind, s.text) for s in segment_post(parse_post(text, "source_posts/chat.md"))]


def exported(text: str, how: Callable[[Segment], str] | Mapping[str, str]) -> str:
    post = parse_post(text, "source_posts/chat.md")
    segments = segment_post(post)
    pick = how if callable(how) else (lambda s: how.get(s.text, s.text))
    return rebuild_post(post, segments, {i: pick(s) for i, s in enumerate(segments)})


def through_the_engine(segment: Segment) -> str:
    protected = protect(segment.text, "html")
    return restore(protected, pseudo_text(protected.engine_text)).text


# -- reference definitions --------------------------------------------------------------


def test_a_definition_title_is_a_segment_of_its_own() -> None:
    source = 'Voir [la page][p].\n\n[p]: /page "Le titre de la page"\n'
    assert summary(source) == [
        ("paragraph", "Voir [la page][p]."),
        ("link-title", "Le titre de la page"),
    ]
    translated = exported(source, {"Le titre de la page": "The page's title"})
    assert translated == 'Voir [la page][p].\n\n[p]: /page "The page\'s title"\n'
    assert (
        render(translated) == '<p>Voir <a href="/page" title="The page\'s title">la page</a>.</p>\n'
    )


def test_a_definition_title_over_lines_in_a_quote_is_one_line_in_the_msgid() -> None:
    source = "> [p]: /page\n> 'Un titre\n> sur deux lignes'\n\n[x][p]\n"
    assert summary(source) == [("link-title", "Un titre sur deux lignes"), ("paragraph", "[x][p]")]
    assert exported(source, lambda s: s.text) == source
    translated = exported(source, {"Un titre sur deux lignes": "It's a title"})
    assert translated == "> [p]: /page\n> 'It\\'s a title'\n\n[x][p]\n"
    assert 'title="It\'s a title"' in render(translated)


def test_a_second_definition_of_a_label_and_an_excluded_one_give_no_title() -> None:
    source = (
        '[x][p]\n\n[p]: /a "Premier titre"\n[p]: /b "Jamais rendu"\n\n'
        '<!-- postloc:off -->\n\n[q]: /c "Titre exclu"\n\n<!-- postloc:on -->\n'
    )
    assert summary(source) == [("paragraph", "[x][p]"), ("link-title", "Premier titre")]


def test_a_definition_without_a_title_gives_none() -> None:
    assert summary("[x][p]\n\n[p]: /a\n") == [("paragraph", "[x][p]")]


# -- inline links and images --------------------------------------------------------------


def test_an_inline_link_title_is_translated_inside_its_paragraph() -> None:
    source = 'Lisez [la doc](https://exemple.fr/doc "Documentation officielle") avant.\n'
    (msgid,) = [text for _kind, text in summary(source)]
    assert msgid == source.rstrip("\n")
    for style in ("html", "plain"):
        protected = protect(msgid, style)
        assert "exemple.fr" not in protected.engine_text
        assert protected.engine_text.startswith("Lisez ")
        assert "avant. " in protected.engine_text  # the title comes after the sentence
    translated = exported(source, through_the_engine)
    assert "https://exemple.fr/doc" in translated
    (title,) = _TITLE.findall(render(translated))
    assert title != "Documentation officielle" and "ç" in title


def test_an_image_title_is_translated_inline_and_alone() -> None:
    source = "![Le lac](lac.jpg \"Le lac au matin\")\n\nUne ![icône](i.png 'Petite icône') ici.\n"
    assert summary(source) == [
        ("alt-text", "Le lac"),
        ("link-title", "Le lac au matin"),
        ("paragraph", "Une ![icône](i.png 'Petite icône') ici."),
    ]
    translated = exported(source, through_the_engine)
    assert "lac.jpg" in translated and "i.png" in translated
    titles = _TITLE.findall(render(translated))
    assert len(titles) == 2 and "Le lac au matin" not in titles and "Petite icône" not in titles


@pytest.mark.parametrize(
    ("source", "translation", "written"),
    [
        ('[a](/u "Titre")', 'Le "beau" titre', '[a](/u "Le \\"beau\\" titre")'),
        ("[a](/u 'Titre')", "L'été", "[a](/u 'L\\'été')"),
        ("[a](/u (Titre))", "Un (petit) titre", "[a](/u (Un \\(petit\\) titre))"),
        ('[a](/u "Titre")', "Fin \\", '[a](/u "Fin \\\\")'),
    ],
)
def test_a_translated_title_with_its_quote_inside_is_escaped(
    source: str, translation: str, written: str
) -> None:
    protected = protect(source, "plain")
    output = protected.engine_text.replace("Titre", translation)
    restored = restore(protected, output)
    assert (restored.text, restored.damaged) == (written, False)
    assert "<a " in render(written + "\n")  # still a link


def test_a_definition_title_with_a_quote_inside_is_escaped_on_export() -> None:
    source = '[x][p]\n\n[p]: /a "Titre"\n'
    translated = exported(source, {"Titre": 'Le "beau" titre'})
    assert translated.endswith('[p]: /a "Le \\"beau\\" titre"\n')
    assert 'title="Le &quot;beau&quot; titre"' in render(translated)


def test_escaped_title_keeps_escapes_already_written() -> None:
    assert escaped_title('Un \\"x\\" et "y"', '"') == 'Un \\"x\\" et \\"y\\"'
    assert escaped_title("deux\nlignes", "'") == "deux lignes"


def test_a_title_with_no_word_is_not_translated() -> None:
    source = '[x][p] et [y](/b "—").\n\n[p]: /a "1"\n'
    assert summary(source) == [("paragraph", '[x][p] et [y](/b "—").')]
    protected = protect('[y](/b "—") et [z](/c "2024")', "html")
    assert "<q" not in protected.engine_text and "2024" not in protected.engine_text


def test_inline_title_is_found_as_markdown_it_reads_it() -> None:
    closing = '](/u "Titre")'
    span = inline_title(closing)
    assert span is not None and closing[span[0] : span[1]] == "Titre"
    assert inline_title("](/u)") is None
    assert inline_title("][ref]") is None
    assert inline_title("](<a b> 'x'  )") is not None


def test_a_lost_title_is_damage_and_keeps_its_source_text() -> None:
    protected = protect('Voir [la doc](/u "Le titre").', "plain")
    restored = restore(protected, "Ver [la doc]⟦1⟧.")
    assert restored.damaged and 'lost link title "Le titre"' in restored.problems
    assert restored.text == 'Ver [la doc](/u "Le titre").'


def test_checks_and_the_document_accept_a_translated_title() -> None:
    source = 'Voir [la doc](/u "Le titre") et ![x](i.png "Une image").'
    translation = 'See [the docs](/u "The title") and ![x](i.png "An image").'
    assert [
        f
        for f in check_entry(source, translation, kind="paragraph", lang="en")
        if f.severity == "error"
    ] == []
    assert compare_bodies(source + "\n", translation + "\n") == []
    body = '[x][p]\n\n[p]: /a "Titre"\n'
    assert compare_bodies(body, body.replace("Titre", "Title")) == []
    changed = 'See [the docs](/other "The title").'
    assert any(
        f.check == "link-targets" for f in check_entry(source, changed, kind="paragraph", lang="en")
    )


# -- admonitions and containers -------------------------------------------------------------


def test_a_container_title_is_translated_and_its_name_kept() -> None:
    source = "::: warning Attention au départ\nContenu.\n:::\n"
    assert summary(source) == [
        ("admonition-title", "Attention au départ"),
        ("paragraph", "Contenu."),
    ]
    translated = exported(source, {"Attention au départ": "Mind the start"})
    assert translated == "::: warning Mind the start\nContenu.\n:::\n"
    assert render(translated) == render(source)


@pytest.mark.parametrize("marker", ["!!!", "???", "???+"])
def test_an_admonition_title_is_translated_and_its_type_kept(marker: str) -> None:
    source = f'{marker} danger "Titre"\n    Contenu.\n'
    assert summary(source) == [("admonition-title", "Titre"), ("paragraph", "Contenu.")]
    translated = exported(source, {"Titre": 'Un "vrai" titre\nsur deux lignes'})
    assert translated == f'{marker} danger "Un "vrai" titre sur deux lignes"\n    Contenu.\n'
    assert '<p class="admonition-title">Un &quot;vrai&quot; titre sur deux lignes</p>' in render(
        translated
    )
    assert render(exported(source, lambda s: s.text)) == render(source)


def test_an_admonition_without_a_written_title_gives_none() -> None:
    for source in ("!!! note\n    Contenu.\n", '!!! note ""\n    Contenu.\n'):
        assert summary(source) == [("paragraph", "Contenu.")]


def test_an_unquoted_admonition_title_is_translated() -> None:
    source = "!!! tip Bon à savoir\n    Contenu.\n"
    assert summary(source)[0] == ("admonition-title", "Bon à savoir")
    assert exported(source, {"Bon à savoir": "Good to know"}).startswith("!!! tip Good to know\n")


def test_titles_follow_the_extensions_a_site_uses() -> None:
    from postloc.config import Extraction

    post = parse_post("::: warning Attention\nContenu.\n:::\n", "source_posts/chat.md")
    rules = Extraction(markdown_extensions=("footnotes",))
    assert [s.kind for s in segment_post(post, rules)] == ["paragraph"]


def test_export_writes_translated_titles_and_reports_nothing_unsafe() -> None:
    source = (
        'Voir [la page][p] et [la doc](/doc "La doc").\n\n[p]: /page "Le titre"\n\n'
        '!!! note "Remarque"\n    Contenu.\n'
    )
    post = parse_post(source, "source_posts/chat.md")
    segments = segment_post(post)
    po = polib.POFile()
    for msgid, msgstr in (
        ("Le titre", 'The "title"'),
        ("Remarque", "Note"),
        (
            'Voir [la page][p] et [la doc](/doc "La doc").',
            'See [the page][p] and [the docs](/doc "The docs").',
        ),
    ):
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
    outcome = export_post(post, segments, po, "en", min_translated=0.0)
    assert outcome.unsafe == ()
    assert outcome.text is not None
    assert '[p]: /page "The \\"title\\""' in outcome.text
    assert '!!! note "Note"' in outcome.text and '(/doc "The docs")' in outcome.text
