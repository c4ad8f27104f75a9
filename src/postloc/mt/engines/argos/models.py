"""Argos Translate packages on this machine: where they live, listing and installing them.

We read argostranslate's folders ourselves instead of calling its ``package``
module: ``argostranslate.settings`` freezes its paths at import time (a
changed ``ARGOS_PACKAGES_DIR`` is ignored afterwards),
``get_installed_packages()`` fails on any stray folder, and
``install_from_path()`` imports ``argostranslate.translate`` (stanza, torch,
seconds of start-up) and extracts archives unchecked. The locations follow
argostranslate's own rules so both tools see the same packages.

Only :func:`install_from_index` touches the network, through
:func:`fetch_url`: one attempt per URL with a timeout, never a retry loop.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from postloc.errors import EngineFailed, EngineUnavailable, PostlocError
from postloc.files import atomic_write, remove_file

Progress = Callable[[int, int], None]
"""``progress(done_bytes, total_bytes)``; total is 0 when the server does not say."""

DEFAULT_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/"
INDEX_TIMEOUT = 10.0
"""Seconds to wait for the package index before telling the user we are offline."""
DOWNLOAD_TIMEOUT = 60.0
"""Seconds without data before a package download counts as failed."""
MAX_UNPACKED_BYTES = 8 * 1024**3
"""Refuse archives that would unpack to more than this (real packages are < 1 GB)."""
_CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class ArgosPackageInfo:
    """One installed translation package, as its ``metadata.json`` describes it."""

    from_code: str
    """Source language code, Argos's naming (mostly ISO 639-1)."""
    to_code: str
    """Target language code."""
    package_version: str
    """The package's own version (``1.9``), not argostranslate's."""
    path: Path
    """The installed package folder (holds ``model/`` and the tokenizer)."""
    from_name: str = ""
    """Human-readable source language name."""
    to_name: str = ""
    """Human-readable target language name."""
    target_prefix: str = ""
    """Token the decoder must start with (multilingual models), usually empty."""

    @property
    def pair(self) -> tuple[str, str]:
        return (self.from_code, self.to_code)


@dataclass(frozen=True, slots=True)
class ArgosLocations:
    """Where argostranslate keeps things, resolved from the environment when asked."""

    packages_dir: Path
    """Installed packages (``ARGOS_PACKAGES_DIR``)."""
    index_file: Path
    """Local copy of the package index."""
    index_url: str
    """Remote package index (``ARGOS_PACKAGE_INDEX`` + ``index.json``)."""
    downloads_dir: Path
    """Where downloaded archives wait until they are installed."""


def _settings_file_values(config_home: Path) -> dict[str, Any]:
    path = config_home / "argos-translate" / "settings.json"
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return values if isinstance(values, dict) else {}


def argos_locations(environ: Mapping[str, str] | None = None) -> ArgosLocations:
    """Resolve argostranslate's folders now, with ``argostranslate/settings.py``'s rules.

    Environment first, then ``$XDG_CONFIG_HOME/argos-translate/settings.json``,
    then the XDG defaults below ``$HOME`` (``$SNAP_USER_DATA`` under snap).
    """
    env = os.environ if environ is None else environ
    home = Path(env["SNAP_USER_DATA"]) if "SNAP" in env else Path(env.get("HOME") or Path.home())
    data_dir = Path(env.get("XDG_DATA_HOME") or home / ".local" / "share") / "argos-translate"
    config_home = Path(env.get("XDG_CONFIG_HOME") or home / ".config")
    cache_dir = Path(env.get("XDG_CACHE_HOME") or home / ".local" / "cache") / "argos-translate"
    file_values = _settings_file_values(config_home)

    def setting(key: str, default: str) -> str:
        value = env.get(key)
        if value is None:
            value = file_values.get(key)
        return str(value) if value is not None else default

    index = setting("ARGOS_PACKAGE_INDEX", DEFAULT_INDEX)
    return ArgosLocations(
        packages_dir=Path(setting("ARGOS_PACKAGES_DIR", str(data_dir / "packages"))),
        index_file=data_dir / "index.json",
        index_url=index if index.endswith(".json") else index.rstrip("/") + "/index.json",
        downloads_dir=cache_dir / "downloads",
    )


def _info_from_metadata(metadata: Any, folder: Path) -> ArgosPackageInfo | None:
    if not isinstance(metadata, dict) or metadata.get("type", "translate") != "translate":
        return None
    from_code, to_code = metadata.get("from_code"), metadata.get("to_code")
    if not _valid_code(from_code) or not _valid_code(to_code):
        return None
    return ArgosPackageInfo(
        from_code=str(from_code),
        to_code=str(to_code),
        package_version=str(metadata.get("package_version", "")),
        path=folder,
        from_name=str(metadata.get("from_name") or ""),
        to_name=str(metadata.get("to_name") or ""),
        target_prefix=str(metadata.get("target_prefix") or ""),
    )


