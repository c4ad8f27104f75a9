"""``postloc.toml``: the project's settings, defaults and strict keys (docs/architecture.md,
"Configuration")."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Protocol, TypeVar

from postloc.errors import ConfigError, PostlocError
from postloc.languages import validate_language

CONFIG_NAME = "postloc.toml"

AUTO_ENGINE = "auto"
"""The routing pseudo-engine: the registry picks an installed engine per language pair."""

_DEFAULT_CONFIG_TEXT = """\
source_language = "fr"
target_languages = ["en", "es", "ca", "eo"]
posts_dir = "source_posts"
locales_dir = "locales"
output_dir = "build"

[engines]
default = "auto"        # {engine_names}
# eo = "apertium"       # per target language

[export]
include_outdated = true
include_machine_drafts = true
min_translated = 0.8
filename = "{{lang}}/{{slug}}.md"
"""

DEFAULT_FRONT_MATTER_FIELDS = ("title", "description", "summary")

SITES: Final = ("plain", "hugo", "jekyll")
"""The ``site`` presets: which generator builds the exports (docs/architecture.md,
"Configuration")."""

SITE_PRESETS: Final[dict[str, dict[str, str]]] = {
    "plain": {"posts_dir": "source_posts", "output_dir": "build", "filename": "{lang}/{slug}.md"},
    # Hugo's translation by file name, its default (``x.md`` → ``x.en.md`` beside it); a site
    # whose languages have a ``contentDir`` gets explicit values from ``postloc init``
    "hugo": {"posts_dir": "content", "output_dir": "content", "filename": "{slug}.{lang}.md"},
    # a post in ``<lang>/_posts/`` is in category ``<lang>``: its URL starts with ``/<lang>``
    "jekyll": {"posts_dir": "_posts", "output_dir": ".", "filename": "{lang}/_posts/{slug}.md"},
}
"""What each ``site`` implies for the keys postloc.toml leaves out; keys it sets win."""

_FIELD_KEY = r"[^.\[\]\s\x00-\x1f\x7f]+"
FIELD_PATH: Final = re.compile(rf"{_FIELD_KEY}(?:(?:\[\])?\.{_FIELD_KEY})*")
"""A ``front_matter_fields`` entry: keys joined by ``.``, ``[]`` after a key whose value is a
list of mappings (``images[].caption``). A path ending at a list of strings names the list
(``tags``), never ``tags[]``; there are no wildcards, so a taxonomy list is translated only
when named. The one definition of the syntax (``markdown.frontmatter.paths`` reads it)."""


def field_path_error(path: str) -> str | None:
    """Why ``path`` is not a :data:`FIELD_PATH` (a hint for the user), None when it is one."""
    if FIELD_PATH.fullmatch(path):
        return None
    if path.endswith("[]") and FIELD_PATH.fullmatch(path[:-2]):
        return f"write {path[:-2]!r} for each string of a list"
    return "expected keys joined by '.', with '[]' after a list of mappings (images[].caption)"


DEFAULT_SHORTCODE_PARAMS = ("caption", "title", "alt", "text")
"""Shortcode parameters whose value a reader sees, translated in every shortcode."""

MARKDOWN_EXTENSIONS: Final = (
    "footnotes",
    "definition-lists",
    "task-lists",
    "containers",
    "admonitions",
)
"""The Markdown extensions ``[markdown] extensions`` may name, all on by default (the one
list: :mod:`postloc.markdown.extensions` installs each from mdit-py-plugins)."""


@dataclass(frozen=True, slots=True)
class Extraction:
    """What of a post becomes a segment: the settings the Markdown side reads.

    Bundled so that segmenting takes one value and a new setting reaches it without
    touching every caller.
    """

    front_matter_fields: tuple[str, ...] = DEFAULT_FRONT_MATTER_FIELDS
    """Front-matter values translated, as dotted paths (``title``, ``cover.alt``,
    ``images[].caption``; ``tags`` for a list of strings)."""
    shortcode_params: tuple[str, ...] = DEFAULT_SHORTCODE_PARAMS
    """Parameters translated in a shortcode without its own entry below."""
    shortcode_params_by_name: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """``[shortcodes.<name>] params``: the translated parameters of one shortcode, replacing
    the default list for it (an empty list translates none)."""
    markdown_extensions: tuple[str, ...] = MARKDOWN_EXTENSIONS
    """``[markdown] extensions``: the :data:`MARKDOWN_EXTENSIONS` the site's renderer reads;
    the syntax of one left out is plain Markdown text (``[^1]`` stays text)."""

    def params_for(self, shortcode: str) -> tuple[str, ...]:
        """The translated parameters of ``shortcode`` (a Hugo shortcode or Liquid tag name)."""
        for name, params in self.shortcode_params_by_name:
            if name == shortcode:
                return params
        return self.shortcode_params


DEFAULT_RULES: Final = Extraction()
"""What is translated when the configuration says nothing."""


T = TypeVar("T")


class EngineDescription(Protocol):
    """What reading ``[engines]`` needs to know of an engine; the registry's entries are these.

    Config sits below the engines, so it is handed them rather than importing them.
    """

    @property
    def name(self) -> str:
        """The value ``[engines] default`` and language pins may name."""
        ...

    @property
    def settings(self) -> type | None:
        """Dataclass of the engine's ``[engines.<name>]`` table (every field defaulted), or None."""
        ...


