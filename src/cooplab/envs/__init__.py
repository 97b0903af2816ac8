"""Batched multi-agent environments (B environments, N agents, all arrays).

``make(name, num_envs=1, seed=None, **params)`` builds a registered
environment; ``names()`` lists them. See :mod:`cooplab.envs.base` for the
interface and :mod:`cooplab.envs.pettingzoo` for the PettingZoo view.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cooplab.envs.base import EnvSpec, Reset, Step, VectorEnv
from cooplab.envs.lbf import LevelBasedForaging
from cooplab.envs.matrix import (
    TabularTeamGame,
    climbing_game,
    m_step_matrix_game,
    penalty_game,
    two_step_game,
)
from cooplab.envs.predator_prey import PredatorPrey
from cooplab.envs.ssd import Cleanup, Gathering, Harvest, Wolfpack
from cooplab.runtime.registry import UnknownNameError

__all__ = [
    "ENVIRONMENTS",
    "EnvEntry",
    "EnvSpec",
    "LevelBasedForaging",
    "PredatorPrey",
    "Reset",
    "Step",
    "TabularTeamGame",
    "VectorEnv",
    "entry",
    "make",
    "names",
]


@dataclass(frozen=True)
class EnvEntry:
    """A registered environment: a factory, and the parameters a preset fixes.

    Attributes
    ----------
    name
        Versioned name (``make(name)``).
    factory
        ``factory(num_envs, seed, **params) -> VectorEnv``.
    summary
        One line for listings.
    fixed
        Parameters this name fixes (a preset of a parametric environment).
    """

    name: str
    factory: Callable[..., VectorEnv]
    summary: str
    fixed: dict[str, Any] = field(default_factory=dict)


ENVIRONMENTS: tuple[EnvEntry, ...] = (
    EnvEntry(
        "climbing_game_v1",
        climbing_game,
        "one-step team game, payoffs [[11,-30,0],[-30,7,6],[0,0,5]] (Claus & Boutilier 1998)",
    ),
    EnvEntry(
        "penalty_game_v1",
        penalty_game,
        "one-step team game [[10,0,k],[0,2,0],[k,0,10]], k=-100 by default (Claus & Boutilier 1998)",
    ),
    EnvEntry(
        "two_step_game_v1",
        two_step_game,
        "agent 1 picks 2A (all 7) or 2B ([[0,1],[1,8]]); optimum 8 (Rashid et al. 2018, QMIX)",
    ),
    EnvEntry(
        "m_step_matrix_game_v1",
        m_step_matrix_game,
        "m steps (m=10), follow the first joint action's branch; optimum m+3 (Mahajan et al. 2019)",
    ),
    EnvEntry(
        "level_based_foraging_v1",
        LevelBasedForaging,
        "level-based foraging, lbforaging's rules; size, players, max_food, sight, force_coop, ...",
    ),
    *(
        EnvEntry(
            name,
            LevelBasedForaging,
            f"level-based foraging {summary} (lbforaging's Foraging-{summary}-v3)",
            {"name": name, **fixed},
        )
        for name, summary, fixed in (
            ("lbf_8x8_2p_2f_v1", "8x8-2p-2f", {"size": 8, "players": 2, "max_food": 2}),
            (
                "lbf_8x8_2p_2f_coop_v1",
                "8x8-2p-2f-coop",
                {"size": 8, "players": 2, "max_food": 2, "force_coop": True},
            ),
            (
                "lbf_2s_8x8_3p_2f_v1",
                "2s-8x8-3p-2f",
                {"size": 8, "players": 3, "max_food": 2, "sight": 2},
            ),
            ("lbf_8x8_4p_3f_v1", "8x8-4p-3f", {"size": 8, "players": 4, "max_food": 3}),
        )
    ),
    EnvEntry(
        "predator_prey_v1",
        PredatorPrey,
        "10x10, 8 predators, 8 prey, 5x5 sight; two predators must CATCH together "
        "(Böhmer et al. 2020)",
    ),
    EnvEntry(
        "harvest_v1",
        Harvest,
        "commons: apples regrow by nearby apples, tagging beam; 5 agents "
        "(Perolat et al. 2017; Hughes et al. 2018)",
    ),
    EnvEntry(
        "cleanup_v1",
        Cleanup,
        "public good: apples grow only while the river is clean; 5 agents (Hughes et al. 2018)",
    ),
    EnvEntry(
        "gathering_v1",
        Gathering,
        "two players, apples respawn after N_apple, two beam hits tag out (Leibo et al. 2017)",
    ),
    EnvEntry(
        "wolfpack_v1",
        Wolfpack,
        "two wolves, a prey; captures pay more to wolves together (Leibo et al. 2017)",
    ),
)


def _key(name: str) -> str:
    return name.strip().lower().replace("-", "_").replace(" ", "_")


_BY_NAME: dict[str, EnvEntry] = {_key(e.name): e for e in ENVIRONMENTS}
if len(_BY_NAME) != len(ENVIRONMENTS):  # pragma: no cover - a programming error
    raise RuntimeError("two environments share a name")


def names() -> tuple[str, ...]:
    """The registered environment names, in listing order."""
    return tuple(e.name for e in ENVIRONMENTS)


def entry(name: str) -> EnvEntry:
    """The registry entry of ``name`` (case and ``-``/``_`` do not matter)."""
    if not isinstance(name, str):
        raise TypeError(f"an environment name must be a str; got {type(name).__name__}")
    try:
        return _BY_NAME[_key(name)]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(_key(name), list(_BY_NAME), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UnknownNameError(
            f"unknown environment {name!r}{hint} (known: {', '.join(names())})"
        ) from None


def make(
    name: str,
    num_envs: int = 1,
    seed: int | Sequence[int] | None = None,
    *,
    workers: int = 1,
    **params: Any,
) -> VectorEnv:
    """Build ``num_envs`` copies of the registered environment ``name``.

    Parameters
    ----------
    name
        A name from :func:`names`.
    num_envs
        ``B``, the batch size.
    seed
        Keys for the first ``reset()`` (see :mod:`cooplab.envs.base`).
    workers
        Processes that step the batch (one per core); more than one gives a
        :class:`~cooplab.envs.parallel.ShardedVectorEnv` with the same results
        (close it when done).
    **params
        The environment's parameters (``strict=True`` for every environment).

    Examples
    --------
    >>> make("penalty_game_v1", num_envs=2, k=-10).spec.reward_range
    (-10.0, 10.0)
    """
    e = entry(name)
    if workers != 1:
        from cooplab.envs.parallel import ShardedVectorEnv

        return ShardedVectorEnv(name, num_envs, workers, seed, **params)
    for key, value in params.items():
        if key in e.fixed and e.fixed[key] != value:
            raise ValueError(
                f"{e.name} fixes {key}={e.fixed[key]!r}; got {key}={value!r} "
                f"(use the parametric environment to choose it)"
            )
    try:
        return e.factory(num_envs, seed, **{**e.fixed, **params})
    except TypeError as err:
        if "unexpected keyword argument" in str(err):
            raise TypeError(f"{e.name}: {err}") from None
        raise
