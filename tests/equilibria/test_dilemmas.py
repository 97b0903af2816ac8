import itertools
import json
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooplab.equilibria import EquilibriumResult
from cooplab.equilibria.dilemmas import (
    ORDINAL_NAMES,
    DilemmaClass,
    DilemmaReport,
    classify_dilemma,
    classify_payoffs,
    dilemma_report,
    equilibria_2x2,
)
from cooplab.games import NormalFormGame, make

ORDERINGS = ["".join(p) for p in itertools.permutations("TRPS")]
SWAP = str.maketrans("RPST", "PRTS")  # exchanging the actions: R <-> P, S <-> T


def payoffs_for(key):
    """R, S, T, P with the ordering ``key`` (largest first): values 4, 3, 2, 1."""
    return {letter: 4 - rank for rank, letter in enumerate(key)}


def classify_key(key):
    return classify_payoffs(**payoffs_for(key))


# ---------------------------------------------------------------------------
# The 24 strict orderings
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("key", ORDERINGS)
def test_every_strict_ordering(key):
    v = payoffs_for(key)
    c = classify_key(key)
    assert c.strict and c.ties == ()
    assert c.ordering == " > ".join(key)
    assert c.name == ORDINAL_NAMES[key]
    assert c.greed == (v["T"] > v["R"]) and c.fear == (v["P"] > v["S"])
    assert c.iterated_pd_condition == (2 * v["R"] > v["T"] + v["S"])
    # The same game with the actions' roles exchanged.
    swapped = key.translate(SWAP)
    other = classify_key(swapped)
    if c.name == "other":
        assert other.name == "other"
    else:
        assert {c.name, other.name} == {
            c.name.removesuffix(" (actions swapped)"),
            c.name.removesuffix(" (actions swapped)") + " (actions swapped)",
        }
        assert c.relabelled != other.relabelled
    g = make("symmetric-2x2", **v)
    assert classify_dilemma(g, cooperate=1).name == other.name
    assert classify_dilemma(g, cooperate="D").ordering == other.ordering


def test_names_cover_the_orderings_as_documented():
    names = list(ORDINAL_NAMES.values())
    assert len(names) == 24
    assert names.count("other") == 6
    standard = {n for n in names if "swapped" not in n and n != "other"}
    assert standard == {
        "prisoner's dilemma",
        "chicken",
        "leader",
        "hero",
        "stag hunt",
        "deadlock",
        "harmony",
    }
    assert ORDINAL_NAMES["TRPS"] == "prisoner's dilemma"
    assert ORDINAL_NAMES["TRSP"] == "chicken"
    assert ORDINAL_NAMES["RTPS"] == "stag hunt"
    assert ORDINAL_NAMES["TPRS"] == "deadlock"
    assert ORDINAL_NAMES["RTSP"] == "harmony"


def test_greed_fear_families_when_r_exceeds_p():
    # Macy & Flache (2002): with R > P, greed and fear sort the twelve orderings.
    families: dict[str, list[str]] = {}
    for key in ORDERINGS:
        c = classify_key(key)
        if key.index("R") < key.index("P"):
            families.setdefault(c.family, []).append(key)
        else:
            assert c.family is None
    assert families["prisoner's dilemma"] == ["TRPS"]
    assert sorted(families["chicken"]) == ["STRP", "TRSP", "TSRP"]
    assert sorted(families["stag hunt"]) == ["RPST", "RPTS", "RTPS"]
    assert sorted(families["harmony"]) == ["RSPT", "RSTP", "RTSP", "SRPT", "SRTP"]


@pytest.mark.parametrize("key", ORDERINGS)
def test_named_games_have_their_equilibrium_structure(key):
    c = classify_key(key)
    v = payoffs_for(key)
    name = c.name
    if name == "prisoner's dilemma":
        assert c.dominant_action == 1 and c.pure_equilibria == ((1, 1),)
        assert v["R"] > v["P"]  # the equilibrium is Pareto-inferior
    elif name == "deadlock":
        assert c.dominant_action == 1 and c.pure_equilibria == ((1, 1),)
        assert v["P"] > v["R"]  # no dilemma: mutual defection is better
    elif name == "harmony":
        assert c.dominant_action == 0 and c.pure_equilibria == ((0, 0),)
        assert v["R"] == 4  # everyone's best outcome
    elif name in ("chicken", "leader", "hero"):
        assert c.dominant_action is None and c.pure_equilibria == ((0, 1), (1, 0))
        assert 0 < c.mixed_cooperation < 1
    elif name == "stag hunt":
        assert c.dominant_action is None and c.pure_equilibria == ((0, 0), (1, 1))
        assert 0 < c.mixed_cooperation < 1
    if c.pure_equilibria in (((0, 1), (1, 0)), ((0, 0), (1, 1))):
        assert c.mixed_cooperation is not None
    else:
        assert c.mixed_cooperation is None


