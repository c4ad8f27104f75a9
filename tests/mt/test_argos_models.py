"""Listing and installing Argos packages: validated archives, one network attempt, no storms."""

from __future__ import annotations

import json
import urllib.error
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

import argos_tiny
from postloc.errors import EngineUnavailable, PostlocError
from postloc.mt.engines.argos import models as argos_models
from postloc.mt.engines.argos.models import (
    ArgosPackageInfo,
    argos_locations,
    install_from_file,
    install_from_index,
    list_installed,
)


@pytest.fixture(scope="session")
def fr_en(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return argos_tiny.build_tiny_package(tmp_path_factory.mktemp("models"), "fr", "en")


@pytest.fixture(scope="session")
def fr_en_newer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("models-newer")
    return argos_tiny.build_package(workdir, "fr", "en", version="1.1", seed=1)


pytestmark = pytest.mark.usefixtures("no_connections")
"""Every test here runs offline (``tests/mt/conftest.py``)."""


@pytest.fixture
def argos_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    env = argos_tiny.argos_environment(tmp_path / "argos")
    monkeypatch.delenv("SNAP", raising=False)
    monkeypatch.delenv("ARGOS_PACKAGE_INDEX", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def packages(argos_env: dict[str, str]) -> Path:
    return Path(argos_env["ARGOS_PACKAGES_DIR"])


# --- locations -----------------------------------------------------------------------------


def test_locations_follow_argostranslate_rules(tmp_path: Path) -> None:
    home = tmp_path / "home"
    defaults = argos_locations({"HOME": str(home)})
    assert defaults.packages_dir == home / ".local/share/argos-translate/packages"
    assert defaults.index_file == home / ".local/share/argos-translate/index.json"
    assert defaults.downloads_dir == home / ".local/cache/argos-translate/downloads"
    assert defaults.index_url == argos_models.DEFAULT_INDEX + "index.json"

    config = tmp_path / "config" / "argos-translate"
    config.mkdir(parents=True)
    (config / "settings.json").write_text(
        json.dumps({"ARGOS_PACKAGES_DIR": str(tmp_path / "from-file")}), encoding="utf-8"
    )
    env = {"HOME": str(home), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    assert argos_locations(env).packages_dir == tmp_path / "from-file"
    env["ARGOS_PACKAGES_DIR"] = str(tmp_path / "from-env")
    env["ARGOS_PACKAGE_INDEX"] = "file:///mirror/"
    located = argos_locations(env)
    assert located.packages_dir == tmp_path / "from-env"
    assert located.index_url == "file:///mirror/index.json"


# --- listing -------------------------------------------------------------------------------


def test_list_installed_reads_metadata_and_skips_what_is_not_a_package(
    packages: Path, fr_en: Path
) -> None:
    assert list_installed() == []
    folder = argos_tiny.install_package(fr_en, packages)
    (packages / "stray").mkdir()
    (packages / "broken").mkdir()
    (packages / "broken" / "metadata.json").write_text("{not json", encoding="utf-8")
    (packages / "sbd").mkdir()
    (packages / "sbd" / "metadata.json").write_text('{"type": "sbd"}', encoding="utf-8")
    (packages / "no-model").mkdir()
    (packages / "no-model" / "metadata.json").write_text(
        json.dumps(argos_tiny.package_metadata("en", "fr")), encoding="utf-8"
    )
    (packages / "a-file").write_text("x", encoding="utf-8")
    assert list_installed() == [
        ArgosPackageInfo("fr", "en", "1.0", folder, from_name="French", to_name="English")
    ]
    assert list_installed(packages) == list_installed()
    assert list_installed(packages / "missing") == []


# --- install from a file -------------------------------------------------------------------


def test_install_from_file_unpacks_and_lists_the_package(packages: Path, fr_en: Path) -> None:
    info = install_from_file(fr_en)
    assert info.pair == ("fr", "en")
    assert info.path == packages / "translate-fr_en-1_0"
    assert (info.path / "model" / "model.bin").is_file()
    assert (info.path / "sentencepiece.model").is_file()
    assert list_installed() == [info]
    assert not list(packages.parent.glob(".postloc-install-*"))


def test_installing_again_replaces_the_older_package_of_the_pair(
    packages: Path, fr_en: Path, fr_en_newer: Path
) -> None:
    install_from_file(fr_en)
    assert install_from_file(fr_en).path == packages / "translate-fr_en-1_0"
    newer = install_from_file(fr_en_newer)
    assert [info.package_version for info in list_installed()] == ["1.1"]
    assert list_installed() == [newer]


def _zip(path: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w") as zipf:
        for name, data in members.items():
            zipf.writestr(name, data)
    return path


METADATA = json.dumps(argos_tiny.package_metadata("fr", "en"))
BAD_ARCHIVES: dict[str, tuple[dict[str, bytes | str], str]] = {
    "two-tops": ({"a/metadata.json": METADATA, "b/model/model.bin": b"x"}, "one top-level"),
    "no-metadata": ({"pkg/model/model.bin": b"x"}, "no pkg/metadata.json"),
    "bad-json": ({"pkg/metadata.json": "{oops", "pkg/model/x": b""}, "unreadable"),
    "no-to-code": ({"pkg/metadata.json": '{"from_code": "fr"}'}, "to_code"),
    "odd-code": ({"pkg/metadata.json": '{"from_code": "fr", "to_code": "../x"}'}, "to_code"),
    "dotdot": ({"pkg/metadata.json": METADATA, "pkg/../../evil.txt": b"x"}, "unsafe"),
    "absolute": ({"/pkg/metadata.json": METADATA}, "unsafe"),
    "backslash": ({"pkg/metadata.json": METADATA, "pkg\\..\\evil": b"x"}, "unsafe"),
    "root-file": ({"metadata.json": METADATA}, "outside the package folder"),
    "hidden": ({".pkg/metadata.json": METADATA}, "hidden"),
    "empty": ({}, "empty"),
    "no-model": ({"pkg/metadata.json": METADATA}, "no model/"),
}


@pytest.mark.parametrize("case", sorted(BAD_ARCHIVES))
def test_a_bad_archive_is_refused_before_anything_is_written(
    case: str, tmp_path: Path, packages: Path
) -> None:
    members, reason = BAD_ARCHIVES[case]
    archive = _zip(tmp_path / f"{case}.argosmodel", members)
    with pytest.raises(PostlocError) as caught:
        install_from_file(archive)
    message = str(caught.value)
    assert "\n" not in message
    assert f"{case}.argosmodel" in message and reason in message
    assert list(packages.iterdir()) == []
    assert not list(tmp_path.rglob("evil*"))
    assert not list(packages.parent.glob(".postloc-install-*"))


def test_a_file_that_is_not_a_zip_or_missing_is_refused(tmp_path: Path, packages: Path) -> None:
    text = tmp_path / "notes.argosmodel"
    text.write_text("not a zip", encoding="utf-8")
    with pytest.raises(PostlocError, match=r"notes\.argosmodel: .*not a zip archive"):
        install_from_file(text)
    with pytest.raises(PostlocError, match="no such package file"):
        install_from_file(tmp_path / "missing.argosmodel")
    assert list(packages.iterdir()) == []


# --- install from the index ----------------------------------------------------------------


class FakeFetch:
    """Stands in for :func:`fetch_url`: answers from a dict or raises; records every call."""

    def __init__(self, answers: dict[str, bytes | Exception]) -> None:
        self.answers = answers
        self.calls: list[str] = []

    def __call__(
        self, url: str, *, timeout: float, progress: Callable[[int, int], None] | None = None
    ) -> bytes:
        self.calls.append(url)
        assert timeout <= argos_models.DOWNLOAD_TIMEOUT
        answer = self.answers.get(url, urllib.error.URLError("offline"))
        if isinstance(answer, Exception):
            raise answer
        if progress is not None:
            progress(len(answer) // 2, len(answer))
            progress(len(answer), len(answer))
        return answer


def _index(*links: str, from_code: str = "fr", to_code: str = "en") -> bytes:
    entry = {**argos_tiny.package_metadata(from_code, to_code), "links": list(links)}
    return json.dumps([entry]).encode()


def _write_local_index(data: bytes) -> Path:
    path = argos_locations().index_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_offline_without_local_index_fails_once_with_one_line(
    argos_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fetch = FakeFetch({})
    monkeypatch.setattr(argos_models, "fetch_url", fetch)
    with pytest.raises(EngineUnavailable) as caught:
        install_from_index("fr", "en")
    assert str(caught.value) == "cannot reach the Argos package index: <urlopen error offline>"
    assert fetch.calls == [argos_locations().index_url]


def test_offline_without_local_index_really_makes_one_attempt(
    argos_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, no_connections: list[str]
) -> None:
    """The real fetch against the socket guard: one blocked lookup, then a clean error."""
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", "https://index.invalid/")
    with pytest.raises(EngineUnavailable, match=r"^cannot reach the Argos package index: "):
        install_from_index("fr", "en")
    assert len(no_connections) == 1
    no_connections.clear()


def test_install_from_the_local_index_downloads_with_progress(
    argos_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, packages: Path, fr_en: Path
) -> None:
    link = "https://example.invalid/translate-fr_en.argosmodel"
    locations = argos_locations()
    _write_local_index(_index(link))
    fetch = FakeFetch({link: fr_en.read_bytes()})
    monkeypatch.setattr(argos_models, "fetch_url", fetch)
    seen: list[tuple[int, int]] = []
    info = install_from_index("fr", "en", progress=lambda done, total: seen.append((done, total)))
    assert fetch.calls == [link]
    assert seen[-1][0] == seen[-1][1] == fr_en.stat().st_size
    assert info.path == packages / "translate-fr_en-1_0"
    assert list_installed() == [info]
    assert list(locations.downloads_dir.iterdir()) == []


def test_a_pair_missing_from_the_local_index_refreshes_it_once(
    argos_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, fr_en: Path
) -> None:
    link = "https://example.invalid/fr_en.argosmodel"
    locations = argos_locations()
    _write_local_index(_index("https://example.invalid/x", to_code="de"))
    fetch = FakeFetch({locations.index_url: _index(link), link: fr_en.read_bytes()})
    monkeypatch.setattr(argos_models, "fetch_url", fetch)
    assert install_from_index("fr", "en").pair == ("fr", "en")
    assert fetch.calls == [locations.index_url, link]
    assert json.loads(locations.index_file.read_text(encoding="utf-8"))[0]["links"] == [link]


def test_a_pair_nobody_publishes_is_a_clear_error(
    argos_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    locations = argos_locations()
    fetch = FakeFetch({locations.index_url: _index("https://example.invalid/x")})
    monkeypatch.setattr(argos_models, "fetch_url", fetch)
    with pytest.raises(EngineUnavailable, match="has no fr→eo package"):
        install_from_index("fr", "eo")
    assert fetch.calls == [locations.index_url]


def test_a_failed_download_tries_each_link_once(
    argos_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, packages: Path
) -> None:
    links = ["https://a.invalid/p.argosmodel", "https://b.invalid/p.argosmodel"]
    _write_local_index(_index(*links))
    fetch = FakeFetch({})
    monkeypatch.setattr(argos_models, "fetch_url", fetch)
    with pytest.raises(EngineUnavailable, match=r"^cannot download the Argos package fr→en: "):
        install_from_index("fr", "en")
    assert sorted(fetch.calls) == links
    assert list(packages.iterdir()) == []


def test_fetch_url_reads_local_files_with_progress_and_refuses_other_schemes(
    tmp_path: Path,
) -> None:
    payload = tmp_path / "index.json"
    payload.write_bytes(b"x" * 200_000)
    seen: list[tuple[int, int]] = []
    data = argos_models.fetch_url(
        payload.as_uri(), timeout=1, progress=lambda done, total: seen.append((done, total))
    )
    assert data == payload.read_bytes()
    assert seen[-1] == (200_000, 200_000) and len(seen) > 1
    with pytest.raises(OSError, match="unsupported URL"):
        argos_models.fetch_url("ftp://example.invalid/x", timeout=1)
