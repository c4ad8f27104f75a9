"""Whether a post is published yet, as Hugo and Jekyll read its front matter.

A translation must never be more public than its source, and an unpublished
post need not cost machine translation yet: the translate stage asks
:func:`unpublished_reason` and skips such posts unless ``[translate]
include_drafts`` (they are extracted either way; export keeps their flags,
since it rewrites only translated values).

Hugo lowercases front-matter keys, so keys match whatever their case. Where
Hugo and Jekyll differ the stricter reading wins, because a post wrongly
held back only waits for its drafts: ``published: false`` is Jekyll's flag
and Hugo's undocumented one; a future ``date`` hides a post from both (Hugo
falls back to it for the publish date, Jekyll skips future posts); a file
name dated in the future (Jekyll's ``2030-01-01-titre.md``) counts when the
front matter has no date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from pathlib import PurePosixPath
from typing import Any, Final

PUBLISH_DATE_KEYS: Final = ("publishdate", "pubdate", "published", "date")
"""Hugo's default ``[frontmatter] publishDate``: the first key present gives the publish date."""
EXPIRY_DATE_KEYS: Final = ("expirydate", "unpublishdate")
"""Hugo's default ``[frontmatter] expiryDate``."""

_DATE: Final = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[Tt]|[ \t]+)?"
    r"(?:(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d+))?)?)?"
    r"[ \t]*(?P<tz>[Zz]|[+-]\d{2}(?::?\d{2})?)?"
)
"""ISO 8601 dates and datetimes as Hugo and Jekyll write them (``2024-05-01``,
``2024-05-01T10:00:00+02:00``, Jekyll's ``2024-05-01 10:00:00 +0200``)."""
_FILE_DATE: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})-")
"""Jekyll's dated post file name: ``2024-05-01-titre.md``."""
_TRUE: Final = frozenset({"1", "t", "T", "TRUE", "true", "True"})
_FALSE: Final = frozenset({"0", "f", "F", "FALSE", "false", "False"})
"""Go's ``strconv.ParseBool``, through which Hugo reads a string flag."""


def unpublished_reason(
    front_matter: Mapping[str, Any], now: dt.datetime, *, name: str | None = None
) -> str | None:
    """Why the post is not (or no longer) published at ``now``, for a notice
    (``draft: true``); None when it is published.

    ``now`` is "today" (``SOURCE_DATE_EPOCH`` when set, for reproducible runs; a naive
    value is UTC); ``name`` is the post's file name, for Jekyll's file name date.
    """
    now = _aware(now)
    for key, value in _values(front_matter, "draft"):
        if _flag(value):
            return f"{key}: true"
    for key, value in _values(front_matter, "published"):
        if _flag(value) is False:
            return f"{key}: false"
    published = _first_date(front_matter, PUBLISH_DATE_KEYS, max)
    if published is not None:
        key, moment = published
        if moment is not None and moment > now:
            return f"{key} {_shown(front_matter[key])} is in the future"
    elif name is not None:
        dated = _FILE_DATE.match(PurePosixPath(name).name)
        if dated is not None:
            moment = as_datetime("-".join(dated.groups()))
            if moment is not None and moment > now:
                return f"file name date {'-'.join(dated.groups())} is in the future"
    expiry = _first_date(front_matter, EXPIRY_DATE_KEYS, min)
    if expiry is not None:
        key, moment = expiry
        if moment is not None and moment < now:
            return f"{key} {_shown(front_matter[key])} has passed"
    return None


def _values(front_matter: Mapping[str, Any], name: str) -> list[tuple[str, Any]]:
    """Every ``(key, value)`` whose key is ``name`` in any case, as Hugo reads keys."""
    return [(key, value) for key, value in front_matter.items() if key.lower() == name]


def _first_date(
    front_matter: Mapping[str, Any],
    names: tuple[str, ...],
    strictest: Callable[..., tuple[str, dt.datetime]],
) -> tuple[str, dt.datetime | None] | None:
    """Of the first of ``names`` present and set (Hugo skips ``""`` and null, and a
    ``published`` flag is no date), the key and its moment (None when it does not read);
    of the same key in several cases, the ``strictest`` moment (``max`` or ``min``)."""
    for name in names:
        found = [
            (key, value)
            for key, value in _values(front_matter, name)
            if value not in ("", None) and not (name == "published" and _flag(value) is not None)
        ]
        if found:
            moments = [(key, as_datetime(value)) for key, value in found]
            readable = [(key, m) for key, m in moments if m is not None]
            return strictest(readable, key=lambda pair: pair[1]) if readable else moments[0]
    return None


def _flag(value: Any) -> bool | None:
    """A flag as Hugo's ``cast.ToBool`` reads it; None for what is no flag (a date…)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str):
        return True if value in _TRUE else False if value in _FALSE else None
    return None


def as_datetime(value: Any) -> dt.datetime | None:
    """A front-matter date as a moment, as Hugo reads one; None when it is no date.

    Dates are midnight UTC and naive datetimes UTC (Hugo's default ``timeZone``);
    numbers are Unix seconds; strings are ISO 8601 (:data:`_DATE`).
    """
    if isinstance(value, dt.datetime):
        return _aware(value)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return dt.datetime.fromtimestamp(value, dt.UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        return _parse(value.strip())
    return None


def _parse(text: str) -> dt.datetime | None:
    found = _DATE.fullmatch(text)
    if found is None:
        return None
    part = found.groupdict()
    zone = dt.UTC
    if part["tz"] and part["tz"] not in "Zz":
        sign = -1 if part["tz"][0] == "-" else 1
        digits = part["tz"][1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:] or 0)
        zone = dt.timezone(sign * dt.timedelta(minutes=minutes))
    fraction = (part["f"] or "0")[:6].ljust(6, "0")
    try:
        return dt.datetime(
            int(part["y"]),
            int(part["m"]),
            int(part["d"]),
            int(part["H"] or 0),
            int(part["M"] or 0),
            int(part["S"] or 0),
            int(fraction),
            tzinfo=zone,
        )
    except ValueError:
        return None


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _shown(value: Any) -> str:
    """A date as the author wrote it, near enough (``2030-01-01``)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
