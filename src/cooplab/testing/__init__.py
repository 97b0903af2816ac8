"""Contract checks shipped with the package, run over every registry entry.

Later issues add strategy, environment and solver contracts here; the
experiment contract is :func:`check_experiment`.
"""

from cooplab.testing.contracts import check_experiment, check_game

__all__ = ["check_experiment", "check_game"]
