"""The PO reader: a strict parser that rejects, with a line number, what ``msgfmt`` would.

polib's parser loses ``#~|`` lines and strips comment whitespace, so postloc reads PO itself:
a line-by-line state machine over GNU PO syntax building polib's ``POFile``/``POEntry``
(docs/architecture.md, "PO conventions").
"""

from __future__ import annotations

import re

import polib

from postloc.characters import FORBIDDEN, describe, first_forbidden
from postloc.errors import BadCatalogue
from postloc.po.flags import split_flags
from postloc.po.state import FUZZY_FLAG
from postloc.po.write import ESCAPES, NO_BREAK_SPACE

_UNESCAPES = {v: k for k, v in ESCAPES.items()} | {"\\": "\\", '"': '"'}
_STRING = re.compile(r'\s*"((?:[^"\\]|\\.)*)"')
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]+|[0-7]{1,3}|.)")
_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr\[(\d+)\]|msgstr)(?=[\s\"])")
_REFERENCE = re.compile(r"(.+):(\d+)")
_REFERENCE_TOKEN = re.compile(r"\u2068([^\u2069]*)\u2069(?::(\d+))?(?=[ \t]|\Z)|[^ \t]+")
"""One reference of a ``#:`` line: a name between U+2068 and U+2069 (gettext 0.22 writes a
name with spaces so) with its line, or a run of characters other than space and tab (the
only separators gettext knows: a no-break space belongs to the name)."""


def read_po(text: str, path: str) -> polib.POFile:
    """Parse PO text; anything msgfmt would reject is a :class:`BadCatalogue` naming the line.

    ``path`` only labels error messages. Entries get ``linenum`` = the line of
    their ``msgid``. A catalogue without a header entry is rejected: every
    postloc catalogue has one, so its absence means a truncated or foreign file.
    Beyond msgfmt, control characters (:mod:`postloc.characters`) are refused,
    written raw or as escapes (``\\0``, ``\\033``, ``\\a``): msgfmt cuts a string at a
    NUL, and the others would reach the exported posts.
    """
    text = text.removeprefix("\ufeff")
    bad = first_forbidden(text)
    if bad is not None:
        line = text.count("\n", 0, bad) + 1
        raise BadCatalogue(describe(text[bad]), path=path, line=line)
    po = _read_plain_entries(text, path)
    return po if po is not None else _read_lines(text, path)


def _read_lines(text: str, path: str) -> polib.POFile:
    """The reference reader: every line through the state machine."""
    parser = _Parser(path)
    for number, line in enumerate(text.split("\n"), start=1):
        parser.feed(line.removesuffix("\r"), number)
    return parser.finish()


_QUOTED = r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
_PLAIN_ENTRY = re.compile(
    r"\n*"  # blank lines between entries
    r"((?:#(?:[^\n~|][^\n]*)?\n)*)"  # comments other than "#~" and "#|"
    rf"(?:#\| msgid ({_QUOTED}(?:\n#\| {_QUOTED})*)\n)?"
    rf"(msgid {_QUOTED}(?:\n{_QUOTED})*)\n"
    rf"msgstr ({_QUOTED}(?:\n{_QUOTED})*)(?:\n|\Z)"
)
"""One entry in the shape postloc and msgcat write: no context, plural, obsolete or CR."""


def _read_plain_entries(text: str, path: str) -> polib.POFile | None:
    """Fast path of :func:`read_po` for files made only of plain entries; None otherwise.

    It only cuts the text into entries (one regex match each instead of a
    parser call per line); comments, strings and each finished entry go
    through the very methods of the line parser. Anything else (``msgctxt``,
    plurals, ``#~``, CRLF, odd spacing, any error) returns None so the line
    parser reads the whole file and words its own error message.
    """
    if "\r" in text:
        return None
    parser = _Parser(path)
    pos, line, end = 0, 1, len(text.rstrip("\n"))
    try:
        while pos < end:
            match = _PLAIN_ENTRY.match(text, pos)
            if match is None:
                return None
            parser.plain_entry(match, line + text.count("\n", pos, match.start(3)))
            line += text.count("\n", pos, match.end())
            pos = match.end()
        return parser.finish()
    except BadCatalogue:
        return None


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

    def plain_entry(self, match: re.Match[str], msgid_line: int) -> None:
        """Take one :data:`_PLAIN_ENTRY` match as a whole entry (the fast path's step)."""
        comments, previous, msgid, msgstr = match.groups()
        for comment in comments.split("\n")[:-1]:
            self.comment_line(comment)
        if previous is not None:
            self.fields["#|msgid"] = self.joined(previous.replace('\n#| "', '\n"'))
        self.fields["msgid"] = self.joined(msgid[len("msgid ") :])
        self.fields["msgstr"] = self.joined(msgstr)
        self.msgid_line, self.obsolete, self.stage = msgid_line, False, 4
        self.finish_entry()

    def joined(self, quoted: str) -> str:
        """The value of ``"…"`` strings one per line, as :data:`_PLAIN_ENTRY` matched them.

        Inside a well-formed string a ``"`` is escaped and a newline cannot
        occur, so ``"\\n"`` only ever separates two strings.
        """
        return "".join(
            self.unescape(part) if "\\" in part else part for part in quoted[1:-1].split('"\n"')
        )

    def unescape(self, raw: str) -> str:
        def replace(match: re.Match[str]) -> str:
            seq = match[1]
            if seq in _UNESCAPES:
                char = _UNESCAPES[seq]
            elif seq[0] == "x" and len(seq) > 1:
                char = chr(int(seq[1:], 16) & 0xFF)
            elif seq.isdigit() and "8" not in seq and "9" not in seq:
                char = chr(int(seq, 8) & 0xFF)
            else:
                raise self.error(f"invalid escape sequence '\\{seq}'")
            if FORBIDDEN.match(char):
                raise self.error(f"{describe(char)} (written as '\\{seq}')")
            return char

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
            for token in _REFERENCE_TOKEN.finditer(line):
                if token[1] is not None:
                    name, number = token[1], token[2] or ""
                else:
                    match = _REFERENCE.fullmatch(token[0])
                    name, number = (match[1], match[2]) if match else (token[0], "")
                name = name.replace(NO_BREAK_SPACE, " ")
                occurrences.append((name, str(int(number)) if number else ""))
        flags = [f for line in self.comments["#,"] for f in split_flags([line])]
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
            FUZZY_FLAG in split_flags([line]) for line in self.comments["#,"]
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
