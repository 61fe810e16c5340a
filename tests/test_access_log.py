"""uvicorn's access log never shows a query value: checked on the redaction itself
(hypothesis) and on a real `ortaq serve` asked with `?access_token=<secret>`."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, quote_plus, urlencode

import httpx
from hypothesis import given
from hypothesis import strategies as st

from ortaq.api.access_log import REDACTED, redact_target

PLAIN = re.compile(r"[a-z_]{1,32}")
names = st.one_of(st.from_regex(PLAIN, fullmatch=True), st.text(min_size=1, max_size=80))
values = st.text(max_size=80)
paths = st.lists(st.text(min_size=1, max_size=12).map(lambda s: quote(s, safe="")), max_size=4)


@given(paths, st.lists(st.tuples(names, values), max_size=6))
def test_only_plain_names_and_the_placeholder_survive(
    segments: list[str], params: list[tuple[str, str]]
) -> None:
    path = "/" + "/".join(segments)
    query = urlencode(params)
    redacted = redact_target(f"{path}?{query}" if params else path)
    kept_path, _, kept_query = redacted.partition("?")
    assert kept_path == path
    for part in filter(None, kept_query.split("&")):
        for word in part.split("="):
            assert word == REDACTED or PLAIN.fullmatch(word), (query, redacted)
    plain = [quote_plus(n) for n, _ in params if PLAIN.fullmatch(quote_plus(n))]
    assert [w.split("=")[0] for w in filter(None, kept_query.split("&")) if w[0] != "["] == plain


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=33, max_size=80))
def test_a_bare_token_is_never_kept(token: str) -> None:
    assert token not in redact_target(f"/api/v1/items?{token}")
    assert token not in redact_target(f"/api/v1/items?access_token={token}&limit=5")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_serve_keeps_secrets_out_of_its_log(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORTAQ_")}
    env.update(ORTAQ_DATABASE_URL=f"sqlite:///{tmp_path}/log.db", ORTAQ_DATA_DIR=str(tmp_path))
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1] / "src")
    port, log = free_port(), tmp_path / "serve.log"
    command = [sys.executable, "-c", "from ortaq.cli import main; main()", "serve"]
    with log.open("wb") as out:
        server = subprocess.Popen(
            [*command, "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and server.poll() is None:
            try:
                httpx.get(f"{base}/healthz", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        refused = httpx.get(f"{base}/api/v1/members", params={"access_token": "SECRET-ONE"})
        assert refused.status_code == 401
        httpx.get(f"{base}/login", params={"password": "SECRET-TWO", "next": "/"})
        httpx.get(f"{base}/healthz?ortaq_0123abcd_SECRET-THREE")
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = log.read_text(errors="replace")
    assert "GET /api/v1/members?access_token=[redacted] HTTP/1.1" in text, text
    assert "GET /login?password=[redacted]&next=[redacted] HTTP/1.1" in text, text
    assert "SECRET" not in text, text
    assert "cookies are Secure" in text  # serve says which cookie mode it runs in
