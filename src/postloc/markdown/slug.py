"""A post's slug: the one pattern it must match, and the one check with its message.

The slug names the post's template, catalogues and exports, so it must be safe
as a file name on every system and never climb out of a folder.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Final

from postloc.errors import BadPost

SLUG_PATTERN: Final = r"[a-z0-9][a-z0-9._-]*"
"""Lowercase letters, digits, ``.``, ``_`` and ``-``, not starting with a punctuation mark."""
_SLUG: Final = re.compile(SLUG_PATTERN)


def check_slug(slug: str, *, origin: str, path: str) -> str:
    """``slug`` when it matches :data:`SLUG_PATTERN` and has no ``..``; else BadPost on ``path``.

    ``origin`` says where the slug came from (``file name``, ``front matter slug``…),
    so the user knows what to rename.
    """
    if _SLUG.fullmatch(slug) is None or ".." in slug:
        raise BadPost(
            f"bad slug {slug!r} (from the {origin}): use lowercase letters, digits, '.', '_', '-'",
            path=path,
        )
    return slug


def post_slug(mapping: Mapping[str, object], path: str) -> str:
    """Front matter ``slug:`` if present, else the file stem; checked by :func:`check_slug`."""
    if "slug" in mapping:
        slug = mapping["slug"]
        if not isinstance(slug, str):
            raise BadPost(f"front matter slug must be a string, not {slug!r}", path=path)
        origin = "front matter slug"
    else:
        slug = PurePosixPath(path.replace("\\", "/")).stem
        origin = "file name"
    return check_slug(slug, origin=origin, path=path)
