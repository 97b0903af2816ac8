import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooplab.repeated.public_goods import (
    ConditionalCooperator,
    Cooperator,
    FreeRider,
    Punisher,
    play_public_goods,
    random_groups,
)


def test_payoff_of_one_round():
    # endowment 20, r = 1.6, N = 4: a free rider among 3 full contributors earns 20 + 1.6*60/4
    res = play_public_goods([Cooperator(), FreeRider()], [0, 0, 0, 1], rounds=1)
    np.testing.assert_allclose(res.payoffs[0, 0], [24.0, 24.0, 24.0, 44.0])
    assert res.contribution_rate[0] == 0.75


def test_cooperation_decays_without_punishment():
    # Fehr & Gächter (2000): without punishment contributions decay; conditional
    # cooperators who match the others' mean follow the free rider down by 2/3 a round
    res = play_public_goods([ConditionalCooperator(), FreeRider()], [0, 0, 0, 1], rounds=10)
    rate = res.contribution_rate
    assert np.all(np.diff(rate) < 0)
    np.testing.assert_allclose(rate[1:] / rate[:-1], 2 / 3)
    assert rate[-1] < 0.05
    assert res.payoff_by_type[1] > res.payoff_by_type[0]  # free riding pays


def test_punishment_sustains_cooperation():
    # with a punisher (fine 3x its cost, Fehr & Gächter) the free rider is deterred
    strategies = [ConditionalCooperator(), FreeRider(), Punisher()]
    res = play_public_goods(strategies, [0, 0, 1, 2], rounds=10)
    rate = res.contribution_rate
    assert rate[-1] > 0.99  # the conditional cooperators climb back to full contribution
    assert np.all(np.diff(rate[1:]) >= 0)
    assert res.fines[0, 0, 2] == pytest.approx(15.0)  # fine 0.75 x 20
    assert res.punishment_costs[0, 0, 3] == pytest.approx(5.0)
    assert res.fines[1:].sum() == 0  # deterred after one round
    undeterred = play_public_goods(
        [ConditionalCooperator(), FreeRider(deterrable=False), Punisher()], [0, 0, 1, 2], rounds=5
    )
    assert np.all(undeterred.contributions[:, 0, 2] == 0)
    assert (
        undeterred.payoff_by_type[1] < undeterred.payoff_by_type[0]
    )  # punished free riding does not pay


def test_population_of_groups_with_and_without_punishers():
    strategies = [ConditionalCooperator(slope=0.9), FreeRider(), Punisher(), Cooperator()]
    without = play_public_goods(
        strategies,
        random_groups([0.6, 0.3, 0.0, 0.1], 2000, 4, rng=1),
        rounds=10,
        noise=0.02,
        rng=2,
    )
    with_p = play_public_goods(
        strategies,
        random_groups([0.3, 0.3, 0.3, 0.1], 2000, 4, rng=1),
        rounds=10,
        noise=0.02,
        rng=2,
    )
    assert without.contribution_rate[-1] < 0.6 * without.contribution_rate[0]
    assert with_p.contribution_rate[-1] > without.contribution_rate[-1] + 0.2
    d = with_p.to_dict()
    assert d["rounds"] == 10 and len(d["contribution_by_type"]) == 4


def test_threshold_conditional_cooperator():
    cc = ConditionalCooperator(k=2)
    res = play_public_goods([cc, FreeRider(deterrable=False)], [0, 0, 0, 1], rounds=3)
    # each conditional cooperator sees 2 others contributing: keeps contributing
    assert np.all(res.contributions[:, 0, :3] == 1.0)
    res = play_public_goods(
        [ConditionalCooperator(k=3), FreeRider(deterrable=False)], [0, 0, 0, 1], rounds=3
    )
    assert np.all(res.contributions[1:, 0, :3] == 0.0)


def test_seeded_noise():
    s = [Cooperator(), FreeRider()]
    a = play_public_goods(s, [0, 1, 0], rounds=5, noise=0.3, n_groups=50, rng=4)
    b = play_public_goods(s, [0, 1, 0], rounds=5, noise=0.3, n_groups=50, rng=4)
    assert np.array_equal(a.contributions, b.contributions)
    assert a.seed == 4 and a.groups == 50


@given(
    st.lists(st.integers(0, 3), min_size=2, max_size=6),
    st.floats(0.0, 1.0),
    st.floats(0.5, 5.0),
    st.integers(0, 1000),
)
def test_invariants(seats, noise, r, seed):
    strategies = [Cooperator(), FreeRider(), ConditionalCooperator(slope=0.8), Punisher()]
    res = play_public_goods(strategies, seats, rounds=4, r=r, noise=noise, n_groups=3, rng=seed)
    assert np.all((res.contributions >= 0) & (res.contributions <= 1))
    # without punishment money is conserved: total payoff = N E + (r - 1) E sum(c)
    n = len(seats)
    total = res.payoffs.sum(axis=2) + res.fines.sum(axis=2) + res.punishment_costs.sum(axis=2)
    expected = n * 20 + (r - 1) * 20 * res.contributions.sum(axis=2)
    np.testing.assert_allclose(total, expected, rtol=1e-10, atol=1e-9)


def test_bad_input():
    with pytest.raises(ValueError, match="groups"):
        play_public_goods([Cooperator()], [0, 1])
    with pytest.raises(ValueError, match="level"):
        Cooperator(level=2)
    with pytest.raises(TypeError):
        play_public_goods(["cooperator"], [0, 0])
    with pytest.raises(ValueError, match="at least 2"):
        play_public_goods([Cooperator()], [0])
