"""The two-player solvers against Gambit's exact ``enummixed`` and ``lcp`` (the ``bench`` extra).

Gambit in rational arithmetic is the reference: on 50 seeded nondegenerate
random games, support and vertex enumeration find exactly Gambit's set of
equilibria; on small-integer (often degenerate) games, vertex enumeration in
exact arithmetic finds exactly Gambit's extreme equilibria; every
Lemke-Howson path ends at one of them.
"""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
import pytest

from cooplab.equilibria.lemke_howson import lemke_howson_all
from cooplab.equilibria.result import DegenerateGameWarning
from cooplab.equilibria.support_enumeration import support_enumeration
from cooplab.equilibria.vertex_enumeration import vertex_enumeration
from cooplab.games import NormalFormGame
from cooplab.games.exact import as_fraction

pytestmark = pytest.mark.peers


@pytest.fixture(scope="module")
def gbt():
    return pytest.importorskip("pygambit")


def gambit_equilibria(gbt, A, B, *, exact_payoffs=False):
    """Gambit's enummixed in rational arithmetic: a set of exact profiles.

    Payoffs go to Gambit as the fractions cooplab reads them as (0.123 as 123/1000).
    """
    to = (lambda x: Fraction(int(x))) if exact_payoffs else as_fraction
    game = gbt.Game.from_arrays(
        [[to(x) for x in row] for row in A], [[to(x) for x in row] for row in B]
    )
    result = gbt.nash.enummixed_solve(game, rational=True)
    players = list(game.players)
    out = set()
    for eq in result.equilibria:
        out.add(tuple(tuple(Fraction(eq[p][s]) for s in p.strategies) for p in players))
    return out


def as_floats(profiles):
    return sorted(np.array([float(x) for s in p for x in s]).tolist() for p in profiles)


@pytest.mark.parametrize("seed", range(50))
def test_same_equilibria_as_gambit_on_random_games(gbt, seed):
    rng = np.random.default_rng(seed)
    m, n = (int(x) for x in rng.integers(2, 7, size=2))
    A, B = rng.normal(size=(m, n)).round(3), rng.normal(size=(m, n)).round(3)
    game = NormalFormGame.from_bimatrix(A, B)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateGameWarning)
        se = support_enumeration(game, exact=True)
    reference = gambit_equilibria(gbt, A, B)
    ve = vertex_enumeration(game, exact=True)
    assert {tuple(e.exact) for e in ve} == reference
    if not se.degenerate:
        assert {tuple(e.exact) for e in se} == reference
    floats = support_enumeration(game) if not se.degenerate else ve
    assert np.allclose(
        sorted(np.concatenate(e.profile).tolist() for e in floats), as_floats(reference), atol=1e-9
    )
    for e in lemke_howson_all(game, exact=True):
        assert tuple(e.exact) in reference


@pytest.mark.parametrize("seed", range(20))
def test_extreme_equilibria_of_degenerate_integer_games_match_gambit(gbt, seed):
    rng = np.random.default_rng(1000 + seed)
    m, n = (int(x) for x in rng.integers(2, 5, size=2))
    A, B = rng.integers(-2, 3, (m, n)), rng.integers(-2, 3, (m, n))
    game = NormalFormGame.from_bimatrix(A, B)
    ve = vertex_enumeration(game, exact=True)
    assert {tuple(e.exact) for e in ve} == gambit_equilibria(gbt, A, B, exact_payoffs=True)
