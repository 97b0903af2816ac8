"""Equilibria of n-player games: pure, support enumeration, logit QRE path."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from cooplab.equilibria.n_player import (
    count_support_profiles,
    logit_qre_path,
    n_player_support_enumeration,
    pure_equilibria,
)
from cooplab.equilibria.result import DegenerateGameWarning, EquilibriumResult, TooExpensiveError
from cooplab.games import NormalFormGame, make


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------
def from_gambit_outcomes(outcomes, shape):
    """Payoffs from a Gambit .nfg outcome list (player 1's action varies fastest)."""
    u = np.zeros((len(shape), *shape))
    for k, pay in enumerate(outcomes):
        index, rest = [], k
        for a in shape:
            index.append(rest % a)
            rest //= a
        u[(slice(None), *index)] = pay
    return NormalFormGame(u)


def profiles(result):
    return [[np.asarray(s) for s in e.profile] for e in result]


def same_profile(a, b, atol=1e-7):
    return all(np.allclose(x, y, atol=atol, rtol=0) for x, y in zip(a, b, strict=True))


def assert_same_sets(found, expected, atol=1e-7):
    found = [[np.asarray(s, dtype=float) for s in p] for p in found]
    expected = [[np.asarray(s, dtype=float) for s in p] for p in expected]
    missing = [p for p in expected if not any(same_profile(p, q, atol) for q in found)]
    extra = [p for p in found if not any(same_profile(p, q, atol) for q in expected)]
    assert not missing and not extra, f"missing {missing}, extra {extra}"
    assert len(found) == len(expected)


def random_game(shape, seed):
    return NormalFormGame(np.random.default_rng(seed).normal(size=(len(shape), *shape)))


def jordan_game():
    # Jordan (1993), three-player matching pennies: player 1 wants to match
    # player 2, player 2 to mismatch player 3, player 3 to match player 1.
    u = np.zeros((3, 2, 2, 2))
    for a, b, c in np.ndindex(2, 2, 2):
        u[:, a, b, c] = [a == b, b != c, c == a]
    return NormalFormGame(u)


def seltens_horse():
    # Selten (1975), the horse, in normal form. Actions: player 1 A/D, player 2
    # a/d, player 3 L/R. (D, ., L) = (3, 3, 2), (D, ., R) = 0, (A, a, .) = 1,
    # (A, d, L) = (4, 4, 0), (A, d, R) = (0, 0, 1).
    u = np.zeros((3, 2, 2, 2))
    u[:, 0, 0, :] = np.array([1, 1, 1])[:, None]
    u[:, 0, 1, 0] = (4, 4, 0)
    u[:, 0, 1, 1] = (0, 0, 1)
    u[:, 1, :, 0] = np.array([3, 3, 2])[:, None]
    return NormalFormGame(u)


def quiet_enumeration(game, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateGameWarning)
        return n_player_support_enumeration(game, **kw)


def totally_mixed_2x2x2(game):
    """Every totally mixed equilibrium of a generic 2x2x2 game, in closed form.

    Player i's indifference is bilinear in the other two players' first-action
    probabilities; solving players 1's and 2's for q(r) and p(r) and putting
    them into player 3's gives a quadratic in r (McKelvey & McLennan 1997:
    at most two totally mixed equilibria).
    """
    u = game.payoffs

    def bilinear(d):  # d[b, c] -> coefficients of 1, x, y, xy with x_0 = x, y_0 = y
        return d[1, 1], d[0, 1] - d[1, 1], d[1, 0] - d[1, 1], d[0, 0] - d[0, 1] - d[1, 0] + d[1, 1]

    poly = np.polynomial.Polynomial
    c0 = bilinear(u[0, 0] - u[0, 1])  # in (q, r)
    c1 = bilinear(u[1, :, 0] - u[1, :, 1])  # in (p, r)
    c2 = bilinear(u[2, :, :, 0] - u[2, :, :, 1])  # in (p, q)
    # Player 1: c0[0] + c0[2] r + (c0[1] + c0[3] r) q = 0, so q = -A0 / B0.
    a0, b0 = poly([c0[0], c0[2]]), poly([c0[1], c0[3]])
    a1, b1 = poly([c1[0], c1[2]]), poly([c1[1], c1[3]])
    a, b, c, d = c2
    quadratic = a * b1 * b0 - b * a1 * b0 - c * a0 * b1 + d * a1 * a0
    out = []
    for r in quadratic.roots():
        if abs(r.imag) > 1e-9:
            continue
        r = r.real
        p, q = -a1(r) / b1(r), -a0(r) / b0(r)
        if all(0 < x < 1 for x in (p, q, r)):
            out.append([np.array([p, 1 - p]), np.array([q, 1 - q]), np.array([r, 1 - r])])
    return out


def partially_mixed_2x2x2(game):
    """Equilibria of a generic 2x2x2 game where exactly two players mix."""
    u = game.payoffs
    out = []
    for k in range(3):
        i, j = (m for m in range(3) if m != k)
        for c in range(2):
            # Fix player k's action c: a 2x2 game between i and j.
            sub = np.take(u, c, axis=1 + k)  # (3, 2, 2), axes i, j
            a, b = sub[i], sub[j]
            # i indifferent: sum_b y_b (a[0,b] - a[1,b]) = 0 in y = P(j plays 0).
            di, dj = a[0] - a[1], b[:, 0] - b[:, 1]
            y = di[1] / (di[1] - di[0])
            x = dj[1] / (dj[1] - dj[0])
            if not (0 < x < 1 and 0 < y < 1):
                continue
            prof = [None, None, None]
            prof[i], prof[j] = np.array([x, 1 - x]), np.array([y, 1 - y])
            prof[k] = np.eye(2)[c]
            if game.regret(prof).max() <= 1e-9:
                out.append(prof)
    return out


# ---------------------------------------------------------------------------
# pure_equilibria
# ---------------------------------------------------------------------------
def test_pure_equilibria_wraps_the_game():
    g = make("battle-of-the-sexes")
    res = pure_equilibria(g)
    assert isinstance(res, EquilibriumResult)
    assert res.method == "pure" and res.complete
    assert [e.supports for e in res] == [((0,), (0,)), ((1,), (1,))]
    assert all(e.regret == 0 for e in res)


def test_pure_equilibria_of_jordans_game_is_empty():
    res = pure_equilibria(jordan_game())
    assert len(res) == 0 and res.complete


def test_pure_equilibria_four_players():
    # A four-player coordination game: each player earns the number of others
    # who match it, so only unanimity is stable.
    u = np.zeros((4, 2, 2, 2, 2))
    for idx in np.ndindex(2, 2, 2, 2):
        u[(slice(None), *idx)] = [sum(b == a for b in idx) - 1 for a in idx]
    res = pure_equilibria(NormalFormGame(u))
    assert [tuple(int(np.argmax(s)) for s in e.profile) for e in res] == [(0,) * 4, (1,) * 4]


# ---------------------------------------------------------------------------
# Support enumeration: games from the literature
# ---------------------------------------------------------------------------
def test_jordan_unique_fully_mixed():
    # Jordan (1993): the unique equilibrium has every player mixing half-half.
    res = n_player_support_enumeration(jordan_game())
    assert res.complete and res.degenerate is False
    assert_same_sets(profiles(res), [[np.array([0.5, 0.5])] * 3])


def test_matching_pennies():
    res = n_player_support_enumeration(make("matching-pennies"))
    assert res.complete
    assert_same_sets(profiles(res), [[np.array([0.5, 0.5])] * 2])


def test_battle_of_the_sexes_three_equilibria():
    # Two pure equilibria and the mixed one, (2/3, 1/3) and (1/3, 2/3).
    res = n_player_support_enumeration(make("battle-of-the-sexes"))
    assert res.complete
    expected = [
        [np.array([1.0, 0.0]), np.array([1.0, 0.0])],
        [np.array([0.0, 1.0]), np.array([0.0, 1.0])],
        [np.array([2 / 3, 1 / 3]), np.array([1 / 3, 2 / 3])],
    ]
    assert_same_sets(profiles(res), expected)


def test_rock_paper_scissors_uniform():
    res = n_player_support_enumeration(make("rock-paper-scissors"))
    assert res.complete
    assert_same_sets(profiles(res), [[np.full(3, 1 / 3)] * 2])


def test_mckelvey_mclennan_2x2x2_nine_equilibria():
    # McKelvey & McLennan's 2x2x2 example (Gambit's contrib/games/2x2x2.nfg):
    # nine Nash equilibria, two of them totally mixed.
    g = from_gambit_outcomes(
        [(9, 8, 12), (0, 0, 0), (0, 0, 0), (9, 8, 2), (0, 0, 0), (3, 4, 6), (3, 4, 6), (0, 0, 0)],
        (2, 2, 2),
    )
    res = n_player_support_enumeration(g)
    assert res.complete and len(res) == 9

    def mix(*ps):
        return [np.array([p, 1 - p]) for p in ps]

    expected = [
        mix(1, 1, 1),
        mix(1, 0, 0),
        mix(0, 1, 0),
        mix(0, 0, 1),
        mix(1 / 2, 1 / 2, 1),
        mix(1 / 3, 1, 1 / 4),
        mix(0, 1 / 4, 1 / 3),
        mix(1 / 2, 2 / 5, 1 / 4),
        mix(2 / 5, 1 / 2, 1 / 3),
    ]
    assert_same_sets(profiles(res), expected)
    assert sum(all(min(s) > 0 for s in e.profile) for e in res) == 2


def test_gambit_3x3x3_five_equilibria():
    # Gambit's contrib/games/3x3x3.nfg: "three person 3x3x3 game with five
    # equilibria (two pure)".
    outcomes = [
        (1.131, 1.210, 2.426), (1.358, 2.234, 2.238), (1.655, 1.347, 2.747),
        (1.576, 5.634, 5.675), (1.478, 2.544, 1.973), (1.436, 4.864, 5.267),
        (1.735, 4.043, 7.247), (3.830, 1.335, 1.734), (1.428, 1.521, 4.248),
        (2.429, 2.326, 2.422), (5.255, 5.334, 2.643), (2.243, 3.518, 3.062),
        (2.455, 6.523, 4.225), (7.486, 4.483, 5.764), (7.566, 4.655, 7.076),
        (4.943, 7.362, 4.382), (4.434, 4.271, 4.120), (4.533, 5.231, 5.458),
        (3.222, 3.024, 1.223), (2.873, 4.452, 4.549), (4.564, 4.326, 1.762),
        (5.277, 4.837, 5.645), (4.995, 5.754, 4.383), (4.423, 1.759, 2.705),
        (4.642, 1.897, 4.042), (4.976, 7.324, 7.723), (4.486, 4.882, 2.537),
    ]  # fmt: skip
    g = from_gambit_outcomes(outcomes, (3, 3, 3))
    res = n_player_support_enumeration(g)
    assert res.complete and len(res) == 5
    assert sum(e.is_pure for e in res) == 2
    pure = {tuple(int(np.argmax(s)) for s in e.profile) for e in res if e.is_pure}
    assert pure == {(0, 1, 0), (1, 2, 2)}
    assert res.max_regret <= 1e-12


def test_seltens_horse_components():
    # Selten (1975): two components of equilibria, {(A, a, P(L) <= 1/4)} and
    # {(D, P(a) >= 1/3, L)}; degenerate, so the list is not complete but every
    # listed profile lies in a component and both pure equilibria are found.
    with pytest.warns(DegenerateGameWarning):
        res = n_player_support_enumeration(seltens_horse())
    assert not res.complete and res.degenerate
    assert res.stats["unresolved_supports"]
    for e in res:
        p1, p2, p3 = (s[0] for s in e.profile)
        first = p1 == 1 and p2 == 1 and p3 <= 0.25 + 1e-9
        second = p1 == 0 and p2 >= 1 / 3 - 1e-9 and p3 == 1
        assert first or second, e
    pure = {tuple(int(np.argmax(s)) for s in e.profile) for e in res if e.is_pure}
    assert pure == {(0, 0, 1), (1, 0, 0)}
    # The components' ends P(L) = 1/4 and P(a) = 1/3 are equilibria of smaller systems.
    ends = [[e.profile[2][0], e.profile[1][0]] for e in res]
    assert any(np.isclose(x, 0.25) for x, _ in ends) and any(np.isclose(y, 1 / 3) for _, y in ends)


def test_nau_game_degenerate():
    # Nau, Gomez Canovas & Hansen (2004), Gambit's 2x2x2-nau.nfg: three pure
    # equilibria, two incompletely mixed ones, and a continuum of totally mixed
    # ones joined to them.
    g = from_gambit_outcomes(
        [(0, 0, 2), (3, 0, 0), (0, 3, 0), (0, 0, 0), (1, 1, 0), (0, 0, 0), (0, 0, 0), (0, 0, 3)],
        (2, 2, 2),
    )
    with pytest.warns(DegenerateGameWarning):
        res = n_player_support_enumeration(g)
    assert not res.complete and res.degenerate
    assert sum(e.is_pure for e in res) == 3
    assert all(e.regret <= 1e-12 for e in res)


# ---------------------------------------------------------------------------
# Support enumeration: random games against an independent reference
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(12))
def test_random_2x2x2_against_closed_form(seed):
    g = random_game((2, 2, 2), seed)
    res = n_player_support_enumeration(g)
    assert res.complete
    expected = [[np.eye(2)[a] for a in o] for o in g.pure_nash_equilibria()]
    expected += partially_mixed_2x2x2(g) + totally_mixed_2x2x2(g)
    assert_same_sets(profiles(res), expected, atol=1e-7)


