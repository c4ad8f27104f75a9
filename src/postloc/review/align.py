"""A human translation's segments paired with its source's, block by block (``postloc adopt``).

A blog translated by hand has, for each source post, a translated file whose blocks mostly
follow the source: the same headings, paragraphs and lists in the same order, now and then a
paragraph added, dropped or restyled. Both are segmented with the same rules
(:func:`postloc.markdown.segment.segment_post`); this module pairs the two segment lists, as
po4a-gettextize does, but tolerating drift instead of giving up at the first difference.

- Front-matter values pair by field path (``title`` ↔ ``title``), the n-th value of a path
  with the n-th.
- Body segments pair by a global sequence alignment (Needleman–Wunsch) whose match score
  compares what survives translation: the segment kind, the markup a translator keeps (link
  and image targets, inline code, raw HTML tags, site tags, emphasis), the length ratio
  (Gale–Church) and shared cognates (Simard, Foster and Isabelle: words sharing their first
  four letters, numbers, URLs). When both bodies have the same shape, block for block, and
  the alignment pairs them in order, every pair is certain (the structure is the same).
- A pair is *certain* when both sides have the same shape and every other way of aligning
  either side (another partner, or none) scores at least :data:`MARGIN` worse: a paragraph
  dropped among paragraphs of the same shape and length leaves its neighbours uncertain,
  since the gap could sit one block further. Uncertain pairs carry the reason; the caller
  adopts them as fuzzy.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from postloc.config import DEFAULT_RULES, Extraction
from postloc.markdown.model import Segment
from postloc.markdown.sitesyntax.plugin import BLOCK_TAG, CODE, INLINE_TAG
from postloc.qa.text import parse_text, site_tags

GAP: Final = -1.5
"""Score of a block one side has and the other lacks."""
MARGIN: Final = 2.0
"""How much worse every alternative must score for a pair to be certain."""
_TAG_NAME: Final = re.compile(r"</?\s*([A-Za-z][\w-]*)")
_WORD: Final = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Shape:
    """What a segment looks like once its words are set aside."""

    kind: str
    """The segment kind (``paragraph``, ``heading``, ``front-matter:description``…)."""
    markup: tuple[str, ...]
    """Markup kinds, sorted (a translation may reorder a sentence): ``link``, ``code``,
    ``strong``, ``html a``, site tags as written (translated values masked)…"""
    exact: tuple[str, ...]
    """The same with what a translator should keep byte for byte: link and image targets,
    code, sorted."""


@dataclass(frozen=True, slots=True)
class Pair:
    """A source segment and the translation segment aligned with it."""

    source: Segment
    """The source post's segment."""
    target: Segment
    """The translation's segment."""
    doubt: str | None = None
    """Why the pairing or the translation is uncertain; None when certain."""


@dataclass(frozen=True, slots=True)
class Alignment:
    """Every segment of both posts, each paired or left alone."""

    pairs: tuple[Pair, ...]
    """Aligned segments, in source order."""
    dropped: tuple[Segment, ...]
    """Source segments the translation has no counterpart for."""
    added: tuple[Segment, ...]
    """Translation segments with no counterpart in the source."""

    @property
    def same_structure(self) -> bool:
        """Every segment paired, every pair certain."""
        return not self.dropped and not self.added and all(p.doubt is None for p in self.pairs)


def shape_of(segment: Segment, rules: Extraction = DEFAULT_RULES) -> Shape:
    """The segment's :class:`Shape` (front-matter values have no markup)."""
    if segment.in_front_matter:
        return Shape(segment.kind, (), ())
    parsed = parse_text(segment.text)
    markup: list[str] = []
    exact: list[str] = []
    for token in parsed.inline:
        kind = token.type
        if kind in ("inline", "text", "softbreak", INLINE_TAG, BLOCK_TAG, CODE) or kind.endswith(
            "_close"
        ):
            continue
        if kind == "link_open":
            markup.append("link")
            exact.append(f"link {token.attrs.get('href', '')}")
        elif kind == "image":
            markup.append("image")
            exact.append(f"image {token.attrs.get('src', '')}")
        elif kind == "code_inline":
            markup.append("code")
            exact.append(f"code {token.content}")
        elif kind == "html_inline":
            name = _TAG_NAME.match(token.content)
            markup.append(f"html {name.group(1).lower() if name else '?'}")
        else:
            markup.append(kind.removesuffix("_open"))
    tags = sorted(site_tags(parsed.inline, rules).elements())
    return Shape(segment.kind, tuple(sorted(markup + tags)), tuple(sorted(exact)))


