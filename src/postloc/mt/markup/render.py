"""What an engine sees of a skeleton: the ``html`` and ``plain`` renderings.

Kept apart from parsing and restoring because it is the one place that decides the engine's
view of a text (:mod:`postloc.mt.markup.protection` says why each rendering looks as it does);
:mod:`postloc.mt.markup.restore` reads the same conventions back.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from postloc.mt.markup.skeleton import BRACKETED, Atom, Node, TextNode

HTML_TAGS = {"em": "i", "strong": "b", "s": "s", "link": "a", "image": "span"}
"""The tag each kind of span becomes in the ``html`` rendering."""


def render_for_html_engines(nodes: Sequence[Node]) -> str:
    """Tags with ids for spans, an empty ``<code id="N">`` for each atom, text escaped."""
    out = []
    for node in nodes:
        if isinstance(node, TextNode):
            out.append(html.escape(node.text, quote=False))
        elif isinstance(node, Atom):
            out.append(f'<code id="{node.id}"></code>')
        else:
            tag = HTML_TAGS[node.kind]
            out.append(f'<{tag} id="{node.id}">{render_for_html_engines(node.children)}</{tag}>')
    return "".join(out)


def render_for_plain_engines(nodes: Sequence[Node]) -> str:
    """Delimiters as written, ``⟦N⟧`` for each atom and each link target."""
    out = []
    for node in nodes:
        if isinstance(node, TextNode):
            out.append(node.text)
        elif isinstance(node, Atom):
            out.append(f"⟦{node.id}⟧")
        elif node.kind in BRACKETED:
            target = f"⟦{node.id}⟧" if node.closing[1:] else ""
            out.append(node.opening + render_for_plain_engines(node.children) + "]" + target)
        else:
            out.append(node.opening + render_for_plain_engines(node.children) + node.closing)
    return "".join(out)