@pytest.mark.parametrize(("shape", "seed"), [((2, 2, 3), 0), ((2, 2, 2, 2), 1), ((3, 3), 2)])
def test_random_games_certified(shape, seed):
    g = random_game(shape, seed)
    res = n_player_support_enumeration(g)
    assert res.complete and not res.degenerate and len(res) >= 1
    atol = g.tie_tolerance(1e-9)
    for e in res:
        assert np.all(g.regret(e.profile) <= atol)
    # Generic games have an odd number of equilibria (Wilson 1971; Harsanyi 1973).
    assert len(res) % 2 == 1
    pure = {tuple(int(np.argmax(s)) for s in e.profile) for e in res if e.is_pure}
    assert pure == set(g.pure_nash_equilibria())


@pytest.mark.parametrize("seed", range(3))
def test_random_3x3x3(seed):
    g = random_game((3, 3, 3), seed)
    res = n_player_support_enumeration(g)
    assert res.complete and len(res) % 2 == 1
    assert np.all([np.all(g.regret(e.profile) <= g.tie_tolerance(1e-9)) for e in res])


@pytest.mark.slow
@pytest.mark.parametrize(("shape", "seed"), [((3, 3, 4), 0), ((3, 3, 4), 1), ((2,) * 5, 0)])
def test_random_larger_games(shape, seed):
    g = random_game(shape, seed)
    res = n_player_support_enumeration(g)
    assert res.complete and len(res) % 2 == 1
    assert np.all([np.all(g.regret(e.profile) <= g.tie_tolerance(1e-9)) for e in res])
    # The logit solution is one of them.
    logit = logit_qre_path(g)
    assert any(same_profile(logit[0].profile, e.profile, atol=1e-6) for e in res)


