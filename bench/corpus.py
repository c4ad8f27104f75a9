"""A synthetic blog built from the repository's own posts, for ``make bench``.

The benchmark needs hundreds of posts that look like the real ones (French
prose, headings, lists, a table, a code block, inline markup) while every
msgid differs, so that extraction, fuzzy matching and the translation memory
do real work instead of hitting duplicates. Sentences of ``source_posts/*.md``
are shuffled and recombined, and their numbers varied, from a seeded RNG: the
same seed gives the same corpus, byte for byte.
"""

from __future__ import annotations

import dataclasses
import json
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from postloc.files import atomic_write, remove_file

SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[«A-ZÀÂÇÉÈÊÎÔÛ])")
NUMBER = re.compile(r"\d+")
WORD = re.compile(r"\b[a-zàâçéèêëîïôûùüÿœ]{6,}\b")
SUFFIXES = (
    ", selon {n} sources",
    " ({n} %)",
    ", en {year}",
    ", d’après le rapport n° {n}",
    " pour la {n}e fois",
    ", soit {n} millions d’euros",
)
HEADING_PATTERNS = ("{base} en {year}", "{base} : acte {n}", "{base} ({n})")
COUNTRIES = (
    "Canada",
    "Japon",
    "Australie",
    "Nouvelle-Zélande",
    "France",
    "Pologne",
    "Norvège",
    "Finlande",
    "Espagne",
    "Italie",
)
TABLE_HEADER = ("Pays", "Contribution", "Échéance")


@dataclass(frozen=True, slots=True)
class Material:
    """Text harvested from the real posts: what generated posts are recombined from."""

    sentences: tuple[str, ...]
    """Every sentence of every paragraph, in order."""
    headings: tuple[str, ...]
    """Heading texts without their ``#`` marks."""
    titles: tuple[str, ...]
    """Front-matter titles."""


@dataclass(frozen=True, slots=True)
class Block:
    """One Markdown block of a generated post, already rendered."""

    kind: str
    """``paragraph``, ``heading``, ``list``, ``table``, ``code``, ``quote`` or ``image``."""
    text: str
    """The block's Markdown, without the blank lines around it."""
    segments: int
    """How many translatable segments the block holds (list items, table cells…)."""


@dataclass(frozen=True, slots=True)
class GeneratedPost:
    """A post of the synthetic corpus; ``render`` gives the file content."""

    slug: str
    """File stem, valid as a postloc slug."""
    title: str
    """Front-matter title (a segment)."""
    description: str
    """Front-matter description (a segment)."""
    date: str
    """Front-matter date (never a segment)."""
    blocks: tuple[Block, ...]
    """Body, in document order."""

    @property
    def segments(self) -> int:
        """Expected entries in the post's template (title and description included)."""
        return 2 + sum(block.segments for block in self.blocks)

    def render(self) -> str:
        front = [
            "---",
            f"title: {json.dumps(self.title, ensure_ascii=False)}",
            f"date: {self.date}",
            "author: bench",
            f"description: {json.dumps(self.description, ensure_ascii=False)}",
            "---",
        ]
        return "\n".join(front) + "\n\n" + "\n\n".join(b.text for b in self.blocks) + "\n"


@dataclass(frozen=True, slots=True)
class EditSummary:
    """What :func:`edit_corpus` did, so the report can say it."""

    changed: int
    """Paragraphs with one word replaced (fuzzy-match material)."""
    deleted: int
    """Paragraphs removed (obsolete entries)."""
    added: int
    """New paragraphs inserted (new untranslated entries)."""


def _front_matter_and_body(text: str) -> tuple[str, str]:
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end != -1:
            return text[4:end], text[end + 4 :]
    return "", text


def load_material(posts_dir: Path) -> Material:
    """Split every post of ``posts_dir`` into sentences, headings and titles."""
    sentences: list[str] = []
    headings: list[str] = []
    titles: list[str] = []
    for path in sorted(Path(posts_dir).glob("*.md")):
        front, body = _front_matter_and_body(path.read_text(encoding="utf-8"))
        for line in front.splitlines():
            if line.startswith("title:"):
                titles.append(line[6:].strip().strip("\"'"))
        for chunk in re.split(r"\n\s*\n", body):
            chunk = " ".join(chunk.split())
            if not chunk:
                continue
            if chunk.startswith("#"):
                headings.append(chunk.lstrip("#").strip())
            elif chunk[0].isalpha() or chunk[0] == "«":
                sentences.extend(s for s in SENTENCE_END.split(chunk) if len(s.split()) >= 4)
    if len(sentences) < 5 or not headings:
        raise ValueError(f"{posts_dir}: too little prose to build a corpus from")
    return Material(tuple(sentences), tuple(headings), tuple(titles) or tuple(headings[:1]))


