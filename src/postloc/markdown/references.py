"""Reference links and images whose text is their label, kept resolvable once translated.

``![chat]``, ``![chat][]``, ``[la page][]`` and ``[la page]`` find their definition through
their own text: translated, the text no longer names a definition and the link or image
becomes plain text (issue 16, case 4). The rebuild therefore writes such a reference in the
full form with the original label (``![El gato][chat]``, ``[la página][la page]``) whenever
the translated text differs from the label; an unchanged one is left as written, so an
identity export stays byte-identical.

Which translated reference stands for which source one is read by position: the n-th
bracketed text of the translation (``[sic]`` too) is the n-th of the source, when both
have as many (a translation that drops or adds one is left alone, and the document check
reports the link it loses).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, Final

from markdown_it.common.utils import normalizeReference

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline

_FOUND: Final = "postloc_short_references"
"""Key of the ``env`` where :func:`_parser` records each reference it reads."""


@dataclass(frozen=True, slots=True)
class ShortReference:
    """A shortcut (``[text]``) or collapsed (``[text][]``) reference link or image."""

    start: int
    """Offset of its ``[`` (``!`` for an image)."""
    end: int
    """Offset just after it (after ``]`` or ``][]``)."""
    label: str
    """Its text as written, which is also its label."""
    image: bool
    """Whether it is an image."""

    def full_form(self, label: str) -> str:
        """The same text, pointing at ``label`` (``![text][label]``)."""
        return ("!" if self.image else "") + f"[{self.label}][{label}]"


class _EveryReference(dict[str, dict[str, str]]):
    """Resolves every label: a translation's references are found before they are judged."""

    def get(self, key: str, default: Any = None) -> dict[str, str]:
        return {"href": "", "title": ""}


@lru_cache(maxsize=64)
def defined_labels(body: str) -> frozenset[str]:
    """The normalised labels a Markdown body defines (``[label]: target``)."""
    from postloc.markdown.dialect import markdown_parser

    if "]:" not in body:
        return frozenset()
    env: dict[str, Any] = {}
    markdown_parser().parse(body, env)
    references: Mapping[str, Any] = env.get("references", {})
    return frozenset(references)


def short_references(text: str, defined: frozenset[str] | None = None) -> list[ShortReference]:
    """The short references of inline Markdown ``text``, in order: those that resolve
    against ``defined`` labels, or every bracketed text that would if defined (None)."""
    if "[" not in text:
        return []
    references: dict[str, dict[str, str]] | _EveryReference
    if defined is None:
        references = _EveryReference()
    else:
        references = {label: {"href": "", "title": ""} for label in defined}
    env: dict[str, Any] = {"references": references}
    _parser().parseInline(text, env)
    found: list[tuple[str, ShortReference]] = env.get(_FOUND, [])
    return sorted((ref for src, ref in found if src == text), key=lambda r: r.start)


def with_full_references(source: str, translation: str, defined: frozenset[str]) -> str:
    """``translation`` of ``source`` with each short reference whose text changed written
    in the full form with the source's label (see the module docstring)."""
    if not defined or "[" not in translation:
        return translation
    resolving = {reference.start for reference in short_references(source, defined)}
    if not resolving:
        return translation
    wanted, found = short_references(source), short_references(translation)
    if len(found) != len(wanted):
        return translation
    out, done = [], 0
    for old, new in zip(wanted, found, strict=True):
        if old.start not in resolving or (
            normalizeReference(new.label) == normalizeReference(old.label)
        ):
            continue
        out.append(translation[done : new.start] + new.full_form(old.label))
        done = new.end
    return "".join(out) + translation[done:]


def _recording(
    rule: Callable[[StateInline, bool], bool], image: bool
) -> Callable[[StateInline, bool], bool]:
    """Wrap markdown-it's link or image rule so the short references it reads are noted."""

    def recorded(state: StateInline, silent: bool) -> bool:
        start = state.pos
        matched = rule(state, silent)
        if not matched or silent:
            return matched
        opening = start + 1 if image else start
        label_end = state.md.helpers.parseLinkLabel(state, opening, not image)
        tail = state.src[label_end + 1 : state.pos]
        if label_end >= 0 and tail in ("", "[]"):
            label = state.src[opening + 1 : label_end]
            reference = ShortReference(start, state.pos, label, image)
            state.env.setdefault(_FOUND, []).append((state.src, reference))
        return matched

    return recorded


@cache
def _parser() -> MarkdownIt:
    """The dialect's parser, recording the short references it reads."""
    from markdown_it.rules_inline import image, link

    from postloc.markdown.dialect import new_parser

    md = new_parser()
    md.inline.ruler.at("link", _recording(link, image=False))
    md.inline.ruler.at("image", _recording(image, image=True))
    return md
