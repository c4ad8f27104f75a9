"""QA checks: each one fails on a seeded bad translation and passes on a good one."""

from __future__ import annotations

import json

import polib
import pytest

from postloc.config import Extraction
from postloc.po.state import DAMAGED_FLAG, MachineNote, output_digest
from postloc.qa.checks import Issue, check_catalogue, check_entry, count_errors, issues_to_json
from postloc.qa.rules import CHECKS


def names(msgid: str, msgstr: str, *, kind: str = "paragraph", lang: str = "en", flags=()):
    return [f.check for f in check_entry(msgid, msgstr, kind=kind, lang=lang, flags=flags)]


# (check name, source, good translation, bad translation, kind)
CASES = [
    (
        "inline-code",
        "Lancez `make test` vite.",
        "Run `make test` quickly.",
        "Run `make tests` quickly.",
        "paragraph",
    ),
    ("inline-code", "Lancez `a` puis `b`.", "Run `b` then `a`.", "Run `a` then `a`.", "paragraph"),
    (
        "link-targets",
        "Voir [le site](https://example.org/fr).",
        "See [the website](https://example.org/fr).",
        "See [the website](https://example.org/en).",
        "paragraph",
    ),
    (
        "link-targets",
        "Une ![carte](img/carte.png).",
        "A ![map](img/carte.png).",
        "A ![map](img/map.png).",
        "paragraph",
    ),
    (
        "markup",
        "Un **texte gras** ici.",
        "A **bold text** here.",
        "A **bold text here.",
        "paragraph",
    ),
    (
        "markup",
        "Un *mot* et *un autre*.",
        "A *word* and *another*.",
        "A *word* and another.",
        "paragraph",
    ),
    ("markup", "Du ~~barré~~ ici.", "Some ~~struck~~ here.", "Some struck here.", "paragraph"),
    (
        "numbers",
        "Il y a 35 pays.",
        "There are 35 countries.",
        "There are 53 countries.",
        "paragraph",
    ),
    ("numbers", "Soit 1 000,5 km.", "That is 1,000.5 km.", "That is 1,000 km.", "paragraph"),
    ("numbers", "Soit 2,5 %.", "That is 2.5%.", "That is 25%.", "paragraph"),
    ("whitespace", "Bonjour.", "Hello.", "Hello. ", "paragraph"),
    ("whitespace", "Bonjour.", "Hello.", " Hello.", "paragraph"),
    ("punctuation", "Quoi ?", "What?", "What", "paragraph"),
    ("punctuation", "Fin.", "End.", "End!", "paragraph"),
    ("untranslated", "Paris comme symbole", "Paris as a symbol", "Paris comme symbole", "heading"),
    ("untranslated", "Une belle journée", "A fine day", "Une belle journée", "title"),
    ("raw-html", "Un texte.", "A text.", "A <script>alert(1)</script> text.", "paragraph"),
    (
        "html-markup",
        'Mon chat <a href="/chat">dort</a>.',
        'My cat <a href="/chat">sleeps</a>.',
        'My cat <a href="/chat" onclick="x()">sleeps</a>.',
        "html",
    ),
    (
        "html-markup",
        "Un <em>chat</em>.",
        "A <em>cat</em>.",
        "A <em>cat</em><script>x</script>.",
        "html",
    ),
    ("raw-html", "Un texte.", "A text.", '<div onclick="x()">A text.</div>', "paragraph"),
    ("raw-html", "Un texte.", "A text.", "A <img src=x onerror=alert(1)> text.", "paragraph"),
    (
        "unsafe-url",
        "Un [lien](https://a.org).",
        "A [link](https://a.org).",
        "A [link](javascript:alert(1)).",
        "paragraph",
    ),
    ("unsafe-url", "Un lien.", "A link.", "A <JavaScript:alert(1)> link.", "paragraph"),
    (
        "unsafe-url",
        "Une image.",
        "An image.",
        "An ![x](data:text/html;base64,PHM+) image.",
        "paragraph",
    ),
    ("unsafe-url", "Un lien.", "A link.", "A [link](&#106;avascript:alert(1)).", "paragraph"),
    ("unsafe-url", "Un lien.", "A link.", 'A <a href="vbscript:x">link</a>.', "paragraph"),
    (
        "site-tags",
        'Voir {{< figure src="a.png" caption="Le schéma" >}} ici.',
        'See {{< figure src="a.png" caption="The “diagram”" >}} here.',
        'See {{< figura src="a.png" caption="The diagram" >}} here.',
        "paragraph",
    ),
    (
        "site-tags",
        'Lire la [suite]({{< relref "posts/hugo/_index.md" >}}).',
        'Read [more]({{< relref "posts/hugo/_index.md" >}}).',
        'Read [more]({{< relref "puestos/hugo/_index.md" >}}).',
        "paragraph",
    ),
    (
        "site-tags",
        "L'ancien [billet]({% post_url 2025-08-01-migration %}) et {% include note.html %}.",
        "The old [post]({% post_url 2025-08-01-migration %}) and {% include note.html %}.",
        "The old [post]({% place_url 2025-08-01-migration %}) and {% include Note.html %}.",
        "paragraph",
    ),
    (
        "site-tags",
        "Bienvenue sur {{ site.title }}.",
        "Welcome to {{ site.title }}.",
        "Welcome to {{ site.titre }}.",
        "paragraph",
    ),
    (
        "site-tags",
        "Un *mot*{: .accent} ici.",
        "A *word*{: .accent} here.",
        "A *word*{: .acento} here.",
        "paragraph",
    ),
    ("site-tags", "Les étapes {#etapes}", "The steps {#etapes}", "The steps {#steps}", "heading"),
    (
        "site-tags",
        "Le {{</* figure */>}} brut.",
        "The {{</* figure */>}} raw.",
        "The {{‹/* figure */>}} raw.",
        "paragraph",
    ),
    ("newline", "Une légende", "A caption", "A\ncaption", "shortcode-param"),
    ("empty", "Bonjour.", "Hello.", "   ", "paragraph"),
    ("newline", "Un titre", "A title", "A\ntitle", "heading"),
    ("newline", "Une cellule", "A cell", "A\ncell", "table-cell"),
]


