"""Real LibreTranslate servers on loopback for the tests and ``make bench``.

LibreTranslate pins ``numpy<2``, so it lives in its own venv, built once per machine under
the system temp folder and keyed by its version (``/tmp/postloc-lt-venv-1.9.6``); a later
run reuses it. Servers run with ``HOME``, ``XDG_*``, ``ARGOS_PACKAGES_DIR`` and ``TMPDIR`` in
a temporary root, serve two tiny Argos packages (fr→en, en→es: with fewer than two the
server fetches the package index at start-up), and carry a ``sitecustomize`` guard that
refuses and records any connection leaving loopback, so a test can prove none was tried.

Run as a script to build the venv ahead of the tests: ``python tests/libretranslate_pool.py``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

import argos_tiny

LT_VERSION = "1.9.6"
"""The LibreTranslate release the tests run; the venv folder is named after it."""

PAIRS = (("fr", "en"), ("en", "es"))
"""Tiny packages every server gets; fr→es comes from the server's own pivoting."""

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

_GUARD = '''\
"""Loaded by every server (PYTHONPATH): refuse and record connections leaving loopback."""
import ipaddress, os, socket

_DIR = os.path.dirname(os.path.abspath(__file__))
_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex
_sendto, _getaddrinfo = socket.socket.sendto, socket.getaddrinfo


def _local(host):
    if host in ("localhost", "", None):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(what):
    with open(os.path.join(_DIR, "attempts-%d.log" % os.getpid()), "a") as log:
        log.write(what + "\\n")
    raise OSError("postloc test guard: no network outside 127.0.0.1 (%s)" % what)


def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _local(address[0]):
        _refuse("connect %r" % (address,))
    return _connect(self, address)


def connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _local(address[0]):
        _refuse("connect %r" % (address,))
    return _connect_ex(self, address)


def sendto(self, data, *args):
    address = args[-1]
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _local(address[0]):
        _refuse("sendto %r" % (address,))
    return _sendto(self, data, *args)


def getaddrinfo(host, *args, **kwargs):
    if not _local(host if not isinstance(host, bytes) else host.decode()):
        _refuse("getaddrinfo %r" % (host,))
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
socket.socket.sendto, socket.getaddrinfo = sendto, getaddrinfo
with open(os.path.join(_DIR, "armed-%d" % os.getpid()), "w"):
    pass
'''


class PoolError(RuntimeError):
    """The LibreTranslate test environment could not be built or a server did not start."""


def venv_path(version: str = LT_VERSION) -> Path:
    return Path(tempfile.gettempdir()) / f"postloc-lt-venv-{version}"


