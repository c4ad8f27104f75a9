"""PO reading and writing: byte identity with GNU msgcat, strict reading, round trips."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postloc.errors import BadCatalogue
from postloc.po import read as poreader
from postloc.po.flags import normalized_flags
from postloc.po.read import read_po
from postloc.po.write import dump_po

pytestmark = pytest.mark.skipif(
    shutil.which("msgcat") is None or shutil.which("msgfmt") is None,
    reason="GNU gettext (msgcat, msgfmt) is not installed",
)

HEADER = {
    "Project-Id-Version": "demo",
    "Report-Msgid-Bugs-To": "",
    "POT-Creation-Date": "2025-09-06 12:00+0000",
    "PO-Revision-Date": "2025-09-06 12:00+0000",
    "Last-Translator": "Ana <ana@example.org>",
    "Language-Team": "en <LL@li.org>",
    "Language": "en",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=2; plural=(n != 1);",
    "X-Generator": "postloc 0.1.0",
}


def msgcat_text(text: str, tmp_path: Path) -> str:
    """What ``msgcat in.po -o out.po`` writes for ``text`` (fails the test if msgcat fails)."""
    source, target = tmp_path / "in.po", tmp_path / "out.po"
    source.write_bytes(text.encode("utf-8"))
    run = subprocess.run(["msgcat", str(source), "-o", str(target)], capture_output=True)
    assert run.returncode == 0, run.stderr.decode()
    return target.read_bytes().decode("utf-8")


def msgfmt_check(text: str, tmp_path: Path) -> None:
    source = tmp_path / "check.po"
    source.write_bytes(text.encode("utf-8"))
    run = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(source)], capture_output=True)
    assert run.returncode == 0, run.stderr.decode()


def catalogue(*entries: polib.POEntry, header: str = "Demo catalogue.") -> polib.POFile:
    po = polib.POFile()
    po.header = header
    po.metadata = dict(HEADER)
    for entry in entries:
        po.append(entry)
    return po


LONG_FR = (
    "Le projet a traduit **35 pays** en une semaine — c’est « énorme » : voir "
    "[le rapport complet](https://exemple.fr/rapports/2025/projet-de-traduction?page=2) "
    "et les 1 000 € de budget, soit 50 % du total (non-breaking\u00a0spaces\u202fincluded)."
)


def sample_catalogue() -> polib.POFile:
    return catalogue(
        polib.POEntry(
            msgid="Bonjour",
            msgstr="Hello",
            comment="type: title",
            occurrences=[("source_posts/x.md", "2")],
        ),
        polib.POEntry(
            msgid=LONG_FR,
            msgstr=LONG_FR.upper(),
            comment="type: paragraph",
            occurrences=[("source_posts/x.md", str(n)) for n in range(10, 200, 7)],
            flags=["fuzzy"],
            previous_msgid=LONG_FR.replace("35", "34"),
            tcomment="MT: argos 1.9 fr→en 0123456789ab\nsecond line",
        ),
        polib.POEntry(
            msgid="Ligne un\nLigne deux\n",
            msgstr="Line one\nLine two\n",
            msgctxt="poème",
            occurrences=[("./source_posts/x.md", "5"), ("source_posts/x.md", "5")],
        ),
        polib.POEntry(msgid='tab\tquote" back\\slash', msgstr='tab\tquote" back\\slash'),
        polib.POEntry(msgid="x" * 150, msgstr=""),
        polib.POEntry(msgid="one file", msgid_plural="%d files", msgstr_plural={0: "un", 1: "%d"}),
        polib.POEntry(msgid="no wrap " * 20, msgstr="", flags=["no-wrap"]),
        polib.POEntry(
            msgid="Ancien paragraphe " * 6,
            msgstr="Old paragraph " * 6,
            obsolete=True,
            flags=["fuzzy"],
            previous_msgid="Très ancien",
            tcomment="kept",
        ),
    )


def test_sample_catalogue_is_byte_identical_to_msgcat(tmp_path: Path) -> None:
    text = dump_po(sample_catalogue())
    assert msgcat_text(text, tmp_path) == text
    msgfmt_check(text, tmp_path)


def test_long_string_wraps_within_width_and_never_inside_escapes(tmp_path: Path) -> None:
    text = dump_po(catalogue(polib.POEntry(msgid='ab\\"\t ' * 40, msgstr="")))
    assert msgcat_text(text, tmp_path) == text
    entry = text.split("\n\n")[1]
    lines = [line[1:-1] for line in entry.splitlines() if line.startswith('"')]
    assert len(lines) == 5
    for line in lines:
        assert len(line) + 2 <= 79
        assert (len(line) - len(line.rstrip("\\"))) % 2 == 0


def test_string_that_fits_stays_on_the_keyword_line() -> None:
    text = dump_po(catalogue(polib.POEntry(msgid="a" * 71, msgstr="b" * 70)))
    assert f'msgid "{"a" * 71}"' in text
    assert f'msgstr "{"b" * 70}"' in text


def test_multiline_string_starts_with_empty_first_line() -> None:
    text = dump_po(catalogue(polib.POEntry(msgid="a\nb", msgstr="")))
    assert 'msgid ""\n"a\\n"\n"b"\n' in text


def test_references_fill_lines_up_to_the_width(tmp_path: Path) -> None:
    refs = [("source_posts/un-article.md", str(n)) for n in range(1, 12)]
    text = dump_po(catalogue(polib.POEntry(msgid="a", msgstr="", occurrences=refs)))
    ref_lines = [line for line in text.splitlines() if line.startswith("#:")]
    assert ref_lines[0] == "#: source_posts/un-article.md:1 source_posts/un-article.md:2"
    assert len(ref_lines) == 6
    assert msgcat_text(text, tmp_path) == text
    assert all(len(line) <= 79 for line in ref_lines)


def test_flags_come_out_in_gettext_order() -> None:
    entry = polib.POEntry(
        msgid="a", msgstr="b", flags=["no-wrap", "markup-damaged", "python-format", "fuzzy"]
    )
    assert normalized_flags(entry) == ["fuzzy", "python-format", "no-wrap", "markup-damaged"]


def test_fuzzy_flag_dropped_when_msgstr_empty_like_msgcat(tmp_path: Path) -> None:
    po = catalogue(polib.POEntry(msgid="a", msgstr="", flags=["fuzzy"]))
    text = dump_po(po)
    assert "#, fuzzy\nmsgid" not in text
    assert msgcat_text(text, tmp_path) == text


def test_obsolete_entry_without_translation_is_not_written() -> None:
    po = catalogue(polib.POEntry(msgid="gone", msgstr="", obsolete=True))
    assert "gone" not in dump_po(po)


def test_fuzzy_header_and_header_comment(tmp_path: Path) -> None:
    po = catalogue(polib.POEntry(msgid="a", msgstr=""), header="Title\n\nCopyright")
    po.metadata_is_fuzzy = True
    text = dump_po(po)
    assert text.startswith('# Title\n#\n# Copyright\n#, fuzzy\nmsgid ""\nmsgstr ""\n')
    assert msgcat_text(text, tmp_path) == text


def test_read_gives_back_every_field() -> None:
    po = read_po(dump_po(sample_catalogue()), "x.po")
    entries = {e.msgid: e for e in po}
    long = entries[LONG_FR]
    assert long.msgstr == LONG_FR.upper()
    assert long.flags == ["fuzzy"]
    assert long.previous_msgid == LONG_FR.replace("35", "34")
    assert long.tcomment.startswith("MT: argos")
    assert long.comment == "type: paragraph"
    assert long.occurrences[0] == ("source_posts/x.md", "10")
    assert entries["Ligne un\nLigne deux\n"].msgctxt == "poème"
    assert entries["Ligne un\nLigne deux\n"].occurrences == [("source_posts/x.md", "5")]
    assert entries["one file"].msgstr_plural == {0: "un", 1: "%d"}
    old = entries["Ancien paragraphe " * 6]
    assert old.obsolete and old.previous_msgid == "Très ancien" and old.tcomment == "kept"
    assert po.metadata == HEADER
    assert po.header == "Demo catalogue."


def test_read_reports_linenum_of_msgid() -> None:
    po = read_po(dump_po(sample_catalogue()), "x.po")
    text_lines = dump_po(sample_catalogue()).splitlines()
    for entry in po:
        assert text_lines[entry.linenum - 1].lstrip("#~ ").startswith("msgid")


def test_read_accepts_escapes_gettext_accepts() -> None:
    text = 'msgid ""\nmsgstr "A: b\\n"\n\nmsgid "\\101\\x42\\t\\r\\n"\nmsgstr ""\n'
    po = read_po(text, "x.po")
    assert po[0].msgid == "AB\t\r\n"


@pytest.mark.parametrize("escape", ["\\0", "\\a", "\\v", "\\f", "\\b", "\\033", "\\x1b", "\\x100"])
def test_read_refuses_escaped_control_characters(escape: str) -> None:
    """msgfmt takes them, but cuts a msgstr at a NUL; the others would reach the exports."""
    text = f'msgid ""\nmsgstr "A: b\\n"\n\nmsgid "a"\nmsgstr ""\n"b{escape}z"\n'
    with pytest.raises(BadCatalogue, match=r"x\.po:6: control character U\+00.. is not allowed"):
        read_po(text, "x.po")


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f\x00"])
def test_read_refuses_raw_control_characters(char: str) -> None:
    text = f'msgid ""\nmsgstr "A: b\\n"\n\n# note{char}\nmsgid "a"\nmsgstr "b"\n'
    with pytest.raises(BadCatalogue, match=r"x\.po:4: control character"):
        read_po(text, "x.po")


# ------------------------------------------------------------------ errors

GOOD_HEADER = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ('msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', 7, "duplicate"),
        ('msgid "a"\nmsgstr "b\\q"\n', 5, "escape"),
        ('msgid "a"\nmsgstr "b\n', 5, "string"),
        ('msgid "a"\nmsgstr "b" x\n', 5, "string"),
        ('msgid "a"\nfoo "b"\n', 5, "syntax"),
        ('msgid "a"\n\nmsgid "b"\nmsgstr ""\n', 6, "msgid"),
        ('#, fuzzy\n"orphan"\n', 5, "without a keyword"),
        ('msgid "a"\n#, fuzzy\nmsgstr ""\n', 5, "comment"),
        ('#~ msgid "a"\nmsgstr "b"\n', 5, "obsolete"),
        ('msgid "a"\nmsgid_plural "b"\nmsgstr[1] ""\n', 6, "msgstr[1]"),
        ('msgid "a"\n', 4, "without msgstr"),
    ],
)
def test_read_errors_name_the_line(body: str, line: int, words: str) -> None:
    with pytest.raises(BadCatalogue) as caught:
        read_po(GOOD_HEADER + body, "locales/en/x.po")
    assert caught.value.line == line
    assert caught.value.path == "locales/en/x.po"
    assert words in str(caught.value)
    assert str(caught.value).startswith(f"locales/en/x.po:{line}: ")


def test_missing_header_is_an_error() -> None:
    with pytest.raises(BadCatalogue, match="no header"):
        read_po('msgid "a"\nmsgstr "b"\n', "x.po")


def test_duplicate_between_active_and_obsolete_is_an_error() -> None:
    with pytest.raises(BadCatalogue, match="duplicate"):
        read_po(GOOD_HEADER + 'msgid "a"\nmsgstr "b"\n\n#~ msgid "a"\n#~ msgstr "c"\n', "x.po")


def test_same_msgid_with_different_context_is_fine() -> None:
    po = read_po(GOOD_HEADER + 'msgid "a"\nmsgstr ""\n\nmsgctxt "k"\nmsgid "a"\nmsgstr ""\n', "p")
    assert [e.msgctxt for e in po] == [None, "k"]


# -------------------------------------------------------------- hypothesis

SNIPPETS = [
    " ",
    "  ",
    "\t",
    "\n",
    '"',
    "\\",
    "\\n",
    "**gras**",
    "[lien](https://exemple.fr/un-chemin-long/page?x=1&y=2)",
    "`code`",
    "# Titre",
    "- élément",
    "—",
    "« citation »",
    "\u00a0",
    "…",
    "l’été",
    "50 %",
    "1 000 €",
    "x" * 90,
    "anticonstitutionnellement",
    "日本語の文章",
    "👍🏽",
    "a-b-c-d",
    "(parenthèse)",
    "%s",
]
CONTROLS = "".join(chr(code) for code in range(32) if chr(code) not in "\t\n\r")
"""What the reader refuses (postloc.characters), raw or escaped; tab and newlines are text."""
PIECE = st.one_of(
    st.sampled_from(SNIPPETS),
    st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters=CONTROLS + "\r"),
        max_size=12,
    ),
    st.text("abcdefghij éèà,.;:!?'", min_size=1, max_size=25),
)
TEXT = st.lists(PIECE, max_size=25).map("".join)
LINE = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters=CONTROLS + "\r\n"),
    max_size=30,
).filter(lambda s: not s.startswith(("File:", " File:")) and not s.endswith("\\"))
COMMENT = st.lists(LINE, max_size=3).map("\n".join).filter(lambda s: s != "")
REFERENCE = st.tuples(
    st.text("abcxyz/._-", min_size=1, max_size=40).filter(lambda s: s[0] != "."),
    st.one_of(st.just(""), st.integers(1, 99999).map(str)),
)


@st.composite
def entries(draw: st.DrawFn, known_flags_only: bool) -> polib.POEntry:
    msgid = draw(TEXT.filter(bool))
    plural = draw(st.booleans()) and draw(st.integers(0, 4)) == 0
    msgstr = draw(st.one_of(st.just(""), TEXT))
    # msgfmt --check wants msgid and msgstr to agree on leading/trailing newlines.
    if msgstr:
        msgstr = msgstr.strip("\n") or "x"
        msgstr = ("\n" if msgid.startswith("\n") else "") + msgstr
        msgstr += "\n" if msgid.endswith("\n") and not msgstr.endswith("\n") else ""
        if not msgid.endswith("\n") and msgstr.endswith("\n"):
            msgstr = msgstr.rstrip("\n") + "x"
    flags: list[str] = []
    if msgstr and draw(st.booleans()):
        flags.append("fuzzy")
    if draw(st.integers(0, 5)) == 0:
        flags.append("no-wrap")
    if draw(st.integers(0, 9)) == 0:
        flags.append("range: 0..9")
    if not known_flags_only and draw(st.integers(0, 4)) == 0:
        flags.append("markup-damaged")
    entry = polib.POEntry(
        msgid=msgid,
        msgstr="" if plural else msgstr,
        msgctxt=draw(st.one_of(st.none(), TEXT)),
        tcomment=draw(st.one_of(st.just(""), COMMENT)),
        comment=draw(st.one_of(st.just(""), COMMENT)),
        occurrences=list(dict.fromkeys(draw(st.lists(REFERENCE, max_size=6)))),
        flags=flags,
        previous_msgid=draw(st.one_of(st.none(), TEXT)) if "fuzzy" in flags else None,
    )
    if plural:
        entry.msgid_plural = msgid + " (pl)"
        entry.msgstr_plural = {0: msgstr, 1: msgstr}
    return entry


@st.composite
def catalogues(draw: st.DrawFn, known_flags_only: bool = True) -> polib.POFile:
    """Catalogues as dump_po writes them back: obsolete entries last, all translated."""
    items = draw(st.lists(entries(known_flags_only), min_size=1, max_size=8))
    seen: set[tuple[str | None, str]] = set()
    active, obsolete = [], []
    for item in items:
        if (item.msgctxt, item.msgid) in seen:
            continue
        seen.add((item.msgctxt, item.msgid))
        if item.msgstr and not item.msgid_plural and draw(st.integers(0, 3)) == 0:
            item.obsolete = True
            item.occurrences, item.comment = [], ""
            item.flags = [f for f in item.flags if f == "fuzzy"]
            obsolete.append(item)
        else:
            active.append(item)
    return catalogue(*active, *obsolete, header=draw(st.one_of(st.just(""), COMMENT)))


def fields(po: polib.POFile) -> list[tuple[object, ...]]:
    return [
        (
            e.obsolete,
            e.msgctxt,
            e.msgid,
            e.msgid_plural,
            e.msgstr,
            e.msgstr_plural,
            e.tcomment,
            e.comment,
            e.occurrences,
            normalized_flags(e),
            e.previous_msgid,
        )
        for e in po
    ]


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(po=catalogues())
def test_random_catalogues_are_byte_identical_to_msgcat(po: polib.POFile, tmp_path: Path) -> None:
    text = dump_po(po)
    assert msgcat_text(text, tmp_path) == text
    msgfmt_check(text, tmp_path)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(po=catalogues(known_flags_only=False))
def test_read_of_dump_round_trips(po: polib.POFile) -> None:
    text = dump_po(po)
    again = read_po(text, "x.po")
    assert fields(again) == fields(po)
    assert again.metadata == po.metadata
    assert again.header == po.header
    assert dump_po(again) == text


@st.composite
def damaged(draw: st.DrawFn) -> str:
    """A valid catalogue with lines dropped, duplicated or cut, and characters sprinkled in."""
    lines = dump_po(draw(catalogues(known_flags_only=False))).split("\n")
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "dup", "cut", "insert"]))
        if action == "drop":
            del lines[i]
        elif action == "dup":
            lines.insert(i, lines[i])
        elif action == "cut":
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
        else:
            lines[i] += draw(st.sampled_from(['"', "\\", "#", "msgid", " x", "\\q", "#~ "]))
        if not lines:
            lines = [""]
    return "\n".join(lines)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(damaged(), st.text(max_size=200)))
def test_damaged_input_raises_bad_catalogue_or_parses(text: str) -> None:
    try:
        po = read_po(text, "x.po")
    except BadCatalogue as error:
        assert error.path == "x.po"
        assert error.line is None or 1 <= error.line <= text.count("\n") + 1
    else:
        dump_po(po)


def test_comment_lines_may_be_indented() -> None:
    po = read_po(GOOD_HEADER + '  #. type: title\n  msgid "a"\n  msgstr ""\n', "x.po")
    assert po[0].comment == "type: title"


# ------------------------------------------------- the fast reader and the line parser


def _outcome(read: Callable[[str, str], polib.POFile | None], text: str) -> object:
    """What a reader makes of ``text``: None, the error, or everything it read."""
    try:
        po = read(text, "x.po")
    except BadCatalogue as exc:
        return f"error: {exc}"
    if po is None:
        return None
    return (fields(po), [e.linenum for e in po], po.metadata, po.header, po.metadata_is_fuzzy)


def _assert_fast_agrees(text: str) -> object:
    fast = _outcome(poreader._read_plain_entries, text)
    reference = _outcome(poreader._read_lines, text)
    assert fast is None or fast == reference
    return fast


@st.composite
def plain_catalogues(draw: st.DrawFn) -> polib.POFile:
    """Catalogues of the shape postloc writes: no context, plural or obsolete entries."""
    po = draw(catalogues(known_flags_only=False))
    kept = [e for e in po if e.msgctxt is None and not e.msgid_plural and not e.obsolete]
    return catalogue(*kept, header=po.header)


@given(po=plain_catalogues())
def test_fast_reader_reads_postloc_catalogues_like_the_line_parser(po: polib.POFile) -> None:
    assert _assert_fast_agrees(dump_po(po)) is not None


@given(po=catalogues(known_flags_only=False))
def test_fast_reader_declines_or_agrees_on_any_catalogue(po: polib.POFile) -> None:
    _assert_fast_agrees(dump_po(po))


MUTATIONS = st.sampled_from(
    [
        "",
        " ",
        "#~ ",
        "#| ",
        '"x"',
        'msgid "x"',
        'msgstr "y"',
        'msgctxt "c"',
        "#, fuzzy",
        "\\q",
        '"',
        "\r",
    ]
)


@given(
    po=plain_catalogues(),
    edits=st.lists(st.tuples(st.integers(0, 200), st.sampled_from("dis"), MUTATIONS), max_size=4),
)
def test_fast_reader_never_accepts_what_the_line_parser_refuses(
    po: polib.POFile, edits: list[tuple[int, str, str]]
) -> None:
    """Damaged files (lines deleted, inserted, or with text spliced in) read identically."""
    lines = dump_po(po).split("\n")
    for where, how, piece in edits:
        at = where % (len(lines) + 1)
        if how == "d" and at < len(lines):
            del lines[at]
        elif how == "i":
            lines.insert(at, piece)
        elif at < len(lines):
            cut = where % (len(lines[at]) + 1)
            lines[at] = lines[at][:cut] + piece + lines[at][cut:]
    _assert_fast_agrees("\n".join(lines))


# --- references to files with spaces in their names --------------------------------------------

SPACED = [
    "source_posts/IA & Java : du prompt au logiciel.md",
    "source_posts/Chapitre : 3 étapes.md",
    "content/posts/Déc 2025 - notes de version.md",
]


def test_msgcat_0_21_mangles_a_reference_with_raw_spaces(tmp_path: Path) -> None:
    """Why postloc does not write the name as it is: gettext 0.21 splits a reference line at
    spaces, so a name referenced twice loses its repeated words, and ``Chapitre : 3`` reads
    as line 3 of ``Chapitre``. gettext 0.22's U+2068…U+2069 quoting is split the same way."""
    head = dump_po(catalogue())
    raw = head + '\n#: a b.md:3 a b.md:7\n#: Chapitre : 3 x.md:1\nmsgid "a"\nmsgstr ""\n'
    assert "#: a b.md:3 b.md:7 Chapitre:3 x.md:1\n" in msgcat_text(raw, tmp_path)
    isolated = head + '\n#: \u2068a b.md\u2069:3 \u2068a b.md\u2069:7\nmsgid "a"\nmsgstr ""\n'
    assert "#: \u2068a b.md\u2069:3 b.md\u2069:7\n" in msgcat_text(isolated, tmp_path)


