"""The libretranslate engine against real LibreTranslate servers on 127.0.0.1.

The slow tests start real servers (see ``libretranslate_pool``); the fault paths real servers
cannot be made to take on demand (5xx, a hang, a wrong item count) use small stdlib HTTP
servers on loopback, which answer like LibreTranslate but misbehave.
"""

from __future__ import annotations

import contextlib
import html
import ipaddress
import json
import os
import re
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

import argos_tiny
from libretranslate_pool import LTPool, Server, get_json, running_pool, sample_segments
from postloc.errors import ConfigError, EngineFailed, EngineUnavailable
from postloc.mt.engines.base import Engine, Route
from postloc.mt.engines.libretranslate import pool
from postloc.mt.engines.libretranslate.pool import LibreTranslateEngine, plan_requests
from postloc.mt.engines.libretranslate.server import KEY_ENV, ServerInfo, as_html
from postloc.mt.engines.libretranslate.settings import LibreTranslateSettings
from postloc.mt.markup.protection import protect, restore
from postloc.mt.memory import TranslationMemory
from postloc.mt.streams import translate_texts
from postloc.mt.translator import MachineTranslator

CORPUS = argos_tiny.corpus_lines()
MARKER = re.compile(r'<code id="(\d+)"></code>')
segments = sample_segments


def engine(*urls: str, **settings: Any) -> LibreTranslateEngine:
    options: dict[str, Any] = {"batch_size": 16, "concurrency": 4, "timeout": 30.0}
    options.update(settings)
    api_key = options.pop("api_key", None)
    return LibreTranslateEngine(LibreTranslateSettings(urls=urls, **options), api_key=api_key)


def one_line(error: BaseException) -> str:
    text = str(error)
    assert "\n" not in text
    return text


# --- pure helpers (fast) ----------------------------------------------------------------------


def test_plan_requests_respects_batch_size_and_char_limit() -> None:
    assert plan_requests([1] * 5, 2, -1) == [range(0, 2), range(2, 4), range(4, 5)]
    assert plan_requests([4, 4, 4, 1], 10, 9) == [range(0, 2), range(2, 4)]
    assert plan_requests([9, 9], 10, 9) == [range(0, 1), range(1, 2)]
    assert plan_requests([], 4, -1) == []


def test_as_html_escapes_decoded_text_but_keeps_the_source_tags() -> None:
    source = 'A &lt; B &amp; <b id="1">C</b> <code id="2"></code>'
    output = 'X < Y & <b id="1">Z</b> <code id="2"></code> <p>'
    assert as_html(source, output) == (
        'X &lt; Y &amp; <b id="1">Z</b> <code id="2"></code> &lt;p&gt;'
    )
    assert as_html("plain", "a <b> c") == "a &lt;b&gt; c"


def test_server_pairs_exclude_the_language_itself_and_map_codes() -> None:
    info = ServerInfo(
        url="http://127.0.0.1:1",
        version="1.9.6",
        languages=(("en", ("en", "es")), ("fr", ("en", "es", "fr")), ("pt-BR", ("en",))),
        char_limit=-1,
    )
    assert info.pairs() == {("en", "es"), ("fr", "en"), ("fr", "es"), ("pt", "en")}
    assert info.codes()["pt"] == "pt-BR"


def test_bad_settings_and_an_empty_pool_are_clear_errors() -> None:
    with pytest.raises(ConfigError, match="batch_size must be at least 1"):
        engine("http://127.0.0.1:1", batch_size=0)
    with pytest.raises(ConfigError, match="not an http"):
        engine("127.0.0.1:5000")
    with pytest.raises(EngineUnavailable, match=r"set \[engines.libretranslate\] urls"):
        engine().pairs()


def test_is_an_engine() -> None:
    assert isinstance(engine("http://127.0.0.1:1"), Engine)


# --- misbehaving servers on loopback (fast) ---------------------------------------------------

LANGUAGES = [{"code": "fr", "name": "French", "targets": ["en", "fr"]}]


