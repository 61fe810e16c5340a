"""A safety net under every exchange test: sockets open only to this machine.

The outbound tests name private and public addresses on purpose; if the guard ever let
one through, this refuses the connection (and records it) instead of sending traffic.
"""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import ip_address
from typing import Any

import httpcore
import pytest

ATTEMPTS: list[tuple[str, int]] = []  # non-loopback connections a test tried to open


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, int]]]:
    connect = httpcore.SyncBackend.connect_tcp

    def guarded(self: httpcore.SyncBackend, host: str, port: int, *args: Any, **kw: Any) -> Any:
        try:
            loopback = ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            ATTEMPTS.append((host, port))
            raise httpcore.ConnectError("tests connect to loopback addresses only")
        return connect(self, host, port, *args, **kw)

    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", guarded)
    ATTEMPTS.clear()
    yield ATTEMPTS
    assert ATTEMPTS == [], f"a test tried to connect outside this machine: {ATTEMPTS}"
