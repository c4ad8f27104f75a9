"""Which old source text a changed one most resembles: Babel's fuzzy match, without its cost.

Babel's ``Catalog.update`` (the merge semantics postloc follows) calls
``difflib.get_close_matches(key, candidates, 1)`` for every new msgid: each
candidate is compared with ``SequenceMatcher.ratio()``, cutoff 0.6, keys
lower-cased and stripped, best ratio wins and a tie goes to the greater key.
That is quadratic and takes minutes on a few thousand entries.

:class:`FuzzyIndex` returns exactly what ``get_close_matches`` would, but only
computes ``ratio()`` for candidates whose *upper bound* could still win, best
bound first, and stops as soon as no remaining bound reaches the best ratio
found. Two bounds, both provably ≥ ``ratio()``:

- the character multiset intersection (``quick_ratio()``), after a length window;
- for texts of 200+ characters, where difflib ignores "popular" characters
  (more than 1% + 1 occurrences) when looking for matches, every matching
  block must contain a rare character of the new text, so the matched total is
  at most the size of the union of the common substrings through equal rare
  characters. Unrelated paragraphs score near zero here while their
  ``quick_ratio()`` is around 0.8. (The one block difflib can find without such
  a seed is a common prefix, when a sub-range starts with equal characters;
  only the range starting at 0, 0 can, so the common prefix joins the union.)
"""

from __future__ import annotations

import bisect
import difflib
import heapq
from collections import Counter
from collections.abc import Container, Iterable
from dataclasses import dataclass

CUTOFF = 0.6
"""``difflib.get_close_matches``'s default cutoff, the one Babel uses."""

AUTOJUNK_LENGTH = 200
"""difflib's threshold for treating popular characters as unusable match seeds."""


def match_key(text: str) -> str:
    """Babel's ``_to_fuzzy_match_key``: case and surrounding whitespace do not count."""
    return text.lower().strip()


def _ratio(matches: int, length: int) -> float:
    """difflib's ``_calculate_ratio``, so bounds and ratios compare exactly."""
    return 2.0 * matches / length if length else 1.0


@dataclass(slots=True)
class _Candidate:
    """One distinct match key and what the bounds need to know about it."""

    key: str
    """The normalized text compared by ``ratio()``."""
    originals: list[str]
    """Keys given to the index that normalize to ``key``, in the order given."""
    counts: Counter[str]
    """Character multiset of ``key``."""
    bigrams: dict[str, list[int]] | None = None
    """Where each two-character string starts in ``key``; built when first needed."""

    def bigram_starts(self) -> dict[str, list[int]]:
        if self.bigrams is None:
            self.bigrams = {}
            for i in range(len(self.key) - 1):
                self.bigrams.setdefault(self.key[i : i + 2], []).append(i)
        return self.bigrams


