"""Segments + translations → the localized post text, every untranslated byte kept.

Each translated segment's span is replaced; nothing else is rewritten, so
code, HTML, site tags, list markers, YAML comments and line endings come out as the
author wrote them, and a translation identical to its msgid keeps the source bytes. A
translation is made safe for where it lands: one line (a newline would change block
structure) except where Markdown itself reads a hard break or a site tag spans lines,
``|`` escaped in table cells, a first character that would open another block escaped
(``\\-``, ``1\\.``), a later line that could interrupt the paragraph indented, a shortcode
parameter value kept inside its quotes, a link title inside its delimiters
(:func:`~postloc.markdown.titles.escaped_title`), an admonition title on its line, and YAML
values quoted when plain would not read back as the same string.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from markdown_it.common.utils import normalizeReference

from postloc.markdown import frontmatter
from postloc.markdown.dialect import markdown_parser
from postloc.markdown.htmlblock import HTML_ATTRIBUTE_KIND, HTML_KIND, html_block_text
from postloc.markdown.joining import kept_newlines
from postloc.markdown.lines import LINE_BREAK
from postloc.markdown.model import Edit, Post, Segment
from postloc.markdown.references import defined_labels, with_full_references
from postloc.markdown.sitesyntax.params import requote
from postloc.markdown.sitesyntax.scan import scan_tags
from postloc.markdown.titles import ADMONITION_TITLE_KIND, LINK_TITLE_KIND, escaped_title

_LIST_MARKER: Final = re.compile(r"[-+*]|\d{1,9}[.)]")
_BLOCK_START: Final = re.compile(
    r"(?P<hash>#{1,6}(?=[ \t]|$))"
    r"|(?P<bullet>[-+*](?=[ \t]|$))"
    r"|\d{1,9}(?P<ordered>[.)](?=[ \t]|$))"
    r"|(?P<quote>>)"
    r"|(?P<fence>`{3,}[^`]*$|~{3,})"
    r"|(?P<underline>(?:=+|-+)[ \t]*$)"
    r"|(?P<rule>(?:\*[ \t]*){3,}$|(?:_[ \t]*){3,}$|(?:-[ \t]*){3,}$)"
    # Only `[label]:` can open a link definition; possessive, so a long "[…" line that
    # is no label fails in one pass instead of backtracking over every character.
    r"|(?P<ref>\[[^\]\\]*+(?:\\.[^\]\\]*+)*+\]:)"
    r"|(?P<html><)"
)
"""A paragraph start that might open a block instead (checked and escaped by :func:`_guard`)."""
_DELIMITER_ROW: Final = re.compile(
    rf"[> \t]*(?:[|:][-:| \t]|-[-:|])[-:| \t]*(?:{LINE_BREAK.pattern}|$)"
)
"""A line that could be a table's delimiter row, after any quote markers."""
_RISKY_START: Final = re.compile(r"[#>*+\-_=`~<|:{]|\d{1,9}[.)]")
"""A later line starting like this might open a block (checked by :func:`_indented`)."""
_CLOSING_HASHES: Final = re.compile(r"(?:^|[ \t])(#+)[ \t]*$")
_FOOTNOTE_LABEL: Final = re.compile(r"\[\^[^\]\s]+\]:[ \t]*$")
"""A footnote definition's label ending a paragraph's first-line prefix (``[^1]: ``)."""


def rebuild_post(
    post: Post,
    segments: Sequence[Segment],
    translations: Mapping[int, str],
    extra_front_matter: Sequence[tuple[str, Any]] = (),
) -> str:
    """The localized document: ``translations[i]`` replaces ``segments[i]``'s source span.

    Segments without a translation (or with an empty one) keep their source
    bytes. ``extra_front_matter`` sets top-level keys (replaced in place, or
    appended; a post without front matter gets one), overriding a translated
    value of the same key. The BOM and the file's line endings are kept.
    Raises ValueError for an index outside ``segments`` or overlapping spans.
    """
    for index in translations:
        if not 0 <= index < len(segments):
            raise ValueError(f"translation index {index} has no segment")
    extra_keys = [key for key, _value in extra_front_matter]
    if len(set(extra_keys)) != len(extra_keys):
        raise ValueError("extra_front_matter sets a key twice")
    edits: list[Edit] = []
    in_front_matter: list[tuple[Segment, str]] = []
    for index, translation in translations.items():
        segment = segments[index]
        if not 0 <= segment.start <= segment.end <= len(post.text):
            raise ValueError(f"segment {index} lies outside the post")
        if segment.in_front_matter:
            in_front_matter.append((segment, translation))
        else:
            edit = _body_edit(post, segment, translation)
            if edit.new != post.text[edit.start : edit.end]:
                edits.append(edit)
    edits.extend(frontmatter.edits(post, in_front_matter, extra_front_matter))
    return ("\ufeff" if post.bom else "") + _apply(post.text, edits)


