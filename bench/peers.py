"""The established tools postloc is measured against: po4a, translate-toolkit, msgmerge.

Each runner does the same work postloc does on the same corpus, the way a user
of that tool would do it for a whole site: one ``po4a`` run over a
configuration listing every post (the per-file ``po4a-updatepo`` /
``po4a-translate`` are deprecated and pay Perl's start-up per post), one
``md2po``/``po2md`` run over the posts folder, and GNU ``msgmerge --previous``
once per catalogue (it takes one file at a time).

translate-toolkit lives in its own venv under ``bench/work/`` so it never
enters the project's dependencies.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polib

from postloc.files import atomic_write

PO4A_OPTIONS = '[options] opt:"-o markdown" opt:"-M UTF-8" opt:"-L UTF-8" opt:"-k 0"'


@dataclass(frozen=True, slots=True)
class PeerTools:
    """Where each peer tool is on this machine (None: missing, its rows say n/a)."""

    po4a: Path | None
    """The unified ``po4a`` program (Debian package ``po4a``)."""
    toolkit_bin: Path | None
    """``bin/`` of the translate-toolkit venv (``md2po``, ``po2md``)."""
    msgmerge: Path | None
    """GNU gettext's ``msgmerge``."""
    toolkit_version: str
    """translate-toolkit's version, or why it is missing."""


def _which(name: str) -> Path | None:
    found = shutil.which(name)
    return Path(found) if found else None


def ensure_po4a(log: list[str]) -> Path | None:
    """``po4a``, installed with apt when missing and we are root; else None (noted in ``log``)."""
    found = _which("po4a")
    if found is None and os.geteuid() == 0 and _which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "po4a"], check=False, env=env)
        found = _which("po4a")
    if found is None:
        log.append("po4a is missing (apt-get install po4a as root); its rows are n/a")
    return found