def test_social_dilemma_conditions():
    # Macy & Flache (2002): R > P, R > S, 2R > T + S, and greed or fear.
    assert classify_payoffs(R=3, S=0, T=5, P=1).social_dilemma  # PD
    assert classify_payoffs(R=3, S=1, T=4, P=0).social_dilemma  # chicken
    assert classify_payoffs(R=4, S=0, T=3, P=1).social_dilemma  # stag hunt
    assert not classify_payoffs(R=4, S=1, T=3, P=0).social_dilemma  # harmony
    assert not classify_payoffs(R=1, S=0, T=3, P=2).social_dilemma  # deadlock: P > R
    pd_without = classify_payoffs(R=3, S=0, T=7, P=1)  # 2R = 6 < T + S = 7
    assert pd_without.name == "prisoner's dilemma"
    assert not pd_without.iterated_pd_condition and not pd_without.social_dilemma


# ---------------------------------------------------------------------------
# Catalog games and literature values
# ---------------------------------------------------------------------------
def test_catalog_games():
    c = classify_dilemma(make("prisoners-dilemma"))
    assert (c.R, c.S, c.T, c.P) == (3, 0, 5, 1)  # Axelrod (1984)
    assert c.name == "prisoner's dilemma" and c.iterated_pd_condition
    assert classify_dilemma(make("stag-hunt")).name == "stag hunt"
    assert classify_dilemma(make("chicken")).name == "chicken"
    # Hawk-dove (Maynard Smith 1982): a game of chicken when the cost of a fight
    # exceeds the value, a prisoner's dilemma (Hawk dominant) when it does not.
    assert classify_dilemma(make("hawk-dove", value=2, cost=4)).name == "chicken"
    assert classify_dilemma(make("hawk-dove", value=4, cost=2)).name == "prisoner's dilemma"
    # Hawk-dove mixes Hawk with probability V / C (Maynard Smith 1982): Dove 1/2 here.
    assert classify_dilemma(make("hawk-dove", value=2, cost=4)).mixed_cooperation == 0.5


def test_aumann_chicken_mixed_equilibrium():
    c = classify_dilemma(make("chicken", T=7, R=6, S=2, P=0))
    assert c.mixed_cooperation == pytest.approx(2 / 3)


def test_two_player_public_goods_has_defection_first():
    g = make("public-goods", n=2)  # actions (Free-ride, Contribute)
    c = classify_dilemma(g)
    assert c.name == "prisoner's dilemma (actions swapped)" and c.relabelled
    right = classify_dilemma(g, cooperate="Contribute")
    assert right.name == "prisoner's dilemma" and right.cooperate == 1
    # u = 1 - c + 0.8 (c_1 + c_2): R = 1.6, S = 0.8, T = 1.8, P = 1, and 2R = 3.2 > T + S = 2.6.
    np.testing.assert_allclose([right.R, right.S, right.T, right.P], [1.6, 0.8, 1.8, 1.0])
    assert right.iterated_pd_condition and right.social_dilemma


# ---------------------------------------------------------------------------
# Ties
# ---------------------------------------------------------------------------
def test_ties_are_boundaries():
    c = classify_payoffs(R=3, S=0, T=3, P=1)  # T = R
    assert c.name == "boundary: prisoner's dilemma / stag hunt"
    assert c.ordering == "T = R > P > S" and c.ties == ("T = R",)
    assert not c.strict and not c.greed and c.fear and c.family is None
    c = classify_payoffs(R=3, S=1, T=5, P=1)  # P = S
    assert c.name == "boundary: prisoner's dilemma / chicken"
    c = classify_payoffs(R=2, S=0, T=3, P=2)  # R = P
    assert c.name == "boundary: prisoner's dilemma / deadlock"
    # Both ways of breaking T = S give a harmony game: no boundary.
    c = classify_payoffs(R=4, S=2, T=2, P=1)
    assert c.name == "harmony" and c.ties == ("T = S",) and not c.strict
    c = classify_payoffs(R=1, S=1, T=1, P=1)
    assert c.name == "trivial (all payoffs equal)" and c.ordering == "T = R = P = S"
    c = classify_payoffs(R=2, S=2, T=1, P=1)
    assert c.ordering == "R = S > T = P" and c.ties == ("R = S", "T = P")


