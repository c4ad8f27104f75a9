"""An engine's output read back against the skeleton: Markdown restored, damage reported.

Engines lose, duplicate, split and invent markup. Reading their output back is the most
intricate part of markup protection, so it lives here: placeholders and tags are matched to the
skeleton's pieces by id, each piece is put back in the author's syntax, and every
discrepancy becomes a problem string; nothing is guessed or half-restored. Link and image
titles are read first (they follow the text: :mod:`postloc.mt.markup.render`), and each goes
back between its delimiters, escaped for them; a lost one keeps its source text.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from postloc.markdown.sitesyntax.params import requote
from postloc.markdown.titles import escaped_title
from postloc.mt.markup.render import HTML_TAGS, TITLE_TAG
from postloc.mt.markup.skeleton import (
    BRACKETED,
    Atom,
    Node,
    Span,
    Title,
    pieces_by_id,
    titles_of,
    value_quote,
)

LABELS = {
    "em": "emphasis",
    "strong": "strong emphasis",
    "s": "strikethrough",
    "link": "link",
    "code": "inline code",
    "html": "inline HTML",
    "autolink": "autolink",
    "image": "image",
    "escape": "escaped character",
    "entity": "entity",
    "break": "line break",
    "bracket": "bracket",
    "tag": "site tag",
    "url": "web address",
    "footnote": "footnote reference",
    "email": "e-mail address",
    "unparsed": "markup not understood; text kept untranslated",
}
"""How problems name each kind of piece."""

_PLACEHOLDER = re.compile(r"⟦\s*(\d+)\s*⟧")
_HALF_PLACEHOLDER = re.compile(r"⟦\s*\d*|\d*⟧")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)([^<>]*?)(/?)>")
_TAG_ID = re.compile(r"""\bid\s*=\s*["']?(\d+)""")
_BROKEN_TAG = re.compile(r"</?[A-Za-z][^<>]*>?")
_WORD = re.compile(r"\w")


def restore_plain(nodes: Sequence[Node], output: str, problems: list[str]) -> str:
    """Markdown from output of the ``plain`` rendering; what went wrong goes to ``problems``."""
    output, titles = _plain_titles(nodes, output, problems)
    pieces = pieces_by_id(nodes)
    seen: set[int] = set()
    out = []
    position = 0
    quote: str | None = None  # the text after a tag's part ending in a quote is its value
    for match in _PLACEHOLDER.finditer(output):
        out.append(
            _value(_without_half_placeholders(output[position : match.start()], problems), quote)
        )
        position = match.end()
        piece = pieces.get(int(match.group(1)))
        quote = None
        if piece is None or (isinstance(piece, Span) and piece.kind not in BRACKETED):
            problems.append(f"mangled placeholder {match.group(0)}")
        elif piece.id in seen:
            problems.append(f"duplicated {_describe(piece)}")
        else:
            seen.add(piece.id)
            out.append(piece.source if isinstance(piece, Atom) else _end(piece, titles)[1:])
            quote = value_quote(piece) if isinstance(piece, Atom) else None
    out.append(_value(_without_half_placeholders(output[position:], problems), quote))
    for piece in pieces.values():
        expected = isinstance(piece, Atom) or (piece.kind in BRACKETED and piece.closing[1:])
        if expected and piece.id not in seen:
            problems.append(f"lost {_describe(piece)}")
    return "".join(out)


def _plain_titles(
    nodes: Sequence[Node], output: str, problems: list[str]
) -> tuple[str, dict[int, str]]:
    """The engine's output without the titles after the text (``⟦N⟧Titre⟦M⟧``), and each
    title's translation by id."""
    found: dict[int, str] = {}
    cuts: list[tuple[int, int]] = []
    marks = {int(m.group(1)): m for m in _PLACEHOLDER.finditer(output)}
    for _span, title in titles_of(nodes):
        if not title.translated:
            continue
        opening, closing = marks.get(title.id), marks.get(title.end_id)
        if opening is None or closing is None or opening.end() > closing.start():
            problems.append(f"lost {_title_name(title)}")
            continue
        found[title.id] = output[opening.end() : closing.start()]
        cuts.append((opening.start(), closing.end()))
    for start, end in sorted(cuts, reverse=True):
        output = output[:start] + output[end:]
    return output, found


