"""Inline Markdown ⇄ engine text: what an engine may see, and how its output becomes Markdown.

A msgid is inline Markdown as the author wrote it. Engines must translate words, never URLs,
link targets, code or HTML attributes, and their output must come back in the *author's*
syntax (``__`` stays ``__``, a link keeps its title or ``[ref]`` label). So the text is parsed
once with markdown-it into a skeleton whose pieces carry their exact source; the engine sees a
rendering of that skeleton, and :func:`restore` puts the source pieces back by id. Whatever the
engine lost, duplicated or mangled is reported (``damaged``), never guessed or half-restored.

Two renderings:

``html``
    For engines that keep tags (``apertium -f html``, LibreTranslate ``format=html``):
    emphasis → ``<i id=N>``, strong → ``<b id=N>``, strikethrough → ``<s id=N>``, link text →
    ``<a id=N>``; code, inline HTML, autolinks, images, escapes, entities and line breaks become
    an empty ``<code id="N"></code>``, which Apertium returns byte for byte. Ids let restore
    re-join the pieces Apertium splits nested markup into (``<b>un</b> <b><i>gato</i></b>``).
``plain``
    For neural models that only see text: emphasis delimiters and link brackets stay as written
    (plain ASCII the models have seen in their training text, and which keep the words
    together in one sentence), while every atomic piece and every link target becomes a short
    ``⟦N⟧`` placeholder carrying no words to translate.
"""

from __future__ import annotations

import html
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_inline import (
    autolink,
    backtick,
    entity,
    escape,
    html_inline,
    image,
    link,
    newline,
)
from markdown_it.rules_inline.state_inline import StateInline
from markdown_it.token import Token

from .engines.base import MarkupStyle


@dataclass(frozen=True, slots=True)
class Text:
    """Words the engine translates, exactly as written (no Markdown escapes inside)."""

    text: str
    """The source characters."""


@dataclass(frozen=True, slots=True)
class Atom:
    """A piece the engine must not see, kept aside and put back verbatim."""

    id: int
    """Placeholder number, unique within one text."""
    kind: str
    """``code``, ``html``, ``autolink``, ``image``, ``escape``, ``entity``, ``break``,
    ``bracket`` (a literal ``⟦``/``⟧``) or ``unparsed`` (the whole text, when parsing failed)."""
    source: str
    """Exact source text of the piece."""


@dataclass(frozen=True, slots=True)
class Span:
    """Emphasis, strikethrough or a link: translated content between delimiters kept aside."""

    id: int
    """Element number, unique within one text."""
    kind: str
    """``em``, ``strong``, ``s`` or ``link``."""
    opening: str
    """Source of the opening delimiter (``**``, ``_``, ``[``)."""
    closing: str
    """Source of the closing delimiter (``**``, ``](https://… "Title")``, ``][ref]``)."""
    children: tuple[Node, ...]
    """The content, translated."""


Node = Text | Atom | Span


@dataclass(frozen=True, slots=True)
class Protected:
    """One msgid made safe for an engine, with what :func:`restore` needs to undo it."""

    source: str
    """The inline Markdown as written."""
    style: MarkupStyle
    """Which rendering ``engine_text`` uses."""
    nodes: tuple[Node, ...]
    """The parsed skeleton."""
    engine_text: str
    """What goes to the engine."""


@dataclass(frozen=True, slots=True)
class Restored:
    """An engine's output turned back into inline Markdown."""

    text: str
    """Best-effort Markdown; never contains a placeholder or half of one."""
    damaged: bool
    """True when the engine lost, duplicated or mangled markup (flag the draft for QA)."""
    problems: tuple[str, ...] = field(default=())
    """What went wrong, e.g. ``lost inline code `x```."""


