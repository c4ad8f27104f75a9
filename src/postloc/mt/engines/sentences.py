"""Sentence boundaries for French, English and Spanish prose, without a model.

Neural engines translate sentence by sentence (that is what their models were
trained on), but Argos's own splitters load stanza or download a MiniSBD model.
A few rules cover blog prose well: a sentence ends at ``.``, ``!``, ``?`` or
``…`` (possibly repeated, possibly followed by closing quotes, guillemets or
brackets) when whitespace and a sentence-like start follow. Abbreviations
(``M.``, ``p.``, ``Dr.``), initials (``J.-C.``) and a following lowercase
word keep the sentence going; ``3.5`` and URLs never split because no
whitespace follows the dot. Colons and semicolons never split.
"""

from __future__ import annotations

import re

# Terminal punctuation, then closing marks: »/” may follow a (narrow) no-break or
# plain space in French typography; other closers follow immediately.
_BOUNDARY = re.compile(
    r"""
    (?P<end>[.!?…]+)
    (?P<close>(?:[\ \u00a0\u202f]?[»›]|["”’'\)\]\}])*)
    (?P<gap>\s+)
    """,
    re.VERBOSE,
)

# Titles and other abbreviations that precede a name, a number or more text.
_COMMON_ABBREVIATIONS = frozenset(
    {
        "cf", "Cf", "ex", "Ex", "p", "pp", "Vol", "No", "fig", "Fig", "chap", "Chap",
        "Art", "env", "vs", "e.g", "i.e", "approx", "St", "Ste", "Sr", "Jr", "Dr", "Dra",
        "Prof", "Pr", "ca", "op", "cit", "ibid", "éd", "Ed", "trad", "coll", "réf", "Réf",
        "tél", "Tél", "av", "apr",
    }
)  # fmt: skip
_ABBREVIATIONS = {
    "fr": frozenset({"M", "MM", "Mme", "Mmes", "Mlle", "Mlles", "Me", "Mgr", "Cie", "boul", "bd"}),
    "en": frozenset({"Mr", "Mrs", "Ms", "Mt", "Messrs", "Gen", "Sgt", "Capt", "Rev"}),
    "es": frozenset(
        {"Sra", "Srta", "Sres", "Ud", "Uds", "Vd", "Vds", "Lic", "Ing", "Avda", "núm", "pág"}
    ),
}
_ALL_ABBREVIATIONS = _COMMON_ABBREVIATIONS.union(*_ABBREVIATIONS.values())

# A word made of single letters joined by dots or ".-": "J", "U.S", "J.-C".
_INITIALS = re.compile(r"^(?:[A-ZÀ-Þ]\.-?)*[A-ZÀ-Þ]$")

# Opening marks stripped from the front of the word before the dot.
_OPENERS = "«‹\"“‘'([{¿¡"


def _abbreviations(language: str) -> frozenset[str]:
    base = language.replace("-", "_").split("_")[0].lower()
    if base in _ABBREVIATIONS:
        return _COMMON_ABBREVIATIONS | _ABBREVIATIONS[base]
    return _ALL_ABBREVIATIONS


def _word_before(text: str, end: int) -> str:
    """The whitespace-delimited word ending at ``end`` (the dot excluded)."""
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:end].lstrip(_OPENERS)


def _is_boundary(text: str, match: re.Match[str], abbreviations: frozenset[str]) -> bool:
    following = text[match.end()] if match.end() < len(text) else ""
    if not following or following.islower():
        return False
    if match.group("end") == "." and not match.group("close"):
        word = _word_before(text, match.start())
        if word in abbreviations or _INITIALS.match(word):
            return False
    return True


def sentence_spans(text: str, language: str = "") -> list[tuple[int, int]]:
    """``(start, end)`` offsets of each sentence, surrounding whitespace excluded.

    ``language`` (``fr``, ``en_GB``…) picks the abbreviation list; unknown or
    empty uses every list.
    """
    abbreviations = _abbreviations(language)
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if _is_boundary(text, match, abbreviations):
            spans.append((start, match.start("gap")))
            start = match.end()
    spans.append((start, len(text)))
    result = []
    for begin, end in spans:
        while begin < end and text[begin].isspace():
            begin += 1
        while end > begin and text[end - 1].isspace():
            end -= 1
        if begin < end:
            result.append((begin, end))
    return result


def split_sentences(text: str, language: str = "") -> list[str]:
    """The sentences of ``text`` in order; a text with no boundary stays one sentence.

    Joining the result with single spaces gives back ``text`` up to the
    whitespace at the boundaries (and at both ends).
    """
    return [text[begin:end] for begin, end in sentence_spans(text, language)]