def align(
    source: Sequence[Segment], target: Sequence[Segment], rules: Extraction = DEFAULT_RULES
) -> Alignment:
    """Pair a post's segments with its translation's (see the module's docstring)."""
    pairs: list[Pair] = []
    dropped: list[Segment] = []
    added: list[Segment] = []
    _align_front_matter(
        [s for s in source if s.in_front_matter],
        [t for t in target if t.in_front_matter],
        pairs,
        dropped,
        added,
    )
    _align_body(
        [s for s in source if not s.in_front_matter],
        [t for t in target if not t.in_front_matter],
        rules,
        pairs,
        dropped,
        added,
    )
    return Alignment(
        tuple(_doubt_kept_source(pair) for pair in pairs), tuple(dropped), tuple(added)
    )


KEPT_SOURCE_WORDS: Final = 4
"""Words from which a translation identical to its source is doubted (a name or a short
title may stay as it is; a sentence left in the source language is untranslated)."""


def _doubt_kept_source(pair: Pair) -> Pair:
    """A pair whose translation is its source text word for word, doubted when long."""
    same = pair.doubt is None and pair.source.text == pair.target.text
    if same and len(pair.source.text.split()) >= KEPT_SOURCE_WORDS:
        return Pair(pair.source, pair.target, "the translation keeps the source text")
    return pair


def _align_front_matter(
    source: list[Segment],
    target: list[Segment],
    pairs: list[Pair],
    dropped: list[Segment],
    added: list[Segment],
) -> None:
    """Values pair by field path, in order within one path."""
    by_kind: dict[str, list[Segment]] = {}
    for segment in target:
        by_kind.setdefault(segment.kind, []).append(segment)
    counts = Counter(segment.kind for segment in source)
    seen: Counter[str] = Counter()
    for segment in source:
        index = seen[segment.kind]
        seen[segment.kind] += 1
        theirs = by_kind.get(segment.kind, [])
        if index >= len(theirs):
            dropped.append(segment)
            continue
        doubt = None
        if len(theirs) != counts[segment.kind]:
            doubt = (
                f"{_field(segment.kind)} has {counts[segment.kind]} value(s) in the source and "
                f"{len(theirs)} in the translation"
            )
        pairs.append(Pair(segment, theirs[index], doubt))
    for kind, theirs in by_kind.items():
        added.extend(theirs[counts[kind] :])
    added.sort(key=lambda segment: segment.start)


def _field(kind: str) -> str:
    """A front-matter kind as a report names it."""
    return "field " + ("title" if kind == "title" else kind.partition(":")[2])


@dataclass(frozen=True, slots=True)
class _Unit:
    """A body segment as the alignment compares it."""

    segment: Segment
    shape: Shape
    size: int
    cognates: frozenset[str]


def _unit(segment: Segment, rules: Extraction) -> _Unit:
    return _Unit(segment, shape_of(segment, rules), len(segment.text), _cognates(segment.text))


