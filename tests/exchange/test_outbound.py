"""The guarded outbound client: internal URLs refused at registration and at request
time, redirects re-checked, bounds on size and time, errors without internal detail."""

from __future__ import annotations

import time
from dataclasses import replace
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network

import pytest
from fastapi.testclient import TestClient
from hypothesis import assume, given
from hypothesis import strategies as st

from ortaq.api import create_app
from ortaq.exchange.accounts import create_token, create_user
from ortaq.exchange.outbound import (
    CATEGORIES,
    Guard,
    Limits,
    OutboundClient,
    OutboundError,
    Refused,
    parse_networks,
    system_resolver,
)
from ortaq.exchange.settings import ExchangeSettings
from ortaq.store import Store
from tests.exchange.helpers import add_members
from tests.exchange.outbound_support import (
    INTERNAL_URLS,
    REFUSALS,
    local_settings,
    resolve_test_names,
    strict_guard,
)
from tests.exchange.servers import Recorded, serve, serve_raw

ALLOW_LOOPBACK = (ip_network("127.0.0.1/32"),)
REASONS = {
    "the host is not a public address",
    "the host does not resolve to a public address",
    "the URL is not well formed",
    "the URL contains a space or a control character",
}

# -- registration: the API refuses with a clear 422 --------------------------------------------


@pytest.fixture
def api(sqlite_store: Store) -> TestClient:
    add_members(sqlite_store, ("ma",))
    user = create_user(sqlite_store, "op", "long-password", "operator")
    token = create_token(sqlite_store, user.id, "t", "write")[1]
    settings = replace(
        ExchangeSettings.from_env(), rate_limit=0, outbound_resolver=resolve_test_names
    )
    client = TestClient(create_app(sqlite_store, settings))
    client.headers["Authorization"] = f"Bearer {token}"
    return client


@pytest.mark.parametrize("route", ["webhooks", "sources"])
def test_registration_refuses_internal_urls(api: TestClient, route: str) -> None:
    cases = [*INTERNAL_URLS, ("CR/LF", "http://a.example/\r\nX-Injected: 1")]
    for kind, url in cases:
        answer = api.post(f"/api/v1/{route}", json={"url": url.format(port=5432), "member": "ma"})
        assert answer.status_code == 422, kind
        detail = answer.json()["detail"]
        assert detail.removeprefix("url refused: ") in REASONS, kind
        assert "5432" not in detail, kind
    assert api.get(f"/api/v1/{route}").json()[route] == []


@pytest.mark.parametrize("route", ["webhooks", "sources"])
def test_registration_accepts_a_public_url(api: TestClient, route: str) -> None:
    url = "https://public.partner.example/feed"
    answer = api.post(f"/api/v1/{route}", json={"url": url, "member": "ma"})
    assert answer.status_code == 201 and answer.json()["url"] == url


def test_system_resolver_refuses_localhost_without_dns() -> None:
    # /etc/hosts answers for localhost, so this needs no network.
    assert ip_address("127.0.0.1") in [ip_address(a) for a in system_resolver("localhost", 80)]
    with pytest.raises(Refused) as refused:
        Guard().check("http://localhost:8000/")
    assert refused.value.category == "blocked_address"


# -- request time: nothing internal is ever contacted --------------------------------------------


@pytest.mark.parametrize(("kind", "url"), INTERNAL_URLS)
def test_request_time_refuses_internal_urls(kind: str, url: str) -> None:
    client = OutboundClient(strict_guard(), Limits(total=5))
    with serve() as server:
        port = server.url.rsplit(":", 1)[1]
        with pytest.raises(Refused) as refused:
            client.request("GET", url.format(port=port))
        assert refused.value.category in REFUSALS, kind
        assert server.requests == []  # the live server on this machine saw nothing


def test_the_allow_setting_is_what_lets_loopback_through() -> None:
    """The control for the table above: same URL, explicit allow, the request is made."""
    with serve() as server:
        url = server.url.replace("127.0.0.1", "2130706433") + "/x"
        with pytest.raises(Refused):
            OutboundClient(strict_guard()).request("GET", url)
        answer = OutboundClient(Guard(allow=ALLOW_LOOPBACK)).request("GET", url)
        assert answer.status == 200 and len(server.requests) == 1


