"""Contract checks shipped with the package, run over every registry entry.

Later issues add environment and solver contracts here; the experiment
contract is :func:`check_experiment`, the repeated-game strategy contract
:func:`check_strategy`, the batched environment contract :func:`check_environment`.
"""

from cooplab.testing.contracts import check_experiment, check_game
from cooplab.testing.environments import check_environment
from cooplab.testing.strategies import check_strategy

__all__ = ["check_environment", "check_experiment", "check_game", "check_strategy"]