def ensure_translate_toolkit(work: Path, log: list[str]) -> tuple[Path | None, str]:
    """A venv ``work/tt-venv`` with ``translate-toolkit[markdown]``: its bin folder, version."""
    venv = work / "tt-venv"
    bin_dir = venv / "bin"
    if not (bin_dir / "md2po").exists() or not (bin_dir / "po2md").exists():
        base = getattr(sys, "_base_executable", sys.executable)
        steps = [
            [base, "-m", "venv", str(venv)],
            [str(bin_dir / "pip"), "install", "-q", "translate-toolkit[markdown]"],
        ]
        for step in steps:
            done = subprocess.run(step, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                log.append(
                    f"translate-toolkit could not be installed ({done.stderr.strip()[-300:]})"
                )
                return None, "not installed"
    code = "from importlib.metadata import version; print(version('translate-toolkit'))"
    done = subprocess.run(
        [str(bin_dir / "python"), "-c", code],
        capture_output=True,
        text=True,
        check=False,
    )
    return bin_dir, done.stdout.strip() or "unknown"


def find_peers(work: Path, log: list[str]) -> PeerTools:
    """Locate (and install where allowed) every peer tool."""
    po4a = ensure_po4a(log)
    toolkit_bin, version = ensure_translate_toolkit(work, log)
    msgmerge = _which("msgmerge")
    if msgmerge is None:
        log.append("GNU gettext's msgmerge is missing; the update row's peer is n/a")
    return PeerTools(po4a, toolkit_bin, msgmerge, version)


def reset_folder(folder: Path) -> Path:
    """An empty ``folder`` (peers are measured writing every file, like a first run)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


# --- translate-toolkit -------------------------------------------------------------------


def md2po_command(tools: PeerTools, posts: Path, out: Path, *, pot: bool) -> list[str]:
    """Every post of ``posts`` → one PO(T) per post in ``out``; code blocks left out, as postloc."""
    assert tools.toolkit_bin is not None
    command = [str(tools.toolkit_bin / "md2po"), "--progress=none", "--no-code-blocks"]
    if pot:
        command.append("--pot")
    return [*command, "-i", str(posts), "-o", str(out)]


def po2md_command(tools: PeerTools, posts: Path, catalogues: Path, out: Path) -> list[str]:
    """Catalogues + the posts as templates → translated posts in ``out``."""
    assert tools.toolkit_bin is not None
    return [
        str(tools.toolkit_bin / "po2md"),
        "--progress=none",
        "--no-code-blocks",
        "-t",
        str(posts),
        "-i",
        str(catalogues),
        "-o",
        str(out),
    ]


# --- po4a ---------------------------------------------------------------------------------


def po4a_config(
    posts: Path, slugs: Sequence[str], pots: Path, pos: Path | None, out: Path | None
) -> str:
    """A ``po4a.cfg`` over every post, with one POT (and one PO for ``en``) for the whole site.

    That is po4a's fastest layout: with one POT per post (``$master`` paths)
    extracting 200 posts took 33 s instead of 2 s here. Without ``pos``/``out``
    po4a only extracts; with them it also merges and writes translated posts.
    """
    lines = []
    if pos is not None:
        lines.append("[po4a_langs] en")
        lines.append(f"[po4a_paths] {pots}/site.pot $lang:{pos}/$lang.po")
    else:
        lines.append(f"[po4a_paths] {pots}/site.pot")
    lines.append(PO4A_OPTIONS)
    for slug in slugs:
        target = f" $lang:{out}/$lang/{slug}.md" if out is not None else ""
        lines.append(f"[type: text] {posts}/{slug}.md{target}")
    return "\n".join(lines) + "\n"


def po4a_command(tools: PeerTools, config: Path, *, translate: bool) -> list[str]:
    """``po4a --no-translations`` (extract/merge only) or ``--no-update`` (only write posts)."""
    assert tools.po4a is not None
    flag = "--no-update" if translate else "--no-translations"
    return [str(tools.po4a), "-q", flag, str(config)]


# --- gettext ------------------------------------------------------------------------------


def msgmerge_commands(
    tools: PeerTools, old: Path, templates: Path, out: Path, slugs: Sequence[str]
) -> list[list[str]]:
    """``msgmerge --previous`` for each post: old catalogue + new template → out."""
    assert tools.msgmerge is not None
    return [
        [
            str(tools.msgmerge),
            "--previous",
            "-q",
            "-o",
            str(out / f"{slug}.po"),
            str(old / f"{slug}.po"),
            str(templates / f"{slug}.pot"),
        ]
        for slug in slugs
    ]


def fill_translations(folder: Path, pattern: str = "*.po", mark: str = "") -> int:
    """Give every entry of every catalogue below ``folder`` a reviewed translation.

    The translation is ``mark`` + the msgid: regeneration must do real
    substitution work, and keeping the msgid keeps the placeholders and markup
    every tool checks. Returns the entries filled.
    """
    filled = 0
    for path in sorted(folder.rglob(pattern)):
        po = polib.pofile(str(path), wrapwidth=79)
        for entry in po:
            if entry.msgid and not entry.obsolete:
                entry.msgstr = mark + entry.msgid
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                filled += 1
        atomic_write(path, str(po))
    return filled


def count_kept_lenders(folder: Path, pattern: str = "*.po") -> int:
    """Fuzzy entries below ``folder`` whose ``#|`` msgid the same file still has as an entry.

    ``msgmerge`` lends such a translation (a new paragraph repeating a kept one's sentence
    gets that paragraph's translation); postloc never lends an entry the template keeps.
    """
    total = 0
    for path in folder.rglob(pattern):
        po = polib.pofile(str(path))
        live = {entry.msgid for entry in po if not entry.obsolete}
        total += sum(
            1
            for entry in po
            if not entry.obsolete and "fuzzy" in entry.flags and entry.previous_msgid in live
        )
    return total


def count_flag(folder: Path, flag: str, pattern: str = "*.po") -> int:
    """How many live entries below ``folder`` carry ``flag`` (e.g. how many msgmerge made fuzzy)."""
    total = 0
    for path in folder.rglob(pattern):
        total += sum(1 for entry in polib.pofile(str(path)) if flag in entry.flags)
    return total