def _cognates(text: str) -> frozenset[str]:
    """Words a translation tends to keep: first four letters of longer words, numbers."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return frozenset(
        word if word.isdigit() else word[:4]
        for word in _WORD.findall(plain)
        if word.isdigit() or len(word) >= 4
    )


def _align_body(
    source: list[Segment],
    target: list[Segment],
    rules: Extraction,
    pairs: list[Pair],
    dropped: list[Segment],
    added: list[Segment],
) -> None:
    ours = [_unit(segment, rules) for segment in source]
    theirs = [_unit(segment, rules) for segment in target]
    ratio = math.log((sum(u.size for u in theirs) + 1) / (sum(u.size for u in ours) + 1))
    ratio = max(-0.5, min(0.5, ratio))  # a block dropped must not skew what a pair's length is
    score = [[_score(a, b, ratio) for b in theirs] for a in ours]
    steps, margins = _needleman_wunsch(score, len(ours), len(theirs))
    alike = [(u.shape.kind, u.shape.markup) for u in ours] == [
        (u.shape.kind, u.shape.markup) for u in theirs
    ]
    if alike and all(i == j for i, j in steps):  # the same structure, block for block
        margins = dict.fromkeys(margins, math.inf)
    for i, j in steps:
        if i is None and j is not None:
            added.append(theirs[j].segment)
        elif j is None and i is not None:
            dropped.append(ours[i].segment)
        elif i is not None and j is not None:
            a, b = ours[i], theirs[j]
            doubt = _shape_doubt(a.shape, b.shape)
            if doubt is None and margins[(i, j)] < MARGIN:
                doubt = "a block is added or dropped next to it: the pairing may be one block off"
            pairs.append(Pair(a.segment, b.segment, doubt))


def _shape_doubt(ours: Shape, theirs: Shape) -> str | None:
    """Why two paired segments do not look alike; None when they do."""
    if ours.kind != theirs.kind:
        return f"a {ours.kind} in the source, a {theirs.kind} in the translation"
    if ours.markup != theirs.markup:
        return "its markup differs in the translation"
    if ours.exact != theirs.exact:
        return "its link targets or code differ in the translation"
    return None


def _score(a: _Unit, b: _Unit, ratio: float) -> float:
    """How well two body segments fit as source and translation: about 0 for two unrelated
    blocks of one shape, above for a likely pair, below for blocks that do not look alike."""
    score = 0.0 if a.shape.kind == b.shape.kind else -4.0
    if a.shape.markup == b.shape.markup:
        score += 0.5 * min(len(a.shape.markup), 4)  # shared markup is evidence
        if a.shape.exact and a.shape.exact == b.shape.exact:
            score += 1.0
    else:
        score -= 2.0
    if a.cognates or b.cognates:
        shared = len(a.cognates & b.cognates)
        score += 8.0 * 2 * shared / (len(a.cognates) + len(b.cognates))
    drift = abs(math.log((b.size + 1) / (a.size + 1)) - ratio)
    weight = min(1.0, (a.size + b.size) / 120)  # short texts' lengths say little
    return score - min(4.0, 3.0 * drift * weight)


Step = tuple[int | None, int | None]


def _needleman_wunsch(
    score: list[list[float]], n: int, m: int
) -> tuple[list[Step], dict[tuple[int, int], float]]:
    """The best global alignment of ``n`` source and ``m`` translation segments under
    ``score`` and :data:`GAP`, and for each pair on it
    how much better it is than the best alignment pairing either side otherwise.

    ``forward[i][j]`` is the best score of the first ``i`` source and ``j`` translation
    segments, ``backward[i][j]`` of the rest; an alternative for a pair's source segment
    (paired with another, or with none) scores ``forward + its step + backward``. Ties go to
    the diagonal, then to a dropped source segment, so the result is deterministic.
    """
    forward = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            best = -math.inf
            if i and j:
                best = forward[i - 1][j - 1] + score[i - 1][j - 1]
            if i:
                best = max(best, forward[i - 1][j] + GAP)
            if j:
                best = max(best, forward[i][j - 1] + GAP)
            forward[i][j] = best
    backward = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n, -1, -1):
        for j in range(m, -1, -1):
            if i == n and j == m:
                continue
            best = -math.inf
            if i < n and j < m:
                best = backward[i + 1][j + 1] + score[i][j]
            if i < n:
                best = max(best, backward[i + 1][j] + GAP)
            if j < m:
                best = max(best, backward[i][j + 1] + GAP)
            backward[i][j] = best
    steps: list[Step] = []
    i = j = 0
    while i < n or j < m:  # walk forward along an optimal path, preferring the diagonal
        here = backward[i][j]
        if i < n and j < m and _same(score[i][j] + backward[i + 1][j + 1], here):
            steps.append((i, j))
            i, j = i + 1, j + 1
        elif i < n and _same(GAP + backward[i + 1][j], here):
            steps.append((i, None))
            i += 1
        else:
            steps.append((None, j))
            j += 1
    total = backward[0][0]
    margins: dict[tuple[int, int], float] = {}
    for step in steps:
        if step[0] is None or step[1] is None:
            continue
        i, j = step[0], step[1]
        rival = max(
            max(
                (forward[i][k] + score[i][k] + backward[i + 1][k + 1] for k in range(m) if k != j),
                default=-math.inf,
            ),
            max(forward[i][k] + GAP + backward[i + 1][k] for k in range(m + 1)),
            max(
                (forward[k][j] + score[k][j] + backward[k + 1][j + 1] for k in range(n) if k != i),
                default=-math.inf,
            ),
            max(forward[k][j] + GAP + backward[k][j + 1] for k in range(n + 1)),
        )
        margins[(i, j)] = total - rival
    return steps, margins


def _same(a: float, b: float) -> bool:
    """Two sums of the same scores, added in another order."""
    return abs(a - b) <= 1e-9
