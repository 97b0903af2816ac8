"""Independent learners and social influence (torch)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

from cooplab.envs.ssd import Harvest  # noqa: E402
from cooplab.envs.ssd.maps import SMALL_HARVEST_MAP  # noqa: E402
from cooplab.ssd.learners import (  # noqa: E402
    ActorCritic,
    AgentConfig,
    Population,
    PopulationConfig,
    kl_categorical,
)
from cooplab.ssd.train import load_run, train  # noqa: E402


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny networks: threads only contend on CI's 2 cores
    yield
    torch.set_num_threads(threads)


SMALL = {"map": SMALL_HARVEST_MAP, "n_agents": 3, "episode_limit": 10}


def small_env(b=4):
    return Harvest(num_envs=b, seed=0, **SMALL)


def test_manual_gru_cell_equals_torch_gru():
    torch.manual_seed(0)
    net = ActorCritic(7, 5, 3)
    x, h = torch.randn(4, 7), torch.randn(4, 5)
    _, _, out = net(x[None], h)
    np.testing.assert_allclose(net.cell(net.fc(x), h).detach(), out[0].detach(), atol=1e-6)


def test_kl_is_zero_on_itself_and_positive_elsewhere():
    p = torch.tensor([[0.2, 0.8], [1.0, 0.0]])
    q = torch.tensor([[0.5, 0.5], [0.5, 0.5]])
    assert torch.allclose(kl_categorical(p, p), torch.zeros(2), atol=1e-6)
    assert (kl_categorical(p, q) > 0).all()
    assert kl_categorical(p, q)[1] == pytest.approx(np.log(2), abs=1e-6)


def test_centralised_influence_replays_the_others_exactly():
    env = small_env()
    pop = Population(env.spec, PopulationConfig(influence="centralised"), seed=0)
    batch = pop.collect(env, np.random.default_rng(0))
    c = pop.centralised_influence(batch)
    assert c.shape == (10, 4, 3) and np.all(c >= -1e-6) and c.max() > 0
    assert np.all(c[-1] == 0)  # the last action influences nothing within the episode
    # an agent whose network ignores agent 0's action input is not influenced by it
    with torch.no_grad():
        for j in (1, 2):
            off = pop.obs_dim
            pop.nets[j].fc.weight[:, off : off + pop.a] = 0.0
    batch = pop.collect(env, np.random.default_rng(0))
    np.testing.assert_allclose(pop.centralised_influence(batch)[:, :, 0], 0.0, atol=1e-6)


def test_moa_influence_trains_the_models():
    env = small_env(8)
    pop = Population(env.spec, PopulationConfig(influence="moa"), seed=1)
    rng = np.random.default_rng(1)
    batch = pop.collect(env, rng)
    import torch.nn.functional as F

    def moa_loss():
        with torch.no_grad():
            logits = pop._moa_logits(0, batch.hout[:-1, :, 0], batch.actions[:-1, :, 0])
            return float(
                F.cross_entropy(
                    logits.reshape(-1, pop.a), batch.actions[1:][:, :, [1, 2]].reshape(-1)
                )
            )

    before = moa_loss()
    for _ in range(20):
        c = pop.moa_influence(batch)
    assert moa_loss() < before
    assert np.all(c >= -1e-6)


def test_heterogeneous_population_and_bad_configs():
    env = small_env()
    cfg = PopulationConfig(
        agents=(
            AgentConfig(hidden=16),
            AgentConfig(hidden=32, algorithm="a2c"),
            AgentConfig(lr=1e-4),
        )
    )
    pop = Population(env.spec, cfg, seed=0)
    assert [n.hidden for n in pop.nets] == [16, 32, 64]
    pop.update(pop.collect(env, np.random.default_rng(0)))
    with pytest.raises(ValueError, match="2 agent configs"):
        Population(env.spec, PopulationConfig(agents=(AgentConfig(), AgentConfig())), seed=0)
    with pytest.raises(ValueError, match="influence"):
        PopulationConfig(influence="bogus")
    with pytest.raises(ValueError, match="algorithm"):
        AgentConfig(algorithm="sarsa")
    with pytest.raises(ValueError, match="lr"):
        AgentConfig(lr=0)


def test_resume_equals_the_uninterrupted_run(tmp_path):
    cfg = PopulationConfig(influence="centralised")
    kw = {"num_envs": 2, "config": cfg, "rng": 5, "env_params": SMALL}
    full, _ = train("harvest_v1", iterations=3, **kw)
    train("harvest_v1", iterations=2, out=tmp_path, checkpoint_every=1, **kw)
    with pytest.raises(FileExistsError):
        train("harvest_v1", iterations=3, out=tmp_path, **kw)
    resumed, _ = train("harvest_v1", iterations=3, out=tmp_path, resume=True, **kw)
    # same seed, same numbers (NaN where no one ate: compared as equal)
    np.testing.assert_equal(resumed.to_dict()["log"], full.to_dict()["log"])
    meta, pop = load_run(tmp_path)
    assert meta["env"] == "harvest_v1" and pop.updates == 3
    assert (tmp_path / "log.csv").read_text().count("\n") == 4


def test_dqn_agent_epsilon_and_td_loss():
    env = small_env()
    cfg = PopulationConfig(
        agents=(
            AgentConfig(),
            AgentConfig(algorithm="dqn", gamma=0.0, epochs=1, epsilon_anneal=4),
            AgentConfig(),
        )
    )
    pop = Population(env.spec, cfg, seed=0)
    assert pop.epsilon(1) == 1.0
    batch = pop.collect(env, np.random.default_rng(0))
    # epsilon 1: the DQN agent's policy is uniform over its available actions
    av = batch.avail[:, :, 1].numpy()  # a tagged-out agent has only the no-op
    np.testing.assert_allclose(
        batch.probs[:, :, 1].numpy(), av / av.sum(-1, keepdims=True), atol=1e-6
    )
    net = pop.nets[1]
    with torch.no_grad():
        q, _, _ = net(batch.x[:, :, 1], torch.zeros(4, net.hidden))
        q_taken = q.gather(-1, batch.actions[:, :, 1][..., None]).squeeze(-1)
        r = torch.from_numpy(batch.rewards[:, :, 1])
        want = float(torch.nn.functional.smooth_l1_loss(q_taken, r))  # gamma 0: the target is r
    pop.replay = [
        {
            "x": batch.x[:, :, [1]],
            "avail": batch.avail[:, :, [1]],
            "actions": batch.actions[:, :, [1]],
            "rewards": r[:, :, None],
        }
    ]
    assert pop._dqn_update(1) == pytest.approx(want, rel=1e-5)  # the loss before its step
    pop.update(batch)
    assert pop.epsilon(1) == pytest.approx(1.0 - 0.95 / 4)


def test_resume_with_a_dqn_agent(tmp_path):
    cfg = PopulationConfig(
        agents=(
            AgentConfig(algorithm="dqn", target_every=1),
            AgentConfig(),
            AgentConfig(algorithm="a2c"),
        )
    )
    kw = {"num_envs": 2, "config": cfg, "rng": 3, "env_params": SMALL}
    full, _ = train("harvest_v1", iterations=3, **kw)
    train("harvest_v1", iterations=2, out=tmp_path, checkpoint_every=1, **kw)
    resumed, _ = train("harvest_v1", iterations=3, out=tmp_path, resume=True, **kw)
    np.testing.assert_equal(resumed.to_dict()["log"], full.to_dict()["log"])


def test_stacked_acting_equals_each_agents_network():
    """Collection steps all agents of one width at once; it must equal each network's own step."""
    from cooplab.ssd.learners import _Stacked

    torch.manual_seed(0)
    nets = [ActorCritic(9, 6, 4) for _ in range(3)]
    group = _Stacked(nets, [0, 1, 2], 6)
    x, h = torch.randn(5, 3, 9), torch.randn(3, 5, 6)
    logits, v, hn = group.step(x, h)
    for k, net in enumerate(nets):
        lk, vk, ok = net(x[None, :, k], h[k])
        np.testing.assert_allclose(logits[k], lk[0].detach(), atol=1e-5)
        np.testing.assert_allclose(v[k], vk[0].detach(), atol=1e-5)
        np.testing.assert_allclose(hn[k], ok[0].detach(), atol=1e-5)