def stub_server(on_translate: Callable[[BaseHTTPRequestHandler, dict[str, Any]], None]) -> Any:
    """A LibreTranslate look-alike whose ``POST /translate`` does what the test says."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def reply(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path == "/languages":
                self.reply(200, LANGUAGES)
            else:
                self.reply(404, {"error": "Not Found"})

        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            on_translate(self, json.loads(self.rfile.read(length)))

    class Quiet(ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # a client that timed out and left is the point of some tests

    server = Quiet(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}"  # type: ignore[attr-defined]
    return server


@pytest.fixture
def stubs() -> Iterator[Callable[..., Any]]:
    started: list[Any] = []

    def start(on_translate: Callable[[BaseHTTPRequestHandler, dict[str, Any]], None]) -> Any:
        started.append(stub_server(on_translate))
        return started[-1]

    yield start
    for server in started:
        server.shutdown()
        server.server_close()


def echo(handler: Any, body: dict[str, Any]) -> None:
    handler.reply(200, {"translatedText": [t.upper() for t in body["q"]]})


def test_work_moves_off_a_server_answering_5xx(stubs: Callable[..., Any]) -> None:
    broken = stubs(lambda h, b: h.reply(500, {"error": "Cannot translate text: boom"}))
    good = stubs(echo)
    pool = engine(broken.url, good.url, batch_size=2, concurrency=2)
    texts = [f"texte {i}" for i in range(20)]
    assert pool.translate(texts, "fr", "en") == [t.upper() for t in texts]
    stats = {s.url: s for s in pool.stats()}
    assert stats[broken.url].failures >= 1
    assert stats[broken.url].last_error == "HTTP 500: Cannot translate text: boom"
    assert stats[good.url].segments == 20


def test_work_moves_off_a_slow_server(stubs: Callable[..., Any]) -> None:
    slow = stubs(lambda h, b: (time.sleep(1.5), echo(h, b)))
    good = stubs(echo)
    pool = engine(slow.url, good.url, batch_size=5, concurrency=2, timeout=0.5)
    texts = [f"texte {i}" for i in range(10)]
    assert pool.translate(texts, "fr", "en") == [t.upper() for t in texts]
    stats = {s.url: s for s in pool.stats()}
    assert stats[slow.url].last_error == "no answer within 0.5 s"


def test_a_wrong_item_count_is_rejected(stubs: Callable[..., Any]) -> None:
    short = stubs(lambda h, b: h.reply(200, {"translatedText": b["q"][:-1]}))
    with pytest.raises(EngineFailed) as failure:
        engine(short.url).translate(["a", "b", "c"], "fr", "en")
    assert one_line(failure.value) == (
        f"LibreTranslate server {short.url} returned 2 translations for 3 segments"
    )


def test_retries_are_bounded_when_every_server_fails(
    stubs: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pool, "BACKOFF_BASE", 0.05)
    broken = stubs(lambda h, b: h.reply(503, {"error": "busy"}))
    started = time.monotonic()
    with pytest.raises(EngineFailed) as failure:
        engine(broken.url).translate(["a"], "fr", "en")
    assert 0.35 <= time.monotonic() - started < 5  # rests of 0.05, 0.1 and 0.2 s
    assert one_line(failure.value) == (
        "no LibreTranslate server translated a request of 1 segments in 4 attempts "
        f"({broken.url}: HTTP 503: busy)"
    )


def test_a_server_down_at_start_is_left_out(stubs: Callable[..., Any]) -> None:
    good = stubs(echo)
    pool = engine("http://127.0.0.1:9", good.url)
    assert [s.url for s in pool.servers()] == [good.url]
    assert pool.translate(["a"], "fr", "en") == ["A"]
    with pytest.raises(EngineUnavailable, match=r"no LibreTranslate server answered: .*refused"):
        engine("http://127.0.0.1:9").pairs()


# --- real LibreTranslate servers (slow) -------------------------------------------------------


@pytest.fixture(scope="session")
def lt_pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LTPool]:
    """Two plain servers; other tests add their own to this pool's root."""
    with running_pool(tmp_path_factory.mktemp("libretranslate"), 2) as pool:
        yield pool


@pytest.fixture(scope="session")
def one_server_output(lt_pool: LTPool) -> list[str]:
    return engine(lt_pool.servers[0].url).translate(segments(), "fr", "en")


@pytest.mark.slow
def test_pairs_and_version_come_from_the_servers(lt_pool: LTPool) -> None:
    pool = engine(*(s.url for s in lt_pool.servers))
    assert pool.pairs() == {("fr", "en"), ("en", "es"), ("fr", "es")}
    assert re.fullmatch(r"lt-1\.9\.6-[0-9a-f]{10}", pool.version())
    assert engine(lt_pool.servers[1].url).version() == pool.version()
    assert all(s.char_limit == -1 for s in pool.servers())


