"""Cross-checks of dominance and the 2x2 closed form against Gambit (the ``bench`` extra).

* Iterated elimination of strictly and weakly dominated pure strategies,
  against rounds of Gambit's ``StrategySupportProfile.is_dominated`` (exact
  rational comparisons; every strategy dominated at the start of a round is
  removed, as :func:`iterated_elimination` does). Gambit 16.7's one-call
  ``supports.undominated_strategies_solve`` is not used: on some players with
  four or more strategies it keeps a strictly dominated strategy and drops an
  undominated one (for instance, column payoffs (2,1), (1,1), (2,3), (0,1)
  against two rows, ``strict=True``: it returns the second and third, while
  the second is strictly dominated by the third and the first is not
  strictly dominated), while ``is_dominated`` answers each strategy correctly.
* The extreme equilibria of 2x2 games, against ``nash.enummixed_solve``.

Gambit has no correlated-equilibrium solver, no mixed-strategy dominance and
no welfare metrics, so those have no peer here.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooplab.equilibria.dilemmas import equilibria_2x2
from cooplab.equilibria.dominance import iterated_elimination
from cooplab.games import NormalFormGame

pytestmark = pytest.mark.peers


@pytest.fixture(scope="module")
def gbt():
    return pytest.importorskip("pygambit", minversion="16.1")


def to_gambit(gbt, payoffs: np.ndarray):
    """A Gambit table game from an integer payoff array of shape (n, a_1, ..., a_n)."""
    game = gbt.Game.new_table(list(payoffs.shape[1:]))
    players = list(game.players)
    for profile in itertools.product(*(range(a) for a in payoffs.shape[1:])):
        outcome = game[profile]
        for i, player in enumerate(players):
            outcome[player] = gbt.Rational(int(payoffs[(i, *profile)]))
    return game


def gambit_iterated_elimination(gbt, game, *, strict: bool) -> tuple[tuple[int, ...], ...]:
    """Surviving strategy indices per player after rounds of Gambit's ``is_dominated``."""
    players = list(game.players)
    index = {(p.label, s.label): k for p in players for k, s in enumerate(p.strategies)}
    support = game.strategy_support_profile()
    while True:
        dominated = [s for s in support if support.is_dominated(s, strict)]
        if not dominated:
            break
        for s in dominated:
            support = support.remove(s)
    out: list[list[int]] = [[] for _ in players]
    for s in support:
        i = [p.label for p in players].index(s.player.label)
        out[i].append(index[(s.player.label, s.label)])
    return tuple(tuple(sorted(row)) for row in out)


@given(
    shape=st.lists(st.integers(1, 4), min_size=2, max_size=4),
    seed=st.integers(0, 2**32 - 1),
    top=st.integers(1, 5),
)
def test_iterated_elimination_matches_gambit(gbt, shape, seed, top):
    rng = np.random.default_rng(seed)
    payoffs = rng.integers(0, top + 1, size=(len(shape), *shape))
    game = to_gambit(gbt, payoffs)
    ours = NormalFormGame(payoffs.astype(float))
    assert iterated_elimination(ours).surviving == gambit_iterated_elimination(
        gbt, game, strict=True
    )
    assert iterated_elimination(ours, weak=True).surviving == gambit_iterated_elimination(
        gbt, game, strict=False
    )


def test_the_gambit_helper_on_a_known_game(gbt):
    # Guards the helper: the prisoner's dilemma leaves (D, D) either way.
    pd = np.array([[[3, 0], [5, 1]], [[3, 5], [0, 1]]])
    game = to_gambit(gbt, pd)
    assert gambit_iterated_elimination(gbt, game, strict=True) == ((1,), (1,))
    assert gambit_iterated_elimination(gbt, game, strict=False) == ((1,), (1,))


def gambit_equilibria(gbt, A, B) -> set[tuple[tuple[Fraction, ...], ...]]:
    game = gbt.Game.from_arrays(*(np.vectorize(gbt.Rational, otypes=[object])(m) for m in (A, B)))
    out = set()
    for eq in gbt.nash.enummixed_solve(game, rational=True).equilibria:
        out.add(
            tuple(tuple(Fraction(str(eq[s])) for s in player.strategies) for player in game.players)
        )
    return out


@given(st.lists(st.integers(-3, 3), min_size=8, max_size=8))
def test_2x2_equilibria_match_gambit(gbt, values):
    payoffs = np.array(values).reshape(2, 2, 2)
    ours = equilibria_2x2(NormalFormGame(payoffs.astype(float)))
    mine = {e.exact for e in ours}
    theirs = gambit_equilibria(gbt, payoffs[0], payoffs[1])
    if ours.degenerate:
        # Ours lists every extreme equilibrium, and may add a point inside a segment.
        assert theirs <= mine
    else:
        assert mine == theirs