def default_config_text(
    engine_names: Iterable[str],
    *,
    site: str = "plain",
    source_language: str | None = None,
    target_languages: Sequence[str] = (),
    layout: Mapping[str, str] | None = None,
) -> str:
    """What ``postloc init`` writes; its ``[engines]`` comment lists the accepted names.

    With a ``site`` (what ``init`` found in the folder), the text names it and the languages
    read there; ``layout`` values (``posts_dir``, ``output_dir``, ``filename``) the preset
    already implies are written as comments, so the file says what happens without pinning it.
    """
    names = " | ".join(engine_names)
    if site == "plain" and source_language is None and not target_languages and not layout:
        return _DEFAULT_CONFIG_TEXT.format(engine_names=names)
    preset = SITE_PRESETS[site]
    chosen = {**preset, **(layout or {})}
    source = source_language or "fr"
    targets = list(target_languages) or [t for t in ("en", "es", "ca", "eo") if t != source]

    def setting(key: str) -> str:
        line = f"{key} = {_toml_string(chosen[key])}"
        return f"# {line}  (the {site} preset)" if chosen[key] == preset[key] else line

    lines = [
        f"site = {_toml_string(site)}  # {' | '.join(SITES)}",
        f"source_language = {_toml_string(source)}",
        f"target_languages = [{', '.join(_toml_string(t) for t in targets)}]",
        setting("posts_dir"),
        'locales_dir = "locales"',
        setting("output_dir"),
        "",
        "[engines]",
        f'default = "auto"        # {names}',
        '# eo = "apertium"       # per target language',
        "",
        "[export]",
        "include_outdated = true",
        "include_machine_drafts = true",
        "min_translated = 0.8",
        setting("filename"),
        "translate_slug = false",
    ]
    return "\n".join(lines) + "\n"


