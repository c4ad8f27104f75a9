"""A slow, obviously correct ``update_catalogue`` to test the fast one against.

Every (new msgid, old msgid) pair is scored with ``similarity`` (msgmerge's
measure, itself checked against a plain LCS table and against msgmerge), no
index and no bounds; the pairs reaching the cutoff are then settled best first
(equal scores: earlier new entry, then earlier old entry), each old entry
lending once. Before any of that, a human fuzzy whose ``#| msgid`` is exactly a new text
goes back to it, reviewed again (exact restore). Singular entries only (plurals have their
own unit tests).
"""

from __future__ import annotations

import polib

from postloc.po.fuzzy import CUTOFF, similarity
from postloc.po.merge import HEADER_FIELDS, PLACEHOLDER_DATE, TRANSLATOR_FIELDS


def _key(entry: polib.POEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


def _reviewed_for(old: polib.POEntry, tentry: polib.POEntry) -> bool:
    """A person's fuzzy (no MT: line) whose #| msgid is exactly the template text."""
    return (
        "fuzzy" in old.flags
        and bool(old.msgstr)
        and not any(line.startswith("MT: ") for line in old.tcomment.splitlines())
        and (old.previous_msgctxt, old.previous_msgid) == (tentry.msgctxt, tentry.msgid)
    )


def _copy(template_entry: polib.POEntry) -> polib.POEntry:
    return polib.POEntry(
        msgctxt=template_entry.msgctxt,
        msgid=template_entry.msgid,
        comment=template_entry.comment,
        occurrences=list(template_entry.occurrences),
    )


def reference_update(
    template: polib.POFile,
    catalogue: polib.POFile | None,
    lang: str,
    *,
    plural_forms: str,
    revision_date: str | None = None,
) -> polib.POFile:
    old_all = list(catalogue) if catalogue is not None else []
    assert not any(e.msgid_plural for e in old_all), "reference handles singular entries only"
    first: dict[tuple[str | None, str], polib.POEntry] = {}
    for entry in [e for e in old_all if not e.obsolete] + [e for e in old_all if e.obsolete]:
        first.setdefault(_key(entry), entry)
    old = list(first.values())
    template_keys = {_key(t) for t in template}
    used: set[int] = set()
    lenders = [e for e in old if _key(e) not in template_keys and e.msgid and e.msgstr]
    seekers = [t for t in template if _key(t) not in first and t.msgid]
    restored: dict[int, polib.POEntry] = {}
    for seeker in seekers:
        for lender in lenders:
            if id(lender) not in used and _reviewed_for(lender, seeker):
                restored[id(seeker)] = lender
                used.add(id(lender))
                break
    lenders = [e for e in lenders if id(e) not in used]
    lender_msgids = list(dict.fromkeys(e.msgid for e in lenders))
    seekers = [t for t in seekers if id(t) not in restored]
    pairs = sorted(
        (-score, n, m)
        for n, seeker in enumerate(seekers)
        for m, msgid in enumerate(lender_msgids)
        if (score := similarity(seeker.msgid, msgid)) >= CUTOFF
    )
    lent: dict[int, polib.POEntry] = {}
    for _, n, m in pairs:
        free = [e for e in lenders if e.msgid == lender_msgids[m] and id(e) not in used]
        if n not in lent and free:
            lent[n] = free[0]
            used.add(id(free[0]))
    lender_of = {id(seekers[n]): entry for n, entry in lent.items()}

    result = polib.POFile()
    for tentry in template:
        entry = _copy(tentry)
        exact = first.get(_key(tentry))
        if exact is not None:
            used.add(id(exact))
            entry.msgstr = exact.msgstr
            entry.tcomment = exact.tcomment
            entry.flags = list(exact.flags)
            if "fuzzy" in entry.flags:
                entry.flags = ["fuzzy"] + [f for f in entry.flags if f != "fuzzy"]
            entry.previous_msgid = exact.previous_msgid
            entry.previous_msgctxt = exact.previous_msgctxt
        elif id(tentry) in restored:
            lender = restored[id(tentry)]
            entry.msgstr = lender.msgstr
            entry.tcomment = lender.tcomment
            entry.flags = [f for f in lender.flags if f != "fuzzy"]
        elif id(tentry) in lender_of:
            lender = lender_of[id(tentry)]
            entry.msgstr = lender.msgstr
            entry.tcomment = lender.tcomment
            entry.flags = ["fuzzy"] + [f for f in lender.flags if f != "fuzzy"]
            if "fuzzy" in lender.flags and lender.previous_msgid is not None:
                entry.previous_msgid = lender.previous_msgid
                entry.previous_msgctxt = lender.previous_msgctxt
            else:
                entry.previous_msgid = lender.msgid
                entry.previous_msgctxt = lender.msgctxt
        if exact is not None and _reviewed_for(exact, tentry):
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
            entry.previous_msgid = entry.previous_msgctxt = None
        result.append(entry)
    for entry in old:
        if id(entry) not in used and entry.msgstr:
            result.append(
                polib.POEntry(
                    msgctxt=entry.msgctxt,
                    msgid=entry.msgid,
                    msgstr=entry.msgstr,
                    tcomment=entry.tcomment,
                    flags=list(entry.flags),
                    previous_msgid=entry.previous_msgid,
                    previous_msgctxt=entry.previous_msgctxt,
                    obsolete=True,
                )
            )

    old_meta = catalogue.metadata if catalogue is not None else {}
    meta = dict(template.metadata)
    meta.update(
        {
            "Language": lang,
            "Plural-Forms": plural_forms,
            "PO-Revision-Date": revision_date or old_meta.get("PO-Revision-Date", PLACEHOLDER_DATE),
            "Language-Team": f"{lang} <LL@li.org>",
        }
    )
    meta.update({k: old_meta[k] for k in TRANSLATOR_FIELDS if k in old_meta})
    meta.update({k: v for k, v in old_meta.items() if k.startswith("X-")})
    if "nplurals=" in old_meta.get("Plural-Forms", "").replace(" ", ""):
        meta["Plural-Forms"] = old_meta["Plural-Forms"]
    names = list(dict.fromkeys([*HEADER_FIELDS, *template.metadata, *old_meta]))
    result.metadata = {k: meta.get(k, old_meta.get(k, "")) for k in names}
    if catalogue is not None:
        result.header = catalogue.header
        result.metadata_is_fuzzy = catalogue.metadata_is_fuzzy
    else:
        result.header = f"Translation of {template.metadata['Project-Id-Version']} into {lang}."
    return result