class _Writer:
    """Draws varied, globally unique texts from the material."""

    def __init__(self, material: Material, rng: random.Random) -> None:
        self.material = material
        self.rng = rng
        self.seen: set[str] = set()
        self.short = sorted(material.sentences, key=len)[: max(3, len(material.sentences) // 3)]

    def _number(self, match: re.Match[str]) -> str:
        digits = len(match.group())
        return str(self.rng.randint(10 ** (digits - 1) if digits > 1 else 1, 10**digits - 1))

    def vary(self, sentence: str) -> str:
        """Change the numbers of a sentence, or add a clause with one."""
        if NUMBER.search(sentence) and self.rng.random() < 0.7:
            return NUMBER.sub(self._number, sentence)
        suffix = self.rng.choice(SUFFIXES).format(
            n=self.rng.randint(2, 999), year=self.rng.randint(1990, 2040)
        )
        if sentence[-1] in ".!?…":
            return sentence[:-1] + suffix + sentence[-1]
        return sentence + suffix

    def unique(self, make: Callable[[], str]) -> str:
        """A text never produced before, drawn from ``make`` until it is new."""
        while True:
            text = make()
            if text not in self.seen:
                self.seen.add(text)
                return text

    def prose(self, sentences: int) -> str:
        """``sentences`` recombined sentences with varied numbers, never seen before."""

        def make() -> str:
            picked = self.rng.sample(self.material.sentences, sentences)
            return " ".join(self.vary(s) for s in picked)

        return self.unique(make)

    def paragraph(self, index: int, slug: str) -> str:
        text = self.prose(self.rng.randint(1, 3))
        if index % 4 == 1:
            words = text.split(" ")
            start = self.rng.randrange(max(1, len(words) - 3))
            words[start] = "**" + words[start]
            words[start + 1] = words[start + 1] + "**"
            text = " ".join(words)
        elif index % 4 == 2:
            text += f" [Voir le communiqué](https://example.org/{slug}/{index})."
        elif index % 4 == 3:
            text += f" La version `v{self.rng.randint(1, 99)}.{index}` reste en vigueur."
        return text

    def heading(self) -> str:
        def make() -> str:
            pattern = self.rng.choice(HEADING_PATTERNS)
            return pattern.format(
                base=self.rng.choice(self.material.headings),
                n=self.rng.randint(2, 999),
                year=self.rng.randint(1990, 2040),
            )

        return self.unique(make)

    def list_item(self) -> str:
        return self.unique(lambda: self.vary(self.rng.choice(self.short)))


def _table(writer: _Writer, rows: int) -> Block:
    rng = writer.rng
    lines = ["| " + " | ".join(TABLE_HEADER) + " |", "| --- | --- | --- |"]
    for country in rng.sample(COUNTRIES, rows):
        amount = f"{rng.randint(2, 950)} millions d’euros"
        when = f"avant la fin de {rng.randint(2025, 2040)}"
        lines.append(f"| {country} | {amount} | {when} |")
    return Block("table", "\n".join(lines), 3 * (rows + 1))


def generate_post(writer: _Writer, number: int) -> GeneratedPost:
    """One post with ~32 segments: 5 sections of prose, a list, a table, a quote, an image."""
    rng = writer.rng
    slug = f"bench-{number:05d}"
    title = f"{rng.choice(writer.material.titles)} ({number})"
    description = writer.prose(1)
    blocks: list[Block] = [Block("paragraph", writer.paragraph(0, slug), 1)]
    paragraph_index = 1
    for section in range(5):
        blocks.append(Block("heading", "## " + writer.heading(), 1))
        for _ in range(2 if section < 4 else 1):
            blocks.append(Block("paragraph", writer.paragraph(paragraph_index, slug), 1))
            paragraph_index += 1
        if section == 1:
            items = [writer.list_item() for _ in range(4)]
            blocks.append(Block("list", "\n".join(f"- {item}" for item in items), 4))
        elif section == 2:
            blocks.append(_table(writer, 2))
        elif section == 3:
            blocks.append(Block("quote", "> " + writer.prose(1), 1))
            code = f"```yaml\nposts: {rng.randint(1, 999)}\nlang: fr\nslug: {slug}\n```"
            blocks.append(Block("code", code, 0))
        elif section == 4:
            alt = f"Carte de la coalition n° {number}"
            blocks.append(Block("image", f"![{alt}](images/{slug}.png)", 1))
    date = f"20{rng.randint(20, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return GeneratedPost(slug, title, description, date, tuple(blocks))


def generate_corpus(material: Material, count: int, seed: int = 6) -> list[GeneratedPost]:
    """``count`` posts with globally unique paragraphs; deterministic for a seed."""
    writer = _Writer(material, random.Random(seed))
    return [generate_post(writer, number) for number in range(1, count + 1)]


def sample_paragraphs(material: Material, count: int, seed: int = 8) -> list[str]:
    """``count`` distinct paragraphs (1–3 sentences, no added markup) for engine benchmarks."""
    writer = _Writer(material, random.Random(seed))
    return [writer.prose(writer.rng.randint(1, 3)) for _ in range(count)]


def _replace_word(text: str, rng: random.Random, vocabulary: Sequence[str]) -> str:
    words = [m for m in WORD.finditer(text)]
    if not words:
        return text + " Voilà."
    match = rng.choice(words)
    new = match.group()
    while new == match.group():
        new = rng.choice(vocabulary)
    return text[: match.start()] + new + text[match.end() :]


def edit_corpus(
    posts: Sequence[GeneratedPost],
    material: Material,
    *,
    changed: int = 70,
    deleted: int = 65,
    added: int = 65,
    seed: int = 7,
) -> tuple[list[GeneratedPost], EditSummary]:
    """The corpus after an editing session: one word changed, paragraphs deleted and added.

    Edits are spread over random posts; a changed or deleted paragraph is
    never picked twice, and at most half of a corpus's paragraphs are touched.
    """
    rng = random.Random(seed)
    writer = _Writer(material, rng)
    for post in posts:
        writer.seen.update(b.text for b in post.blocks)
    vocabulary = sorted({m.group() for s in material.sentences for m in WORD.finditer(s)})
    spots = [
        (p, b)
        for p, post in enumerate(posts)
        for b, block in enumerate(post.blocks)
        if block.kind == "paragraph"
    ]
    budget = len(spots) // 2
    changed = min(changed, budget)
    deleted = min(deleted, budget - changed)
    picked = rng.sample(spots, changed + deleted)
    blocks = [list(post.blocks) for post in posts]
    for p, b in picked[:changed]:
        old = blocks[p][b]
        blocks[p][b] = dataclasses.replace(old, text=_replace_word(old.text, rng, vocabulary))
    for p, b in sorted(picked[changed:], reverse=True):
        del blocks[p][b]
    for _ in range(added):
        p = rng.randrange(len(posts))
        at = rng.randint(1, len(blocks[p]))
        slug = posts[p].slug
        blocks[p].insert(at, Block("paragraph", writer.paragraph(100 + at, slug), 1))
    edited = [
        dataclasses.replace(post, blocks=tuple(bs)) for post, bs in zip(posts, blocks, strict=True)
    ]
    return edited, EditSummary(changed, deleted, added)


def touch_paragraph(post: GeneratedPost, revision: int) -> GeneratedPost:
    """The post with its first paragraph edited (a one-paragraph change for incremental sync)."""
    blocks = list(post.blocks)
    for index, block in enumerate(blocks):
        if block.kind == "paragraph":
            text = re.sub(r" \(révision \d+\)", "", block.text)
            blocks[index] = dataclasses.replace(block, text=f"{text} (révision {revision})")
            break
    return dataclasses.replace(post, blocks=tuple(blocks))


def write_corpus(posts: Sequence[GeneratedPost], folder: Path) -> int:
    """Make ``folder`` hold exactly these posts; return how many files changed."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    keep = {f"{post.slug}.md" for post in posts}
    for stale in folder.glob("*.md"):
        if stale.name not in keep:
            remove_file(stale)
    return sum(atomic_write(folder / f"{post.slug}.md", post.render()) for post in posts)
