"""postloc:off regions: nothing between the markers is extracted, export copies it verbatim."""

from __future__ import annotations

import pytest

import helpers
from postloc.markdown.parse import parse_post
from postloc.markdown.rebuild import rebuild_post
from postloc.markdown.regions import switch
from postloc.markdown.segment import segment_post


def texts(text: str) -> list[str]:
    return [s.text for s in segment_post(parse_post(text, "source_posts/x.md"))]


@pytest.mark.parametrize("tool", ["postloc", "translate"])
def test_nothing_between_off_and_on_is_extracted(tool: str) -> None:
    text = f"Avant.\n\n<!-- {tool}:off -->\n# Titre\n\nDedans.\n\n<!-- {tool}:on -->\n\nAprès.\n"
    assert texts(text) == ["Avant.", "Après."]


def test_off_without_on_runs_to_the_end() -> None:
    assert texts("Avant.\n\n<!-- postloc:off -->\n\nDedans.\n\n- liste\n") == ["Avant."]


def test_regions_cross_containers_in_document_order() -> None:
    text = "- Un\n\n  <!-- postloc:off -->\n\n  Deux.\n- Trois.\n\n<!-- postloc:on -->\nQuatre.\n"
    assert texts(text) == ["Un", "Quatre."]


def test_marker_inside_a_paragraph_is_inline_html_not_a_region() -> None:
    assert texts("Une <!-- postloc:off --> phrase.\n\nSuite.\n") == [
        "Une <!-- postloc:off --> phrase.",
        "Suite.",
    ]


def test_html_block_holding_a_marker_is_copied_verbatim() -> None:
    assert texts("<div>\n<!-- postloc:off -->\n<p>Caché</p>\n</div>\n\nAussi.\n") == []


def test_ordinary_comment_changes_nothing() -> None:
    assert texts("<!-- postloc: à relire -->\n\nTexte.\n") == ["Texte."]


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<!-- postloc:off -->\n", False),
        ("<!--postloc:on-->", True),
        ("<!-- translate:off --> <!-- translate:on -->", True),
        ("<!-- translate:on --><!-- postloc:off -->", False),
        ("<!-- postloc:of -->", None),
        ("<div>x</div>", None),
    ],
)
def test_switch_reads_the_last_marker(html: str, expected: bool | None) -> None:
    assert switch(html) is expected


def test_excluded_region_exports_byte_for_byte() -> None:
    text = (helpers.CORPUS / "postloc-off.md").read_text(encoding="utf-8")
    post = parse_post(text, "source_posts/postloc-off.md")
    segments = segment_post(post)
    out = rebuild_post(post, segments, {i: f"« {s.text} »" for i, s in enumerate(segments)})
    start = text.index("<!-- postloc:off -->")
    end = text.index("<!-- postloc:on -->")
    assert text[start:end] in out
    assert out.endswith(text[text.index("<!-- translate:off -->\n\nLa fin") :])
    assert "« Ce paragraphe est de nouveau traduit. »" in out
