"""The Markdown extensions bloggers use, from mdit-py-plugins, installed on the dialect's parser.

:data:`~postloc.config.MARKDOWN_EXTENSIONS` names them: footnotes (``[^1]`` and
``[^1]: …``; pandoc's inline ``^[…]`` is not read: Hugo and Jekyll have none), definition
lists (a term line, then ``: definition``), task lists (``- [ ] text``), containers
(``::: note`` … ``:::``, any name) and Python-Markdown admonitions (``!!! note``, with
mkdocs' ``???``). Front matter is not a markdown-it plugin here: postloc's own
:mod:`postloc.markdown.frontmatter` cuts it (YAML, TOML, JSON) before markdown-it sees the
body, so a body's leading ``---`` stays a thematic break.

Every parser has every rule; a parse's ``env`` (:func:`parse_env`) says which extensions the
site's renderer lacks, so one cached parser serves every configuration, the way markdown-it
keeps a document's link definitions in ``env``. The same ``env`` asks for tokens in source
order (segmenting): footnote definitions then stay where the author wrote them instead of
moving to the end, and task boxes stay in the text (the segmenter cuts them with
:data:`TASK_BOX`).

A text parsed alone (``parseInline``: a segment being protected, checked or weighed) cannot
see the post's footnote definitions, so there every ``[^label]`` is a footnote reference;
the token's ``content`` holds its source, so markup protection keeps it from engines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING, Any, Final

from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.footnote.index import footnote_ref
from mdit_py_plugins.tasklists import tasklists_plugin

from postloc.config import MARKDOWN_EXTENSIONS
from postloc.markdown.titles import record_definition_titles

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock
    from markdown_it.rules_core import StateCore
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token
    from markdown_it.utils import EnvType, OptionsDict

OFF_KEY: Final = "postloc_extensions_off"
"""Key in a parse's ``env``: the extensions the site does not use (a frozenset of names)."""
SOURCE_ORDER_KEY: Final = "postloc_source_order"
"""Key in a parse's ``env``: tokens in source order, nothing moved or cut for rendering."""
_TEXT_ALONE_KEY: Final = "postloc_text_alone"
"""Key set in the ``env`` of a ``parseInline`` (see the module docstring)."""

CONTAINER_NAME: Final = "block"
"""The one container rule's name: its tokens are ``container_block_open``/``_close``, and
the container's own name (``note`` in ``::: note``) is the first word of ``info``."""
CONTAINER_OPEN: Final = f"container_{CONTAINER_NAME}_open"
CONTAINER_CLOSE: Final = f"container_{CONTAINER_NAME}_close"

TASK_BOX: Final = re.compile(r"\[[ xX]\][ \t\n\v\f\r]+")
"""A task item's box and the spaces after it, at the start of a list item's first paragraph:
the test of mdit-py-plugins' tasklists (``starts_with_todo_markdown``), which the segmenter
needs on source text because the plugin works on rendered tokens."""

_CONTAINER_WORD: Final = re.compile(r"[ \t]*([A-Za-z][\w-]*)")

_SWITCHED: Final = (
    ("footnotes", "block", "footnote_def"),
    ("footnotes", "inline", "footnote_ref"),
    ("footnotes", "inline", "postloc_footnote_alone"),
    ("footnotes", "core", "footnote_tail"),
    ("definition-lists", "block", "deflist"),
    ("task-lists", "core", "github-tasklists"),
    ("containers", "block", f"container_{CONTAINER_NAME}"),
    ("admonitions", "block", "admonition"),
)
"""Each extension's rules: (extension, rule chain, rule name)."""
_BLOCK_FIRST: Final = {
    "footnote_def": "[",
    f"container_{CONTAINER_NAME}": ":",
    "admonition": "!?",
}
"""The characters a block rule's line can start with: any other line skips the rule at
once (most lines of a post), before the plugin is called."""
_RENDERING_ONLY: Final = frozenset({"footnote_tail", "github-tasklists"})
"""Core rules that rearrange tokens for rendering, skipped in a source-order parse and in
a text alone (``parseInline`` gets its one inline token, no footnote section)."""


def parse_env(
    extensions: Collection[str] = MARKDOWN_EXTENSIONS, *, source_order: bool = False
) -> dict[str, Any]:
    """A fresh ``env`` for one parse with only ``extensions`` on (see the module docstring)."""
    env: dict[str, Any] = {}
    off = frozenset(MARKDOWN_EXTENSIONS) - frozenset(extensions)
    if off:
        env[OFF_KEY] = off
    if source_order:
        env[SOURCE_ORDER_KEY] = True
    return env


