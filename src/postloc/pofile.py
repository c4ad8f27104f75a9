"""PO text in and out: a strict reader and a writer byte-identical to GNU ``msgcat``.

Both work on ``str``; opening files is the caller's business. The in-memory
catalogue is polib's ``POFile``/``POEntry`` (the header lives in ``po.header``,
``po.metadata`` and ``po.metadata_is_fuzzy``, obsolete entries are entries with
``obsolete=True``), but neither polib's parser nor its writer is used: polib
loses ``#~|`` lines, strips comment whitespace and wraps differently from
gettext, and a catalogue that changes shape when Poedit or ``msgcat`` touches
it produces noisy diffs. The writer follows gettext 0.21's ``write-po.c``; line
breaking inside strings is :mod:`postloc.linebreak`.

Normalisations, all of them msgcat's own: flags are written in gettext's order
(``fuzzy``, format flags, ``range:``, ``no-wrap``) with later format flags
overriding earlier ones for the same language; ``fuzzy`` is dropped from an
entry whose ``msgstr`` is empty; an obsolete entry with an empty ``msgstr`` is
not written at all; obsolete entries keep only the ``fuzzy`` flag; duplicate
references are written once and a leading ``./`` is dropped. Flags gettext does
not know (``markup-damaged``) are kept after the known ones, where msgcat would
drop them.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from functools import lru_cache

import polib

from .errors import BadCatalogue
from .linebreak import wrap_points

PAGE_WIDTH = 79
"""gettext's default page width; every tool in the chain uses it."""

_FORMAT_NAMES = """c objc python python-brace java java-printf csharp javascript scheme lisp elisp
librep ruby sh awk lua object-pascal smalltalk qt qt-plural kde kde-kuit boost tcl perl perl-brace
php gcc-internal gfc-internal ycp"""
FORMAT_LANGUAGES = tuple(_FORMAT_NAMES.split())
"""gettext 0.21's format languages, in the order ``#,`` lines list them."""

