"""The apertium engine: the real Debian packages for translations, a fake script for failures.

The ``slow`` tests run Debian's apertium for real (no mock): ``make setup`` installs it, and
when it is missing they fail, because a skipped real-engine test proves nothing.
"""

from __future__ import annotations

import re
import stat
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from postloc.errors import EngineFailed, EngineUnavailable
from postloc.mt.engines import apertium as apertium_module
from postloc.mt.engines.apertium import (
    ApertiumEngine,
    choose_modes,
    find_installation,
    language_code,
)
from postloc.mt.engines.base import Engine, Route
from postloc.mt.markup.protection import protect, restore
from postloc.mt.markup.skeleton import Span

NEEDED = {("fr", "es"), ("fr", "ca"), ("fr", "eo"), ("es", "en")}


@pytest.fixture(scope="module")
def engine() -> ApertiumEngine:
    """The real engine, or a failure telling how to get it."""
    installed = find_installation()
    missing = NEEDED - set(installed.modes)
    if installed.executable is None or missing:
        pytest.fail(
            "Debian's apertium packages are missing "
            f"(pairs {sorted(missing)}); `make setup` installs them: "
            + " ".join(apertium_module.DEBIAN_PACKAGES)
        )
    return ApertiumEngine()


# --- real apertium ------------------------------------------------------------------------

COALITION = "La coalition des volontaires à Paris"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("target", "expected"),
    [("es", "coalición"), ("ca", "coalició"), ("eo", "koalicio")],
)
def test_known_sentence_has_expected_word(
    engine: ApertiumEngine, target: str, expected: str
) -> None:
    (output,) = engine.translate([COALITION], "fr", target)
    assert expected in output.lower()
    assert "*" not in output and "#" not in output


@pytest.mark.slow
def test_pivot_through_spanish_gives_english(engine: ApertiumEngine) -> None:
    route = Route(engine, ("fr", "es", "en"))
    assert route.name == "apertium+es"
    (output,) = route.translate([COALITION + ". Le chat mange le fromage."])
    words = set(re.findall(r"\w+", output.lower()))
    assert {"the", "coalition", "cat", "cheese"} <= words
    assert not re.search(r"[*#@]", output)


@pytest.mark.slow
def test_engine_protocol_version_and_pairs(engine: ApertiumEngine) -> None:
    assert isinstance(engine, Engine)
    assert (engine.name, engine.markup) == ("apertium", "html")
    assert engine.pairs() >= NEEDED
    assert re.fullmatch(r"\d+\.\d+\.\d+\+data\.[0-9a-f]{10}", engine.version())
    assert engine.translate([], "fr", "es") == []


@pytest.mark.slow
def test_html_details_come_back(engine: ApertiumEngine) -> None:
    outputs = engine.translate(
        [
            'Le <b id="1">chat</b> et <a id="2">le chien</a> <code id="3"></code>.',
            "Tom &amp; Jerry &lt;3 l&#39;homme",
            "5&nbsp;% du pain",
        ],
        "fr",
        "es",
    )
    assert '<b id="1">gato</b>' in outputs[0]
    assert '<a id="2">el perro</a>' in outputs[0]
    assert '<code id="3"></code>' in outputs[0]
    assert "&amp;" in outputs[1] and "&lt;3" in outputs[1]
    assert "\u00a0%" in outputs[2]


