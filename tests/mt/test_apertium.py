"""The apertium engine: the real Debian packages for translations, a fake script for failures.

The ``slow`` tests run Debian's apertium for real (no mock): ``make setup`` installs it, and
when it is missing they fail, because a skipped real-engine test proves nothing.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from helpers import make_project, run
from postloc.errors import EngineFailed, EngineUnavailable
from postloc.mt.engines import apertium as apertium_module
from postloc.mt.engines.apertium import (
    ApertiumEngine,
    choose_modes,
    find_installation,
    forget_installations,
    language_code,
)
from postloc.mt.engines.base import Engine, Route
from postloc.mt.markup.protection import protect, restore
from postloc.mt.markup.skeleton import Span
from postloc.mt.memory import TranslationMemory
from postloc.mt.streams import translate_texts
from postloc.mt.translator import Draft, MachineTranslator

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
def test_pair_versions_are_the_debian_packages_of_the_pairs(engine: ApertiumEngine) -> None:
    """``make setup`` installs the pairs from Debian, so their package versions name them."""
    assert re.fullmatch(r"\d+\.\d+\.\d+\+apertium-fr-es_\S+", engine.pair_version("fr", "es"))
    assert re.fullmatch(r"\S+\+apertium-eng-spa_\S+", engine.pair_version("es", "en"))
    pivot = Route(engine, ("fr", "es", "en")).version()
    assert pivot == f"{engine.pair_version('fr', 'es')}/{engine.pair_version('es', 'en')}"


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
        for target_url in re.findall(r"\]\([^)\s]*|\]\[[^\]]*\]|<https?://[^>]*>", text):
            assert target_url in result.text  # a link's title is text a reader sees: translated
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


def test_a_stream_is_one_process_per_chunk_and_split_over_the_cores(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = ApertiumEngine("postloc-test-no-such-apertium")  # planning runs nothing
    small = ["x" * 100] * 10
    assert engine.plan_calls(small, "fr", "es") == [range(0, 10)]
    big = ["y" * 1000] * 600  # about 600 kB: worth two processes
    assert engine.plan_calls(big, "fr", "es") == [range(0, 600)]  # one core
    engine.use_cores(2)
    assert engine.plan_calls(big, "fr", "es") == [range(0, 300), range(300, 600)]
    engine.use_cores(8)
    assert len(engine.plan_calls(big, "fr", "es")) == 3  # each chunk at least SPLIT_BYTES
    assert engine.plan_calls(small, "fr", "es") == [range(0, 10)]
    monkeypatch.setattr(apertium_module, "MAX_CHUNK_BYTES", 50_000)
    calls = engine.plan_calls(big, "fr", "es")
    assert [n for call in calls for n in call] == list(range(600))
    assert len(calls) == 13 and all(len(call) * 1020 <= 50_000 for call in calls)


def test_debug_marks_and_leaked_tags_are_removed(
    fake: ApertiumEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_APERTIUM", "marks")
    outputs = fake.translate(["Elle MARK a", "#JO2024 MARK", "&lt;b&gt; MARK"], "fr", "es")
    assert outputs[0] == "Elle agradar_pl x y a"
    assert outputs[1] == "#JO2024 #agradar_pl x y"  # the author's own # is kept
    assert outputs[2] == "&lt;b&gt; agradar_pl x y"


# --- versions per pair: another pair's installation changes nothing ------------------------

FAKE_PREFIX = """\
    #!{python}
    # apertium as Debian lays it out: modes under <prefix>/share/apertium (or APERTIUM_DATADIR)
    import os, sys
    prefix = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    data = os.environ.get("APERTIUM_DATADIR") or os.path.join(prefix, "share", "apertium")
    modes = os.path.join(data, "modes")
    if sys.argv[1] == "-l":
        for name in sorted(os.listdir(modes)):
            if name.endswith(".mode"):
                print("  " + name[: -len(".mode")])
        sys.exit(0)
    if sys.argv[1] == "-V":
        print("Apertium 9.8.7")
        sys.exit(0)
    if not os.path.isfile(os.path.join(modes, sys.argv[-1] + ".mode")):
        sys.stderr.write("Error: Mode " + sys.argv[-1] + " does not exist.\\n")
        sys.exit(1)
    text = sys.stdin.read()
    with open(os.path.join(prefix, "calls.log"), "a") as log:
        log.write(str(text.count("<p id=")) + "\\n")
    sys.stdout.write(text)
"""

FAKE_DPKG_QUERY = """\
    #!{python}
    # dpkg-query -S / -W over a JSON "database" {{"owners": {{path: package}}, "versions": {{…}}}}
    import json, os, sys
    with open(os.environ["FAKE_DPKG_DB"]) as handle:
        db = json.load(handle)
    status = 0
    if sys.argv[1] == "-S":
        for path in sys.argv[2:]:
            if path in db["owners"]:
                print(db["owners"][path] + ": " + path)
            else:
                sys.stderr.write("dpkg-query: no path found matching pattern " + path + "\\n")
                status = 1
    elif sys.argv[1] == "-W":
        for name in sys.argv[3:]:
            if name in db["versions"]:
                print(name + "\\t" + db["versions"][name])
    sys.exit(status)
