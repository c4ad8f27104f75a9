"""Line breaking against the real thing: libunistring, the library GNU msgcat wraps with."""

from __future__ import annotations

import ctypes
import ctypes.util
import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postloc.po import linebreak
from postloc.po.linebreak import MANDATORY, POSSIBLE, PROHIBITED

_NAME = ctypes.util.find_library("unistring") or "libunistring.so.2"
try:
    _LIB = ctypes.CDLL(_NAME)
    _POSSIBLE = _LIB.u8_possible_linebreaks_v2
    _WIDTH_BREAKS = _LIB.u8_width_linebreaks_v2
    _UC_WIDTH = _LIB.uc_width
except (OSError, AttributeError):  # pragma: no cover - depends on the machine
    _LIB = None

pytestmark = pytest.mark.skipif(_LIB is None, reason="libunistring (>= 1.0) is not installed")

if _LIB is not None:
    _POSSIBLE.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_char_p]
    _WIDTH_BREAKS.argtypes = [
        ctypes.c_char_p,
        ctypes.c_size_t,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_char_p,
        ctypes.c_char_p,
    ]
    _UC_WIDTH.argtypes = [ctypes.c_uint32, ctypes.c_char_p]
    _UC_WIDTH.restype = ctypes.c_int

_KINDS = {1: PROHIBITED, 2: POSSIBLE, 3: MANDATORY, 5: MANDATORY}


def _offsets(text: str) -> list[int]:
    offsets, position = [], 0
    for char in text:
        offsets.append(position)
        position += len(char.encode("utf-8"))
    return offsets


def unistring_possible(text: str) -> list[str]:
    data = text.encode("utf-8")
    result = ctypes.create_string_buffer(len(data))
    _POSSIBLE(data, len(data), b"UTF-8", result)
    return [_KINDS[result.raw[i]] for i in _offsets(text)]


def unistring_wrap(text: str, width: int, start: int, no_break: set[int]) -> list[int]:
    data = text.encode("utf-8")
    offsets = _offsets(text)
    overrides = bytearray(len(data))
    for index in no_break:
        overrides[offsets[index]] = 1  # UC_BREAK_PROHIBITED
    result = ctypes.create_string_buffer(len(data))
    _WIDTH_BREAKS(data, len(data), width, start, 0, bytes(overrides), b"UTF-8", result)
    return [i for i, offset in enumerate(offsets) if result.raw[offset] == 2]


# One character of every class, plus the ones whose rules have exceptions.
SAMPLES = (
    "\t !\"'(),-./0:<A[\\]a{|}\u0085\u00a0\u00ab\u00b4\u00bb\u0300\u05d0\u0e01\u1100\u1160"
    "\u11a8\u200b\u200d\u2010\u2014\u2019\u201c\u2026\u2028\u2060\u203c\u3000\u3008\u3041"
    "\u4e00\uac00\uac01\ufeff\U0001f1e6\U0001f1e7\u261d\U0001f3fb\U0001f600$%\u20ac"
)


def test_every_table_run_has_libunistring_class_and_width() -> None:
    # The start and end of every run of the embedded tables behave like the run's class.
    starts = [*linebreak._CLASS_STARTS, 0x110000]
    probes = {cp for a, b in itertools.pairwise(starts) for cp in (a, b - 1)}
    probes = {cp for cp in probes if not 0xD800 <= cp < 0xE000}
    reference = {
        name: chr(cp)
        for cp in sorted(probes, reverse=True)
        for name in [linebreak.line_class(chr(cp))]
    }
    for cp in sorted(probes):
        char = chr(cp)
        assert linebreak.char_width(char) == _UC_WIDTH(cp, b"UTF-8"), hex(cp)
        same = reference[linebreak.line_class(char)]
        for other in SAMPLES:
            for text in (other + char + other, other + " " + char + " " + other):
                swapped = text.replace(char, same)
                assert unistring_possible(text) == unistring_possible(swapped), hex(cp)


def test_width_table_matches_uc_width_everywhere() -> None:
    for cp in range(0, 0x110000, 7):
        assert linebreak.char_width(chr(cp)) == _UC_WIDTH(cp, b"UTF-8"), hex(cp)


def test_random_strings_break_like_libunistring() -> None:
    rng = random.Random(20250906)
    for _ in range(3000):
        chars = [
            rng.choice(SAMPLES) if rng.random() < 0.85 else chr(rng.randint(0x20, 0x2FFF))
            for _ in range(rng.randint(1, 30))
        ]
        text = "".join(c for c in chars if not 0xD800 <= ord(c) < 0xE000)
        assert linebreak.possible_linebreaks(text) == unistring_possible(text), ascii(text)
        width, start = rng.randint(1, 20), rng.randint(0, 10)
        no_break = set(rng.sample(range(len(text)), rng.randint(0, len(text) // 3)))
        expected = unistring_wrap(text, width, start, no_break)
        assert linebreak.wrap_points(text, width, start, no_break) == expected, ascii(text)


def test_text_without_context_classes_takes_the_fast_path_and_agrees() -> None:
    plain = [
        c for c in SAMPLES if linebreak.line_class(c) not in ("BK", "CM", "ZWJ", "ZW", "RI", "HL")
    ]
    plain += ["mot ", "un ", "deux ", "\u00e9t\u00e9 ", "**gras** ", "[lien](https://a.fr/b-c) "]
    rng = random.Random(99)
    for _ in range(2000):
        text = "".join(rng.choice(plain) for _ in range(rng.randint(1, 40)))
        assert not linebreak._patterns()["special"].search(text)
        expected = [i for i, k in enumerate(unistring_possible(text)) if k != PROHIBITED]
        assert linebreak._opportunities(text) == (expected, []), ascii(text)
        width, start = rng.randint(5, 78), rng.randint(0, 10)
        assert linebreak.wrap_points(text, width, start) == unistring_wrap(
            text, width, start, set()
        )


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60),
    width=st.integers(1, 80),
    start=st.integers(0, 20),
)
def test_any_unicode_text_wraps_like_libunistring(text: str, width: int, start: int) -> None:
    assert linebreak.possible_linebreaks(text) == unistring_possible(text)
    assert linebreak.wrap_points(text, width, start) == unistring_wrap(text, width, start, set())


def test_french_punctuation_rules() -> None:
    # No break at the no-break spaces of French typography; a break after a hyphen or slash.
    text = "«\u00a0Bonjour\u00a0» dit-il\u202f; vraiment\u00a0! porte-monnaie a/b"
    breaks = linebreak.possible_linebreaks(text)
    assert breaks[text.index("»")] == PROHIBITED
    assert breaks[text.index("!")] == PROHIBITED
    assert breaks[text.index(";")] == PROHIBITED
    assert breaks[text.index("monnaie")] == POSSIBLE
    assert breaks[text.index("b", text.index("/"))] == POSSIBLE
