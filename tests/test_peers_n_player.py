"""Cross-checks of the n-player solvers against Gambit (``pygambit``, the ``bench`` extra).

* ``enumpoly_solve`` (support enumeration with polynomial systems): every
  equilibrium it finds in random 3-player games is ours too. It is not a
  complete reference: Gambit 16.x's enumpoly misses some totally mixed
  equilibria of generic games (about one in ten here), so each equilibrium
  we find beyond it is checked by Gambit's own regret computation.
* ``enumpure_solve``: the same pure equilibria, for 3- and 4-player games.
* ``enummixed_solve`` (exact, complete for nondegenerate 2-player games): the
  same set of equilibria.
* ``logit_solve``: the same logit solution (the end of the principal branch).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from cooplab.equilibria.n_player import logit_qre_path, n_player_support_enumeration
from cooplab.equilibria.result import DegenerateGameWarning
from cooplab.games import NormalFormGame

pytestmark = pytest.mark.peers
gbt = pytest.importorskip("pygambit")


def random_payoffs(shape, seed):
    return np.random.default_rng(seed).normal(size=(len(shape), *shape))


def gambit_game(u):
    return gbt.Game.from_arrays(*[u[i] for i in range(u.shape[0])])


def gambit_profiles(game, equilibria):
    return [
        [np.array([float(eq[s]) for s in player.strategies]) for player in game.players]
        for eq in equilibria
    ]


def gambit_max_regret(game, profile):
    data = [[float(x) for x in s] for s in profile]
    return float(game.mixed_strategy_profile(data=data).max_regret())


def same(a, b, atol):
    return all(np.allclose(x, y, atol=atol, rtol=0) for x, y in zip(a, b, strict=True))


GAMES = [((2, 2, 2), seed) for seed in range(10)] + [((2, 2, 3), seed) for seed in range(10)]


@pytest.mark.parametrize(("shape", "seed"), GAMES)
def test_enumpoly_equilibria_are_found(shape, seed):
    u = random_payoffs(shape, seed)
    ours = n_player_support_enumeration(NormalFormGame(u))
    assert ours.complete
    g = gambit_game(u)
    theirs = gambit_profiles(g, gbt.nash.enumpoly_solve(g).equilibria)
    spread = float(u.max() - u.min())
    found = [list(e.profile) for e in ours]
    for p in theirs:
        if gambit_max_regret(g, p) <= 1e-6 * spread:  # a genuine equilibrium
            assert any(same(p, q, 1e-6) for q in found), f"missed Gambit's {p}"
    for q in found:
        assert gambit_max_regret(g, q) <= 1e-9 * spread
    assert len(found) % 2 == 1  # generic games: an odd number (Wilson 1971)


@pytest.mark.parametrize(
    ("shape", "seed", "integers"),
    [((2, 2, 2), 0, True), ((2, 2, 3), 1, True), ((3, 3, 3), 2, False), ((2, 2, 2, 2), 3, True)],
)
def test_pure_equilibria_match_enumpure(shape, seed, integers):
    rng = np.random.default_rng(seed)
    if integers:  # small integers: ties, often a degenerate game
        u = rng.integers(-3, 4, size=(len(shape), *shape)).astype(float)
    else:
        u = random_payoffs(shape, seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateGameWarning)
        ours = n_player_support_enumeration(NormalFormGame(u))
    g = gambit_game(u)
    theirs = {
        tuple(int(np.argmax(s)) for s in p)
        for p in gambit_profiles(g, gbt.nash.enumpure_solve(g).equilibria)
    }
    mine = {tuple(int(np.argmax(s)) for s in e.profile) for e in ours if e.is_pure}
    assert mine == theirs


@pytest.mark.parametrize(("shape", "seed"), [((3, 3), 0), ((4, 4), 1), ((3, 5), 2), ((5, 5), 3)])
def test_two_player_matches_enummixed(shape, seed):
    u = random_payoffs(shape, seed)
    ours = n_player_support_enumeration(NormalFormGame(u))
    assert ours.complete
    g = gambit_game(u)
    theirs = gambit_profiles(g, gbt.nash.enummixed_solve(g, rational=False).equilibria)
    found = [list(e.profile) for e in ours]
    assert len(found) == len(theirs)
    for p in theirs:
        assert any(same(p, q, 1e-9) for q in found)


@pytest.mark.parametrize(
    ("shape", "seed"),
    [*GAMES[::3], ((3, 3, 3), 0), ((3, 3, 3), 1), ((2, 2, 2, 2), 0), ((20, 20), 0), ((20, 20), 1)],
)
def test_logit_matches_gambit(shape, seed):
    u = random_payoffs(shape, seed)
    ours = logit_qre_path(NormalFormGame(u))
    assert ours.stats["converged"]
    g = gambit_game(u)
    theirs = gambit_profiles(g, gbt.nash.logit_solve(g).equilibria)[0]
    assert same(theirs, ours[0].profile, 1e-4)
