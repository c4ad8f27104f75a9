"""Regions authors exclude from translation: ``<!-- postloc:off -->`` … ``<!-- postloc:on -->``.

translate-toolkit's ``<!-- translate:off -->`` / ``<!-- translate:on -->`` mean the same, so a
post written for md2po keeps working. Nothing between the markers is extracted, so export
copies it verbatim; an ``off`` without a later ``on`` runs to the end of the post.

Regions work at block level, in document order and across containers: a marker counts when
it stands in a raw HTML block (a comment on its own line is one), and a block holding a
marker is itself copied verbatim. A marker inside a paragraph is inline HTML in a sentence,
not a region boundary: the paragraph is translated and the comment kept as written (an
engine never sees it), since cutting a sentence in two would leave a translator half of it.
"""

from __future__ import annotations

import re
from typing import Final

MARKER: Final = re.compile(r"<!--[ \t]*(?:postloc|translate):(off|on)[ \t]*-->")
"""One region marker; group 1 is ``off`` or ``on``."""


def switch(html: str) -> bool | None:
    """What the markers in a raw HTML block leave: False after an ``off``, True after an
    ``on`` (the last marker wins), None when the block holds none."""
    if "<!--" not in html:
        return None
    markers = MARKER.findall(html)
    return markers[-1] == "on" if markers else None
