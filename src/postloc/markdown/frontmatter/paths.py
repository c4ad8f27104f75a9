"""Dotted field paths (``cover.alt``, ``images[].caption``, ``tags``): which front-matter
strings a path names, whatever the format.

A path is walked over the loaded mapping (plain dicts and lists, the same
for YAML, TOML and JSON), and each string it reaches is named by its
*address*, the keys and list indexes leading to it. Each format then finds
an address in its own source text, so the walk is written once.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from postloc.config import field_path_error
from postloc.markdown.model import FRONT_MATTER_KIND_PREFIX, front_matter_kind

Address = tuple[str | int, ...]
"""Keys and list indexes from the top-level mapping to one value: ``("images", 1, "caption")``."""


@dataclass(frozen=True, slots=True)
class Step:
    """One key of a path."""

    key: str
    """The mapping key."""
    each: bool
    """Written ``key[]``: the value is a list, and the rest of the path applies to each item."""


@dataclass(frozen=True, slots=True)
class FieldPath:
    """A parsed ``front_matter_fields`` entry."""

    text: str
    """The path as configured; segments of it have the kind ``front-matter:<text>``."""
    steps: tuple[Step, ...]
    """Its keys, in order."""

    @property
    def kind(self) -> str:
        """The segment kind of the values it names (``title`` alone is a kind of its own)."""
        return front_matter_kind(self.text)


@functools.lru_cache(maxsize=256)
def parse_path(text: str) -> FieldPath:
    """Parse a field path; ValueError when it is not one (config refuses those first)."""
    problem = field_path_error(text)
    if problem is not None:
        raise ValueError(f"{text!r} is not a front-matter field path: {problem}")
    steps = []
    for part in text.split("."):
        key = part.removesuffix("[]")
        steps.append(Step(key, key != part))
    return FieldPath(text, tuple(steps))


def path_of_kind(kind: str) -> FieldPath:
    """The path a front-matter segment's ``kind`` was made from (``title`` → ``title``)."""
    return parse_path("title" if kind == "title" else kind.removeprefix(FRONT_MATTER_KIND_PREFIX))


@dataclass(frozen=True, slots=True)
class Selected:
    """One string a path names."""

    path: FieldPath
    """The path that named it."""
    address: Address
    """Where it sits in the front matter."""
    value: str
    """The string as loaded."""


def select(data: Mapping[str, Any], paths: Sequence[FieldPath]) -> list[Selected]:
    """The strings ``paths`` name in ``data``, path by path, each path's in data order.

    A path names a string, or each string of a list; anything else (a
    number, a date, a mapping, a missing key) names nothing. An address
    named twice (two paths cannot name the same value, but a caller may
    repeat one) is kept once.
    """
    found: list[Selected] = []
    seen: set[Address] = set()
    for path in paths:
        for address, value in _walk(data, path.steps):
            if address not in seen:
                seen.add(address)
                found.append(Selected(path, address, value))
    return found


def _walk(data: Any, steps: tuple[Step, ...]) -> list[tuple[Address, str]]:
    here: list[tuple[Address, Any]] = [((), data)]
    for step in steps:
        after: list[tuple[Address, Any]] = []
        for address, value in here:
            if not isinstance(value, Mapping) or step.key not in value:
                continue
            inner = value[step.key]
            if not step.each:
                after.append(((*address, step.key), inner))
            elif isinstance(inner, list):
                after.extend(((*address, step.key, i), item) for i, item in enumerate(inner))
        here = after
    strings: list[tuple[Address, str]] = []
    for address, value in here:
        if isinstance(value, str):
            strings.append((address, value))
        elif isinstance(value, list):
            strings.extend(
                ((*address, i), item) for i, item in enumerate(value) if isinstance(item, str)
            )
    return strings


def describe(address: Address) -> str:
    """An address as a user reads it: ``images[1].caption``."""
    out = ""
    for part in address:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out
