"""The user's sample post: one entry per title, heading and paragraph, counted from the file."""

from __future__ import annotations

from pathlib import Path

from helpers import SAMPLE
from postloc.markdown.parse import parse_post
from postloc.markdown.segment import segment_post
from postloc.po.merge import build_template


def blocks_by_kind(text: str) -> dict[str, list[str]]:
    """Split the sample's Markdown by hand: front matter title, `## ` headings, paragraphs."""
    front, body = text.split("\n---\n", 1)
    title = [
        line.split(":", 1)[1].strip().strip('"')
        for line in front.splitlines()
        if line.startswith("title:")
    ]
    chunks = [chunk.strip() for chunk in body.split("\n\n") if chunk.strip()]
    return {
        "title": title,
        "heading": [c[3:] for c in chunks if c.startswith("## ")],
        "paragraph": [c for c in chunks if not c.startswith("#")],
    }


def test_one_entry_per_title_heading_and_paragraph() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    expected = blocks_by_kind(text)
    post = parse_post(SAMPLE.read_bytes(), "source_posts/" + SAMPLE.name)
    segments = segment_post(post)
    template = build_template(
        post.path, segments, slug=post.slug, version="test", creation_date="x"
    )
    by_kind: dict[str, list[str]] = {}
    for entry in template:
        kind = entry.comment.removeprefix("type: ")
        by_kind.setdefault(kind, []).append(entry.msgid)
    assert by_kind == expected
    assert len(template) == sum(len(v) for v in expected.values())


def test_sample_keeps_the_bold_and_drops_the_platform_boilerplate() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    assert "**35 pays**" in text
    for boilerplate in (
        "Abonné·e de Mediapart",
        "(avatar)",
        "Billet de blog",
        "Ce blog est personnel",
    ):
        assert boilerplate not in text
    post = parse_post(text, "source_posts/" + SAMPLE.name)
    assert post.front_matter["lang"] == "fr"
    assert str(post.front_matter["date"]) == "2025-09-06"
    assert Path(SAMPLE).stem == post.slug
