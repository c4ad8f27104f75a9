import re

from hypothesis import given
from hypothesis import strategies as st

from postloc.mt.engines.pseudo import PseudoEngine, pseudo_text


def test_accents_brackets_and_pads() -> None:
    out = pseudo_text("La coalition des volontaires")
    assert out.startswith("[") and out.endswith("]")
    assert "à" in out and "~" in out
    assert len(out) >= len("La coalition des volontaires") * 1.25


def test_tags_entities_and_digits_untouched() -> None:
    text = 'Le <a id="1">rapport</a> de <b>35 pays</b> &amp; 1 000,5'
    out = pseudo_text(text)
    assert re.findall(r"<[^>]*>|&\w+;", out) == re.findall(r"<[^>]*>|&\w+;", text)
    assert "35" in out and "1 000,5" in out


def test_whitespace_only_is_left_alone() -> None:
    assert pseudo_text("  ") == "  "


@given(st.lists(st.text(max_size=40), max_size=10))
def test_deterministic_and_one_output_per_input(texts: list[str]) -> None:
    engine = PseudoEngine(["fr", "en"])
    first = engine.translate(texts, "fr", "en")
    assert first == engine.translate(texts, "fr", "en")
    assert len(first) == len(texts)
