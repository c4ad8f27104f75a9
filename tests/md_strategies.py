"""Hypothesis strategies for random French-ish Markdown posts (reusable by other tests).

``documents()`` draws a whole post: optional YAML front matter, then blocks
(headings, paragraphs with inline markup, nested lists and quotes, fenced and
indented code, tables, HTML, thematic breaks, link definitions, and site-generator
syntax: Hugo shortcodes inline, on lines of their own, paired around Markdown and
over several lines, Liquid tags and code pairs, kramdown attribute lists, heading ids), and
the Markdown extensions (footnotes, definition lists, task lists, containers, admonitions)
and ``postloc:off`` regions.
With ``single_line=True`` every paragraph-like block fits on one line, which is
the case where export must be byte-identical to the source.
"""

from __future__ import annotations

import re

import yaml
from hypothesis import strategies as st

WORDS = (
    "le", "chat", "été", "déjà", "forêt", "naïve", "cœur", "garçon", "Noël", "à",
    "où", "l'école", "aujourd'hui", "«", "»", "1 000", "3,14", "100 %", "Œuvre",
    "ça", "très", "là-bas", "C'est", "—", "Ÿ", "zoé", "ﬁn", "x²", "2024",
)  # fmt: skip
"""Words that never start a block at the beginning of a line."""

CODE_LINES = (
    "# pas un titre", "* pas une liste", "| a | b |", "x = 1  # commentaire",
    "<div>", "> pas une citation", "---", "    indenté", "print('é')", "",
)  # fmt: skip
"""Code content that would mean something if it were Markdown."""

words = st.sampled_from(WORDS)

LINK_TITLES = ("", ' "titre"', " 'l\\'été'", " (un titre)", ' "1"', ' "un \\"mot\\""', ' "—"')
"""What follows a link's or image's target: nothing, or a title (translated when it has a word)."""


def _phrase(min_size: int = 1, max_size: int = 4) -> st.SearchStrategy[str]:
    return st.lists(words, min_size=min_size, max_size=max_size).map(" ".join)


inline_element = st.one_of(
    words,
    words,
    words,
    _phrase().map(lambda p: f"*{p}*"),
    _phrase().map(lambda p: f"_{p}_"),
    _phrase().map(lambda p: f"**{p}**"),
    _phrase().map(lambda p: f"~~{p}~~"),
    st.sampled_from(("`code`", "`a * b`", "``x ` y``", "`# non`")),
    st.tuples(_phrase(), st.sampled_from(LINK_TITLES)).map(
        lambda t: f"[{t[0]}](https://exemple.fr/page{t[1]})"
    ),
    st.tuples(_phrase(), st.sampled_from(LINK_TITLES)).map(lambda t: f"![{t[0]}](image.png{t[1]})"),
    _phrase().map(lambda p: f"<span>{p}</span>"),
    st.sampled_from(("<https://exemple.fr>", "\\*", "\\_", "&amp;", "&eacute;", "[lien][ref]")),
    st.sampled_from(
        (
            '{{< icon "check" >}}',
            "{{ site.title }}",
            "{% post_url 2024-01-01-billet %}",
            "*mot*{: .note}",
            "{{</* figure */>}}",
            "`{{< pas un shortcode >}}`",
            "`{% raw %}`",
            "{% raw %}{{ page.title }}{% endraw %}",
            '{{< x "a >}} b" >}}',
            "{{< non fermé",
            "{{ '/' | relative_url }}",
        )
    ),
    _phrase().map(lambda p: f'{{{{< abbr title="{p}" >}}}}{p}{{{{< /abbr >}}}}'),
    _phrase().map(lambda p: f"{{{{% note %}}}}{p} **{p}**{{{{% /note %}}}}"),
    _phrase().map(lambda p: f'[{p}]({{{{< ref "posts/x.md" >}}}})'),
    _phrase().map(lambda p: f"[{p}]({{% post_url 2024-01-01-billet %}})"),
    st.sampled_from(("[^1]", "[^note]", "[^absente]")),
)
"""One inline piece: a word, emphasis, code span, link, image, HTML, escape, entity or site tag
(shortcode, Liquid, attribute list; with a translated parameter; as a link destination)."""


def inline_line(max_size: int = 6) -> st.SearchStrategy[str]:
    """One line of inline Markdown that does not start a block."""
    return st.lists(inline_element, min_size=1, max_size=max_size).map(" ".join)