@pytest.mark.parametrize(("check", "source", "good", "bad", "kind"), CASES)
def test_check_fails_on_bad_and_passes_on_good(check, source, good, bad, kind):
    assert check in names(source, bad, kind=kind)
    assert names(source, good, kind=kind) == []


def test_every_check_has_a_case():
    covered = {case[0] for case in CASES} | {"markup-damaged"}
    produced = {fn.__name__ for fn in CHECKS}
    assert len(produced) == len(CHECKS)
    assert len(covered) == len(CHECKS)


def test_site_tags_may_move_and_only_translated_values_change():
    source = 'Le {{< abbr title="Langage de balisage" >}}HTML{{< /abbr >}} et {{< icon "x" >}}.'
    moved = 'The {{< icon "x" >}} and {{< abbr title="Markup “language”" >}}HTML{{< /abbr >}}.'
    assert names(source, moved) == []
    damaged = 'The {{< icon "y" >}} and {{< abbr title="Markup" >}}HTML{{< /abbr >}}.'
    [finding] = [f for f in check_entry(source, damaged, kind="paragraph", lang="en")]
    assert finding.check == "site-tags" and finding.severity == "error"
    assert "'{{< icon \"x\" >}}'" in finding.message and "'{{< icon \"y\" >}}'" in finding.message


def test_translated_parameters_follow_the_configuration():
    source = '{{< details summary="Cliquez ici" >}}Texte{{< /details >}} caché.'
    target = '{{< details summary="Click here" >}}Text{{< /details >}} hidden.'
    assert "site-tags" in names(source, target)
    rules = Extraction(shortcode_params_by_name=(("details", ("summary",)),))
    found = check_entry(source, target, kind="paragraph", lang="en", rules=rules)
    assert [f.check for f in found] == []


def test_damaged_flag_is_an_error():
    found = check_entry(
        "Un **mot**.", "A **word**.", kind="paragraph", lang="en", flags=[DAMAGED_FLAG]
    )
    assert [(f.check, f.severity) for f in found] == [("markup-damaged", "error")]
    assert (
        check_entry("Un **mot**.", "A **word**.", kind="paragraph", lang="en", flags=["fuzzy"])
        == []
    )


def test_severities():
    assert {f.check: f.severity for f in check_entry("Fin.", "End! ", kind="p", lang="en")} == {
        "whitespace": "warning",
        "punctuation": "warning",
    }
    assert check_entry("A", "<b>A</b>", kind="p", lang="en")[0].severity == "error"


def test_raw_html_and_unsafe_urls_already_in_source_are_fine():
    src = 'Voir <abbr title="x">ONU</abbr> et <a href="data:,x">ceci</a>.'
    tgt = 'See <abbr title="x">UN</abbr> and <a href="data:,x">this</a>.'
    assert names(src, tgt) == []


