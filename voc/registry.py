"""Explicit registries: every pluggable piece (reader, pipeline component, sentiment backend,
event reader, engine) is registered by name here, never found by sniffing type names."""
from __future__ import annotations

from typing import Callable, Generic, TypeVar

from voc.errors import ConfigError, Errors

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}

    def register(self, name: str) -> Callable[[T], T]:
        def deco(obj: T) -> T:
            if name in self._items and self._items[name] is not obj:
                raise ValueError(f"{self.kind} '{name}' is registered twice")
            self._items[name] = obj
            return obj

        return deco

    def unregister(self, name: str) -> None:
        """Remove ``name`` (a plugin unloading, a test cleaning up); unknown names are an E103 error."""
        self.get(name)
        del self._items[name]

    def get(self, name: str) -> T:
        try:
            return self._items[name]
        except KeyError:
            raise ConfigError(Errors.E103, kind=self.kind, name=name,
                              available=", ".join(sorted(self._items)) or "none") from None

    def names(self) -> list[str]:
        return sorted(self._items)

    def __contains__(self, name: str) -> bool:
        return name in self._items


readers: Registry = Registry("reader")
components: Registry = Registry("pipeline component")
sentiment_backends: Registry = Registry("sentiment backend")
event_readers: Registry = Registry("event reader")
engines: Registry = Registry("engine")