def test_connection_goes_to_the_checked_address() -> None:
    """A resolver that answers differently the second time (DNS rebinding) is asked once."""
    answers = [["127.0.0.1"], ["10.9.8.7"]]
    asked: list[str] = []

    def rebinding(host: str, port: int) -> list[str]:
        asked.append(host)
        return answers[min(len(asked), 2) - 1]

    with serve() as server:
        port = server.url.rsplit(":", 1)[1]
        guard = Guard(allow=ALLOW_LOOPBACK, resolver=rebinding)
        answer = OutboundClient(guard).request("GET", f"http://rebind.example:{port}/x")
        assert answer.status == 200 and asked == ["rebind.example"]
        assert server.requests[0].headers["Host"] == f"rebind.example:{port}"


# -- redirects: followed by the guard, each hop checked --------------------------------------------


def test_redirect_to_an_internal_address_is_refused() -> None:
    with serve("127.0.0.2") as internal, serve() as partner:
        internal.respond = lambda r: (200, {}, b"db_password=hunter2")
        partner.respond = lambda r: (302, {"Location": internal.url + "/secret"}, b"")
        client = OutboundClient(Guard(allow=ALLOW_LOOPBACK))  # 127.0.0.1 only
        with pytest.raises(Refused) as refused:
            client.request("GET", partner.url + "/feed", follow_redirects=True)
        assert refused.value.category == "blocked_address"
        assert internal.requests == [] and len(partner.requests) == 1
        # Control: allowing the internal server's address too, the same redirect goes through.
        wide = OutboundClient(Guard(allow=(ip_network("127.0.0.0/8"),)))
        answer = wide.request("GET", partner.url + "/feed", follow_redirects=True)
        assert answer.body == b"db_password=hunter2" and answer.url == internal.url + "/secret"


@pytest.mark.parametrize(
    "location",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://2130706434/x",
        "ftp://x/",
    ],
)
def test_redirects_to_any_refused_url_are_refused(location: str) -> None:
    with serve() as partner:
        partner.respond = lambda r: (301, {"Location": location}, b"")
        with pytest.raises(Refused):
            OutboundClient(Guard(allow=ALLOW_LOOPBACK, resolver=resolve_test_names)).request(
                "GET", partner.url, follow_redirects=True
            )


def test_redirects_are_followed_relative_and_limited() -> None:
    def respond(request: Recorded) -> tuple[int, dict[str, str], bytes]:
        hop = int(request.path.strip("/") or 0)
        return (307, {"Location": f"/{hop + 1}"}, b"") if hop < 3 else (200, {}, b"done")

    with serve() as server:
        server.respond = respond
        client = OutboundClient(Guard(allow=ALLOW_LOOPBACK), Limits(max_redirects=3))
        assert client.request("GET", server.url + "/", follow_redirects=True).body == b"done"
        short = OutboundClient(Guard(allow=ALLOW_LOOPBACK), Limits(max_redirects=2))
        with pytest.raises(OutboundError) as failure:
            short.request("GET", server.url + "/", follow_redirects=True)
        assert failure.value.category == "too_many_redirects"
        # Without follow_redirects, a redirect is simply the answer.
        assert client.request("GET", server.url + "/").status == 307


# -- bounds and coarse errors ---------------------------------------------------------------------


def test_body_over_the_cap_is_refused_declared_or_not() -> None:
    client = OutboundClient(Guard(allow=ALLOW_LOOPBACK), Limits(max_bytes=1000))
    with serve() as server:
        server.respond = lambda r: (200, {}, b"x" * 1001)  # a Content-Length over the cap
        with pytest.raises(OutboundError) as declared:
            client.request("GET", server.url)
        assert declared.value.category == "too_large"
        server.respond = lambda r: (200, {}, b"x" * 1000)
        assert len(client.request("GET", server.url).body) == 1000

    def endless(conn: object) -> None:  # no length: the body ends when the server hangs up
        conn.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")  # type: ignore[attr-defined]
        for _ in range(100):
            conn.sendall(b"y" * 512)  # type: ignore[attr-defined]

    with serve_raw(endless) as url, pytest.raises(OutboundError) as streamed:
        client.request("GET", url)
    assert streamed.value.category == "too_large"


