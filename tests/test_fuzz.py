"""Fuzz parse → segment → export: any input either works or raises postloc's own error.

Random bytes, bytes that look like front matter, text over Markdown's special
characters, and whole generated posts (``md_strategies.documents``) go
through the library stages with identity and pseudo translations. Anything
other than a :class:`~postloc.errors.PostlocError` fails the test; when the
stages succeed, the identity export must read back to the same msgids.
"""

from __future__ import annotations

from collections.abc import Callable

import polib
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from md_strategies import documents
from postloc.engines.pseudo import pseudo_text
from postloc.errors import PostlocError
from postloc.export import export_post
from postloc.model import Post, Segment
from postloc.parse import parse_post
from postloc.segment import segment_post

PATH = "source_posts/fuzz.md"
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

MARKDOWN_CHARS = list("#*_`[]()!<>|-+:=~&;\"'\\ \t\n\r\x00aéZ0.1\u00a0\u2028\ufeff")
"""Characters that mean something to Markdown, YAML or a line table, plus a few letters."""

PREFIXES = (b"", b"---\n", b"---\r\n", b"\xef\xbb\xbf---\n", b"---\ntitle: ", b"---\n---\n")

raw_bytes = st.one_of(
    st.binary(max_size=400),
    st.tuples(st.sampled_from(PREFIXES), st.binary(max_size=300)).map(b"".join),
)
markdown_soup = st.tuples(
    st.sampled_from(PREFIXES),
    st.text(alphabet=st.sampled_from(MARKDOWN_CHARS), max_size=300).map(str.encode),
).map(b"".join)


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
    """parse → segment → export (identity, pseudo, html); postloc errors are fine."""
    try:
        post = parse_post(data, PATH)
        segments = segment_post(post)
    except PostlocError:
        return
    same = export_post(post, segments, catalogue(segments, identity), "en", min_translated=0)
    assert same.text is not None
    assert same.fallback == 0
    again = parse_post(same.text, PATH)
    assert msgids(again) == [s.text for s in segments]

    pseudo = catalogue(segments, pseudo_text)
    localized = export_post(post, segments, pseudo, "en", min_translated=0)
    assert localized.text is not None
    try:
        parse_post(localized.text, PATH)
        export_post(post, segments, pseudo, "en", min_translated=0, fmt="html")
    except PostlocError:
        pass


@FUZZ
@given(raw_bytes)
@example(b"\xff\xfe")
@example(b"---\n")
@example(b"---\n\xe9\n---\n")
@example(b"\xef\xbb\xbf---\ntitle: x\n---\nTexte.\n")
@example(b"---\r\ntitle: a\r\n...\r\n\r\n# T\r")
def test_random_bytes(data: bytes) -> None:
    through_the_stages(data)


@FUZZ
@given(markdown_soup)
@example(b"---\ntitle: \n---\n")
@example(b"- \n\n  a\n")
@example(b"|a|\n|-|\n|\\|")
@example(b"> ---\n> a")
def test_markdown_soup(data: bytes) -> None:
    through_the_stages(data)


@settings(FUZZ, max_examples=100)
@given(documents())
def test_generated_posts(text: str) -> None:
    through_the_stages(text.encode("utf-8"))


@settings(FUZZ, max_examples=50)
@given(documents(single_line=True, allow_crlf=False))
def test_generated_posts_as_str(text: str) -> None:
    """``parse_post`` also takes text (export re-reads its own output that way)."""
    through_the_stages(text)