def test_two_player_nondegenerate_matches_closed_form():
    # 2x2 with a unique mixed equilibrium: p = (d - c) / (a - b - c + d) style.
    a = np.array([[3.0, -1.0], [-2.0, 1.0]])
    b = np.array([[-1.0, 2.0], [3.0, -2.0]])
    g = NormalFormGame.from_bimatrix(a, b)
    res = n_player_support_enumeration(g)
    q = (a[1, 1] - a[0, 1]) / (a[0, 0] - a[0, 1] - a[1, 0] + a[1, 1])
    p = (b[1, 1] - b[1, 0]) / (b[0, 0] - b[0, 1] - b[1, 0] + b[1, 1])
    assert_same_sets(profiles(res), [[np.array([p, 1 - p]), np.array([q, 1 - q])]])


def test_one_action_players_and_scaling():
    # A player with a single action is a bystander; scaling a player's payoffs
    # changes nothing.
    g = random_game((2, 1, 2), 3)
    res = n_player_support_enumeration(g)
    u = g.payoffs.copy()
    u[0] = 1000 * u[0] - 7
    u[2] = 1e-6 * u[2]
    res2 = n_player_support_enumeration(NormalFormGame(u))
    assert_same_sets(profiles(res), profiles(res2), atol=1e-9)


