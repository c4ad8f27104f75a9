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
