"""The markdown-it rules that make site tags markup (installed by :mod:`postloc.markdown.dialect`).

- **inline** (``site_tag``): each tag is one token, found before emphasis, links or text can
  split it; a ``{% raw %}…{% endraw %}``-like pair is one token with what it encloses. Code
  spans win (their rule runs at the backtick, before the tag's ``{`` is reached).
- **lines of tags** (``site_tag_block``): a line, or lines, made only of tags is a block of its
  own and interrupts a paragraph, so the Markdown between a paired shortcode's opening and
  closing lines is ordinary blocks, and an attribute list under a paragraph is never joined
  onto it (kramdown wants it on its own line).
- **code** (``site_code``): ``{% raw %}``, ``{% highlight %}``, ``{% codeblock %}``,
  ``{% comment %}``, Hugo's ``{{< highlight >}}`` and kramdown's ``{::comment}`` /
  ``{::nomarkdown}``, each alone on its line, up to the line holding the closing tag.
- **link destinations**: ``[texte]({{< ref "x" >}})`` is a link whose destination is the tag.

Indented four columns or more, a line is indented code, as CommonMark says. Each rule looks
at a ``{`` first, so text without one pays nothing.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Final, cast

from markdown_it.common.utils import escapeHtml, unescapeAll

from postloc.markdown.sitesyntax.scan import Tag, scan_tag

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token
    from markdown_it.utils import EnvType, OptionsDict

INLINE_TAG: Final = "site_tag"
"""Token type of an inline tag (``content``: its exact source; ``info``: its syntax)."""
BLOCK_TAG: Final = "site_tag_block"
"""Token type of a block made of tags (``content``: the exact source of its tags)."""
CODE: Final = "site_code"
"""Token type of code between a tag pair (``info``: the opening tag's name)."""

CODE_PAIRS: Final = {
    ("liquid", "raw"): "endraw",
    ("liquid", "comment"): "endcomment",
    ("liquid", "highlight"): "endhighlight",
    ("liquid", "codeblock"): "endcodeblock",
    ("shortcode", "highlight"): "/highlight",
    ("kramdown", "::comment"): ":/comment",
    ("kramdown", "::nomarkdown"): ":/nomarkdown",
}
"""Opening tag (syntax, name) → the name of the tag closing it: what lies between is code
(never extracted, never joined, copied verbatim). kramdown also closes with ``{:/}``."""

_INTERRUPTS: Final = ["paragraph", "reference", "blockquote", "list"]


def site_syntax(md: MarkdownIt) -> None:
    """Install the rules (a markdown-it plugin: ``MarkdownIt().use(site_syntax)``)."""
    md.inline.ruler.after("text", INLINE_TAG, inline_tag)
    md.block.ruler.before("table", CODE, code_block, {"alt": _INTERRUPTS})
    md.block.ruler.before("table", BLOCK_TAG, tag_block, {"alt": _INTERRUPTS})
    helpers = md.helpers
    cast(Any, md).helpers = SimpleNamespace(
        parseLinkLabel=helpers.parseLinkLabel,
        parseLinkDestination=_tag_destination(helpers.parseLinkDestination),
        parseLinkTitle=helpers.parseLinkTitle,
    )
    md.add_render_rule(INLINE_TAG, _render_inline)
    md.add_render_rule(BLOCK_TAG, _render_block)
    md.add_render_rule(CODE, _render_code)


_unclosed: dict[tuple[str, str], tuple[str, int, int]] = {}
"""Per opener (syntax, name), the last search that found no closer: (text, from, limit)."""


def closing_tag(text: str, opener: Tag, start: int, limit: int) -> Tag | None:
    """The tag closing code-pair ``opener`` in ``text[start:limit]``, if any (a search that
    found none is remembered, so many unclosed openers cost one pass)."""
    key = (opener.syntax, opener.name)
    wanted = CODE_PAIRS.get(key)
    if wanted is None:
        return None
    last = _unclosed.get(key)
    if last is not None and last[0] is text and last[1] <= start and limit <= last[2]:
        return None
    brace = text.find("{", start, limit)
    while brace >= 0:
        found = scan_tag(text, brace, limit)
        if found is not None and found.syntax == opener.syntax and found.name in (wanted, ":/"):
            return found
        brace = text.find("{", found.end if found else brace + 1, limit)
    _unclosed[key] = (text, start, limit)
    return None


def inline_tag(state: StateInline, silent: bool) -> bool:
    """One tag (or a code pair with its content) as one ``site_tag`` token."""
    start = state.pos
    if state.src[start] != "{":
        return False
    tag = scan_tag(state.src, start, state.posMax)
    if tag is None:
        return False
    if tag.syntax == "attributes" and state.src[tag.end : state.posMax].strip(" \t\n"):
        return False  # {#id} and {.class} only end a heading or a block
    pair = closing_tag(state.src, tag, tag.end, state.posMax)
    end = pair.end if pair is not None else tag.end
    if not silent:
        token = state.push(INLINE_TAG, "", 0)
        token.content = state.src[start:end]
        token.info = tag.syntax
    state.pos = end
    return True


def tags_to_line_end(text: str, pos: int, limit: int) -> int | None:
    """Where the line ends if ``text[pos:]`` up to a line end is only tags and spaces (tags
    may span lines); None otherwise."""
    while True:
        tag = scan_tag(text, pos, limit)
        if tag is None:
            return None
        pos = tag.end
        if (tag.syntax, tag.name) in CODE_PAIRS:
            line_end = text.find("\n", pos, limit)
            pair = closing_tag(text, tag, pos, limit if line_end < 0 else line_end)
            pos = pair.end if pair is not None else pos
        while pos < limit and text[pos] in " \t":
            pos += 1
        if pos >= limit or text[pos] == "\n":
            return pos
        if text[pos] != "{":
            return None


def _block_start(state: StateBlock, line: int) -> int | None:
    """Offset of the line's first character if it is a ``{`` a block rule may take."""
    if state.sCount[line] - state.blkIndent >= 4:
        return None
    pos = state.bMarks[line] + state.tShift[line]
    return pos if pos < state.eMarks[line] and state.src[pos] == "{" else None


def tag_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """Lines made only of tags: one ``site_tag_block`` token."""
    pos = _block_start(state, start_line)
    if pos is None:
        return False
    end = tags_to_line_end(state.src, pos, state.eMarks[end_line - 1])
    if end is None:
        return False
    if silent:
        return True
    line = start_line
    while state.eMarks[line] < end:
        line += 1
    token = state.push(BLOCK_TAG, "", 0)
    token.content = state.src[pos:end]
    token.map = [start_line, line + 1]
    state.line = line + 1
    return True


def code_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """A code-pair opener alone on its line, through the line holding its closer (within
    the same container)."""
    pos = _block_start(state, start_line)
    if pos is None:
        return False
    opener = scan_tag(state.src, pos, state.eMarks[start_line])
    if opener is None or (opener.syntax, opener.name) not in CODE_PAIRS:
        return False
    if state.src[opener.end : state.eMarks[start_line]].strip():
        return False
    closer = closing_tag(state.src, opener, opener.end, state.eMarks[end_line - 1])
    if closer is None:
        return False
    line = start_line + 1
    while True:
        if state.sCount[line] < state.blkIndent and not state.isEmpty(line):
            return False  # the container ends first: not closed in it
        if state.eMarks[line] >= closer.end:
            break
        line += 1
    if not silent:
        token = state.push(CODE, "code", 0)
        token.info = opener.name
        token.markup = state.src[opener.start : opener.end]
        token.content = state.getLines(start_line + 1, line, state.blkIndent, True)
        token.map = [start_line, line + 1]
    state.line = line + 1
    return True


def _tag_destination(original: Callable[[str, int, int], Any]) -> Callable[[str, int, int], Any]:
    """markdown-it's ``parseLinkDestination``, reading a tag in the destination as one
    opaque piece (its spaces and quotes do not end it): ``({{< ref "x" >}}#partie)``."""

    def parse(string: str, pos: int, maximum: int) -> Any:
        if string.find("{", pos, maximum) < 0:
            return original(string, pos, maximum)
        out: list[str] = []
        p = pos
        while p < maximum and string[p] not in " \n" and ord(string[p]) >= 0x20:
            tag = scan_tag(string, p, maximum) if string[p] == "{" else None
            if tag is None:
                out.append(string[p])
                p += 1
            else:
                out.append("x" * (tag.end - tag.start))
                p = tag.end
        result = original(string[:pos] + "".join(out) + string[p:], pos, maximum)
        if result.ok:
            angle = string.startswith("<", pos)
            result.str = unescapeAll(
                string[pos + 1 : result.pos - 1] if angle else string[pos : result.pos]
            )
        return result

    return parse


def _render_inline(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """A tag renders as its text: postloc cannot run the generator (and escaping is safe)."""
    return escapeHtml(tokens[idx].content)


def _render_block(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return f"<p>{escapeHtml(tokens[idx].content)}</p>\n"


def _render_code(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return f"<pre><code>{escapeHtml(tokens[idx].content)}</code></pre>\n"