def test_stats_and_json():
    res = n_player_support_enumeration(jordan_game())
    assert res.stats["support_profiles"] == 27
    assert 1 <= res.stats["solved"] <= 27
    assert res.stats["unresolved_supports"] == []
    json.dumps(res.to_dict())


def test_deterministic():
    g = random_game((2, 2, 3), 5)
    a = n_player_support_enumeration(g).to_dict()
    b = n_player_support_enumeration(g).to_dict()
    a["stats"].pop("seconds")
    b["stats"].pop("seconds")
    assert a == b


def test_constant_player_is_degenerate_but_finds_points():
    # Player 3's payoffs are constant: it is indifferent everywhere.
    u = np.random.default_rng(0).normal(size=(3, 2, 2, 2))
    u[2] = 1.0
    with pytest.warns(DegenerateGameWarning):
        res = n_player_support_enumeration(NormalFormGame(u))
    assert not res.complete and len(res) >= 1
    assert all(e.regret <= 1e-9 for e in res)


# ---------------------------------------------------------------------------
# Refusals and bad input
# ---------------------------------------------------------------------------
def test_too_expensive_is_refused_with_an_estimate():
    g = NormalFormGame(np.zeros((3, 6, 6, 6)))
    assert count_support_profiles(g.n_actions) == 63**3
    with pytest.raises(TooExpensiveError, match=r"250,047 support profiles.*force=True"):
        n_player_support_enumeration(g)


