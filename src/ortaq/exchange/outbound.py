"""The one guarded client for every outbound request (webhooks out, feeds in).

A member names the URL, so the URL is hostile until checked: only http and https, no
user name or password, and every address its host resolves to must be public. Numeric
hosts are read the way the C library reads them (`2130706433`, `0x7f.1`, `0177.0.0.1`,
`127.1` are all 127.0.0.1) and checked as addresses. The connection then goes to an
address that was checked (the name is resolved once, by the guard, and the socket is
opened to that address while TLS and the Host header keep the name), so DNS cannot
answer differently between the check and the connection. Redirects are followed here,
each hop checked again, up to a hop limit. Time is bounded per connect and read and for
the whole exchange, the body by a byte cap.

Failures are reported as a coarse category (`refused`, `timeout`, `tls`,
`blocked_address`, ...) that is safe to store and show: no port, no internal host name,
no operating-system message.

Internal addresses are reachable only through networks listed in the
`ORTAQ_OUTBOUND_ALLOW_NETWORKS` setting (tests, private deployments).
"""

from __future__ import annotations

import socket
import ssl
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from ipaddress import (
    IPv4Address,
    IPv4Network,
    IPv6Address,
    IPv6Network,
    ip_address,
    ip_network,
)
from typing import Any

import httpcore
import httpx

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network
Resolver = Callable[[str, int], Sequence[str]]

# Ranges `ipaddress` does not count as non-global on every Python version.
SPECIAL_NETWORKS: tuple[IPNetwork, ...] = tuple(
    ip_network(cidr)
    for cidr in (
        "100.64.0.0/10",  # shared address space (carrier-grade NAT)
        "192.0.0.0/24",  # IETF protocol assignments
        "::ffff:0:0/96",  # IPv4-mapped IPv6: a way back to any IPv4 address
        "64:ff9b::/96",  # NAT64 well-known prefix
        "64:ff9b:1::/48",  # NAT64 local-use prefix
    )
)
DEFAULT_PORTS = {"http": 80, "https": 443}
# Every category a failure is reported as (besides `http_<status>` for an answer that is
# not a success): what is stored on a row and shown to its member.
CATEGORIES = frozenset(
    {
        "invalid_url",  # malformed, not http(s), user info, control characters
        "blocked_address",  # internal, or does not resolve to a public address
        "refused",  # the connection was refused
        "unreachable",  # no route, or the connection failed otherwise
        "timeout",  # connect, read or the whole exchange took too long
        "tls",  # the TLS handshake or the certificate failed
        "protocol",  # the answer was not valid HTTP
        "decoding",  # the body's content encoding was broken
        "network",  # the connection broke off
        "too_large",  # the body exceeded its cap
        "too_many_redirects",
        "internal_error",  # a bug of ours; the server log has the details
    }
)
REDIRECTS = frozenset({301, 302, 303, 307, 308})


class OutboundError(Exception):
    """An outbound request that failed; `category` is safe to store and show."""

    def __init__(self, category: str, reason: str | None = None) -> None:
        super().__init__(reason or category)
        self.category = category
        self.reason = reason or category


class Refused(OutboundError, ValueError):
    """The URL may not be requested: malformed (`invalid_url`) or internal (`blocked_address`)."""


def _invalid(reason: str) -> Refused:
    return Refused("invalid_url", reason)


# -- addresses --------------------------------------------------------------------------------


def is_internal(address: IPAddress) -> bool:
    """True for every address outside the public internet, in any of its spellings."""
    if isinstance(address, IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None and is_internal(embedded):
            return True
        if address.is_site_local:
            return True
    return (
        not address.is_global
        or address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or any(address in net for net in SPECIAL_NETWORKS if net.version == address.version)
    )


def numeric_address(host: str) -> IPAddress | None:
    """The address a numeric host names, or None for a name.

    Beyond the canonical forms, the C library's numeric forms are read by the C library
    itself (getaddrinfo with AI_NUMERICHOST: no DNS), so the guard agrees with the
    resolver that a connection would use.
    """
    host = host.removesuffix(".")
    try:
        return ip_address(host)
    except ValueError:
        pass
    if not host or not all(c in "0123456789abcdefxABCDEFX." for c in host):
        return None
    try:
        infos = socket.getaddrinfo(host, None, socket.AF_INET, flags=socket.AI_NUMERICHOST)
    except (OSError, UnicodeError, ValueError):
        return None
    return ip_address(infos[0][4][0]) if infos else None


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for `host` (empty when it gives none)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):
        return []
    return [str(info[4][0]) for info in infos]