def test_references_with_spaces_survive_msgcat_and_read_back(tmp_path: Path) -> None:
    entries = [
        polib.POEntry(msgid=f"t{n}", msgstr="", occurrences=[(name, "3"), (name, "17")])
        for n, name in enumerate(SPACED)
    ]
    entries.append(
        polib.POEntry(msgid="long", msgstr="", occurrences=[(SPACED[0], str(n)) for n in range(9)])
    )
    text = dump_po(catalogue(*entries))
    assert "#: source_posts/IA\u00a0&\u00a0Java\u00a0:\u00a0du\u00a0prompt\u00a0au" in text
    long_lines = text.split('msgid "t2"')[1].split('msgid "long"')[0].splitlines()
    assert len([line for line in long_lines if line.startswith("#:")]) == 9  # one a line
    assert msgcat_text(text, tmp_path) == text
    msgfmt_check(text, tmp_path)
    again = read_po(text, "x.po")
    assert fields(again) == fields(catalogue(*entries))
    assert again.find("t1").occurrences == [(SPACED[1], "3"), (SPACED[1], "17")]


def test_a_tab_in_a_file_name_is_written_as_a_no_break_space() -> None:
    text = dump_po(catalogue(polib.POEntry(msgid="a", msgstr="", occurrences=[("a\tb.md", "2")])))
    assert "#: a\u00a0b.md:2\n" in text
    assert read_po(text, "x.po").find("a").occurrences == [("a b.md", "2")]


