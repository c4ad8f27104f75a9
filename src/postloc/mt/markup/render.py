"""What an engine sees of a skeleton: the ``html`` and ``plain`` renderings.

Kept apart from parsing and restoring because it is the one place that decides the engine's
view of a text (:mod:`postloc.mt.markup.protection` says why each rendering looks as it does;
link and image titles go after the text, each an engine text of its own, so they neither
split the sentence around their link nor take its words);
:mod:`postloc.mt.markup.restore` reads the same conventions back.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from postloc.mt.markup.skeleton import BRACKETED, Atom, Node, TextNode, titles_of

HTML_TAGS = {"em": "i", "strong": "b", "s": "s", "link": "a", "image": "span"}
"""The tag each kind of span becomes in the ``html`` rendering."""


TITLE_TAG = "q"
"""The element a link's or image's title becomes in the ``html`` rendering."""


def render_for_html_engines(nodes: Sequence[Node]) -> str:
    """Tags with ids for spans, an empty ``<code id="N">`` for each atom, text escaped; then
    each title to translate, as ``<q id="N">`` text of its own."""
    titles = "".join(
        f' <{TITLE_TAG} id="{title.id}">{html.escape(title.text, quote=False)}</{TITLE_TAG}>'
        for _span, title in titles_of(nodes)
        if title.translated
    )
    return _html(nodes) + titles


def _html(nodes: Sequence[Node]) -> str:
    out = []
    for node in nodes:
        if isinstance(node, TextNode):
            out.append(html.escape(node.text, quote=False))
        elif isinstance(node, Atom):
            out.append(f'<code id="{node.id}"></code>')
        else:
            tag = HTML_TAGS[node.kind]
            out.append(f'<{tag} id="{node.id}">{_html(node.children)}</{tag}>')
    return "".join(out)


def render_for_plain_engines(nodes: Sequence[Node]) -> str:
    """Delimiters as written, ``⟦N⟧`` for each atom and each link target; then each title
    to translate between two placeholders of its own (``⟦N⟧Titre⟦M⟧``)."""
    titles = "".join(
        f" ⟦{title.id}⟧{title.text}⟦{title.end_id}⟧"
        for _span, title in titles_of(nodes)
        if title.translated
    )
    return _plain(nodes) + titles


def _plain(nodes: Sequence[Node]) -> str:
    out = []
    for node in nodes:
        if isinstance(node, TextNode):
            out.append(node.text)
        elif isinstance(node, Atom):
            out.append(f"⟦{node.id}⟧")
        elif node.kind in BRACKETED:
            target = f"⟦{node.id}⟧" if node.closing[1:] else ""
            out.append(node.opening + _plain(node.children) + "]" + target)
        else:
            out.append(node.opening + _plain(node.children) + node.closing)
    return "".join(out)
