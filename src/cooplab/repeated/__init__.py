"""Repeated games: strategies for the iterated 2x2 game and the match engine.

>>> from cooplab.repeated import play_match
>>> play_match("grudger", "defector", 4).history_strings()
('CDDD', 'DDDD')
"""

from cooplab.repeated.match import MatchResult, play_match
from cooplab.repeated.strategies import (
    FIRST_TOURNAMENT,
    STRATEGIES,
    Strategy,
    get_strategy,
)

__all__ = [
    "FIRST_TOURNAMENT",
    "STRATEGIES",
    "MatchResult",
    "Strategy",
    "get_strategy",
    "play_match",
]
