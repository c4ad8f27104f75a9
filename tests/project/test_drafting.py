"""The translate stage: every language in one run of engine streams, on every usable core, each
pivot hop once; a killed run resumed without losing or redoing finished work; the drafts exactly
those of one catalogue at a time.

Apertium's starts are counted with a wrapper ``apertium`` first on ``PATH`` that logs each
translation process's input and runs the real one; the kill test uses a stand-in ``apertium``
whose second hop hangs, so the kill lands mid-stream every time.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest

from helpers import REPO, french_posts, make_project, run
from postloc.cli.options import default_jobs
from postloc.mt.engines import apertium as apertium_module
from postloc.mt.engines.apertium import ApertiumEngine, forget_installations
from postloc.mt.engines.base import usable_cores
from postloc.mt.markup.protection import protect
from postloc.po.state import entry_state

EPOCH = "1767225600"  # 2026-01-01: after the posts' date (Hugo publishes from `date`)
APERTIUM_CONFIG = """\
source_language = "fr"
target_languages = ["en", "es"]

[engines]
default = "apertium"
"""
PSEUDO_CONFIG = APERTIUM_CONFIG.replace('"apertium"', '"pseudo"').replace(
    '["en", "es"]', '["en", "es", "ca", "eo"]'
)
SEGMENT = re.compile(r'<p id="s\d+">(.*?)</p>\n', re.S)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.delenv("POSTLOC_PSEUDO_DELAY", raising=False)


def project_with(root: Path, config: str, posts: int = 3, paragraphs: int = 12) -> Path:
    """Templates and empty catalogues, ready for ``translate``."""
    make_project(root, config=config, posts=french_posts(posts, paragraphs))
    for stage in ("extract", "update"):
        result = run(root, stage)
        assert result.exit_code == 0, result.stderr
    return root


def locales(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted((root / "locales").rglob("*.po"))
    }


def msgids(root: Path) -> list[str]:
    """The distinct texts of every template, in order."""
    texts: dict[str, None] = {}
    for path in sorted((root / "locales/templates").glob("*.pot")):
        texts.update((entry.msgid, None) for entry in polib.pofile(str(path)) if entry.msgid)
    return list(texts)


def all_drafted(root: Path, lang: str) -> bool:
    paths = sorted((root / "locales" / lang / "LC_MESSAGES").glob("*.po"))
    return bool(paths) and all(
        entry_state(entry) == "machine"
        for path in paths
        for entry in polib.pofile(str(path))
        if not entry.obsolete
    )


def memory_rows(root: Path) -> dict[tuple[str, str, str], int]:
    """Rows of the translation memory per (route, source language, target language)."""
    with sqlite3.connect(root / ".postloc/tm.sqlite3") as db:
        rows = db.execute(
            "SELECT engine, source_lang, target_lang, COUNT(*) FROM tm GROUP BY 1, 2, 3"
        ).fetchall()
    return {(engine, source, target): count for engine, source, target, count in rows}


# --- one stream per pair, each hop once ------------------------------------------------------

WRAPPER = """\
    #!/bin/sh
    # Logs each translation process (its arguments and input), then runs the real apertium.
    case "$*" in
      *" -f "*)
        log="$APERTIUM_CALLS/$(date +%s%N)-$$"
        printf '%s\\n' "$*" > "$log.args"
        tee "$log.in" | "{real}" "$@"
        ;;
      *) exec "{real}" "$@" ;;
    esac
