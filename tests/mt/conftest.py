"""Fixtures shared by the machine-translation tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture
def no_connections() -> Iterator[list[str]]:
    """Every connection refused, loopback included; the test fails if one was attempted.

    Yields the attempts so a test of the guard itself can look at them and clear them.
    Modules that must stay offline use it for every test (``pytestmark``).
    """
    import argos_tiny  # numpy: only for the modules that use the guard

    attempts, restore = argos_tiny.block_network()
    try:
        yield attempts
    finally:
        restore()
    assert attempts == [], f"network access attempted: {attempts}"
