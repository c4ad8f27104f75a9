"""The site generator in a folder and what its own configuration says (``postloc init``,
``postloc site-config``; docs/architecture.md, "Configuration").

Hugo is recognized by ``hugo.toml|yaml|json``, or ``config.toml|yaml|json`` or a
``config/_default/`` folder next to a ``content/`` folder; Jekyll by ``_config.yml`` next to a
``_posts/`` folder. Hugo's keys are case-insensitive, so they are looked up lowercased.

Languages are spelled as the generator spells them where they show (Hugo's ``pt-br``,
:func:`postloc.languages.site_language`) and as postloc does (``pt_BR``) in ``postloc.toml``.
Of the site's permalinks only Jekyll's matters: Hugo puts a non-default language's pages
under ``/<lang>/`` whatever its ``[permalinks]`` say, while a Jekyll ``permalink`` without
``:categories`` gives every language's post one URL (``init`` says so).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Final

import yaml

from postloc.config import SITE_PRESETS, Config
from postloc.errors import ConfigError
from postloc.languages import from_site_language, site_language

HUGO_CONFIG_NAMES: Final = tuple(
    f"{stem}.{ext}" for stem in ("hugo", "config") for ext in ("toml", "yaml", "json")
)
"""Hugo's configuration files, in the order Hugo looks for them."""

JEKYLL_CONFIG_NAMES: Final = ("_config.yml", "_config.yaml")

JEKYLL_STYLES: Final = ("date", "pretty", "ordinal", "weekdate", "none")
"""Jekyll's built-in ``permalink`` styles; each starts with ``/:categories``."""


@dataclass(frozen=True, slots=True)
class SiteLanguage:
    """One language the site's configuration declares."""

    code: str
    """The language key (``[languages.<code>]``, a Jekyll ``languages`` item)."""
    content_dir: str | None = None
    """Hugo's ``contentDir`` for it, relative to the site root, or None."""


@dataclass(frozen=True, slots=True)
class SiteSettings:
    """What ``init`` read in a site's folder."""

    generator: str
    """``hugo`` or ``jekyll`` (a :data:`postloc.config.SITES` preset)."""
    config_file: str
    """The configuration file read, relative to the site root."""
    default_language: str | None
    """Hugo ``defaultContentLanguage`` (else the base of ``languageCode``), Jekyll ``lang``
    (else ``default_lang``); None when the site does not say."""
    languages: tuple[SiteLanguage, ...] = ()
    """Declared languages, in the configuration's order (Hugo: by ``weight``)."""
    permalink: str | None = None
    """Jekyll's site-wide ``permalink`` (a style name or a pattern); None for Hugo."""

    @property
    def targets(self) -> tuple[str, ...]:
        """The declared languages other than the default one, as the site spells them."""
        return tuple(lang.code for lang in self.languages if lang.code != self.default_language)

    @property
    def source_language(self) -> str | None:
        """:attr:`default_language` in postloc's spelling (``pt-br`` → ``pt_BR``)."""
        return from_site_language(self.default_language) if self.default_language else None

    @property
    def target_languages(self) -> tuple[str, ...]:
        """:attr:`targets` in postloc's spelling, for ``target_languages``."""
        return tuple(from_site_language(code) for code in self.targets)

    def permalink_notes(self) -> tuple[str, ...]:
        """What ``init`` tells about the site's permalinks: a Jekyll ``permalink`` that
        leaves out ``:categories`` would give each export its source's URL."""
        link = self.permalink
        if self.generator != "jekyll" or link is None or link in JEKYLL_STYLES:
            return ()
        if ":categories" in link:
            return ()
        return (
            f"{self.config_file}: permalink {link!r} has no :categories, so each language's "
            "post would get the French post's URL; put /:categories in front (an export "
            "in <lang>/_posts/ is in category <lang>)",
        )

    def layout(self) -> tuple[dict[str, str], tuple[str, ...]]:
        """``posts_dir``/``output_dir``/``filename`` for this site, and notes for the user.

        Hugo with a ``contentDir`` for the default language translates by content directory:
        exports go to ``<parent>/<lang>/`` when every target's ``contentDir`` is that (or is
        not set); otherwise the preset's file-name convention is kept and a note says why.
        """
        values = dict(SITE_PRESETS[self.generator])
        dirs = {lang.code: lang.content_dir for lang in self.languages}
        source_dir = dirs.get(self.default_language or "")
        if self.generator != "hugo" or not source_dir:
            return values, ()
        parent = PurePosixPath(source_dir).parent.as_posix()
        odd = [
            f"{code}: {folder}"
            for code, folder in sorted(dirs.items())
            if code != self.default_language and folder and folder != _join(parent, code)
        ]
        if odd:
            note = (
                f"{self.config_file}: contentDir other than {_join(parent, '<lang>')} "
                f"({', '.join(odd)}); exports use file names: set posts_dir, output_dir "
                "and [export] filename by hand to change that"
            )
            return values, (note,)
        values.update(posts_dir=source_dir, output_dir=parent, filename="{lang}/{slug}.md")
        return values, ()