def parse_networks(text: str) -> tuple[IPNetwork, ...]:
    """`ORTAQ_OUTBOUND_ALLOW_NETWORKS`: comma-separated CIDR networks, e.g. `127.0.0.0/8`."""
    networks = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            networks.append(ip_network(part, strict=False))
        except ValueError:
            raise ValueError(f"ORTAQ_OUTBOUND_ALLOW_NETWORKS: {part!r} is not a network") from None
    return tuple(networks)


# -- the guard ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A checked URL: where it goes, and the addresses it may connect to."""

    url: httpx.URL
    host: str  # as the connection sees it (IDNA, no brackets)
    port: int
    addresses: tuple[IPAddress, ...]


@dataclass(frozen=True)
class Guard:
    """Decides whether a URL may be requested; `allow` lists internal networks let through."""

    allow: tuple[IPNetwork, ...] = ()
    resolver: Resolver = system_resolver

    def check(self, url: str | httpx.URL) -> Target:
        """The URL's target, or `Refused` with a reason fit for the person who gave it."""
        parsed = parse_url(url)
        host = parsed.raw_host.decode("ascii")
        port = parsed.port or DEFAULT_PORTS[parsed.scheme]
        return Target(parsed, host, port, self.addresses(host, port))

    def addresses(self, host: str, port: int) -> tuple[IPAddress, ...]:
        """Every address of `host`, all of them allowed; else `Refused`."""
        literal = numeric_address(host)
        if literal is not None:
            if not self.allows(literal):
                raise Refused("blocked_address", "the host is not a public address")
            return (literal,)
        found = self._resolve(host, port)
        # A name that does not resolve is refused like an internal one: telling them
        # apart would let a caller map which internal names exist.
        if not found or not all(self.allows(address) for address in found):
            raise Refused("blocked_address", "the host does not resolve to a public address")
        return found

    def allows(self, address: IPAddress) -> bool:
        if any(address in net for net in self.allow if net.version == address.version):
            return True
        return not is_internal(address)

    def _resolve(self, host: str, port: int) -> tuple[IPAddress, ...]:
        found: list[IPAddress] = []
        for text in self.resolver(host, port):
            try:
                address = ip_address(text.split("%", 1)[0])  # drop an IPv6 zone
            except ValueError:
                continue
            if address not in found:
                found.append(address)
        return tuple(found)


def parse_url(url: str | httpx.URL) -> httpx.URL:
    """Parse with the parser that will send the request, so both read the URL alike."""
    if isinstance(url, str):
        if any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") for ch in url):
            raise _invalid("the URL contains a space or a control character")
        try:
            url = httpx.URL(url)
        except (httpx.InvalidURL, ValueError, TypeError):
            raise _invalid("the URL is not well formed") from None
    if url.scheme not in DEFAULT_PORTS:
        raise _invalid("only http and https URLs can be used")
    if url.userinfo:
        raise _invalid("the URL may not carry a user name or password")
    if not url.raw_host:
        raise _invalid("the URL has no host")
    try:
        url.raw_host.decode("ascii")
    except UnicodeDecodeError:
        raise _invalid("the URL's host is not well formed") from None
    if url.port is not None and not 0 < url.port < 65536:
        raise _invalid("the URL's port is out of range")
    return url


# -- the client -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    total: float = 20.0  # seconds for the whole exchange, redirects included
    connect: float = 10.0
    read: float = 10.0
    max_bytes: int = 20 * 1024 * 1024  # response body, after content decoding
    max_redirects: int = 5


@dataclass(frozen=True)
class Response:
    status: int
    headers: httpx.Headers
    body: bytes
    url: str  # the last hop's URL


@dataclass
class OutboundClient:
    """Makes requests only to addresses the guard allowed, within the limits."""

    guard: Guard = field(default_factory=Guard)
    limits: Limits = field(default_factory=Limits)
    user_agent: str = "Ortaq"
    _ssl_context: ssl.SSLContext = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._ssl_context = httpx.create_ssl_context(trust_env=False)  # once: it reads the CAs

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
        follow_redirects: bool = False,
        read_body: bool = True,
    ) -> Response:
        """One exchange; `OutboundError` (its subclass `Refused` included) on failure."""
        deadline = time.monotonic() + self.limits.total
        backend = _PinnedBackend(self.guard, deadline)
        transport = _GuardedTransport(backend, self._ssl_context)
        timeout = httpx.Timeout(self.limits.read, connect=self.limits.connect)
        exchange = _Exchange(method, {"User-Agent": self.user_agent, **(headers or {})}, content)
        try:
            with httpx.Client(transport=transport, timeout=timeout, trust_env=False) as client:
                return self._hops(client, backend, exchange, url, follow_redirects, read_body)
        except OutboundError:
            raise
        except (httpx.HTTPError, httpcore.NetworkError, OSError, UnicodeError) as error:
            raise OutboundError(category(error)) from error

    def _hops(
        self,
        client: httpx.Client,
        backend: _PinnedBackend,
        exchange: _Exchange,
        url: str | httpx.URL,
        follow_redirects: bool,
        read_body: bool,
    ) -> Response:
        for _hop in range(self.limits.max_redirects + 1):
            target = self.guard.check(url)
            backend.pin(target)
            request = client.build_request(
                exchange.method, target.url, headers=exchange.headers, content=exchange.content
            )
            with closing(client.send(request, stream=True)) as response:
                location = response.headers.get("location")
                if follow_redirects and response.status_code in REDIRECTS and location:
                    url = _join(target.url, location)
                    exchange = exchange.redirected(response.status_code)
                    continue
                body = self._body(response) if read_body else b""
                return Response(response.status_code, response.headers, body, str(target.url))
        raise OutboundError("too_many_redirects")

    def _body(self, response: httpx.Response) -> bytes:
        cap = self.limits.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise OutboundError("too_large")
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > cap:
                raise OutboundError("too_large")
            chunks.append(chunk)
        return b"".join(chunks)


