"""The skeleton of one inline Markdown text: nodes that carry their exact source.

Markup protection needs the author's bytes back after an engine has had the text, and
markdown-it's inline tokens neither carry positions nor keep link targets or code spans as
written. This module parses once with markdown-it, records each token's source, and nests the
tokens into :class:`TextNode`, :class:`Atom` and :class:`Span` nodes whose concatenated sources
rebuild the text exactly; a text that would not rebuild is one ``unparsed`` atom.

A site tag (:mod:`postloc.markdown.sitesyntax`) is an atom; one with reader-visible
parameter values (``caption="…"``, by the configuration's ``Extraction.params_for``) is cut
into atoms around each value, which is text. An image is a span like a link: its alt text is
translated, ``![`` and ``](path "`` are kept aside. A link's or image's title is a
:class:`Title` of its span: text, which an engine translates on its own.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Final

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

from postloc.config import DEFAULT_RULES, Extraction
from postloc.markdown.dialect import new_parser
from postloc.markdown.sitesyntax.params import translatable
from postloc.markdown.sitesyntax.plugin import INLINE_TAG
from postloc.markdown.sitesyntax.scan import scan_tag
from postloc.markdown.titles import inline_title
from postloc.markdown.words import has_word


@dataclass(frozen=True, slots=True)
class TextNode:
    """Words the engine translates, exactly as written (no Markdown escapes inside)."""

    text: str
    """The source characters."""


@dataclass(frozen=True, slots=True)
class Atom:
    """A piece the engine must not see, kept aside and put back verbatim."""

    id: int
    """Placeholder number, unique within one text."""
    kind: str
    """``code``, ``html``, ``autolink``, ``image`` (one whose alt text would not rebuild as a
    span), ``escape``, ``entity``, ``break``, ``tag`` (a site tag, the part of one around a
    translated value, or half a tag left in the text: ``{{<``, ``%}``), ``bracket`` (a literal
    ``⟦``/``⟧``), ``footnote`` (a footnote reference ``[^1]``), ``url`` and ``email`` (an
    address written as text) or ``unparsed`` (the whole text, when parsing failed)."""
    source: str
    """Exact source text of the piece."""


@dataclass(frozen=True, slots=True)
class Title:
    """A link's or image's title (``"Titre"`` in ``](/url "Titre")``): text of its own, which
    an engine translates apart from the sentence around the link."""

    id: int
    """Number of the placeholder or element that opens it in the engine's text."""
    end_id: int
    """Number of the placeholder that closes it (``plain`` rendering)."""
    text: str
    """The title as written between its delimiters."""
    closing: str
    """What follows it in the link's source: its closing delimiter and ``)``."""
    translated: bool
    """Whether it goes to the engine (it has a word: :func:`~postloc.markdown.words.has_word`);
    otherwise it is kept as written."""


@dataclass(frozen=True, slots=True)
class Span:
    """Emphasis, strikethrough, a link or an image: translated content between delimiters
    kept aside."""

    id: int
    """Element number, unique within one text."""
    kind: str
    """``em``, ``strong``, ``s``, ``link`` or ``image``."""
    opening: str
    """Source of the opening delimiter (``**``, ``_``, ``[``, ``![``)."""
    closing: str
    """Source of the closing delimiter (``**``, ``](https://… "Title")``, ``][ref]``)."""
    children: tuple[Node, ...]
    """The content, translated."""
    title: Title | None = None
    """A link's or image's title, cut out of ``closing`` (which then ends with the title's
    opening delimiter: ``](/url "``)."""

    @property
    def end(self) -> str:
        """The source after the content: ``closing``, and the title with what follows it."""
        return (
            self.closing
            if self.title is None
            else (self.closing + self.title.text + self.title.closing)
        )


Node = TextNode | Atom | Span

_SOURCE = "postloc_source"
"""Key of ``Token.meta`` where :func:`_recording` keeps a token's exact source."""
_CLOSING = "postloc_closing"
"""Key of an image token's ``meta``: the source after its alt text (``](path "title")``)."""

BRACKETED: Final = frozenset({"link", "image"})
"""Spans whose text sits in brackets and whose target is kept aside."""


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
        if rule is link and _shortcut(state):
            return False
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
        if rule is image:
            label_end = state.md.helpers.parseLinkLabel(state, start + 1, False)
            created[0].meta[_CLOSING] = state.src[label_end : state.pos]
        return True

    return recorded


