"""Sentence splitting for French, English and Spanish prose."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from postloc.mt.engines.sentences import sentence_spans, split_sentences

CASES: list[tuple[str, str, list[str]]] = [
    ("fr", "Bonjour.", ["Bonjour."]),
    ("fr", "Une phrase sans point final", ["Une phrase sans point final"]),
    ("fr", "Il pleut. Nous restons ici.", ["Il pleut.", "Nous restons ici."]),
    ("fr", "Vraiment ? Oui ! Bien sûr…", ["Vraiment ?", "Oui !", "Bien sûr…"]),
    ("fr", "Quoi ?! Non.", ["Quoi ?!", "Non."]),
    ("fr", "Attendez... Voilà.", ["Attendez...", "Voilà."]),
    ("fr", "Il hésita… puis partit.", ["Il hésita… puis partit."]),
    ("fr", "M. Dupont est arrivé. Il a souri.", ["M. Dupont est arrivé.", "Il a souri."]),
    ("fr", "Mme Curie et MM. Durand sont là.", ["Mme Curie et MM. Durand sont là."]),
    ("fr", "Voir p. 12 et cf. Annexe B.", ["Voir p. 12 et cf. Annexe B."]),
    ("fr", "Né en 52 av. J.-C. à Rome.", ["Né en 52 av. J.-C. à Rome."]),
    ("fr", "Pommes, poires, etc. et des noix.", ["Pommes, poires, etc. et des noix."]),
    ("fr", "Pommes, poires, etc. Puis le dessert.", ["Pommes, poires, etc.", "Puis le dessert."]),
    ("fr", "Il pèse 3.5 kg. Elle 2,5 kg.", ["Il pèse 3.5 kg.", "Elle 2,5 kg."]),
    ("fr", "Voir exemple.org/a.b pour tout.", ["Voir exemple.org/a.b pour tout."]),
    ("fr", "Note : un détail ; puis la suite.", ["Note : un détail ; puis la suite."]),
    ("fr", "Il dit : « Oui. » Puis il partit.", ["Il dit : « Oui. »", "Puis il partit."]),
    ("fr", "« Vous venez ? » demanda-t-elle.", ["« Vous venez ? » demanda-t-elle."]),
    ("fr", "Il dit « Non ! » Elle rit.", ["Il dit « Non ! »", "Elle rit."]),
    ("fr", "En 1990. 35 pays ont signé.", ["En 1990.", "35 pays ont signé."]),
    ("fr", "(Voir plus haut.) Ensuite, rien.", ["(Voir plus haut.)", "Ensuite, rien."]),
    ("fr", "— Oui. — Non.", ["— Oui.", "— Non."]),
    ("en", "Mr. Smith met Dr. Jones. They talked.", ["Mr. Smith met Dr. Jones.", "They talked."]),
    ("en", 'He said "Stop." Then he left.', ['He said "Stop."', "Then he left."]),
    ("en", "Use e.g. tea or i.e. green tea.", ["Use e.g. tea or i.e. green tea."]),
    ("en", "The U.S. Army is here.", ["The U.S. Army is here."]),
    ("en", "Version 2.0 is out. Try it!", ["Version 2.0 is out.", "Try it!"]),
    ("es", "¿Qué pasa? ¡Nada! Sigue.", ["¿Qué pasa?", "¡Nada!", "Sigue."]),
    ("es", "La Sra. García llegó. Ud. también.", ["La Sra. García llegó.", "Ud. también."]),
    ("es", "Hola. ¿Vienes?", ["Hola.", "¿Vienes?"]),
]


@pytest.mark.parametrize(("language", "text", "expected"), CASES)
def test_split_sentences(language: str, text: str, expected: list[str]) -> None:
    assert split_sentences(text, language) == expected


def test_whitespace_around_and_between_sentences_is_dropped() -> None:
    assert split_sentences("  Un.   Deux.  ", "fr") == ["Un.", "Deux."]
    assert split_sentences("Un.\u00a0Deux.", "fr") == ["Un.", "Deux."]
    assert split_sentences("", "fr") == []
    assert split_sentences("   ", "fr") == []


def test_unknown_language_uses_every_abbreviation_list() -> None:
    assert split_sentences("Mr. Smith et M. Dupont.", "") == ["Mr. Smith et M. Dupont."]
    assert split_sentences("Sra. Ruiz.", "pt_BR") == ["Sra. Ruiz."]
    assert split_sentences("M. Dupont.", "fr_CA") == ["M. Dupont."]


def test_spans_point_into_the_text() -> None:
    text = "Il pleut. Nous restons ici."
    assert sentence_spans(text, "fr") == [(0, 9), (10, 27)]


@given(st.text(alphabet="abc ABC.!?…«»\"'()\n\u00a0", max_size=80))
def test_sentences_are_stripped_slices_that_cover_every_non_space_character(text: str) -> None:
    spans = sentence_spans(text, "fr")
    sentences = split_sentences(text, "fr")
    assert sentences == [text[a:b] for a, b in spans]
    assert all(s and s == s.strip() for s in sentences)
    assert all(a < b <= c for (a, b), (c, _) in itertools.pairwise(spans))
    assert "".join("".join(s.split()) for s in sentences) == "".join(text.split())