def test_rounding_ties_count_as_ties():
    c = classify_payoffs(R=0.3, S=0.0, T=0.1 + 0.2, P=0.1)
    assert c.ties == ("T = R",)


# ---------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------
def test_not_symmetric_is_refused_with_the_entry_named():
    with pytest.raises(ValueError, match="symmetric") as info:
        classify_dilemma(make("battle-of-the-sexes"))
    assert "Opera" in str(info.value)


@pytest.mark.parametrize(
    ("game", "error", "message"),
    [
        (make("rock-paper-scissors"), ValueError, "2x2"),
        (make("public-goods", n=3), ValueError, "2-player"),
        (np.zeros((2, 2, 2)), TypeError, "NormalFormGame"),
    ],
)
def test_bad_games(game, error, message):
    with pytest.raises(error, match=message):
        classify_dilemma(game)


def test_bad_cooperate_action():
    with pytest.raises(ValueError, match="unknown action"):
        classify_dilemma(make("prisoners-dilemma"), cooperate="X")


def test_classification_serialises():
    c = classify_dilemma(make("prisoners-dilemma"))
    assert isinstance(c, DilemmaClass)
    data = json.loads(json.dumps(c.to_dict()))
    assert data["name"] == "prisoner's dilemma" and data["pure_equilibria"] == [[1, 1]]
    assert c.describe().startswith("prisoner's dilemma: T > R > P > S; greed yes, fear yes")


# ---------------------------------------------------------------------------
# Closed-form equilibria of 2x2 games
# ---------------------------------------------------------------------------
def test_equilibria_2x2_literature():
    # Matching pennies: the unique equilibrium mixes 1/2-1/2 (von Neumann & Morgenstern).
    (e,) = equilibria_2x2(make("matching-pennies"))
    assert e.exact == ((Fraction(1, 2), Fraction(1, 2)),) * 2
    # Battle of the sexes (2, 1, 0): the mixed equilibrium, Row at Opera with 2/3.
    eqs = equilibria_2x2(make("battle-of-the-sexes"))
    assert len(eqs) == 3 and not eqs.degenerate and eqs.complete and eqs.exact
    mixed = next(x for x in eqs if not x.is_pure)
    assert mixed.exact == ((Fraction(2, 3), Fraction(1, 3)), (Fraction(1, 3), Fraction(2, 3)))


def test_equilibria_2x2_degenerate():
    zero = NormalFormGame(np.zeros((2, 2, 2)))
    eqs = equilibria_2x2(zero)
    assert eqs.degenerate and len(eqs) == 4 and all(e.is_pure for e in eqs)
    # Row always indifferent, Column wants to match: the segments (p >= 1/2, L)
    # and (p <= 1/2, R) have the extreme points below.
    g = NormalFormGame.from_bimatrix([[1, 1], [1, 1]], [[1, 0], [0, 1]])
    found = {e.exact for e in equilibria_2x2(g)}
    half = Fraction(1, 2)
    one, zero_ = Fraction(1), Fraction(0)
    assert found == {
        ((one, zero_), (one, zero_)),
        ((zero_, one), (zero_, one)),
        ((half, half), (one, zero_)),
        ((half, half), (zero_, one)),
    }


@given(st.lists(st.integers(-3, 3), min_size=8, max_size=8))
def test_equilibria_2x2_are_equilibria_and_odd_in_number(values):
    g = NormalFormGame(np.array(values, dtype=float).reshape(2, 2, 2))
    eqs = equilibria_2x2(g)
    assert len(eqs) >= 1
    for e in eqs:
        assert e.regret <= 1e-12
        assert all(sum(s) == 1 for s in e.exact)
    pure = {tuple(int(np.argmax(s)) for s in e.profile) for e in eqs if e.is_pure}
    assert pure == set(g.pure_nash_equilibria(tol=0))
    if not eqs.degenerate:
        # Wilson (1971): a nondegenerate game has an odd number of equilibria.
        assert len(eqs) in (1, 3)