def _valid_code(code: Any) -> bool:
    return isinstance(code, str) and 0 < len(code) <= 16 and code.replace("_", "").isalnum()


def read_package(folder: Path) -> ArgosPackageInfo | None:
    """The package installed in ``folder``, or None if it is not a usable translate package."""
    try:
        metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    info = _info_from_metadata(metadata, folder)
    if info is None or not (folder / "model").is_dir():
        return None
    return info


def list_installed(packages_dir: Path | None = None) -> list[ArgosPackageInfo]:
    """Installed translate packages, sorted by pair; folders that are not packages are skipped."""
    root = argos_locations().packages_dir if packages_dir is None else Path(packages_dir)
    try:
        folders = sorted(p for p in root.iterdir() if p.is_dir())
    except OSError:
        return []
    found = [info for info in map(read_package, folders) if info is not None]
    return sorted(found, key=lambda info: (info.from_code, info.to_code, info.path.name))


@dataclass(frozen=True, slots=True)
class _Archive:
    top: str
    metadata: dict[str, Any]


def _check_archive(path: Path, zipf: zipfile.ZipFile) -> _Archive:
    """Validate an opened archive before anything is written (the rules in install_from_file)."""

    def bad(reason: str) -> PostlocError:
        return PostlocError(f"not a valid Argos package: {reason}", path=str(path))

    infos = zipf.infolist()
    if not infos:
        raise bad("the archive is empty")
    tops: set[str] = set()
    unpacked = 0
    for info in infos:
        name = info.filename
        parts = PurePosixPath(name).parts
        if (
            name.startswith(("/", "\\"))
            or "\\" in name
            or (len(name) > 1 and name[1] == ":")
            or ".." in parts
            or not parts
        ):
            raise bad(f"unsafe member path {name!r}")
        if len(parts) == 1 and not info.is_dir():
            raise bad(f"file {name!r} outside the package folder")
        tops.add(parts[0])
        unpacked += info.file_size
    if len(tops) != 1:
        raise bad(f"expected one top-level folder, found {len(tops)}")
    if unpacked > MAX_UNPACKED_BYTES:
        raise bad(f"it would unpack to {unpacked} bytes")
    top = tops.pop()
    if top.startswith("."):
        raise bad(f"hidden top-level folder {top!r}")
    try:
        metadata = json.loads(zipf.read(f"{top}/metadata.json").decode("utf-8"))
    except KeyError:
        raise bad(f"no {top}/metadata.json") from None
    except (ValueError, zipfile.BadZipFile) as exc:
        raise bad(f"unreadable metadata.json ({exc})") from None
    if not isinstance(metadata, dict):
        raise bad("metadata.json is not an object")
    for key in ("from_code", "to_code"):
        if not _valid_code(metadata.get(key)):
            raise bad(f"metadata.json has no valid {key}")
    return _Archive(top=top, metadata=metadata)


def install_from_file(
    path: str | os.PathLike[str], packages_dir: Path | None = None
) -> ArgosPackageInfo:
    """Install a ``.argosmodel`` archive after checking it; return the installed package.

    The archive must be a zip holding exactly one top folder with a
    ``metadata.json`` naming ``from_code``/``to_code``, and no absolute or
    ``..`` member paths. It is unpacked into a staging folder next to the
    packages folder and moved into place, so a failure leaves nothing half
    installed. An older package for the same pair is replaced.
    """
    archive_path = Path(path)
    if not archive_path.is_file():
        raise PostlocError("no such package file", path=str(archive_path))
    if not zipfile.is_zipfile(archive_path):
        raise PostlocError("not a valid Argos package: not a zip archive", path=str(archive_path))
    root = argos_locations().packages_dir if packages_dir is None else Path(packages_dir)
    try:
        with zipfile.ZipFile(archive_path) as zipf:
            archive = _check_archive(archive_path, zipf)
            root.mkdir(parents=True, exist_ok=True)
            staging = _staging_folder(root)
            try:
                _unpack(zipf, staging)
                info = _move_into_place(archive_path, staging / archive.top, root / archive.top)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError) as exc:
        raise PostlocError(f"cannot install package: {exc}", path=str(archive_path)) from None
    _remove_other_versions(info, root)
    return info


def _staging_folder(root: Path) -> Path:
    """A scratch folder on the same file system, preferably outside the packages folder."""
    try:
        return Path(tempfile.mkdtemp(prefix=".postloc-install-", dir=root.parent))
    except OSError:
        return Path(tempfile.mkdtemp(prefix=".postloc-install-", dir=root))


