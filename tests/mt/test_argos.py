"""The argos engine on tiny real packages: offline, batched, and decoding as Argos does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import argos_tiny
import helpers
from postloc.errors import EngineUnavailable
from postloc.mt.engines.argos.engine import (
    BATCHES_PER_CALL,
    MAX_INPUT_TOKENS,
    ArgosEngine,
    bounded_chunks,
)
from postloc.mt.engines.argos.settings import MAX_AUTO_INTER_THREADS, ArgosSettings
from postloc.mt.engines.base import Engine, Route, usable_cores
from postloc.mt.engines.sentences import split_sentences

SRC = helpers.REPO / "src"
TESTS = helpers.TESTS
SETTINGS = ArgosSettings(compute_type="int8", inter_threads=1, intra_threads=1, beam_size=4)
ARGOS_VARIABLES = ("ARGOS_CHUNK_TYPE", "ARGOS_MODEL_PROVIDER", "ARGOS_DEVICE_TYPE", "SNAP")


@pytest.fixture(scope="session")
def tiny_packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """fr→en and en→es ``.argosmodel`` files, built once per session."""
    workdir = tmp_path_factory.mktemp("argos-build")
    return {
        "fr-en": argos_tiny.build_tiny_package(workdir, "fr", "en", seed=0),
        "en-es": argos_tiny.build_tiny_package(workdir, "en", "es", seed=2),
    }


pytestmark = pytest.mark.usefixtures("no_connections")
"""Every test here runs offline (``tests/mt/conftest.py``)."""


@pytest.fixture
def argos_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_packages: dict[str, Path]
) -> dict[str, str]:
    """HOME, XDG_* and ARGOS_PACKAGES_DIR in a temporary folder holding both tiny packages."""
    env = argos_tiny.argos_environment(tmp_path)
    for name in ARGOS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for archive in tiny_packages.values():
        argos_tiny.install_package(archive, Path(env["ARGOS_PACKAGES_DIR"]))
    return env


@pytest.fixture
def engine(argos_env: dict[str, str]) -> ArgosEngine:
    return ArgosEngine(SETTINGS)


def french_sentences() -> list[str]:
    """Corpus lines that both our splitter and the tiny MiniSBD model see as one sentence."""
    lines = argos_tiny.corpus_lines()[:25]
    return [line for line in lines if len(split_sentences(line, "fr")) == 1]


class CountingTranslator:
    """Wraps a CTranslate2 translator to record every ``translate_batch`` call."""

    def __init__(self, translator: Any) -> None:
        self.translator = translator
        self.calls: list[tuple[list[list[str]], dict[str, Any]]] = []

    def translate_batch(self, source: list[list[str]], **options: Any) -> Any:
        self.calls.append((source, options))
        return self.translator.translate_batch(source, **options)


def count_calls(engine: ArgosEngine, source: str, target: str) -> CountingTranslator:
    loaded = engine.load(source, target)
    spy = CountingTranslator(loaded.translator)
    object.__setattr__(loaded, "translator", spy)
    return spy


def test_engine_follows_the_protocol_and_lists_installed_pairs(engine: ArgosEngine) -> None:
    assert isinstance(engine, Engine)
    assert engine.name == "argos"
    assert engine.markup == "plain"
    assert engine.pairs() == frozenset({("fr", "en"), ("en", "es")})


def test_version_is_one_token_and_changes_with_the_installed_packages(
    engine: ArgosEngine, argos_env: dict[str, str]
) -> None:
    version = engine.version()
    assert version.startswith("argostranslate-")
    assert version == version.strip() and " " not in version
    assert ArgosEngine(SETTINGS).version() == version
    assert ArgosEngine(ArgosSettings(beam_size=2)).version() != version
    packages = Path(argos_env["ARGOS_PACKAGES_DIR"])
    (packages / "translate-en_es-1_0").rename(packages / "translate-en_es-1_1")
    assert ArgosEngine(SETTINGS).version() != version


def test_every_input_gets_exactly_one_output_in_order(engine: ArgosEngine) -> None:
    sentences = french_sentences()
    paragraph = " ".join(argos_tiny.corpus_lines()[:25])
    paragraph = " ".join([paragraph] * (3000 // len(paragraph) + 1))[:3000].rsplit(" ", 1)[0]
    texts = [
        sentences[0],
        "",
        paragraph,
        "   ",
        sentences[1],
        "Première ligne.\nDeuxième ligne !",
        sentences[0],
        "  Bonjour à tous.  ",
    ]
    outputs = engine.translate(texts, "fr", "en")
    assert len(outputs) == len(texts)
    assert outputs[1] == "" and outputs[3] == "   "
    assert outputs[0] == outputs[6]
    assert outputs[0] == engine.translate([sentences[0]], "fr", "en")[0]
    assert outputs[4] == engine.translate([sentences[1]], "fr", "en")[0]
    assert outputs[2] and outputs[2] != paragraph
    assert outputs[5].count("\n") == 1
    assert outputs[7].startswith("  ") and outputs[7].endswith("  ")
    assert engine.translate([], "fr", "en") == []


def test_blank_inputs_come_back_without_loading_a_model(tmp_path: Path) -> None:
    empty = ArgosEngine(SETTINGS, packages_dir=tmp_path)
    assert empty.translate(["", "  ", "\n"], "fr", "de") == ["", "  ", "\n"]


def test_all_sentences_of_a_batch_go_through_one_translate_batch(engine: ArgosEngine) -> None:
    texts = ["Bonjour. Comment allez-vous ? Très bien.", "Le train est en retard.", ""]
    texts += french_sentences()[:5]
    spy = count_calls(engine, "fr", "en")
    engine.translate(texts, "fr", "en")
    assert len(spy.calls) == 1
    source, options = spy.calls[0]
    expected = sum(len(split_sentences(text, "fr")) for text in texts)
    assert len(source) == expected
    assert options["batch_type"] == "examples"
    assert options["max_batch_size"] == SETTINGS.max_batch_size
    assert options["beam_size"] == 4 and options["length_penalty"] == 0.2
    assert options["replace_unknowns"] is True
    longest = max(len(tokens) for tokens in source)
    assert options["max_decoding_length"] == 2 * longest + 10
    assert options["max_input_length"] >= MAX_INPUT_TOKENS


@pytest.mark.parametrize(("cores", "inter"), [(1, 1), (2, 2), (3, 3), (16, MAX_AUTO_INTER_THREADS)])
def test_threads_follow_the_runs_cores_unless_the_settings_fix_them(cores: int, inter: int) -> None:
    automatic = ArgosEngine(ArgosSettings())
    automatic.use_cores(cores)
    assert automatic.threads() == (inter, 1) and automatic.call_threads() == inter
    fixed = ArgosEngine(ArgosSettings(inter_threads=3, intra_threads=2))
    fixed.use_cores(cores)
    assert fixed.threads() == (3, 2) and fixed.call_threads() == 6
    unpicked = ArgosEngine(ArgosSettings(inter_threads=1, intra_threads=0))
    assert unpicked.call_threads() == usable_cores()  # CTranslate2 may take every core


def test_a_model_is_loaded_with_the_runs_threads(engine: ArgosEngine) -> None:
    automatic = ArgosEngine(ArgosSettings())
    automatic.use_cores(2)
    assert automatic.load("fr", "en").translator.num_translators == 2
    automatic.use_cores(1)
    assert automatic.load("fr", "en").translator.num_translators == 1


def test_a_stream_is_cut_into_calls_of_many_batches_of_sentences() -> None:
    engine = ArgosEngine(ArgosSettings(max_batch_size=2))
    per_call = 2 * BATCHES_PER_CALL
    texts = ["Une phrase. Une autre phrase."] * per_call + ["Seule."] * 3
    calls = engine.plan_calls(texts, "fr", "en")
    assert [len(call) for call in calls] == [per_call // 2, per_call // 2, 3]
    assert [n for call in calls for n in call] == list(range(len(texts)))
    assert engine.plan_calls([], "fr", "en") == []


def test_a_run_on_sentence_is_cut_at_word_starts_not_truncated(engine: ArgosEngine) -> None:
    words = [f"mot{i}" for i in range(400)]
    spy = count_calls(engine, "fr", "en")
    [output] = engine.translate([" ".join(words)], "fr", "en")
    assert output
    [(source, options)] = spy.calls
    assert len(source) > 1
    assert all(len(tokens) <= MAX_INPUT_TOKENS for tokens in source)
    assert all(tokens[0].startswith("▁") for tokens in source)
    rebuilt = "".join(token for tokens in source for token in tokens).replace("▁", " ").strip()
    assert rebuilt == " ".join(words)
    assert options["max_decoding_length"] <= 2 * MAX_INPUT_TOKENS + 10


def test_bounded_chunks_prefers_word_starts_and_falls_back_to_hard_cuts() -> None:
    tokens = ["▁a", "b", "c", "▁d", "e", "▁f", "g", "h", "i"]
    assert bounded_chunks(tokens, True, 4) == [["▁a", "b", "c"], ["▁d", "e"], ["▁f", "g", "h", "i"]]
    assert bounded_chunks(["▁a", "b", "c", "d", "e"], True, 2) == [["▁a", "b"], ["c", "d"], ["e"]]
    bpe = ["un@@", "known", "mot", "très@@", "long"]
    assert bounded_chunks(bpe, False, 3) == [["un@@", "known", "mot"], ["très@@", "long"]]
    assert bounded_chunks(["▁a"], True, 4) == [["▁a"]]


def test_a_pair_without_package_names_the_pair_and_the_fix(engine: ArgosEngine) -> None:
    with pytest.raises(EngineUnavailable) as caught:
        engine.translate(["Bonjour."], "fr", "de")
    message = str(caught.value)
    assert "fr→de" in message and "postloc models install fr de" in message


def test_pivot_through_english_with_a_second_package(engine: ArgosEngine) -> None:
    texts = ["Bonjour. Le train est en retard.", "", *french_sentences()[:3]]
    route = Route(engine, ("fr", "en", "es"))
    assert route.name == "argos+en"
    outputs = route.translate(texts)
    assert len(outputs) == len(texts)
    assert outputs[1] == ""
    english = engine.translate(texts, "fr", "en")
    assert outputs == engine.translate(english, "en", "es")


def test_the_network_guard_refuses_connections(no_connections: list[str]) -> None:
    import socket

    with pytest.raises(OSError):
        socket.create_connection(("example.org", 443), timeout=1)
    with pytest.raises(OSError):
        socket.getaddrinfo("example.org", 443)
    assert len(no_connections) == 2
    no_connections.clear()


def test_the_network_guard_records_attempts() -> None:
    import socket

    attempts, restore = argos_tiny.block_network()
    try:
        with pytest.raises(OSError), socket.socket() as sock:
            sock.connect(("127.0.0.1", 9))
    finally:
        restore()
    assert len(attempts) == 1


def _clean_environment(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ARGOS_VARIABLES}
    env.update(extra)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), str(TESTS)])
    return env


ARGOS_SCRIPT = """
import json, sys
import argos_tiny
attempts, _ = argos_tiny.block_network()
import argostranslate.translate as translate
sentences = json.loads(sys.argv[1])
outputs = [translate.translate(sentence, "fr", "en") for sentence in sentences]
print(json.dumps({"outputs": outputs, "attempts": attempts}))
"""


@pytest.mark.slow
def test_single_sentences_match_argostranslate_exactly(
    engine: ArgosEngine, argos_env: dict[str, str]
) -> None:
    """argostranslate's own translate() (MiniSBD splitter, its settings) in a clean process."""
    sentences = french_sentences()
    assert len(sentences) >= 10
    env = _clean_environment(
        {
            **argos_env,
            "ARGOS_COMPUTE_TYPE": SETTINGS.compute_type,
            "ARGOS_INTER_THREADS": str(SETTINGS.inter_threads),
            "ARGOS_INTRA_THREADS": str(SETTINGS.intra_threads),
            "ARGOS_BEAM_SIZE": str(SETTINGS.beam_size),
        }
    )
    completed = subprocess.run(
        [sys.executable, "-c", ARGOS_SCRIPT, json.dumps(sentences)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    report = json.loads(completed.stdout.splitlines()[-1])
    assert report["attempts"] == []
    ours = engine.translate(sentences, "fr", "en")
    assert ours == report["outputs"]
    assert len(set(ours)) > 1


IMPORT_SCRIPT = """
import sys
import postloc.mt.engines.argos.engine
heavy = ["torch", "stanza", "spacy", "argostranslate.translate", "argostranslate.sbd",
         "argostranslate.settings", "ctranslate2", "sentencepiece", "onnxruntime", "minisbd"]
print(" ".join(name for name in heavy if name in sys.modules))
"""


def test_importing_the_engine_stays_light(tmp_path: Path) -> None:
    env = _clean_environment(argos_tiny.argos_environment(tmp_path))
    completed = subprocess.run(
        [sys.executable, "-c", IMPORT_SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == ""
