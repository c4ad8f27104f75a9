"""Which old source text a changed one most resembles: msgmerge's fuzzy match, computed exactly.

GNU ``msgmerge`` scores a pair of msgids with ``fstrcmp``: over the UTF-8
bytes, ``(len a + len b - edits) / (len a + len b)`` where ``edits`` counts
the insertions and deletions of the diff it finds; a candidate needs a score
of at least ``FUZZY_THRESHOLD`` (0.6) and the best one wins. Its diff gives up
on a minimal script past a cost limit, and its index only tries old msgids that
share a 4-character string with the new one.

postloc uses the same measure without those shortcuts: :func:`similarity` is
``2 * LCS / (len a + len b)`` over the UTF-8 bytes, the longest common
subsequence giving the fewest possible edits, so it is never below
``fstrcmp``'s value for the same pair (and equal to it whenever ``fstrcmp``
found a minimal script), and every old msgid is a candidate. So whatever
``msgmerge`` would pick clears the cutoff here too, and postloc's own pick
scores at least as high.

:class:`FuzzyIndex` avoids computing the LCS for every pair: candidates are
tried best upper bound first (length ratio, then the byte multisets' overlap),
the LCS itself (bit-parallel, one big-integer step per byte) stops as soon as
it cannot reach the best score found, and the search stops when no remaining
bound does.
"""

from __future__ import annotations

import bisect
import heapq
from collections import Counter
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass

CUTOFF = 0.6
"""msgmerge's ``FUZZY_THRESHOLD``: the lowest similarity that still lends a translation."""

_CUTOFF_NUMERATOR, _CUTOFF_DENOMINATOR = 3, 10
"""``2 * lcs / total >= 0.6`` as integers: ``10 * lcs >= 3 * total``, no rounding."""

_CHECK_EVERY = 32
"""Bytes of a candidate between two checks whether its LCS can still reach the target."""


def similarity(a: str, b: str) -> float:
    """msgmerge's ``fstrcmp`` measure with a minimal edit script: 2·LCS / total, UTF-8 bytes."""
    left, right = a.encode("utf-8"), b.encode("utf-8")
    total = len(left) + len(right)
    if not total:
        return 1.0
    return 2.0 * _lcs(_masks(left), len(left), right, 0) / total


@dataclass(frozen=True, slots=True)
class Match:
    """The old text chosen for a new one, and how similar they are."""

    key: str
    """One of the keys the index was built with."""
    score: float
    """:func:`similarity` of the new text and ``key`` (at least :data:`CUTOFF`)."""


@dataclass(slots=True)
class _Candidate:
    """One distinct key and what the bounds need to know about it."""

    key: str
    """The text as given to the index."""
    data: bytes
    """Its UTF-8 bytes, the units of the measure."""
    present: tuple[int, ...]
    """The distinct byte values of ``data``."""
    counts: tuple[int, ...]
    """How many times each of ``present`` occurs in ``data``."""
    order: int
    """Position among the keys given: equal scores go to the earliest."""


