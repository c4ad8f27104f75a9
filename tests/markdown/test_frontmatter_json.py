"""JSON front matter (a ``{ … }`` object at the top, Hugo's third format): located by a scan
checked against ``json.loads``, written back as JSON in the author's layout."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postloc.config import Extraction
from postloc.errors import BadFrontMatter
from postloc.markdown.frontmatter import json_matter
from postloc.markdown.model import Post
from postloc.markdown.parse import parse_post
from postloc.markdown.rebuild import rebuild_post
from postloc.markdown.segment import segment_post

PATH = "source_posts/billet.md"
ALL = Extraction(
    front_matter_fields=("title", "description", "cover.alt", "images[].caption", "tags")
)

POST = """\
{
  "title": "Un titre \\"cité\\"",
  "description" : "Avec une accolade } et un crochet ]",
  "draft": false,
  "date": "2024-02-02T04:14:54-08:00",
  "tags": ["un", "deux"],
  "cover": {"alt": "L\\u00e9gende", "src": "c.png"},
  "images": [
    {"src": "a.png", "caption": "Première"},
    {"src": "b.png"}
  ],
  "weight": 10
}
Corps.
"""


def parsed(text: str) -> Post:
    return parse_post(text, PATH)


def front(text: str) -> Any:
    post = parsed(text)
    assert post.front_matter_format == "json"
    assert post.front_matter_span is not None
    return json.loads(post.text[slice(*post.front_matter_span)])


def rebuilt(text: str, how: Any, extra: tuple[tuple[str, Any], ...] = ()) -> str:
    post = parsed(text)
    segments = segment_post(post, ALL)
    return rebuild_post(post, segments, {i: how(s) for i, s in enumerate(segments)}, extra)


# -- where JSON front matter is, and where it is not ----------------------------------


def test_a_json_object_at_the_top_is_front_matter() -> None:
    post = parsed(POST)
    assert post.front_matter_format == "json"
    assert post.front_matter == json.loads(POST[: POST.index("\nCorps")])
    assert post.front_matter_span == (0, POST.index("\nCorps"))
    assert post.body == "Corps.\n" and post.body_line == 14


def test_hugo_braces_inside_strings_do_not_close_the_object() -> None:
    text = '{ "a": { "b": "\\"Hugo\\"}" } }\r\n\r\nSome text.\n'  # Hugo's own lexer test
    post = parsed(text)
    assert post.front_matter == {"a": {"b": '"Hugo"}'}}
    assert post.body == "\r\nSome text.\n"


@pytest.mark.parametrize(
    "text",
    [
        '{{< figure src="a.png" >}}\n\nTexte.\n',
        "{{% note %}}Texte{{% /note %}}\n",
        "{% include note.html %}\n",
        "{{ page.title }}\n",
        "{: .lead}\nTexte\n",
        "{#id}\n",
        "{texte entre accolades}\n",
    ],
)
def test_a_brace_that_opens_no_object_is_body_text(text: str) -> None:
    """Hugo reads any leading ``{`` as JSON and so refuses these posts; Jekyll and postloc
    read them as text (a shortcode or Liquid tag first thing in the body)."""
    post = parsed(text)
    assert post.front_matter_span is None and post.body == text


def test_blank_lines_before_the_object_are_skipped_and_empty_objects_count() -> None:
    assert parsed('\n\n{"title": "x"}\nCorps\n').front_matter == {"title": "x"}
    post = parsed("{ }\nCorps\n")
    assert post.front_matter_format == "json" and post.front_matter == {}
    assert post.body == "Corps\n"


# -- segments and writing back ----------------------------------------------------------


def test_values_are_located_by_path_in_source_order() -> None:
    post = parsed(POST)
    found = [s for s in segment_post(post, ALL) if s.in_front_matter]
    assert [(s.kind, s.line, s.text) for s in found] == [
        ("title", 2, 'Un titre "cité"'),
        ("front-matter:description", 3, "Avec une accolade } et un crochet ]"),
        ("front-matter:tags", 6, "un"),
        ("front-matter:tags", 6, "deux"),
        ("front-matter:cover.alt", 7, "Légende"),
        ("front-matter:images[].caption", 9, "Première"),
    ]
    assert post.text[found[0].start : found[0].end] == '"Un titre \\"cité\\""'
    assert post.text[found[4].start : found[4].end] == '"L\\u00e9gende"'


def test_identity_rebuild_is_byte_identical() -> None:
    assert rebuilt(POST, lambda s: s.text) == POST


def test_translations_read_back_and_every_other_byte_stays() -> None:
    out = rebuilt(POST, lambda s: f"« {s.text} »")
    data = front(out)
    assert data["title"] == '« Un titre "cité" »'
    assert data["tags"] == ["« un »", "« deux »"]
    assert data["cover"] == {"alt": "« Légende »", "src": "c.png"}
    assert data["images"] == [{"src": "a.png", "caption": "« Première »"}, {"src": "b.png"}]
    assert '"title": "« Un titre \\"cité\\" »",' in out  # non-ASCII written as is
    for line in ('  "draft": false,', '    {"src": "b.png"}', '  "weight": 10'):
        assert f"\n{line}\n" in out


def test_extra_keys_follow_the_authors_layout() -> None:
    out = rebuilt(POST, lambda s: s.text, (("lang", "en"), ("draft", False), ("weight", 11)))
    assert out.endswith('  "weight": 11,\n  "lang": "en"\n}\nCorps.\n')
    assert '  "draft": false,\n' in out
    one_line = '{"title": "x", "draft": true}\nCorps\n'
    post = parsed(one_line)
    out = rebuild_post(post, segment_post(post), {}, (("lang", "en"), ("ratio", 0.5)))
    assert out == '{"title": "x", "draft": true, "lang": "en", "ratio": 0.5}\nCorps\n'


def test_extra_keys_in_empty_objects() -> None:
    for text, expected in (
        ("{}\n", '{"lang": "en"}\n'),
        ("{\n}\nX\n", '{\n  "lang": "en"\n}\nX\n'),
        ('{\r\n  "a": 1\r\n}\r\n', '{\r\n  "a": 1,\r\n  "lang": "en"\r\n}\r\n'),
    ):
        post = parsed(text)
        assert rebuild_post(post, [], {}, (("lang", "en"),)) == expected


# -- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('{\n  "title": "x",\n  "a": 1\n', 4, "never closed"),
        ('{\n  "title": "x"\n  "a": 1\n}\n', 3, "expected ',' or '}'"),
        ('{\n  "title": x\n}\n', 2, "invalid JSON: Expecting value"),
        ('{\n  "a": NaN\n}\n', 2, "NaN is not JSON"),
        ('{\n  "a": [1, 2,\n  3 4]\n}\n', 3, "expected ',' or ']'"),
        ('{\n  "title": "x",\n  "title": "y"\n}\n', 3, "duplicate front matter key 'title'"),
        ('{\n  "cover": {\n    "alt": "a",\n    "alt": "b"}\n}\n', 4, "'cover.alt'"),
        ('{\n  "a": "\\u0000"\n}\n', 2, "(written as an escape)"),
        ('{\n  "a": "\\ud800"\n}\n', 2, "(written as an escape)"),
        ('{\n  "a": "x\ty"\n}\n', 2, "Invalid control character"),
        ('{"title": "x"} Corps\n', 1, "text after the JSON front matter"),
        ('{\n  "a": {x: 1}\n}\n', 2, "expected a key in double quotes"),
        ("{\n" + '"a": ' + "[" * 600 + "]" * 600 + "\n}\n", 2, "nested too deeply"),
    ],
)
def test_bad_json_names_the_file_line(text: str, line: int, message: str) -> None:
    with pytest.raises(BadFrontMatter) as caught:
        parsed(text)
    assert (caught.value.line, str(caught.value).startswith(f"{PATH}:{line}: ")) == (line, True)
    assert message in str(caught.value)


# -- property tests -------------------------------------------------------------------

TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from('\t\n\r"\\{}[]'))
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20,
)
LAYOUTS = st.sampled_from([None, 0, 2, "\t"])


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(TEXT, JSON_VALUES, max_size=5), LAYOUTS, st.booleans())
def test_the_scan_reads_what_json_loads_reads(
    data: dict[str, Any], indent: int | str | None, ascii_only: bool
) -> None:
    source = json.dumps(data, indent=indent, ensure_ascii=ascii_only)
    root = json_matter.scan(source, lambda i: 1)
    assert root.value == json.loads(source)
    _assert_spans(source, root)


def _assert_spans(source: str, node: json_matter.Node) -> None:
    assert json.loads(source[node.start : node.end]) == node.value
    for member in node.members:
        assert json.loads(source[member.key_start : member.key_end]) == member.key
        _assert_spans(source, member.node)
    for item in node.items:
        _assert_spans(source, item)


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXT.filter(str.strip), min_size=6, max_size=6))
def test_random_translations_read_back(texts: list[str]) -> None:
    post = parsed(POST)
    segments = segment_post(post, ALL)
    in_front = [i for i, s in enumerate(segments) if s.in_front_matter]
    data = front(rebuild_post(post, segments, dict(zip(in_front, texts, strict=True))))
    got = [data["title"], data["description"], *data["tags"], data["cover"]["alt"]]
    assert [*got, data["images"][0]["caption"]] == texts
