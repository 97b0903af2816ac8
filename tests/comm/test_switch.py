import itertools

import numpy as np
import pytest

from cooplab.comm.switch import SwitchConfig, SwitchRiddle, oracle_reward


def test_oracle_reward_matches_enumeration():
    # Foerster et al. (2016): T = 4n - 6 days. P(all of n visit within T uniform draws),
    # by enumerating every schedule for n = 3 (3^6 = 729 of them).
    hits = sum(len(set(s)) == 3 for s in itertools.product(range(3), repeat=6))
    assert oracle_reward(3) == pytest.approx(hits / 3**6)
    assert oracle_reward(3) == pytest.approx(540 / 729)
    assert oracle_reward(4) == pytest.approx(0.780601, abs=1e-6)
    assert oracle_reward(2, days=1) == 0.0


def test_rules_by_hand():
    env = SwitchRiddle(3, batch=3, rng=0)
    env.reset()
    env.schedule[:] = [[0, 1, 2, 0, 1, 2], [0, 0, 0, 0, 0, 0], [2, 1, 0, 1, 1, 1]]
    env.visited[:] = False
    env.visited[np.arange(3), env.schedule[:, 0]] = True
    r, done = env.step([0, 0, 0], [1.0, 0.0, 1.0])
    assert r.tolist() == [0, 0, 0] and not done.any()
    obs = env.observe()
    # today's visitor receives yesterday's switch, the others nothing
    assert obs["in_room"].tolist() == [[0, 1, 0], [1, 0, 0], [0, 1, 0]]
    assert obs["message"].tolist() == [[0, 1, 0], [0, 0, 0], [0, 1, 0]]
    env.step([0, 0, 0], [0.0, 0.0, 0.0])
    r, done = env.step([1, 1, 1], [0.0, 0.0, 0.0])  # told on day 2
    # by day 2 episode 0 has seen {0, 1, 2}, episode 1 only {0}, episode 2 {2, 1, 0}
    assert r.tolist() == [1.0, -1.0, 1.0] and done.all()
    # done episodes pay nothing more
    r, _ = env.step([1, 1, 1], [0, 0, 0])
    assert r.tolist() == [0.0, 0.0, 0.0]


def test_episode_ends_after_4n_minus_6_days_with_zero():
    env = SwitchRiddle(4, batch=5, rng=1)
    assert env.days == 10
    total = np.zeros(5)
    for _ in range(10):
        r, done = env.step(np.zeros(5, int), np.zeros(5))
        total += r
    assert done.all() and np.all(total == 0)
    with pytest.raises(RuntimeError, match="reset"):
        env.step(np.zeros(5, int), np.zeros(5))


def test_reset_seed_reproduces_schedules():
    a = SwitchRiddle(3, batch=8, rng=0)
    a.reset(seed=5)
    b = SwitchRiddle(3, batch=8, rng=1)
    b.reset(seed=5)
    np.testing.assert_array_equal(a.schedule, b.schedule)


def test_bad_input():
    with pytest.raises(ValueError, match="n_agents"):
        SwitchRiddle(1)
    with pytest.raises(ValueError, match="days"):
        SwitchRiddle(3, days=2)
    env = SwitchRiddle(3, batch=2, rng=0)
    with pytest.raises(ValueError, match="0 \\(none\\) or 1"):
        env.step([2, 0], [0, 0])
    with pytest.raises(ValueError, match="shape"):
        env.step([0], [0])
    with pytest.raises(ValueError, match="method"):
        SwitchConfig(method="commnet")
    with pytest.raises(ValueError, match="episodes"):
        SwitchConfig(episodes=0)


@pytest.mark.parametrize("method", ["dial", "rial", "none"])
def test_training_is_seeded(method):
    pytest.importorskip("torch")
    from cooplab.comm.switch import train_switch

    cfg = SwitchConfig(method=method, episodes=6, eval_every=3, eval_episodes=64, batch_size=8)
    a, b = train_switch(cfg, rng=2), train_switch(cfg, rng=2)
    assert a.curve_reward == b.curve_reward and a.curve_episodes == (3, 6)
    assert all(-1 <= r <= 1 for r in a.curve_reward)
