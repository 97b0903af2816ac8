"""The prisoner's dilemma in cooplab: equilibrium, optimum, and where the dilemma ends.

Run: python examples/prisoners_dilemma.py
"""

import numpy as np

from cooplab.games.catalog import make, prisoners_dilemma_conditions, symmetric_2x2


def names(game, outcomes):
    return (
        ", ".join("(" + ", ".join(game.outcome_names(tuple(o))) + ")" for o in outcomes) or "none"
    )


def welfare_optima(game):
    welfare = game.welfare_table()
    return np.argwhere(np.isclose(welfare, welfare.max()))


# 1. The game: Axelrod's payoffs T, R, P, S = 5, 3, 1, 0.
pd = make("prisoners-dilemma")
print(pd.name)
print("Row's payoffs [[R, S], [T, P]]:", pd.payoff_matrix("Row").tolist())
print("pure Nash equilibria:", names(pd, pd.pure_nash_equilibria()))
print(
    "social optimum (max total payoff):",
    names(pd, welfare_optima(pd)),
    "with welfare",
    pd.welfare_table().max(),
)
print("Pareto-optimal outcomes:", names(pd, pd.pareto_optimal_outcomes()))
print(
    "regret of (C, C) per player:",
    pd.regret(["C", "C"]).tolist(),
    "(what each gains by defecting alone)",
)

# 2. Sweep the temptation T with R, P, S = 3, 1, 0 fixed. symmetric_2x2 builds
#    any such game; make("prisoners-dilemma", T=...) refuses the non-dilemmas.
R, P, S = 3.0, 1.0, 0.0
print(f"\nSweeping T with R={R:g}, P={P:g}, S={S:g} (a prisoner's dilemma needs R < T < 2R - S):")
print(
    f"{'T':>3}  {'PD conditions':<17} {'equilibria':<16} {'welfare optima':<24} "
    f"{'regret (C,C)':>12}  reading"
)
for T in (2.0, 3.0, 4.0, 5.0, 6.0, 7.0):
    game = symmetric_2x2(R=R, S=S, T=T, P=P)
    failed = prisoners_dilemma_conditions(T=T, R=R, P=P, S=S)
    conditions = "hold" if not failed else "fail " + ", ".join(c.split(" (")[0] for c in failed)
    equilibria = game.pure_nash_equilibria()
    optima = welfare_optima(game)
    welfare = game.welfare_table()
    if game.is_nash(["C", "C"]):
        reading = "no temptation: (C, C) is an equilibrium" + (
            ", so is (D, D)" if (1, 1) in equilibria else ""
        )
    elif equilibria == [(1, 1)] and optima.tolist() == [[0, 0]]:
        reading = "prisoner's dilemma: (D, D) is the equilibrium, (C, C) the optimum"
    elif equilibria == [(1, 1)] and welfare[0, 1] >= welfare[0, 0]:
        reading = "(D, D) still inefficient, but taking turns at (C, D)/(D, C) ties or beats (C, C)"
    else:
        reading = "another kind of game"
    print(
        f"{T:>3g}  {conditions:<17} {names(game, equilibria):<16} {names(game, optima):<24} "
        f"{game.regret(['C', 'C'])[0]:>12g}  {reading}"
    )
