"""The prisoner's dilemma in cooplab: equilibrium, optimum, and where the dilemma ends.

Run: python examples/prisoners_dilemma.py
"""

import numpy as np

from cooplab.games.catalog import make, prisoners_dilemma_conditions, symmetric_2x2


def names(game, outcomes):
    return ", ".join("(" + ", ".join(game.outcome_names(tuple(o))) + ")" for o in outcomes) or "none"


def welfare_optima(game):
    welfare = game.welfare_table()
    return np.argwhere(np.isclose(welfare, welfare.max()))


# 1. The game: Axelrod's payoffs T, R, P, S = 5, 3, 1, 0.
pd = make("prisoners-dilemma")
print(pd.name)
print("Row's payoffs [[R, S], [T, P]]:", pd.payoff_matrix("Row").tolist())
print("pure Nash equilibria:", names(pd, pd.pure_nash_equilibria()))
print("social optimum (max total payoff):", names(pd, welfare_optima(pd)),
      "with welfare", pd.welfare_table().max())
print("Pareto-optimal outcomes:", names(pd, pd.pareto_optimal_outcomes()))
print("regret of (C, C) per player:", pd.regret(["C", "C"]).tolist(),
      "(what each gains by defecting alone)")

# 2. Sweep the temptation T with R, P, S = 3, 1, 0 fixed. symmetric_2x2 builds
#    the game whatever the payoffs; prisoners_dilemma() would refuse non-dilemmas.
R, P, S = 3.0, 1.0, 0.0
print(f"\nSweeping T with R={R:g}, P={P:g}, S={S:g}:")
print(f"{'T':>3}  {'PD conditions':<15} {'equilibria':<16} {'welfare optima':<24} "
      f"{'regret (C,C)':>12}  reading")
for T in (2.0, 3.0, 4.0, 5.0, 6.0, 7.0):
    game = symmetric_2x2(R=R, S=S, T=T, P=P)
    failed = prisoners_dilemma_conditions(T=T, R=R, P=P, S=S)
    conditions = "hold" if not failed else "fail " + ", ".join(c.split(" (")[0] for c in failed)
    equilibria = game.pure_nash_equilibria()
    optima = welfare_optima(game)
    regret_cc = game.regret(["C", "C"])[0]
    if game.is_nash(["C", "C"]):
        reading = "no dilemma: (C, C) is itself an equilibrium"
    elif equilibria == [(1, 1)] and optima.tolist() == [[0, 0]]:
        reading = "prisoner's dilemma"
    else:
        reading = "(D, D) still inefficient, but (C, C) is not the unique optimum"
    print(f"{T:>3g}  {conditions:<15} {names(game, equilibria):<16} {names(game, optima):<24} "
          f"{regret_cc:>12g}  {reading}")
