"""sahel-kg: a knowledge graph of security relations in the Sahel. `loader.open` is the front door."""

from .api import open  # noqa: A004 - loader.open, as in dbm.open or shelve.open

__all__ = ["open"]
