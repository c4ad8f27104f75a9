"""The pipeline with real offline engines: Debian's Apertium and a tiny Argos package.

These are the slow tests: they run real Apertium processes and a real
CTranslate2 model. They are marked, not skipped: `make test` runs them.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import polib
import pytest

from argos_tiny import argos_environment, build_tiny_package
from helpers import make_project, run

SLUG = "coalition-des-volontaires-paris"
AUTO_CONFIG = """\
source_language = "fr"
target_languages = ["en", "es", "ca", "eo"]
"""

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def apertium_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("apertium") is None:
        pytest.fail("apertium is not installed: `make setup` installs the Debian packages")
    root = make_project(tmp_path_factory.mktemp("apertium") / "site", config=AUTO_CONFIG)
    result = run(root, "sync", "--json")
    assert result.exit_code == 0, result.stderr
    return root


def catalogue(root: Path, lang: str) -> polib.POFile:
    return polib.pofile(str(root / "locales" / lang / "LC_MESSAGES" / f"{SLUG}.po"))


def test_auto_uses_apertium_direct_and_pivot(apertium_site: Path) -> None:
    notes = {lang: catalogue(apertium_site, lang)[0].tcomment for lang in ("en", "es", "ca", "eo")}
    assert notes["es"].startswith("MT: apertium ") and " fr→es " in notes["es"]
    assert notes["ca"].startswith("MT: apertium ") and " fr→ca " in notes["ca"]
    assert notes["eo"].startswith("MT: apertium ") and " fr→eo " in notes["eo"]
    assert notes["en"].startswith("MT: apertium+es ") and " fr→en " in notes["en"]


@pytest.mark.parametrize(
    ("lang", "source", "expected"),
    [
        ("es", "La coalition des volontaires à Paris", "coalición"),
        ("ca", "La coalition des volontaires à Paris", "coalició"),
        ("eo", "La coalition des volontaires à Paris", "koalicio"),
        ("en", "Paris comme symbole", "Paris"),
        ("es", "Un soutien consigné par écrit", "apoyo"),
    ],
)
def test_known_sentences(apertium_site: Path, lang: str, source: str, expected: str) -> None:
    entry = catalogue(apertium_site, lang).find(source)
    assert entry is not None and expected in entry.msgstr


@pytest.mark.parametrize("lang", ["en", "es", "ca", "eo"])
def test_every_segment_drafted_markup_kept_no_unknown_marks(apertium_site: Path, lang: str) -> None:
    template = polib.pofile(str(apertium_site / "locales/templates" / f"{SLUG}.pot"))
    po = catalogue(apertium_site, lang)
    drafts = [e for e in po if e.msgid and not e.obsolete]
    assert [e.msgid for e in drafts] == [e.msgid for e in template]
    assert all(e.msgstr and "fuzzy" in e.flags for e in drafts)
    for entry in drafts:
        assert entry.msgstr.count("**") == entry.msgid.count("**")
        assert not re.search(r"(^|\s)[*#@]\w", entry.msgstr), entry.msgstr
        assert "\n" not in entry.msgstr
    bold = po.find(next(e.msgid for e in drafts if "**35 pays**" in e.msgid))
    assert bold is not None and re.search(r"\*\*[^*]*35[^*]*\*\*", bold.msgstr)


def test_second_sync_sends_nothing_to_apertium(apertium_site: Path) -> None:
    result = run(apertium_site, "translate", "--json")
    assert json.loads(result.stdout)["engine_segments"] == 0


def test_check_on_real_apertium_drafts(apertium_site: Path) -> None:
    """Recorded: Apertium's drafts of the sample post pass every QA error check."""
    result = run(apertium_site, "check", "--json")
    issues = json.loads(result.stdout)
    errors = [i for i in issues if i["severity"] == "error"]
    assert errors == []
    assert result.exit_code == 0


def test_exported_posts_are_real_translations(apertium_site: Path) -> None:
    spanish = (apertium_site / "build/es" / f"{SLUG}.md").read_text(encoding="utf-8")
    assert "lang: es" in spanish and "machine_translated: true" in spanish
    assert "coalición" in spanish and "## " in spanish


@pytest.fixture
def argos_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    env = argos_environment(tmp_path / "argos")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    package = build_tiny_package(tmp_path / "build", "fr", "en")
    assert run_models_install(package).exit_code == 0
    return Path(env["ARGOS_PACKAGES_DIR"])


def run_models_install(package: Path):  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from postloc.cli.commands import main

    return CliRunner().invoke(main, ["models", "install", "--file", str(package)])


def test_argos_through_the_pipeline(tmp_path: Path, argos_env: Path) -> None:
    config = AUTO_CONFIG.replace('["en", "es", "ca", "eo"]', '["en"]')
    root = make_project(tmp_path / "site", config=config)
    engines = run(root, "engines", "--json")
    argos = next(e for e in json.loads(engines.stdout) if e["engine"] == "argos")
    assert argos["pairs"] == ["fr-en"]
    result = run(root, "sync", "--json")
    assert result.exit_code == 0, result.stderr
    po = catalogue(root, "en")
    drafts = [e for e in po if e.msgid]
    assert all(e.msgstr and e.tcomment.startswith("MT: argos ") for e in drafts)
    report = json.loads(run(root, "translate", "--json").stdout)
    assert report["engine_segments"] == 0