@pytest.mark.slow
def test_500_segments_through_the_pool_come_back_complete_and_in_order(
    lt_pool: LTPool, one_server_output: list[str]
) -> None:
    texts = segments()
    pool = engine(*(s.url for s in lt_pool.servers))
    outputs = pool.translate(texts, "fr", "en")
    assert len(outputs) == 500
    assert [MARKER.findall(o) for o in outputs] == [[str(1000 + i)] for i in range(500)]
    assert outputs == one_server_output
    stats = pool.stats()
    assert sum(s.segments for s in stats) == 500
    assert all(s.requests > 0 and s.failures == 0 for s in stats)


@pytest.mark.slow
def test_html_mode_keeps_tags_and_answers_in_html(one_server_output: list[str]) -> None:
    for i, output in enumerate(one_server_output):
        tags = re.findall(r"<[^>]*>", output)
        expected = {0: ['<b id="1">', "</b>"], 1: ['<i id="1">', "</i>", '<a id="2">', "</a>"]}
        assert tags == [*expected.get(i % 3, []), f'<code id="{1000 + i}">', "</code>"]
        text = re.sub(r"<[^>]*>", "", output)
        assert ">" not in text
        assert re.fullmatch(r"([^&]|&(amp|lt|gt);)*", text)


@pytest.mark.slow
def test_pivot_pair_and_markdown_round_trip(lt_pool: LTPool) -> None:
    pool = engine(lt_pool.servers[0].url)
    msgids = [
        "Le **petit** village se réveille.",
        "Marie traverse [la place](https://example.org/place) avec `code`.",
        "Nous avons *marché* pendant trois heures.",
    ]
    protected = [protect(m, pool.markup) for m in msgids]
    outputs = Route(pool, ("fr", "es")).translate([p.engine_text for p in protected])
    restored = [restore(p, o) for p, o in zip(protected, outputs, strict=True)]
    assert "](https://example.org/place)" in restored[1].text
    assert "`code`" in restored[1].text
    assert not [p for r in restored for p in r.problems if p.startswith(("lost", "unexpected"))]


@pytest.mark.slow
def test_killing_a_server_mid_run_loses_nothing(
    lt_pool: LTPool, one_server_output: list[str]
) -> None:
    (doomed,) = lt_pool.start(1, prefix="doomed")
    survivor = lt_pool.servers[1]
    pool = engine(doomed.url, survivor.url, batch_size=10, concurrency=4)
    send = pool._send
    answered = {"doomed": 0}

    def send_then_kill(server: Any, texts: list[str], source: str, target: str) -> list[str]:
        result = send(server, texts, source, target)
        if server.info.url == doomed.url:
            answered["doomed"] += 1
            if answered["doomed"] == 3:
                doomed.kill()
        return result

    pool._send = send_then_kill  # type: ignore[method-assign]
    outputs = pool.translate(segments(), "fr", "en")
    assert doomed.process.returncode is not None
    assert outputs == one_server_output
    stats = {s.url: s for s in pool.stats()}
    assert stats[doomed.url].failures >= 1
    assert stats[doomed.url].segments + stats[survivor.url].segments == 500
    assert stats[survivor.url].segments > 250


@pytest.mark.slow
def test_a_failed_run_keeps_its_batches_and_the_rerun_continues(
    lt_pool: LTPool, tmp_path: Path
) -> None:
    (doomed,) = lt_pool.start(1, prefix="rerun")
    memory = TranslationMemory(tmp_path / "tm.sqlite3")
    msgids = [f"{CORPUS[i % len(CORPUS)]} (n° {i})" for i in range(200)]
    first = engine(doomed.url)
    translator = MachineTranslator(Route(first, ("fr", "en")), "fr", "en", memory)
    with pytest.raises(EngineFailed, match="no LibreTranslate server translated"):
        translate_texts(translator, msgids, on_batch=lambda batch: doomed.kill())
    assert len(memory) == 64
    second = engine(lt_pool.servers[0].url)
    rerun = MachineTranslator(Route(second, ("fr", "en")), "fr", "en", memory)
    drafts = translate_texts(rerun, msgids)
    assert len(drafts) == 200
    assert rerun.engine_segments == 136
    memory.close()


@pytest.fixture(scope="session")
def keyed_server(lt_pool: LTPool) -> Server:
    """``--api-keys --under-attack`` with one key, and small batch and character limits."""
    db = lt_pool.root / "keys" / "api_keys.db"
    lt_pool.add_key("postloc-test-key", db)
    args = ("--api-keys", "--under-attack", "--api-keys-db-path", str(db))
    (server,) = lt_pool.start(1, *args, "--batch-limit", "8", "--char-limit", "300", prefix="key")
    return server


