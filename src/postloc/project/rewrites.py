"""Rewriting a catalogue without losing a save made meanwhile (optimistic concurrency).

postloc reads a catalogue, works on it for seconds (a merge, machine drafts, a review),
then writes it back; a translator may save the same file in between. Every rewrite
therefore hands :func:`~postloc.files.atomic_write` the identity of the bytes postloc
read. When the file changed, nothing is overwritten: the file is read again and the work
redone on the new content (a person's edit always wins over a machine draft), up to
:data:`REDO_LIMIT` times. When redoing is impossible (the saved file does not parse, or it
keeps changing) the file is left as saved and reported; the command then fails with
:class:`~postloc.errors.ChangedOnDisk` naming it (:func:`raise_conflicts`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polib

from postloc.errors import ChangedOnDisk, PostlocError
from postloc.files import Snapshot, atomic_write, note_written, read_snapshot
from postloc.project.layout import Project, now_stamp

Redo = Callable[[], tuple[Snapshot, polib.POFile | None]]
"""Read the file again and redo the plan on what it holds now: the identity of the bytes
read and the new plan (None: the plan cannot be redone)."""

REDO_LIMIT = 3
"""Times a rewrite is redone on new content before the file is left as saved."""


@dataclass(frozen=True, slots=True)
class Rewrite:
    """What :func:`rewrite` did to one catalogue."""

    catalogue: polib.POFile
    """The catalogue as written (or redone); the planned one when the file was left alone."""
    snapshot: Snapshot
    """The identity of the bytes now on disk as far as postloc knows: the next rewrite's
    ``expected``."""
    written: bool
    """Whether the file's bytes changed."""
    redone: bool
    """Whether the plan was redone on a save made meanwhile."""
    conflict: bool
    """Whether the file was left as saved, not written (the command must fail)."""


def current_snapshot(path: Path, planned_text: str, *, for_check: bool = False) -> Snapshot | None:
    """The identity of the file at ``path`` if it has ``planned_text``'s content (layout
    aside), else None. ``for_check`` (``sync --check``) also lets a stale ``MT:`` line pass,
    which ``sync`` itself drops (``postloc.po.content``)."""
    from postloc.po.content import same_content

    data, snapshot = read_snapshot(path)
    if data is None:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not same_content(text, planned_text, str(path), ignore_stale_notes=for_check):
        return None
    return snapshot


def rewrite(
    path: Path,
    po: polib.POFile,
    expected: Snapshot | None,
    redo: Redo,
    *,
    revised: bool = False,
) -> Rewrite:
    """Write ``po`` at ``path`` unless the file no longer holds the bytes ``expected``
    identifies; then ``redo`` the plan on the new content and try again.

    ``revised`` (a catalogue changed in place: drafts, a merged review) moves
    ``PO-Revision-Date`` and writes whenever the bytes differ; otherwise a file that
    already has the planned content, whatever tool laid it out, is left alone.
    """
    from postloc.po.write import dump_po

    redone = False
    for _attempt in range(REDO_LIMIT + 1):
        if revised:
            po.metadata["PO-Revision-Date"] = now_stamp()
        text = dump_po(po)
        if not revised:
            current = current_snapshot(path, text)
            if current is not None:
                note_written(path, current)
                return Rewrite(po, current, False, redone, False)
        try:
            written = atomic_write(path, text, expected=expected)
        except ChangedOnDisk:
            try:
                expected, new = redo()
            except PostlocError:  # the saved file does not parse: leave it to its author
                break
            if new is None:
                break
            po, redone = new, True
            continue
        return Rewrite(po, Snapshot.of_bytes(text.encode("utf-8")), written, redone, False)
    return Rewrite(po, expected or Snapshot.of(path), False, redone, True)


def raise_conflicts(project: Project, paths: Sequence[Path]) -> None:
    """Fail the command, in one line, if any file was left as saved instead of written."""
    if paths:
        names = ", ".join(project.relative(path) for path in sorted(set(paths)))
        raise ChangedOnDisk(
            f"{len(set(paths))} file(s) changed on disk while postloc was writing them and "
            f"were left as saved, not overwritten; run the command again: {names}"
        )