def test_max_supports_and_force():
    g = jordan_game()
    with pytest.raises(TooExpensiveError, match="27 support profiles"):
        n_player_support_enumeration(g, max_supports=10)
    assert len(n_player_support_enumeration(g, max_supports=10, force=True)) == 1


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"tol": -1.0}, ValueError, "tol"),
        ({"tol": float("nan")}, ValueError, "tol"),
        ({"max_supports": 0}, ValueError, "max_supports"),
        ({"max_supports": 2.5}, ValueError, "max_supports"),
        ({"max_boxes": 0}, ValueError, "max_boxes"),
        ({"force": "yes"}, TypeError, "force"),
    ],
)
def test_enumeration_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        n_player_support_enumeration(jordan_game(), **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"tol": -1.0}, ValueError, "tol"),
        ({"max_lambda": 0}, ValueError, "max_lambda"),
        ({"max_lambda": float("inf")}, ValueError, "max_lambda"),
        ({"max_steps": 0}, ValueError, "max_steps"),
        ({"first_step": -0.1}, ValueError, "first_step"),
        ({"max_accel": 1.0}, ValueError, "max_accel"),
        ({"polish": 1}, TypeError, "polish"),
        ({"return_path": None}, TypeError, "return_path"),
    ],
)
def test_logit_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        logit_qre_path(jordan_game(), **kwargs)


@pytest.mark.parametrize("solver", [pure_equilibria, n_player_support_enumeration, logit_qre_path])
def test_not_a_game(solver):
    with pytest.raises(TypeError, match="NormalFormGame"):
        solver(np.zeros((2, 2, 2)))


# ---------------------------------------------------------------------------
# Logit QRE path
# ---------------------------------------------------------------------------
def test_logit_jordan_and_pennies_start_at_the_answer():
    for g in (jordan_game(), make("matching-pennies")):
        res = logit_qre_path(g)
        assert res.method == "logit" and not res.complete
        assert res.stats["converged"] and res.stats["steps"] == 0
        assert all(np.allclose(s, 0.5) for s in res[0].profile)


def test_logit_prisoners_dilemma_defects():
    res = logit_qre_path(make("prisoners-dilemma"))
    assert res.stats["converged"]
    assert [int(np.argmax(s)) for s in res[0].profile] == [1, 1]
    assert res[0].regret <= 1e-8 * 5


def test_logit_battle_of_the_sexes_selects_the_mixed_equilibrium():
    # The symmetric-looking start leads to the mixed equilibrium here.
    res = logit_qre_path(make("battle-of-the-sexes"))
    assert res.stats["converged"]
    np.testing.assert_allclose(res[0].profile[0], [2 / 3, 1 / 3], atol=1e-9)
    np.testing.assert_allclose(res[0].profile[1], [1 / 3, 2 / 3], atol=1e-9)


def test_logit_seltens_horse_reaches_the_perfect_component():
    # The logit solution is a limit of QRE, so it lies in the component of the
    # perfect equilibrium (A, a, P(L) <= 1/4).
    res = logit_qre_path(seltens_horse())
    p = res[0].profile
    assert res.stats["converged"]
    assert p[0][0] == pytest.approx(1) and p[1][0] == pytest.approx(1) and p[2][0] <= 0.25 + 1e-9


