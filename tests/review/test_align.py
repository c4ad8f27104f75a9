"""Pairing a human translation's segments with its source's (``postloc.review.align``)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from md_strategies import documents
from postloc.markdown.model import Segment
from postloc.markdown.parse import parse_post
from postloc.markdown.segment import segment_post
from postloc.review.align import KEPT_SOURCE_WORDS, align, shape_of


def segments(text: str) -> list[Segment]:
    return segment_post(parse_post(text, "x.md"))


def pairs(source: str, translation: str) -> list[tuple[str, str, bool]]:
    result = align(segments(source), segments(translation))
    return [(p.source.text, p.target.text, p.doubt is None) for p in result.pairs]


def test_the_same_structure_pairs_block_for_block_and_is_certain() -> None:
    result = align(
        segments("# Titre\n\nUn [lien](a).\n\n- deux\n- trois\n"),
        segments("# Title\n\nA [link](a).\n\n- two\n- three\n"),
    )
    assert [(p.source.text, p.target.text, p.doubt) for p in result.pairs] == [
        ("Titre", "Title", None),
        ("Un [lien](a).", "A [link](a).", None),
        ("deux", "two", None),
        ("trois", "three", None),
    ]
    assert result.same_structure


def test_a_dropped_paragraph_between_other_shapes_is_certain() -> None:
    result = align(
        segments("# Titre\n\nParagraphe en trop.\n\n- un\n- deux\n"),
        segments("# Title\n\n- one\n- two\n"),
    )
    assert [s.text for s in result.dropped] == ["Paragraphe en trop."]
    assert all(p.doubt is None for p in result.pairs)
    assert not result.same_structure


def test_an_added_paragraph_among_lookalikes_makes_the_pairing_uncertain() -> None:
    result = align(segments("Un.\n\nDeux.\n"), segments("One.\n\nTwo.\n\nThree.\n"))
    assert len(result.added) == 1
    assert all(p.doubt is not None for p in result.pairs)


def test_cognates_place_the_gap_where_it_belongs() -> None:
    source = (
        "Le train part de Paris à 7 h 04 avec 300 voyageurs.\n\n"
        "Une parenthèse que la traduction a supprimée, sans rien de commun.\n\n"
        "À Lyon, la basilique de Fourvière domine la ville depuis 1896.\n"
    )
    translation = (
        "The train leaves Paris at 7:04 with 300 travellers.\n\n"
        "In Lyon, the Fourvière basilica has towered over the city since 1896.\n"
    )
    result = align(segments(source), segments(translation))
    assert [s.text for s in result.dropped] == [
        "Une parenthèse que la traduction a supprimée, sans rien de commun."
    ]
    assert [(p.source.text[:8], p.target.text[:8]) for p in result.pairs] == [
        ("Le train", "The trai"),
        ("À Lyon, ", "In Lyon,"),
    ]


def test_changed_markup_or_link_targets_are_doubted() -> None:
    assert pairs("Voir [ici](a).\n", "See here.\n") == [("Voir [ici](a).", "See here.", False)]
    assert pairs("Voir [ici](/fr/a).\n", "See [here](/en/a).\n") == [
        ("Voir [ici](/fr/a).", "See [here](/en/a).", False)
    ]
    assert pairs("# Introduction\n", "Introduction\n") == [("Introduction", "Introduction", False)]


def test_front_matter_pairs_by_field_path_whatever_the_order() -> None:
    source = "---\ntitle: Titre\ndescription: Résumé\n---\n\nTexte.\n"
    translation = "+++\ndescription = 'Summary'\ntitle = 'Title'\n+++\n\nText.\n"
    assert pairs(source, translation) == [
        ("Titre", "Title", True),
        ("Résumé", "Summary", True),
        ("Texte.", "Text.", True),
    ]


def test_a_field_missing_in_the_translation_is_dropped() -> None:
    result = align(
        segments("---\ntitle: Titre\ndescription: Résumé\n---\n"),
        segments("---\ntitle: Title\n---\n"),
    )
    assert [s.text for s in result.dropped] == ["Résumé"]


def test_shape_sets_words_aside_and_sorts_markup() -> None:
    [one] = segments("Un **gras** et `code` puis [lien](x).\n")
    [two] = segments("A [link](x), then `code` and **bold**.\n")
    assert shape_of(one) == shape_of(two)
    assert shape_of(one).markup == ("code", "link", "strong")


@given(documents(single_line=True, allow_crlf=False))
def test_a_post_aligned_with_itself_pairs_every_segment_with_itself(text: str) -> None:
    ours = segments(text)
    result = align(ours, ours)
    assert [(p.source, p.target) for p in result.pairs] == [(s, s) for s in ours]
    assert not result.dropped and not result.added
    for pair in result.pairs:  # certain, unless a whole sentence is left in the source language
        long = len(pair.source.text.split()) >= KEPT_SOURCE_WORDS
        assert pair.doubt == ("the translation keeps the source text" if long else None)


@given(
    st.lists(
        st.text(st.sampled_from("abcdefghij"), min_size=4, max_size=12),
        min_size=2,
        max_size=7,
        unique=True,
    ),
    st.data(),
)
def test_a_certain_pair_is_never_a_wrong_pair(words: list[str], data: st.DataObject) -> None:
    """Drop one paragraph of a post and align it with the rest: whatever is certain is right."""
    paragraphs = [f"{word} {i}." for i, word in enumerate(words)]
    gone = data.draw(st.integers(0, len(paragraphs) - 1))
    kept = paragraphs[:gone] + paragraphs[gone + 1 :]
    result = align(segments("\n\n".join(paragraphs) + "\n"), segments("\n\n".join(kept) + "\n"))
    for pair in result.pairs:
        if pair.doubt is None:
            assert pair.source.text == pair.target.text
    assert len(result.pairs) + len(result.dropped) == len(paragraphs)
    assert any(pair.doubt is None for pair in result.pairs)  # the property is not vacuous


def test_a_sentence_left_in_the_source_language_is_doubted() -> None:
    assert pairs(
        "Hugo\n\nUne phrase restée en français.\n", "Hugo\n\nUne phrase restée en français.\n"
    ) == [
        ("Hugo", "Hugo", True),
        ("Une phrase restée en français.", "Une phrase restée en français.", False),
    ]
