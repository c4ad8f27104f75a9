"""The configuration's ``[shortcodes]`` lists reach the machine engines, not only segmenting."""

from __future__ import annotations

from pathlib import Path

import polib

from helpers import make_project, run

POST = """\
---
title: Essai
---

Un paragraphe avec {{< abbr summary="Résumé caché" >}} et \
{{< figure src="a.png" caption="Une légende" >}} au milieu.
"""

CONFIG = """\
source_language = "fr"
target_languages = ["en"]

[engines]
default = "pseudo"

[shortcodes.abbr]
params = ["summary"]

[shortcodes.figure]
params = []
"""


def _paragraph_draft(root: Path) -> str:
    po = polib.pofile(str(root / "locales/en/LC_MESSAGES/essai.po"))
    (entry,) = (e for e in po if e.msgid.startswith("Un paragraphe"))
    return entry.msgstr


def test_machine_drafts_translate_the_parameters_the_configuration_adds_and_keep_the_rest(
    tmp_path: Path,
) -> None:
    root = make_project(tmp_path, CONFIG, {"essai.md": POST})
    result = run(root, "sync")
    assert result.exit_code == 0, result.output
    draft = _paragraph_draft(root)
    assert 'summary="Résumé caché"' not in draft  # added for abbr: sent to the engine
    assert "summary=" in draft
    assert '{{< figure src="a.png" caption="Une légende" >}}' in draft  # removed for figure
    assert "{{< abbr " in draft
