"""postloc's fuzzy matching against GNU msgmerge itself, on real-looking paragraphs and edits.

For each kind of edit, catalogues of French paragraphs (sentences of the repository's
posts and Markdown test corpus, recombined) are translated, half of their paragraphs
edited, one deleted and an unrelated one added; then ``msgmerge --previous`` and
``update_catalogue`` merge the same old catalogue with the same new template. A new
msgid is *recovered* when it comes back fuzzy with an old translation and the ``#|``
previous msgid that translation was made for.

Asserted: whatever msgmerge recovered, postloc recovered too, from the same previous
msgid or one at least as similar on msgmerge's own measure. That measure is
``fstrcmp``, 1 - edits / (bytes of both), its edits from a diff that is minimal
unless it would cost more than 2 × ``too_expensive`` (at least 256) edits: far beyond
any pair here (under 1 280 bytes, asserted) that scores 0.6, so it equals
``postloc.po.fuzzy.similarity``. For the edits of one paragraph (``EDITS``) there is
no exception. For a paragraph split in two or a sentence reused (``RULE_EDITS``)
msgmerge also lends an old entry twice, or lends an entry the template still has;
postloc's rules forbid both, so those recoveries are counted, and only those excused.

Deterministic (fixed seeds); every assertion message gives the counts of its kind.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polib
import pytest

from postloc.po.fuzzy import CUTOFF, similarity
from postloc.po.merge import build_template, update_catalogue
from postloc.po.read import read_po
from postloc.po.write import dump_po

pytestmark = pytest.mark.skipif(
    shutil.which("msgmerge") is None, reason="GNU gettext (msgmerge) is not installed"
)

REPO = Path(__file__).resolve().parents[2]
PLURAL_EN = "nplurals=2; plural=(n != 1);"
CATALOGUES = 12
"""Catalogues per kind of edit (one ``msgmerge`` run each)."""
PARAGRAPHS = 16
"""Paragraphs per catalogue, each of 1 or 2 sentences and more than 120 characters."""
EDITED = 8
"""Paragraphs edited per catalogue; of the others, one is deleted and one paragraph added."""

_SENTENCE_END = re.compile(r"(?<=[.!?…:])\s+(?=[«A-ZÀÂÇÉÈÊÎÔÛ])")
_WORD = re.compile(r"[^\W\d_]+")


def _sentences() -> list[str]:
    """Every prose sentence of the repository's posts and Markdown test corpus."""
    found: list[str] = []
    paths = sorted(REPO.glob("source_posts/*.md")) + sorted(REPO.glob("tests/corpus/*.md"))
    for path in paths:
        text = path.read_text(encoding="utf-8")
        if text.startswith("---"):
            text = text[text.find("\n---", 3) + 4 :]
        for chunk in re.split(r"\n\s*\n", text):
            chunk = " ".join(chunk.split())
            if chunk and (chunk[0].isalpha() or chunk[0] == "«"):
                found += [s for s in _SENTENCE_END.split(chunk) if len(s.split()) >= 4]
    return [s for s in dict.fromkeys(found) if len(s) < 300]


SENTENCES = _sentences()
VOCABULARY = sorted({w for s in SENTENCES for w in _WORD.findall(s) if len(w) >= 3})


# -------------------------------------------------------------------- edits

Edit = Callable[[random.Random, list[str], list[str]], list[str]]
"""(rng, the paragraph's sentences, unused sentences) → the paragraphs that replace it."""


def _replace_words(count: int) -> Edit:
    def edit(rng: random.Random, sentences: list[str], pool: list[str]) -> list[str]:
        text = " ".join(sentences)
        spans = [m.span() for m in _WORD.finditer(text)]
        for start, end in sorted(rng.sample(spans, min(count, len(spans))), reverse=True):
            new = text[start:end]
            while new == text[start:end]:
                new = rng.choice(VOCABULARY)
            text = text[:start] + new + text[end:]
        return [text]

    return edit


def _insert_words(rng: random.Random, sentences: list[str], pool: list[str]) -> list[str]:
    words = " ".join(sentences).split(" ")
    for _ in range(rng.randint(1, 3)):
        words.insert(rng.randrange(len(words) + 1), rng.choice(VOCABULARY))
    return [" ".join(words)]


def _delete_words(rng: random.Random, sentences: list[str], pool: list[str]) -> list[str]:
    words = " ".join(sentences).split(" ")
    for _ in range(rng.randint(1, 3)):
        del words[rng.randrange(len(words))]
    return [" ".join(words)]


def _add_sentence(rng: random.Random, sentences: list[str], pool: list[str]) -> list[str]:
    at = rng.choice([0, len(sentences)])
    return [" ".join([*sentences[:at], pool.pop(), *sentences[at:]])]