def _end(span: Span, titles: dict[int, str]) -> str:
    """A span's source after its content, its title translated when ``titles`` has it."""
    title = span.title
    if title is None:
        return span.closing
    text = titles.get(title.id, "").strip()
    same = not text or text == title.text.strip()
    written = title.text if same else escaped_title(text, span.closing[-1])
    return span.closing + written + title.closing


def _title_name(title: Title) -> str:
    return f'link title "{title.text}"'


def _value(text: str, quote: str | None) -> str:
    """Engine text, made safe between a tag's quotes when it is a parameter value."""
    return text if quote is None else requote(text, quote)


def _without_half_placeholders(text: str, problems: list[str]) -> str:
    if _HALF_PLACEHOLDER.search(text):
        problems.append("mangled placeholder")
        return _HALF_PLACEHOLDER.sub("", text)
    return text


@dataclass(slots=True)
class _Element:
    """A tag of the engine's output while it is being read back (mutable builder)."""

    tag: str
    id: int | None
    children: list[_Element | str] = field(default_factory=list)


def _read_html(output: str, problems: list[str]) -> list[_Element | str]:
    """Tolerantly nest the engine's HTML: stray closers are dropped, unclosed tags end here."""
    root = _Element("", None)
    stack = [root]
    position = 0
    for match in _TAG.finditer(output):
        _add_text(stack[-1], output[position : match.start()], problems)
        position = match.end()
        closing, tag, attributes, empty = match.groups()
        tag = tag.lower()
        if closing:
            depth = next((d for d in range(len(stack) - 1, 0, -1) if stack[d].tag == tag), 0)
            if depth:
                del stack[depth:]
            else:
                problems.append(f"stray tag </{tag}>")
            continue
        found = _TAG_ID.search(attributes)
        element = _Element(tag, int(found.group(1)) if found else None)
        stack[-1].children.append(element)
        if not empty:
            stack.append(element)
    _add_text(stack[-1], output[position:], problems)
    if len(stack) > 1:
        problems.append(f"unclosed tag <{stack[-1].tag}>")
    return root.children


def _add_text(parent: _Element, raw: str, problems: list[str]) -> None:
    if _BROKEN_TAG.search(raw):
        problems.append("mangled tag")
        raw = _BROKEN_TAG.sub("", raw)
    if raw:
        parent.children.append(html.unescape(raw))


def restore_html(nodes: Sequence[Node], output: str, problems: list[str]) -> str:
    """Markdown from output of the ``html`` rendering; what went wrong goes to ``problems``."""
    pieces = pieces_by_id(nodes)
    seen: set[int] = set()
    items = _read_html(output, problems)
    wanted = {title.id: title for _span, title in titles_of(nodes) if title.translated}
    titles: dict[int, str] = {}
    items = _without_titles(items, wanted, titles)
    problems.extend(f"lost {_title_name(wanted[n])}" for n in sorted(wanted.keys() - titles))
    text = _markdown_from_html(items, pieces, seen, problems, titles)
    problems.extend(f"lost {_describe(pieces[n])}" for n in sorted(pieces.keys() - seen))
    return text


def _without_titles(
    items: list[_Element | str], wanted: dict[int, Title], titles: dict[int, str]
) -> list[_Element | str]:
    """``items`` without the title elements (``<q id=N>``, wherever the engine put them);
    the text of each goes to ``titles`` by id (the first one, if an engine repeated it)."""
    kept: list[_Element | str] = []
    for item in items:
        if isinstance(item, str):
            kept.append(item)
        elif item.tag == TITLE_TAG and item.id in wanted:
            titles.setdefault(item.id, _text_of(item))
        else:
            item.children = _without_titles(item.children, wanted, titles)
            kept.append(item)
    return kept


def _text_of(element: _Element) -> str:
    return "".join(c if isinstance(c, str) else _text_of(c) for c in element.children)


def _join_fragments(items: list[_Element | str]) -> list[_Element | str]:
    """Re-join same-id elements separated only by spaces or punctuation: Apertium splits an
    element around nested markup and compounds (``<b>aquí</b>-<b>debajo</b>``)."""
    joined: list[_Element | str] = []
    for item in items:
        if isinstance(item, _Element) and item.id is not None and item.tag != "code":
            last = len(joined) - 1
            gap = joined[last] if last >= 0 and isinstance(joined[last], str) else ""
            if isinstance(gap, str) and gap and not _WORD.search(gap):
                last -= 1
            else:
                gap = ""
            previous = joined[last] if last >= 0 else None
            if isinstance(previous, _Element) and (previous.tag, previous.id) == (
                item.tag,
                item.id,
            ):
                del joined[last + 1 :]
                previous.children.extend([gap, *item.children] if gap else item.children)
                continue
        joined.append(item)
    return joined


