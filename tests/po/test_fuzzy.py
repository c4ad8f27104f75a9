"""FuzzyIndex picks what comparing every pair with msgmerge's measure picks, without doing so.

The measure itself (:func:`similarity`, 2·LCS / total over UTF-8 bytes) is pinned
against a plain LCS table here and against ``msgmerge`` in test_fuzzy_msgmerge.py.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import postloc.po.fuzzy as fuzzy
from postloc.po.fuzzy import CUTOFF, FuzzyIndex, Match, similarity

_WORDS_TEXT = (
    "le la les un une des de du et à en pour avec sans sur dans par chat chien maison "
    "jardin soleil pluie voyage pays ville montagne rivière lumière histoire projet travail "
    "équipe données modèle traduction texte article blog semaine année matin soir Le La É x"
)
WORDS = _WORDS_TEXT.split()


def table_lcs(a: bytes, b: bytes) -> int:
    """The textbook dynamic-programming LCS length."""
    previous = [0] * (len(b) + 1)
    for x in a:
        row = [0]
        for j, y in enumerate(b):
            row.append(previous[j] + 1 if x == y else max(previous[j + 1], row[j]))
        previous = row
    return previous[-1]


def expected_best(keys: list[str], text: str, exclude: set[str]) -> Match | None:
    """Every available key scored; the highest wins, the earliest key on a tie."""
    best: Match | None = None
    for key in dict.fromkeys(keys):
        if key in exclude:
            continue
        score = similarity(text, key)
        if score >= CUTOFF and (best is None or score > best.score):
            best = Match(key, score)
    return best


def expected_assignment(keys: list[str], texts: list[str]) -> list[Match | None]:
    """All pairs sorted best first (then earlier text, earlier key); each key lends once."""
    order = list(dict.fromkeys(keys))
    pairs = sorted(
        (-similarity(text, key), n, k)
        for n, text in enumerate(texts)
        for k, key in enumerate(order)
        if similarity(text, key) >= CUTOFF
    )
    result: list[Match | None] = [None] * len(texts)
    used: set[int] = set()
    for negative, n, k in pairs:
        if result[n] is None and k not in used:
            result[n] = Match(order[k], -negative)
            used.add(k)
    return result


sentence = st.lists(st.sampled_from(WORDS), min_size=1, max_size=80).map(" ".join)


@st.composite
def edited(draw: st.DrawFn, keys: list[str]) -> str:
    words = draw(st.sampled_from(keys)).split(" ")
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(words)))
        action = draw(st.sampled_from(["replace", "delete", "insert"]))
        if action == "insert" or not words:
            words.insert(position, draw(st.sampled_from(WORDS)))
        elif action == "delete":
            del words[min(position, len(words) - 1)]
        else:
            words[min(position, len(words) - 1)] = draw(st.sampled_from(WORDS))
    return " ".join(words)


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[str], str, set[str]]:
    keys = draw(st.lists(sentence, min_size=1, max_size=25))
    text = draw(st.one_of(edited(keys), sentence, st.sampled_from(keys)))
    exclude = set(draw(st.lists(st.sampled_from(keys), max_size=len(keys) // 2)))
    return keys, text, exclude


@settings(max_examples=300, deadline=None)
@given(a=st.text(alphabet="abé è,", max_size=40), b=st.text(alphabet="abé è,", max_size=40))
def test_similarity_is_twice_the_byte_lcs_over_the_byte_total(a: str, b: str) -> None:
    left, right = a.encode(), b.encode()
    total = len(left) + len(right)
    expected = 2 * table_lcs(left, right) / total if total else 1.0
    assert similarity(a, b) == expected


def test_similarity_counts_bytes_and_case_like_fstrcmp() -> None:
    assert similarity("é", "è") == 0.5  # c3 a9 / c3 a8: the lead byte is common
    assert similarity("Chat", "chat") == 0.75
    assert similarity("", "") == 1.0
    assert similarity("abc", "") == 0.0


@settings(max_examples=500, deadline=None)
@given(case=cases())
def test_best_equals_scoring_every_key(case: tuple[list[str], str, set[str]]) -> None:
    keys, text, exclude = case
    expected = expected_best(keys, text, exclude)
    assert FuzzyIndex(keys).best(text, exclude) == expected
    assert FuzzyIndex(keys).best_match(text, exclude) == (expected and expected.key)


@settings(max_examples=200, deadline=None)
@given(
    keys=st.lists(sentence, min_size=1, max_size=12),
    data=st.data(),
)
def test_assign_equals_settling_every_pair_best_first(keys: list[str], data: st.DataObject) -> None:
    texts = data.draw(st.lists(st.one_of(edited(keys), sentence), max_size=12))
    assert FuzzyIndex(keys).assign(texts) == expected_assignment(keys, texts)


def test_long_paragraphs_match_like_scoring_every_key() -> None:
    rng = random.Random(7)
    keys = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 90))) for _ in range(60)]
    index = FuzzyIndex(keys)
    for _ in range(60):
        words = rng.choice(keys).split(" ")
        for _ in range(rng.randint(1, 8)):
            words[rng.randrange(len(words))] = rng.choice(WORDS)
        text = " ".join(words) if rng.random() < 0.7 else rng.choice(keys)[::-1]
        assert index.best(text) == expected_best(keys, text, set())


def test_nothing_similar_enough_gives_none() -> None:
    assert FuzzyIndex(["un chien aboie"]).best_match("la maison est grande") is None


def test_the_cutoff_is_inclusive() -> None:
    # 2 * 3 / (5 + 5) == 0.6 exactly: msgmerge takes it, so does postloc.
    assert similarity("abcde", "abcxy") == CUTOFF
    assert FuzzyIndex(["abcxy"]).best_match("abcde") == "abcxy"


def test_excluded_keys_are_never_returned() -> None:
    index = FuzzyIndex(["le chat dort", "le chat dors"])
    assert index.best_match("le chat dort!", exclude={"le chat dort"}) == "le chat dors"
    assert index.best_match("le chat dort!", exclude={"le chat dort", "le chat dors"}) is None


def test_equal_scores_go_to_the_earliest_key() -> None:
    assert FuzzyIndex(["abcy", "abcx"]).best_match("abcz") == "abcy"
    assert FuzzyIndex(["abcx", "abcy"]).best_match("abcz") == "abcx"


def test_the_closest_pair_is_settled_first_whatever_the_order() -> None:
    old = "Le soir, nous avons dormi dans une petite auberge tenue par des bergers."
    close = old.replace("petite", "grande")
    loose = "Le soir, nous avons dormi dans une auberge."
    assert similarity(loose, old) >= CUTOFF
    for texts in ([loose, close], [close, loose]):
        matches = FuzzyIndex([old]).assign(texts)
        assert {t: m and m.key for t, m in zip(texts, matches, strict=True)} == {
            close: old,
            loose: None,
        }


def test_a_text_whose_best_key_is_taken_gets_its_next_best() -> None:
    first = "Nous sommes partis de Lyon un matin de septembre, sous une pluie fine."
    second = "Nous sommes partis de Grenoble un matin de novembre, sous une pluie fine."
    close = first.replace("fine", "froide")
    loose = first.replace("Lyon", "Lille").replace("fine", "battante")
    assert similarity(loose, first) > similarity(loose, second) >= CUTOFF
    matches = FuzzyIndex([first, second]).assign([loose, close])
    assert [m and m.key for m in matches] == [second, first]


def test_copies_let_a_key_lend_more_than_once() -> None:
    texts = ["le chat dort.", "le chat dort !"]
    assert [m and m.key for m in FuzzyIndex(["le chat dort"]).assign(texts)] == [
        "le chat dort",
        None,
    ]
    twice = FuzzyIndex(["le chat dort"]).assign(texts, {"le chat dort": 2})
    assert [m and m.key for m in twice] == ["le chat dort", "le chat dort"]


@pytest.fixture
def lcs_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = fuzzy._lcs

    def counting(masks: list[int], width: int, other: bytes, need: int) -> int:
        calls.append(1)
        return original(masks, width, other, need)

    monkeypatch.setattr(fuzzy, "_lcs", counting)
    return calls


def test_bounds_spare_the_lcs_of_other_paragraphs(lcs_calls: list[int]) -> None:
    rng = random.Random(3)
    keys = [" ".join(rng.choice(WORDS) for _ in range(60)) + f" {n}" for n in range(300)]
    index = FuzzyIndex(keys)
    words = keys[123].split(" ")
    words[10] = "montagnes"
    assert index.best_match(" ".join(words)) == keys[123]
    assert len(lcs_calls) < 5
