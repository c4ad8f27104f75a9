"""Real site content end to end: a Hugo content tree and a Jekyll ``_posts`` folder through sync.

The fixtures under ``tests/sites/`` are written as French bloggers write (sections, a page
bundle, ``_index.md``, YAML/TOML/JSON front matter, drafts, every shortcode form, Liquid,
kramdown attribute lists, raw HTML). The oracle for site syntax is the pattern below, written
independently of postloc's own scanner: every tag of a source post must come out of every
export byte for byte, translatable parameter values (``caption``, ``title``, ``alt``, ``text``)
set aside.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tomllib
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
import yaml

from helpers import TESTS, run
from postloc.config import Extraction
from postloc.markdown.parse import parse_post
from postloc.markdown.rebuild import rebuild_post
from postloc.markdown.segment import segment_post
from postloc.mt.engines.pseudo import PseudoEngine

SITES = TESTS / "sites"

TAG = re.compile(
    r"\{\{<.*?>\}\}|\{\{%.*?%\}\}|\{%.*?%\}|\{\{.*?\}\}|\{:.*?\}|\{#[\w-]+\}|<!--.*?-->", re.S
)
"""Site syntax: shortcodes, Liquid tags and output, IALs, heading ids, HTML comments."""
_VISIBLE_PARAM = re.compile(r"\b(caption|title|alt|text)=\"[^\"]*\"")
MARKERS = ("{{<", "{{%", "{%", "{:")
"""What no engine may ever see."""

FIELDS = '["title", "description", "summary", "cover.alt", "cover.caption", "images[].caption"]'

HUGO_POSTS = {
    "_index",
    "posts/_index",
    "posts/premier-billet",
    "posts/hugo/faq",
    "posts/bundle-voyage/index",
    "posts/brouillon-secret",
    "posts/annonce-future",
    "posts/ia-java-du-prompt-au-logiciel",
}
JEKYLL_POSTS = {
    "2025-09-06-bienvenue",
    "2025-10-01-liquid-avance",
    "2025-11-12-notes-de-version",
}


def config(posts_dir: str, engine: str = "pseudo", langs: str = '["en", "es"]') -> str:
    return f"""\
source_language = "fr"
target_languages = {langs}
posts_dir = "{posts_dir}"
front_matter_fields = {FIELDS}

[engines]
default = "{engine}"

[export]
min_translated = 0.0
"""


def make_site(tmp: Path, name: str, posts_dir: str, **options: str) -> Path:
    root = tmp / name
    shutil.copytree(SITES / name, root)
    (root / "postloc.toml").write_text(config(posts_dir, **options), encoding="utf-8")
    return root


def tags(text: str) -> list[str]:
    """The site tags of ``text``, reader-visible parameter values masked."""
    return [_VISIBLE_PARAM.sub(r'\1="…"', tag) for tag in TAG.findall(text)]


def sources(root: Path, posts_dir: str) -> Iterator[Path]:
    for path in sorted((root / posts_dir).rglob("*")):
        if path.suffix in (".md", ".markdown") and not re.search(r"\.en\.md$", path.name):
            yield path


def exports(root: Path) -> list[Path]:
    return sorted((root / "build").rglob("*.md"))


RENAMED = {"posts/IA & Java : du prompt au logiciel": "posts/ia-java-du-prompt-au-logiciel"}
"""Source files whose catalogue and export names are derived (the rest keep their path)."""


def export_of(root: Path, posts_dir: str, source: Path, lang: str) -> Path:
    """Where ``source`` is exported for ``lang`` (``{lang}/{slug}.md``, slug = its identity)."""
    relative = source.relative_to(root / posts_dir).with_suffix("").as_posix()
    return root / "build" / lang / f"{RENAMED.get(relative, relative)}.md"


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the pseudo engine is asked to translate."""
    seen: list[str] = []
    original = PseudoEngine.translate

    def translate(self: PseudoEngine, texts: Sequence[str], source: str, target: str) -> list[str]:
        seen.extend(texts)
        return original(self, texts, source, target)

    monkeypatch.setattr(PseudoEngine, "translate", translate)
    return seen