def _markdown_from_html(
    items: list[_Element | str],
    pieces: dict[int, Atom | Span],
    seen: set[int],
    problems: list[str],
    titles: dict[int, str],
) -> str:
    out = []
    quote: str | None = None  # the text after a tag's part ending in a quote is its value
    for item in _join_fragments(items):
        if isinstance(item, str):
            out.append(_value(item, quote))
            quote = None
            continue
        quote = None
        inner = _markdown_from_html(item.children, pieces, seen, problems, titles)
        piece = pieces.get(item.id) if item.id is not None else None
        if isinstance(piece, Atom) and item.tag == "code":
            if piece.id in seen:
                problems.append(f"duplicated {_describe(piece)}")
            else:
                out.append(piece.source)
                quote = value_quote(piece)
            if inner:
                problems.append(f"text inside placeholder for {_describe(piece)}")
            out.append(inner)
        elif isinstance(piece, Span) and item.tag == HTML_TAGS[piece.kind]:
            if piece.id in seen:
                problems.append(f"split {_describe(piece)}")
            out.append(_wrap(piece, inner, titles))
        else:
            problems.append(f"unexpected tag <{item.tag}>")
            out.append(inner)
        if piece is not None:
            seen.add(piece.id)
    return "".join(out)


def _wrap(span: Span, inner: str, titles: dict[int, str]) -> str:
    """Delimiters around translated content; spaces an engine left inside emphasis go
    outside, where they do not stop ``**`` from being emphasis."""
    if span.kind == "link":
        return span.opening + inner + _end(span, titles)
    core = inner.strip()
    if not core:
        return inner
    start = inner.index(core)
    end = _end(span, titles)
    return inner[:start] + span.opening + core + end + inner[start + len(core) :]


def same_outer_whitespace(source: str, text: str) -> str:
    """Engines trim or double the spaces around a segment; the source's are the right ones."""
    core = source.strip()
    if not core:
        return source
    lead = source[: source.index(core)]
    return lead + text.strip() + source[len(lead) + len(core) :]


def structure_problems(before: Sequence[Node], after: Sequence[Node]) -> list[str]:
    """Compare the Markdown structure of source and result: catches delimiters a plain-text
    engine dropped and markup that characters an engine wrote would create."""
    if any(isinstance(node, Atom) and node.kind == "unparsed" for node in after):
        return ["the restored Markdown cannot be parsed"]
    expected, found = _census(before), _census(after)
    problems = []
    for key in sorted(expected.keys() | found.keys()):
        wanted, got = expected[key], found[key]
        if not got:
            problems.append(f"lost {_name(*key)}")
        elif not wanted:
            problems.append(f"unexpected {_name(*key)}")
        elif got != wanted:
            problems.append(f"{_name(*key)} appears {got} times, not {wanted}")
    return problems


def _census(nodes: Sequence[Node]) -> Counter[tuple[str, str, str]]:
    """How often each kind of markup occurs. Brackets count as text: a literal ``⟦``, and a
    ``[shortcut]`` that is only a link if the post defines it (engines add brackets too)."""
    return Counter(
        (node.kind, node.opening, node.closing)
        if isinstance(node, Span)
        else (node.kind, node.source, "")
        for node in pieces_by_id(nodes).values()
        if not (isinstance(node, Atom) and node.kind == "bracket")
        and not (isinstance(node, Span) and node.kind in BRACKETED and node.closing == "]")
    )


def _describe(node: Atom | Span) -> str:
    """How a problem names a piece: ``inline code `x```, ``link […](https://…)``."""
    if isinstance(node, Atom):
        return _name(node.kind, node.source)
    return _name(node.kind, node.opening, node.closing)


def _name(kind: str, source: str, closing: str = "") -> str:
    if kind in HTML_TAGS:
        return f"{LABELS[kind]} {source}…{closing}"
    return f"{LABELS[kind]} {source}"
