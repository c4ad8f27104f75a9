"""The ``document`` check: the assembled localized post against its source (issue 13)."""

from __future__ import annotations

from pathlib import Path

import polib
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from helpers import make_project, run
from md_strategies import documents
from postloc.export.post import export_post
from postloc.markdown.frontmatter import format_scalar
from postloc.markdown.parse import parse_post
from postloc.markdown.segment import segment_post
from postloc.qa.document import check_document, compare_bodies, plain_text

SOURCE = """\
---
title: Un titre
---

Un premier paragraphe.

Cliquez [ici](https://exemple.fr).

![Une image](img/photo.png)

Fin.
"""
BODY = SOURCE.split("---\n", 2)[2]


def exported(body: str, title: str = "Un titre") -> str:
    return f"---\ntitle: {title}\nlang: es\n---\n{body}"


def test_the_source_itself_passes() -> None:
    assert check_document(BODY, exported(BODY), "es.md") == []


def test_a_reference_definition_and_its_use_in_two_entries_fail() -> None:
    """Attack 7: ``[x]: javascript:alert(1)`` + ``Haga [clic][x].`` make a javascript: link."""
    body = BODY.replace("Un premier paragraphe.", "[x]: javascript:alert(1)").replace(
        "Fin.", "Haga [clic][x]."
    )
    problems = check_document(BODY, exported(body), "es.md")
    assert any("javascript:alert(1)" in p and "targets" in p for p in problems)
    assert any("reference definition" in p for p in problems)


def test_an_alt_text_leaving_its_image_fails() -> None:
    """Attack 8: the alt text closes its image and opens another pointing elsewhere."""
    body = BODY.replace("Une image", "x](https://evil.example/p.gif) ![y")
    problems = check_document(BODY, exported(body), "es.md")
    assert problems == [
        "link and image targets differ from the source: unexpected 'https://evil.example/p.gif'"
    ]


def test_new_raw_html_and_new_blocks_fail() -> None:
    body = BODY.replace("Fin.", "Fin <b>x</b>.").replace("Un premier", "# Un premier")
    problems = check_document(BODY, exported(body), "es.md")
    assert any(p.startswith("raw HTML not in the source") for p in problems)
    assert any(p.startswith("block structure differs") for p in problems)


SITE = """\
Voir la [suite]({{< ref "posts/suite.md" >}}) et {{< icon "check" >}}.

{{< figure src="a.png" caption="Le schéma" >}}
{: .lead}

{% highlight ruby %}
puts "Bonjour"
{% endhighlight %}
"""


def test_site_tags_must_come_out_as_they_went_in() -> None:
    translated = SITE.replace("Voir la [suite]", "See [more]").replace("Le schéma", "The “plan”")
    assert compare_bodies(SITE, translated) == []
    for damaged in (
        SITE.replace('{{< icon "check" >}}', '{{< icono "check" >}}'),
        SITE.replace('"posts/suite.md"', '"puestos/suite.md"'),
        SITE.replace('src="a.png"', 'src="b.png"'),
        SITE.replace("{: .lead}", "{: .plomo}"),
        SITE.replace('puts "Bonjour"', 'puts "Hola"'),
    ):
        problems = compare_bodies(SITE, damaged)
        assert any(p.startswith("site tags differ from the source") for p in problems), damaged


def test_export_falls_back_from_a_translation_that_damages_a_tag() -> None:
    post = parse_post('Un {{< icon "check" >}} vert.\n\nFin.\n', "source_posts/b.md")
    po = polib.POFile()
    po.append(polib.POEntry(msgid='Un {{< icon "check" >}} vert.', msgstr="A {{< icono >}} green."))
    po.append(polib.POEntry(msgid="Fin.", msgstr="End."))
    outcome = export_post(post, segment_post(post), po, "es", min_translated=0.0)
    assert [u.msgid for u in outcome.unsafe] == ['Un {{< icon "check" >}} vert.']
    assert outcome.text is not None and 'Un {{< icon "check" >}} vert.' in outcome.text
    assert "End." in outcome.text


def test_front_matter_that_does_not_read_back_fails() -> None:
    """Attack 11: ``title: Título<TAB>X`` is refused by YAML readers."""
    problems = check_document(BODY, exported(BODY, title="Título\tX"), "es.md")
    assert len(problems) == 1 and "front matter does not read back" in problems[0]


def test_a_tab_in_a_translated_title_is_written_escaped() -> None:
    """Attack 11: the writer double-quotes a value holding a tab or control character."""
    assert format_scalar("Título\tX") == '"Título\\tX"'
    assert format_scalar("a\x7fb") == '"a\\x7Fb"'
    assert parse_post(exported(BODY, format_scalar("Título\tX")), "es.md").front_matter[
        "title"
    ] == ("Título\tX")


