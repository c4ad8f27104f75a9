"""A post's identity: its path in the posts folder, made a safe catalogue name.

The identity names the post's template, catalogues and exports
(``locales/<lang>/LC_MESSAGES/<identity>.po``), so every part of it must be a file name
that is safe on every system, the same on every machine (NFC or NFD file systems) and run,
and never able to climb out of a folder. Any file name a site generator accepts is
accepted: each part of the path is turned into a safe name (:func:`safe_name`), and two
source files that end up with one name are an error naming both (the project's discovery).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import PurePosixPath
from typing import Final

SAFE_NAME_PATTERN: Final = r"[a-z0-9_](?:[a-z0-9._-]*[a-z0-9_])?"
"""One part of an identity: lowercase ASCII letters, digits, ``.``, ``_`` and ``-``, neither
starting nor ending with ``.`` or ``-`` (so never ``.``, ``..`` nor a hidden name)."""
IDENTITY_PATTERN: Final = rf"{SAFE_NAME_PATTERN}(?:/{SAFE_NAME_PATTERN})*"
"""A whole identity: safe names joined by ``/`` (``posts/hugo/faq``)."""
IDENTITY: Final = re.compile(IDENTITY_PATTERN)

MARKDOWN_SUFFIXES: Final = (".md", ".markdown")
"""The extensions of a post file (Hugo's ``.md``, Jekyll's default ``.markdown``)."""

MAX_NAME: Final = 200
"""Longest safe name kept as derived; longer ones are cut and given a hash, so a catalogue
name (plus ``.pot`` or an export pattern's suffix) stays under the usual 255-byte limit."""

_UNSAFE_RUN: Final = re.compile(r"[^a-z0-9._]+")
"""A run of characters that becomes one ``-`` (hyphens included, so ``2025 - notes`` gives
``2025-notes``, not ``2025---notes``)."""


def safe_name(name: str) -> str:
    """One path part as a safe name: NFC, then NFKD without combining marks, lowercase,
    every run of characters other than ``[a-z0-9._]`` (hyphens among them) made one ``-``,
    ``-`` and ``.`` stripped at both ends (a leading ``_`` is kept: ``_index`` is not ``index``).

    ``IA & Java : du prompt`` → ``ia-java-du-prompt``, ``Déc 2025`` → ``dec-2025``. A name
    with nothing left (``日本語``, ``..``) becomes ``u-`` and a hash of it, and one longer
    than :data:`MAX_NAME` is cut and given a hash: the result always matches
    :data:`SAFE_NAME_PATTERN`.
    """
    composed = unicodedata.normalize("NFC", name)
    decomposed = unicodedata.normalize("NFKD", composed)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    safe = _UNSAFE_RUN.sub("-", bare).strip("-.")
    if safe and len(safe) <= MAX_NAME:
        return safe
    digest = hashlib.sha256(composed.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    if not safe:
        return f"u-{digest}"
    return f"{safe[: MAX_NAME - 11].rstrip('-.')}-{digest}"


def markdown_stem(name: str) -> str | None:
    """``name`` without its Markdown extension (any case), None when it is not a post file."""
    lowered = name.lower()
    for suffix in MARKDOWN_SUFFIXES:
        if lowered.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return None


def identity_of(relative: str) -> str:
    """The identity of a post path relative to the posts folder, its extension already
    removed (``posts/IA & Java`` → ``posts/ia-java``): each part through :func:`safe_name`.

    Total and safe for any input (a user's ``--post``): a root, ``.`` or empty parts are
    dropped and ``..`` becomes a hashed name, so the result never leaves its folder.
    """
    parts = [p for p in PurePosixPath(relative.replace("\\", "/")).parts if p not in ("/", ".")]
    return "/".join(safe_name(part) for part in parts) or safe_name("")


def is_identity(text: str) -> bool:
    """Whether ``text`` is already an identity (what :func:`identity_of` returns)."""
    return IDENTITY.fullmatch(text) is not None


def file_identity(path: str) -> str:
    """The identity of a post parsed alone, with no posts folder to be relative to: its
    file name without the extension, as a safe name (``source_posts/Mon Billet.md`` →
    ``mon-billet``). The project passes ``parse_post`` the full identity instead
    (:mod:`postloc.project.discovery`)."""
    name = PurePosixPath(path.replace("\\", "/")).name
    return safe_name(markdown_stem(name) or PurePosixPath(name).stem or name)