def _toml_string(value: str) -> str:
    """``value`` as a TOML basic string (JSON's escapes are TOML's)."""
    import json

    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class Config:
    """Resolved settings; paths are absolute, relative ones taken from the config's folder."""

    root: Path
    """Project root (the folder holding ``postloc.toml``)."""
    source_language: str = "fr"
    """Language the authors write in."""
    target_languages: tuple[str, ...] = ("en", "es", "ca", "eo")
    """Languages to produce, as Babel locale identifiers."""
    posts_dir: str = "source_posts"
    """Source posts, relative to root."""
    locales_dir: str = "locales"
    """Templates and catalogues, relative to root."""
    output_dir: str = "build"
    """Localized posts, relative to root."""
    front_matter_fields: tuple[str, ...] = DEFAULT_FRONT_MATTER_FIELDS
    """Front-matter values translated, as dotted paths (see :class:`Extraction`)."""
    shortcode_params: tuple[str, ...] = DEFAULT_SHORTCODE_PARAMS
    """``[shortcodes] params``: see :class:`Extraction`."""
    shortcode_params_by_name: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """``[shortcodes.<name>] params``: see :class:`Extraction`."""
    markdown_extensions: tuple[str, ...] = MARKDOWN_EXTENSIONS
    """``[markdown] extensions``: see :class:`Extraction`."""
    include_drafts: bool = False
    """``[translate] include_drafts``: send drafts and unpublished posts (``draft: true``,
    ``published: false``, a future ``publishDate``, a past ``expiryDate``) to machine
    translation too; they are extracted either way."""
    default_engine: str = AUTO_ENGINE
    """Engine for languages without their own entry in ``engines``."""
    engine_by_language: dict[str, str] = field(default_factory=dict)
    """Per target language engine pins (``[engines] eo = "apertium"``)."""
    include_outdated: bool = True
    """Export a person's outdated translation (human fuzzy: the source changed since, or an
    edited draft) rather than a machine draft or the source text, unless reviewed-only is
    asked; off, such segments fall back to the source text."""
    include_machine_drafts: bool = True
    """Export machine drafts (fuzzy ``MT:`` entries) unless reviewed-only is asked."""
    min_translated: float = 0.8
    """Share of segments that must be translated for a post to be exported."""
    filename: str = "{lang}/{slug}.md"
    """Export path pattern below output_dir; ``{lang}`` and ``{slug}`` are filled."""
    site: str = "plain"
    """The generator that builds the exports (one of :data:`SITES`): it sets the defaults of
    ``posts_dir``, ``output_dir`` and ``filename`` and the rules of URLs per language."""
    translate_slug: bool = False
    """``[export] translate_slug``: a post's ``slug`` in each export is made from its
    translated title (when translated) rather than kept."""
    engine_settings: dict[str, object] = field(default_factory=dict)
    """``[engines.<name>]`` tables by engine name, each parsed into that engine's settings
    dataclass; an engine without a table here runs with its defaults (see :meth:`settings_for`)."""

    @property
    def posts_path(self) -> Path:
        return self.root / self.posts_dir

    @property
    def locales_path(self) -> Path:
        return self.root / self.locales_dir

    @property
    def output_path(self) -> Path:
        return self.root / self.output_dir

    @property
    def state_path(self) -> Path:
        """``.postloc/``: translation memory, lock and caches (never committed)."""
        return self.root / ".postloc"

    @property
    def extraction(self) -> Extraction:
        """The settings segmenting reads."""
        return Extraction(
            front_matter_fields=self.front_matter_fields,
            shortcode_params=self.shortcode_params,
            shortcode_params_by_name=self.shortcode_params_by_name,
            markdown_extensions=self.markdown_extensions,
        )

    def engine_for(self, lang: str) -> str:
        return self.engine_by_language.get(lang, self.default_engine)

    def settings_for(self, engine: str, kind: type[T]) -> T:
        """``engine``'s settings as ``kind`` (its settings dataclass), defaults when not set."""
        value = self.engine_settings.get(engine)
        if value is None:
            return kind()
        if not isinstance(value, kind):
            raise TypeError(f"settings of engine {engine} are {type(value).__name__}, not {kind}")
        return value


_TOP_KEYS = {
    "site",
    "source_language",
    "target_languages",
    "posts_dir",
    "locales_dir",
    "output_dir",
    "front_matter_fields",
    "engines",
    "export",
    "translate",
    "shortcodes",
    "markdown",
}
_EXPORT_KEYS = {
    "include_outdated",
    "include_machine_drafts",
    "min_translated",
    "filename",
    "translate_slug",
}


def _expect(value: Any, kind: type | tuple[type, ...], key: str, where: str) -> Any:
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise ConfigError(f"{key} has the wrong type ({type(value).__name__})", path=where)
    return value


def _str_list(value: Any, key: str, where: str) -> tuple[str, ...]:
    _expect(value, list, key, where)
    for item in value:
        _expect(item, str, key, where)
    return tuple(value)


def _field_paths(value: Any, where: str) -> tuple[str, ...]:
    """``front_matter_fields``: each entry a :data:`FIELD_PATH`, none twice."""
    paths = _str_list(value, "front_matter_fields", where)
    for index, path in enumerate(paths):
        problem = field_path_error(path)
        if problem is not None:
            raise ConfigError(
                f"front_matter_fields: {path!r} is not a field path: {problem}", path=where
            )
        if path in paths[:index]:
            raise ConfigError(f"front_matter_fields lists {path!r} twice", path=where)
    return paths


