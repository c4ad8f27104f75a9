"""The CommonMark spec examples as posts, as markdown-it-py tests itself.

Each of the 649 examples of spec 0.29 (``tests/data/commonmark/``, CC-BY-SA 4.0, see its
README) is a post, once as written and once behind a front matter block. The identity
export (every segment replaced by its own msgid) must render to the same HTML, whitespace
outside ``<pre>`` aside; the transforming export (every msgid wrapped in « ») must keep the
rendered tag structure. Examples known not to hold are listed in :data:`EXCLUDED`, each with
its reason, so that a fix shows up as an unexpected pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import pytest

from helpers import DATA
from postloc.errors import PostlocError
from postloc.markdown.dialect import markdown_parser
from postloc.markdown.model import Segment
from postloc.markdown.parse import parse_post
from postloc.markdown.rebuild import rebuild_post
from postloc.markdown.segment import segment_post

SPEC = DATA / "commonmark" / "spec-0.29.txt"
_FENCE = "`" * 32
_PRE = re.compile(r"<pre>.*?</pre>", re.S)
_SPACES = re.compile(r"[ \t\r\n]+")
_TAG = re.compile(r"<(/?[a-zA-Z][a-zA-Z0-9]*)")
FRONT_MATTER: Final = "---\ntitle: Exemple\n---\n"


@dataclass(frozen=True, slots=True)
class Example:
    number: int
    section: str
    markdown: str


def examples() -> list[Example]:
    """The spec's examples in order, ``→`` turned back into a tab as the spec says."""
    found: list[Example] = []
    section = ""
    lines = SPEC.read_text(encoding="utf-8").split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("#"):
            section = line.lstrip("#").strip()
        if line == f"{_FENCE} example":
            end = lines.index(".", index + 1)
            markdown = "".join(f"{text}\n" for text in lines[index + 1 : end])
            found.append(Example(len(found) + 1, section, markdown.replace("→", "\t")))
            index = lines.index(_FENCE, end)
        index += 1
    return found


EXAMPLES: Final = examples()

EXCLUDED: Final[dict[int, str]] = {}
"""Examples whose round trip is known not to hold, by number, each with the reason."""


def render(text: str) -> str:
    post = parse_post(text, "source_posts/exemple.md")
    return str(markdown_parser().render(post.body))


def normalized(html: str) -> str:
    out, done = [], 0
    for block in _PRE.finditer(html):
        out.append(_SPACES.sub(" ", html[done : block.start()]))
        out.append(block.group())
        done = block.end()
    out.append(_SPACES.sub(" ", html[done:]))
    return "".join(out).strip()


def rebuilt(text: str, how: Callable[[Segment], str]) -> str:
    post = parse_post(text.encode("utf-8"), "source_posts/exemple.md")
    segments = segment_post(post)
    return rebuild_post(post, segments, {i: how(s) for i, s in enumerate(segments)})


def holds(text: str) -> str | None:
    """What breaks in ``text``'s round trips; None when both hold (or postloc refuses it)."""
    try:
        identity = rebuilt(text, lambda s: s.text)
        wrapped = rebuilt(text, lambda s: f"« {s.text} »")
    except PostlocError:
        return None  # a clean refusal (one line, exit 1) is allowed
    if normalized(render(identity)) != normalized(render(text)):
        return "identity export renders differently"
    if _TAG.findall(render(wrapped)) != _TAG.findall(render(text)):
        return "translated export changes the tag structure"
    return None


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: f"example-{e.number}")
def test_spec_example_round_trips(example: Example) -> None:
    problems = [
        f"{where}: {problem}"
        for where, text in (("as written", example.markdown), ("after front matter", None))
        if (problem := holds(FRONT_MATTER + example.markdown if text is None else text))
    ]
    if example.number in EXCLUDED:
        assert problems, f"example {example.number} now holds: remove it from EXCLUDED"
    else:
        assert not problems, f"example {example.number} ({example.section}): {problems}"


def test_every_example_is_read() -> None:
    assert len(EXAMPLES) == 649
    assert EXAMPLES[0].markdown == "\tfoo\tbaz\t\tbim\n"


def test_exclusions_name_real_examples() -> None:
    assert set(EXCLUDED) <= {e.number for e in EXAMPLES}
    assert all(reason.strip() for reason in EXCLUDED.values())