# ---------------------------------------------------------------------------
# n-player reports
# ---------------------------------------------------------------------------
def test_public_goods_is_a_dawes_dilemma():
    r = dilemma_report(make("public-goods", n=5))
    assert r.social_dilemma
    assert r.dominant_strategies == (0,) * 5
    assert r.dominant_outcome == (0,) * 5 and r.cooperative_outcome == (1,) * 5
    assert r.optimum_welfare == pytest.approx(8.0) and r.social_optima == ((1,) * 5,)
    assert r.equilibrium_welfare == pytest.approx((5.0,))
    assert r.price_of_anarchy == pytest.approx(1.6) and r.welfare_gap == pytest.approx(3.0)
    assert r.every_equilibrium_suboptimal and r.every_equilibrium_pareto_dominated
    assert r.classification is None and r.equilibria.method == "pure"


@pytest.mark.parametrize(
    ("multiplier", "dilemma"), [(1.6, True), (4.5, True), (6, False), (0.5, False)]
)
def test_public_goods_is_a_dilemma_only_for_1_lt_r_lt_n(multiplier, dilemma):
    # Contributing is dominated when r < n and socially better when r > 1 (Ledyard 1995).
    r = dilemma_report(make("public-goods", n=5, multiplier=multiplier))
    assert r.social_dilemma == dilemma
    assert r.every_equilibrium_suboptimal == dilemma


def test_public_goods_with_several_contribution_levels():
    r = dilemma_report(make("public-goods", n=3, levels=3))
    assert r.social_dilemma
    assert r.dominant_outcome == (0, 0, 0) and r.cooperative_outcome == (2, 2, 2)


def test_arms_race_is_a_dilemma_with_undefined_price_of_anarchy():
    r = dilemma_report(make("arms-race", n=3))
    assert r.social_dilemma and r.dominant_outcome == (1, 1, 1)
    assert r.cooperative_outcome == (0, 0, 0)
    assert r.price_of_anarchy is None and r.welfare_gap == pytest.approx(3.0)
    assert "positive welfare" in r.note


def test_tragedy_of_the_commons_is_deficient_without_dominant_strategies():
    # Gibbons (1992, §1.2.D): each grazes (capacity - cost) / (n + 1) = 3 at the
    # equilibrium; the social optimum uses (capacity - cost) / 2 = 6 in total.
    g = make("tragedy-of-the-commons", n=3)
    r = dilemma_report(g)
    assert not r.social_dilemma and r.dominant_outcome is None
    assert r.dominant_strategies == (None, None, None)
    outcomes = {tuple(int(np.argmax(s)) for s in e.profile) for e in r.equilibria}
    assert (3, 3, 3) in outcomes
    assert r.optimum_welfare == pytest.approx(36.0)
    assert all(sum(o) == 6 for o in r.social_optima)
    assert r.every_equilibrium_suboptimal and r.every_equilibrium_pareto_dominated
    assert r.price_of_anarchy == pytest.approx(36 / 27)


def test_two_by_two_reports_include_mixed_equilibria():
    r = dilemma_report(make("stag-hunt"))
    assert r.equilibria.method == "2x2 closed form" and len(r.equilibria) == 3
    assert r.classification.name == "stag hunt"
    assert not r.every_equilibrium_suboptimal and r.some_equilibrium_suboptimal
    assert not r.social_dilemma and r.price_of_anarchy == pytest.approx(2.0)
    pd = dilemma_report(make("prisoners-dilemma"))
    assert pd.social_dilemma and pd.classification.name == "prisoner's dilemma"
    assert pd.cooperative_outcome == (0, 0) and pd.price_of_anarchy == pytest.approx(3.0)


def test_report_without_pure_equilibria_or_symmetry():
    r = dilemma_report(make("rock-paper-scissors"))
    assert len(r.equilibria) == 0 and r.welfare_gap is None and r.price_of_anarchy is None
    assert "no pure equilibrium" in r.note
    b = dilemma_report(make("battle-of-the-sexes"))
    assert b.classification is None and "not symmetric" in b.note


def test_report_serialises_and_describes():
    r = dilemma_report(make("public-goods", n=4))
    assert isinstance(r, DilemmaReport) and isinstance(r.equilibria, EquilibriumResult)
    data = json.loads(json.dumps(r.to_dict()))
    assert data["social_dilemma"] is True and data["dominant_outcome"] == [0, 0, 0, 0]
    text = r.describe()
    assert "social dilemma (Dawes): yes" in text and "price of anarchy 1.6" in text
    pd = json.loads(json.dumps(dilemma_report(make("prisoners-dilemma")).to_dict()))
    assert pd["classification"]["name"] == "prisoner's dilemma"
    assert pd["equilibria"]["exact"] is True
