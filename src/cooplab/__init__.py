"""cooplab: multi-agent coordination and emergent behaviour.

Games are data (:mod:`cooplab.games`), solvers and learners are functions of
games, results are frozen dataclasses, experiments turn the claims of the
founding note into runs, and the report gathers them into one HTML page.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
