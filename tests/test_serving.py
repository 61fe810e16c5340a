"""`ortaq serve --workers N`: several processes on one socket, each connection with
TCP_NODELAY, one signing key for sign-in forms, the same answers as one process."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from ortaq.api.serving import listening_socket
from ortaq.exchange.accounts import create_token, create_user
from ortaq.model import Item
from ortaq.store import Store


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def nodelay_of_accepted(sock: socket.socket) -> int:
    """TCP_NODELAY on the server side of a connection asyncio accepts on `sock`."""
    seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def accepted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted_sock = writer.get_extra_info("socket")
        seen.set_result(accepted_sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        writer.close()

    server = await asyncio.start_server(accepted, sock=sock)
    async with server:
        _, writer = await asyncio.open_connection(*sock.getsockname()[:2])
        try:
            return await asyncio.wait_for(seen, 30)
        finally:
            writer.close()


def test_connections_on_the_shared_socket_get_nodelay() -> None:
    # A socket made as uvicorn's own bind makes it (protocol 0) gets 0 here: asyncio
    # turns the option on only for sockets that say they are TCP.
    sock = listening_socket("127.0.0.1", 0)
    # A thread of its own: another test's browser (Playwright's sync API) may keep an
    # event loop running in this one.
    with ThreadPoolExecutor(1) as thread:
        assert thread.submit(asyncio.run, nodelay_of_accepted(sock)).result(timeout=60) == 1


def test_two_workers_serve_the_same_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/workers.db"
    store = Store.open(url)
    store.upsert_member("dala", "Dala News")
    for n in range(3):
        store.save(Item(uri=f"urn:dala:{n}", headline=f"Story {n}", provider="dala"))
    user = create_user(store, "editor", "a long enough password", "editor", member="dala")
    _, token = create_token(store, user.id, "t")
    store.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORTAQ_")}
    env.update(ORTAQ_DATABASE_URL=url, ORTAQ_DATA_DIR=str(tmp_path), ORTAQ_INSECURE_COOKIES="1")
    env.update(ORTAQ_RATE_LIMIT="0", PYTHONPATH=str(Path(__file__).resolve().parents[1] / "src"))
    port, log = free_port(), tmp_path / "serve.log"
    command = [sys.executable, "-c", "from ortaq.cli import main; main()", "serve"]
    with log.open("wb") as out:
        server = subprocess.Popen(
            [*command, "--port", str(port), "--workers", "2"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, server, log)
        headers = {"Authorization": f"Bearer {token}"}
        for _ in range(8):  # new connections: both workers answer some of them
            with httpx.Client(base_url=base, headers=headers) as client:
                listed = client.get("/api/v1/items").json()["items"]
                assert sorted(i["uri"] for i in listed) == [f"urn:dala:{n}" for n in range(3)]
        for _ in range(6):  # a form one worker signed verifies in the other
            with httpx.Client(base_url=base) as client:
                form = client.get("/login").text
                csrf = re.search(r'name="csrf" value="([^"]+)"', form)
                assert csrf is not None, form
                signed_in = client.post(
                    "/login",
                    data={
                        "username": "editor",
                        "password": "a long enough password",
                        "csrf": csrf.group(1),
                    },
                )
                assert signed_in.status_code == 303, signed_in.text
    finally:
        server.terminate()
        server.wait(timeout=60)
    text = log.read_text(errors="replace")
    assert text.count("Started server process") == 2, text


def wait_until_up(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text(errors="replace")
        try:
            if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.3)
    raise AssertionError(f"not up:\n{log.read_text(errors='replace')}")