_HTML_TAGS = {"em": "i", "strong": "b", "s": "s", "link": "a"}
_LABELS = {
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
    "unparsed": "markup not understood; text kept untranslated",
}
_PLACEHOLDER = re.compile(r"⟦\s*(\d+)\s*⟧")
_HALF_PLACEHOLDER = re.compile(r"⟦\s*\d*|\d*⟧")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)([^<>]*?)(/?)>")
_TAG_ID = re.compile(r"""\bid\s*=\s*["']?(\d+)""")
_BROKEN_TAG = re.compile(r"</?[A-Za-z][^<>]*>?")
_WORD = re.compile(r"\w")
_SOURCE = "postloc_source"


def protect(text: str, style: MarkupStyle) -> Protected:
    """Parse ``text`` and render it for an engine taking ``style`` markup."""
    nodes = _parse(text)
    render = _render_html if style == "html" else _render_plain
    return Protected(source=text, style=style, nodes=nodes, engine_text=render(nodes))


def restore(protected: Protected, output: str) -> Restored:
    """Turn an engine's ``output`` for ``protected`` back into the author's Markdown syntax."""
    problems: list[str] = []
    if any(isinstance(node, Atom) and node.kind == "unparsed" for node in protected.nodes):
        return Restored(protected.source, True, (_LABELS["unparsed"],))
    if protected.style == "html":
        text = _restore_html(protected.nodes, output, problems)
    else:
        text = _restore_plain(protected.nodes, output, problems)
    text = _same_outer_whitespace(protected.source, text)
    for problem in _structure_problems(protected.nodes, _parse(text)):
        if problem not in problems:
            problems.append(problem)
    return Restored(text=text, damaged=bool(problems), problems=tuple(problems))


# --- parsing -------------------------------------------------------------------------------


class _AnyReference(dict[str, dict[str, str]]):
    """Resolves every ``[label]``: definitions live elsewhere in the post, and keeping
    ``[text][ref]`` as a link (label aside) is what stops ``ref`` being translated."""

    def get(self, key: str, default: Any = None) -> dict[str, str]:
        return {"href": "", "title": ""}