def _shortcut(state: StateInline) -> bool:
    """Whether the ``[`` at ``state.pos`` can only be a shortcut reference (``[text]``).

    Whether ``[en]`` is a link depends on the post's definitions, which a msgid does not
    carry; a link cannot hold another, so reading it as one would leave the target of a
    link around it (``[choisi [en]](https://…)``) as text for the engine. Read as text, it
    reaches the engine as the brackets it shows when undefined.
    """
    if state.src[state.pos] != "[" or state.src.startswith("^", state.pos + 1):
        return False  # ``[^1]``: the dialect reads a footnote_ref atom before this
    label_end = state.md.helpers.parseLinkLabel(state, state.pos, True)
    return label_end >= 0 and not state.src.startswith(("(", "["), label_end + 1)


@cache
def _parser() -> MarkdownIt:
    """The dialect with its rules recording their source; ``text_join`` off keeps escapes apart."""
    md = new_parser().disable("text_join")
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
_ATOMS = {
    "code_inline": "code",
    "html_inline": "html",
    "image": "image",
    "hardbreak": "break",
    "footnote_ref": "footnote",
}


_MARKUP_CHARS = re.compile(r"[*_\[\]<>`&\\~!{\n\r⟦⟧]| {2}")
"""Characters that can start inline markup; text without any of them is plain prose."""


@lru_cache(maxsize=8192)
def parse_skeleton(text: str, rules: Extraction = DEFAULT_RULES) -> tuple[Node, ...]:
    """The skeleton of ``text``; one ``unparsed`` atom if it would not rebuild ``text`` exactly.

    ``rules`` say which site-tag parameters are translated. Prose without a markup
    character skips markdown-it (most segments), and results are cached: the same msgid
    is protected once per target language.
    """
    if not _MARKUP_CHARS.search(text):
        plain: list[Node] = []
        _append_text(plain, text, itertools.count(1))
        return tuple(plain)
    try:
        tokens = _parser().parseInline(text, {"references": _AnyReference()})[0].children
        nodes = _build(tokens, itertools.count(1), rules)
    except (ValueError, KeyError, IndexError):
        nodes = None
    if nodes is None or skeleton_markdown(nodes) != text:
        return (Atom(1, "unparsed", text),) if text else ()
    return nodes


def _build(
    tokens: Sequence[Token] | None, ids: Iterator[int], rules: Extraction
) -> tuple[Node, ...] | None:
    """Nest the flat token stream; None when it is not well nested."""
    stack: list[tuple[str, int, str, list[Node]]] = [("", 0, "", [])]
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
            closing, title = _cut_title(source or token.markup, ids)
            stack[-1][3].append(Span(node_id, kind, opening, closing, tuple(inner), title))
        elif token.type == "text_special":
            children.append(Atom(next(ids), token.info or "escape", token.markup))
        elif token.type == INLINE_TAG:
            _append_tag(children, token.content, ids, rules)
        elif token.type == "image" and _CLOSING in token.meta:
            children.append(_image(token, ids, rules))
        elif token.type in _ATOMS:
            children.append(Atom(next(ids), _ATOMS[token.type], source or token.content))
        else:
            return None
    return tuple(stack[0][3]) if len(stack) == 1 else None


def _image(token: Token, ids: Iterator[int], rules: Extraction) -> Node:
    """An image as a span around its alt text, or one atom when the alt text is not plain."""
    node_id = next(ids)
    inner = _build(token.children, ids, rules)
    source = token.meta.get(_SOURCE) or ""
    closing = token.meta[_CLOSING]
    if inner is None or "![" + skeleton_markdown(inner) + closing != source:
        return Atom(node_id, "image", source)
    closing, title = _cut_title(closing, ids)
    return Span(node_id, "image", "![", closing, inner, title)


def _cut_title(closing: str, ids: Iterator[int]) -> tuple[str, Title | None]:
    """A link's or image's source after its text, and its title cut out of it if it has one
    (:func:`~postloc.markdown.titles.inline_title`)."""
    found = inline_title(closing) if closing.endswith(")") else None
    if found is None:
        return closing, None
    start, end = found
    text = closing[start:end]
    translated = has_word(text) and "⟦" not in text and "⟧" not in text
    title = Title(next(ids), next(ids), text, closing[end:], translated)
    return closing[:start], title


