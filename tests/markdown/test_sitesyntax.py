"""Site-generator syntax: the tag scanner, translated parameter values, and the dialect's rules."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from markdown_it import MarkdownIt

from md_strategies import raw_documents
from postloc.config import Extraction
from postloc.markdown.dialect import ENABLED_RULES, PRESET, markdown_parser
from postloc.markdown.sitesyntax.params import masked, requote, translatable_spans
from postloc.markdown.sitesyntax.plugin import BLOCK_TAG, CODE, INLINE_TAG
from postloc.markdown.sitesyntax.scan import MAX_TAG_LENGTH, Param, scan_tag, scan_tags

PARAMS = Extraction().params_for

# -- the scanner -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "syntax", "name"),
    [
        ('{{< figure src="a.png" >}}', "shortcode", "figure"),
        ("{{% note %}}", "shortcode", "note"),
        ("{{% /note %}}", "shortcode", "/note"),
        ('{{< img src="a.png" />}}', "shortcode", "img"),
        ("{{<x>}}", "shortcode", "x"),
        ("{{< dossier/perso >}}", "shortcode", "dossier/perso"),
        ("{{</* figure src=x */>}}", "shortcode", ""),
        ("{{%/* note */%}}", "shortcode", ""),
        ("{% include note.html %}", "liquid", "include"),
        ("{%- if page.x -%}", "liquid", "if"),
        ("{% endraw %}", "liquid", "endraw"),
        ("{{ site.title | upcase }}", "output", ""),
        ("{: .class #id}", "kramdown", ""),
        ("{:#id}", "kramdown", ""),
        ("{:ref: .encadre}", "kramdown", ""),
        ('{::options parse_block_html="true" /}', "kramdown", "::options"),
        ("{::comment}", "kramdown", "::comment"),
        ("{:/comment}", "kramdown", ":/comment"),
        ("{:/}", "kramdown", ":/"),
        ("{#etapes}", "attributes", ""),
        ('{#id .a key="v w" k=v}', "attributes", ""),
        ("{.note}", "attributes", ""),
    ],
)
def test_each_form_is_one_tag(text: str, syntax: str, name: str) -> None:
    tag = scan_tag(f"avant {text} après", 6)
    assert tag is not None
    assert (tag.start, tag.end, tag.syntax, tag.name) == (6, 6 + len(text), syntax, name)


@pytest.mark.parametrize(
    "text",
    [
        "{{< non fermé",
        "{{< x texte {{< y >}}",
        '{{< x "sans fin >}}',
        "{{< >}}",
        "{{% note >}}",
        "{{</* pas fermé */",
        "{% jamais fermé",
        "{{ jamais fermé",
        "{: pas fermé",
        "{: sur\ndeux lignes}",
        "{#}",
        "{# pas un id}",
        "{ texte }",
        "{{< x a=1\n\n b=2 >}}",
        "{texte}",
    ],
)
def test_what_is_not_a_tag(text: str) -> None:
    assert scan_tag(text, 0) is None


def test_hugo_quotes_are_respected_but_not_liquid_ones() -> None:
    text = '{{< x title="a >}} b" >}} suite'
    assert scan_tag(text, 0).end == text.index(" suite")  # type: ignore[union-attr]
    escaped = '{{< x t="un \\"vrai\\" >}}" >}}'
    assert scan_tag(escaped, 0).end == len(escaped)  # type: ignore[union-attr]
    liquid = '{% include x.html content="a %} b" %}'
    assert scan_tag(liquid, 0).end == liquid.index("%}") + 2  # type: ignore[union-attr]


def test_parameters_are_located() -> None:
    text = '{{< figure src="a.png" caption="Le schéma" `brut` 42 alt=`x "y"` >}}'
    tag = scan_tag(text, 0)
    assert tag is not None
    found = [(p.name, text[p.start : p.end], p.quote) for p in tag.params]
    assert found == [
        ("src", "a.png", '"'),
        ("caption", "Le schéma", '"'),
        ("", "brut", "`"),
        ("", "42", ""),
        ("alt", 'x "y"', "`"),
    ]
    liquid = "{% include note.html content=\"Texte\" title='Titre' n=3 %}"
    tag = scan_tag(liquid, 0)
    assert tag is not None
    assert [(p.name, liquid[p.start : p.end], p.quote) for p in tag.params] == [
        ("content", "Texte", '"'),
        ("title", "Titre", "'"),
    ]


def test_a_tag_may_span_lines() -> None:
    text = '{{< figure src="a.png"\n    caption="Légende" >}}\r\n'
    tag = scan_tag(text, 0)
    assert tag is not None and text[tag.end :] == "\r\n"
    assert tag.params[1] == Param("caption", text.index("Légende"), text.index('" >}}'), '"')


def test_an_unclosed_tag_is_looked_for_only_so_far() -> None:
    assert scan_tag("{{ " + "x" * MAX_TAG_LENGTH + " }}", 0) is None
    assert scan_tag("{{ " + "x" * 100 + " }}", 0) is not None


def test_scan_tags_finds_every_tag_left_to_right() -> None:
    text = "a {{< x >}} b {% y %} {{ z }} {: .c} {#d} {e}"
    assert [text[t.start : t.end] for t in scan_tags(text)] == [
        "{{< x >}}",
        "{% y %}",
        "{{ z }}",
        "{: .c}",
        "{#d}",
    ]


def test_many_unclosed_openers_cost_one_pass() -> None:
    for opener in ("{% ", "{{ ", "{{</* ", "{: \\} ", "{{< a "):
        text = opener * 50_000
        start = time.perf_counter()
        assert scan_tags(text) == []
        assert time.perf_counter() - start < 5, opener


# -- translated values -----------------------------------------------------------------


def test_translated_values_are_named_quoted_one_line_and_configurable() -> None:
    text = (
        '{{< figure src="a.png" caption="Le schéma" title=Nu alt="" "Positionnel" >}} '
        '{{< x text="sur\ndeux" >}} {% include y.html title="Titre" %} {{< d summary="Résumé" >}}'
    )
    spans = [text[s:e] for s, e in translatable_spans(text, 0, len(text), PARAMS)]
    assert spans == ["Le schéma", "Titre"]
    rules = Extraction(shortcode_params_by_name=(("d", ("summary",)), ("figure", ())))
    spans = [text[s:e] for s, e in translatable_spans(text, 0, len(text), rules.params_for)]
    assert spans == ["Titre", "Résumé"]


def test_masked_hides_only_translated_values() -> None:
    text = 'Voir {{< figure src="a.png" caption="Le schéma" >}} et {{ x }}.'
    assert masked(text, PARAMS) == 'Voir {{< figure src="a.png" caption="…" >}} et {{ x }}.'


@pytest.mark.parametrize(
    ("value", "quote", "expected"),
    [
        ("The plan", '"', "The plan"),
        ('The "plan"', '"', "The “plan”"),
        ('Un \\"vrai\\" titre', '"', 'Un \\"vrai\\" titre'),
        ("It's", "'", "It’s"),
        ("a `b`", "`", "a 'b'"),
        ("two\nlines", '"', "two lines"),
        ("ends with \\", '"', "ends with "),
        ("100 %} and }}", '"', "100 % } and } }"),
    ],
)
def test_requote_keeps_a_value_inside_its_quotes(value: str, quote: str, expected: str) -> None:
    assert requote(value, quote) == expected
    tag = f"{{{{< x caption={quote}{requote(value, quote)}{quote} >}}}}"
    found = scan_tag(tag, 0)
    assert found is not None and found.end == len(tag)


# -- the dialect's rules ----------------------------------------------------------------


def types(text: str) -> list[str]:
    return [t.type for t in markdown_parser().parse(text)]


def inline_types(text: str) -> list[tuple[str, str]]:
    [_, inline, _] = markdown_parser().parse(text)
    return [(t.type, t.content) for t in inline.children or []]


def test_an_inline_tag_is_one_token_and_code_stays_code() -> None:
    assert inline_types('Un *{{< x a="*b*" >}}* et `{% y %}` fin') == [
        ("text", "Un "),
        ("em_open", ""),
        (INLINE_TAG, '{{< x a="*b*" >}}'),
        ("em_close", ""),
        ("text", " et "),
        ("code_inline", "{% y %}"),
        ("text", " fin"),
    ]


def test_an_inline_raw_pair_is_one_token() -> None:
    assert inline_types("A {% raw %}{{ x }} *y*{% endraw %} b") == [
        ("text", "A "),
        (INLINE_TAG, "{% raw %}{{ x }} *y*{% endraw %}"),
        ("text", " b"),
    ]


def test_attributes_only_end_a_block() -> None:
    assert inline_types("Titre {#id}")[-1] == (INLINE_TAG, "{#id}")
    assert all(t != INLINE_TAG for t, _ in inline_types("Le {#id} au milieu"))
    assert inline_types("un *mot*{: .c} ici")[4] == (INLINE_TAG, "{: .c}")


def test_a_tag_destination_makes_a_link() -> None:
    for destination in (
        '{{< ref "posts/a b.md" >}}',
        '{{< relref "x.md" >}}#partie',
        "{% post_url 2025-08-01-migration %}",
        "{{ '/' | relative_url }}",
        "{{ site.url }}/a",
        '<{{< ref "x" >}}>',
    ):
        children = inline_types(f"Voir [la page]({destination}) ici.")
        assert [t for t, _ in children] == ["text", "link_open", "text", "link_close", "text"]
    tokens = markdown_parser().parse("[r]: {{ site.url }}/x\n\n[lien][r]\n")
    assert tokens[1].children is not None and tokens[1].children[0].type == "link_open"


def test_lines_of_tags_are_blocks_that_interrupt_a_paragraph() -> None:
    text = (
        "Un paragraphe\n{: .lead}\n\n{{% note %}}\nDedans **gras**.\n\n- liste\n{{% /note %}}\n"
        '{{< a >}} {{< b c="d" />}}\n{{< figure src="a.png"\n  caption="x" >}}\n'
    )
    assert types(text) == [
        "paragraph_open",
        "inline",
        "paragraph_close",
        BLOCK_TAG,
        BLOCK_TAG,
        "paragraph_open",
        "inline",
        "paragraph_close",
        "bullet_list_open",
        "list_item_open",
        "paragraph_open",
        "inline",
        "paragraph_close",
        "list_item_close",
        "bullet_list_close",
        BLOCK_TAG,
        BLOCK_TAG,
        BLOCK_TAG,
    ]
    tokens = markdown_parser().parse(text)
    assert [t.map for t in tokens if t.type == BLOCK_TAG] == [
        [1, 2],
        [3, 4],
        [7, 8],
        [8, 9],
        [9, 11],
    ]


def test_a_tag_line_with_text_is_a_paragraph_and_indented_is_code() -> None:
    assert types("{{< x >}} et du texte\n") == ["paragraph_open", "inline", "paragraph_close"]
    assert types("    {{< x >}}\n") == ["code_block"]
    assert types("Texte\n    {: .x}\n") == ["paragraph_open", "inline", "paragraph_close"]
    assert types("> Citation\n{: .x}\n")[-1] == BLOCK_TAG


@pytest.mark.parametrize(
    ("opener", "closer"),
    [
        ("{% highlight ruby %}", "{% endhighlight %}"),
        ("{% raw %}", "{% endraw %}"),
        ("{% codeblock lang:bash %}", "{% endcodeblock %}"),
        ("{% comment %}", "{% endcomment %}"),
        ("{{< highlight go >}}", "{{< /highlight >}}"),
        ('{{< highlight go "linenos=table" >}}', "{{% /highlight %}}"),
        ("{::comment}", "{:/comment}"),
        ("{::nomarkdown}", "{:/}"),
    ],
)
def test_code_between_a_tag_pair(opener: str, closer: str) -> None:
    text = f"Avant.\n\n{opener}\n# pas un titre\n\n* pas une liste\n{closer}\n\nAprès.\n"
    tokens = markdown_parser().parse(text)
    code = [t for t in tokens if t.type == CODE]
    assert [(t.map, t.content) for t in code] == [([2, 7], "# pas un titre\n\n* pas une liste\n")]
    assert types(f"- {opener}\n  code\n  {closer}\n")[2] == CODE


def test_an_unclosed_code_pair_is_a_tag_line() -> None:
    assert types("{% raw %}\nTexte.\n") == [
        BLOCK_TAG,
        "paragraph_open",
        "inline",
        "paragraph_close",
    ]
    assert types("- {% raw %}\n  a\n\n{% endraw %}\n")[2] == BLOCK_TAG


def test_render_shows_tags_as_escaped_text() -> None:
    html = markdown_parser().render(
        'A {{< x a="<b>" >}}\n\n{: .c}\n\n{% raw %}\n<i>\n{% endraw %}\n'
    )
    assert html == (
        "<p>A {{&lt; x a=&quot;&lt;b&gt;&quot; &gt;}}</p>\n<p>{: .c}</p>\n"
        "<pre><code>&lt;i&gt;\n</code></pre>\n"
    )


@settings(max_examples=300, deadline=None)
@given(raw_documents().filter(lambda text: "{" not in text))
def test_text_without_a_brace_parses_as_the_plain_dialect(text: str) -> None:
    plain = MarkdownIt(PRESET).enable(list(ENABLED_RULES))
    assert markdown_parser().render(text) == plain.render(text)