def _recording(rule: Callable[[StateInline, bool], bool]) -> Callable[[StateInline, bool], bool]:
    """Wrap an inline rule so the tokens it creates remember their exact source text.

    markdown-it's inline tokens carry no positions and normalise what they hold (link
    targets, code spans), so restore could not otherwise rebuild the author's bytes.
    """

    def recorded(state: StateInline, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        pending = state.pending if rule is newline and not silent else ""
        if not rule(state, silent):
            return False
        if silent:
            return True
        created = state.tokens[count:]
        if created and created[0].type == "text":  # pending text flushed by the rule's push
            flushed = created.pop(0)
            pending = pending[len(flushed.content) :]
        if not created:
            return True
        if rule is link:
            label_end = state.md.helpers.parseLinkLabel(state, start, True)
            created[0].meta[_SOURCE] = state.src[start : start + 1]
            created[-1].meta[_SOURCE] = state.src[label_end : state.pos]
        else:
            created[0].meta[_SOURCE] = pending + state.src[start : state.pos]
        return True

    return recorded


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable("strikethrough").disable("text_join")
    rules = {
        "newline": newline,
        "escape": escape,
        "backticks": backtick,
        "link": link,
        "image": image,
        "autolink": autolink,
        "html_inline": html_inline,
        "entity": entity,
    }
    for name, rule in rules.items():
        md.inline.ruler.at(name, _recording(rule))
    return md


_OPEN = {"em_open": "em", "strong_open": "strong", "s_open": "s", "link_open": "link"}
_CLOSE = {"em_close": "em", "strong_close": "strong", "s_close": "s", "link_close": "link"}
_ATOMS = {"code_inline": "code", "html_inline": "html", "image": "image", "hardbreak": "break"}


_MARKUP_CHARS = re.compile(r"[*_\[\]<>`&\\~!\n\r⟦⟧]| {2}")
"""Characters that can start inline markup; text without any of them is plain prose."""


@lru_cache(maxsize=8192)
def _parse(text: str) -> tuple[Node, ...]:
    """The skeleton of ``text``; one ``unparsed`` atom if it would not rebuild ``text`` exactly.

    Prose without a markup character skips markdown-it (most segments), and results
    are cached: the same msgid is protected once per target language.
    """
    if not _MARKUP_CHARS.search(text):
        return (Text(text),) if text else ()
    try:
        nodes = _build(_parser().parseInline(text, {"references": _AnyReference()})[0].children)
    except (ValueError, KeyError, IndexError):
        nodes = None
    if nodes is None or _markdown(nodes) != text:
        return (Atom(1, "unparsed", text),) if text else ()
    return nodes


def _build(tokens: Sequence[Token] | None) -> tuple[Node, ...] | None:
    """Nest the flat token stream; None when it is not well nested."""
    stack: list[tuple[str, int, str, list[Node]]] = [("", 0, "", [])]
    ids = itertools.count(1)
    in_autolink = False
    for token in tokens or ():
        children = stack[-1][3]
        source = token.meta.get(_SOURCE)
        if in_autolink:
            in_autolink = token.type != "link_close"
        elif token.type in ("text", "softbreak"):
            _append_text(children, token.content if source is None else source, ids)
        elif token.type == "link_open" and token.markup == "autolink":
            children.append(Atom(next(ids), "autolink", source or ""))
            in_autolink = True
        elif token.type in _OPEN:
            stack.append((_OPEN[token.type], next(ids), source or token.markup, []))
        elif token.type in _CLOSE:
            kind, node_id, opening, inner = stack.pop()
            if kind != _CLOSE[token.type] or not stack:
                return None
            closing = source or token.markup
            stack[-1][3].append(Span(node_id, kind, opening, closing, tuple(inner)))
        elif token.type == "text_special":
            children.append(Atom(next(ids), token.info or "escape", token.markup))
        elif token.type in _ATOMS:
            children.append(Atom(next(ids), _ATOMS[token.type], source or token.content))
        else:
            return None
    return tuple(stack[0][3]) if len(stack) == 1 else None


def _append_text(children: list[Node], text: str, ids: Iterator[int]) -> None:
    """Add text, merging with a preceding text; literal ``⟦``/``⟧`` become atoms so they
    can never be mistaken for placeholders."""
    for i, part in enumerate(re.split(r"([⟦⟧])", text)):
        if i % 2:
            children.append(Atom(next(ids), "bracket", part))
        elif part and children and isinstance(children[-1], Text):
            children[-1] = Text(children[-1].text + part)
        elif part:
            children.append(Text(part))


# --- rendering -----------------------------------------------------------------------------


def _markdown(nodes: Sequence[Node]) -> str:
    """The Markdown source of a skeleton (the identity restore)."""
    out = []
    for node in nodes:
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, Atom):
            out.append(node.source)
        else:
            out.append(node.opening + _markdown(node.children) + node.closing)
    return "".join(out)


def _render_html(nodes: Sequence[Node]) -> str:
    out = []
    for node in nodes:
        if isinstance(node, Text):
            out.append(html.escape(node.text, quote=False))
        elif isinstance(node, Atom):
            out.append(f'<code id="{node.id}"></code>')
        else:
            tag = _HTML_TAGS[node.kind]
            out.append(f'<{tag} id="{node.id}">{_render_html(node.children)}</{tag}>')
    return "".join(out)


def _render_plain(nodes: Sequence[Node]) -> str:
    out = []
    for node in nodes:
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, Atom):
            out.append(f"⟦{node.id}⟧")
        elif node.kind == "link":
            target = f"⟦{node.id}⟧" if node.closing[1:] else ""
            out.append(node.opening + _render_plain(node.children) + "]" + target)
        else:
            out.append(node.opening + _render_plain(node.children) + node.closing)
    return "".join(out)


def _describe(node: Atom | Span) -> str:
    """How a problem names a piece: ``inline code `x```, ``link […](https://…)``."""
    if isinstance(node, Atom):
        return _name(node.kind, node.source)
    return _name(node.kind, node.opening, node.closing)


