"""Shared test helpers: a throw-away project on disk and a snapshot of its files."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner, Result

from postloc.cli.commands import main

TESTS = Path(__file__).resolve().parent
"""The tests folder: support modules, fixture corpus, golden files and data live here."""
REPO = TESTS.parent
CORPUS = TESTS / "corpus"
"""Fixture posts for round-trip and segmenting tests."""
GOLDEN = TESTS / "golden"
"""Golden files a person has checked."""
DATA = TESTS / "data"
SAMPLE = REPO / "source_posts" / "coalition-des-volontaires-paris.md"

PSEUDO_CONFIG = """\
source_language = "fr"
target_languages = ["en", "es", "ca", "eo"]

[engines]
default = "pseudo"
"""


def make_project(
    root: Path, config: str = PSEUDO_CONFIG, posts: dict[str, str] | None = None
) -> Path:
    """A project folder with postloc.toml and posts (the sample post by default)."""
    (root / "source_posts").mkdir(parents=True, exist_ok=True)
    (root / "postloc.toml").write_text(config, encoding="utf-8")
    if posts is None:
        shutil.copy(SAMPLE, root / "source_posts" / SAMPLE.name)
    else:
        for name, text in posts.items():
            (root / "source_posts" / name).write_text(text, encoding="utf-8")
    return root


def run(root: Path, *args: str) -> Result:
    """Run the CLI in ``root`` (stderr kept separate)."""
    runner = CliRunner()
    return runner.invoke(
        main, ["--config", str(root / "postloc.toml"), *args], catch_exceptions=False
    )


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under root (except .postloc/) with its bytes and mtime."""
    files = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and ".postloc" not in path.parts:
            files[path.relative_to(root).as_posix()] = (path.read_bytes(), path.stat().st_mtime_ns)
    return files


LANGS = ("en", "es", "ca", "eo")
SLUGS = ("premier-billet", "deuxieme-billet", "troisieme-billet")


def french_post(slug: str, paragraphs: int) -> str:
    """A post whose every paragraph is distinct (inside the post and across posts)."""
    lines = [
        "---",
        f'title: "Billet {slug}"',
        "date: 2025-09-06",
        f"description: Un résumé de {slug}.",
        "---",
        "",
    ]
    for number in range(1, paragraphs + 1):
        if number % 10 == 1:
            lines += [f"## Partie {number // 10 + 1} de {slug}", ""]
        lines += [
            f"Paragraphe {number} de {slug} : la coalition a réuni **{number} pays** "
            f"à Paris, et [le compte rendu](https://exemple.fr/{slug}/{number}) suit.",
            "",
        ]
    return "\n".join(lines)


def french_posts(count: int, paragraphs: int) -> dict[str, str]:
    """``count`` posts named ``billet-NN.md`` (or the three SLUGS when count is 3)."""
    slugs = SLUGS if count == len(SLUGS) else tuple(f"billet-{n:02d}" for n in range(count))
    return {f"{slug}.md": french_post(slug, paragraphs) for slug in slugs}