def ensure_venv(version: str = LT_VERSION) -> Path:
    """The LibreTranslate venv, built on first use (about a minute) under a file lock.

    A ``.postloc-ready`` marker is written last, so a build killed half-way is redone.
    """
    venv = venv_path(version)
    marker = venv / ".postloc-ready"
    if marker.exists():
        return venv
    lock = venv.with_name(venv.name + ".lock")
    with open(lock, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        if marker.exists():
            return venv
        shutil.rmtree(venv, ignore_errors=True)
        steps = [
            [sys.executable, "-m", "venv", str(venv)],
            [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
             f"libretranslate=={version}"],
        ]  # fmt: skip
        for step in steps:
            done = subprocess.run(step, capture_output=True, text=True, check=False)
            if done.returncode:
                raise PoolError(f"{' '.join(step)} failed:\n{done.stdout}{done.stderr}")
        marker.write_text(version + "\n", encoding="utf-8")
    return venv


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get_json(url: str, timeout: float = 2.0) -> object:
    with _OPENER.open(url, timeout=timeout) as response:
        return json.loads(response.read())


class Server:
    """One ``libretranslate`` process on a loopback port, its log in a file."""

    def __init__(self, pool: LTPool, name: str, args: Sequence[str]) -> None:
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workdir = pool.root / "servers" / name
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.log = self.workdir / "server.log"
        command = [
            str(pool.venv / "bin" / "libretranslate"),
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--disable-web-ui",
            "--disable-files-translation",
            *args,
        ]  # fmt: skip
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=self.workdir,
                env=pool.environment(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Poll ``GET /languages``: the "Running on" line comes before the port is bound."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise PoolError(f"server {self.name} exited:\n{self.log.read_text()[-3000:]}")
            with contextlib.suppress(OSError, ValueError):
                if get_json(self.url + "/languages", timeout=1.0):
                    return
            time.sleep(0.1)
        raise PoolError(f"server {self.name} not ready in {timeout:g} s:\n{self.log.read_text()}")

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it lingers."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        """Die at once, mid-request, as a crashed replica does."""
        self.process.kill()
        self.process.wait()


class LTPool:
    """A temporary root with the venv's packages installed and the servers started in it."""

    def __init__(self, root: Path, venv: Path) -> None:
        self.root = Path(root)
        self.venv = venv
        self.guard = self.root / "guard"
        self.guard.mkdir(parents=True, exist_ok=True)
        (self.guard / "sitecustomize.py").write_text(_GUARD, encoding="utf-8")
        self.home = argos_tiny.argos_environment(self.root / "argos")
        self.servers: list[Server] = []
        self.extra_env: dict[str, str] = {}
        """Added to every server started afterwards (e.g. ``ARGOS_INTRA_THREADS``)."""

    def environment(self) -> dict[str, str]:
        """Only what the servers need: no proxy, no ``LT_*`` leaking from the caller."""
        tmp = self.root / "tmp"
        tmp.mkdir(exist_ok=True)
        return {
            **self.home,
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "TMPDIR": str(tmp),
            "ORT_DISABLE_TELEMETRY": "1",
            "PYTHONPATH": str(self.guard),
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }

    def install_packages(self, packages: Sequence[Path]) -> None:
        """``argostranslate.package.install_from_path`` in the LT venv (no index fetch)."""
        code = (
            "import sys, argostranslate.package as p\n"
            "for path in sys.argv[1:]: p.install_from_path(path)\n"
        )
        done = subprocess.run(
            [str(self.venv / "bin" / "python"), "-c", code, *map(str, packages)],
            env=self.environment(),
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise PoolError(f"installing packages failed:\n{done.stdout}{done.stderr}")

    def add_key(self, key: str, db_path: Path, req_limit: int = 100_000) -> None:
        """Register an API key with ``ltmanage`` in a keys database."""
        command = [
            str(self.venv / "bin" / "ltmanage"), "keys", "--api-keys-db-path", str(db_path),
            "add", str(req_limit), "--key", key,
        ]  # fmt: skip
        db_path.parent.mkdir(parents=True, exist_ok=True)
        db_path.touch()
        done = subprocess.run(
            command, env=self.environment(), capture_output=True, text=True, check=False
        )
        if done.returncode:
            raise PoolError(f"ltmanage failed:\n{done.stdout}{done.stderr}")

    def start(self, count: int = 1, *args: str, prefix: str = "lt") -> list[Server]:
        """Start ``count`` servers together and wait until every one answers."""
        started = [Server(self, f"{prefix}{len(self.servers) + i}", args) for i in range(count)]
        self.servers.extend(started)
        for server in started:
            server.wait_ready()
        return started

    def stop_all(self) -> None:
        for server in self.servers:
            server.stop()

    def outside_attempts(self) -> list[str]:
        """Every connection a server tried outside loopback (refused by the guard)."""
        return [
            line
            for log in sorted(self.guard.glob("attempts-*.log"))
            for line in log.read_text(encoding="utf-8").splitlines()
        ]

    def guarded_pids(self) -> set[int]:
        """Processes in which the guard was loaded."""
        return {int(p.name.split("-")[1]) for p in self.guard.glob("armed-*")}


def sample_segments(count: int = 500) -> list[str]:
    """Distinct engine texts, as the markup wrapper renders them for an ``html`` engine, with
    bold, italic and link tags, escaped ``&``/``<`` and an order marker ``<code id=1000+i>``."""
    lines = argos_tiny.corpus_lines()
    texts = []
    for i in range(count):
        words = lines[i % len(lines)].rstrip(".").split()
        middle = len(words) // 2
        first, second = " ".join(words[:middle]), " ".join(words[middle:])
        if i % 3 == 0:
            body = f'<b id="1">{first}</b> {second} &amp; &lt;{i}&gt;'
        elif i % 3 == 1:
            body = f'{first} <i id="1">{second}</i> <a id="2">lien {i}</a>'
        else:
            body = f"{first} {second} numéro {i}"
        texts.append(f'{body}. <code id="{1000 + i}"></code>')
    return texts


def build_packages(workdir: Path) -> list[Path]:
    return [argos_tiny.build_tiny_package(workdir, src, tgt) for src, tgt in PAIRS]


@contextlib.contextmanager
def running_pool(root: Path, servers: int = 2, *args: str) -> Iterator[LTPool]:
    """A ready pool of ``servers`` servers below ``root``, stopped on exit."""
    pool = LTPool(root, ensure_venv())
    pool.install_packages(build_packages(pool.root / "packages"))
    try:
        if servers:
            pool.start(servers, *args)
        yield pool
    finally:
        pool.stop_all()


if __name__ == "__main__":
    started = time.monotonic()
    path = ensure_venv()
    print(f"LibreTranslate {LT_VERSION} venv ready at {path} ({time.monotonic() - started:.0f} s)")
