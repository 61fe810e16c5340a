"""Signing in with a password: the failed-attempt limit, the password check, the audit.

Every password a person types goes through `check_credentials`: the sign-in form and the
current password of the change-password form alike. It asks the throttle first (per user
name and per client address), checks the password only if no key is locked, and writes
the audit log: `login-failed` for a wrong password, `login-locked` when a lock-out starts,
`login` for a sign-in (by `sign_in`). Passwords never reach the log. A name that is not a
user is throttled like a real one but logged as `user:(unknown)`, since people sometimes
type their password into the name field.

Attempts refused during a lock-out are not logged one by one (an attacker could fill the
log at will); the `login-locked` row says when the lock-out began and how long it lasts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from ortaq.exchange import audit, throttle
from ortaq.exchange.accounts import User, check_password, get_user
from ortaq.exchange.throttle import Limits
from ortaq.store import Store

UNKNOWN_USER = "user:(unknown)"
Purpose = Literal["login", "password-change"]


@dataclass(frozen=True)
class Client:
    """Where an attempt comes from, as the server saw it."""

    address: str | None
    user_agent: str | None = None


@dataclass(frozen=True)
class SignInLimits:
    per_user: Limits
    per_address: Limits


@dataclass(frozen=True)
class Verdict:
    """The user if the password was right; otherwise how long the caller must wait (0 if
    it may try again now)."""

    user: User | None
    retry_after: timedelta = timedelta(0)

    @property
    def seconds(self) -> int:
        """Retry-After in whole seconds, rounded up (at least 1 when locked)."""
        whole = int(self.retry_after.total_seconds())
        return whole + (whole < self.retry_after.total_seconds())


def check_credentials(
    store: Store,
    username: str,
    password: str,
    client: Client,
    limits: SignInLimits,
    purpose: Purpose = "login",
) -> Verdict:
    now = store.clock()
    own_key = throttle.user_key(username)
    keyed = {own_key: limits.per_user}
    if client.address:
        keyed[throttle.address_key(client.address)] = limits.per_address
    admission = throttle.admit(store, keyed, now)
    if not admission.admitted:
        return Verdict(None, admission.wait)
    user = check_password(store, username, password)
    if user is not None:
        others = {key: key_limits for key, key_limits in keyed.items() if key != own_key}
        throttle.succeeded(store, own_key, others, now)
        return Verdict(user)
    known = get_user(store, username)
    member = known.member if known else None
    target = own_key if known else UNKNOWN_USER
    where = {"address": client.address, "purpose": purpose}
    audit.record(store, "anonymous", "login-failed", target, member=member, **where)
    wait = timedelta(0)
    for key, until in admission.locked.items():
        wait = max(wait, until - now)
        locked_target = target if key == own_key else key
        locked_member = member if key == own_key else None
        audit.record(
            store,
            "anonymous",
            "login-locked",
            locked_target,
            member=locked_member,
            until=until.isoformat(),
            seconds=int((until - now).total_seconds()),
            failures=keyed[key].max_failures,
            **where,
        )
    return Verdict(None, wait)


def sign_in(
    store: Store, username: str, password: str, client: Client, limits: SignInLimits
) -> Verdict:
    """`check_credentials`, and a `login` audit row when it lets the user in."""
    verdict = check_credentials(store, username, password, client, limits)
    if verdict.user is not None:
        user = verdict.user
        audit.record(
            store, user.username, "login", f"user:{user.username}",
            member=user.member, address=client.address,
        )  # fmt: skip
    return verdict