def _remove_sentence(rng: random.Random, sentences: list[str], pool: list[str]) -> list[str]:
    kept = list(sentences)
    if len(kept) > 1:  # else no edit: not counted
        del kept[rng.randrange(len(kept))]
    return [" ".join(kept)]


def _punctuate(rng: random.Random, sentences: list[str], pool: list[str]) -> list[str]:
    text = " ".join(sentences)
    for _ in range(rng.randint(1, 3)):
        start, end = rng.choice([m.span() for m in _WORD.finditer(text)])
        how = rng.randrange(5)
        if how == 0 and ", " in text:
            comma = rng.choice([m.start() for m in re.finditer(", ", text)])
            text = text[:comma] + " ;" + text[comma + 1 :]
        elif how == 1:
            text = text[:end] + "," + text[end:]
        elif how == 2 and text[-1] in ".!?":
            text = text[:-1] + rng.choice(["…", " !", " ?"])
        elif how == 3:
            text = text.replace("’", "'") if "’" in text else text.replace("'", "’")
        else:
            text = f"{text[:start]}« {text[start:end]} »{text[end:]}"
    return [text]


def _split(rng: random.Random, sentences: list[str], pool: list[str]) -> list[str]:
    """The paragraph cut in two: msgmerge may lend its translation to both halves."""
    if len(sentences) < 2:
        return [" ".join(sentences)]
    at = rng.randint(1, len(sentences) - 1)
    return [" ".join(sentences[:at]), " ".join(sentences[at:])]


def _reuse_sentence(rng: random.Random, sentences: list[str], pool: list[str]) -> list[str]:
    """The paragraph kept, and a new one after it that repeats one of its sentences."""
    return [" ".join(sentences), f"{rng.choice(sentences)} {pool.pop()}"]


EDITS: dict[str, Edit] = {
    "1 word replaced": _replace_words(1),
    "2 words replaced": _replace_words(2),
    "4 words replaced": _replace_words(4),
    "8 words replaced": _replace_words(8),
    "1-3 words inserted": _insert_words,
    "1-3 words deleted": _delete_words,
    "sentence added": _add_sentence,
    "sentence removed": _remove_sentence,
    "punctuation changed": _punctuate,
}
"""Edits of one paragraph: postloc must recover everything msgmerge recovers, no exception."""

RULE_EDITS: dict[str, Edit] = {
    "paragraph split in two": _split,
    "sentence reused in a new paragraph": _reuse_sentence,
}
"""Edits where msgmerge lends what postloc's rules keep: an old entry lends once, and an entry
the template still has never lends; the recoveries those rules forbid are counted, not missed."""


# ------------------------------------------------------------------ merging


@dataclass(frozen=True, slots=True)
class Seg:
    """Stands in for postloc.markdown.model.Segment."""

    text: str
    kind: str
    line: int


@dataclass(slots=True)
class Tally:
    """What one kind of edit gave, over all its catalogues."""

    edited: int = 0
    """New paragraphs the edits made."""
    postloc: int = 0
    """Of those, how many postloc recovered."""
    msgmerge: int = 0
    """Of those, how many msgmerge recovered."""
    kept_lender: int = 0
    """msgmerge recoveries from an entry the new template still has (postloc never lends it)."""
    lent_already: int = 0
    """msgmerge recoveries from an old entry postloc lent to another new paragraph."""
    problems: list[str] = field(default_factory=list)
    """msgmerge recoveries postloc lacks without a rule of its own, or matched worse."""

    def line(self, kind: str) -> str:
        return (
            f"{kind}: {self.edited} edited paragraphs, recovered by postloc {self.postloc}, "
            f"by msgmerge --previous {self.msgmerge}; msgmerge recoveries postloc's rules "
            f"forbid: {self.kept_lender} from a kept entry, {self.lent_already} from an entry "
            "lent to another paragraph"
        )


def _paragraph(rng: random.Random, pool: list[str]) -> list[str]:
    """1 or 2 unused sentences, more than 120 characters together."""
    sentences = [pool.pop() for _ in range(rng.randint(1, 2))]
    while len(" ".join(sentences)) <= 120:
        sentences.append(pool.pop())
    return sentences


def _template(texts: list[str]) -> polib.POFile:
    segments = [Seg(text, "paragraph", 1 + 2 * i) for i, text in enumerate(texts)]
    return build_template("post.md", segments, slug="post", version="0", creation_date="D")


