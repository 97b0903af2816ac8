"""Games as data: normal-form games and the catalog of classic games."""

from cooplab.games import catalog
from cooplab.games.catalog import GAMES, GameSpec, make
from cooplab.games.normal_form import NormalFormGame

__all__ = ["GAMES", "GameSpec", "NormalFormGame", "catalog", "make"]