def _dataclass_section(cls: type, raw: Any, key: str, where: str) -> Any:
    _expect(raw, dict, key, where)
    names = {f.name: f for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in names:
            raise ConfigError(f"unknown key {key}.{name}", path=where)
        default = getattr(cls(), name)
        if isinstance(default, tuple):
            values[name] = _str_list(value, f"{key}.{name}", where)
        elif isinstance(default, float):
            values[name] = float(_expect(value, (int, float), f"{key}.{name}", where))
        else:
            values[name] = _expect(value, type(default), f"{key}.{name}", where)
    return cls(**values)


def parse_config(
    text: str, root: Path, where: str = CONFIG_NAME, *, engines: Iterable[EngineDescription]
) -> Config:
    """Validate ``postloc.toml`` text; every unknown key or bad value is a ConfigError.

    ``engines`` are the known engines (the registry's entries): the names ``[engines]``
    accepts besides ``auto``, and the settings dataclass of each ``[engines.<name>]`` table.
    """
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", path=where) from None
    for key in raw:
        if key not in _TOP_KEYS:
            raise ConfigError(f"unknown key {key!r}", path=where)
    values: dict[str, Any] = {"root": root}
    site = _expect(raw.get("site", "plain"), str, "site", where)
    if site not in SITES:
        raise ConfigError(f"site: unknown site {site!r} (one of {', '.join(SITES)})", path=where)
    values["site"] = site
    values.update(SITE_PRESETS[site])
    for key in ("source_language", "posts_dir", "locales_dir", "output_dir"):
        if key in raw:
            values[key] = _expect(raw[key], str, key, where)
    if "target_languages" in raw:
        values["target_languages"] = _str_list(raw["target_languages"], "target_languages", where)
    if "front_matter_fields" in raw:
        values["front_matter_fields"] = _field_paths(raw["front_matter_fields"], where)
    known = {engine.name: engine for engine in engines}
    names = (AUTO_ENGINE, *known)
    table = raw.get("engines", {})
    _expect(table, dict, "engines", where)
    pins: dict[str, str] = {}
    settings: dict[str, object] = {}
    for key, value in table.items():
        kind = known[key].settings if key in known else None
        if kind is not None:
            settings[key] = _dataclass_section(kind, value, f"engines.{key}", where)
            continue
        _expect(value, str, f"engines.{key}", where)
        if value not in names:
            raise ConfigError(
                f"engines.{key}: unknown engine {value!r} (one of {', '.join(names)})",
                path=where,
            )
        if key == "default":
            values["default_engine"] = value
        else:
            pins[key] = value
    values["engine_by_language"] = pins
    values["engine_settings"] = settings
    export = raw.get("export", {})
    _expect(export, dict, "export", where)
    for key in export:
        if key not in _EXPORT_KEYS:
            raise ConfigError(f"unknown key export.{key}", path=where)
    for key in ("include_outdated", "include_machine_drafts", "translate_slug"):
        if key in export:
            values[key] = _expect(export[key], bool, f"export.{key}", where)
    if "min_translated" in export:
        share = float(
            _expect(export["min_translated"], (int, float), "export.min_translated", where)
        )
        if not 0.0 <= share <= 1.0:
            raise ConfigError("export.min_translated must be between 0 and 1", path=where)
        values["min_translated"] = share
    if "filename" in export:
        values["filename"] = _expect(export["filename"], str, "export.filename", where)
    translate = raw.get("translate", {})
    _expect(translate, dict, "translate", where)
    for key in translate:
        if key != "include_drafts":
            raise ConfigError(f"unknown key translate.{key}", path=where)
    if "include_drafts" in translate:
        values["include_drafts"] = _expect(
            translate["include_drafts"], bool, "translate.include_drafts", where
        )
    values.update(_shortcodes(raw.get("shortcodes", {}), where))
    values.update(_markdown(raw.get("markdown", {}), where))
    config = Config(**values)
    validate(config, where)
    return config


def _shortcodes(table: Any, where: str) -> dict[str, Any]:
    """``[shortcodes]``: ``params`` for every shortcode, ``[shortcodes.<name>] params`` for one."""
    _expect(table, dict, "shortcodes", where)
    values: dict[str, Any] = {}
    by_name: list[tuple[str, tuple[str, ...]]] = []
    for key, value in table.items():
        if key == "params":
            values["shortcode_params"] = _str_list(value, "shortcodes.params", where)
        elif isinstance(value, dict):
            for inner in value:
                if inner != "params":
                    raise ConfigError(f"unknown key shortcodes.{key}.{inner}", path=where)
            if "params" in value:
                params = _str_list(value["params"], f"shortcodes.{key}.params", where)
                by_name.append((key, params))
        else:
            raise ConfigError(
                f"shortcodes.{key}: expected a table with 'params' (or the key 'params')",
                path=where,
            )
    if by_name:
        values["shortcode_params_by_name"] = tuple(sorted(by_name))
    return values


def _markdown(table: Any, where: str) -> dict[str, Any]:
    """``[markdown] extensions``: the extensions the site's renderer reads, each known, once."""
    _expect(table, dict, "markdown", where)
    for key in table:
        if key != "extensions":
            raise ConfigError(f"unknown key markdown.{key}", path=where)
    if "extensions" not in table:
        return {}
    names = _str_list(table["extensions"], "markdown.extensions", where)
    for index, name in enumerate(names):
        if name not in MARKDOWN_EXTENSIONS:
            raise ConfigError(
                f"markdown.extensions: unknown extension {name!r} "
                f"(one of {', '.join(MARKDOWN_EXTENSIONS)})",
                path=where,
            )
        if name in names[:index]:
            raise ConfigError(f"markdown.extensions lists {name!r} twice", path=where)
    return {"markdown_extensions": tuple(n for n in MARKDOWN_EXTENSIONS if n in names)}


def validate(config: Config, where: str = CONFIG_NAME) -> None:
    """Check values that depend on each other: languages, pins, filename pattern.

    The filename pattern must keep every export inside ``output_dir`` (no ``..``, no
    absolute path) and be readable back, since stale exports are found by matching
    it: ``{lang}`` and ``{slug}`` once each and no other placeholder.
    """
    import string
    from pathlib import PurePosixPath

    validate_language(config.source_language, where)
    for lang in config.target_languages:
        validate_language(lang, where)
    for lang in config.engine_by_language:
        if lang not in config.target_languages:
            raise ConfigError(f"engines.{lang}: not a target language", path=where)
    pattern = config.filename

    def bad_filename(reason: str) -> ConfigError:
        return ConfigError(f"export.filename {pattern!r}: {reason}", path=where)

    try:
        fields = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        raise bad_filename(f"bad pattern ({exc})") from None
    seen: set[str] = set()
    for literal, name, spec, conversion in fields:
        if "{" in literal or "}" in literal:
            raise bad_filename("braces other than {lang} and {slug} are not allowed")
        if name is None:
            continue
        if name not in ("lang", "slug") or spec or conversion:
            shown = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            raise bad_filename(f"unknown placeholder {{{shown}}} (only {{lang}} and {{slug}})")
        if name in seen:
            raise bad_filename(f"{{{name}}} more than once")
        seen.add(name)
    if seen != {"lang", "slug"}:
        raise ConfigError("export.filename must contain {lang} and {slug}", path=where)
    parts = PurePosixPath(pattern)
    if parts.is_absolute():
        raise bad_filename("an absolute path would write outside output_dir")
    if ".." in parts.parts:
        raise bad_filename("'..' would write outside output_dir")


def load_config(path: str | Path | None = None, *, engines: Iterable[EngineDescription]) -> Config:
    """Read ``postloc.toml`` (the given file, or the one in the current folder).

    A missing default file yields the defaults, so postloc works in a bare
    folder of posts; a missing explicitly named file is an error. ``engines``:
    see :func:`parse_config`.
    """
    if path is None:
        candidate = Path.cwd() / CONFIG_NAME
        if not candidate.exists():
            return Config(root=Path.cwd())
    else:
        candidate = Path(path)
    try:
        text = candidate.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("configuration file not found", path=str(candidate)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PostlocError(f"cannot read configuration: {exc}", path=str(candidate)) from None
    return parse_config(text, candidate.resolve().parent, where=str(candidate), engines=engines)