def _recovered(po: polib.POFile, old_msgids: set[str]) -> dict[str, str]:
    """New msgid → the previous msgid its fuzzy translation was made for."""
    return {
        e.msgid: e.previous_msgid
        for e in po
        if not e.obsolete
        and e.msgid not in old_msgids
        and e.msgstr
        and e.fuzzy
        and e.previous_msgid is not None
    }


def _msgmerge(old: polib.POFile, template: polib.POFile, folder: Path) -> polib.POFile:
    (folder / "old.po").write_text(dump_po(old), encoding="utf-8")
    (folder / "new.pot").write_text(dump_po(template), encoding="utf-8")
    subprocess.run(
        ["msgmerge", "--quiet", "--previous", "-o", "merged.po", "old.po", "new.pot"],
        cwd=folder,
        check=True,
    )
    return read_po((folder / "merged.po").read_text(encoding="utf-8"), "merged.po")


def _one_catalogue(edit: Edit, seed: int, folder: Path, tally: Tally) -> None:
    """Edit one translated catalogue, merge it both ways and compare what came back."""
    rng = random.Random(seed)
    pool = list(SENTENCES)
    rng.shuffle(pool)
    paragraphs = [_paragraph(rng, pool) for _ in range(PARAGRAPHS)]
    old_texts = [" ".join(p) for p in paragraphs]
    chosen = set(rng.sample(range(PARAGRAPHS), EDITED))
    deleted = rng.choice(sorted(set(range(PARAGRAPHS)) - chosen))
    new_texts: list[str] = []
    for i, sentences in enumerate(paragraphs):
        if i in chosen:
            new_texts += [t for t in edit(rng, sentences, pool) if t not in new_texts]
        elif i != deleted:
            new_texts.append(old_texts[i])
    edited = {t for t in new_texts if t not in old_texts}
    unrelated = " ".join(_paragraph(rng, pool))  # added: not an edit, still compared
    new_texts.insert(rng.randrange(len(new_texts) + 1), unrelated)

    old = update_catalogue(_template(old_texts), None, "en", plural_forms=PLURAL_EN)
    for n, entry in enumerate(old):
        entry.msgstr = f"EN {n}: {entry.msgid[:30]}"
    template = _template(new_texts)
    theirs = _recovered(_msgmerge(old, template, folder), set(old_texts))
    ours = _recovered(update_catalogue(template, old, "en", plural_forms=PLURAL_EN), set(old_texts))

    tally.edited += len(edited)
    tally.postloc += len(edited & ours.keys())
    tally.msgmerge += len(edited & theirs.keys())
    lent_by_postloc = set(ours.values())
    for msgid, previous in theirs.items():
        assert len((msgid + previous).encode()) < 1280, "fstrcmp might not be minimal here"
        score = similarity(msgid, previous)
        mine = similarity(msgid, ours[msgid]) if msgid in ours else None
        if mine is not None and mine >= score:
            continue  # the same previous msgid, or one at least as similar
        if previous in new_texts:
            tally.kept_lender += 1
        elif previous in lent_by_postloc:
            tally.lent_already += 1
        elif mine is None:
            tally.problems.append(f"missed ({score:.3f} from {previous!r}): {msgid!r}")
        else:
            tally.problems.append(f"worse previous ({mine:.3f} < {score:.3f}): {msgid!r}")
    for msgid, previous in ours.items():
        assert similarity(msgid, previous) >= CUTOFF


def _compare(edit: Edit, kind: str, tmp_path: Path) -> Tally:
    tally = Tally()
    for catalogue in range(CATALOGUES):
        folder = tmp_path / str(catalogue)
        folder.mkdir()
        _one_catalogue(edit, 1000 * catalogue + len(kind), folder, tally)
    print(tally.line(kind))
    return tally


@pytest.mark.parametrize("kind", list(EDITS))
def test_postloc_recovers_every_paragraph_msgmerge_recovers(kind: str, tmp_path: Path) -> None:
    tally = _compare(EDITS[kind], kind, tmp_path)
    summary = tally.line(kind)
    assert not tally.problems, "\n".join([summary, *tally.problems])
    assert not tally.kept_lender and not tally.lent_already, summary
    assert tally.postloc >= tally.msgmerge > 0, summary
    assert tally.edited >= CATALOGUES * EDITED // 2, summary


@pytest.mark.parametrize("kind", list(RULE_EDITS))
def test_only_postlocs_lending_rules_keep_it_from_what_msgmerge_recovers(
    kind: str, tmp_path: Path
) -> None:
    tally = _compare(RULE_EDITS[kind], kind, tmp_path)
    summary = tally.line(kind)
    assert not tally.problems, "\n".join([summary, *tally.problems])
    assert tally.kept_lender + tally.lent_already > 0, summary  # the case really arises