_ESCAPES = {"\a": "a", "\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t", "\v": "v"}
_UNESCAPES = {v: k for k, v in _ESCAPES.items()} | {"\\": "\\", '"': '"'}
_FLAG_SPLIT = re.compile(r"[\s,]+")
_STRING = re.compile(r'\s*"((?:[^"\\]|\\.)*)"')
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]+|[0-7]{1,3}|.)")
_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr\[(\d+)\]|msgstr)(?=[\s\"])")
_REFERENCE = re.compile(r"(.+):(\d+)")


# ---------------------------------------------------------------- writing


def dump_po(po: polib.POFile) -> str:
    """Serialize ``po`` exactly as ``msgcat`` (gettext 0.21, width 79) would write it."""
    blocks: list[list[str]] = []
    header = _header_msgstr(po)
    if header or po.header or po.metadata_is_fuzzy:
        fuzzy = ["#, fuzzy"] if po.metadata_is_fuzzy and header else []
        message = [*_wrap("", "msgid", ""), *_wrap("", "msgstr", header)]
        blocks.append([*_comment_lines(po.header), *fuzzy, *message])
    blocks.extend(_entry_lines(entry) for entry in po if not entry.obsolete)
    blocks.extend(_obsolete_lines(entry) for entry in po if entry.obsolete and _msgstr0(entry))
    return "\n".join("".join(line + "\n" for line in block) for block in blocks)


def _header_msgstr(po: polib.POFile) -> str:
    return "".join(f"{key}: {value}\n" for key, value in po.metadata.items())


def _msgstr0(entry: polib.POEntry) -> str:
    if entry.msgid_plural:
        return str(entry.msgstr_plural.get(0, ""))
    return str(entry.msgstr)


def _comment_lines(text: str, mark: str = "#") -> list[str]:
    if not text:
        return []
    return [f"{mark} {line}" if line else mark for line in text.split("\n")]


def _reference_lines(entry: polib.POEntry) -> list[str]:
    refs: list[str] = []
    for path, line in entry.occurrences:
        while path.startswith("./"):
            path = path[2:]
        ref = f"{path}:{line}" if str(line) != "" else path
        if ref not in refs:
            refs.append(ref)
    if not refs:
        return []
    lines, current, column = [], "#:", 2
    for ref in refs:
        size = len(ref.encode("utf-8")) + 1
        if column > 2 and column + size > PAGE_WIDTH:
            lines.append(current)
            current, column = "#:", 2
        current += " " + ref
        column += size
    return [*lines, current]


def normalized_flags(entry: polib.POEntry) -> list[str]:
    """The flags as msgcat writes them (see the module docstring), unknown ones last."""
    fuzzy = False
    formats: dict[str, str] = {}
    range_flag: str | None = None
    wrap: bool | None = None
    unknown: list[str] = []
    for flag in _split_flags(entry.flags):
        language = flag[: -len("-format")] if flag.endswith("-format") else None
        state = "yes"
        for prefix in ("no-", "possible-", "impossible-"):
            if language and language.startswith(prefix) and language[len(prefix) :]:
                language, state = language[len(prefix) :], prefix[:-1]
                break
        if flag == "fuzzy":
            fuzzy = True
        elif language in FORMAT_LANGUAGES:
            formats[language] = state
        elif flag.startswith("range:"):
            range_flag = _range_flag(flag) or range_flag
        elif flag in ("wrap", "no-wrap"):
            wrap = flag == "wrap"
        elif flag not in unknown:
            unknown.append(flag)
    flags = ["fuzzy"] if fuzzy and _msgstr0(entry) else []
    for language in FORMAT_LANGUAGES:
        state = formats.get(language, "impossible")
        if state != "impossible":
            flags.append(f"no-{language}-format" if state == "no" else f"{language}-format")
    if range_flag:
        flags.append(range_flag)
    if wrap is False:
        flags.append("no-wrap")
    return flags + unknown


def _split_flags(flags: list[str]) -> Iterator[str]:
    tokens = [token for flag in flags for token in _FLAG_SPLIT.split(flag) if token]
    i = 0
    while i < len(tokens):
        if tokens[i] == "range:" and i + 1 < len(tokens):
            yield f"range: {tokens[i + 1]}"
            i += 2
        else:
            yield tokens[i]
            i += 1


def _range_flag(flag: str) -> str | None:
    match = re.fullmatch(r"range:\s*(\d+)\.\.(\d+)", flag)
    if not match or int(match[1]) > int(match[2]):
        return None
    return f"range: {int(match[1])}..{int(match[2])}"


def _entry_lines(entry: polib.POEntry) -> list[str]:
    flags = normalized_flags(entry)
    wrap = "no-wrap" not in flags
    lines = _comment_lines(entry.tcomment) + _comment_lines(entry.comment, "#.")
    lines += _reference_lines(entry)
    if flags:
        lines.append("#, " + ", ".join(flags))
    return lines + _previous_lines(entry, "#| ", wrap) + _message_lines(entry, "", wrap)


def _obsolete_lines(entry: polib.POEntry) -> list[str]:
    wrap = "no-wrap" not in normalized_flags(entry)
    lines = _comment_lines(entry.tcomment) + _comment_lines(entry.comment, "#.")
    lines += _reference_lines(entry)
    if "fuzzy" in _split_flags(entry.flags):
        lines.append("#, fuzzy")
    return lines + _previous_lines(entry, "#~| ", wrap) + _message_lines(entry, "#~ ", wrap)


def _previous_lines(entry: polib.POEntry, prefix: str, wrap: bool) -> list[str]:
    lines: list[str] = []
    for name, value in (
        ("msgctxt", entry.previous_msgctxt),
        ("msgid", entry.previous_msgid),
        ("msgid_plural", entry.previous_msgid_plural),
    ):
        if value is not None:
            lines += _wrap(prefix, name, value, wrap)
    return lines


def _message_lines(entry: polib.POEntry, prefix: str, wrap: bool) -> list[str]:
    lines: list[str] = []
    if entry.msgctxt is not None:
        lines += _wrap(prefix, "msgctxt", entry.msgctxt, wrap)
    lines += _wrap(prefix, "msgid", entry.msgid, wrap)
    if entry.msgid_plural:
        lines += _wrap(prefix, "msgid_plural", entry.msgid_plural, wrap)
        forms = entry.msgstr_plural or {0: ""}
        for index in sorted(forms):
            lines += _wrap(prefix, f"msgstr[{index}]", forms[index], wrap)
    else:
        lines += _wrap(prefix, "msgstr", entry.msgstr, wrap)
    return lines


@lru_cache(maxsize=65536)
def _wrap(prefix: str, name: str, value: str, wrap: bool = True) -> tuple[str, ...]:
    """gettext's ``wrap()``: one ``'\\n'``-ended portion at a time, broken by UAX #14."""
    lines: list[str] = []
    after_break = len(prefix) + 1
    width = (PAGE_WIDTH if wrap else 2**31 - 1) - 1 - after_break
    first_line = True
    rest = value
    while True:
        cut = rest.find("\n") + 1 or len(rest)
        portion, rest = rest[:cut], rest[cut:]
        escaped, no_break = _escape(portion)
        start = len(name) + 1 if first_line else 0
        breaks = wrap_points(escaped, width, start, no_break)
        if first_line and escaped and (rest or start > width or breaks):
            lines.append(f'{prefix}{name} ""')
            first_line, start = False, 0
            breaks = wrap_points(escaped, width, start, no_break)
        head = f"{prefix}{name} " if first_line else prefix
        first_line = False
        bounds = [0, *breaks, len(escaped)]
        for begin, end in itertools.pairwise(bounds):
            lines.append(f'{head}"{escaped[begin:end]}"')
            head = prefix
        if not rest:
            return tuple(lines)


_ESCAPE_TABLE = str.maketrans({char: "\\" + letter for char, letter in _ESCAPES.items()})
_ESCAPE_TABLE.update({ord("\\"): "\\\\", ord('"'): '\\"'})
_ESCAPED_PAIR = re.compile(r"\\.", re.DOTALL)
_NEEDS_ESCAPE = re.compile('[\a\b\f\n\r\t\v"\\\\]')


def _escape(portion: str) -> tuple[str, frozenset[int]]:
    """Escape like gettext and list the positions inside escape sequences (never broken)."""
    if not _NEEDS_ESCAPE.search(portion):
        return portion, frozenset()
    escaped = portion.translate(_ESCAPE_TABLE)
    no_break = {match.start() + 1 for match in _ESCAPED_PAIR.finditer(escaped)}
    if portion.endswith("\n"):
        no_break.add(len(escaped) - 2)
    return escaped, frozenset(no_break)


# ---------------------------------------------------------------- reading


def read_po(text: str, path: str) -> polib.POFile:
    """Parse PO text; anything msgfmt would reject is a :class:`BadCatalogue` naming the line.

    ``path`` only labels error messages. Entries get ``linenum`` = the line of
    their ``msgid``. A catalogue without a header entry is rejected: every
    postloc catalogue has one, so its absence means a truncated or foreign file.
    """
    parser = _Parser(path)
    for number, line in enumerate(text.removeprefix("\ufeff").split("\n"), start=1):
        parser.feed(line.removesuffix("\r"), number)
    return parser.finish()


class _Parser:
    """Line-by-line state machine over GNU PO syntax (comments, ``#|``, ``#~``, strings)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.po = polib.POFile(encoding="utf-8")
        self.seen: dict[tuple[str | None, str], int] = {}
        self.header_found = False
        self.line = 0
        self._reset()

    def _reset(self) -> None:
        self.comments: dict[str, list[str]] = {"#": [], "#.": [], "#:": [], "#,": []}
        self.fields: dict[str, str] = {}
        self.plural: dict[int, str] = {}
        self.current: tuple[str, int | None] | None = None
        self.stage = 0  # 0 comments, 1 msgctxt, 2 msgid, 3 msgid_plural, 4 msgstr
        self.obsolete: bool | None = None
        self.msgid_line = 0

    def error(self, message: str, line: int | None = None) -> BadCatalogue:
        return BadCatalogue(message, path=self.path, line=line or self.line)

    def feed(self, line: str, number: int) -> None:
        self.line = number
        line = line.lstrip()
        stripped = line.rstrip()
        if not stripped:
            return
        if line.startswith("#~"):
            body = line[2:]
            if body.startswith("|"):
                self.keyword_line(body[1:].strip(), previous=True, obsolete=True)
            elif body.strip():
                self.keyword_line(body.strip(), previous=False, obsolete=True)
        elif line.startswith("#|"):
            self.keyword_line(line[2:].strip(), previous=True, obsolete=False)
        elif line.startswith("#"):
            self.comment_line(line)
        else:
            self.keyword_line(stripped, previous=False, obsolete=False)

    def comment_line(self, line: str) -> None:
        if self.stage == 4:
            self.finish_entry()
        elif self.stage:
            raise self.error("comment inside an entry, before its msgstr")
        mark, body = line[:2], line[2:]
        if mark in ("#.", "#:", "#,", "#!"):
            self.comments["#," if mark == "#!" else mark].append(
                body[1:] if mark == "#." and body.startswith(" ") else body
            )
        else:
            body = line[1:]
            self.comments["#"].append(body[1:] if body.startswith(" ") else body)

    def keyword_line(self, body: str, *, previous: bool, obsolete: bool) -> None:
        if body.startswith('"'):
            self.continuation(body, previous=previous, obsolete=obsolete)
            return
        match = _KEYWORD.match(body)
        if not match:
            raise self.error(f"syntax error: {body[:40]!r}")
        keyword, index = match[1], match[2]
        value = self.strings(body[match.end() :])
        if previous:
            if self.stage == 4:
                self.finish_entry()
            elif self.stage:
                raise self.error("'#|' line inside an entry")
            if keyword not in ("msgctxt", "msgid", "msgid_plural"):
                raise self.error(f"'{keyword}' cannot be a previous ('#|') field")
            self.fields["#|" + keyword] = value
            self.current = ("#|" + keyword, None)
            return
        self.message_keyword(keyword, index, value, obsolete)

    def message_keyword(self, keyword: str, index: str | None, value: str, obsolete: bool) -> None:
        if keyword in ("msgctxt", "msgid") and self.stage == 4:
            self.finish_entry()
        if self.obsolete is not None and self.obsolete != obsolete:
            raise self.error("entry mixes obsolete ('#~') and active lines")
        self.obsolete = obsolete
        expected = {"msgctxt": (0,), "msgid": (0, 1), "msgid_plural": (2,)}
        if keyword in expected and self.stage not in expected[keyword]:
            raise self.error(f"unexpected '{keyword}'")
        if keyword == "msgctxt":
            self.stage = 1
        elif keyword == "msgid":
            self.stage, self.msgid_line = 2, self.line
        elif keyword == "msgid_plural":
            self.stage = 3
        elif index is None:
            if self.stage != 2:
                raise self.error("'msgstr' without a msgid, or after a msgid_plural")
            self.stage = 4
        else:
            if self.stage not in (3, 4) or "msgid_plural" not in self.fields:
                raise self.error("'msgstr[N]' without a msgid_plural")
            if int(index) != len(self.plural):
                raise self.error(f"plural form msgstr[{index}] out of order")
            self.plural[int(index)] = value
            self.current, self.stage = ("msgstr[]", int(index)), 4
            return
        self.fields[keyword] = value
        self.current = (keyword, None)

    def continuation(self, body: str, *, previous: bool, obsolete: bool) -> None:
        value = self.strings(body)
        if self.current is None or self.current[0].startswith("#|") != previous:
            raise self.error("string without a keyword")
        if not previous and self.obsolete != obsolete:
            raise self.error("entry mixes obsolete ('#~') and active lines")
        name, index = self.current
        if index is not None:
            self.plural[index] += value
        else:
            self.fields[name] += value

    def strings(self, rest: str) -> str:
        simple = rest.strip()
        if simple[:1] == '"' and simple[-1:] == '"' and len(simple) > 1:
            inner = simple[1:-1]
            if '"' not in inner and "\\" not in inner:
                return inner
        parts: list[str] = []
        pos = 0
        while True:
            match = _STRING.match(rest, pos)
            if not match:
                break
            parts.append(self.unescape(match[1]))
            pos = match.end()
        if not parts or rest[pos:].strip():
            raise self.error("malformed or unterminated string")
        return "".join(parts)

    def unescape(self, raw: str) -> str:
        def replace(match: re.Match[str]) -> str:
            seq = match[1]
            if seq in _UNESCAPES:
                return _UNESCAPES[seq]
            if seq[0] == "x" and len(seq) > 1:
                return chr(int(seq[1:], 16) & 0xFF)
            if seq.isdigit() and "8" not in seq and "9" not in seq:
                return chr(int(seq, 8) & 0xFF)
            raise self.error(f"invalid escape sequence '\\{seq}'")

        return _ESCAPE.sub(replace, raw) if "\\" in raw else raw

    def finish_entry(self) -> None:
        fields = self.fields
        msgctxt = fields.get("msgctxt")
        msgid = fields["msgid"]
        key = (msgctxt, msgid)
        if "\x04" in msgid + (msgctxt or ""):
            raise self.error("context separator (U+0004) inside msgctxt or msgid", self.msgid_line)
        if key in self.seen:
            raise self.error(
                f"duplicate message definition (first defined at line {self.seen[key]})",
                self.msgid_line,
            )
        self.seen[key] = self.msgid_line
        tcomment = "\n".join(self.comments["#"])
        if msgid == "" and msgctxt is None and not self.obsolete:
            self.header(fields["msgstr"], tcomment)
        else:
            self.po.append(self.entry(msgctxt, msgid, tcomment))
        self._reset()

    def entry(self, msgctxt: str | None, msgid: str, tcomment: str) -> polib.POEntry:
        occurrences = []
        for line in self.comments["#:"]:
            for token in line.split():
                match = _REFERENCE.fullmatch(token)
                occurrences.append((match[1], str(int(match[2]))) if match else (token, ""))
        flags = [f for line in self.comments["#,"] for f in _split_flags([line])]
        return polib.POEntry(
            msgctxt=msgctxt,
            msgid=msgid,
            msgid_plural=self.fields.get("msgid_plural", ""),
            msgstr=self.fields.get("msgstr", ""),
            msgstr_plural=dict(self.plural),
            tcomment=tcomment,
            comment="\n".join(self.comments["#."]),
            occurrences=occurrences,
            flags=list(dict.fromkeys(flags)),
            previous_msgctxt=self.fields.get("#|msgctxt"),
            previous_msgid=self.fields.get("#|msgid"),
            previous_msgid_plural=self.fields.get("#|msgid_plural"),
            obsolete=bool(self.obsolete),
            linenum=self.msgid_line,
            encoding="utf-8",
        )

    def header(self, msgstr: str, tcomment: str) -> None:
        self.header_found = True
        self.po.header = tcomment
        self.po.metadata_is_fuzzy = any(
            "fuzzy" in _split_flags([line]) for line in self.comments["#,"]
        )
        key: str | None = None
        for line in msgstr.split("\n"):
            name, colon, value = line.partition(":")
            if colon and name.strip():
                key = name.strip()
                self.po.metadata[key] = value[1:] if value.startswith(" ") else value
            elif line and key is not None:
                self.po.metadata[key] += "\n" + line
            elif line:
                raise self.error(f"malformed header line {line!r}", self.msgid_line)

    def finish(self) -> polib.POFile:
        if self.stage == 4:
            self.finish_entry()
        elif self.stage:
            raise self.error("entry without msgstr at end of file", self.msgid_line)
        if not self.header_found:
            raise BadCatalogue('no header entry (msgid "")', path=self.path, line=None)
        return self.po