def test_collection_records_what_the_networks_compute():
    """A heterogeneous population (two widths): the recorded values and states replay exactly."""
    env = small_env()
    cfg = PopulationConfig(agents=(AgentConfig(hidden=8), AgentConfig(hidden=5), AgentConfig()))
    pop = Population(env.spec, cfg, seed=1)
    batch = pop.collect(env, np.random.default_rng(0))
    for k, net in enumerate(pop.nets):
        hk = cfg.agents[k].hidden
        logits, values, out = net(batch.x[:, :, k], torch.zeros(4, hk))
        probs = torch.softmax(logits.masked_fill(~batch.avail[:, :, k], -1e9), -1)
        np.testing.assert_allclose(values.detach(), batch.values[:, :, k], atol=1e-5)
        np.testing.assert_allclose(out.detach(), batch.hout[:, :, k, :hk], atol=1e-5)
        np.testing.assert_allclose(probs.detach(), batch.probs[:, :, k], atol=1e-5)
        assert np.all(batch.hout[:, :, k, hk:].numpy() == 0)


@given(t=st.integers(1, 23), b=st.integers(1, 3), length=st.integers(0, 30))
@settings(max_examples=40, deadline=None)
def test_chunks_replay_the_whole_episode(t, b, length):
    """Chunks started from the recorded states compute what the whole episode computes."""
    from cooplab.ssd.learners import _chunks

    torch.manual_seed(t * 100 + b)
    net = ActorCritic(4, 3, 2)
    x = torch.randn(t, b, 4)
    with torch.no_grad():
        logits, _, hout = net(x, torch.zeros(b, 3))
        steps = torch.arange(t, dtype=torch.float32)[:, None].expand(t, b)
        xc, sc, mask, h0 = _chunks(length, hout, x, steps)
        lc, _, _ = net(xc, h0)
    real = mask.bool()
    assert int(mask.sum()) == t * b
    # every real step appears once, and its logits equal the whole episode's
    assert sorted(sc[real].tolist()) == sorted(steps.reshape(-1).tolist())
    whole = logits[
        sc[real].long(), torch.arange(b).repeat(xc.shape[1] // b)[None].expand_as(mask)[real]
    ]
    np.testing.assert_allclose(lc[real], whole, atol=1e-5)


def test_chunked_and_whole_episode_updates_both_learn():
    env = small_env()
    for chunk in (0, 3):
        cfg = PopulationConfig(agents=(AgentConfig(chunk=chunk, epochs=1),))
        pop = Population(env.spec, cfg, seed=0)
        before = [p.detach().clone() for p in pop.nets[0].parameters()]
        stats = pop.update(pop.collect(env, np.random.default_rng(0)))
        assert all(np.isfinite(v) for v in stats.values())
        assert any(
            not torch.equal(a, p) for a, p in zip(before, pop.nets[0].parameters(), strict=True)
        )
    with pytest.raises(ValueError, match="chunk"):
        AgentConfig(chunk=-1)


def test_centralised_influence_matches_its_definition():
    """c_k^t = sum_j KL[ p_j(. | a_k^t) || sum_a' p_j(. | a') pi_k(a' | s_k^t) ], each
    counterfactual policy got by rerunning j's network with k's action changed in its input."""
    env = small_env()
    pop = Population(env.spec, PopulationConfig(influence="centralised"), seed=3)
    batch = pop.collect(env, np.random.default_rng(1))
    c = pop.centralised_influence(batch)
    n, a, t1 = pop.n, pop.a, batch.x.shape[0]
    expected = np.zeros_like(c)
    with torch.no_grad():
        for j, net in enumerate(pop.nets):
            hj = pop.agent_configs[j].hidden
            h = batch.hout[:-1, :, j, :hj]
            for k in range(n):
                if k == j:
                    continue
                off = pop.obs_dim + k * a
                marginal = 0.0
                for alt in range(a):
                    x = batch.x[1:, :, j].clone()
                    x[..., off : off + a] = 0.0
                    x[..., off + alt] = 1.0
                    out = torch.stack([net(x[t][None], h[t])[0][0] for t in range(t1 - 1)])
                    p = torch.softmax(out.masked_fill(~batch.avail[1:, :, j], -1e9), -1)
                    marginal = marginal + batch.probs[:-1, :, k, alt][..., None] * p
                kl = kl_categorical(batch.probs[1:, :, j], marginal)
                expected[:-1, :, k] += kl.numpy()
    np.testing.assert_allclose(c, expected, atol=2e-5)
