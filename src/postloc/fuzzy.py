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
  block must contain one rare character of the new text, so the matched total
  is at most the sum, over the rare characters' positions, of the longest
  common substring through that position. Unrelated paragraphs score near
  zero here while their ``quick_ratio()`` is around 0.8. (The one block difflib can
  find without a seed is a common prefix, when a sub-range starts with equal
  characters; only the range starting at 0, 0 can, so the common prefix is added.)
"""

from __future__ import annotations

import bisect
import difflib
from collections import Counter
from collections.abc import Container, Iterable
from dataclasses import dataclass, field

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
    positions: dict[str, list[int]] = field(default_factory=dict)
    """Where each character occurs in ``key``."""


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
                for i, char in enumerate(key):
                    candidate.positions.setdefault(char, []).append(i)
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
        bounded: list[tuple[float, str, _Candidate]] = []
        for candidate in self._candidates[low:high]:
            if not any(o not in exclude for o in candidate.originals):
                continue
            total = size + len(candidate.key)
            common = sum(min(n, counts[c]) for c, n in candidate.counts.items() if c in counts)
            if seeds is not None:
                common = _seed_bound(candidate, word, seeds, common)
            bound = _ratio(common, total)
            if bound >= CUTOFF:
                bounded.append((bound, candidate.key, candidate))
        bounded.sort(key=lambda item: (item[0], item[1]), reverse=True)
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(word)
        best: tuple[float, str] | None = None
        winner: _Candidate | None = None
        for bound, key, candidate in bounded:
            if best is not None and bound < best[0]:
                break
            matcher.set_seq1(key)
            score = matcher.ratio()
            if score >= CUTOFF and (best is None or (score, key) > best):
                best, winner = (score, key), candidate
        if winner is None:
            return None
        return next(o for o in winner.originals if o not in exclude)


def _rare_positions(word: str) -> dict[str, list[int]] | None:
    """Positions of the characters difflib may seed matches with (None: all of them)."""
    if len(word) < AUTOJUNK_LENGTH:
        return None
    positions: dict[str, list[int]] = {}
    for j, char in enumerate(word):
        positions.setdefault(char, []).append(j)
    limit = len(word) // 100 + 1
    return {char: js for char, js in positions.items() if len(js) <= limit}


def _seed_bound(candidate: _Candidate, word: str, seeds: dict[str, list[int]], cap: int) -> int:
    """Upper bound on matched characters: Σ over seeds of the longest match through them."""
    key = candidate.key
    total = 0  # the common prefix: the one block difflib may find without a seed
    while total < len(key) and total < len(word) and key[total] == word[total]:
        total += 1
    for char, js in seeds.items():
        starts = candidate.positions.get(char)
        if not starts:
            continue
        for j in js:
            longest = 0
            for i in starts:
                left = 1
                while left <= i and left <= j and key[i - left] == word[j - left]:
                    left += 1
                right = 1
                while i + right < len(key) and j + right < len(word):
                    if key[i + right] != word[j + right]:
                        break
                    right += 1
                longest = max(longest, left + right - 1)
            total += longest
            if total >= cap:
                return cap
    return total