def test_the_whole_exchange_has_a_deadline() -> None:
    """A server that trickles bytes faster than the read timeout is cut at the total."""
    sent: list[int] = []

    def trickle(conn: object) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n")  # type: ignore[attr-defined]
        for _ in range(40):
            conn.sendall(b"z")  # type: ignore[attr-defined]
            sent.append(1)
            time.sleep(0.1)

    client = OutboundClient(Guard(allow=ALLOW_LOOPBACK), Limits(total=1.0, read=5.0))
    with serve_raw(trickle) as url, pytest.raises(OutboundError) as failure:
        client.request("GET", url)
    assert failure.value.category == "timeout"
    assert len(sent) < 40  # cut before the body was complete: the read timeout never fired


def test_failures_are_coarse_categories() -> None:
    client = OutboundClient(Guard(allow=ALLOW_LOOPBACK), Limits(total=5))
    with serve() as server:
        with pytest.raises(OutboundError) as tls:  # TLS spoken to a plain HTTP server
            client.request("GET", server.url.replace("http:", "https:"))
        port = server.url.rsplit(":", 1)[1]
    with pytest.raises(OutboundError) as refused:  # that server is gone: nothing listens
        client.request("GET", server.url)

    def garbage(conn: object) -> None:
        conn.sendall(b"this is not HTTP at all\r\n\r\n")  # type: ignore[attr-defined]

    with serve_raw(garbage) as url, pytest.raises(OutboundError) as protocol:
        client.request("GET", url)
    categories = [e.value.category for e in (tls, refused, protocol)]
    assert categories == ["tls", "refused", "protocol"]
    for error in (tls, refused, protocol):
        assert str(error.value) == error.value.category and port not in str(error.value)


def test_settings_name_a_bad_network() -> None:
    assert parse_networks(" 127.0.0.0/8, ::1 ") == (ip_network("127.0.0.0/8"), ip_network("::1"))
    with pytest.raises(ValueError, match="ORTAQ_OUTBOUND_ALLOW_NETWORKS: 'ten' is not a network"):
        parse_networks("10.0.0.0/8,ten")


def test_settings_read_the_allow_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORTAQ_OUTBOUND_ALLOW_NETWORKS", "10.20.0.0/16")
    guard = ExchangeSettings.from_env().outbound_guard()
    assert guard.allows(IPv4Address("10.20.3.4")) and not guard.allows(IPv4Address("10.21.3.4"))
    monkeypatch.delenv("ORTAQ_OUTBOUND_ALLOW_NETWORKS")
    assert not ExchangeSettings.from_env().outbound_guard().allows(IPv4Address("10.20.3.4"))
    assert local_settings().outbound_guard().allows(IPv4Address("127.0.0.1"))


# -- properties of the guard ---------------------------------------------------------------------

# Written from the IANA special-purpose registries, independently of the guard's code.
BLOCKED = [
    ip_network(cidr)
    for cidr in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15",
        "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        "::/128", "::1/128", "::ffff:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64",
        "2001::/23", "2001:db8::/32", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
    )
]  # fmt: skip


def blocked(address: IPv4Address | IPv6Address) -> bool:
    return any(address in net for net in BLOCKED if net.version == address.version)


blocked_addresses = st.sampled_from(BLOCKED).flatmap(
    lambda net: st.ip_addresses(network=net)  # type: ignore[arg-type]
)


def _part(value: int, base: str) -> str:
    return {"dec": str(value), "hex": hex(value), "oct": "0" + oct(value)[2:]}[base]


@st.composite
def spellings(draw: st.DrawFn, address: IPv4Address | IPv6Address) -> str:
    """The address as a URL host, in one of the spellings the C library accepts."""
    if isinstance(address, IPv6Address):
        text = draw(st.sampled_from([address.compressed, address.exploded]))
        return f"[{text}]"
    value, octets = int(address), address.packed
    form = draw(st.sampled_from(["dotted", "int", "short3", "short2", "mapped", "dot-end"]))
    base = draw(st.sampled_from(["dec", "hex", "oct"]))
    if form == "int":
        return _part(value, base)
    if form == "short3":
        return ".".join(
            [_part(octets[0], base), _part(octets[1], base), _part(value & 0xFFFF, base)]
        )
    if form == "short2":
        return ".".join([_part(octets[0], base), _part(value & 0xFFFFFF, base)])
    if form == "mapped":
        return f"[::ffff:{address}]"
    dotted = ".".join(_part(octet, base) for octet in octets)
    return dotted + ("." if form == "dot-end" else "")


