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
    ``<a id=N>``, an image's alt text → ``<span id=N>``; code, inline HTML, autolinks, site
    tags (shortcodes, Liquid, attribute lists), escapes, entities and line breaks become
    an empty ``<code id="N"></code>``, which Apertium returns byte for byte. Ids let restore
    re-join the pieces Apertium splits nested markup into (``<b>un</b> <b><i>gato</i></b>``).
``plain``
    For neural models that only see text: emphasis delimiters, link and image brackets stay as
    written (plain ASCII the models have seen in their training text, and which keep the words
    together in one sentence), while every atomic piece and every link target becomes a short
    ``⟦N⟧`` placeholder carrying no words to translate.

A heading id or attribute list at the end (``Les étapes {#etapes}``) is one only while
nothing follows it, and engines add padding, punctuation or brackets after the last word, so
it is kept out of the engine's text altogether and put back at the end (:attr:`Protected.tail`).

This module is the API; the work is split by concept: :mod:`postloc.mt.markup.skeleton` parses
and holds the node types, :mod:`postloc.mt.markup.render` renders for engines, and
:mod:`postloc.mt.markup.restore` reads engine output back and reports damage.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from postloc.config import DEFAULT_RULES, Extraction
from postloc.markdown.sitesyntax.scan import scan_tag
from postloc.mt.engines.base import MarkupStyle
from postloc.mt.markup.render import render_for_html_engines, render_for_plain_engines
from postloc.mt.markup.restore import (
    LABELS,
    restore_html,
    restore_plain,
    same_outer_whitespace,
    structure_problems,
)
from postloc.mt.markup.skeleton import Atom, Node, parse_skeleton


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
    rules: Extraction = DEFAULT_RULES
    """Which site-tag parameters are translated (the restored text is read back with them)."""
    tail: str = ""
    """A final heading id or attribute list with the spaces before it (``" {#etapes}"``),
    kept out of ``nodes`` and appended to the restored text as written."""


@dataclass(frozen=True, slots=True)
class Restored:
    """An engine's output turned back into inline Markdown."""

    text: str
    """Best-effort Markdown; never contains a placeholder or half of one."""
    damaged: bool
    """True when the engine lost, duplicated or mangled markup (flag the draft for QA)."""
    problems: tuple[str, ...] = field(default=())
    """What went wrong, e.g. ``lost inline code `x```."""


def protect(text: str, style: MarkupStyle, rules: Extraction = DEFAULT_RULES) -> Protected:
    """Parse ``text`` and render it for an engine taking ``style`` markup; ``rules`` say
    which site-tag parameter values are translated (the configuration's ``extraction``)."""
    tail = _final_attributes(text, rules)
    nodes = parse_skeleton(text[: len(text) - len(tail)], rules)
    render = render_for_html_engines if style == "html" else render_for_plain_engines
    return Protected(text, style, nodes, render(nodes), rules, tail)


def _final_attributes(text: str, rules: Extraction) -> str:
    """The ``{#id .class}`` ending ``text``, with the spaces before it; ``""`` if none."""
    if not text.endswith("}"):
        return ""
    nodes = parse_skeleton(text, rules)
    last = nodes[-1] if nodes else None
    if not isinstance(last, Atom) or last.kind != "tag":
        return ""
    tag = scan_tag(last.source, 0)
    if tag is None or tag.syntax != "attributes":
        return ""
    core = text[: len(text) - len(last.source)].rstrip(" \t")
    return text[len(core) :]


def restore(protected: Protected, output: str) -> Restored:
    """Turn an engine's ``output`` for ``protected`` back into the author's Markdown syntax."""
    problems: list[str] = []
    if any(isinstance(node, Atom) and node.kind == "unparsed" for node in protected.nodes):
        return Restored(protected.source, True, (LABELS["unparsed"],))
    if protected.style == "html":
        text = restore_html(protected.nodes, output, problems)
    else:
        text = restore_plain(protected.nodes, output, problems)
    core = protected.source[: len(protected.source) - len(protected.tail)]
    text = same_outer_whitespace(core, text) if core else text.strip()
    for problem in structure_problems(protected.nodes, parse_skeleton(text, protected.rules)):
        if problem not in problems:
            problems.append(problem)
    text += protected.tail
    return Restored(text=text, damaged=bool(problems), problems=tuple(problems))