MARKDOWN = [
    'La capitale a réuni **35 pays** — voir [le rapport](https://ex.org/r "Titre") et `x_1`.',
    "Le **chat *noir* de la maison** mange [le *grand* rapport](https://ex.org/g).",
    "Il n'y a pas de **pain** à Paris, mais il y a du `fromage --fort`.",
    "__Attention__ : la [réunion][agenda] commence à 10 h ; apportez *vos* documents.",
    'Le président a dit : « Nous ne céderons pas » devant <span class="q">la presse</span>.',
    "Les ~~anciens~~ nouveaux résultats sont publiés sur <https://ex.org/res?a=1&b=2>.",
    "Voir ![la carte](img/carte.png) et le tableau **ci-dessous**.",
    "Le budget atteint 1 000,5 millions d'euros, soit 3,14 % du total.",
    "Elle a **toujours** aimé les **livres** et les **fleurs**.",
    "Les volontaires `--dry-run` ne partiront pas \\*avant\\* lundi.",
]
TRICKY = [
    "",
    "   ",
    "!!!",
    "…",
    "`seulement du code`",
    "<",
    "&",
    "a < b & c > d",
    '"guillemets" et « chevrons » et ‘apostrophes’ l’été',
    "Il n’y a pas de pain.",
    "**gras**",
    "[lien seul](https://ex.org/seul)",
    "😀 émoji",
    "tab\tici",
    " ".join(["La coalition des volontaires se réunit à Paris pour discuter."] * 60),
]


def _batch() -> list[str]:
    batch = list(TRICKY)
    for n in range(200):
        batch.append(f"Paragraphe {1000 + n} : {MARKDOWN[n % len(MARKDOWN)]}")
    return batch


def _census(text: str) -> list[tuple[str, str, str]]:
    """Every span (kind and delimiters/target) of the text's skeleton, in order."""
    found: list[tuple[str, str, str]] = []

    def walk(nodes: tuple[object, ...]) -> None:
        for node in nodes:
            if isinstance(node, Span):
                found.append((node.kind, node.opening, node.closing))
                walk(node.children)

    walk(protect(text, "html").nodes)
    return sorted(found)


@pytest.mark.slow
@pytest.mark.parametrize("target", ["es", "ca"])
def test_batch_through_protect_keeps_markup_targets_code_and_counts(
    engine: ApertiumEngine, target: str
) -> None:
    batch = _batch()
    protected = [protect(text, "html") for text in batch]
    outputs = engine.translate([p.engine_text for p in protected], "fr", target)
    assert len(outputs) == len(batch)
    restored = [restore(p, out) for p, out in zip(protected, outputs, strict=True)]
    for text, result in zip(batch, restored, strict=True):
        assert not result.damaged, (text, result)
        assert _census(result.text) == _census(text)
        for code in re.findall(r"`[^`]+`", text):
            assert code in result.text
        for target_url in re.findall(r"\]\([^)]*\)|\]\[[^\]]*\]|<https?://[^>]*>", text):
            assert target_url in result.text
        assert result.text.count("*") == text.count("*")
        assert "#" not in result.text and "@" not in result.text and "&lt;" not in result.text
        number = re.match(r"Paragraphe (\d+)", text)
        if number:  # no segment shifted onto another one's text
            assert re.findall(r"\d+", result.text)[0] == number.group(1)
    assert restored[1].text == "   " and restored[0].text == ""
    assert restored[4].text == "`seulement du code`"
    assert all(r.text.strip() for r, t in zip(restored, batch, strict=True) if t.strip())


NEGATION_BATCH = [
    "Le chat dort sur le canapé.",
    "Il n'y a pas de pain dans la cuisine.",
    "Nous partirons demain matin.",
    "Elle ne mange pas de viande.",
    "Les enfants jouent dans le jardin.",
    "Je n'ai pas de temps aujourd'hui.",
    'Le **train** arrive à <code id="7"></code> Lyon.',
    "La réunion est annulée.",
    "Ils n'ont jamais vu la mer.",
    "Le gouvernement a présenté son budget.",
    "Il pleut depuis trois jours.",
    "Ce n'est pas de ma faute.",
    "Les prix ont augmenté de 5 %.",
    "Nous avons visité le musée du Louvre.",
    "Personne ne sait pourquoi.",
    "Le médecin conseille du repos.",
    "Il n'y a plus de lait.",
    "La coalition des volontaires à Paris.",
    "Les élèves préparent leurs examens.",
    "Rien ne change.",
    "Je ne bois pas de café le soir.",
    "La ville construit un nouveau pont.",
    "On ne peut pas tout savoir.",
    "Le marché ouvre à huit heures.",
    "Tu n'as pas de chance.",
    "Les oiseaux chantent au printemps.",
    "Il ne reste pas de places.",
    "Le film commence bientôt.",
    "Nous n'avons pas de nouvelles.",
    "Le vent souffle fort ce soir.",
]


