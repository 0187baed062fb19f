"""kzlib: tracking the Kaizhou action plan for the Chengdu-Chongqing economic circle, 2023-2027."""

from kzlib.registry import Registry, load_registry

__all__ = ["Registry", "load_registry"]