@st.composite
def paragraph(draw: st.DrawFn, single_line: bool) -> list[str]:
    """A paragraph as lines: soft breaks, both kinds of hard break, indented continuations."""
    count = 1 if single_line else draw(st.integers(1, 3))
    lines = [draw(inline_line())]
    for _ in range(count - 1):
        lines[-1] += draw(st.sampled_from(("", "", " ", "  ", "\\")))
        lines.append(draw(st.sampled_from(("", "", "  ", "\t"))) + draw(inline_line()))
    if not single_line and draw(st.integers(0, 4)) == 0:  # a shortcode over two lines
        lines[-1] += ' {{< figure src="a.png"'
        lines.append(f'  caption="{draw(_phrase())}" >}}}} {draw(inline_line(2))}')
    return lines


@st.composite
def heading(draw: st.DrawFn, single_line: bool) -> list[str]:
    if draw(st.booleans()):
        level = draw(st.integers(1, 6))
        closing = draw(st.sampled_from(("", "", " #", " ###", " {#ancre}", " {#id .classe}")))
        return [f"{'#' * level} {draw(inline_line(4))}{closing}"]
    lines = draw(paragraph(single_line))
    return [*lines, draw(st.sampled_from(("===", "---", "======")))]


@st.composite
def fenced_code(draw: st.DrawFn) -> list[str]:
    fence = draw(st.sampled_from(("```", "~~~", "````")))
    info = draw(st.sampled_from(("", "python", "md")))
    body = draw(st.lists(st.sampled_from(CODE_LINES), max_size=4))
    return [fence + info, *body, fence]


@st.composite
def indented_code(draw: st.DrawFn) -> list[str]:
    body = draw(st.lists(st.sampled_from(CODE_LINES[:-1]), min_size=1, max_size=3))
    return ["    " + line for line in body]


@st.composite
def table(draw: st.DrawFn) -> list[str]:
    columns = draw(st.integers(1, 3))
    cell = st.one_of(
        inline_line(3),
        st.just(""),
        st.sampled_from(("a \\| b", "`x \\| y`", "**1 000 €**", "«oui»", '{{< icon "check" >}}')),
    )
    edge = columns == 1 or draw(st.booleans())  # one column without pipes is a setext heading

    def row(cells: list[str]) -> str:
        inner = " | ".join(cells)
        return f"| {inner} |" if edge else inner

    header = draw(st.lists(cell.filter(bool), min_size=columns, max_size=columns))
    aligns = draw(
        st.lists(st.sampled_from(("---", ":--", "--:", ":-:")), min_size=columns, max_size=columns)
    )
    rows = draw(st.lists(st.lists(cell, min_size=columns, max_size=columns), max_size=3))
    return [row(header), row(aligns), *(row(r) for r in rows if edge or any(r))]


TAG_LINES = (
    '{{< figure src="images/a.png" caption="Le schéma" alt="Une image" >}}',
    "{{< youtube w7Ft2ymGmfc >}}",
    '{{< img src="b.png" alt="La plage au matin" />}}',
    "{: .note}",
    "{:.liste #ancre}",
    '{% include note.html content="Les liens restent valides." %}',
    "{{ note.titre }}",
    "{% for note in site.data.notes %}",
    '{{< callout text="Attention : les liens changent." >}} {{< /callout >}}',
)
"""Lines made only of tags: blocks of their own."""


@st.composite
def site_block(draw: st.DrawFn, single_line: bool) -> list[str]:
    """Site syntax as blocks: a tag line, a paired shortcode around Markdown, code between a
    tag pair, an attribute list under a paragraph, a shortcode over two lines."""
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return [draw(st.sampled_from(TAG_LINES))]
    if kind == 1:
        inner = draw(paragraph(single_line))
        name = draw(st.sampled_from(("note", "notice info")))
        end = name.split()[0]
        return [f"{{{{% {name} %}}}}", *inner, f"{{{{% /{end} %}}}}"]
    if kind == 2:
        opener, closer = draw(
            st.sampled_from(
                (
                    ("{% highlight ruby %}", "{% endhighlight %}"),
                    ("{% raw %}", "{% endraw %}"),
                    ("{{< highlight go >}}", "{{< /highlight >}}"),
                    ("{% codeblock lang:bash %}", "{% endcodeblock %}"),
                )
            )
        )
        body = draw(st.lists(st.sampled_from(CODE_LINES), max_size=3))
        return [opener, *body, closer]
    if kind == 3:
        return [*draw(paragraph(single_line)), draw(st.sampled_from(("{: .lead}", "{.note}")))]
    if kind == 4:
        return ['{{< figure src="a.png"', f'    caption="{draw(_phrase())}" >}}}}']
    return [f'{draw(inline_line(3))} {{{{< icon "x" >}}}}']