@pytest.mark.slow
@pytest.mark.parametrize("target", ["es", "eo"])
def test_batch_equals_one_process_per_segment(engine: ApertiumEngine, target: str) -> None:
    texts = [protect(t, "html").engine_text for t in NEGATION_BATCH]
    batched = engine.translate(texts, "fr", target)
    with ThreadPoolExecutor(max_workers=4) as pool:
        alone = list(pool.map(lambda t: engine.translate([t], "fr", target)[0], texts))
    assert batched == alone
    if target == "es":
        assert batched[1].startswith("No hay")


@pytest.mark.slow
def test_leaked_generation_tags_are_dropped(engine: ApertiumEngine) -> None:
    (output,) = engine.translate(["x y l'homme"], "fr", "es")
    assert "&lt;" not in output and "prn" not in output


@pytest.mark.slow
def test_unknown_pair_names_what_to_install(engine: ApertiumEngine) -> None:
    with pytest.raises(EngineUnavailable, match=r"no fr→ja mode.*apertium-fr-ja"):
        engine.translate(["Bonjour"], "fr", "ja")


# --- without apertium: discovery rules and a fake binary for failures ---------------------


def test_mode_choice_prefers_plain_modes_over_variants() -> None:
    listing = [
        "cat-fra",
        "eco-es-fr",
        "eco-fr-es",
        "eng-spa",
        "es-fr",
        "fr-eo-bytecode",
        "fr-eo",
        "fr-es",
        "fra-cat",
        "fra-cat_pre2017",
        "fra-oci",
        "fra-oci_gascon",
        "oci-fra",
        "oci_gascon-fra",
        "spa-eng",
        "spa-eng_US",
        "fra-spa",
        "por-glg_only",
    ]
    assert choose_modes(listing) == {
        ("ca", "fr"): "cat-fra",
        ("en", "es"): "eng-spa",
        ("es", "en"): "spa-eng",
        ("es", "fr"): "es-fr",
        ("fr", "ca"): "fra-cat",
        ("fr", "eo"): "fr-eo",
        ("fr", "es"): "fra-spa",
        ("fr", "oc"): "fra-oci",
        ("oc", "fr"): "oci-fra",
        ("pt", "gl"): "por-glg_only",
    }


@pytest.mark.parametrize(
    ("name", "code"), [("fra", "fr"), ("fr", "fr"), ("epo", "eo"), ("oci_gascon", "oc")]
)
def test_language_codes(name: str, code: str) -> None:
    assert language_code(name) == code


def test_language_code_rejects_non_languages() -> None:
    assert language_code("eco") is None and language_code("bytecode") is None


def test_missing_binary_serves_nothing_and_names_debian_packages() -> None:
    missing = ApertiumEngine("postloc-test-no-such-apertium")
    assert missing.pairs() == frozenset()
    assert missing.version() == "not-installed"
    with pytest.raises(EngineUnavailable, match=r"apertium-fr-es.*make setup"):
        missing.translate(["Bonjour"], "fr", "es")


