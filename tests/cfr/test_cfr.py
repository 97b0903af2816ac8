"""CFR family, best responses, NashConv and the sequence-form LP against known values."""

from __future__ import annotations

import numpy as np
import pytest

from cooplab.cfr import (
    VARIANTS,
    CFRSolver,
    TabularPolicy,
    best_response,
    expected_values,
    exploitability,
    nash_conv,
    solve_sequence_form,
)
from cooplab.games.extensive import Decision, Terminal, compile_tree
from cooplab.games.extensive_catalog import goofspiel, liars_dice, matrix_game
from cooplab.games.normal_form import NormalFormGame
from cooplab.games.poker import kuhn_poker, leduc_poker

KUHN_VALUE = -1.0 / 18.0  # Kuhn (1950): the first player's value of Kuhn poker


@pytest.fixture(scope="module")
def kuhn():  # type: ignore[no-untyped-def]
    return kuhn_poker()


@pytest.fixture(scope="module")
def leduc():  # type: ignore[no-untyped-def]
    return leduc_poker()


def test_uniform_nash_conv_matches_openspiel(kuhn, leduc) -> None:  # type: ignore[no-untyped-def]
    # OpenSpiel's exploitability_test.py: NashConv of the uniform policy is 0.916666... on
    # kuhn_poker and 4.747222... on leduc_poker (Lanctot et al. 2019).
    np.testing.assert_allclose(nash_conv(kuhn, TabularPolicy.uniform(kuhn)), 0.916666666, atol=1e-6)
    np.testing.assert_allclose(
        nash_conv(leduc, TabularPolicy.uniform(leduc)), 4.747222222, atol=1e-6
    )
    # exploitability is NashConv / num_players (OpenSpiel's definition).
    np.testing.assert_allclose(
        exploitability(kuhn, TabularPolicy.uniform(kuhn)), 0.916666666 / 2, atol=1e-6
    )


def test_uniform_expected_values_kuhn(kuhn) -> None:  # type: ignore[no-untyped-def]
    # Uniform play in Kuhn poker: player 0 wins 1/8 on average (OpenSpiel's expected_game_score).
    np.testing.assert_allclose(expected_values(kuhn, TabularPolicy.uniform(kuhn)), [0.125, -0.125])


def test_cfr_plus_kuhn_value_within_1e3(kuhn) -> None:  # type: ignore[no-untyped-def]
    solver = CFRSolver(kuhn, "cfr+").run(1000)
    assert solver.iteration == 1000
    value = expected_values(kuhn, solver.average_policy())[0]
    assert abs(value - KUHN_VALUE) < 1e-3
    assert exploitability(kuhn, solver.average_policy()) < 1e-3


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("alternating", [True, False])
def test_every_variant_converges_on_kuhn(kuhn, variant: str, alternating: bool) -> None:  # type: ignore[no-untyped-def]
    solver = CFRSolver(kuhn, variant, alternating)
    early = exploitability(kuhn, solver.run(10).average_policy())
    late = exploitability(kuhn, solver.run(990).average_policy())
    assert late < early
    # Vanilla CFR's bound is O(1/sqrt(T)); all reach below 1e-2 after 1,000 iterations on Kuhn.
    assert late < 1e-2


def test_kuhn_equilibrium_family_on_cfr_average(kuhn) -> None:  # type: ignore[no-untyped-def]
    # Kuhn (1950): player 1 (our player 0) bets the Jack with probability alpha in [0, 1/3],
    # never bets the Queen, bets the King with 3 alpha; after check-bet folds the Jack, calls
    # with the Queen with alpha + 1/3, always calls with the King. Player 2 (our 1) has a unique
    # strategy: bets the King, bluffs the Jack w.p. 1/3 after a check, checks the Queen; facing
    # a bet calls with K, with Q w.p. 1/3, folds the Jack.
    p = CFRSolver(kuhn, "cfr+").run(2000).average_policy()

    def bet(key: str, player: int) -> float:
        return p.action_probabilities(key, player)["bet"]

    alpha = bet("J|", 0)
    assert -1e-9 <= alpha <= 1 / 3 + 0.01
    tol = 0.01
    assert bet("Q|", 0) < tol
    assert abs(bet("K|", 0) - 3 * alpha) < tol
    assert bet("J|pb", 0) < tol
    assert abs(bet("Q|pb", 0) - (alpha + 1 / 3)) < tol
    assert bet("K|pb", 0) > 1 - tol
    assert bet("K|p", 1) > 1 - tol and bet("K|b", 1) > 1 - tol
    assert abs(bet("J|p", 1) - 1 / 3) < tol and bet("J|b", 1) < tol
    assert bet("Q|p", 1) < tol and abs(bet("Q|b", 1) - 1 / 3) < tol