def install(md: MarkdownIt) -> None:
    """Install every extension on ``md`` (a markdown-it plugin), each switchable by ``env``,
    and postloc's own recording rules (where reference definitions' titles sit:
    :func:`~postloc.markdown.titles.record_definition_titles`)."""
    md.use(footnote_plugin, inline=False)
    md.use(deflist_plugin)
    md.use(tasklists_plugin)
    md.use(container_plugin, CONTAINER_NAME, validate=_named, render=_render_container)
    md.use(admon_plugin)
    md.inline.ruler.at("footnote_ref", _footnote_ref)
    md.inline.ruler.before("link", "postloc_footnote_alone", _footnote_ref_alone)
    md.core.ruler.before("inline", "postloc_text_alone", _note_text_alone)
    md.use(record_definition_titles)
    for extension, chain, name in _SWITCHED:
        ruler: Any = getattr(md, chain).ruler
        rule = ruler.__rules__[ruler.__find__(name)]
        fn = _switchable(rule.fn, extension, name in _RENDERING_ONLY)
        if name in _BLOCK_FIRST:
            fn = _first_character(fn, _BLOCK_FIRST[name])
        ruler.at(name, fn, {"alt": rule.alt})


def _first_character(rule: Callable[..., Any], first: str) -> Any:
    """Block ``rule``, tried only on a line starting with one of ``first``."""

    def checked(state: StateBlock, line: int, end: int, silent: bool) -> Any:
        pos = state.bMarks[line] + state.tShift[line]
        if pos >= state.eMarks[line] or state.src[pos] not in first:
            return False
        return rule(state, line, end, silent)

    return checked


def _switchable(rule: Callable[..., Any], extension: str, rendering_only: bool) -> Any:
    """``rule``, doing nothing in a parse whose ``env`` switches ``extension`` off."""

    def switched(state: Any, *args: Any) -> Any:
        env = state.env
        if env:
            if extension in env.get(OFF_KEY, ()):
                return False
            if rendering_only and env.get(SOURCE_ORDER_KEY):
                return False
        if rendering_only and state.inlineMode:  # a text alone has no footnote section
            return False
        return rule(state, *args)

    return switched


def _note_text_alone(state: StateCore) -> None:
    """Core rule: remember in ``env`` that this parse is a text alone (``parseInline``)."""
    if state.inlineMode:
        state.env[_TEXT_ALONE_KEY] = True


def _footnote_ref(state: StateInline, silent: bool) -> bool:
    """mdit-py-plugins' footnote reference; any label in a text alone, and the token's
    ``content`` is its source (``[^1]``: the renderer reads only ``meta``)."""
    start = state.pos
    if not state.src.startswith("[^", start):
        return False
    matched = footnote_ref(state, silent, always_match=bool(state.env.get(_TEXT_ALONE_KEY)))
    if matched and not silent:
        state.tokens[-1].content = state.src[start : state.pos]
    return matched


def _footnote_ref_alone(state: StateInline, silent: bool) -> bool:
    """In a text alone, ``[^label]`` before the link rule reads it: a caller resolving every
    link label there (markup protection) would otherwise make it a link with text ``^label``.
    Followed by ``(`` or ``[`` it is left to the link rule, as in a whole post."""
    if not state.env.get(_TEXT_ALONE_KEY) or not state.src.startswith("[^", state.pos):
        return False
    close = state.src.find("]", state.pos, state.posMax)
    if close < 0 or state.src[close + 1 : close + 2] in ("(", "["):
        return False
    return _footnote_ref(state, silent)


def container_name(info: str) -> str:
    """``note`` for the container ``::: note Titre`` (its ``info`` is `` note Titre``)."""
    found = _CONTAINER_WORD.match(info)
    return found.group(1) if found else ""


def _named(params: str, markup: str) -> bool:
    """A container line names its container (``::: note``); a bare ``:::`` only closes."""
    return bool(container_name(params))


def _render_container(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """``<div class="note">``, as markdown-it-container renders a named container."""
    token = tokens[idx]
    if token.nesting == 1:
        token.attrJoin("class", container_name(token.info))
    return str(self.renderToken(tokens, idx, options, env))