class FuzzyIndex:
    """Best fuzzy match among fixed ``keys``, as ``get_close_matches(text, keys, 1)`` picks it.

    Build it once over the old msgids that may serve as fuzzy sources, then ask
    for each new msgid; ``exclude`` hides keys already used, so one old
    translation is never given to two new entries.
    """

    def __init__(self, keys: Iterable[str]) -> None:
        by_key: dict[str, _Candidate] = {}
        for original in keys:
            key = match_key(original)
            candidate = by_key.get(key)
            if candidate is None:
                candidate = by_key[key] = _Candidate(key, [], Counter(key))
            if original not in candidate.originals:
                candidate.originals.append(original)
        self._candidates = sorted(by_key.values(), key=lambda c: len(c.key))
        self._lengths = [len(c.key) for c in self._candidates]

    def __len__(self) -> int:
        return len(self._candidates)

    def best_match(self, text: str, exclude: Container[str] = ()) -> str | None:
        """The key whose text is most similar to ``text`` (ratio ≥ 0.6), or None."""
        word = match_key(text)
        size = len(word)
        # real_quick_ratio() >= CUTOFF  <=>  the shorter is at least 3/7 of the longer.
        low = bisect.bisect_left(self._lengths, (size * 3 + 6) // 7)
        high = bisect.bisect_right(self._lengths, size * 7 // 3)
        counts = Counter(word)
        seeds = _rare_positions(word)
        # Best bound first; a candidate's first bound is the cheap quick_ratio(), refined
        # (seed bound) only when it reaches the top of the heap.
        heap: list[tuple[float, bool, int, _Candidate]] = []
        for n, candidate in enumerate(self._candidates[low:high]):
            if all(o in exclude for o in candidate.originals):
                continue
            common = sum(min(k, counts[c]) for c, k in candidate.counts.items() if c in counts)
            bound = _ratio(common, size + len(candidate.key))
            if bound >= CUTOFF:
                heap.append((-bound, seeds is None, n, candidate))
        heapq.heapify(heap)
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(word)
        best: tuple[float, str] | None = None
        winner: _Candidate | None = None
        while heap:
            negative, refined, n, candidate = heapq.heappop(heap)
            if -negative < CUTOFF or (best is not None and -negative < best[0]):
                break
            if not refined and seeds is not None:
                common = _seed_bound(candidate, word, seeds)
                bound = _ratio(common, size + len(candidate.key))
                heapq.heappush(heap, (-min(bound, -negative), True, n, candidate))
                continue
            matcher.set_seq1(candidate.key)
            score = matcher.ratio()
            if score >= CUTOFF and (best is None or (score, candidate.key) > best):
                best, winner = (score, candidate.key), candidate
        if winner is None:
            return None
        return next(o for o in winner.originals if o not in exclude)


def _rare_positions(word: str) -> list[int] | None:
    """Positions of the characters difflib may seed matches with (None: all of them)."""
    if len(word) < AUTOJUNK_LENGTH:
        return None
    counts = Counter(word)
    limit = len(word) // 100 + 1
    return [j for j, char in enumerate(word) if counts[char] <= limit]


def _seed_bound(candidate: _Candidate, word: str, seeds: list[int]) -> int:
    """Upper bound on the characters difflib can match between ``candidate`` and ``word``.

    Every matching block is the common prefix or contains a seed (a rare
    character of ``word`` also in the candidate), so the blocks lie inside the
    union of the common substrings through each pair of equal seed positions.
    A pair whose neighbours differ on both sides adds its seed alone; the
    others share a two-character string, which the candidate's bigram index
    finds without trying every pair.
    """
    key = candidate.key
    spans = [(0, _run(key, 0, word, 0))]
    by_diagonal: dict[int, tuple[int, int]] = {}
    bigrams = candidate.bigram_starts()
    for j in seeds:
        if word[j] not in candidate.counts:
            continue
        spans.append((j, j + 1))
        for probe, shift in ((word[j : j + 2], 0), (word[j - 1 : j + 1] if j else "", 1)):
            for start in bigrams.get(probe, ()):
                i = start + shift
                known = by_diagonal.get(i - j)
                if known is not None and known[0] <= j < known[1]:
                    continue  # the same maximal common substring as a pair already seen
                span = (j - _run_back(key, i, word, j), j + 1 + _run(key, i + 1, word, j + 1))
                by_diagonal[i - j] = span
                spans.append(span)
    spans.sort()
    covered, reach = 0, 0
    for begin, end in spans:
        if end > reach:
            covered += end - max(begin, reach)
            reach = end
    return covered


def _run(a: str, i: int, b: str, j: int) -> int:
    """Length of the common prefix of ``a[i:]`` and ``b[j:]`` (galloping slice compares)."""
    limit = min(len(a) - i, len(b) - j)
    if limit <= 0 or a[i] != b[j]:
        return 0
    good, step = 1, 2
    while step <= limit and a[i : i + step] == b[j : j + step]:
        good, step = step, step * 2
    bad = min(step, limit + 1)
    while bad - good > 1:
        middle = (good + bad) // 2
        if a[i : i + middle] == b[j : j + middle]:
            good = middle
        else:
            bad = middle
    return good


def _run_back(a: str, i: int, b: str, j: int) -> int:
    """Length of the common suffix of ``a[:i]`` and ``b[:j]``."""
    limit = min(i, j)
    if limit <= 0 or a[i - 1] != b[j - 1]:
        return 0
    good, step = 1, 2
    while step <= limit and a[i - step : i] == b[j - step : j]:
        good, step = step, step * 2
    bad = min(step, limit + 1)
    while bad - good > 1:
        middle = (good + bad) // 2
        if a[i - middle : i] == b[j - middle : j]:
            good = middle
        else:
            bad = middle
    return good