@pytest.mark.slow
def test_an_api_key_from_the_environment_is_honoured(
    keyed_server: Server, one_server_output: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, "postloc-test-key")
    pool = engine(keyed_server.url, batch_size=8)
    assert pool.servers()[0].char_limit == 300
    assert pool.translate(segments(40), "fr", "en") == one_server_output[:40]


@pytest.mark.slow
def test_a_wrong_or_missing_key_is_a_one_line_error(
    keyed_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = keyed_server.url
    with pytest.raises(EngineUnavailable) as wrong:
        engine(url, api_key="not-the-key", batch_size=8).translate(["Bonjour."], "fr", "en")
    assert one_line(wrong.value) == (
        f"LibreTranslate server {url} refused the request (HTTP 403): Invalid API key; "
        f"check the key in {KEY_ENV}"
    )
    monkeypatch.delenv(KEY_ENV, raising=False)
    with pytest.raises(EngineUnavailable) as missing:
        engine(url, batch_size=8).translate(["Bonjour."], "fr", "en")
    assert one_line(missing.value) == (
        f"LibreTranslate server {url} refused the request (HTTP 400): Please contact the "
        f"server operator to get an API key; this server needs an API key in {KEY_ENV}"
    )


@pytest.mark.slow
def test_server_limits_are_one_line_errors(keyed_server: Server) -> None:
    url = keyed_server.url
    keyed = {"api_key": "postloc-test-key"}
    with pytest.raises(EngineFailed) as batch:
        engine(url, batch_size=16, **keyed).translate([f"Mot {i}." for i in range(16)], "fr", "en")
    assert one_line(batch.value) == (
        f"LibreTranslate server {url} refused the request (HTTP 400): Invalid request: request "
        "(16) exceeds text limit (8); lower [engines.libretranslate] batch_size or shorten the "
        "segment"
    )
    with pytest.raises(EngineFailed) as chars:
        engine(url, batch_size=8, **keyed).translate(["Bonjour.", "x" * 301], "fr", "en")
    assert one_line(chars.value) == (
        f"segment 2 of the batch has 301 characters; LibreTranslate server {url} accepts at "
        "most 300"
    )
    with pytest.raises(EngineUnavailable, match="serves en→fr"):
        engine(url, **keyed).translate(["Hello."], "en", "fr")


def _peer_is_local(hex_address: str) -> bool:
    """``/proc/net`` peers: IPv4 as one little-endian word, IPv6 as four."""
    raw = bytes.fromhex(hex_address)
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
    address = ipaddress.ip_address(words)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_loopback or address.is_unspecified


def _remote_endpoints(pid: int) -> list[str]:
    """Peers of the process's TCP/UDP sockets that are neither loopback nor unset."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    outside = []
    for table in ("tcp", "tcp6", "udp", "udp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            remote, inode = fields[2], fields[9]
            if inode in inodes and not _peer_is_local(remote.split(":")[0]):
                outside.append(f"{table} {remote}")
    return outside


@pytest.mark.slow
def test_no_traffic_leaves_loopback(lt_pool: LTPool) -> None:
    # The guard works: a server-environment process trying to leave is refused and recorded.
    probe = subprocess.run(
        [
            str(lt_pool.venv / "bin" / "python"),
            "-c",
            "import os, socket\nprint(os.getpid())\n"
            "try: socket.create_connection(('192.0.2.1', 80), timeout=1)\n"
            "except OSError as e: print(e)",
        ],
        env=lt_pool.environment(),
        capture_output=True,
        text=True,
        check=True,
    )
    pid, message = probe.stdout.splitlines()
    assert "no network outside 127.0.0.1" in message
    record = lt_pool.guard / f"attempts-{pid}.log"
    assert "192.0.2.1" in record.read_text()
    record.unlink()
    # Every server ran under the guard, none tried to leave, none holds an outside socket.
    assert {s.process.pid for s in lt_pool.servers} <= lt_pool.guarded_pids()
    assert lt_pool.outside_attempts() == []
    for server in lt_pool.servers:
        if server.process.poll() is None:
            assert _remote_endpoints(server.process.pid) == []
            assert get_json(server.url + "/health") == {"status": "ok"}
    # And this process's own guard (tests/conftest.py) is in force here too.
    import socket

    with pytest.raises(AssertionError, match="attempted"):
        socket.create_connection(("192.0.2.1", 80), timeout=1)


def test_html_helper_matches_markup_rendering() -> None:
    rendered = protect("A < B & **C**", "html").engine_text
    assert as_html(rendered, html.unescape(rendered)) == rendered