def _append_tag(children: list[Node], source: str, ids: Iterator[int], rules: Extraction) -> None:
    """A site tag: one atom, or atoms around each reader-visible parameter value."""
    tag = scan_tag(source, 0)
    values = [
        param
        for param in (translatable(source, tag, rules.params_for) if tag else [])
        if has_word(source[param.start : param.end])
    ]
    done = 0
    for param in values:
        children.append(Atom(next(ids), "tag", source[done : param.start]))
        _append_text(children, source[param.start : param.end], ids)
        done = param.end
    children.append(Atom(next(ids), "tag", source[done:]))


def value_quote(atom: Atom) -> str | None:
    """The quote that opens a translated value right after ``atom``, if it is a tag's part
    before one (a whole tag ends with ``}``, the part before a value with its quote)."""
    if atom.kind == "tag" and atom.source[-1:] in ('"', "'", "`"):
        return atom.source[-1]
    return None


_URL: Final = (
    r"(?:\b[A-Za-z][A-Za-z0-9+.-]{1,31}://|\bwww\.)"
    r"(?:[^\s<>()\[\]⟦⟧]|\([^\s<>()⟦⟧]*\))*(?:[^\s<>()\[\]⟦⟧.,;:!?'\"*_~]|\([^\s<>()⟦⟧]*\))"
)
"""A web address written as text (``https://…``, ``www.…``): a bare URL, or the target of a
link the skeleton does not read as one (``](https://…)`` after nested brackets)."""
_EMAIL: Final = r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"
"""An e-mail address written as text."""
_NOT_FOR_ENGINES: Final = re.compile(rf"([⟦⟧]|\{{\{{[<%]|[<>%]\}}\}}|\{{[%:]|%\}}|{_URL}|{_EMAIL})")
"""Text that is kept from engines: literal ``⟦``/``⟧`` (never mistaken for placeholders),
the halves of site tags an unclosed or broken tag leaves in the text (``{{<``, ``%}``), and
web and e-mail addresses (an engine translates the words in them)."""


def _append_text(children: list[Node], text: str, ids: Iterator[int]) -> None:
    """Add text, merging with a preceding text; what :data:`_NOT_FOR_ENGINES` matches
    becomes an atom (``bracket``, or ``tag`` for half a tag)."""
    last = children[-1] if children else None
    if isinstance(last, Atom) and last.kind in ("url", "email") and text[:1].strip():
        children.pop()  # an address markdown-it cut at a "_" or "*" goes on
        text = last.source + text
    elif isinstance(last, TextNode):
        children.pop()
        text = last.text + text  # pieces split across tokens are seen whole
    for i, part in enumerate(_NOT_FOR_ENGINES.split(text)):
        if i % 2:
            children.append(Atom(next(ids), _kept_kind(part), part))
        elif part:
            children.append(TextNode(part))


def _kept_kind(part: str) -> str:
    """The atom kind of a piece :data:`_NOT_FOR_ENGINES` keeps from engines."""
    if part in ("⟦", "⟧"):
        return "bracket"
    if "@" in part and "/" not in part:
        return "email"
    return "url" if "." in part or "/" in part else "tag"


def skeleton_markdown(nodes: Sequence[Node]) -> str:
    """The Markdown source of a skeleton (the identity restore)."""
    out = []
    for node in nodes:
        if isinstance(node, TextNode):
            out.append(node.text)
        elif isinstance(node, Atom):
            out.append(node.source)
        else:
            out.append(node.opening + skeleton_markdown(node.children) + node.end)
    return "".join(out)


def titles_of(nodes: Sequence[Node]) -> list[tuple[Span, Title]]:
    """Every link and image title of the skeleton, nested ones included, in source order."""
    found: list[tuple[Span, Title]] = []
    for node in nodes:
        if isinstance(node, Span):
            found.extend(titles_of(node.children))
            if node.title is not None:
                found.append((node, node.title))
    return found


def pieces_by_id(nodes: Sequence[Node]) -> dict[int, Atom | Span]:
    """Every atom and span of the skeleton, nested ones included, by id."""
    found: dict[int, Atom | Span] = {}
    for node in nodes:
        if isinstance(node, Atom):
            found[node.id] = node
        elif isinstance(node, Span):
            found[node.id] = node
            found.update(pieces_by_id(node.children))
    return found