def _join(parent: str, name: str) -> str:
    return name if parent in ("", ".") else f"{parent}/{name}"


def detect_site(root: Path, generator: str | None = None) -> SiteSettings | None:
    """The generator whose configuration is in ``root`` and its settings; None for neither.

    With ``generator`` (``init --site``) only that one is looked for, and its files missing
    is a :class:`ConfigError` saying which. A configuration that cannot be read is a
    :class:`ConfigError` naming the file."""
    if generator is None:
        return _hugo_site(root) or _jekyll_site(root)
    found = _hugo_site(root) if generator == "hugo" else _jekyll_site(root)
    if found is None:
        wanted = (
            "hugo.toml|yaml|json, or config.toml|yaml|json or config/_default/ beside content/"
            if generator == "hugo"
            else "_config.yml beside _posts/"
        )
        raise ConfigError(
            f"--site {generator}: no {generator} site in {root.resolve()} (looked for "
            f"{wanted}); run init in the site's root, or use --site plain"
        )
    return found


def _hugo_site(root: Path) -> SiteSettings | None:
    for name in HUGO_CONFIG_NAMES:
        path = root / name
        if path.is_file() and (name.startswith("hugo.") or (root / "content").is_dir()):
            return _hugo(root, name, _load(path, root))
    folder = root / "config" / "_default"
    if folder.is_dir() and (root / "content").is_dir():
        merged: dict[str, Any] = {}
        found = ""
        for path in sorted(folder.iterdir()):
            stem, _, ext = path.name.partition(".")
            if ext not in ("toml", "yaml", "yml", "json") or not path.is_file():
                continue
            data = _load(path, root)
            if stem in ("hugo", "config"):
                merged.update(data)
                found = found or path.relative_to(root).as_posix()
            else:  # ``languages.toml`` holds the value of the key ``languages``
                merged[stem.lower()] = data
        return _hugo(root, found or "config/_default", merged)
    return None


def _jekyll_site(root: Path) -> SiteSettings | None:
    for name in JEKYLL_CONFIG_NAMES:
        if (root / name).is_file() and (root / "_posts").is_dir():
            return _jekyll(name, _load(root / name, root))
    return None


def _load(path: Path, root: Path) -> dict[str, Any]:
    """A configuration file as a mapping (TOML, YAML or JSON by its extension)."""
    where = path.relative_to(root).as_posix()
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".toml":
            data: Any = tomllib.loads(text)
        elif path.suffix == ".json":
            data = json.loads(text)
        else:
            data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError) as exc:
        message = f"cannot read the site configuration: {_one_line(exc)}"
        raise ConfigError(message, path=where) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or _one_line(exc)
        raise ConfigError(f"cannot read the site configuration: {problem}", where, line) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError("the site configuration is not a mapping", path=where)
    return data


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


def _lowered(data: Mapping[str, Any]) -> dict[str, Any]:
    return {str(key).lower(): value for key, value in data.items()}


