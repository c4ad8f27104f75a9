"""Language codes: Babel locale identifiers, validated once, in one place."""

from __future__ import annotations

from functools import cache

from postloc.errors import UnknownLanguage


@cache
def validate_language(code: str, where: str | None = None) -> str:
    """Return ``code`` if Babel knows it as a locale (``en``, ``pt_BR``), else raise.

    The code is returned as written so file paths stay what the user chose.
    """
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError, TypeError):
        raise UnknownLanguage(
            f"unknown language code {code!r} (not a Babel locale)", path=where
        ) from None
    return code


def base_language(code: str) -> str:
    """``pt_BR`` → ``pt``: engines mostly know languages, not regional variants."""
    return code.replace("-", "_").split("_")[0].lower()


@cache
def plural_forms(code: str) -> str:
    """The ``Plural-Forms`` header value for ``code``, from Babel's CLDR data."""
    from babel import Locale
    from babel.messages.plurals import get_plural

    plural = get_plural(Locale.parse(code))
    return f"nplurals={plural.num_plurals}; plural={plural.plural_expr};"


def site_language(code: str, site: str) -> str:
    """``code`` as the site's generator spells it where it shows (file names, folders, URL
    prefixes, ``lang``): Hugo's language keys are lowercase with ``-`` (``pt_BR`` → ``pt-br``:
    Hugo lowercases its configuration keys and pairs ``x.pt-br.md`` with ``[languages.pt-br]``);
    Jekyll (``site.lang``, jekyll-seo-tag's ``language_TERRITORY``) and ``plain`` keep
    postloc's own (``pt_BR``)."""
    if site == "hugo":
        return code.replace("_", "-").lower()
    return code


def from_site_language(code: str) -> str:
    """A language a site's configuration declares, in postloc's spelling (``pt-br`` →
    ``pt_BR``, ``en`` → ``en``); a code Babel does not know is returned as written, for
    :func:`validate_language` to name."""
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(code.replace("_", "-"), sep="-"))
    except (UnknownLocaleError, ValueError, TypeError):
        return code
