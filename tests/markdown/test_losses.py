"""Issue 16, "Real loss": the corners other projects' test suites found, one test per case.

Each case is checked at the level the issue describes: the identity export must render as
the source does, and a translated export (the msgid changed, as a translator or an engine
would) must keep the same tags, links and images.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import polib

from postloc.export.post import export_post
from postloc.markdown.dialect import markdown_parser
from postloc.markdown.model import Segment
from postloc.markdown.parse import parse_post
from postloc.markdown.rebuild import rebuild_post
from postloc.markdown.segment import segment_post
from postloc.mt.markup.protection import protect, restore
from postloc.po.state import MachineNote, output_digest

_TAG = re.compile(r"<(/?[a-zA-Z][a-zA-Z0-9]*)")


def render(text: str) -> str:
    post = parse_post(text, "source_posts/chat.md")
    return str(markdown_parser().render(post.text[post.body_start :]))


def exported(text: str, how: Callable[[Segment], str] | Mapping[str, str]) -> str:
    """``text`` exported with each segment's translation given by ``how``."""
    post = parse_post(text, "source_posts/chat.md")
    segments = segment_post(post)
    pick = how if callable(how) else (lambda s: how.get(s.text, s.text))
    return rebuild_post(post, segments, {i: pick(s) for i, s in enumerate(segments)})


def msgids(text: str) -> list[str]:
    return [s.text for s in segment_post(parse_post(text, "source_posts/chat.md"))]


def test_case_1_an_inline_html_tag_split_over_lines_stays_a_tag() -> None:
    source = '<img src="chat.png"\n     alt="Un chat">\n'
    assert render(exported(source, lambda s: s.text)) == render(source)
    # Its words are in attributes, so it is no segment today; had it one (a translator's
    # catalogue from before), the translated tag must stay a tag, not become "\<img".
    post = parse_post(source, "source_posts/chat.md")
    segment = Segment(source.rstrip("\n"), "paragraph", 1, 0, len(source) - 1)
    translated = rebuild_post(post, [segment], {0: segment.text.replace("Un chat", "A cat")})
    assert translated == '<img src="chat.png"\n     alt="A cat">\n'
    assert render(translated) == '<p><img src="chat.png"\n     alt="A cat"></p>\n'


def test_case_1_the_msgid_keeps_the_newline_inside_a_tag() -> None:
    source = '<img src="chat.png"\n     alt="Un chat"> Mon chat dort.\n'
    assert msgids(source) == ['<img src="chat.png"\n     alt="Un chat"> Mon chat dort.']
    translated = exported(
        source, {msgids(source)[0]: '<img src="chat.png"\n alt="A cat"> It sleeps.'}
    )
    assert render(translated) == '<p><img src="chat.png"\n alt="A cat"> It sleeps.</p>\n'


def test_case_1_a_split_anchor_keeps_its_attribute_as_written() -> None:
    source = 'Voir <a href="foo\nbar">la page</a> ici.\n'
    assert msgids(source) == ['Voir <a href="foo\nbar">la page</a> ici.']
    translated = exported(source, {msgids(source)[0]: 'See <a href="foo\nbar">the page</a> here.'})
    assert '<a href="foo\nbar">' in render(translated)
    assert _TAG.findall(render(translated)) == _TAG.findall(render(source))


def test_case_2_text_that_looks_like_a_link_once_joined_stays_text() -> None:
    source = "[link](<foo\nbar>)\n"
    assert msgids(source) == ["[link](<foo\nbar>)"]
    assert render(exported(source, lambda s: s.text)) == render(source)
    translated = exported(source, lambda s: s.text.replace("link", "lien"))
    assert render(translated) == "<p>[lien](<foo\nbar>)</p>\n"  # text, and raw HTML <foo bar>


def test_case_3_a_newline_inside_raw_pre_stays_a_newline() -> None:
    source = "<table><tr><td>\n<pre>\n**Hello**,\n\n_world_.\n</pre>\n</td></tr></table>\n"
    assert "_world_.\n</pre>" in msgids(source)
    assert render(exported(source, lambda s: s.text)) == render(source)
    translated = exported(source, {"_world_.\n</pre>": "_monde_.\n</pre>"})
    assert "<em>monde</em>.\n</pre>" in render(translated)


def test_case_4_a_translated_shortcut_reference_image_still_resolves() -> None:
    source = '![foo]\n\n[foo]: /url "title"\n'
    translated = exported(source, {"foo": "El gato"})
    assert translated == '![El gato][foo]\n\n[foo]: /url "title"\n'
    assert render(translated) == '<p><img src="/url" alt="El gato" title="title" /></p>\n'