"""


def executable(path: Path, source: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source.format(python=sys.executable)))
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def install_pair(prefix: Path, mode: str, data: str = "v1", datadir: Path | None = None) -> Path:
    """A mode file naming one data file of its own, as a Debian pair package installs them."""
    folder = datadir or prefix / "share" / "apertium"
    data_file = folder / f"apertium-{mode}" / f"{mode}.automorf.bin"
    data_file.parent.mkdir(parents=True, exist_ok=True)
    data_file.write_text(data)
    mode_path = folder / "modes" / f"{mode}.mode"
    mode_path.parent.mkdir(parents=True, exist_ok=True)
    mode_path.write_text(f"lt-proc '{data_file}' | lt-proc -g '{data_file}'\n")
    return mode_path


@pytest.fixture
def prefix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fake apertium installation in a temp prefix, first on PATH, with fr→es installed.

    Discovery is cached per process, so the cache is emptied around the test: each
    ``new_run()`` is what a new ``postloc`` process would see.
    """
    root = tmp_path / "prefix"
    executable(root / "bin" / "apertium", FAKE_PREFIX)
    install_pair(root, "fr-es")
    monkeypatch.setenv("PATH", f"{root / 'bin'}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv(apertium_module.DATADIR_ENV, raising=False)
    forget_installations()
    yield root
    forget_installations()


def new_run() -> ApertiumEngine:
    """The engine a new process builds (discovery is cached per process)."""
    forget_installations()
    return ApertiumEngine()


def engine_calls(prefix: Path) -> int:
    log = prefix / "calls.log"
    return sum(int(n) for n in log.read_text().split()) if log.exists() else 0


def test_a_pair_with_more_data_is_estimated_to_cost_more(prefix: Path) -> None:
    install_pair(prefix, "fra-cat", data="x" * 6_000_000)  # fra-cat's data is 4× fr-es's
    engine = new_run()
    assert engine.pair_cost("fr", "es") == pytest.approx(0.6, abs=0.01)
    assert engine.pair_cost("fr", "ca") == pytest.approx(1.8, abs=0.01)
    assert engine.pair_cost("fr", "en") == 1.0  # no such mode: the neutral cost


def test_pair_version_names_only_the_pairs_own_mode_files(prefix: Path) -> None:
    first = new_run()
    version = first.pair_version("fr", "es")
    assert re.fullmatch(r"9\.8\.7\+fr-es\.[0-9a-f]{10}", version)
    whole = first.version()

    install_pair(prefix, "spa-eng")  # another pair arrives
    second = new_run()
    assert second.pairs() == {("fr", "es"), ("es", "en")}
    assert second.version() != whole  # `postloc engines` still sees the whole installation
    assert second.pair_version("fr", "es") == version

    (prefix / "share/apertium/modes/spa-eng.mode").unlink()  # and goes again
    assert new_run().pair_version("fr", "es") == version

    install_pair(prefix, "fr-es", data="v2, a bigger dictionary")  # fr-es itself is upgraded
    assert new_run().pair_version("fr", "es") != version


def test_route_version_joins_the_version_of_every_hop(prefix: Path) -> None:
    install_pair(prefix, "spa-eng")
    engine = new_run()
    route = Route(engine, ("fr", "es", "en"))
    hops = [engine.pair_version("fr", "es"), engine.pair_version("es", "en")]
    assert route.version() == "/".join(hops)
    assert hops[0] != hops[1] and " " not in route.version()
    assert Route(engine, ("fr", "es")).version() == hops[0]


def test_memory_kept_when_a_second_pair_is_installed(prefix: Path, tmp_path: Path) -> None:
    texts = ["Un **texte**.", "Deux [liens](https://example.org).", "Trois."]
    memory_path = tmp_path / "tm.sqlite3"

    def translate(languages: tuple[str, ...]) -> tuple[int, dict[str, Draft]]:
        memory = TranslationMemory(memory_path)
        try:
            translator = MachineTranslator(
                Route(new_run(), languages), languages[0], languages[-1], memory
            )
            drafts = translate_texts(translator, texts)
        finally:
            memory.close()
        return translator.engine_segments, drafts

    assert translate(("fr", "es"))[0] == 3
    install_pair(prefix, "spa-eng")
    install_pair(prefix, "fra-cat")
    seen, drafts = translate(("fr", "es"))
    assert seen == 0 and all(d.from_memory for d in drafts.values())
    assert engine_calls(prefix) == 3  # the second run never started apertium

    assert translate(("fr", "es", "en"))[0] == 3  # es→en only: fr→es is the memory's row
    (prefix / "share/apertium/modes/fra-cat.mode").unlink()
    assert translate(("fr", "es", "en"))[0] == 0

    install_pair(prefix, "spa-eng", data="v2: more words")  # the second hop is upgraded
    assert translate(("fr", "es", "en"))[0] == 3
    assert translate(("fr", "es"))[0] == 0


def test_memory_kept_through_the_cli_when_a_second_pair_is_installed(
    prefix: Path, tmp_path: Path
) -> None:
    project = make_project(tmp_path / "site")
    catalogue = project / "locales/es/LC_MESSAGES/coalition-des-volontaires-paris.po"
    assert run(project, "extract").exit_code == 0
    assert run(project, "update", "--lang", "es").exit_code == 0
    first = run(project, "translate", "--engine", "apertium", "--lang", "es", "--json")
    assert first.exit_code == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["engine_segments"] > 0 and report["from_memory"] == 0
    drafted = catalogue.read_text(encoding="utf-8")
    assert re.search(r"^# MT: apertium 9\.8\.7\+fr-es\.[0-9a-f]{10} fr→es ", drafted, re.M)

    install_pair(prefix, "spa-eng")  # e.g. apt-get install apertium-eng-spa
    forget_installations()  # a new postloc process
    catalogue.unlink()
    assert run(project, "update", "--lang", "es").exit_code == 0
    again = run(project, "translate", "--engine", "apertium", "--lang", "es", "--json")
    assert again.exit_code == 0, again.stderr
    report = json.loads(again.stdout)
    assert report["engine_segments"] == 0
    assert report["from_memory"] == report["translated"] > 0
    assert catalogue.read_text(encoding="utf-8") == drafted


def test_debian_pair_version_is_the_packages_version(
    prefix: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tools = tmp_path / "tools"
    executable(tools / "dpkg-query", FAKE_DPKG_QUERY)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    database = tmp_path / "dpkg.json"
    monkeypatch.setenv("FAKE_DPKG_DB", str(database))
    apertium = prefix / "share" / "apertium"

    def packages(**versions: str) -> None:
        owners = {}
        for package in versions:
            mode = package.removeprefix("apertium-")
            owners[str(apertium / "modes" / f"{mode}.mode")] = package
            owners[str(apertium / package / f"{mode}.automorf.bin")] = package
        database.write_text(json.dumps({"owners": owners, "versions": versions}))

    packages(**{"apertium-fr-es": "0.9.4-1"})
    assert new_run().pair_version("fr", "es") == "9.8.7+apertium-fr-es_0.9.4-1"

    install_pair(prefix, "spa-eng")
    packages(**{"apertium-fr-es": "0.9.4-1", "apertium-spa-eng": "0.8.1-2"})
    engine = new_run()
    assert engine.pair_version("fr", "es") == "9.8.7+apertium-fr-es_0.9.4-1"
    assert engine.pair_version("es", "en") == "9.8.7+apertium-spa-eng_0.8.1-2"

    packages(**{"apertium-fr-es": "1:0.9.5-1", "apertium-spa-eng": "0.8.1-2"})
    assert new_run().pair_version("fr", "es") == "9.8.7+apertium-fr-es_1:0.9.5-1"

    install_pair(prefix, "fra-cat")  # built from source: no package owns it
    assert re.fullmatch(r"9\.8\.7\+fra-cat\.[0-9a-f]{10}", new_run().pair_version("fr", "ca"))


def test_modes_are_read_where_apertium_datadir_points(
    prefix: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = new_run().pair_version("fr", "es")
    elsewhere = tmp_path / "elsewhere"
    install_pair(prefix, "fr-es", data="another build", datadir=elsewhere)
    monkeypatch.setenv(apertium_module.DATADIR_ENV, str(elsewhere))
    moved = new_run()
    assert moved.pair_version("fr", "es") != default
    assert apertium_module.mode_file(Path(str(prefix / "bin/apertium")), "fr-es") == (
        elsewhere / "modes" / "fr-es.mode"
    )
    assert moved.translate(["Un."], "fr", "es") == ["Un."]


def test_pair_version_is_the_same_in_every_process(prefix: Path) -> None:
    """Memory keys must match across runs: no mtimes, no order of discovery, no randomness."""
    install_pair(prefix, "spa-eng")
    program = (
        "from postloc.mt.engines.apertium import ApertiumEngine\n"
        "from postloc.mt.engines.base import Route\n"
        "print(Route(ApertiumEngine(), ('fr', 'es', 'en')).version())\n"
    )

    def in_a_new_process() -> str:
        done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    first = in_a_new_process()
    (prefix / "share/apertium/modes/fr-es.mode").touch()  # a new mtime changes nothing
    assert in_a_new_process() == first == Route(new_run(), ("fr", "es", "en")).version()
