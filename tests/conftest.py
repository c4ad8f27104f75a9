"""Shared fixtures: a guard that fails any test trying to reach the network.

Loopback stays allowed (the LibreTranslate tests run real servers on
127.0.0.1); anything else raises, so a test that would touch the network
fails loudly instead of hanging or passing by luck.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest

_real_connect = socket.socket.connect
_real_getaddrinfo = socket.getaddrinfo


class NetworkAttempt(AssertionError):
    """A test tried to leave the machine."""


def _is_local(host: Any) -> bool:
    if host in ("localhost", "", None):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
        raise NetworkAttempt(f"network connection attempted to {address!r}")
    return _real_connect(self, address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if not _is_local(host):
        raise NetworkAttempt(f"DNS lookup attempted for {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test runs with outbound connections refused (loopback allowed)."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", _guarded_getaddrinfo)
    yield


# --- every catalogue postloc writes in a test must satisfy GNU gettext -------------------------

_verified: set[bytes] = set()


def _gettext_problems(path: str, data: bytes) -> list[str]:
    """msgfmt --check must accept the file, and msgcat must rewrite it byte for byte."""
    import hashlib
    import subprocess

    digest = hashlib.sha256(data).digest()
    if digest in _verified:
        return []
    problems = []
    check = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", path], capture_output=True)
    if check.returncode != 0:
        problems.append(f"msgfmt --check refused {path}: {check.stderr.decode()[:500]}")
    cat = subprocess.run(["msgcat", path], capture_output=True)
    if cat.returncode != 0 or cat.stdout != data:
        problems.append(f"msgcat rewrites {path}")
    if not problems:
        _verified.add(digest)
    return problems


@pytest.fixture(autouse=True)
def catalogues_are_gettext_clean(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Record every .po/.pot that postloc writes (all writes go through os.replace in
    postloc.files.atomic_write) and check each with msgfmt and msgcat after the test."""
    import os
    import shutil

    if shutil.which("msgcat") is None:
        pytest.fail("GNU gettext is not installed: `make setup` installs it")
    written: dict[str, bytes] = {}
    real_replace = os.replace

    def recording_replace(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        target = os.fspath(dst)
        if target.endswith((".po", ".pot")):
            with open(src, "rb") as handle:
                written[target] = handle.read()
        real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", recording_replace)
    yield
    problems = []
    for path, data in written.items():
        try:
            with open(path, "rb") as handle:
                current = handle.read()
        except OSError:
            continue
        if current == data:
            problems.extend(_gettext_problems(path, data))
    assert not problems, "\n".join(problems)


# --- hypothesis: the same examples on every run, so CI never flakes ----------------------------
# POSTLOC_HYPOTHESIS_RANDOM=1 explores new random examples (for a local bug hunt).
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("postloc", derandomize=True, print_blob=True)
_hypothesis_settings.register_profile("explore", derandomize=False, print_blob=True)
_hypothesis_settings.load_profile(
    "explore" if os.environ.get("POSTLOC_HYPOTHESIS_RANDOM") else "postloc"
)