@pytest.mark.parametrize(
    ("name", "posts_dir", "expected"),
    [("hugo", "content", HUGO_POSTS), ("jekyll", "_posts", JEKYLL_POSTS)],
)
def test_every_tag_survives_sync_byte_for_byte(
    tmp_path: Path, recorded: list[str], name: str, posts_dir: str, expected: set[str]
) -> None:
    root = make_site(tmp_path, name, posts_dir)
    result = run(root, "-v", "sync", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    templates = root / "locales" / "templates"
    found = {p.relative_to(templates).with_suffix("").as_posix() for p in templates.rglob("*.pot")}
    assert found == expected
    assert recorded, "the engine was never asked anything"
    for text in recorded:
        assert not any(marker in text for marker in MARKERS), text
    assert len(exports(root)) == 2 * len(expected)
    for path in sources(root, posts_dir):
        source_tags = tags(path.read_text(encoding="utf-8"))
        for lang in ("en", "es"):
            output = export_of(root, posts_dir, path, lang)
            assert tags(output.read_text(encoding="utf-8")) == source_tags, output


@pytest.mark.parametrize(("name", "posts_dir"), [("hugo", "content"), ("jekyll", "_posts")])
def test_identity_round_trip_is_byte_identical(name: str, posts_dir: str) -> None:
    rules = Extraction(front_matter_fields=tuple(yaml.safe_load(FIELDS)))
    for path in sources(SITES / name, posts_dir):
        data = path.read_bytes()
        post = parse_post(data, path.name)
        segments = segment_post(post, rules)
        identity = {i: s.text for i, s in enumerate(segments)}
        assert rebuild_post(post, segments, identity).encode() == data, path


def test_hugo_export_translates_prose_keeps_code_drafts_and_toml(tmp_path: Path) -> None:
    root = make_site(tmp_path, "hugo", "content")
    assert run(root, "sync", "--jobs", "1").exit_code == 0
    build = root / "build" / "es" / "posts"
    billet = (build / "premier-billet.md").read_text(encoding="utf-8")
    assert 'func main() { fmt.Println("Bonjour") }' in billet  # highlight shortcode: code
    front = yaml.safe_load(billet.split("---")[1])
    assert front["cover"]["alt"].startswith("[")  # pseudo translation of a nested field
    assert front["cover"]["image"] == "images/couverture.png"
    assert "<figcaption>[" in billet  # text inside raw HTML
    assert '](images/logo.png "Ļé ļöĝö")' in billet  # the image path kept, its title translated
    assert '"Le logo"' not in billet
    assert "![le logo de Hugo]" not in billet  # its alt text translated in its paragraph
    faq_source = (root / "content" / "posts" / "hugo" / "faq.md").read_text(encoding="utf-8")
    faq = (build / "hugo" / "faq.md").read_text(encoding="utf-8")
    assert faq.startswith("+++\n")
    toml_text = faq.split("+++")[1]
    data = tomllib.loads(toml_text)
    assert data["params"] == {"author": "Camille", "toc": True}
    assert data["title"].startswith("[")
    for line in ("[params]", '  author = "Camille"', "  toc = true", 'tags = ["hugo", "faq"]'):
        assert line in faq_source and line in faq
    draft = (build / "brouillon-secret.md").read_text(encoding="utf-8")
    assert draft.startswith("+++\n")
    assert tomllib.loads(draft.split("+++")[1])["draft"] is True
    future = (build / "annonce-future.md").read_text(encoding="utf-8")
    assert "publishDate: 2099-01-01" in future
    bundle = (build / "bundle-voyage" / "index.md").read_text(encoding="utf-8")
    assert '"src": "carte.png"' in bundle


def test_drafts_are_extracted_but_not_machine_translated(
    tmp_path: Path, recorded: list[str]
) -> None:
    root = make_site(tmp_path, "hugo", "content")
    assert run(root, "sync", "--jobs", "1").exit_code == 0
    assert not any("pas encore prêt" in text for text in recorded)
    assert not any("publié qu'à la date" in text for text in recorded)
    template = root / "locales" / "templates" / "posts" / "brouillon-secret.pot"
    assert "pas encore prêt" in template.read_text(encoding="utf-8")
    config_path = root / "postloc.toml"
    config_path.write_text(
        config_path.read_text(encoding="utf-8") + "\n[translate]\ninclude_drafts = true\n",
        encoding="utf-8",
    )
    assert run(root, "sync", "--jobs", "1").exit_code == 0
    assert any("pas encore prêt" in text for text in recorded)


def test_a_translation_file_is_never_read_as_a_source(tmp_path: Path) -> None:
    root = make_site(tmp_path, "hugo", "content")
    result = run(root, "-v", "sync", "--jobs", "1")
    assert result.exit_code == 0
    assert "faq.en.md" in result.output + result.stderr
    assert not list((root / "locales").rglob("faq.en*"))


@pytest.mark.slow
@pytest.mark.parametrize(("name", "posts_dir"), [("hugo", "content"), ("jekyll", "_posts")])
def test_apertium_never_sees_site_syntax(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, posts_dir: str
) -> None:
    real = shutil.which("apertium")
    if real is None:
        pytest.fail("apertium is not installed: `make setup` installs the Debian packages")
    log = tmp_path / "apertium-input.log"
    wrapper = tmp_path / "bin" / "apertium"
    wrapper.parent.mkdir()
    # the log is named at run time: an engine may keep the path of an earlier test's wrapper
    script = f'#!/bin/sh\ntee -a "$APERTIUM_LOG" | exec "{real}" "$@"\n'
    wrapper.write_text(script, encoding="utf-8")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("APERTIUM_LOG", str(log))
    root = make_site(tmp_path, name, posts_dir, engine="apertium", langs='["es"]')
    result = run(root, "sync")
    assert result.exit_code == 0, result.stderr
    sent = log.read_text(encoding="utf-8")
    assert sent.strip()
    for marker in MARKERS:
        assert marker not in sent
    for path in sources(root, posts_dir):
        output = export_of(root, posts_dir, path, "es")
        source_tags = tags(path.read_text(encoding="utf-8"))
        assert tags(output.read_text(encoding="utf-8")) == source_tags, output