def test_case_4_a_translated_collapsed_reference_image_still_resolves() -> None:
    source = "![foo][]\n\n[foo]: /url\n"
    assert exported(source, {"foo": "El gato"}) == "![El gato][foo]\n\n[foo]: /url\n"


def test_case_4_collapsed_and_shortcut_links_in_a_paragraph_still_resolve() -> None:
    source = "Voir [la page][] ici, et [là] aussi [sic].\n\n[la page]: /p\n[là]: /l\n"
    translation = "Ver [la página][] aquí, y [allí] también [sic]."
    translated = exported(source, {msgids(source)[0]: translation})
    assert translated.startswith("Ver [la página][la page] aquí, y [allí][là] también [sic].\n")
    html = render(translated)
    assert '<a href="/p">la página</a>' in html and '<a href="/l">allí</a>' in html


def test_case_4_an_unchanged_reference_is_left_as_written() -> None:
    source = "Voir [la page][] ici.\n\n[la page]: /p\n"
    assert exported(source, {msgids(source)[0]: "Ver [la page][] aquí."}).startswith(
        "Ver [la page][] aquí.\n"
    )
    assert exported(source, lambda s: s.text) == source


def test_case_4_a_reference_that_no_longer_resolves_is_an_error_and_not_exported() -> None:
    source = "Voir [la page][] ici.\n\n[la page]: /p\n"
    post = parse_post(source, "source_posts/chat.md")
    segments = segment_post(post)
    po = polib.POFile()
    po.append(polib.POEntry(msgid="Voir [la page][] ici.", msgstr="Ver [la página][pagina] aquí."))
    outcome = export_post(post, segments, po, "es", min_translated=0.0)
    assert [u.msgid for u in outcome.unsafe] == ["Voir [la page][] ici."]
    assert "missing '/p'" in outcome.unsafe[0].message
    assert outcome.text is not None and "Voir [la page][] ici." in outcome.text


URL = "http://fredkschott.com/post/2014/02/npm-no-longer-defaults-to-tildes/"
CASE_5 = f"[celui qui est choisi maintenant [en]]({URL})"


def test_case_5_a_link_target_never_reaches_the_engine_whatever_its_text_holds() -> None:
    for style in ("html", "plain"):
        engine_text = protect(CASE_5, style).engine_text
        assert "fredkschott" not in engine_text and "http" not in engine_text
        assert "celui qui est choisi maintenant [en]" in engine_text


def test_case_5_addresses_written_as_text_never_reach_the_engine() -> None:
    text = "Écrire à moi@exemple.fr, lire https://exemple.fr/npm-shrinkwrap.html ou www.exemple.fr."
    for style in ("html", "plain"):
        engine_text = protect(text, style).engine_text
        assert "exemple" not in engine_text and "shrinkwrap" not in engine_text
        restored = restore(protect(text, style), engine_text)
        assert (restored.text, restored.damaged) == (text, False)


def test_case_5_an_engine_that_mangles_a_protected_address_is_recorded_as_damage() -> None:
    protected = protect(f"Voir {URL} maintenant", "plain")
    assert protected.engine_text == "Voir ⟦1⟧ maintenant"
    restored = restore(protected, "Ver ⟦l⟧ ahora")
    assert restored.damaged
    assert f"lost web address {URL}" in restored.problems
    assert URL not in restored.text or restored.damaged


def test_case_5_a_machine_draft_with_a_changed_link_target_is_not_exported() -> None:
    source = f"{CASE_5}\n"
    post = parse_post(source, "source_posts/chat.md")
    segments = segment_post(post)
    broken = "[el que se elige ahora [en]](http://fredkschott.com/post/2014/02/npm-no-vorejar/)"
    note = MachineNote("argos", "1", "fr", "es", output_digest(broken))
    po = polib.POFile()
    po.append(polib.POEntry(msgid=CASE_5, msgstr=broken, flags=["fuzzy"], tcomment=note.render()))
    outcome = export_post(post, segments, po, "es", min_translated=0.0)
    assert outcome.text is not None and URL in outcome.text
    assert "npm-no-vorejar" not in outcome.text
    assert [u.msgid for u in outcome.unsafe] == [CASE_5]


def test_case_6_dashes_on_the_first_two_lines_are_empty_front_matter_as_jekyll_reads_them() -> None:
    # Jekyll documents "---" + "---" as the way to have a file processed without any
    # front matter, and Hugo reads the same fences as (empty) YAML: neither renders them
    # as two thematic breaks, so postloc keeps them as front matter, as written.
    source = "---\n---\n\nUn chat.\n"
    post = parse_post(source, "source_posts/chat.md")
    assert post.front_matter == {}
    assert post.front_matter_span is not None
    assert exported(source, lambda s: s.text) == source
    assert render("Un chat.\n\n---\n---\n") == "<p>Un chat.</p>\n<hr />\n<hr />\n"
