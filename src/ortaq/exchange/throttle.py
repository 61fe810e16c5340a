"""The failed sign-in limit: per user name and per client address, with a growing lock-out.

Each key (`user:<name>`, `address:<ip>`) counts failed sign-ins in a window. The attempt
that reaches the key's limit starts a lock-out; until it ends every attempt on that key
is refused, the right password too, without checking the password. Each lock-out that
follows another (no quiet day in between) lasts twice as long, up to a maximum.

The rule is pure (`Counter`, `admit`, `charge`, `refund`); the state is a row per key in
the database, read and written in one transaction, so every worker and process shares
it. An attempt is charged as a failure *before* the password is checked, so parallel
requests cannot outrun the limit; a right password then clears the user's key and
refunds the charge on the address.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from ortaq.store import Store
from ortaq.store.throttle import counter_row, locked_counters

QUIET_PERIOD = timedelta(days=1)  # a key this long without failures starts afresh
IPV6_PREFIX = 64  # one IPv6 subscriber usually holds a whole /64


@dataclass(frozen=True)
class Limits:
    """How many failures a key may have in `window` before a lock-out, and how long."""

    max_failures: int
    window: timedelta
    lockout: timedelta  # the first lock-out; each one in a row doubles it
    max_lockout: timedelta

    def lockout_for(self, earlier_lockouts: int) -> timedelta:
        doubled = self.lockout.total_seconds() * 2.0 ** min(earlier_lockouts, 64)
        return timedelta(seconds=min(doubled, self.max_lockout.total_seconds()))


@dataclass(frozen=True)
class Counter:
    """The state of one key."""

    failures: int = 0
    window_started_at: datetime | None = None
    locked_until: datetime | None = None
    lockouts: int = 0
    updated_at: datetime | None = None

    def wait(self, now: datetime) -> timedelta:
        """How long the key stays locked (zero when it is not)."""
        if self.locked_until is None or self.locked_until <= now:
            return timedelta(0)
        return self.locked_until - now


def settle(counter: Counter, limits: Limits, now: datetime) -> Counter:
    """The counter with what time has erased: a lock-out served, a window or a day passed."""
    served = counter.locked_until is None or counter.locked_until <= now
    if served and counter.updated_at is not None and now - counter.updated_at >= QUIET_PERIOD:
        return Counter()
    if counter.locked_until is not None and counter.locked_until <= now:
        return replace(counter, failures=0, window_started_at=None, locked_until=None)
    window = counter.window_started_at
    if counter.locked_until is None and window is not None and now - window >= limits.window:
        return replace(counter, failures=0, window_started_at=None)
    return counter


def charge(counter: Counter, limits: Limits, now: datetime) -> Counter:
    """Count one failed attempt on an unlocked key; the limit-th starts a lock-out."""
    counter = settle(counter, limits, now)
    failures = counter.failures + 1
    charged = replace(
        counter,
        failures=failures,
        window_started_at=counter.window_started_at or now,
        updated_at=now,
    )
    if failures < limits.max_failures:
        return charged
    return replace(
        charged,
        locked_until=now + limits.lockout_for(counter.lockouts),
        lockouts=counter.lockouts + 1,
    )


def refund(counter: Counter, limits: Limits, now: datetime) -> Counter:
    """Undo `charge` for an attempt that succeeded after all (and the lock-out it began)."""
    if counter.failures == 0:
        return counter
    failures = counter.failures - 1
    refunded = replace(
        counter,
        failures=failures,
        window_started_at=counter.window_started_at if failures else None,
    )
    if counter.locked_until is not None and counter.failures == limits.max_failures:
        return replace(refunded, locked_until=None, lockouts=max(0, counter.lockouts - 1))
    return refunded


# -- keys -----------------------------------------------------------------------------------


def user_key(username: str) -> str:
    return f"user:{username}"


def address_key(address: str) -> str:
    """`address:<ip>`; IPv6 by its /64, IPv4-mapped IPv6 as the IPv4 address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return f"address:{address[:300]}"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return f"address:{ip.ipv4_mapped}"
        return f"address:{ipaddress.IPv6Network((ip, IPV6_PREFIX), strict=False)}"
    return f"address:{ip}"


# -- the shared state ---------------------------------------------------------------------


@dataclass(frozen=True)
class Admission:
    """The answer to one attempt: refused for `wait`, or let through (and charged)."""

    wait: timedelta
    # keys whose lock-out this attempt starts (if it fails), with the lock-out's end
    locked: dict[str, datetime] = field(default_factory=dict)

    @property
    def admitted(self) -> bool:
        return self.wait <= timedelta(0)


def admit(store: Store, keyed: dict[str, Limits], now: datetime) -> Admission:
    """Refuse the attempt if any key is locked; otherwise charge every key, atomically."""
    with locked_counters(store, sorted(keyed), now) as locked_rows:
        counters = {key: _counter(row) for key, row in locked_rows.rows.items()}
        wait = max(
            (settle(counters[key], limits, now).wait(now) for key, limits in keyed.items()),
            default=timedelta(0),
        )
        if wait > timedelta(0):
            return Admission(wait)
        locked = {}
        for key, limits in keyed.items():
            charged = charge(counters[key], limits, now)
            if charged.locked_until is not None:
                locked[key] = charged.locked_until
            locked_rows.write(key, _row(charged))
        locked_rows.forget_quiet(now - QUIET_PERIOD, now)
    return Admission(timedelta(0), locked)


def succeeded(store: Store, cleared: str, refunded: dict[str, Limits], now: datetime) -> None:
    """A right password: forget the `cleared` key, take back the charge on the others."""
    with locked_counters(store, sorted(refunded), now) as locked_rows:
        counters = {key: _counter(row) for key, row in locked_rows.rows.items()}
        locked_rows.delete(cleared)
        for key, limits in refunded.items():
            locked_rows.write(key, _row(refund(counters[key], limits, now)))


def counter_of(store: Store, key: str) -> Counter:
    row = counter_row(store, key)
    return _counter(row) if row else Counter()


def _counter(row: Any) -> Counter:
    return Counter(
        row["failures"],
        row["window_started_at"],
        row["locked_until"],
        row["lockouts"],
        row["updated_at"],
    )


def _row(counter: Counter) -> dict[str, Any]:
    return {
        "failures": counter.failures,
        "window_started_at": counter.window_started_at,
        "locked_until": counter.locked_until,
        "lockouts": counter.lockouts,
        "updated_at": counter.updated_at,
    }