def test_the_isolates_gettext_0_22_writes_are_read_as_one_name() -> None:
    text = dump_po(catalogue()) + (
        "\n#: \u2068source_posts/IA & Java.md\u2069:3 plain.md:4 \u2068sans ligne.md\u2069\n"
        'msgid "a"\nmsgstr ""\n'
    )
    entry = read_po(text, "x.po").find("a")
    assert entry.occurrences == [
        ("source_posts/IA & Java.md", "3"),
        ("plain.md", "4"),
        ("sans ligne.md", ""),
    ]
    assert "#: source_posts/IA\u00a0&\u00a0Java.md:3 plain.md:4 sans\u00a0ligne.md\n" in dump_po(
        read_po(text, "x.po")
    )


SPACED_REFERENCE = st.tuples(
    st.text("abé xyz/._-&:", min_size=1, max_size=40).filter(lambda s: s[0] != "."),
    st.one_of(st.just(""), st.integers(1, 99999).map(str)),
)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(refs=st.lists(SPACED_REFERENCE, min_size=1, max_size=8))
def test_random_spaced_references_round_trip(refs: list[tuple[str, str]], tmp_path: Path) -> None:
    po = catalogue(polib.POEntry(msgid="a", msgstr="", occurrences=list(dict.fromkeys(refs))))
    text = dump_po(po)
    assert msgcat_text(text, tmp_path) == text
    assert fields(read_po(text, "x.po")) == fields(po)