@dataclass(frozen=True)
class _Exchange:
    method: str
    headers: dict[str, str]
    content: bytes | None

    def redirected(self, status: int) -> _Exchange:
        """303 (and 301/302 after a POST, as browsers do) turn into a GET without a body."""
        if status == 303 or (status in (301, 302) and self.method == "POST"):
            return _Exchange("GET", self.headers, None)
        return self


def _join(base: httpx.URL, location: str) -> httpx.URL:
    try:
        return base.join(location)
    except (httpx.InvalidURL, ValueError, TypeError):
        raise _invalid("a redirect's location is not well formed") from None


def category(error: BaseException) -> str:
    """A coarse name for a failure: never a port, a host or an operating-system message."""
    if isinstance(error, OutboundError):
        return error.category
    causes = list(_causes(error))
    if any(isinstance(cause, ssl.SSLError | ssl.CertificateError) for cause in causes):
        return "tls"
    if isinstance(error, httpx.TimeoutException | httpcore.TimeoutException | TimeoutError):
        return "timeout"
    if any(isinstance(cause, ConnectionRefusedError) for cause in causes):
        return "refused"
    if isinstance(error, httpx.ConnectError | httpcore.ConnectError):
        return "unreachable"
    if isinstance(error, httpx.ProtocolError | httpcore.ProtocolError | UnicodeError):
        return "protocol"
    if isinstance(error, httpx.DecodingError):
        return "decoding"
    if isinstance(error, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return "invalid_url"
    if isinstance(error, httpx.TransportError | httpcore.NetworkError | OSError):
        return "network"
    return "internal_error"


def _causes(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


# -- the connection: only to checked addresses, within the deadline ------------------------------


def _within(timeout: float | None, deadline: float, expired: type[Exception]) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise expired("the exchange took longer than its time limit")
    return remaining if timeout is None else min(timeout, remaining)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket whose every read and write also ends at the exchange's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: float) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _within(timeout, self._deadline, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _within(timeout, self._deadline, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        limit = _within(timeout, self._deadline, httpcore.ConnectTimeout)
        return _DeadlineStream(
            self._inner.start_tls(ssl_context, server_hostname, limit), self._deadline
        )

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _PinnedBackend(httpcore.NetworkBackend):
    """Opens sockets only to addresses the guard checked for the host being connected."""

    def __init__(self, guard: Guard, deadline: float) -> None:
        self._guard = guard
        self._deadline = deadline
        self._pins: dict[tuple[str, int], tuple[IPAddress, ...]] = {}
        self._sockets = httpcore.SyncBackend()

    def pin(self, target: Target) -> None:
        self._pins[(target.host, target.port)] = target.addresses

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        # Pinned addresses were checked for this exchange; anything else is checked now.
        addresses = self._pins.get((host, port)) or self._guard.addresses(host, port)
        failure: Exception = Refused("blocked_address", "no address to connect to")
        for address in addresses:
            limit = _within(timeout, self._deadline, httpcore.ConnectTimeout)
            try:
                stream = self._sockets.connect_tcp(
                    str(address), port, limit, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
                continue
            return _DeadlineStream(stream, self._deadline)
        raise failure

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise _invalid("unix sockets cannot be reached")

    def sleep(self, seconds: float) -> None:
        self._sockets.sleep(seconds)


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport over a connection pool that uses the pinned backend."""

    def __init__(self, backend: _PinnedBackend, ssl_context: ssl.SSLContext) -> None:
        super().__init__(verify=ssl_context, trust_env=False)
        # httpx takes no network backend of its own; the pool is the documented place
        # (httpcore.ConnectionPool(network_backend=...)), so it is rebuilt here.
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context, network_backend=backend, max_connections=4
        )