def _hugo(root: Path, config_file: str, data: Mapping[str, Any]) -> SiteSettings:
    top = _lowered(data)
    default = top.get("defaultcontentlanguage")
    if not isinstance(default, str):
        code = top.get("languagecode")
        default = code.replace("-", "_").split("_")[0].lower() if isinstance(code, str) else None
    else:
        default = default.lower()  # Hugo lowercases language keys (``pt-BR`` is ``pt-br``)
    table = top.get("languages")
    found: list[tuple[float, int, SiteLanguage]] = []
    if isinstance(table, Mapping):
        for index, (code, settings) in enumerate(table.items()):
            fields = _lowered(settings) if isinstance(settings, Mapping) else {}
            weight = fields.get("weight")
            order = float(weight) if isinstance(weight, int | float) and weight > 0 else 1e9
            folder = fields.get("contentdir")
            language = SiteLanguage(str(code).lower(), folder if isinstance(folder, str) else None)
            found.append((order, index, language))
    if not isinstance(top.get("defaultcontentlanguage"), str) and found and default is None:
        default = "en"  # Hugo's own default
    found.sort(key=lambda item: item[:2])
    return SiteSettings("hugo", config_file, default, tuple(item[2] for item in found))


def _jekyll(config_file: str, data: Mapping[str, Any]) -> SiteSettings:
    default = data.get("lang", data.get("default_lang"))
    default = default if isinstance(default, str) else None
    listed = data.get("languages")
    languages = (
        tuple(SiteLanguage(str(code)) for code in listed if isinstance(code, str))
        if isinstance(listed, list)
        else ()
    )
    link = data.get("permalink")
    return SiteSettings(
        "jekyll", config_file, default, languages, link if isinstance(link, str) else None
    )


def language_label(lang: str) -> str:
    """``lang``'s name in itself, from Babel's CLDR data (``fr`` → ``français``)."""
    from babel import Locale

    name = Locale.parse(lang).get_display_name(lang)
    return str(name) if name else lang


def uses_content_dirs(config: Config) -> bool:
    """Whether exports go by content directory: ``posts_dir`` is ``<output_dir>/<source>``
    and ``filename`` starts with ``{lang}/`` (Hugo's ``contentDir`` convention)."""
    source = PurePosixPath(config.output_dir) / config.source_language
    return config.filename.startswith("{lang}/") and PurePosixPath(config.posts_dir) == source


def site_config_snippet(config: Config, site: str | None = None) -> str:
    """The generator configuration declaring the project's languages, to paste into the
    site's own (``postloc site-config``): Hugo ``[languages.<lang>]`` tables with ``label``,
    ``weight`` and, by content directory, ``contentDir``; Jekyll ``lang`` and ``languages``."""
    generator = site or config.site
    langs: Sequence[str] = (config.source_language, *config.target_languages)
    if generator == "hugo":
        source = site_language(config.source_language, "hugo")
        lines = [f"defaultContentLanguage = {json.dumps(source)}"]
        by_dir = uses_content_dirs(config)
        for weight, lang in enumerate(langs, start=1):
            key = site_language(lang, "hugo")
            lines += ["", f"[languages.{key}]"]
            lines.append(f"  label = {json.dumps(language_label(lang), ensure_ascii=False)}")
            lines.append(f"  weight = {weight}")
            if by_dir:
                folder = config.posts_dir if lang == config.source_language else None
                folder = folder or _join(PurePosixPath(config.output_dir).as_posix(), key)
                lines.append(f"  contentDir = {json.dumps(folder, ensure_ascii=False)}")
        return "\n".join(lines) + "\n"
    if generator == "jekyll":
        lines = [f"lang: {config.source_language}", "languages:"]
        lines += [f"  - {lang}" for lang in langs]
        lines.append("language_names:")
        lines += [
            f"  {lang}: {json.dumps(language_label(lang), ensure_ascii=False)}" for lang in langs
        ]
        return "\n".join(lines) + "\n"
    raise ConfigError(
        f"site = {generator!r} has no generator configuration (set site to hugo or jekyll)"
    )


def next_steps(found: SiteSettings) -> tuple[str, ...]:
    """What ``init`` suggests after writing ``postloc.toml`` in ``found``'s site."""
    steps = []
    if len(found.languages) < 2:
        steps.append(
            f"next: postloc site-config prints the languages to add to {found.config_file}"
        )
    if found.generator == "hugo":
        steps.append(
            "next: postloc keys writes a translationKey into each post, so Hugo links every "
            "translation even where its file name differs (optional; it edits your posts)"
        )
    steps.append("next: postloc sync, then build the site")
    return tuple(steps)
