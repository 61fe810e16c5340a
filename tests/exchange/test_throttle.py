"""The failed sign-in limit as a state machine: the database-backed throttle (attempts
charged before the password check, refunded after a right one) against a plain reference
that counts failures after the fact, on generated attempts from a few names and
addresses and clock jumps around every boundary (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from ortaq.exchange import throttle
from ortaq.exchange.throttle import Limits
from ortaq.store import Store
from tests.exchange.helpers import T0, wipe

WINDOW = timedelta(minutes=15)
FIRST_LOCKOUT = timedelta(seconds=60)
MAX_LOCKOUT = timedelta(seconds=240)
DAY = timedelta(days=1)
PER_USER = Limits(3, WINDOW, FIRST_LOCKOUT, MAX_LOCKOUT)
PER_ADDRESS = Limits(4, WINDOW, FIRST_LOCKOUT, MAX_LOCKOUT)
NAMES = ("alice", "bob", "nobody")
ADDRESSES = ("192.0.2.1", "2001:db8::1", "2001:db8::2")  # the last two: one /64
STEPS = [1, 30, 59, 60, 61, 119, 120, 239, 240, 600, 899, 900, 901, 3600, 86399, 86400]


@dataclass
class RefKey:
    """One key as the rule reads in words: failures are counted when they happen."""

    limit: int
    failures: int = 0
    window_start: datetime | None = None
    locked_until: datetime | None = None
    streak: int = 0  # lock-outs in a row
    last_attempt: datetime | None = None

    def wait(self, now: datetime) -> timedelta:
        if self.locked_until is not None and now < self.locked_until:
            return self.locked_until - now
        return timedelta(0)

    def tidy(self, now: datetime) -> None:
        if self.wait(now):
            return
        if self.last_attempt is not None and now - self.last_attempt >= DAY:
            self.__init__(self.limit)  # type: ignore[misc]
        elif self.locked_until is not None or (
            self.window_start is not None and now - self.window_start >= WINDOW
        ):
            self.failures, self.window_start, self.locked_until = 0, None, None

    def fail(self, now: datetime) -> bool:
        """Count a failure; True if it starts a lock-out."""
        self.window_start = self.window_start or now
        self.failures += 1
        self.last_attempt = now
        if self.failures < self.limit:
            return False
        self.locked_until = now + min(FIRST_LOCKOUT * 2**self.streak, MAX_LOCKOUT)
        self.streak += 1
        return True


def keys_of(name: str, address: str) -> dict[str, Limits]:
    return {throttle.user_key(name): PER_USER, throttle.address_key(address): PER_ADDRESS}


def make_machine(store: Store) -> type[RuleBasedStateMachine]:
    class ThrottleMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            wipe(store)
            self.now = T0
            self.ref: dict[str, RefKey] = {}

        def ref_key(self, key: str, limits: Limits) -> RefKey:
            return self.ref.setdefault(key, RefKey(limits.max_failures))

        @rule(step=st.sampled_from(STEPS))
        def tick(self, step: int) -> None:
            self.now += timedelta(seconds=step)

        @rule(
            name=st.sampled_from(NAMES),
            address=st.sampled_from(ADDRESSES),
            right=st.booleans(),
        )
        def attempt(self, name: str, address: str, right: bool) -> None:
            keyed = keys_of(name, address)
            refs = {key: self.ref_key(key, limits) for key, limits in keyed.items()}
            for ref in refs.values():
                ref.tidy(self.now)
            expected_wait = max(ref.wait(self.now) for ref in refs.values())
            admission = throttle.admit(store, keyed, self.now)
            assert admission.wait == expected_wait
            if expected_wait:
                return
            own = throttle.user_key(name)
            if right:
                others = {key: limits for key, limits in keyed.items() if key != own}
                throttle.succeeded(store, own, others, self.now)
                refs[own].__init__(PER_USER.max_failures)  # type: ignore[misc]
                for key in others:
                    refs[key].last_attempt = self.now
                return
            started = {key for key, ref in refs.items() if ref.fail(self.now)}
            assert set(admission.locked) == started
            for key in started:
                assert admission.locked[key] == refs[key].locked_until

        @invariant()
        def same_state(self) -> None:
            for key, ref in self.ref.items():
                stored = throttle.counter_of(store, key)
                assert stored.wait(self.now) == ref.wait(self.now), key
                limits = PER_USER if key.startswith("user:") else PER_ADDRESS
                settled = throttle.settle(stored, limits, self.now)
                ref.tidy(self.now)
                got = (settled.failures, settled.window_started_at, settled.lockouts)
                assert got == (ref.failures, ref.window_start, ref.streak), key

    return ThrottleMachine


def run_machine(store: Store, examples: int) -> None:
    run_state_machine_as_test(
        make_machine(store),
        settings=settings(
            max_examples=examples,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        ),
    )


def test_throttle_state_machine_sqlite(sqlite_store: Store) -> None:
    run_machine(sqlite_store, 80)


def test_throttle_state_machine_postgresql(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the SQLite run is test_throttle_state_machine_sqlite")
    opened = Store.open(database_url)
    try:
        run_machine(opened, 20)
    finally:
        opened.close()


# -- the pure rule ---------------------------------------------------------------------------


@given(
    st.integers(min_value=1, max_value=10),
    st.integers(min_value=1, max_value=10**6),
    st.integers(min_value=1, max_value=10**7),
    st.integers(min_value=0, max_value=200),
)
def test_lockouts_double_up_to_the_maximum(
    max_failures: int, first: int, longest: int, earlier: int
) -> None:
    limits = Limits(max_failures, WINDOW, timedelta(seconds=first), timedelta(seconds=longest))
    lockout = limits.lockout_for(earlier)
    assert lockout <= timedelta(seconds=longest)
    assert lockout == timedelta(seconds=min(first * 2**earlier, longest))


@given(st.integers(min_value=1, max_value=8), st.lists(st.integers(0, 2000), max_size=30))
def test_no_more_than_the_limit_of_failures_before_a_lock_out(
    max_failures: int, gaps: list[int]
) -> None:
    """Whatever the timing, a key never takes more failures than its limit in one window
    without being locked, and a lock-out lasts at least the first lock-out."""
    limits = Limits(max_failures, WINDOW, FIRST_LOCKOUT, MAX_LOCKOUT)
    counter, now = throttle.Counter(), T0
    for gap in gaps:
        now += timedelta(seconds=gap)
        if counter.wait(now):
            continue
        before = throttle.settle(counter, limits, now)
        counter = throttle.charge(counter, limits, now)
        assert counter.failures == before.failures + 1 <= max_failures
        if counter.failures == max_failures:
            assert counter.wait(now) >= FIRST_LOCKOUT
        assert throttle.refund(counter, limits, now).wait(now) == before.wait(now)


def test_addresses_are_keyed_by_ip_and_ipv6_by_its_64() -> None:
    assert throttle.address_key("2001:db8::1") == throttle.address_key("2001:db8::ffff:1")
    assert throttle.address_key("2001:db8::1") != throttle.address_key("2001:db8:0:1::1")
    assert throttle.address_key("::ffff:192.0.2.1") == throttle.address_key("192.0.2.1")
    assert throttle.address_key("192.0.2.1") != throttle.address_key("192.0.2.2")
    assert throttle.address_key("testclient") == "address:testclient"
