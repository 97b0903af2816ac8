"""Every registered strategy honours the strategy contract."""

from __future__ import annotations

import pytest

from cooplab.repeated.strategies import STRATEGIES
from cooplab.testing.strategies import check_strategy


@pytest.mark.parametrize("name", STRATEGIES.names())
def test_registered_strategy_honours_the_contract(name):
    check_strategy(STRATEGIES[name])


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("tideman_and_chieruzzi", {"variant": "axelrod"}),
        ("nydegger", {"variant": "axelrod"}),
        ("nydegger", {"roles": "swapped"}),
        ("shubik", {"variant": "axelrod"}),
        ("stein_and_rapoport", {"variant": "axelrod"}),
        ("graaskamp", {"variant": "axelrod"}),
        ("downing", {"variant": "axelrod"}),
        ("anonymous", {"variant": "axelrod"}),
        ("tullock", {"reduction": "relative"}),
        ("random", {"p": 1.0}),
        ("memory_one", {"p_cc": 0.9, "p_cd": 0.1, "p_dc": 0.5, "p_dd": 0.3, "initial": 0.5}),
        ("memory_one", {"p_cc": 1, "p_cd": 0, "p_dc": 1, "p_dd": 0, "initial": 0}),
        ("cycler", {"cycle": "CDDCD"}),
        ("lookup_table", {"table": "CDDDCDDDCDCDCDDD", "own_depth": 2, "opponent_depth": 2}),
        ("go_by_majority", {"memory": 3, "soft": False}),
        ("n_tits_for_m_tats", {"n": 2, "m": 3}),
        ("handshake", {"opening": "CCD"}),
        ("zero_determinant", {"chi": 1.5, "phi": 0.05, "baseline": 2.0}),
    ],
)
def test_parameterised_variants_honour_the_contract(name, params):
    check_strategy(STRATEGIES[name](**params))


def test_contract_catches_a_wrong_memory_depth():
    from dataclasses import dataclass

    import numpy as np

    from cooplab.repeated.strategies.base import History, Meta, Strategy

    @dataclass(eq=True)
    class Liar(Strategy):
        """Claims memory one but looks two rounds back."""

        meta = Meta("liar", "Liar", 1)

        def act(self, history: History, rng: np.random.Generator) -> int:
            return int(history.opponent[-2]) if len(history) >= 2 else 0

    with pytest.raises(AssertionError, match="memory depth 1"):
        check_strategy(Liar())


def test_contract_catches_a_wrong_machine():
    from dataclasses import dataclass

    from cooplab.repeated.strategies.base import FSM
    from cooplab.repeated.strategies.classic import TitForTat

    @dataclass(eq=True)
    class BadMachine(TitForTat):
        def as_fsm(self, *, max_states: int = 4096) -> FSM:
            # a machine that never leaves cooperation
            return FSM([0], [[[0, 0], [0, 0]]], 0)

        def as_memory_one(self):
            return None

    with pytest.raises(AssertionError, match="finite-state machine"):
        check_strategy(BadMachine())


def test_contract_catches_a_hidden_random_draw():
    from dataclasses import dataclass

    import numpy as np

    from cooplab.repeated.strategies.base import History, Meta, Strategy

    @dataclass(eq=True)
    class Sneaky(Strategy):
        meta = Meta("sneaky", "Sneaky", 0)

        def act(self, history: History, rng: np.random.Generator) -> int:
            rng.random()
            return 0

    with pytest.raises(AssertionError, match="drew random numbers"):
        check_strategy(Sneaky())