@pytest.mark.parametrize(
    ("shape", "seed"), [((3, 3, 3), 0), ((3, 3, 3), 1), ((2, 2, 2, 2), 2), ((2, 2, 2, 2), 3)]
)
def test_logit_certificate_random_games(shape, seed):
    g = random_game(shape, seed)
    res = logit_qre_path(g, tol=1e-8)
    assert res.stats["converged"]
    assert np.all(g.regret(res[0].profile) <= g.tie_tolerance(1e-8))
    assert res[0].regret == pytest.approx(float(g.regret(res[0].profile).max()))
    assert res.stats["lambda"] > 0 and res.stats["steps"] > 0


@pytest.mark.parametrize("seed", [0, 1])
def test_logit_certificate_20x20(seed):
    g = random_game((20, 20), seed)
    res = logit_qre_path(g, tol=1e-8)
    assert res.stats["converged"]
    assert np.all(g.regret(res[0].profile) <= g.tie_tolerance(1e-8))


def test_logit_without_polish_still_reaches_tol():
    g = random_game((3, 3, 3), 4)
    res = logit_qre_path(g, polish=False, tol=1e-6)
    assert res.stats["converged"] and not res.stats["polished"]
    assert np.all(g.regret(res[0].profile) <= g.tie_tolerance(1e-6))
    # Polishing lands on the same equilibrium.
    polished = logit_qre_path(g)
    assert same_profile(polished[0].profile, res[0].profile, atol=1e-4)


def test_logit_reports_failure_honestly():
    g = random_game((3, 3, 3), 0)
    res = logit_qre_path(g, max_steps=3, polish=False)
    assert not res.stats["converged"]
    assert "max_steps" in res.stats["reason"]
    assert res[0].regret > 1e-8
    assert res.stats["max_regret"] == pytest.approx(res[0].regret)


def test_logit_path_is_returned_and_json():
    g = random_game((2, 2, 2), 1)
    res = logit_qre_path(g, return_path=True)
    path = res.stats["path"]
    assert len(path["lambda"]) == len(path["profiles"]) == res.stats["steps"] + 1
    assert path["lambda"][0] == 0
    assert np.allclose(path["profiles"][0][0], [0.5, 0.5])
    json.dumps(res.to_dict())
    assert "path" not in logit_qre_path(g).stats


def test_logit_constant_game():
    res = logit_qre_path(NormalFormGame(np.ones((3, 2, 3, 2))))
    assert res.stats["converged"] and res[0].regret == 0


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------
shapes = st.sampled_from([(2, 2), (2, 3), (2, 2, 2), (1, 2, 2), (2, 2, 3)])


@st.composite
def small_games(draw):
    shape = draw(shapes)
    integers = draw(st.booleans())
    elements = (
        st.integers(-3, 3).map(float)
        if integers
        else st.floats(-10, 10, allow_nan=False, allow_infinity=False)
    )
    u = draw(hnp.arrays(np.float64, (len(shape), *shape), elements=elements))
    return NormalFormGame(u)


@given(small_games())
def test_property_every_equilibrium_has_small_regret(game):
    res = quiet_enumeration(game, max_boxes=20_000)
    atol = game.tie_tolerance(1e-9)
    for e in res:
        assert np.all(game.regret(e.profile) <= atol)
        for s in e.profile:
            assert s.min() >= 0 and abs(s.sum() - 1) <= 1e-12
    # Pure equilibria are always found, complete or not.
    pure = {tuple(int(np.argmax(s)) for s in e.profile) for e in res if e.is_pure}
    assert set(game.pure_nash_equilibria()) <= pure
    assert len(res) >= 1  # Nash (1950)
    assert res.complete == (not res.stats["unresolved_supports"])


@given(small_games())
def test_property_logit_certificate(game):
    res = logit_qre_path(game, tol=1e-7)
    e = res[0]
    assert e.regret == pytest.approx(float(game.regret(e.profile).max()), abs=1e-12)
    if res.stats["converged"]:
        assert np.all(game.regret(e.profile) <= game.tie_tolerance(1e-7))


def test_support_profile_count():
    assert count_support_profiles((2, 2, 2)) == 27
    assert count_support_profiles((3, 3, 3)) == 343
    assert count_support_profiles(()) == 1