def _unpack(zipf: zipfile.ZipFile, staging: Path) -> None:
    for member in zipf.infolist():
        target = staging.joinpath(*PurePosixPath(member.filename).parts)
        if member.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            atomic_write(target, zipf.read(member))


def _move_into_place(archive_path: Path, unpacked: Path, final: Path) -> ArgosPackageInfo:
    if read_package(unpacked) is None:
        raise PostlocError(
            "not a valid Argos package: no model/ folder or unusable metadata.json",
            path=str(archive_path),
        )
    if final.exists():
        os.replace(final, unpacked.parent / ".previous")
    os.replace(unpacked, final)
    info = read_package(final)
    assert info is not None
    return info


def _remove_other_versions(info: ArgosPackageInfo, root: Path) -> None:
    """Keep one package per pair, so which one translates is never a matter of folder order."""
    for other in list_installed(root):
        if other.pair == info.pair and other.path != info.path:
            shutil.rmtree(other.path, ignore_errors=True)


def fetch_url(url: str, *, timeout: float, progress: Progress | None = None) -> bytes:
    """GET ``url`` once (http, https or file) and return the body; errors propagate as OSError.

    The single place where postloc opens a network connection.
    """
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https", "file"):
        raise OSError(f"unsupported URL {url!r}")
    request = urllib.request.Request(url, headers={"User-Agent": "postloc"})
    chunks: list[bytes] = []
    done = 0
    with urllib.request.urlopen(request, timeout=timeout) as response:
        total = int(response.headers.get("Content-Length") or 0)
        while chunk := response.read(_CHUNK):
            chunks.append(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
    return b"".join(chunks)


def _parse_index(data: bytes, where: str) -> list[dict[str, Any]]:
    try:
        index = json.loads(data.decode("utf-8"))
    except ValueError as exc:
        message = f"the Argos package index is not valid JSON ({exc})"
        raise EngineFailed(message, path=where) from None
    if not isinstance(index, list):
        raise EngineFailed("the Argos package index is not a list", path=where)
    return [entry for entry in index if isinstance(entry, dict)]


def _fetch_index(locations: ArgosLocations) -> list[dict[str, Any]]:
    try:
        data = fetch_url(locations.index_url, timeout=INDEX_TIMEOUT)
    except (OSError, ValueError) as exc:
        raise EngineUnavailable(f"cannot reach the Argos package index: {exc}") from None
    index = _parse_index(data, locations.index_url)
    atomic_write(locations.index_file, data)
    return index


def _find_entry(index: list[dict[str, Any]], src: str, tgt: str) -> dict[str, Any] | None:
    matches = [
        entry
        for entry in index
        if entry.get("type", "translate") == "translate"
        and entry.get("from_code") == src
        and entry.get("to_code") == tgt
    ]
    return max(matches, key=lambda e: _version_key(str(e.get("package_version", ""))), default=None)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else -1 for part in version.split("."))


def install_from_index(src: str, tgt: str, progress: Progress | None = None) -> ArgosPackageInfo:
    """Download and install the Argos package for ``src``→``tgt`` from the package index.

    Uses the local index when it exists and knows the pair; otherwise fetches
    the index once (:data:`INDEX_TIMEOUT`). Offline, this fails fast with one
    :class:`EngineUnavailable` line instead of argostranslate's retry loops.
    """
    locations = argos_locations()
    entry = None
    if locations.index_file.is_file():
        try:
            local = _parse_index(locations.index_file.read_bytes(), str(locations.index_file))
        except (OSError, EngineFailed):
            local = []
        entry = _find_entry(local, src, tgt)
    if entry is None:
        entry = _find_entry(_fetch_index(locations), src, tgt)
    if entry is None:
        raise EngineUnavailable(f"the Argos package index has no {src}→{tgt} package")
    links = [link for link in entry.get("links", []) if isinstance(link, str)]
    if not links:
        raise EngineUnavailable(f"the Argos package index lists no download for {src}→{tgt}")
    failures: list[str] = []
    for link in links:
        try:
            data = fetch_url(link, timeout=DOWNLOAD_TIMEOUT, progress=progress)
        except (OSError, ValueError) as exc:
            failures.append(str(exc))
            continue
        archive = locations.downloads_dir / f"translate-{src}_{tgt}.argosmodel"
        atomic_write(archive, data)
        try:
            return install_from_file(archive, locations.packages_dir)
        finally:
            remove_file(archive)
    raise EngineUnavailable(f"cannot download the Argos package {src}→{tgt}: {failures[-1]}")
