"""How `ortaq serve` runs the app: one process, or several uvicorn workers on one socket.

Several workers need the app from an import string (`app_from_environment`, a factory
each worker calls) and a listening socket made here: uvicorn's own leaves the socket's
protocol unset, and asyncio turns on TCP_NODELAY only for sockets that say they are TCP,
so every keep-alive response would wait for the client's delayed ACK (about 40 ms).
"""

from __future__ import annotations

import os
import secrets
import socket

from fastapi import FastAPI

SECRET_KEY = "ORTAQ_SECRET_KEY"
# How long a worker may take to import, open the store and answer uvicorn's health check
# before it is taken for dead and restarted (uvicorn's default, 5 s, is too short on a
# busy machine: every worker then restarts for ever).
WORKER_STARTUP_SECONDS = 120


def app_from_environment() -> FastAPI:
    """The app on the store and settings the environment names (one per worker)."""
    from ortaq.api import create_app
    from ortaq.config import Settings
    from ortaq.exchange.settings import ExchangeSettings
    from ortaq.store import Store

    return create_app(Store.open(Settings.from_env().database_url), ExchangeSettings.from_env())


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound TCP socket whose accepted connections get TCP_NODELAY from asyncio."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def share_secret_key() -> None:
    """Give every worker the same signing key for sign-in forms, if none is set: a form
    served by one worker must verify in another."""
    if not os.environ.get(SECRET_KEY):
        os.environ[SECRET_KEY] = secrets.token_urlsafe(32)
