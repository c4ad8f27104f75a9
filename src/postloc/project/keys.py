"""``postloc keys``: write the key a generator pairs translations by into the source posts
that lack one (docs/architecture.md, "Export").

Hugo pairs a page with its translations by path, which fails as soon as an export's path is
not the source's (``IA & Java.md`` exported as ``ia-java.en.md``). A ``translationKey`` in the
source is copied into every export, so Hugo links them whatever the paths. Writing into a
person's posts is an author's decision, so this is a command of its own, never a side effect
of ``sync``: each file is rewritten atomically with only the key added (the rebuild keeps every
other byte, in the post's own front-matter format), never over a save made since it was read,
and a post that has a key keeps it (running it again writes nothing).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from postloc.errors import BadPost, ConfigError
from postloc.export.urls import PAIRING_KEYS, new_pairing_key, pairing_key
from postloc.files import atomic_write
from postloc.project.layout import Project


@dataclass(frozen=True, slots=True)
class KeysReport:
    """What :func:`write_keys` did."""

    key: str
    """The front-matter key written (``translationKey``, ``ref``)."""
    written: tuple[str, ...]
    """Root-relative files given a key (or that would be, on a dry run)."""
    kept: tuple[str, ...]
    """Root-relative files that already had one, left as they are."""


def write_keys(project: Project, slugs: Sequence[str] = (), *, dry_run: bool = False) -> KeysReport:
    """Give every source post (or those ``slugs`` name) without a pairing key one derived
    from its identity (:func:`postloc.export.urls.new_pairing_key`).

    ``site = "plain"`` has no generator to pair anything: a :class:`ConfigError`. A derived
    key another post already uses (its own, set by hand) would pair two different posts: a
    :class:`BadPost` naming both, before anything is written."""
    from postloc.markdown.parse import parse_post
    from postloc.markdown.rebuild import rebuild_post
    from postloc.project.stages import find_posts, select

    site = project.config.site
    name = PAIRING_KEYS.get(site)
    if name is None:
        raise ConfigError(
            f"site = {site!r}: no generator reads a translation key (set site to hugo or jekyll)"
        )
    sources = find_posts(project).posts
    loaded = []
    used: dict[str, str] = {}
    for source in sources:
        data, snapshot = project.read_post(source.path)
        post = parse_post(data, source.name, slug=source.identity)
        own = pairing_key(post, site)
        if own is not None:
            used.setdefault(str(own[1]), source.name)
        loaded.append((source, post, snapshot, own))
    chosen = {source.identity for source in select(project, sources, slugs)}
    plans = []
    kept: list[str] = []
    for source, post, snapshot, own in loaded:
        if source.identity not in chosen:
            continue
        if own is not None:
            kept.append(source.name)
            continue
        value = new_pairing_key(post, site)
        if value in used:
            raise BadPost(
                f"its {name} would be {value!r}, which {used[value]} already has; give one of "
                f"them another {name} by hand",
                path=source.name,
            )
        used[value] = source.name
        plans.append((source, rebuild_post(post, (), {}, [(name, value)]), snapshot))
    if not dry_run:
        for source, text, snapshot in plans:
            atomic_write(project.safe_target(source.path), text, expected=snapshot)
    return KeysReport(name, tuple(source.name for source, _t, _s in plans), tuple(kept))