def _apply(text: str, edits: list[Edit]) -> str:
    out: list[str] = []
    done = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < done:
            raise ValueError(f"segments overlap at offset {edit.start}")
        out.append(text[done : edit.start])
        out.append(edit.new)
        done = edit.end
    out.append(text[done:])
    return "".join(out)


def _body_edit(post: Post, segment: Segment, translation: str) -> Edit:
    """The edit a body segment's translation makes: its span replaced, and for the alt text
    of a shortcut or collapsed reference image the reference after it too, since the
    translated text can no longer be the label (:mod:`postloc.markdown.references`)."""
    new = _body_text(post, segment, translation)
    if segment.kind != "alt-text" or new == post.text[segment.start : segment.end]:
        return Edit(segment.start, segment.end, new)
    closing = segment.end
    while closing < len(post.text) and post.text[closing] in " \t\r\n>":
        closing += 1
    if post.text.startswith("][]", closing):  # collapsed: ![alt][]
        end = closing + 3
    elif post.text.startswith("]", closing) and not post.text.startswith(("](", "]["), closing):
        end = closing + 1  # shortcut: ![alt]
    else:  # an inline image or a full reference: the label is not the alt text
        return Edit(segment.start, segment.end, new)
    if normalizeReference(new) == normalizeReference(segment.text):
        return Edit(segment.start, segment.end, new)
    return Edit(segment.start, end, f"{new}{post.text[segment.end : closing]}][{segment.text}]")


def _body_text(post: Post, segment: Segment, translation: str) -> str:
    """The Markdown that replaces a body segment's span."""
    if segment.kind in (HTML_KIND, HTML_ATTRIBUTE_KIND):
        written = html_block_text(segment, post.text, translation)
        return post.text[segment.start : segment.end] if written is None else written
    text = translation.strip(" \t\r\n")
    if not text or text == segment.text.strip(" \t\r\n"):
        return post.text[segment.start : segment.end]
    if segment.kind == "shortcode-param":
        return requote(text, post.text[segment.start - 1 : segment.start])
    if segment.kind == LINK_TITLE_KIND:
        return escaped_title(text, post.text[segment.start - 1 : segment.start])
    if segment.kind == ADMONITION_TITLE_KIND:
        return _one_line(text)
    if segment.kind != "alt-text":
        text = with_full_references(
            segment.text, text, defined_labels(post.text[post.body_start :])
        )
    before = segment.start  # the segment's line starts after the last \n or \r before it
    line_start = 1 + max(post.text.rfind("\n", 0, before), post.text.rfind("\r", 0, before))
    prefix = post.text[line_start : segment.start]
    atx = segment.kind == "heading" and prefix.rstrip().endswith("#")
    if segment.kind == "table-cell":
        cell = _escape_pipes(_one_line(text))
        if cell.endswith("\\") and post.text.startswith("|", segment.end):
            cell += " "  # "\\|" would escape the cell's border
        return cell
    if segment.kind == "alt-text" or atx:
        text = _one_line(text)
        if atx:
            text = _CLOSING_HASHES.sub(lambda m: m.group().replace("#", "\\#", 1), text)
        return text
    # A translated first line can open a block (so can one onto which soft lines were
    # joined: "**" + "*" is a rule); later lines (after hard breaks) are made
    # continuations by indentation. Container prefixes end in a space, a tab or ">";
    # anything else (a trimmed U+000B, U+00A0…) stays before the text and already keeps
    # any block from starting.
    shielded = bool(prefix) and prefix[-1] not in " \t>"
    lines = _lines(text)
    first, in_tag = lines[0]
    lines[0] = (first if shielded else _guard(first), in_tag)
    below = _next_line_start(post.text, segment.end)
    if _DELIMITER_ROW.match(post.text, below):
        lines = _pipe_free_last_line(lines)
    continuation = post.newline + _continuation(prefix)
    return lines[0][0] + "".join(
        continuation + (line if in_tag else _indented(above, line))
        for (above, _), (line, in_tag) in itertools.pairwise(lines)
    )


def _indented(above: str, line: str) -> str:
    """A paragraph's later line, indented by four if it would otherwise open a block.

    Four columns of indentation make any line a paragraph continuation (it
    cannot even start code there) and render as nothing; escaping could not
    protect ``<div>`` without turning it into text. The line is checked with
    the one ``above`` it, which a ``---`` or ``|--|`` would turn into a
    heading or a table header.
    """
    if not _RISKY_START.match(line):
        return line
    tokens = markdown_parser().parse(f"{above}\n{line}")
    if [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]:
        return line
    return "    " + line


def _next_line_start(text: str, offset: int) -> int:
    found = LINE_BREAK.search(text, offset)
    return found.end() if found else len(text)


