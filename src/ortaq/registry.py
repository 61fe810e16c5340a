"""An explicit registry: adapters are listed by name where the registry is built.

Nothing registers itself on import; a registry is a plain value that a door builds
(or is handed) and that tests can replace with a tiny in-memory twin.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Generic, Protocol, TypeVar


class Named(Protocol):
    name: str


T = TypeVar("T", bound=Named)


class Registry(Generic[T]):
    """Adapters of one kind, in priority order, looked up by name."""

    def __init__(self, kind: str, adapters: Iterable[T] = ()) -> None:
        self.kind = kind
        self._adapters: dict[str, T] = {}
        for adapter in adapters:
            self.register(adapter)

    def register(self, adapter: T) -> T:
        if adapter.name in self._adapters:
            raise ValueError(f"{self.kind} adapter {adapter.name!r} is registered twice")
        self._adapters[adapter.name] = adapter
        return adapter

    def get(self, name: str) -> T:
        try:
            return self._adapters[name]
        except KeyError:
            known = ", ".join(self._adapters) or "none"
            raise KeyError(f"no {self.kind} adapter named {name!r} (known: {known})") from None

    def names(self) -> list[str]:
        return list(self._adapters)

    def __iter__(self) -> Iterator[T]:
        return iter(self._adapters.values())

    def __len__(self) -> int:
        return len(self._adapters)

    def __contains__(self, name: object) -> bool:
        return name in self._adapters