FAKE = """\
    #!{python}
    import os, re, sys
    log = os.environ.get("FAKE_APERTIUM_LOG")
    if sys.argv[1] == "-l":
        print("  fr-es")
        sys.exit(0)
    if sys.argv[1] == "-V":
        print("Apertium 9.8.7")
        sys.exit(0)
    text = sys.stdin.read()
    if log:
        with open(log, "a") as handle:
            handle.write(str(text.count("<p id=")) + "\\n")
    behaviour = os.environ.get("FAKE_APERTIUM", "echo")
    if behaviour == "fail":
        sys.stderr.write("lt-proc: error: cannot open file\\nsecond line\\n")
        sys.exit(1)
    if behaviour == "warn":
        sys.stderr.write("Warning: something odd\\n")
    if behaviour == "drop":
        text = re.sub(r'<p id="s1">.*?</p>\\n', "", text)
    if behaviour == "merge":
        text = text.replace('</p>\\n<p id="s1">', " ", 1)
    if behaviour == "swap":
        text = text.replace('id="s0"', 'id="sX"').replace('id="s1"', 'id="s0"')
        text = text.replace('id="sX"', 'id="s1"')
    if behaviour == "marks":
        text = text.replace("MARK", "#agradar_pl &lt;prn&gt; @x *y")
    if behaviour == "cut":
        text = text[: text.rindex("</p>")]
    sys.stdout.write(text)
"""


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ApertiumEngine:
    """An engine over a stand-in ``apertium`` script whose misbehaviour a test chooses."""
    script = tmp_path / "apertium"
    script.write_text(textwrap.dedent(FAKE.format(python=sys.executable)))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("FAKE_APERTIUM_LOG", str(tmp_path / "calls.log"))
    return ApertiumEngine(str(script))


def test_fake_echo_round_trips_and_version_names_program_and_data(fake: ApertiumEngine) -> None:
    texts = ["un", "", 'deux <b id="1">trois</b>', "quatre\ncinq"]
    assert fake.translate(texts, "fr", "es") == texts
    assert fake.pairs() == {("fr", "es")}
    assert fake.version().startswith("9.8.7+data.")
    assert " " not in fake.version()


@pytest.mark.parametrize(
    ("behaviour", "message"),
    [
        ("fail", r"apertium fr-es failed \(exit 1\): lt-proc: error: cannot open file$"),
        ("warn", r"failed \(exit 0\): Warning: something odd"),
        ("drop", r"returned 2 segment markers for 3 segments"),
        ("merge", r"returned 2 segment markers for 3 segments"),
        ("swap", r"returned 3 segment markers for 3 segments"),
        ("cut", r"merged or cut segment 3 of 3"),
    ],
)
def test_misbehaving_process_is_a_failure_never_a_shift(
    fake: ApertiumEngine, monkeypatch: pytest.MonkeyPatch, behaviour: str, message: str
) -> None:
    monkeypatch.setenv("FAKE_APERTIUM", behaviour)
    with pytest.raises(EngineFailed, match=message):
        fake.translate(["un", "deux", "trois"], "fr", "es")


def test_paragraph_tags_in_a_segment_are_refused(fake: ApertiumEngine) -> None:
    with pytest.raises(EngineFailed, match="segment 2 contains a <p> tag"):
        fake.translate(["un", 'deux </p><p id="s1">'], "fr", "es")


def test_large_batches_are_chunked(
    fake: ApertiumEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(apertium_module, "MAX_CHUNK_BYTES", 100)
    texts = [f"segment {n} " + "x" * 30 for n in range(10)] + ["y" * 500, "z"]
    assert fake.translate(texts, "fr", "es") == texts
    calls = [int(n) for n in (tmp_path / "calls.log").read_text().split()]
    assert sum(calls) == len(texts) and len(calls) > 1
    assert 1 in calls  # the oversized segment went alone


def test_debug_marks_and_leaked_tags_are_removed(
    fake: ApertiumEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_APERTIUM", "marks")
    outputs = fake.translate(["Elle MARK a", "#JO2024 MARK", "&lt;b&gt; MARK"], "fr", "es")
    assert outputs[0] == "Elle agradar_pl x y a"
    assert outputs[1] == "#JO2024 #agradar_pl x y"  # the author's own # is kept
    assert outputs[2] == "&lt;b&gt; agradar_pl x y"
