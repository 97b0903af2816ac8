"""Cross-checks against peer libraries (the ``bench`` extra).

Every test carries the ``peers`` marker (through ``pytestmark``) and gets its
peer from a fixture that calls ``pytest.importorskip``, so this module is
collected without any peer installed and each test skips cleanly when its
peer is missing. (Axelrod's fixture first loads only ``axelrod.game``, since
``import axelrod`` takes 10-20 s; see the fixture.) Run only these with
``pytest -m peers``; leave them out with ``pytest -m "not peers"``.

Peers and what they check:

* Gambit (``pygambit``): the set of pure Nash equilibria (``enumpure_solve``,
  exact rational arithmetic) for 2-, 3- and 4-player games; expected and
  deviation payoffs and regrets of mixed profiles; the equilibria
  ``enummixed_solve`` finds in the 2-player catalog games.
* Nashpy: expected payoffs of mixed profiles in bimatrix games.
* OpenSpiel (``pyspiel``): the catalog games that OpenSpiel also defines as
  ``matrix_*`` games.
* Axelrod: the prisoner's dilemma payoffs, default and custom.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import itertools
import sys
import types
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.version import Version  # a dependency of pytest itself

from cooplab.games import NormalFormGame, make
from cooplab.games.normal_form import pure_nash_equilibria

pytestmark = pytest.mark.peers


# ---------------------------------------------------------------------------
# Peers, each skipped on its own when absent (minimum versions as in the
# ``bench`` extra of pyproject.toml).
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def gbt():
    return pytest.importorskip("pygambit", minversion="16.1")


@pytest.fixture(scope="module")
def nashpy():
    return pytest.importorskip("nashpy", minversion="0.0.41")


@pytest.fixture(scope="module")
def pyspiel():
    return pytest.importorskip("pyspiel")


@pytest.fixture(scope="module")
def axelrod():
    """Axelrod's ``Game`` and ``Action``, as a namespace ``.game.Game``, ``.Action``.

    ``import axelrod`` takes 10-20 s (at import it reads the source of every
    strategy with ``inspect.getsource`` to classify it), so this loads only
    ``axelrod/action.py`` and ``axelrod/game.py`` from the installed package,
    the real code of the payoff class, in well under a second. If that ever
    fails (another layout in a later version), it falls back to the full
    import, skipping when Axelrod is absent.
    """
    full = sys.modules.get("axelrod")
    if full is not None and hasattr(full, "game"):  # already imported in full elsewhere
        return full
    spec = importlib.util.find_spec("axelrod")  # locates the package without running it
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("could not import 'axelrod': not installed")
    if Version(importlib.metadata.version("axelrod")) < Version("4.13"):
        pytest.skip("axelrod older than 4.13 (the bench extra's minimum)")
    try:
        return _load_axelrod_game_only(Path(next(iter(spec.submodule_search_locations))))
    except Exception:
        return pytest.importorskip("axelrod", minversion="4.13")


def _load_axelrod_game_only(root: Path) -> types.SimpleNamespace:
    def load(name: str) -> types.ModuleType:
        spec = importlib.util.spec_from_file_location(
            f"_cooplab_peer_axelrod_{name}", root / f"{name}.py"
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    action = load("action")
    # game.py does ``from axelrod import Action``: serve it from a stand-in
    # package for the duration of the load, then take the stand-in out again.
    stand_in = types.ModuleType("axelrod")
    stand_in.Action = action.Action
    sys.modules["axelrod"] = stand_in
    try:
        game = load("game")
    finally:
        del sys.modules["axelrod"]
    return types.SimpleNamespace(game=game, Action=action.Action)


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------
def exact_array(values) -> np.ndarray:
    """An object array of ``Fraction`` (ints and Fractions stay exact)."""
    return np.vectorize(Fraction, otypes=[object])(np.asarray(values, dtype=object))


def to_gambit(gbt, exact: np.ndarray):
    """A Gambit strategic game from an exact payoff array of shape (n, a_1, ..., a_n).

    Built with ``Game.new_table`` and one ``outcome[player] = payoff`` per
    player and pure profile, so the n-player layout is spelled out: Gambit's
    contingency ``(k_1, ..., k_n)`` (0-based strategy indices, player order as
    in ``game.players``) is our ``payoffs[:, k_1, ..., k_n]``. Fractions are
    passed as ``gbt.Rational`` so Gambit stores them exactly.
    """
    n = exact.shape[0]
    game = gbt.Game.new_table(list(exact.shape[1:]))
    players = list(game.players)
    assert len(players) == n
    for profile in itertools.product(*(range(a) for a in exact.shape[1:])):
        outcome = game[profile]
        for i, player in enumerate(players):
            outcome[player] = gbt.Rational(exact[(i, *profile)])
    return game


def gambit_pure_equilibria(gbt, game) -> set[tuple[int, ...]]:
    """Gambit's pure equilibria as action-index tuples.

    ``enumpure_solve`` returns ``MixedStrategyProfileRational`` objects;
    ``profile[strategy]`` is a strategy's probability, exactly 0 or 1 here.
    """
    out = set()
    for eq in gbt.nash.enumpure_solve(game).equilibria:
        indices = []
        for player in game.players:
            probs = [eq[s] for s in player.strategies]
            assert sorted(probs) == [0] * (len(probs) - 1) + [1], probs
            indices.append(probs.index(1))
        out.add(tuple(indices))
    return out


def random_exact_payoffs(rng: np.random.Generator, shape, kind: str) -> np.ndarray:
    """Exact random payoffs of shape (n, a_1, ..., a_n).

    ``kind`` is ``"ties"`` (integers 0..2: many ties, many equilibria),
    ``"ints"`` (integers -9..9) or ``"fractions"`` (k/d with d in 1..6: equal
    values written differently, e.g. 1/2 and 2/4, and values that are not
    binary floats).
    """
    n = len(shape)
    full = (n, *shape)
    if kind == "ties":
        return exact_array(rng.integers(0, 3, size=full).tolist())
    if kind == "ints":
        return exact_array(rng.integers(-9, 10, size=full).tolist())
    if kind == "fractions":
        num = rng.integers(-12, 13, size=full)
        den = rng.integers(1, 7, size=full)
        return np.vectorize(Fraction, otypes=[object])(num, den)
    raise AssertionError(kind)


def as_float_game(exact: np.ndarray) -> NormalFormGame:
    return NormalFormGame(exact.astype(float))


def ours_pure(g: NormalFormGame) -> set[tuple[int, ...]]:
    """cooplab's pure equilibria, checked to be the same with the default tolerance and with ``tol=0``.

    Gambit compares payoffs exactly; ``pure_nash_equilibria()`` by default
    accepts deviations that gain at most ``tie_tolerance()`` (1e-9 of the
    player's payoff spread plus rounding). The random games
    handed to Gambit here have payoffs that are equal or at least 1/36 apart,
    so the two must agree, and both must equal Gambit's answer.
    """
    default = set(g.pure_nash_equilibria())
    assert default == set(g.pure_nash_equilibria(tol=0))
    return default


def random_rational_profile(rng: np.random.Generator, n_actions) -> list[list[Fraction]]:
    """A mixed profile with exact rational probabilities, some of them zero."""
    profile = []
    for a in n_actions:
        weights = rng.integers(0, 5, size=a)
        if weights.sum() == 0:
            weights[rng.integers(a)] = 1
        total = int(weights.sum())
        profile.append([Fraction(int(w), total) for w in weights])
    return profile


# ---------------------------------------------------------------------------
# (a) Pure Nash equilibria against Gambit's enumpure_solve
# ---------------------------------------------------------------------------
TWO_PLAYER_SHAPES = [(1, 1), (1, 5), (4, 1), (2, 2), (3, 4), (5, 3), (6, 6), (12, 9), (25, 30)]


@pytest.mark.parametrize("kind", ["ties", "ints", "fractions"])
@pytest.mark.parametrize("shape", TWO_PLAYER_SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_pure_equilibria_match_gambit_two_players(gbt, shape, kind):
    rng = np.random.default_rng([2024, *shape, len(kind)])
    for _ in range(3):
        exact = random_exact_payoffs(rng, shape, kind)
        A, B = exact[0], exact[1]
        # Two players: Game.from_arrays(A, B), A for the row player (player "1").
        game = gbt.Game.from_arrays(
            *(np.vectorize(gbt.Rational, otypes=[object])(m) for m in (A, B))
        )
        ours = NormalFormGame.from_bimatrix(A.astype(float), B.astype(float))
        assert ours_pure(ours) == gambit_pure_equilibria(gbt, game)


@pytest.mark.parametrize("kind", ["ties", "ints", "fractions"])
@pytest.mark.parametrize(
    "shape",
    [(2, 2, 2), (2, 3, 4), (4, 3, 2), (5, 5, 5), (1, 3, 2), (3, 3, 3, 3), (2, 4, 1, 3)],
    ids=lambda s: "x".join(map(str, s)),
)
def test_pure_equilibria_match_gambit_n_players(gbt, shape, kind):
    rng = np.random.default_rng([7, *shape, len(kind)])
    for _ in range(3):
        exact = random_exact_payoffs(rng, shape, kind)
        game = to_gambit(gbt, exact)
        assert ours_pure(as_float_game(exact)) == gambit_pure_equilibria(gbt, game)


def test_gambit_table_layout_matches_ours(gbt):
    # Guards the helper: a non-square 3-player game read back from Gambit
    # entry by entry equals our array (no transposed or permuted axes).
    rng = np.random.default_rng(3)
    exact = random_exact_payoffs(rng, (2, 3, 4), "ints")
    game = to_gambit(gbt, exact)
    players = list(game.players)
    for profile in itertools.product(range(2), range(3), range(4)):
        for i, player in enumerate(players):
            assert game[profile][player] == exact[(i, *profile)]


@given(
    shape=st.lists(st.integers(1, 4), min_size=2, max_size=3),
    seed=st.integers(0, 2**32 - 1),
)
def test_pure_equilibria_match_gambit_property(gbt, shape, seed):
    exact = random_exact_payoffs(np.random.default_rng(seed), tuple(shape), "ties")
    game = to_gambit(gbt, exact)
    assert ours_pure(as_float_game(exact)) == gambit_pure_equilibria(gbt, game)


def test_constant_game_every_profile_is_an_equilibrium(gbt):
    exact = exact_array(np.full((3, 2, 3, 2), 5).tolist())
    expected = set(itertools.product(range(2), range(3), range(2)))
    assert gambit_pure_equilibria(gbt, to_gambit(gbt, exact)) == expected
    assert ours_pure(as_float_game(exact)) == expected


@pytest.mark.parametrize(
    "name",
    [
        "prisoners-dilemma",
        "stag-hunt",
        "chicken",
        "battle-of-the-sexes",
        "shapley",
        "public-goods",
        "tragedy-of-the-commons",
        "arms-race",
    ],
)
def test_catalog_pure_equilibria_match_gambit(gbt, name):
    # Fraction(float) is the float's exact binary value, so Gambit solves the
    # very numbers we hold (e.g. public goods' 1.6 * 3 / 4 = 1.2000000000000002),
    # exactly, as cooplab does with tol=0. With these default parameters the
    # default tolerance changes nothing (see the near-tie tests below for games
    # where it does).
    g = make(name)
    exact = np.vectorize(lambda x: Fraction(float(x)), otypes=[object])(g.payoffs)
    gambit = gambit_pure_equilibria(gbt, to_gambit(gbt, exact))
    assert set(g.pure_nash_equilibria(tol=0)) == gambit
    assert set(g.pure_nash_equilibria()) == gambit


def test_near_ties_exact_with_tol_zero_and_ties_by_default(gbt):
    # Row's two payoffs against Column's only action are 0.1 + 0.2 and 0.3,
    # one rounding error (5.6e-17) apart. Gambit reads a float as its shortest
    # repr (0.30000000000000004 and 0.3), so for it only row 0 is a best
    # response; cooplab's array function with an absolute tolerance of 0
    # agrees, and the game method (documented in
    # NormalFormGame.pure_nash_equilibria) counts the two as a rounding tie.
    A = np.array([[0.1 + 0.2], [0.3]])
    B = np.zeros((2, 1))
    game = gbt.Game.from_arrays(A, B)
    ours = NormalFormGame.from_bimatrix(A, B)
    assert gambit_pure_equilibria(gbt, game) == {(0, 0)}
    assert set(pure_nash_equilibria(ours.payoffs, tol=0)) == {(0, 0)}
    assert set(ours.pure_nash_equilibria()) == {(0, 0), (1, 0)}


def test_default_tolerance_recovers_exact_ties_lost_to_rounding(gbt):
    # Public goods with multiplier = n: u_i = endowment + (sum of the others'
    # contributions), independent of one's own action, so in exact arithmetic
    # (Gambit, rationals) every profile is an equilibrium. The float payoffs
    # carry rounding errors (shares k/5 are not binary fractions): compared
    # exactly most of those ties are lost; the game's tie rule recovers all.
    n, levels = 3, 6
    g = make("public-goods", n=n, multiplier=n, levels=levels)
    shares = [Fraction(k, levels - 1) for k in range(levels)]
    exact = np.empty((n,) + (levels,) * n, dtype=object)
    for profile in itertools.product(range(levels), repeat=n):
        c = [shares[k] for k in profile]
        for i in range(n):
            exact[(i, *profile)] = 1 - c[i] + Fraction(n) * sum(c) / n
    np.testing.assert_allclose(g.payoffs, exact.astype(float), rtol=0, atol=1e-12)
    everything = set(itertools.product(range(levels), repeat=n))
    assert gambit_pure_equilibria(gbt, to_gambit(gbt, exact)) == everything
    assert set(g.pure_nash_equilibria()) == everything
    assert set(g.pure_nash_equilibria(tol=0)) == everything  # the rounding allowance alone suffices
    assert set(pure_nash_equilibria(g.payoffs, tol=0)) < everything


@pytest.mark.parametrize(
    "name",
    [
        "prisoners-dilemma",
        "stag-hunt",
        "chicken",
        "hawk-dove",
        "battle-of-the-sexes",
        "matching-pennies",
        "rock-paper-scissors",
        "shapley",
    ],
)
def test_gambit_mixed_equilibria_of_catalog_games_have_zero_regret(gbt, name):
    # Every equilibrium Gambit's exact enummixed_solve finds (pure and mixed)
    # is a Nash equilibrium for cooplab, and its pure ones are exactly ours.
    g = make(name)
    exact = np.vectorize(lambda x: gbt.Rational(Fraction(float(x))), otypes=[object])(g.payoffs)
    game = gbt.Game.from_arrays(*exact)
    equilibria = gbt.nash.enummixed_solve(game, rational=True).equilibria
    assert equilibria
    pure = set()
    for eq in equilibria:
        profile = [[float(eq[s]) for s in p.strategies] for p in game.players]
        assert g.is_nash(profile), profile
        assert np.all(g.regret(profile) <= 1e-12)
        if all(max(p) == 1 for p in profile):
            pure.add(tuple(p.index(1.0) for p in profile))
    assert pure == set(g.pure_nash_equilibria())


# ---------------------------------------------------------------------------
# (b) Expected payoffs of mixed profiles against Gambit and Nashpy
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "shape", [(2, 2), (3, 5), (7, 4), (2, 3, 4), (3, 3, 3, 2)], ids=lambda s: "x".join(map(str, s))
)
def test_expected_payoffs_match_gambit(gbt, shape):
    rng = np.random.default_rng([11, *shape])
    exact = random_exact_payoffs(rng, shape, "fractions")
    game = to_gambit(gbt, exact)
    ours = as_float_game(exact)
    players = list(game.players)
    for _ in range(10):
        profile = random_rational_profile(rng, shape)
        gp = game.mixed_strategy_profile(
            [[gbt.Rational(p) for p in probs] for probs in profile], rational=True
        )
        float_profile = [[float(p) for p in probs] for probs in profile]
        # Gambit computes exactly in rationals; we compute in floats.
        want = [float(gp.payoff(p)) for p in players]
        np.testing.assert_allclose(
            ours.expected_payoffs(float_profile), want, rtol=1e-12, atol=1e-12
        )
        dev = ours.deviation_payoffs(float_profile)
        for i, player in enumerate(players):
            want_dev = [float(gp.strategy_value(s)) for s in player.strategies]
            np.testing.assert_allclose(dev[i], want_dev, rtol=1e-12, atol=1e-12)
        if hasattr(gp, "player_regret"):  # pygambit >= 16.2
            want_regret = [float(gp.player_regret(p)) for p in players]
            np.testing.assert_allclose(
                ours.regret(float_profile), want_regret, rtol=1e-12, atol=1e-12
            )


def test_expected_payoffs_match_gambit_float_profiles(gbt):
    # Floating-point payoffs and Dirichlet profiles on Gambit's double profile.
    rng = np.random.default_rng(5)
    A, B = rng.normal(size=(2, 6, 4)).round(6)
    game = gbt.Game.from_arrays(A, B)  # floats enter Gambit as their shortest decimal
    ours = NormalFormGame.from_bimatrix(A, B)
    players = list(game.players)
    for _ in range(10):
        profile = [rng.dirichlet(np.ones(6)), rng.dirichlet(np.ones(4))]
        gp = game.mixed_strategy_profile([p.tolist() for p in profile])
        np.testing.assert_allclose(
            ours.expected_payoffs(profile), [gp.payoff(p) for p in players], rtol=1e-10, atol=1e-12
        )


@pytest.mark.parametrize(
    "shape", [(2, 2), (3, 3), (4, 7), (10, 3)], ids=lambda s: "x".join(map(str, s))
)
def test_expected_payoffs_match_nashpy(nashpy, shape):
    rng = np.random.default_rng([13, *shape])
    A, B = rng.normal(size=(2, *shape))
    ours = NormalFormGame.from_bimatrix(A, B)
    theirs = nashpy.Game(A, B)
    for _ in range(20):
        sigma_r, sigma_c = rng.dirichlet(np.ones(shape[0])), rng.dirichlet(np.ones(shape[1]))
        np.testing.assert_allclose(
            ours.expected_payoffs([sigma_r, sigma_c]),
            theirs[sigma_r, sigma_c],
            rtol=1e-12,
            atol=1e-12,
        )


def test_zero_sum_default_matches_nashpy(nashpy):
    # Both libraries read a single matrix as a zero-sum game: B = -A.
    A = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]])
    ours = NormalFormGame.from_bimatrix(A)
    theirs = nashpy.Game(A)
    np.testing.assert_array_equal(ours.payoffs[1], theirs.payoff_matrices[1])
    assert ours.is_zero_sum() and theirs.zero_sum


# ---------------------------------------------------------------------------
# (c) Catalog games against OpenSpiel's matrix games
# ---------------------------------------------------------------------------
def openspiel_tables(pyspiel, name: str):
    """Row and column utility matrices, action names and utility type of an OpenSpiel matrix game."""
    g = pyspiel.load_game(name)
    rows, cols = range(g.num_rows()), range(g.num_cols())
    R = np.array([[g.row_utility(r, c) for c in cols] for r in rows])
    C = np.array([[g.col_utility(r, c) for c in cols] for r in rows])
    names = ([g.row_action_name(r) for r in rows], [g.col_action_name(c) for c in cols])
    return R, C, names, g.get_type().utility


def brute_force_pure_equilibria(R: np.ndarray, C: np.ndarray) -> set[tuple[int, int]]:
    """Pure equilibria straight from the definition, on OpenSpiel's own numbers."""
    return {
        (r, c)
        for r in range(R.shape[0])
        for c in range(R.shape[1])
        if R[r, c] >= R[:, c].max() and C[r, c] >= C[r, :].max()
    }


def permuted(g: NormalFormGame, perm: list[int]) -> np.ndarray:
    """Payoffs with both players' actions relabelled: new action k is old action perm[k]."""
    return g.payoffs[:, perm][:, :, perm]


# OpenSpiel 1.5-2.0 matrix games, as checked against their row_utility / col_utility:
#   matrix_rps            R = [[0,-1,1],[1,0,-1],[-1,1,0]], zero-sum      = ours exactly
#   matrix_mp             R = [[1,-1],[-1,1]], zero-sum                   = ours exactly
#   matrix_coordination   R = C = I_2 ("Left", "Right")                   = pure-coordination exactly
#   matrix_pd             R=5, S=0, T=10, P=1 (ours: Axelrod's 3, 0, 5, 1)
#   matrix_bos            Bach/Stravinsky, 3 / 2 / 0 (ours: 2 / 1 / 0)
#   matrix_sh             R=2, S=0, T=1, P=1 (ours: 4, 0, 3, 2)
#   matrix_cd             Chicken-Dare, actions (Dare, Chicken) = our (Straight, Swerve),
#                         T=4, R=3, S=1, P=0 (ours: 3, 2, 1, 0)
#   matrix_shapleys_game  ours up to a relabelling of actions (see below)
EXACT = [
    # (OpenSpiel name, catalog name, catalog parameters, our action order in OpenSpiel's order)
    ("matrix_rps", "rock-paper-scissors", {}, [0, 1, 2]),
    ("matrix_mp", "matching-pennies", {}, [0, 1]),
    ("matrix_coordination", "pure-coordination", {"n_actions": 2}, [0, 1]),
]
SAME_GAME_OTHER_NUMBERS = [
    ("matrix_pd", "prisoners-dilemma", "symmetric-2x2", {"R": 5, "S": 0, "T": 10, "P": 1}, [0, 1]),
    (
        "matrix_bos",
        "battle-of-the-sexes",
        "battle-of-the-sexes",
        {"high": 3, "low": 2, "miss": 0},
        [0, 1],
    ),
    ("matrix_sh", "stag-hunt", "stag-hunt", {"R": 2, "S": 0, "T": 1, "P": 1}, [0, 1]),
    ("matrix_cd", "chicken", "chicken", {"T": 4, "R": 3, "S": 1, "P": 0}, [1, 0]),
]


@pytest.mark.parametrize(("os_name", "name", "params", "perm"), EXACT, ids=[e[0] for e in EXACT])
def test_catalog_equals_openspiel(pyspiel, os_name, name, params, perm):
    R, C, _, utility = openspiel_tables(pyspiel, os_name)
    ours = make(name, **params)
    np.testing.assert_array_equal(permuted(ours, perm), np.stack([R, C]))
    assert ours.is_zero_sum() == (utility == pyspiel.GameType.Utility.ZERO_SUM)
    if utility == pyspiel.GameType.Utility.IDENTICAL:
        np.testing.assert_array_equal(ours.payoffs[0], ours.payoffs[1])


def test_action_names_agree_with_openspiel(pyspiel):
    for os_name, name in [("matrix_rps", "rock-paper-scissors"), ("matrix_mp", "matching-pennies")]:
        _, _, names, _ = openspiel_tables(pyspiel, os_name)
        assert tuple(map(tuple, names)) == make(name).action_names


@pytest.mark.parametrize(
    ("os_name", "name", "factory", "params", "perm"),
    SAME_GAME_OTHER_NUMBERS,
    ids=[e[0] for e in SAME_GAME_OTHER_NUMBERS],
)
def test_catalog_matches_openspiel_structure(pyspiel, os_name, name, factory, params, perm):
    # OpenSpiel uses other numbers for these games, so the defaults are
    # compared on what must agree: the pure equilibria (after mapping the
    # action order) and whether the game is zero-sum.
    R, C, _, utility = openspiel_tables(pyspiel, os_name)
    ours = make(name)
    theirs_eq = brute_force_pure_equilibria(R, C)
    ours_eq = {(perm.index(r), perm.index(c)) for r, c in ours.pure_nash_equilibria()}
    assert ours_eq == theirs_eq
    assert ours.is_zero_sum() == (utility == pyspiel.GameType.Utility.ZERO_SUM)
    # Given OpenSpiel's numbers, our factory builds OpenSpiel's game exactly.
    # (OpenSpiel's PD has 2R = T + S = 10, which our prisoners-dilemma factory
    # rejects on purpose (it requires 2R > T + S), hence symmetric-2x2.)
    np.testing.assert_array_equal(permuted(make(factory, **params), perm), np.stack([R, C]))


def test_openspiel_pd_fails_our_strict_pd_condition(pyspiel):
    R, _, _, _ = openspiel_tables(pyspiel, "matrix_pd")
    (r, s), (t, p) = R
    with pytest.raises(ValueError, match=r"fails 2R > T \+ S"):
        make("prisoners-dilemma", T=t, R=r, P=p, S=s)


def test_shapley_game_equals_openspiel_up_to_relabelling(pyspiel):
    # Both are Shapley's cyclic 3x3 game but label the actions differently
    # (ours a, b, c; OpenSpiel Rock, Paper, Scissors with Row scoring 1 when
    # its action beats Column's in RPS and Column when its action is beaten).
    # Relabel both players' actions with the same permutation; exactly the
    # permutations that reverse the cycle order map ours onto OpenSpiel's.
    R, C, _, _ = openspiel_tables(pyspiel, "matrix_shapleys_game")
    ours = make("shapley")
    theirs = np.stack([R, C])
    matches = [
        list(p)
        for p in itertools.permutations(range(3))
        if np.array_equal(permuted(ours, list(p)), theirs)
    ]
    assert sorted(matches) == [[0, 2, 1], [1, 0, 2], [2, 1, 0]]
    # And the structure agrees without any relabelling: no pure equilibrium,
    # uniform play is an equilibrium, not zero-sum.
    assert ours.pure_nash_equilibria() == []
    assert brute_force_pure_equilibria(R, C) == set()
    assert ours.is_nash([np.full(3, 1 / 3)] * 2)
    assert not ours.is_zero_sum()


# ---------------------------------------------------------------------------
# (d) The prisoner's dilemma against Axelrod
# ---------------------------------------------------------------------------
def test_prisoners_dilemma_equals_axelrod_default_game(axelrod):
    R, P, S, T = (float(x) for x in axelrod.game.Game().RPST())
    assert (R, P, S, T) == (3, 1, 0, 5)  # Axelrod's documented defaults
    g = make("prisoners-dilemma")
    assert g.payoff_matrix(0).tolist() == [[R, S], [T, P]]
    assert g.payoff_matrix(1).tolist() == [[R, T], [S, P]]


@pytest.mark.parametrize("rpst", [(3, 1, 0, 5), (4, 2, 1, 6), (2.5, 0.5, -1, 4)])
def test_prisoners_dilemma_scores_equal_axelrod(axelrod, rpst):
    r, p, s, t = rpst
    theirs = axelrod.game.Game(r=r, s=s, t=t, p=p)
    ours = make("prisoners-dilemma", T=t, R=r, P=p, S=s)
    C, D = axelrod.Action.C, axelrod.Action.D
    # Our action 0 is C, action 1 is D.
    for (i, a), (j, b) in itertools.product(enumerate((C, D)), repeat=2):
        assert tuple(ours.payoffs[:, i, j]) == tuple(float(x) for x in theirs.score((a, b)))
