"""One error hierarchy; the CLI turns any of these into ``postloc: error: …`` and exit 1."""

from __future__ import annotations


class PostlocError(Exception):
    """Bad input or an unusable environment; the message is one line for the user.

    ``path`` and ``line`` locate the problem when known, so the message can name
    the file the user must fix.
    """

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return where + " ".join(self.message.split())


class ConfigError(PostlocError):
    """``postloc.toml`` is unreadable, has an unknown key or a bad value."""


class BadPost(PostlocError):
    """A source post cannot be read (encoding, size, slug, location)."""


class BadFrontMatter(BadPost):
    """The YAML front matter of a post is malformed or unsafe."""


class BadCatalogue(PostlocError):
    """A ``.po``/``.pot`` file is malformed or contradicts the project."""


class UnknownLanguage(PostlocError):
    """A language code that Babel does not know."""


class EngineUnavailable(PostlocError):
    """No engine serves a language pair, or a named engine is not installed."""


class EngineFailed(PostlocError):
    """An engine ran but failed or returned something unusable."""


class StaleCatalogue(PostlocError):
    """Committed templates or catalogues do not match the source posts."""


class Locked(PostlocError):
    """Another postloc process holds the project lock."""


class WriteFailed(PostlocError):
    """A file could not be written (disk full, no permission, read-only file system).

    Always names the file: the operating system's message alone (``No space left on
    device``) does not say which write failed.
    """


class ChangedOnDisk(PostlocError):
    """A file changed on disk after postloc read it (a translator saved it meanwhile).

    Raised by :func:`postloc.files.atomic_write` instead of overwriting: the caller redoes
    its work on the new content, or leaves the file as saved and says so.
    """


class UnsafePath(PostlocError):
    """A write would follow a symbolic link out of the project or out of the output folder."""
