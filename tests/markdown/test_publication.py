"""Drafts and unpublished posts, as Hugo and Jekyll read their front matter."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import helpers
from postloc.markdown.parse import parse_post
from postloc.markdown.publication import as_datetime, unpublished_reason

NOW = dt.datetime(2025, 6, 15, 12, 0, tzinfo=dt.UTC)
PARIS = dt.timezone(dt.timedelta(hours=2))


@pytest.mark.parametrize(
    ("front", "reason"),
    [
        ({"draft": True}, "draft: true"),
        ({"Draft": "true"}, "Draft: true"),
        ({"draft": 1}, "draft: true"),
        ({"draft": "T"}, "draft: true"),
        ({"published": False}, "published: false"),
        ({"published": "false"}, "published: false"),
        ({"published": 0}, "published: false"),
        ({"draft": False, "published": False}, "published: false"),
        ({"publishDate": dt.date(2025, 6, 16)}, "publishDate 2025-06-16 is in the future"),
        (
            {"publishdate": "2025-06-15T13:00:00Z"},
            "publishdate 2025-06-15T13:00:00Z is in the future",
        ),
        (
            {"pubdate": "2025-06-15 12:30:00 +0000"},
            "pubdate 2025-06-15 12:30:00 +0000 is in the future",
        ),
        ({"published": dt.date(2030, 1, 1)}, "published 2030-01-01 is in the future"),
        ({"date": dt.datetime(2025, 6, 15, 13, 0)}, "date 2025-06-15T13:00:00 is in the future"),
        ({"expiryDate": dt.date(2025, 6, 1)}, "expiryDate 2025-06-01 has passed"),
        (
            {"unpublishdate": "2025-06-15T11:59:00Z"},
            "unpublishdate 2025-06-15T11:59:00Z has passed",
        ),
        ({"PublishDate": "2025-06-15T13:00:00+02:00", "draft": False}, None),
        ({"draft": False, "published": True, "date": dt.date(2025, 6, 15)}, None),
        ({"draft": "no", "published": "yes"}, None),
        ({"publishDate": "2024-01-01", "date": "2030-01-01"}, None),
        ({"publishDate": "", "date": "2030-01-01"}, "date 2030-01-01 is in the future"),
        ({"publishDate": "pas une date"}, None),
        ({"expiryDate": dt.date(2030, 1, 1)}, None),
        ({"title": "Publié", "tags": ["draft"]}, None),
        ({}, None),
    ],
)
def test_unpublished_reason(front: dict[str, Any], reason: str | None) -> None:
    assert unpublished_reason(front, NOW) == reason


def test_a_naive_now_is_utc() -> None:
    assert unpublished_reason({"date": "2025-06-15T12:30:00Z"}, NOW.replace(tzinfo=None))


def test_a_future_file_name_date_counts_when_the_front_matter_has_none() -> None:
    name = "source_posts/_posts/2030-01-01-bonne-annee.md"
    assert unpublished_reason({}, NOW, name=name) == "file name date 2030-01-01 is in the future"
    assert unpublished_reason({"date": "2024-01-01"}, NOW, name=name) is None
    assert unpublished_reason({}, NOW, name="source_posts/2024-01-01-x.md") is None
    assert unpublished_reason({}, NOW, name="source_posts/notes.md") is None


@pytest.mark.parametrize(
    ("value", "moment"),
    [
        (dt.date(2024, 5, 1), dt.datetime(2024, 5, 1, tzinfo=dt.UTC)),
        (dt.datetime(2024, 5, 1, 10, 30), dt.datetime(2024, 5, 1, 10, 30, tzinfo=dt.UTC)),
        (
            dt.datetime(2024, 5, 1, 10, 30, tzinfo=PARIS),
            dt.datetime(2024, 5, 1, 8, 30, tzinfo=dt.UTC),
        ),
        ("2024-05-01", dt.datetime(2024, 5, 1, tzinfo=dt.UTC)),
        ("2024-5-1", dt.datetime(2024, 5, 1, tzinfo=dt.UTC)),
        ("2024-05-01T10:30:00+02:00", dt.datetime(2024, 5, 1, 8, 30, tzinfo=dt.UTC)),
        ("2024-05-01 10:30:00 +0200", dt.datetime(2024, 5, 1, 8, 30, tzinfo=dt.UTC)),
        ("2024-05-01T10:30:00.250Z", dt.datetime(2024, 5, 1, 10, 30, 0, 250000, tzinfo=dt.UTC)),
        ("2024-05-01 10:30", dt.datetime(2024, 5, 1, 10, 30, tzinfo=dt.UTC)),
        (" 2024-05-01T10:30:00-05 ", dt.datetime(2024, 5, 1, 15, 30, tzinfo=dt.UTC)),
        (0, dt.datetime(1970, 1, 1, tzinfo=dt.UTC)),
        ("2024-02-30", None),
        ("1er mai 2024", None),
        ("", None),
        (True, None),
        (dt.time(10, 30), None),
        (None, None),
        (10**30, None),
    ],
)
def test_dates_read_as_hugo_reads_them(value: Any, moment: dt.datetime | None) -> None:
    assert as_datetime(value) == moment


@pytest.mark.parametrize(
    "text",
    [
        "+++\ntitle = 'x'\ndraft = true\n+++\nCorps\n",
        "+++\ntitle = 'x'\npublishDate = 2030-01-01T00:00:00+01:00\n+++\nCorps\n",
        '{"title": "x", "expiryDate": "2020-01-01"}\nCorps\n',
        "---\ntitle: x\npublished: false\n---\nCorps\n",
        "---\ntitle: x\ndate: 2030-01-01 10:00:00 +0100\n---\nCorps\n",
    ],
)
def test_every_format_reads_as_unpublished(text: str) -> None:
    assert unpublished_reason(parse_post(text, "source_posts/x.md").front_matter, NOW)


def test_the_corpus_draft_is_a_draft_and_the_others_are_published() -> None:
    for path in sorted(helpers.CORPUS.glob("*.md")):
        post = parse_post(path.read_bytes(), f"source_posts/{path.name}")
        later = dt.datetime(2099, 1, 1, tzinfo=dt.UTC)  # the corpus dates are all past
        reason = unpublished_reason(post.front_matter, later, name=path.name)
        assert reason == ("draft: true" if path.name == "front-matter-toml-draft.md" else None)