def _indent(lines: list[str], first: str, rest: str) -> list[str]:
    out = []
    for i, line in enumerate(lines):
        if not line:
            out.append(rest.rstrip() if rest.strip() else "")
        else:
            out.append((first if i == 0 else rest) + line)
    return out


@st.composite
def bullet_list(draw: st.DrawFn, single_line: bool, depth: int) -> list[str]:
    ordered = draw(st.booleans())
    marker = draw(st.sampled_from((".", ")") if ordered else ("-", "*", "+")))
    loose = draw(st.booleans())
    out: list[str] = []
    for number in range(1, draw(st.integers(1, 3)) + 1):
        head = f"{number}{marker} " if ordered else f"{marker} "
        item = draw(paragraph(single_line))
        if depth > 0 and draw(st.booleans()):
            item += ["", *draw(blocks(single_line, depth - 1, max_size=2))]
        if out and loose:
            out.append("")
        out += _indent(item, head, " " * len(head))
    return out


@st.composite
def block_quote(draw: st.DrawFn, single_line: bool, depth: int) -> list[str]:
    inner = (
        draw(blocks(single_line, depth - 1, max_size=3))
        if depth > 0
        else draw(paragraph(single_line))
    )
    indented = any(line[:1] in (" ", "\t") for line in inner)
    # ">" eats one following space: without its own space it would shift indented code.
    marker = "> " if indented else draw(st.sampled_from(("> ", ">")))
    return [f"{marker}{line}" if line else ">" for line in inner]


@st.composite
def block(draw: st.DrawFn, single_line: bool, depth: int) -> list[str]:
    options = [
        paragraph(single_line),
        paragraph(single_line),
        heading(single_line),
        fenced_code(),
        indented_code(),
        table(),
        st.just(["***"]),
        st.just(['<div class="note">', "*pas du Markdown*", "</div>"]),
        st.sampled_from(
            (
                ['[ref]: https://exemple.fr/ref "Référence"'],
                ["[ref]: https://exemple.fr/ref 'La forêt'"],
                ["[ref]:", "  https://exemple.fr/ref", '  "Titre sur', '  deux lignes"'],
                ["[ref]: https://exemple.fr/ref (2024)"],
            )
        ).map(list),
        st.just(["![une image seule](photo.jpg)"]),
        site_block(single_line),
        extension_block(single_line),
    ]
    if depth > 0:
        options += [bullet_list(single_line, depth - 1), block_quote(single_line, depth - 1)]
        options.append(container(single_line, depth - 1))
    return draw(st.one_of(*options))


@st.composite
def extension_block(draw: st.DrawFn, single_line: bool) -> list[str]:
    """A footnote definition, a definition list, a task list, an admonition or a region
    excluded by ``postloc:off`` (:mod:`postloc.markdown.extensions`, ``regions``)."""
    kind = draw(st.sampled_from(("footnote", "deflist", "tasks", "admonition", "off")))
    if kind == "footnote":
        label = draw(st.sampled_from(("1", "note", "2")))
        return _indent(draw(paragraph(single_line)), f"[^{label}]: ", "    ")
    if kind == "deflist":
        out = [draw(inline_line(3))]
        for _ in range(draw(st.integers(1, 2))):
            marker = draw(st.sampled_from((": ", "~ ")))
            out += _indent(draw(paragraph(single_line)), marker, "  ")
        return out
    if kind == "tasks":
        out = []
        for _ in range(draw(st.integers(1, 3))):
            box = draw(st.sampled_from(("[ ] ", "[x] ", "[X] ")))
            out += _indent(draw(paragraph(single_line)), "- " + box, "  ")
        return out
    if kind == "admonition":
        head = draw(
            st.sampled_from(
                (
                    "!!! note",
                    "??? tip",
                    '!!! warning "Attention"',
                    '???+ info "Le « titre » déplié"',
                    "!!! tip Bon à savoir",
                    '!!! note ""',
                )
            )
        )
        return [head, *_indent(draw(paragraph(single_line)), "    ", "    ")]
    marker = draw(st.sampled_from(("postloc", "translate")))
    return [f"<!-- {marker}:off -->", *draw(paragraph(single_line)), f"<!-- {marker}:on -->"]


