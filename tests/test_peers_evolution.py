"""Cross-checks of cooplab.repeated.evolution against the Axelrod library (``peers``).

* Axelrod's ecological simulation: the library's ``Ecosystem`` on the payoff
  matrix of the library's own matches (deterministic strategies, so the payoff
  standard deviations are zero and its sampled payoffs are exact) gives the same
  trajectory as :func:`ecological_simulation` on the same payoff matrix, and
  on cooplab's own round robin of the same strategies.
* The Moran process: the fixation frequency of TFT in ``MoranProcess``
  (birth-death, fitness = total score against everyone else, the library's
  default) agrees with the exact formula (linear fitness with ``w = 1``),
  within four binomial standard errors.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from cooplab.repeated.evolution import ecological_simulation, fixation_probability
from cooplab.repeated.tournament import round_robin

pytestmark = pytest.mark.peers


@pytest.fixture(scope="module")
def axl():
    # import axelrod takes 10-20 s: once per module
    return pytest.importorskip("axelrod", minversion="4.13")


NAMES = ["cooperator", "defector", "tit_for_tat", "grudger", "alternator"]


def _players(axl):
    return [axl.Cooperator(), axl.Defector(), axl.TitForTat(), axl.Grudger(), axl.Alternator()]


def test_ecosystem_trajectory(axl):
    # The library's per-turn payoff matrix from its own matches (a full Tournament and
    # ResultSet take a minute here); Ecosystem reads only these three attributes.
    players = _players(axl)
    k = len(players)
    matrix = np.zeros((k, k))
    for i in range(k):
        for j in range(i, k):
            a, b = players[i].clone(), players[j].clone()
            match = axl.Match((a, b), turns=50)
            match.play()
            first, second = np.mean(match.scores(), axis=0)
            if i == j:
                matrix[i, i] = (first + second) / 2
            else:
                matrix[i, j], matrix[j, i] = first, second
    results = SimpleNamespace(
        num_players=k, payoff_matrix=matrix.tolist(), payoff_stddevs=np.zeros((k, k)).tolist()
    )
    population = [10, 40, 20, 20, 10]
    eco = axl.Ecosystem(results, population=population)
    eco.reproduce(60)
    theirs = np.array(eco.population_sizes)
    ours = ecological_simulation(matrix, population, 60)
    np.testing.assert_allclose(ours.shares, theirs, rtol=1e-10, atol=1e-13)
    # the same from cooplab's own tournament of the same strategies
    mine = round_robin(NAMES, turns=50, seed=1)
    np.testing.assert_allclose(mine.payoff_matrix, matrix, atol=1e-12)
    np.testing.assert_allclose(
        ecological_simulation(mine, population, 60).shares, theirs, atol=1e-10
    )


def test_moran_fixation(axl):
    runs, n, k = 150, 4, 2
    cache = axl.DeterministicCache()
    wins = 0
    for s in range(runs):
        players = [axl.TitForTat() for _ in range(k)] + [axl.Defector() for _ in range(n - k)]
        mp = axl.MoranProcess(players, turns=10, seed=s, deterministic_cache=cache)
        mp.play()
        wins += mp.winning_strategy_name == "Tit For Tat"
    # per-turn payoffs over 10 turns: TFT-TFT 3, TFT-ALLD 0.9, ALLD-TFT 1.4, ALLD-ALLD 1
    a = np.array([[3.0, 0.9], [1.4, 1.0]])
    rho = fixation_probability(a, n, w=1.0, initial_mutants=k)
    se = math.sqrt(rho * (1 - rho) / runs)
    assert abs(wins / runs - rho) < 4 * se, (wins / runs, rho)
