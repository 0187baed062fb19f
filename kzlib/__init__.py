"""kzlib: tracking the dated targets of a plan (plan packs in data/plans/; the default, the Kaizhou action plan
for the Chengdu-Chongqing economic circle, 2023-2027)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # names for type checkers and linters; at run time they come from __getattr__
    from kzlib.registry import Registry, load_registry

__all__ = ["Registry", "load_registry"]


def __getattr__(name: str) -> object:
    """Import the registry on first use, so that light commands (a `kz render` with nothing to do) stay fast."""
    if name in __all__:
        from kzlib import registry

        return getattr(registry, name)
    raise AttributeError(f"module 'kzlib' has no attribute {name!r}")
