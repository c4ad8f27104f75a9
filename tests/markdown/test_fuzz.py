"""Fuzz parse → segment → export: any input either works or raises postloc's own error.

Random bytes, bytes that look like front matter, text over Markdown's special
characters, and whole generated posts (``md_strategies.documents``) go
through the library stages with identity and pseudo translations. Anything
other than a :class:`~postloc.errors.PostlocError` fails the test; when the
stages succeed, the identity export must read back to the same msgids and the
pseudo export must read back at all.

The runs are derandomized so CI never flakes: the same examples every time.
Set ``POSTLOC_FUZZ_EXAMPLES=5000`` for a longer, random search on a workstation.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import polib
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from md_strategies import documents
from postloc.errors import BadFrontMatter, PostlocError
from postloc.export.post import export_post
from postloc.markdown.model import Post, Segment
from postloc.markdown.parse import parse_post
from postloc.markdown.segment import segment_post
from postloc.mt.engines.pseudo import pseudo_text

PATH = "source_posts/fuzz.md"
_EXAMPLES = int(os.environ.get("POSTLOC_FUZZ_EXAMPLES", "0"))


def fuzz(examples: int) -> settings:
    """Settings for one fuzz test: ``examples`` in CI, derandomized, no deadline."""
    return settings(
        max_examples=_EXAMPLES or examples,
        derandomize=not _EXAMPLES,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


MARKUP = "#*_`[]()!<>|-+:=~&;\"'\\{},%@? \t\n\raéZ0.1\ufeff\u200b\u2029"
"""Characters that mean something to Markdown, YAML or a line table, plus a few letters."""
UNICODE_SPACES = "\u00a0\u2028\u3000"
"""Whitespace that markdown-it trims from a paragraph's start but that cannot open a block."""
CONTROLS = "\x00\x01\x07\x0b\x0c\x1b\x7f"
"""Characters YAML refuses."""

PREFIXES = (b"", b"---\n", b"---\r\n", b"\xef\xbb\xbf---\n", b"---\ntitle: ", b"---\n---\n")


def soup(alphabet: str, max_size: int) -> st.SearchStrategy[bytes]:
    return st.text(alphabet=st.sampled_from(alphabet), max_size=max_size).map(str.encode)


def post_soup(alphabet: str, prefixes: tuple[bytes, ...] = PREFIXES) -> st.SearchStrategy[bytes]:
    """A prefix then soup, or a closed front matter of soup then a body of soup."""
    return st.one_of(
        st.tuples(st.sampled_from(prefixes), soup(alphabet, 300)).map(b"".join),
        st.tuples(soup(alphabet, 80), soup(alphabet, 200)).map(
            lambda parts: b"---\n" + parts[0] + b"\n---\n" + parts[1]
        ),
    )


raw_bytes = st.one_of(
    st.binary(max_size=400),
    st.tuples(st.sampled_from(PREFIXES), st.binary(max_size=300)).map(b"".join),
)


def catalogue(segments: list[Segment], translate: Callable[[str], str]) -> polib.POFile:
    """A catalogue where every msgid is reviewed with ``translate(msgid)``."""
    po = polib.POFile(encoding="utf-8")
    po.metadata = {"Language": "en", "Content-Type": "text/plain; charset=UTF-8"}
    for text in dict.fromkeys(s.text for s in segments):
        po.append(polib.POEntry(msgid=text, msgstr=translate(text)))
    return po


def msgids(post: Post) -> list[str]:
    return [s.text for s in segment_post(post)]


def identity(text: str) -> str:
    return text


def through_the_stages(data: bytes | str) -> None:
    """parse → segment → export (identity, pseudo, html); only a postloc error may stop it."""
    try:
        post = parse_post(data, PATH)
        segments = segment_post(post)
    except PostlocError:
        return
    same = export_post(post, segments, catalogue(segments, identity), "en", min_translated=0)
    assert same.text is not None
    assert same.fallback == 0
    assert msgids(parse_post(same.text, PATH)) == [s.text for s in segments]

    pseudo = catalogue(segments, pseudo_text)
    localized = export_post(post, segments, pseudo, "en", min_translated=0)
    assert localized.text is not None
    segment_post(parse_post(localized.text, PATH))
    export_post(post, segments, pseudo, "en", min_translated=0, fmt="html")


# --- the fuzz tests ---------------------------------------------------------------------------