def _pipe_free_last_line(lines: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Keep the line above a ``---``-like line free of ``|``.

    A one-column line with a pipe right above a delimiter-like line would
    become a table header; a soft break after the last pipe (rendered as a
    space) leaves only pipe-free text there.
    """
    last, in_tag = lines[-1]
    space = last.find(" ", last.rfind("|"))
    if "|" not in last or space < 0 or last[:space].endswith("\\"):
        return lines
    return [*lines[:-1], (last[:space], in_tag), (last[space + 1 :].lstrip(" "), False)]


def _continuation(prefix: str) -> str:
    """The container prefix for a paragraph's next line, from its first line's prefix.

    Quote markers stay (each followed by its optional space, so that the
    columns after it do not shift), list markers and anything else (e.g. a
    trimmed U+2003) become spaces.
    """
    prefix = re.sub(r"\[[ xX]\][ \t]+$", "", prefix)  # a task box is not a container
    # A footnote's text continues four columns in (mdit-py-plugins' footnote_def), wherever
    # its first line's text starts: a line of a site tag keeps its own indentation after it.
    prefix = _FOOTNOTE_LABEL.sub("    ", prefix)
    spaced = re.sub(r">(?![ \t])", "> ", prefix)
    blanked = _LIST_MARKER.sub(lambda m: " " * len(m.group()), spaced)
    return "".join(c if c in "> \t" else " " for c in blanked)


def _hard_lines(text: str) -> list[str]:
    """Split at hard breaks (kept at line ends); soft newlines become one space."""
    lines: list[str] = []
    for raw in LINE_BREAK.split(text):
        if not raw.strip(" \t"):
            continue
        if lines and not _is_hard(lines[-1]):
            lines[-1] = lines[-1].rstrip(" \t") + " " + raw.lstrip(" \t")
        else:
            lines.append(raw.lstrip(" \t") if lines else raw)
    return lines


def _lines(text: str) -> list[tuple[str, bool]]:
    """:func:`_hard_lines`, except that a line break inside a site tag, or one that
    :func:`~postloc.markdown.joining.kept_newlines` keeps, stays as written: each line comes
    with whether it continues a tag (then it is taken as it is, its indentation included;
    only the container prefix is added). A kept line keeps its indentation too, but is
    still checked by :func:`_indented`."""
    if LINE_BREAK.search(text) is None:
        return [(text, False)]
    kept = kept_newlines(text.replace("\r\n", " \n").replace("\r", "\n"))
    in_tags = (
        {
            found.end() - 1
            for tag in scan_tags(text)
            for found in LINE_BREAK.finditer(text, tag.start, tag.end)
        }
        if "{" in text
        else set()
    )
    if not kept and not in_tags:
        return [(line, False) for line in _hard_lines(text)]
    lines: list[tuple[str, bool]] = []
    position, continues_tag, as_written = 0, False, False
    for found in [*LINE_BREAK.finditer(text), None]:
        raw = text[position : found.start() if found else len(text)]
        if continues_tag and lines:
            lines.append((raw, True))
        elif not raw.strip(" \t"):
            pass
        elif as_written and lines:
            lines.append((raw, False))
        elif lines and not _is_hard(lines[-1][0]):
            above, in_tag = lines[-1]
            lines[-1] = (above.rstrip(" \t") + " " + raw.lstrip(" \t"), in_tag)
        else:
            lines.append((raw.lstrip(" \t") if lines else raw, False))
        if found is not None:
            newline = found.end() - 1
            continues_tag, as_written = newline in in_tags, newline in kept
            position = found.end()
    return lines


def _one_line(text: str) -> str:
    """``text`` on one line: hard breaks lose their marker, newlines become spaces."""
    lines = _hard_lines(text)
    return " ".join([*(_unbreak(line) for line in lines[:-1]), lines[-1]])


def _is_hard(line: str) -> bool:
    """Whether Markdown reads the newline after ``line`` as a hard break."""
    backslashes = len(line) - len(line.rstrip("\\"))
    return backslashes % 2 == 1 or (line.endswith("  ") and bool(line.strip(" \t")))


def _unbreak(line: str) -> str:
    """``line`` without its hard-break marker, for places that hold one line only."""
    if (len(line) - len(line.rstrip("\\"))) % 2 == 1:
        return line[:-1].rstrip(" \t")
    return line.rstrip(" \t")


def _guard(line: str) -> str:
    r"""Escape a paragraph's first-line start that would open a block instead.

    The pattern only preselects; markdown-it has the last word, so that a
    link such as ``[x]: y[x]`` keeps its bracket. Escaping renders as the
    character itself (``\-`` shows ``-``).
    """
    found = _BLOCK_START.match(line)
    if found is None:
        return line
    tokens = markdown_parser().parse(line)
    if tokens and tokens[0].type == "paragraph_open":
        return line
    if found.group("ordered"):
        cut = found.start("ordered")
        return line[:cut] + "\\" + line[cut:]
    return "\\" + line


def _escape_pipes(text: str) -> str:
    """Escape each ``|`` that markdown-it's table splitter would read as a cell border."""
    return re.sub(r"(?<!\\)\|", r"\\|", text)