def test_sequence_form_kuhn_and_leduc(kuhn, leduc) -> None:  # type: ignore[no-untyped-def]
    value, policy = solve_sequence_form(kuhn)
    np.testing.assert_allclose(value, KUHN_VALUE, atol=1e-9)
    assert exploitability(kuhn, policy) < 1e-9
    # Leduc hold'em's value for the first player, -0.0856064 (e.g. Lanctot et al. 2019's CFR
    # results; OpenSpiel's sequence-form LP gives -0.085606424078).
    lv, lp = solve_sequence_form(leduc)
    np.testing.assert_allclose(lv, -0.085606424078, atol=1e-8)
    assert exploitability(leduc, lp) < 1e-8


def _lp_matches_cfr(game, iterations: int, tol: float) -> None:  # type: ignore[no-untyped-def]
    value, policy = solve_sequence_form(game)
    assert exploitability(game, policy) < 1e-8
    cfr_policy = CFRSolver(game, "cfr+").run(iterations).average_policy()
    eps = exploitability(game, cfr_policy)
    assert eps < tol
    # Any policy's value is within its exploitability of the game value (zero-sum).
    assert abs(expected_values(game, cfr_policy)[0] - value) <= 2 * eps + 1e-12


def test_lp_and_cfr_agree_on_matrix_games() -> None:
    mp = matrix_game("matching-pennies")
    value, policy = solve_sequence_form(mp)
    np.testing.assert_allclose(value, 0.0, atol=1e-12)  # matching pennies: value 0
    np.testing.assert_allclose(policy.probs, 0.5, atol=1e-9)
    _lp_matches_cfr(mp, 500, 1e-3)
    # [[2, -1], [-1, 1]]: value (ad - bc) / (a + d - b - c) = 1/5, row mix (2/5, 3/5)
    # (the 2x2 formula of von Neumann & Morgenstern 1944).
    g = matrix_game(NormalFormGame.from_bimatrix([[2.0, -1.0], [-1.0, 1.0]], name="2x2"))
    value, policy = solve_sequence_form(g)
    np.testing.assert_allclose(value, 0.2, atol=1e-9)
    np.testing.assert_allclose(policy.probs[0], [0.4, 0.6], atol=1e-9)
    _lp_matches_cfr(g, 2000, 1e-3)


def test_lp_and_cfr_agree_on_kuhn_and_goofspiel(kuhn) -> None:  # type: ignore[no-untyped-def]
    _lp_matches_cfr(kuhn, 1000, 1e-3)
    _lp_matches_cfr(goofspiel(3, imp_info=True), 300, 1e-3)


@pytest.mark.slow
def test_lp_and_cfr_agree_on_liars_dice() -> None:
    # One-die Liar's dice: value -7/258 for the first player (Neller & Lanctot 2013, "An
    # introduction to counterfactual regret minimization", Liar Die / Dudo analysis).
    g = liars_dice()
    value, policy = solve_sequence_form(g)
    np.testing.assert_allclose(value, -7 / 258, atol=1e-7)
    assert exploitability(g, policy) < 1e-8
    eps = exploitability(g, CFRSolver(g, "cfr+").run(100).average_policy())
    assert eps < 1e-2


def test_best_response_on_a_matrix_game() -> None:
    # Rock-paper-scissors against (1/2, 1/4, 1/4): paper earns 1/2 - 1/4 = 1/4.
    rps = matrix_game("rock-paper-scissors")
    probs = np.array([[0.5, 0.25, 0.25], [0.5, 0.25, 0.25]])
    br = best_response(rps, TabularPolicy(rps, probs), 1)
    assert rps.infoset_actions[1][int(br.actions[1])].lower().startswith("p")
    np.testing.assert_allclose(br.value, 0.25)
    np.testing.assert_allclose(br.on_policy_value, 0.0, atol=1e-12)
    assert br.actions[0] == -1
    assert br.to_dict()["player"] == 1


def test_best_response_sees_through_information_sets() -> None:
    # Player 1 cannot tell L from R; the best reply maximises the sum over both nodes.
    tree = Decision(
        0,
        "p0",
        ("L", "R"),
        (
            Decision(1, "p1", ("x", "y"), (Terminal((0.0, 3.0)), Terminal((0.0, 0.0)))),
            Decision(1, "p1", ("x", "y"), (Terminal((0.0, 0.0)), Terminal((0.0, 2.0)))),
        ),
    )
    g = compile_tree(tree, num_players=2)
    pol = TabularPolicy(g, [[0.3, 0.7], [0.5, 0.5]])
    br = best_response(g, pol, 1)
    # x: 0.3 * 3 = 0.9; y: 0.7 * 2 = 1.4.
    assert br.actions[1] == 1
    np.testing.assert_allclose(br.value, 1.4)


