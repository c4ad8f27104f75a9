"""FuzzyIndex picks exactly what difflib.get_close_matches picks, without comparing everything."""

from __future__ import annotations

import difflib
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postloc.po.fuzzy import FuzzyIndex, match_key

_WORDS_TEXT = (
    "le la les un une des de du et à en pour avec sans sur dans par chat chien maison "
    "jardin soleil pluie voyage pays ville montagne rivière lumière histoire projet travail "
    "équipe données modèle traduction texte article blog semaine année matin soir Le La É x"
)
WORDS = _WORDS_TEXT.split()


def expected_match(keys: list[str], text: str, exclude: set[str]) -> str | None:
    """Babel's way: get_close_matches over every available key (first key per match key)."""
    choices: dict[str, str] = {}
    for key in keys:
        if key not in exclude:
            choices.setdefault(match_key(key), key)
    found = difflib.get_close_matches(match_key(text), list(choices), 1, 0.6)
    return choices[found[0]] if found else None


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


@settings(max_examples=500, deadline=None)
@given(case=cases())
def test_best_match_equals_get_close_matches(case: tuple[list[str], str, set[str]]) -> None:
    keys, text, exclude = case
    assert FuzzyIndex(keys).best_match(text, exclude) == expected_match(keys, text, exclude)


def test_long_paragraphs_with_autojunk_match_like_difflib() -> None:
    rng = random.Random(7)
    keys = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 90))) for _ in range(60)]
    index = FuzzyIndex(keys)
    for _ in range(60):
        words = rng.choice(keys).split(" ")
        words[rng.randrange(len(words))] = rng.choice(WORDS)
        text = " ".join(words) if rng.random() < 0.7 else rng.choice(keys)[::-1]
        assert index.best_match(text) == expected_match(keys, text, set())


def test_case_and_surrounding_whitespace_do_not_count() -> None:
    assert FuzzyIndex(["  Le Chat dort "]).best_match("le chat dort") == "  Le Chat dort "


def test_nothing_similar_enough_gives_none() -> None:
    assert FuzzyIndex(["un chien aboie"]).best_match("la maison est grande") is None


def test_excluded_keys_are_never_returned() -> None:
    index = FuzzyIndex(["le chat dort", "le chat dors"])
    assert index.best_match("le chat dort!", exclude={"le chat dort"}) == "le chat dors"
    assert index.best_match("le chat dort!", exclude={"le chat dort", "le chat dors"}) is None


def test_equal_ratios_go_to_the_greater_key_like_difflib() -> None:
    keys = ["abcx", "abcy"]
    assert FuzzyIndex(keys).best_match("abcz") == expected_match(keys, "abcz", set()) == "abcy"


def test_keys_equal_after_normalization_return_the_first_available() -> None:
    index = FuzzyIndex(["Chat", "chat"])
    assert index.best_match("chats") == "Chat"
    assert index.best_match("chats", exclude={"Chat"}) == "chat"


@pytest.fixture
def ratio_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = difflib.SequenceMatcher.ratio

    def counting(self: difflib.SequenceMatcher[str]) -> float:
        calls.append(1)
        return original(self)

    monkeypatch.setattr(difflib.SequenceMatcher, "ratio", counting)
    return calls


def test_bounds_spare_the_ratio_of_unrelated_paragraphs(ratio_calls: list[int]) -> None:
    rng = random.Random(3)
    keys = [" ".join(rng.choice(WORDS) for _ in range(60)) + f" {n}" for n in range(300)]
    index = FuzzyIndex(keys)
    words = keys[123].split(" ")
    words[10] = "montagnes"
    assert index.best_match(" ".join(words)) == keys[123]
    assert len(ratio_calls) < 5
    unrelated = " ".join(rng.choice(WORDS) for _ in range(60))
    expected = expected_match(keys, unrelated, set())
    difflib_calls = len(ratio_calls)
    ratio_calls.clear()
    assert index.best_match(unrelated) == expected
    assert len(ratio_calls) < difflib_calls / 10