def test_entity_escaped_html_is_not_raw_html():
    assert names("Le tag &lt;b&gt;.", "The &lt;b&gt; tag.") == []
    assert names("Le tag `<b>`.", "The `<b>` tag.") == []


def test_numbers_locale_aware():
    assert names("Soit 1 000,5 km.", "Eso es 1.000,5 km.", lang="es") == []
    assert names("Soit 1\u202f000,5 km.", "That is 1000.5 km.") == []
    assert names("Le 4 septembre 2025.", "On September 4, 2025.") == []
    assert names("Python 3.12 est sorti.", "Python 3.12 is out.") == []
    # numbers in inline code or URLs are not the reader's numbers
    assert (
        names("Voir `v2` et [ici](https://a.org/42).", "See `v2` and [here](https://a.org/42).")
        == []
    )
    assert "numbers" in names("Il y a 35 pays.", "There are thirty-five countries.")


def test_punctuation_tolerates_french_spacing_and_ellipsis():
    assert names("Attention !", "Warning!") == []
    assert names("Exemple :", "Example:") == []
    assert names("Et puis...", "And then…") == []
    assert names("« Bonjour. »", "“Hello.”") == []
    assert names("**Attention !**", "**Warning!**") == []


def test_untranslated_title_ignores_single_words_and_names():
    assert names("Introduction", "Introduction", kind="heading") == []
    assert names("Python 3.12", "Python 3.12", kind="heading") == []
    assert names("Paris comme symbole", "Paris comme symbole", kind="paragraph") == []


def test_newline_allowed_in_paragraphs():
    assert names("Ligne un\\\nligne deux.", "Line one\\\nline two.") == []


def make_po() -> polib.POFile:
    po = polib.POFile()
    po.metadata = {"Language": "en", "Content-Type": "text/plain; charset=UTF-8"}

    def add(msgid, msgstr, kind, line, flags=(), obsolete=False, tcomment=""):
        entry = polib.POEntry(
            msgid=msgid,
            msgstr=msgstr,
            comment=f"type: {kind}",
            occurrences=[("source_posts/p.md", str(line))],
            flags=list(flags),
            obsolete=obsolete,
            tcomment=tcomment,
        )
        po.append(entry)

    add("Un titre", "A title", "title", 2)
    add("Il y a **35 pays**.", "There are **53 countries**.", "paragraph", 7)
    draft = "A `code` <script>x</script>."
    note = MachineNote("pseudo", "1", "fr", "en", output_digest(draft)).render()
    add("Un `code`.", draft, "paragraph", 9, flags=["fuzzy"], tcomment=note)
    add("Pas traduit.", "", "paragraph", 11)
    add("Vieux.", "<script>", "paragraph", 13, obsolete=True)
    add("Une fin.", "An end", "list-item", 15, flags=["fuzzy"])
    return po


def test_check_catalogue_locates_issues():
    issues = check_catalogue(make_po(), post="p", lang="en")
    assert [(i.line, i.check, i.severity) for i in issues] == [
        (7, "numbers", "error"),
        (9, "raw-html", "error"),
        (15, "punctuation", "warning"),
    ]
    assert all(isinstance(i, Issue) and i.post == "p" and i.lang == "en" for i in issues)
    assert count_errors(issues) == 2
    assert count_errors(issues[2:]) == 0


def test_issues_to_json_keys():
    data = issues_to_json(check_catalogue(make_po(), post="p", lang="en"))
    assert json.loads(json.dumps(data)) == data
    assert all(list(d) == ["post", "lang", "line", "check", "severity", "message"] for d in data)
    assert data[0] == {
        "post": "p",
        "lang": "en",
        "line": 7,
        "check": "numbers",
        "severity": "error",
        "message": "numbers missing from the translation: 35",
    }


def test_plural_entries_are_checked_per_form():
    po = polib.POFile()
    po.append(
        polib.POEntry(
            msgid="`1` pays",
            msgid_plural="`n` pays",
            msgstr_plural={0: "`1` country", 1: ""},
            occurrences=[("source_posts/p.md", "3")],
        )
    )
    checks = [i.check for i in check_catalogue(po, post="p", lang="en")]
    assert checks == ["empty"]


def test_injection_translation_fails_check():
    """A ``<script>`` or a javascript: link never passes (docs/architecture.md, "QA checks")."""
    for bad in ("Hello <script>alert(1)</script>", "[x](javascript:alert(1))"):
        found = check_entry("Bonjour [x](https://a.org)", bad, kind="paragraph", lang="en")
        assert any(f.severity == "error" and f.check in {"raw-html", "unsafe-url"} for f in found)