def test_three_player_nash_conv_and_values() -> None:
    # A 3-player one-shot game: each picks 0/1; everyone gets 1 if all match, else 0.
    from cooplab.games.extensive import Node

    def build(prefix: tuple[int, ...]) -> Node:
        if len(prefix) == 3:
            same = float(len(set(prefix)) == 1)
            return Terminal((same, same, same))
        return Decision(len(prefix), "", ("0", "1"), tuple(build((*prefix, k)) for k in (0, 1)))

    g = compile_tree(build(()), num_players=3)
    uni = TabularPolicy.uniform(g)
    np.testing.assert_allclose(expected_values(g, uni), [0.25] * 3)
    # Each player's best reply to two uniform others still earns 1/4: NashConv 0.
    np.testing.assert_allclose(nash_conv(g, uni), 0.0, atol=1e-12)
    pure = TabularPolicy(g, [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    # Player 2 gains 1 by switching to 0; players 0 and 1 gain nothing alone.
    np.testing.assert_allclose(nash_conv(g, pure), 1.0)
    solver = CFRSolver(g, "cfr").run(50)
    assert solver.average_policy().probs.shape == (3, 2)


def test_solver_state_and_determinism(kuhn) -> None:  # type: ignore[no-untyped-def]
    a = CFRSolver(kuhn, "dcfr").run(30)
    b = CFRSolver(kuhn, "dcfr")
    for _ in range(30):
        b.step()
    np.testing.assert_array_equal(a.cumulative_regret(), b.cumulative_regret())
    np.testing.assert_array_equal(a.average_policy().probs, b.average_policy().probs)
    assert np.all(CFRSolver(kuhn, "cfr+").run(20).cumulative_regret() >= 0)  # regret matching+
    calls: list[tuple[float, float]] = []
    seen: list[int] = []
    CFRSolver(kuhn).run(
        10,
        progress=lambda d, t: calls.append((d, t)),
        callback=lambda s: seen.append(s.iteration),
        every=5,
    )
    assert calls[-1] == (10, 10) and seen == [5, 10]
    assert "kuhn_poker" in repr(a) and a.to_dict()["variant"] == "dcfr"
    np.testing.assert_allclose(a.current_policy().probs.sum(axis=1), 1.0)


def test_linear_equals_explicit_t_weighting(kuhn) -> None:  # type: ignore[no-untyped-def]
    # Linear CFR (Brown & Sandholm 2019) is DCFR with alpha = beta = gamma = 1.
    lin = CFRSolver(kuhn, "linear").run(50)
    d111 = CFRSolver(kuhn, "dcfr", alpha=1.0, beta=1.0, gamma=1.0).run(50)
    np.testing.assert_allclose(lin.average_policy().probs, d111.average_policy().probs)


def test_cfr_plus_delay(kuhn) -> None:  # type: ignore[no-untyped-def]
    # With a delay d the first d iterations carry no weight (Tammelin et al. 2015).
    s = CFRSolver(kuhn, "cfr+", delay=5).run(5)
    assert np.all(s.cumulative_policy() == 0)
    assert np.any(s.run(1).cumulative_policy() > 0)


def test_bad_input(kuhn) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="unknown CFR variant"):
        CFRSolver(kuhn, "cfr++")
    with pytest.raises(TypeError, match="ExtensiveGame"):
        CFRSolver("kuhn", "cfr")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="delay"):
        CFRSolver(kuhn, "cfr+", delay=-1)
    with pytest.raises(ValueError, match="alpha"):
        CFRSolver(kuhn, "dcfr", alpha=float("nan"))
    with pytest.raises(ValueError, match="iterations"):
        CFRSolver(kuhn).run(-1)
    with pytest.raises(TypeError, match="iterations"):
        CFRSolver(kuhn).run(2.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="player"):
        best_response(kuhn, TabularPolicy.uniform(kuhn), 2)
    three = compile_tree(Decision(0, "a", ("x",), (Terminal((1.0, 0.0, 0.0)),)), num_players=3)
    with pytest.raises(ValueError, match="two players"):
        solve_sequence_form(three)
    pd = matrix_game("prisoners-dilemma")
    with pytest.raises(ValueError, match="not zero-sum"):
        solve_sequence_form(pd)
    forgetful = compile_tree(
        Decision(
            0,
            "a",
            ("l", "r"),
            tuple(
                Decision(0, "b", ("x", "y"), (Terminal((1.0, -1.0)), Terminal((0.0, 0.0))))
                for _ in range(2)
            ),
        ),
        num_players=2,
    )
    with pytest.raises(ValueError, match="perfect recall"):
        nash_conv(forgetful, TabularPolicy.uniform(forgetful))
