"""Status numbers, the table, JSON and the --fail-under gate."""

from __future__ import annotations

import dataclasses
import json

import polib

from postloc.po.state import MachineNote, output_digest
from postloc.review.status import (
    JSON_KEYS,
    StatusRow,
    below_threshold,
    catalogue_counts,
    fail_under_error,
    render_table,
    rows_to_json,
    total_row,
)


def make_po() -> polib.POFile:
    po = polib.POFile()
    po.metadata = {"Language": "en", "Content-Type": "text/plain; charset=UTF-8"}
    note = MachineNote("pseudo", "1", "fr", "en", output_digest("Draft")).render()
    edited = MachineNote("pseudo", "1", "fr", "en", output_digest("Other")).render()
    for entry in [
        polib.POEntry(msgid="a", msgstr="A"),
        polib.POEntry(msgid="b", msgstr="B"),
        polib.POEntry(msgid="c", msgstr="Draft", flags=["fuzzy"], tcomment=note),
        polib.POEntry(msgid="d", msgstr="Edited", flags=["fuzzy"], tcomment=edited),
        polib.POEntry(msgid="e", msgstr="E", flags=["fuzzy"], previous_msgid="E0"),
        polib.POEntry(msgid="f", msgstr=""),
        polib.POEntry(msgid="g", msgstr="G", obsolete=True),
    ]:
        po.append(entry)
    return po


def test_catalogue_counts():
    assert catalogue_counts(make_po()) == {
        "total": 6,
        "reviewed": 2,
        "machine": 1,
        "fuzzy": 2,
        "untranslated": 1,
        "obsolete": 1,
    }
    assert list(catalogue_counts(polib.POFile())) == list(JSON_KEYS[2:])
    assert catalogue_counts(polib.POFile())["total"] == 0


def test_row_and_percent():
    row = StatusRow.from_catalogue(make_po(), post="p", lang="en")
    assert row == StatusRow("p", "en", 6, 2, 1, 2, 1, 1)
    assert round(row.percent_reviewed, 2) == 33.33
    assert StatusRow("p", "en", 0, 0, 0, 0, 0, 3).percent_reviewed == 100.0
    assert tuple(f.name for f in dataclasses.fields(StatusRow)) == JSON_KEYS


ROWS = [
    StatusRow("coalition-des-volontaires-paris", "en", 20, 20, 0, 0, 0, 0),
    StatusRow("coalition-des-volontaires-paris", "es", 20, 3, 15, 1, 1, 2),
    StatusRow("court", "pt_BR", 3, 0, 0, 0, 3, 0),
]


def test_render_table_plain():
    table = render_table(ROWS, color=False)
    assert table == (
        "post                             lang   total  reviewed  machine  human fuzzy"
        "  untranslated  obsolete  % reviewed\n"
        "-------------------------------  -----  -----  --------  -------  -----------"
        "  ------------  --------  ----------\n"
        "coalition-des-volontaires-paris  en        20        20        0            0"
        "             0         0      100.0%\n"
        "coalition-des-volontaires-paris  es        20         3       15            1"
        "             1         2       15.0%\n"
        "court                            pt_BR      3         0        0            0"
        "             3         0        0.0%\n"
        "-------------------------------  -----  -----  --------  -------  -----------"
        "  ------------  --------  ----------\n"
        "TOTAL                                      43        23       15            1"
        "             4         2       53.4%\n"
    )
    assert "\x1b" not in table


def test_render_table_colour_only_when_asked():
    table = render_table(ROWS, color=True)
    assert "\x1b[1mpost" in table
    assert "\x1b[32m    100.0%\x1b[0m" in table
    assert "\x1b[31m     15.0%\x1b[0m" in table
    assert "\x1b[33m     53.4%\x1b[0m" in table
    plain = render_table(ROWS, color=False)
    import re

    assert re.sub(r"\x1b\[\d+m", "", table) == plain


def test_render_table_empty():
    lines = render_table([], color=False).splitlines()
    assert lines[0].startswith("post") and lines[-1].startswith("TOTAL")
    assert lines[-1].endswith("100.0%")


def test_percent_rounds_down():
    row = StatusRow("p", "en", 10000, 9999, 1, 0, 0, 0)
    assert "99.9%" in render_table([row], color=False)


def test_rows_to_json():
    data = rows_to_json(ROWS)
    assert json.loads(json.dumps(data)) == data
    assert data[1] == {
        "post": "coalition-des-volontaires-paris",
        "lang": "es",
        "total": 20,
        "reviewed": 3,
        "machine": 15,
        "fuzzy": 1,
        "untranslated": 1,
        "obsolete": 2,
    }
    assert all(list(d) == list(JSON_KEYS) for d in data)


def test_below_threshold_uses_the_total():
    assert total_row(ROWS).reviewed == 23
    assert below_threshold(ROWS, 60)
    assert not below_threshold(ROWS, 53)
    assert not below_threshold(ROWS[:1], 100)
    assert not below_threshold([], 100)


def test_fail_under_fails_without_posts():
    """An empty project is only vacuously 100 % reviewed: a gate must not pass on it."""
    assert fail_under_error([], 0) == "no posts: nothing to hold to --fail-under 0"
    assert fail_under_error(ROWS, 60) == "reviewed share is below 60 %"
    assert fail_under_error(ROWS, 53) is None
    assert fail_under_error(ROWS[:1], 100) is None