"""


@pytest.fixture
def counted_apertium(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The real apertium behind a logging wrapper first on PATH; yields the log folder."""
    real = shutil.which("apertium")
    if real is None:
        pytest.fail("Debian's apertium is missing; `make setup` installs it")
    wrapper = tmp_path / "bin" / "apertium"
    wrapper.parent.mkdir()
    wrapper.write_text(textwrap.dedent(WRAPPER.format(real=real)))
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    calls = tmp_path / "calls"
    calls.mkdir()
    monkeypatch.setenv("PATH", f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("APERTIUM_CALLS", str(calls))
    forget_installations()  # found again, through the wrapper
    yield calls
    forget_installations()


def processes(calls: Path) -> dict[str, list[list[str]]]:
    """Per apertium mode, the segments each translation process got, in start order."""
    found: dict[str, list[list[str]]] = {}
    for args in sorted(calls.glob("*.args"), key=lambda p: int(p.name.split("-")[0])):
        mode = args.read_text().split()[-1]
        text = args.with_suffix(".in").read_text(encoding="utf-8")
        found.setdefault(mode, []).append(SEGMENT.findall(text))
    return found


@pytest.mark.slow
def test_one_apertium_process_per_pair_and_the_pivot_hop_once(
    counted_apertium: Path, tmp_path: Path
) -> None:
    """en goes fr→es→en and es is a target too: fr→es runs once, in one process."""
    root = project_with(tmp_path / "site", APERTIUM_CONFIG)
    result = run(root, "translate", "--json")
    assert result.exit_code == 0, result.stderr
    texts = msgids(root)
    started = processes(counted_apertium)
    assert {mode: len(inputs) for mode, inputs in started.items()} == {"fr-es": 1, "spa-eng": 1}
    assert started["fr-es"][0] == [protect(text, "html").engine_text for text in texts]
    assert len(started["spa-eng"][0]) == len(texts)
    report = json.loads(result.stdout)
    assert report["engine_segments"] == 2 * len(texts)
    assert all_drafted(root, "en") and all_drafted(root, "es")
    assert memory_rows(root) == {
        ("apertium", "fr", "es"): len(texts),  # the es drafts, and the first hop of en's
        ("apertium", "es", "en"): len(texts),
        ("apertium+es", "fr", "en"): len(texts),
    }


@pytest.mark.slow
def test_a_stream_bigger_than_a_chunk_is_one_process_per_chunk(
    counted_apertium: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project_with(tmp_path / "site", APERTIUM_CONFIG.replace('"en", ', ""))
    monkeypatch.setattr(apertium_module, "MAX_CHUNK_BYTES", 1500)
    result = run(root, "translate")
    assert result.exit_code == 0, result.stderr
    engine_texts = [protect(text, "html").engine_text for text in msgids(root)]
    planner = ApertiumEngine()
    planner.use_cores(default_jobs())
    chunks = planner.plan_calls(engine_texts, "fr", "es")
    assert len(chunks) > 2
    started = processes(counted_apertium)
    assert list(started) == ["fr-es"]
    assert sorted(started["fr-es"]) == sorted(
        engine_texts[chunk.start : chunk.stop] for chunk in chunks
    )
    assert all_drafted(root, "es")


# --- the same drafts as one catalogue at a time ----------------------------------------------


def per_catalogue(root: Path, languages: list[str]) -> None:
    """The reference: each catalogue translated by itself, one engine call after the other."""
    from postloc.cli.options import load_project_config
    from postloc.project.drafting import translate
    from postloc.project.layout import Project
    from postloc.project.stages import template_identities

    project = Project(load_project_config(root / "postloc.toml"))
    for lang in languages:
        for identity in template_identities(project):
            translate(project, [lang], slugs=[identity], jobs=1)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_one_run_writes_exactly_what_one_catalogue_at_a_time_writes(
    tmp_path: Path, jobs: str
) -> None:
    streamed = project_with(tmp_path / "streamed", PSEUDO_CONFIG, posts=4)
    alone = tmp_path / "alone"
    shutil.copytree(streamed, alone)
    result = run(streamed, "translate", "--jobs", jobs)
    assert result.exit_code == 0, result.stderr
    per_catalogue(alone, ["en", "es", "ca", "eo"])
    assert locales(streamed) == locales(alone)
    assert all(all_drafted(streamed, lang) for lang in ("en", "es", "ca", "eo"))


@pytest.mark.slow
def test_apertium_pivots_write_exactly_what_one_catalogue_at_a_time_writes(
    tmp_path: Path,
) -> None:
    config = APERTIUM_CONFIG.replace('["en", "es"]', '["en", "es", "ca"]')
    streamed = project_with(tmp_path / "streamed", config, posts=3)
    alone = tmp_path / "alone"
    shutil.copytree(streamed, alone)
    assert run(streamed, "translate").exit_code == 0
    per_catalogue(alone, ["es", "en", "ca"])
    assert locales(streamed) == locales(alone)


# --- killed mid-stream -----------------------------------------------------------------------

STAND_IN = """\
    #!{python}
    # apertium that echoes, logs each process's input, and hangs on the mode FAKE_APERTIUM_HANG
    import os, sys, time
    prefix = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    modes = os.path.join(prefix, "share", "apertium", "modes")
    if sys.argv[1] == "-l":
        print("\\n".join(sorted(name[: -len(".mode")] for name in os.listdir(modes))))
        sys.exit(0)
    if sys.argv[1] == "-V":
        print("Apertium 9.8.7")
        sys.exit(0)
    mode = sys.argv[-1]
    text = sys.stdin.read()
    log = os.path.join(os.environ["APERTIUM_CALLS"], f"{{time.time_ns()}}-{{os.getpid()}}-{{mode}}")
    with open(log + ".in", "w", encoding="utf-8") as handle:
        handle.write(text)
    if mode == os.environ.get("FAKE_APERTIUM_HANG"):
        time.sleep(600)
    sys.stdout.write(text)
"""


@pytest.fixture
def stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An echoing apertium with fr→es and es→en first on PATH; yields its log folder."""
    prefix = tmp_path / "prefix"
    script = prefix / "bin" / "apertium"
    script.parent.mkdir(parents=True)
    script.write_text(textwrap.dedent(STAND_IN.format(python=sys.executable)))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    for mode in ("fr-es", "spa-eng"):
        data = prefix / "share" / "apertium" / f"apertium-{mode}" / f"{mode}.automorf.bin"
        data.parent.mkdir(parents=True)
        data.write_text("v1")
        (prefix / "share/apertium/modes").mkdir(exist_ok=True)
        (prefix / "share/apertium/modes" / f"{mode}.mode").write_text(f"lt-proc '{data}'\n")
    calls = tmp_path / "calls"
    calls.mkdir()
    monkeypatch.setenv("PATH", f"{script.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("APERTIUM_CALLS", str(calls))
    monkeypatch.delenv(apertium_module.DATADIR_ENV, raising=False)
    forget_installations()
    yield calls
    forget_installations()
    for log in calls.glob("*.in"):  # a hung stand-in outlives the killed run
        pid = int(log.name.split("-")[1])
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def calls_by_mode(calls: Path) -> dict[str, list[list[str]]]:
    found: dict[str, list[list[str]]] = {}
    for log in sorted(calls.glob("*.in"), key=lambda p: int(p.name.split("-")[0])):
        mode = log.name.split("-", 2)[2].removesuffix(".in")
        found.setdefault(mode, []).append(SEGMENT.findall(log.read_text(encoding="utf-8")))
    return found


def test_sigkill_mid_stream_then_rerun_loses_nothing_and_sends_only_the_unfinished_call(
    stand_in: Path, tmp_path: Path
) -> None:
    root = project_with(tmp_path / "site", APERTIUM_CONFIG)
    texts = msgids(root)
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO / "src"),
        "FAKE_APERTIUM_HANG": "spa-eng",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "postloc", "translate"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not any(stand_in.glob("*-spa-eng.in")):  # the second hop's call has started
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the run never reached its second hop"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        process.kill()
        process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert all_drafted(root, "es")  # its drafts landed with the first hop, and were saved
    assert not all_drafted(root, "en")
    spanish = locales(root)
    first = calls_by_mode(stand_in)
    assert [len(call) for call in first["fr-es"]] == [len(texts)]

    for log in stand_in.glob("*.in"):
        log.rename(log.with_suffix(".killed"))
    result = run(root, "translate", "--json")
    assert result.exit_code == 0, result.stderr
    assert calls_by_mode(stand_in) == {"spa-eng": first["spa-eng"]}  # only the unfinished call
    report = json.loads(result.stdout)
    assert report["engine_segments"] == len(texts)
    assert all_drafted(root, "en")
    after = locales(root)
    assert {name: data for name, data in after.items() if "/es/" in name} == {
        name: data for name, data in spanish.items() if "/es/" in name
    }


# --- every core by default -------------------------------------------------------------------


def test_translate_uses_every_usable_core_unless_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from postloc.mt import streams
    from postloc.mt.engines.pseudo import PseudoEngine

    root = project_with(tmp_path / "site", PSEUDO_CONFIG, posts=1, paragraphs=2)
    seen: list[int] = []
    told: list[int] = []
    original = streams.Streams.__init__

    def spy(self: streams.Streams, memory: object, jobs: int = 1, **options: object) -> None:
        seen.append(jobs)
        original(self, memory, jobs, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(streams.Streams, "__init__", spy)
    monkeypatch.setattr(PseudoEngine, "use_cores", lambda self, cores: told.append(cores))
    assert run(root, "translate").exit_code == 0
    assert seen == [usable_cores()] and told == [usable_cores()]
    assert default_jobs() == min(64, usable_cores())
    for name in ("en", "es", "ca", "eo"):
        (root / "locales" / name / "LC_MESSAGES" / "billet-00.po").unlink()
    assert run(root, "update").exit_code == 0
    assert run(root, "translate", "--jobs", "1").exit_code == 0
    assert seen[-1] == 1 and told[-1] == 1


def test_usable_cores_are_the_affinity_not_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "process_cpu_count", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {3})
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert usable_cores() == 1
    assert default_jobs() == 1


# --- the engine phase alone (sync) -----------------------------------------------------------


def test_draft_into_memory_then_translate_finds_every_draft_there(tmp_path: Path) -> None:
    from postloc.cli.options import load_project_config
    from postloc.project.drafting import draft_into_memory, translate
    from postloc.project.layout import Project

    root = project_with(tmp_path / "site", PSEUDO_CONFIG, posts=2, paragraphs=4)
    project = Project(load_project_config(root / "postloc.toml"))
    texts = msgids(root)
    done: list[tuple[str, int]] = []
    languages = ["en", "es", "ca", "eo"]
    report, fresh = draft_into_memory(
        project,
        {lang: texts for lang in languages} | {"eo": []},
        jobs=2,
        on_done=lambda lang, drafted: done.append((lang, len(drafted))),
    )
    assert report.engine_segments == 3 * len(texts)
    assert done == [("eo", 0), ("en", len(texts)), ("es", len(texts)), ("ca", len(texts))]
    assert {lang: len(found) for lang, found in fresh.items()} == {
        "en": len(texts),
        "es": len(texts),
        "ca": len(texts),
        "eo": 0,
    }
    assert not any(all_drafted(root, lang) for lang in languages)  # only the memory so far
    drafted, _writes = translate(project, ["en", "es"], fresh=fresh)
    assert drafted.translated == 2 * len(texts)  # every text is one entry of one post
    assert drafted.engine_segments == 0 and drafted.from_memory == 0  # the engines made them
    assert all_drafted(root, "en") and all_drafted(root, "es")
    again, _writes = translate(project, ["ca"])
    assert again.engine_segments == 0 and again.from_memory == again.translated > 0
