"""Markup protection: engines see words only, and their output comes back in the author's syntax."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from md_strategies import inline_line
from postloc.config import Extraction
from postloc.mt.markup.protection import Protected, Restored, protect, restore
from postloc.mt.markup.skeleton import Atom

SAMPLE = (
    'La capitale a réuni **35 pays** — voir [le rapport](https://ex.org/r "Titre") et '
    '`make bench` <span class="x">ici</span>.'
)
SECRETS = ("https://", "ex.org", "make bench", 'class="x"', "span")

WORDS = st.sampled_from(
    ["été", "Paris", "coalition", "à", "l'homme", "Noël", "1 000,5", "35", "ça", "déjà-vu", "x"]
)


def _wrapped(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        inner.map(lambda s: f"**{s}**"),
        inner.map(lambda s: f"*{s}*"),
        inner.map(lambda s: f"_{s}_"),
        inner.map(lambda s: f"__{s}__"),
        inner.map(lambda s: f"~~{s}~~"),
        inner.map(lambda s: f'[{s}](http://u.org/p?a=1&b=2 "T {s}")'),
        inner.map(lambda s: f"[{s}][ref]"),
        inner.map(lambda s: f"[{s}]"),
    )


ATOMS = st.one_of(
    WORDS.map(lambda w: f"`code {w}`"),
    WORDS.map(lambda w: f"![{w}](img/p.png)"),
    st.sampled_from(
        [
            '<span class="x">',
            "</span>",
            "<https://x.org/a?b=1>",
            "\\*",
            "\\_",
            "&amp;",
            "&nbsp;",
            "&",
            "<",
            ">",
            '"',
            "⟦",
            "⟧",
            "⟦1⟧",
            "*",
            "_",
            "  \n",
            "\\\n",
            "\n",
            "``a ` b``",
            "[",
            "]",
            "(",
            '{{< icon "check" >}}',
            '{{< figure src="a.png" caption="Le schéma" >}}',
            "{{% note %}}",
            "{{% /note %}}",
            "{% post_url 2025-08-01-x %}",
            "{{ site.title }}",
            "{: .accent}",
            "{{</* figure */>}}",
            "{{< non fermé",
            "%}",
            '{{< b h="/c/"\n  text="Écrivez" >}}',
        ]
    ),
    WORDS.map(lambda w: f'[{w}]({{{{< ref "a b.md" >}}}})'),
    WORDS.map(lambda w: f'{{{{< abbr title="{w}" >}}}}'),
)
PIECE = st.recursive(st.one_of(WORDS, ATOMS), _wrapped, max_leaves=6)
SEPARATOR = st.sampled_from(["", " ", " ", "  "])
INLINE = st.lists(st.tuples(PIECE, SEPARATOR), max_size=8).map(
    lambda parts: "".join(p + s for p, s in parts)
)


@pytest.mark.parametrize("style", ["html", "plain"])
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=INLINE)
def test_identity_engine_round_trips_exactly(style: str, text: str) -> None:
    protected = protect(text, style)  # type: ignore[arg-type]
    restored = restore(protected, protected.engine_text)
    assert restored.text == text
    assert not restored.damaged, restored.problems
    assert not any(isinstance(n, Atom) and n.kind == "unparsed" for n in protected.nodes)


@pytest.mark.parametrize("style", ["html", "plain"])
@settings(max_examples=150, deadline=None)
@given(text=inline_line(max_size=10))
def test_identity_round_trip_on_the_shared_post_strategies(style: str, text: str) -> None:
    protected = protect(text, style)  # type: ignore[arg-type]
    restored = restore(protected, protected.engine_text)
    assert (restored.text, restored.problems) == (text, ())


@pytest.mark.parametrize("style", ["html", "plain"])
def test_engine_never_sees_targets_code_or_attributes(style: str) -> None:
    engine_text = protect(SAMPLE, style).engine_text  # type: ignore[arg-type]
    for secret in SECRETS:
        assert secret not in engine_text
    assert "35 pays" in engine_text and "le rapport" in engine_text and "ici" in engine_text
    assert engine_text.endswith(("⟦3⟧Titre⟦4⟧", '<q id="3">Titre</q>'))  # a text of its own


def test_html_rendering_uses_ids_and_empty_code_placeholders() -> None:
    text = "a **b** _c_ ~~d~~ [e](u) `f` &amp; <https://x>"
    assert protect(text, "html").engine_text == (
        'a <b id="1">b</b> <i id="2">c</i> <s id="3">d</s> <a id="4">e</a> '
        '<code id="5"></code> <code id="6"></code> <code id="7"></code>'
    )


def test_html_escapes_text_and_restores_it() -> None:
    protected = protect("3 < 4 & 5 > 2", "html")
    assert protected.engine_text == "3 &lt; 4 &amp; 5 &gt; 2"
    assert restore(protected, "3 &lt; 4 &amp;amp; 5 &gt; 2").text == "3 < 4 &amp; 5 > 2"


def test_plain_keeps_delimiters_and_hides_targets() -> None:
    protected = protect('**a** [b](http://u "T") [c][r] [d] `e`', "plain")
    assert protected.engine_text == "**a** [b]⟦2⟧ [c]⟦5⟧ [d] ⟦6⟧ ⟦3⟧T⟦4⟧"


def _upper_html(engine_text: str) -> str:
    """A fake engine: uppercases the words, leaves tags alone."""
    parts = re.split(r"(<[^>]*>)", engine_text)
    return "".join(
        p if p.startswith("<") else html.escape(html.unescape(p).upper(), quote=False)
        for p in parts
    )


def _upper_plain(engine_text: str) -> str:
    return engine_text.upper()


@pytest.mark.parametrize(("style", "engine"), [("html", _upper_html), ("plain", _upper_plain)])
def test_translating_engine_keeps_targets_code_and_delimiters(style: str, engine: object) -> None:
    protected = protect(SAMPLE + " __Sûr__ &amp; *fin*", style)  # type: ignore[arg-type]
    restored = restore(protected, engine(protected.engine_text))  # type: ignore[operator]
    assert restored.text == (
        'LA CAPITALE A RÉUNI **35 PAYS** — VOIR [LE RAPPORT](https://ex.org/r "TITRE") ET '
        '`make bench` <span class="x">ICI</span>. __SÛR__ &amp; *FIN*'
    )
    assert not restored.damaged


def test_html_reordered_tags_keep_their_own_targets() -> None:
    protected = protect("voir [un](http://1) puis [deux](http://2) `x`", "html")
    output = '<code id="3"></code> puis <a id="2">DEUX</a> voir <a id="1">UN</a>'
    restored = restore(protected, output)
    assert restored.text == "`x` puis [DEUX](http://2) voir [UN](http://1)"
    assert not restored.damaged


def test_html_rejoins_fragments_apertium_splits_nested_markup_into() -> None:
    protected = protect("Le **chat *noir* de la maison** et [le *grand* rapport](u)", "html")
    output = (
        'El <b id="1">gato</b> <b id="1"><i id="2">negro</i></b> <b id="1">de la casa</b> y '
        '<a id="3">el</a> <a id="3"><i id="4">gran</i></a> <a id="3">informe</a>'
    )
    restored = restore(protected, output)
    assert restored.text == "El **gato *negro* de la casa** y [el *gran* informe](u)"
    assert not restored.damaged


def test_spaces_an_engine_puts_inside_emphasis_move_outside() -> None:
    protected = protect("le **chat** noir", "html")
    assert restore(protected, 'el<b id="1"> gato </b>negro').text == "el **gato** negro"


def test_outer_whitespace_is_the_sources() -> None:
    protected = protect("  Le chat ", "html")
    assert restore(protected, "El gato").text == "  El gato "


def test_dropped_placeholder_is_reported_not_reappended() -> None:
    protected = protect("le `x` et **gras** [lien](http://u)", "html")
    restored = restore(protected, 'el y <b id="2">negrita</b> <a id="3">enlace</a>')
    assert restored.damaged
    assert "lost inline code `x`" in restored.problems
    assert restored.text == "el y **negrita** [enlace](http://u)"


def test_dropped_tag_is_reported_and_text_kept() -> None:
    protected = protect("le **chat** [lien](http://u)", "html")
    restored = restore(protected, "el gato enlace")
    assert restored.text == "el gato enlace"
    assert "lost strong emphasis **…**" in restored.problems
    assert "lost link […](http://u)" in restored.problems


def test_duplicated_placeholder_is_kept_once_and_reported() -> None:
    protected = protect("a `x` b", "html")
    restored = restore(protected, 'a <code id="1"></code> b <code id="1"></code>')
    assert restored.text == "a `x` b"
    assert restored.problems[0] == "duplicated inline code `x`"


def test_mangled_html_tag_leaves_no_half_placeholder() -> None:
    protected = protect("a `x` b", "html")
    restored = restore(protected, 'a <code id="1" b')
    assert restored.damaged
    assert "<" not in restored.text and "code" not in restored.text


def test_unknown_and_stray_tags_are_reported() -> None:
    protected = protect("a **b**", "html")
    restored = restore(protected, 'a <b id="1">b</b></i><u>c</u><b id="9">d</b>')
    assert restored.text == "a **b**cd"
    assert {"stray tag </i>", "unexpected tag <u>", "unexpected tag <b>"} <= set(restored.problems)


def test_plain_lost_delimiters_and_placeholders_are_reported() -> None:
    protected = protect("le **chat** `x` [lien](http://u)", "plain")
    restored = restore(protected, "the cat [link]⟦3⟧")
    assert restored.text == "the cat [link](http://u)"
    assert "lost inline code `x`" in restored.problems
    assert "lost strong emphasis **…**" in restored.problems


@pytest.mark.parametrize("output", ["a ⟦1 b", "a 1⟧ b", "a ⟦ b", "a ⟦9⟧ b ⟦1⟧ ⟦1⟧"])
def test_plain_half_or_foreign_placeholders_never_survive(output: str) -> None:
    protected = protect("a `x` b", "plain")
    restored = restore(protected, output)
    assert restored.damaged
    assert "⟦" not in restored.text and "⟧" not in restored.text


def test_plain_placeholders_with_inserted_spaces_are_accepted() -> None:
    protected = protect("voir `x`", "plain")
    assert restore(protected, "see ⟦ 1 ⟧").text == "see `x`"


def test_markup_created_by_the_engine_is_flagged() -> None:
    protected = protect("cinq fois trois", "plain")
    restored = restore(protected, "five *times* three")
    assert restored.damaged and restored.problems == ("unexpected emphasis *…*",)


def test_protected_is_a_frozen_value() -> None:
    protected = protect("a", "html")
    assert isinstance(protected, Protected)
    with pytest.raises(AttributeError):
        protected.engine_text = "b"  # type: ignore[misc]


def test_brackets_an_engine_adds_are_not_links() -> None:
    protected = protect("a ~~b~~ c", "html")
    restored = restore(protected, '[à <s id="1">ƀ</s> ç ~]')
    assert restored.text == "[à ~~ƀ~~ ç ~]"
    assert not restored.damaged


# -- site tags and images ----------------------------------------------------------------

SITE = (
    'Voir la [FAQ]({{< ref "posts/faq.md" >}}) et le {{< abbr title="Langage de balisage" >}}'
    "HTML{{< /abbr >}}, {% post_url 2025-08-01-migration %}, {{ site.title }}, *mot*{: .accent}, "
    '{{% note %}}Texte **gras**{{% /note %}} et ![le logo de Hugo](images/logo.png "Le logo").'
)
MARKERS = ("{{<", "{{%", "{%", "{:", "}}", "%}", "images/logo.png", "posts/faq")


@pytest.mark.parametrize("style", ["html", "plain"])
def test_engines_never_see_site_tags_or_image_paths(style: str) -> None:
    protected = protect(SITE, style)  # type: ignore[arg-type]
    for marker in MARKERS:
        assert marker not in protected.engine_text
    words_seen = (
        "FAQ",
        "Langage de balisage",
        "HTML",
        "Texte",
        "gras",
        "le logo de Hugo",
        "Le logo",
    )
    for words in words_seen:
        assert words in protected.engine_text
    assert restore(protected, protected.engine_text) == Restored(SITE, False)


def test_html_rendering_of_tags_values_and_images() -> None:
    text = 'a {{< x text="Un mot" >}}b{{< /x >}} ![alt](p.png) {: .c}'
    assert protect(text, "html").engine_text == (
        'a <code id="1"></code>Un mot<code id="2"></code>b<code id="3"></code> '
        '<span id="4">alt</span> <code id="5"></code>'
    )
    assert protect(text, "plain").engine_text == "a ⟦1⟧Un mot⟦2⟧b⟦3⟧ ![alt]⟦4⟧ ⟦5⟧"


@pytest.mark.parametrize(("style", "engine"), [("html", _upper_html), ("plain", _upper_plain)])
def test_translating_engine_keeps_every_tag_byte_for_byte(style: str, engine: object) -> None:
    restored = restore(protect(SITE, style), engine(protect(SITE, style).engine_text))  # type: ignore[arg-type, operator]
    assert restored.text == (
        'VOIR LA [FAQ]({{< ref "posts/faq.md" >}}) ET LE {{< abbr title="LANGAGE DE BALISAGE" >}}'
        "HTML{{< /abbr >}}, {% post_url 2025-08-01-migration %}, {{ site.title }}, "
        "*MOT*{: .accent}, {{% note %}}TEXTE **GRAS**{{% /note %}} ET "
        '![LE LOGO DE HUGO](images/logo.png "LE LOGO").'
    )
    assert not restored.damaged


@pytest.mark.parametrize("style", ["html", "plain"])
def test_a_translated_value_stays_inside_its_quotes(style: str) -> None:
    protected = protect('Le {{< abbr title="Un « vrai » titre" >}}x{{< /abbr >}}.', style)  # type: ignore[arg-type]
    output = protected.engine_text.replace("Un « vrai » titre", 'A "real"\ntitle %}')
    restored = restore(protected, output.replace("Le", "The"))
    assert restored.text == 'The {{< abbr title="A “real” title % }" >}}x{{< /abbr >}}.'
    assert not restored.damaged


def test_translated_parameters_follow_the_rules() -> None:
    text = '{{< details summary="Cliquez ici" >}} et {{< figure caption="Légende" >}}'
    assert "Cliquez" not in protect(text, "html").engine_text
    rules = Extraction(shortcode_params_by_name=(("details", ("summary",)), ("figure", ())))
    protected = protect(text, "html", rules)
    assert "Cliquez ici" in protected.engine_text and "Légende" not in protected.engine_text
    restored = restore(protected, protected.engine_text.replace("Cliquez ici", "Click here"))
    assert (
        restored.text == '{{< details summary="Click here" >}} et {{< figure caption="Légende" >}}'
    )


@pytest.mark.parametrize("style", ["html", "plain"])
def test_a_final_heading_id_is_kept_out_and_put_back_last(style: str) -> None:
    protected = protect("Les étapes {#etapes .important}", style)  # type: ignore[arg-type]
    assert protected.engine_text == "Les étapes"
    restored = restore(protected, "[The steps.]")
    assert (restored.text, restored.damaged) == ("[The steps.] {#etapes .important}", False)


@pytest.mark.parametrize(
    ("style", "output", "problem"),
    [
        ("html", 'see <code id="1"></code>', "lost site tag {{< /x >}}"),
        ("plain", "see ⟦1⟧", "lost site tag {{< /x >}}"),
        ("plain", "see ⟦1⟧ ⟦2⟧ ⟦2⟧", "duplicated site tag {{< /x >}}"),
    ],
)
def test_a_lost_or_doubled_tag_is_damage(style: str, output: str, problem: str) -> None:
    protected = protect("voir {{< x >}}{{< /x >}}", style)  # type: ignore[arg-type]
    restored = restore(protected, output)
    assert restored.damaged and problem in restored.problems


@pytest.mark.parametrize("style", ["html", "plain"])
def test_an_image_whose_alt_text_an_engine_drops_is_damage(style: str) -> None:
    protected = protect("Une ![image](p.png) ici", style)  # type: ignore[arg-type]
    restored = restore(protected, "An here")
    assert restored.damaged and "lost image ![…](p.png)" in restored.problems


def test_an_unclosed_tag_is_text_but_its_opener_is_hidden() -> None:
    protected = protect("Un {{< jamais fermé et %} ici", "plain")
    assert protected.engine_text == "Un ⟦1⟧ jamais fermé et ⟦2⟧ ici"
    assert restore(protected, "A ⟦1⟧ never closed and ⟦2⟧ here").text == (
        "A {{< never closed and %} here"
    )


def test_text_that_would_not_rebuild_exactly_is_kept_and_flagged() -> None:
    protected = protect("a\r\nb **c**", "html")  # markdown-it normalises the line ending
    assert protected.engine_text == '<code id="1"></code>'
    restored = restore(protected, '<code id="1"></code>')
    assert restored.text == "a\r\nb **c**"
    assert restored.problems == ("markup not understood; text kept untranslated",)