@fuzz(200)
@given(raw_bytes)
@example(b"\xff\xfe")
@example(b"---\n")
@example(b"---\n\xe9\n---\n")
@example(b"\xef\xbb\xbf---\ntitle: x\n---\nTexte.\n")
@example(b"---\r\ntitle: a\r\n...\r\n\r\n# T\r")
def test_random_bytes(data: bytes) -> None:
    through_the_stages(data)


@fuzz(200)
@given(post_soup(MARKUP))
@example(b"---\ntitle: \n---\n")
@example(b"- \n\n  a\n")
@example(b"|a|\n|-|\n|\\|")
@example(b"> ---\n> a")
@example(b"---\n{}\n---\n")  # keys appended to an empty flow mapping need commas
def test_markdown_soup(data: bytes) -> None:
    through_the_stages(data)


@fuzz(100)
@given(documents())
def test_generated_posts(text: str) -> None:
    through_the_stages(text.encode("utf-8"))


@fuzz(50)
@given(documents(single_line=True, allow_crlf=False))
def test_generated_posts_as_str(text: str) -> None:
    """``parse_post`` also takes text (export re-reads its own output that way)."""
    through_the_stages(text)


@fuzz(200)
@given(post_soup(MARKUP + UNICODE_SPACES + "\u0085" + CONTROLS, (*PREFIXES, b"---\n x: 1\n---\n")))
@example(b"---\ntitle: a\x00b\n---\n")
@example("\u00a0>\nx".encode())
@example(b"---\n x: 1\n---\nTexte.\n")
def test_markdown_soup_with_every_character(data: bytes) -> None:
    """The whole alphabet: what ``test_markdown_soup`` leaves out until the bugs are fixed."""
    through_the_stages(data)


SITE_PIECES = (
    "{{< ", "{{% ", " >}}", " %}}", "/>}}", "{% ", " %}", "{{ ", " }}", "{: ", "{#", "}", "{",
    '"', "`", "\\", "/* ", " */", "raw", "endraw", "highlight", "/highlight", "note", "/note",
    "caption=", 'alt="', "a", " mot ", "\n", "\n\n", "\r\n", "> ", "- ", "    ", "[x](", ")", "|",
)  # fmt: skip
"""Pieces of site tags (shortcodes, Liquid, attribute lists) that fit together badly."""


@fuzz(200)
@given(st.lists(st.sampled_from(SITE_PIECES), max_size=80).map("".join))
@example("{{< x")
@example("Un {{< jamais fermé\n\nSuite.\n")
@example("{% raw %}\n")
@example("- {% raw %}\n  a\n{% endraw %}\n")
@example('{{< figure caption="a\n\nb" >}}\n')
@example('{{< x caption="\\" >}}\n')
@example("[x]({{< ref a)\n")
@example("| {{< a | b >}} |\n|---|\n")
@example("`{%` et {% y %}\n")
@example("{{</* a\n")
@example("# T {#\n")
def test_site_syntax_soup(text: str) -> None:
    through_the_stages(text)


def test_a_post_full_of_unclosed_openers_is_read_in_linear_time() -> None:
    text = "".join(f"{opener} mot " for opener in ("{{<", "{%", "{{", "{:", "{% raw %}") * 20_000)
    start = time.perf_counter()
    post = parse_post(text, PATH)
    segment_post(post)
    assert time.perf_counter() - start < 30


# --- what the fuzzing found, one example each ---------------------------------------------------


@pytest.mark.parametrize("char", list(CONTROLS))
def test_control_character_in_front_matter_is_bad_front_matter(char: str) -> None:
    with pytest.raises(BadFrontMatter) as caught:
        parse_post(f"---\ntitle: a{char}b\n---\n\nTexte.\n".encode(), PATH)
    assert caught.value.line == 2


@pytest.mark.parametrize("space", list(UNICODE_SPACES))
def test_identity_export_after_a_unicode_space_keeps_the_msgid(space: str) -> None:
    post = parse_post(f"{space}>\nsuite\n".encode(), PATH)
    segments = segment_post(post)
    assert [s.text for s in segments] == ["> suite"]
    same = export_post(post, segments, catalogue(segments, identity), "en", min_translated=0)
    assert same.text is not None
    assert msgids(parse_post(same.text, PATH)) == ["> suite"]


def test_export_of_an_indented_front_matter_reads_back() -> None:
    post = parse_post(b"---\n  title: Titre\n  x: 1\n---\n\nTexte.\n", PATH)
    segments = segment_post(post)
    same = export_post(post, segments, catalogue(segments, identity), "en", min_translated=0)
    assert same.text is not None
    again = parse_post(same.text, PATH)
    assert again.front_matter["lang"] == "en"
    assert again.front_matter["title"] == "Titre"