def _name(kind: str, source: str, closing: str = "") -> str:
    if kind in _HTML_TAGS:
        return f"{_LABELS[kind]} {source}…{closing}"
    return f"{_LABELS[kind]} {source}"


def _index(nodes: Sequence[Node]) -> dict[int, Atom | Span]:
    found: dict[int, Atom | Span] = {}
    for node in nodes:
        if isinstance(node, Atom):
            found[node.id] = node
        elif isinstance(node, Span):
            found[node.id] = node
            found.update(_index(node.children))
    return found


# --- restoring -----------------------------------------------------------------------------


def _restore_plain(nodes: Sequence[Node], output: str, problems: list[str]) -> str:
    pieces = _index(nodes)
    seen: set[int] = set()
    out = []
    position = 0
    for match in _PLACEHOLDER.finditer(output):
        out.append(_without_half_placeholders(output[position : match.start()], problems))
        position = match.end()
        piece = pieces.get(int(match.group(1)))
        if piece is None or (isinstance(piece, Span) and piece.kind != "link"):
            problems.append(f"mangled placeholder {match.group(0)}")
        elif piece.id in seen:
            problems.append(f"duplicated {_describe(piece)}")
        else:
            seen.add(piece.id)
            out.append(piece.source if isinstance(piece, Atom) else piece.closing[1:])
    out.append(_without_half_placeholders(output[position:], problems))
    for piece in pieces.values():
        expected = isinstance(piece, Atom) or (piece.kind == "link" and piece.closing[1:])
        if expected and piece.id not in seen:
            problems.append(f"lost {_describe(piece)}")
    return "".join(out)


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


def _restore_html(nodes: Sequence[Node], output: str, problems: list[str]) -> str:
    pieces = _index(nodes)
    seen: set[int] = set()
    text = _markdown_from_html(_read_html(output, problems), pieces, seen, problems)
    problems.extend(f"lost {_describe(pieces[n])}" for n in sorted(pieces.keys() - seen))
    return text


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
) -> str:
    out = []
    for item in _join_fragments(items):
        if isinstance(item, str):
            out.append(item)
            continue
        inner = _markdown_from_html(item.children, pieces, seen, problems)
        piece = pieces.get(item.id) if item.id is not None else None
        if isinstance(piece, Atom) and item.tag == "code":
            if piece.id in seen:
                problems.append(f"duplicated {_describe(piece)}")
            else:
                out.append(piece.source)
            if inner:
                problems.append(f"text inside placeholder for {_describe(piece)}")
            out.append(inner)
        elif isinstance(piece, Span) and item.tag == _HTML_TAGS[piece.kind]:
            if piece.id in seen:
                problems.append(f"split {_describe(piece)}")
            out.append(_wrap(piece, inner))
        else:
            problems.append(f"unexpected tag <{item.tag}>")
            out.append(inner)
        if piece is not None:
            seen.add(piece.id)
    return "".join(out)


def _wrap(span: Span, inner: str) -> str:
    """Delimiters around translated content; spaces an engine left inside emphasis go
    outside, where they do not stop ``**`` from being emphasis."""
    if span.kind == "link":
        return span.opening + inner + span.closing
    core = inner.strip()
    if not core:
        return inner
    start = inner.index(core)
    return inner[:start] + span.opening + core + span.closing + inner[start + len(core) :]


def _same_outer_whitespace(source: str, text: str) -> str:
    """Engines trim or double the spaces around a segment; the source's are the right ones."""
    core = source.strip()
    if not core:
        return source
    lead = source[: source.index(core)]
    return lead + text.strip() + source[len(lead) + len(core) :]


def _structure_problems(before: Sequence[Node], after: Sequence[Node]) -> list[str]:
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
        for node in _index(nodes).values()
        if not (isinstance(node, Atom) and node.kind == "bracket")
        and not (isinstance(node, Span) and node.kind == "link" and node.closing == "]")
    )