@st.composite
def container(draw: st.DrawFn, single_line: bool, depth: int) -> list[str]:
    """A ``::: name`` container around blocks."""
    name = draw(st.sampled_from(("note", "warning Titre", "details", "tip Un « titre » cité")))
    return [f"::: {name}", *draw(blocks(single_line, depth, max_size=2)), ":::"]


@st.composite
def blocks(draw: st.DrawFn, single_line: bool, depth: int = 2, max_size: int = 6) -> list[str]:
    """Blocks separated by blank lines, as a list of lines (no line endings)."""
    drawn = draw(st.lists(block(single_line, depth), min_size=1, max_size=max_size))
    out: list[str] = []
    for lines in drawn:
        if out:
            out.append("")
        out += lines
    return out


TITLES = st.sampled_from(
    (
        "Un titre simple",
        "Titre : avec deux-points",
        '"Entre guillemets" et plus',
        "L'été à Montréal — 2024 #1",
        "yes",
        "3.14",
        "- tiret en tête",
        "Émoji 🎉 et «chevrons»",
    )
)


def _plain_ok(value: str) -> bool:
    try:
        return bool(yaml.safe_load(f"t: {value}") == {"t": value})
    except yaml.YAMLError:
        return False


@st.composite
def front_matter(draw: st.DrawFn) -> list[str]:
    """YAML front matter lines with strings that need quoting, lists, dates and comments."""
    title = draw(TITLES)
    style = draw(st.sampled_from(("plain", "double", "single")))
    if style == "plain" and _plain_ok(title):
        title_src = title
    elif style == "double":
        title_src = '"' + title.replace("\\", "\\\\").replace('"', '\\"') + '"'
    else:
        title_src = "'" + title.replace("'", "''") + "'"
    lines = ["---", f"title: {title_src}", "date: 2024-03-01"]
    if draw(st.booleans()):
        lines += ["description: >", "  Une description", "  sur deux lignes."]
    if draw(st.booleans()):
        lines += ["tags: [voyage, été]", "# un commentaire", "draft: false"]
    if draw(st.booleans()):
        lines += ["summary: Résumé court", "lang: fr"]
    return [*lines, "---"]


@st.composite
def documents(draw: st.DrawFn, single_line: bool = False, allow_crlf: bool = True) -> str:
    """A whole post as text; ``single_line`` keeps every paragraph-like block on one line."""
    lines = draw(front_matter()) if draw(st.booleans()) else []
    lines += draw(blocks(single_line))
    newline = draw(st.sampled_from(("\n", "\r\n"))) if allow_crlf else "\n"
    ending = draw(st.sampled_from((newline, "")))
    return newline.join(lines) + ending


RAW_PIECES = (
    *"ab é*_`#|\\[]()!<>-+=.1:\t\"'~",
    *("\n", "\n", "\n\n", "\r\n", "\r", "  \n", "\\\n", "\xa0", "\u2003", "\u2028", "\x85"),
    *("> ", "- ", "1. ", "\n1) ", "* ", "**", "__", "    ", "\n    ", "\n\t", "```", "\n~~~\n"),
    *("](x)", "![", "![i](j)", "<span>", "</span>", "<div>\n", "&amp;", "[x]: y"),
    *("| a | b |\n|---|:-:|\n", "\n| x |", " \\| ", "|---|", "\n===", "\n---", "\n# ", " ##"),
    *("{{< ", " >}}", "{{% ", " %}}", "/>}}", "{% ", " %}", "{{", "}}", "{", "}", "{: .x}"),
    *(" {#id}", '"', "{% raw %}", "{% endraw %}", '{{< f c="a', '{{< x t="y" >}}', "{{</* "),
)
"""Fragments that collide in odd ways: containers, breaks, pipes, exotic spaces, site tags
cut in pieces."""

_FRONT_MATTER_START = re.compile(r"---|[ \t\r\n]*(?:\+\+\+|\{[ \t\r\n]*[\"}])")
"""What opens front matter (YAML, TOML, JSON) at a post's start."""


def raw_documents(max_pieces: int = 60) -> st.SearchStrategy[str]:
    """Adversarial Markdown glued from :data:`RAW_PIECES` (no front matter)."""
    return (
        st.lists(st.sampled_from(RAW_PIECES), max_size=max_pieces)
        .map("".join)
        .filter(lambda text: not _FRONT_MATTER_START.match(text))
    )