@given(blocked_addresses.flatmap(spellings), st.sampled_from(["http", "https"]))
def test_no_spelling_of_a_blocked_address_gets_through(host: str, scheme: str) -> None:
    with pytest.raises(Refused):
        strict_guard().check(f"{scheme}://{host}:8080/feed")


public_ipv4 = st.ip_addresses(v=4).filter(lambda a: not blocked(a))


@given(public_ipv4.flatmap(lambda a: st.tuples(st.just(a), spellings(a))))
def test_numeric_spellings_are_read_as_their_address(case: tuple[IPv4Address, str]) -> None:
    """Numeric hosts are read without DNS (this resolver knows no names): a public address
    in any spelling is that address, unless httpx's own parser refuses the spelling."""
    address, host = case
    assume(not host.startswith("[::ffff:"))  # IPv4-mapped: refused whatever it carries
    try:
        target = strict_guard().check(f"http://{host}/")
    except Refused as refused:
        assert refused.category == "invalid_url"
    else:
        assert target.addresses == (address,)


def must_refuse(address: IPv4Address | IPv6Address) -> bool:
    """Blocked, or a 6to4 address that carries a blocked IPv4 address inside."""
    inner = address.sixtofour if isinstance(address, IPv6Address) else None
    return blocked(address) or (inner is not None and blocked(inner))


@given(st.ip_addresses())
def test_the_guard_never_allows_a_blocked_address(address: IPv4Address | IPv6Address) -> None:
    guard = Guard(resolver=lambda host, port: [str(address)])
    try:
        target = guard.check("http://partner.example/feed")
    except Refused as refused:
        assert refused.category == "blocked_address"
    else:
        assert target.addresses == (address,) and not must_refuse(address)


@given(st.one_of(st.ip_addresses(v=4), st.ip_addresses(network="2000::/3")))
def test_public_unicast_addresses_are_allowed(address: IPv4Address | IPv6Address) -> None:
    """The other direction, so a guard that refused everything would fail: in IPv4 and in
    global unicast IPv6 (2000::/3), exactly the blocked addresses are refused."""
    assert strict_guard().allows(address) is not must_refuse(address)


@given(st.lists(st.ip_addresses(), min_size=1, max_size=4))
def test_every_resolved_address_must_be_allowed(addresses: list[IPv4Address | IPv6Address]) -> None:
    guard = Guard(resolver=lambda host, port: [str(a) for a in addresses])
    try:
        target = guard.check("https://partner.example/")
    except Refused:
        assert not all(guard.allows(a) for a in addresses)
    else:
        assert set(target.addresses) == set(addresses)
        assert not any(must_refuse(a) for a in addresses)


URL_PIECES = st.sampled_from(
    ["http://", "https://", "ftp://", "HTTP://", "//", "http:", "@", ":", "[", "]", "::1", "%",
     "0x7f.1", "127.1", "localhost", "partner.example", "public.partner.example", "user:pw@",
     ":80", ":99999", "/", "?q=1", "#f", "\r\n", " ", "\x00", "é", "xn--", "..", "[::ffff:"]
)  # fmt: skip


@given(st.one_of(st.text(), st.lists(URL_PIECES, max_size=8).map("".join)))
def test_the_guard_raises_only_its_own_refusal(url: str) -> None:
    try:
        target = strict_guard().check(url)
    except Refused as refused:
        assert refused.category in REFUSALS and refused.reason
    else:
        assert target.url.scheme in ("http", "https")
        assert target.addresses and not any(blocked(a) for a in target.addresses)


def test_categories_are_the_documented_ones() -> None:
    # Every category named in the module is one of the documented set, and vice versa.
    assert REFUSALS <= CATEGORIES
    assert {"refused", "timeout", "blocked_address", "tls", "too_large"} <= CATEGORIES