ATTACK_PO = """\
msgid ""
msgstr ""
"Language: es\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

#. type: title
#: source_posts/billet.md:2
msgid "Un titre"
msgstr "Título\\tX"

#. type: paragraph
#: source_posts/billet.md:5
msgid "Un premier paragraphe."
msgstr "[x]: javascript:alert(1)"

#. type: paragraph
#: source_posts/billet.md:7
msgid "Cliquez [ici](https://exemple.fr)."
msgstr "Haga clic [aquí](https://exemple.fr)."

#. type: alt-text
#: source_posts/billet.md:9
msgid "Une image"
msgstr "x](https://evil.example/p.gif) ![y"

#. type: paragraph
#: source_posts/billet.md:11
msgid "Fin."
msgstr "Haga [clic][x]."
"""


def attack_project(tmp_path: Path) -> Path:
    root = make_project(
        tmp_path,
        'source_language = "fr"\ntarget_languages = ["es"]\n'
        '[engines]\ndefault = "pseudo"\n[export]\nmin_translated = 0.0\n',
        {"billet.md": SOURCE},
    )
    assert run(root, "extract").exit_code == 0
    assert run(root, "update").exit_code == 0
    (root / "locales/es/LC_MESSAGES/billet.po").write_text(ATTACK_PO, encoding="utf-8")
    return root


def test_check_reports_document_errors_on_the_entries_lines(tmp_path: Path) -> None:
    import json

    root = attack_project(tmp_path)
    result = run(root, "check", "--json")
    assert result.exit_code == 1
    issues = [i for i in json.loads(result.stdout) if i["check"] == "document"]
    assert [(i["line"], i["severity"]) for i in issues] == [(5, "error"), (9, "error")]
    assert "javascript:alert(1)" in issues[0]["message"]
    assert "evil.example" in issues[1]["message"]


def test_export_falls_back_and_never_writes_the_dangerous_markup(tmp_path: Path) -> None:
    root = attack_project(tmp_path)
    result = run(root, "export")
    assert result.exit_code == 0
    assert "source text kept: billet:5 [es]" in result.stderr
    assert "source text kept: billet:9 [es]" in result.stderr
    text = (root / "build/es/billet.md").read_text(encoding="utf-8")
    assert "javascript" not in text and "evil.example" not in text
    assert 'title: "Título\\tX"' in text
    assert "Haga clic [aquí](https://exemple.fr)." in text
    assert run(root, "export", "--format", "html").exit_code == 0
    page = (root / "build/es/billet.html").read_text(encoding="utf-8")
    assert "evil.example" not in page and "javascript" not in page


def test_export_post_reports_each_fallback_with_its_line() -> None:
    from postloc.po.read import read_po

    post = parse_post(SOURCE, "source_posts/billet.md")
    po: polib.POFile = read_po(ATTACK_PO, "es.po")
    outcome = export_post(post, segment_post(post), po, "es", min_translated=0.0)
    assert [(u.msgid, u.line) for u in outcome.unsafe] == [
        ("Un premier paragraphe.", 5),
        ("Une image", 9),
    ]
    assert outcome.fallback == 2 and outcome.text is not None
    assert check_document(BODY, outcome.text, "es.md") == []


PLAIN_WORDS = st.text(
    alphabet=st.sampled_from(list("abcdeéèàçxyz ,.;:?!'()*_&%$0123456789«»—-")), min_size=1
)
"""Translations as an engine or a person writes them, with the characters that matter only
next to markup (``*``, ``_``, ``!``, ``(``, ``:``, digits) and without brackets or ``<``."""


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.data())
def test_the_plain_text_shortcut_agrees_with_the_full_comparison(
    document: str, data: st.DataObject
) -> None:
    """Whenever export skips the parse (every swapped text is plain), parsing finds nothing."""
    post = parse_post(document, "p.md")
    segments = [s for s in segment_post(post) if not s.in_front_matter]
    replaced, chosen = [], {}
    for index, segment in enumerate(segments):
        source = post.text[segment.start : segment.end]
        translation = data.draw(PLAIN_WORDS.map(str.strip).filter(bool), label=source)
        replaced.append((source, translation))
        chosen[index] = translation
    if not all(plain_text(a) and plain_text(b) for a, b in replaced):
        event("not plain: parsed by export")
        return
    event("plain: shortcut taken")
    from postloc.markdown.rebuild import rebuild_post

    rebuilt = rebuild_post(post, segments, chosen, ())
    body = post.text[post.body_start :]
    assert compare_bodies(body, parse_post(rebuilt, "p.md").text[post.body_start :]) == []


def test_plain_text_refuses_what_can_make_markup() -> None:
    for text in (
        "x](https://evil) ![y",
        "[x]: javascript:a",
        "<b>",
        "`code`",
        "a\\b",
        "a|b",
        "# titre",
        "> cité",
        "- item",
        "1. un",
        "2) deux",
        " espace",
        "a\nb",
        "{{< x >}}",
        "a }} b",
        "",
    ):
        assert not plain_text(text), text
    for text in ("Une phrase simple.", "35 pays (dont la France) : oui !", "c'est *pas* _grave_"):
        assert plain_text(text), text