class FuzzyIndex:
    """The most similar of fixed ``keys`` (old msgids) for any new text.

    Build it once over the old msgids that may lend a translation, then ask
    :meth:`best` for one new msgid (``exclude`` hides keys already used), or
    :meth:`assign` for all of them at once so that each key lends at most once.
    """

    def __init__(self, keys: Iterable[str]) -> None:
        by_key: dict[str, _Candidate] = {}
        for key in keys:
            if key not in by_key:
                data = key.encode("utf-8")
                tally = Counter(data)
                by_key[key] = _Candidate(
                    key, data, tuple(tally), tuple(tally.values()), len(by_key)
                )
        self._order = {key: candidate.order for key, candidate in by_key.items()}
        self._candidates = sorted(by_key.values(), key=lambda c: len(c.data))
        self._lengths = [len(c.data) for c in self._candidates]

    def __len__(self) -> int:
        return len(self._candidates)

    def best_match(self, text: str, exclude: Container[str] = ()) -> str | None:
        """The key most similar to ``text`` (similarity ≥ :data:`CUTOFF`), or None."""
        found = self.best(text, exclude)
        return found.key if found is not None else None

    def best(self, text: str, exclude: Container[str] = ()) -> Match | None:
        """The most similar key not in ``exclude`` (the earliest key on a tie), or None.

        An empty text (the header's msgid) matches nothing.
        """
        word = text.encode("utf-8")
        size = len(word)
        if not size:
            return None
        # 2·min / (sum of lengths) >= 0.6  <=>  the shorter is at least 3/7 of the longer.
        low = bisect.bisect_left(self._lengths, (size * 3 + 6) // 7)
        high = bisect.bisect_left(self._lengths, size * 7 // 3 + 1)
        counts = [0] * 256
        for byte in word:
            counts[byte] += 1
        heap: list[tuple[float, int, _Candidate]] = []
        for candidate in self._candidates[low:high]:
            if candidate.key in exclude:
                continue
            total = size + len(candidate.data)
            common = sum(map(min, candidate.counts, map(counts.__getitem__, candidate.present)))
            if _CUTOFF_DENOMINATOR * common >= _CUTOFF_NUMERATOR * total:
                heap.append((-2.0 * common / total, candidate.order, candidate))
        if not heap:
            return None
        heapq.heapify(heap)
        masks = _masks(word)
        best: tuple[int, int] | None = None  # (lcs, total) of the winner so far
        best_score = 0.0
        winner: _Candidate | None = None
        while heap:
            negative, _, candidate = heapq.heappop(heap)
            if -negative < best_score:
                break  # no remaining bound reaches the best score (ties are still tried)
            total = size + len(candidate.data)
            if best is None:
                need = -(-_CUTOFF_NUMERATOR * total // _CUTOFF_DENOMINATOR)
            else:
                need = -(-best[0] * total // best[1])
            common = _lcs(masks, size, candidate.data, need)
            if common < need:
                continue
            if best is not None and winner is not None:
                gain = common * best[1] - best[0] * total
                if gain < 0 or (gain == 0 and candidate.order > winner.order):
                    continue
            best, winner = (common, total), candidate
            best_score = 2.0 * common / total
        if winner is None:
            return None
        return Match(winner.key, best_score)

    def assign(
        self, texts: Sequence[str], copies: Mapping[str, int] | None = None
    ) -> list[Match | None]:
        """A lender for each of ``texts``, each key lending at most ``copies[key]`` times (1).

        The most similar pair is settled first, whatever the order of ``texts``:
        a new text never takes a key that fits another new text better, and one
        whose best key is gone gets its next best. Equal scores go to the
        earlier text, then to the earlier key.
        """
        left = {c.key: 1 for c in self._candidates}
        if copies is not None:
            left.update((key, count) for key, count in copies.items() if key in left)
        gone = {key for key, count in left.items() if count <= 0}
        result: list[Match | None] = [None] * len(texts)
        heap: list[tuple[float, int, int, Match]] = []
        for n, text in enumerate(texts):
            self._offer(heap, n, text, gone)
        while heap:
            _, n, _, match = heapq.heappop(heap)
            if match.key in gone:
                self._offer(heap, n, texts[n], gone)
                continue
            result[n] = match
            left[match.key] -= 1
            if not left[match.key]:
                gone.add(match.key)
        return result

    def _offer(
        self, heap: list[tuple[float, int, int, Match]], n: int, text: str, gone: set[str]
    ) -> None:
        found = self.best(text, gone)
        if found is not None:
            heapq.heappush(heap, (-found.score, n, self._order[found.key], found))


def _masks(data: bytes) -> list[int]:
    """For each byte value, the bit set of the positions where ``data`` has it."""
    masks = [0] * 256
    for position, byte in enumerate(data):
        masks[byte] |= 1 << position
    return masks


def _lcs(masks: list[int], width: int, other: bytes, need: int) -> int:
    """Length of the longest common subsequence of the masked text and ``other``.

    Allison and Dix's bit-vector algorithm: bit ``i`` of ``row`` is cleared when
    the LCS of the prefixes grows at position ``i`` of the masked text, so the
    LCS is the count of cleared bits. Returns early, with a value below ``need``,
    once the bytes left in ``other`` could not bring it up to ``need``.
    """
    full = (1 << width) - 1
    row = full
    length = len(other)
    for start in range(0, length, _CHECK_EVERY):
        for byte in other[start : start + _CHECK_EVERY]:
            matches = row & masks[byte]
            row = ((row + matches) | (row - matches)) & full
        if width - row.bit_count() + length - start - _CHECK_EVERY < need:
            break
    return width - row.bit_count()
