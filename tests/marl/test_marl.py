"""cooplab.marl: the shared machinery, each algorithm, checkpoints and resume."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

from cooplab.envs import make  # noqa: E402
from cooplab.marl import ALGORITHMS, TrainConfig, Trainer  # noqa: E402
from cooplab.marl.buffer import EpisodeBatch, ReplayBuffer  # noqa: E402
from cooplab.marl.checkpoint import CheckpointMismatchError, load_checkpoint  # noqa: E402
from cooplab.marl.runner import collect  # noqa: E402

ENV = "two_step_game_v1"

SMALL = TrainConfig(
    num_envs=8,
    batch_size=16,
    buffer_size=200,
    hidden=16,
    mixing_embed=8,
    hypernet_embed=16,
    epsilon_anneal_steps=200,
    eval_interval=100,
    eval_episodes=4,
    target_update_interval=10,
)


@pytest.fixture(autouse=True)
def _one_thread():
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)


def params_of(trainer):
    return {
        f"{name}.{k}": v.detach().clone()
        for name, m in trainer.learner.modules().items()
        for k, v in m.state_dict().items()
    }


def numbers(result):
    return [
        (r.t_env, r.episodes, r.updates, r.eval_return_mean, r.train_return, r.loss)
        for r in result.log
    ]


# ---------------------------------------------------------------------------
# The two-step game of the QMIX paper
# ---------------------------------------------------------------------------
# Rashid et al. (2018), section 5: agent 1's first action picks matrix 2A
# (every joint action pays 7) or 2B ([[0, 1], [1, 8]]). Trained for 5000
# episodes "in the limit of full exploration (epsilon = 1)" and read greedily,
# QMIX's Q_tot picks 2B then (2, 2) for the optimal 8; VDN's sum cannot
# represent 2B's payoffs (under uniform data its fit of (2, 2) is far below 8)
# and picks 2A for 7. We reproduce that setting: uniform random actions
# throughout (epsilon = 1), feed-forward agents seeing the one-hot state, a
# 600-episode budget (1200 steps, 300 gradient steps), the greedy return read
# at the end. The test runs seeds 0, 1, 2 and requires all three: with this
# configuration QMIX returned 8 and VDN 7 on each of seeds 0-9 when we ran
# them (10 of 10 for both).
TWO_STEP = TrainConfig(
    num_envs=8,
    batch_size=32,
    buffer_size=500,
    hidden=32,
    recurrent=False,
    last_action=False,
    epsilon_start=1.0,
    epsilon_finish=1.0,
    epsilon_anneal_steps=0,
    lr=3e-3,
    updates_per_collect=4,
    target_update_interval=100,
    eval_interval=400,
    eval_episodes=1,
)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_two_step_game_qmix_finds_8_where_vdn_settles_for_7(seed):
    qmix = Trainer("qmix", ENV, TWO_STEP, rng=seed).train(1200)
    vdn = Trainer("vdn", ENV, TWO_STEP, rng=seed).train(1200)
    assert qmix.final_return == 8.0
    assert vdn.final_return == 7.0


# ---------------------------------------------------------------------------
# Seeds, checkpoints, resume
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_every_algorithm_trains_and_is_reproducible(algorithm):
    a = Trainer(algorithm, ENV, SMALL, rng=3)
    ra = a.train(300)
    b = Trainer(algorithm, ENV, SMALL, rng=3)
    rb = b.train(300)
    assert ra.t_env >= 300 and ra.updates > 0
    assert all(np.isfinite(r.eval_return_mean) for r in ra.log)
    np.testing.assert_equal(numbers(ra), numbers(rb))
    pa, pb = params_of(a), params_of(b)
    assert all(torch.equal(pa[k], pb[k]) for k in pa)
    c = Trainer(algorithm, ENV, SMALL, rng=4)
    pc = params_of(c)
    assert any(not torch.equal(pa[k], pc[k]) for k in pa), "another seed, other initial weights"


def test_training_leaves_the_global_torch_generator_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    Trainer("qmix", ENV, SMALL, rng=0).train(100)
    assert torch.equal(torch.rand(3), expected)


@pytest.mark.parametrize("algorithm", ["qmix", "coma", "mappo", "maven"])
def test_resume_after_a_kill_loses_nothing(tmp_path, algorithm):
    config = SMALL.replace(checkpoint_interval=100)
    whole = Trainer(algorithm, ENV, config, rng=5)
    full = whole.train(400)
    # Killed (Ctrl-C) after 300 steps: only the last checkpoint survives.
    first = Trainer(algorithm, ENV, config, rng=5, out=tmp_path)

    def kill(done, total):
        if done >= 300:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        first.train(400, progress=kill)
    del first
    resumed = Trainer(algorithm, ENV, config, rng=5, out=tmp_path, resume=True)
    assert resumed.t_env >= 200
    rest = resumed.train(400)
    np.testing.assert_equal(numbers(rest), numbers(full))
    pa, pb = params_of(whole), params_of(resumed)
    assert all(torch.equal(pa[k], pb[k]) for k in pa)
    lines = (tmp_path / "log.csv").read_text().splitlines()
    assert lines[0].startswith("t_env,episodes,updates") and len(lines) == len(full.log) + 1


def test_checkpoint_loads_with_weights_only_and_refuses_other_runs(tmp_path):
    Trainer("vdn", ENV, SMALL, rng=0, out=tmp_path).train(100)
    path = tmp_path / "checkpoint.pt"
    raw = torch.load(path, weights_only=True)
    assert raw["algorithm"] == "vdn" and raw["env"] == "two_step_game_v1"
    with pytest.raises(
        CheckpointMismatchError, match=r"vdn on two_step_game_v1.*qmix on two_step_game_v1"
    ):
        load_checkpoint(path, algorithm="qmix")
    with pytest.raises(
        CheckpointMismatchError, match=r"vdn on two_step_game_v1.*vdn on climbing_game_v1"
    ):
        load_checkpoint(path, env="climbing_game_v1")
    with pytest.raises(CheckpointMismatchError, match="qmix"):
        Trainer("qmix", ENV, SMALL, rng=0, out=tmp_path, resume=True)
    with pytest.raises(ValueError, match="already holds a checkpoint"):
        Trainer("vdn", ENV, SMALL, rng=0, out=tmp_path)
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="not a cooplab MARL checkpoint"):
        load_checkpoint(tmp_path / "junk.pt")


def test_a_checkpoint_file_is_never_torn(tmp_path, monkeypatch):
    trainer = Trainer("iql", ENV, SMALL, rng=0, out=tmp_path)
    trainer.train(100)
    before = (tmp_path / "checkpoint.pt").read_bytes()

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(KeyboardInterrupt):
        trainer.save()
    assert (tmp_path / "checkpoint.pt").read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


# ---------------------------------------------------------------------------
# The pieces
# ---------------------------------------------------------------------------
def test_collect_pads_and_counts():
    from cooplab.marl.qmix import QMIX

    env = make(ENV, num_envs=5)
    learner = QMIX(env.spec, SMALL, seed=0)
    batch = collect(env, learner, np.random.default_rng(0), epsilon=1.0)
    assert batch.obs.shape == (5, 3, 2, 4) and batch.actions.shape == (5, 2, 2)
    assert batch.filled.all() and batch.terminated[:, 1].all() and not batch.terminated[:, 0].any()
    # step 2's observation says which matrix agent 1 picked
    np.testing.assert_array_equal(batch.obs[:, 1, 0].argmax(-1), 1 + batch.actions[:, 0, 0])
    assert set(batch.returns.tolist()) <= {0.0, 1.0, 7.0, 8.0}


def _batch(b, t, rng):
    return EpisodeBatch(
        obs=rng.random((b, t + 1, 2, 3)).astype(np.float32),
        state=rng.random((b, t + 1, 4)).astype(np.float32),
        avail=np.ones((b, t + 1, 2, 2), bool),
        actions=rng.integers(2, size=(b, t, 2)),
        reward=rng.random((b, t)).astype(np.float32),
        terminated=np.zeros((b, t), bool),
        filled=np.ones((b, t), bool),
    )


@given(st.lists(st.integers(1, 7), min_size=1, max_size=6), st.integers(1, 10))
@settings(max_examples=30)
def test_replay_buffer_keeps_the_last_capacity_episodes(sizes, capacity):
    rng = np.random.default_rng(0)
    buf = ReplayBuffer(capacity)
    seen = []
    for s in sizes:
        batch = _batch(s, 3, rng)
        buf.insert(batch)
        seen.extend(batch.reward)
    assert len(buf) == min(sum(sizes), capacity)
    kept = {tuple(r) for r in seen[-capacity:]}
    sample = buf.sample(len(buf), rng)
    assert {tuple(r) for r in sample.reward} == kept


def test_replay_buffer_refuses_bad_requests():
    with pytest.raises(ValueError, match="capacity"):
        ReplayBuffer(0)
    with pytest.raises(ValueError, match="cannot sample 4"):
        ReplayBuffer(3).sample(4)


@given(st.integers(0, 2**31 - 1))
@settings(max_examples=25)
def test_qmix_mixer_is_monotonic_in_every_agent(seed):
    # Rashid et al. 2018, eq. 5: dQ_tot/dQ_a >= 0 for every agent and state.
    from cooplab.marl.nets import QMixer

    torch.manual_seed(seed)
    mixer = QMixer(n_agents=3, state_dim=5, embed=8, hypernet_embed=16)
    qs = torch.randn(4, 6, 3, requires_grad=True)
    state = torch.randn(4, 6, 5)
    mixer(qs, state).sum().backward()
    assert (qs.grad >= 0).all()


def test_vdn_mixer_is_the_sum():
    from cooplab.marl.nets import VDNMixer

    qs = torch.randn(2, 3, 4)
    torch.testing.assert_close(VDNMixer()(qs, None), qs.sum(-1))


def test_coma_td_lambda_targets_are_monte_carlo_at_1_and_one_step_at_0():
    from cooplab.marl.base import Tensors
    from cooplab.marl.coma import COMA

    rng = np.random.default_rng(1)
    batch = _batch(3, 4, rng)
    batch.filled[0, 3] = False  # a shorter episode
    batch.terminated[0, 2] = True
    tb = Tensors(batch)
    q_next = torch.from_numpy(rng.random((3, 4, 2)).astype(np.float32))
    gamma = 0.9
    for lam in (0.0, 1.0):
        learner = COMA(make(ENV).spec, SMALL.replace(gamma=gamma, td_lambda=lam), seed=0)
        out = learner.td_lambda_targets(tb, q_next).numpy()
        for b in range(3):
            length = int(batch.filled[b].sum())
            for t in range(length):
                r = batch.reward[b]
                if lam == 1.0:
                    expect = sum(gamma**k * r[t + k] for k in range(length - t))
                    expect = np.full(2, expect)
                else:
                    nxt = (
                        q_next[b, t + 1].numpy()
                        if t + 1 < length and not batch.terminated[b, t]
                        else 0.0
                    )
                    expect = r[t] + gamma * nxt
                np.testing.assert_allclose(out[b, t], expect, rtol=1e-5)


def test_gae_with_lambda_1_and_zero_values_is_the_discounted_return():
    from cooplab.marl.base import Tensors
    from cooplab.marl.mappo import MAPPO

    rng = np.random.default_rng(2)
    batch = _batch(2, 5, rng)
    batch.terminated[:, 4] = True
    tb = Tensors(batch)
    learner = MAPPO(make(ENV).spec, SMALL.replace(gamma=0.8, gae_lambda=1.0), seed=0)
    adv = learner.advantages(tb, torch.zeros(2, 6, 2)).numpy()
    for t in range(5):
        expect = sum(0.8**k * batch.reward[:, t + k] for k in range(5 - t))
        np.testing.assert_allclose(adv[:, t, 0], expect, rtol=1e-5)


def test_epsilon_schedule_and_config_checks():
    c = TrainConfig(epsilon_start=1.0, epsilon_finish=0.1, epsilon_anneal_steps=100)
    assert (
        c.epsilon(0) == 1.0
        and c.epsilon(50) == pytest.approx(0.55)
        and c.epsilon(10**6) == pytest.approx(0.1)
    )
    with pytest.raises(ValueError, match="num_envs"):
        TrainConfig(num_envs=0)
    with pytest.raises(ValueError, match="gamma"):
        TrainConfig(gamma=1.5)
    with pytest.raises(ValueError, match=r"batch_size .* exceeds buffer_size"):
        TrainConfig(batch_size=10, buffer_size=5)
    with pytest.raises(ValueError, match="unknown TrainConfig field"):
        c.replace(epsilon=0.1)
    with pytest.raises(ValueError, match="unknown algorithm 'qtran'"):
        Trainer("qtran", ENV, SMALL)
    with pytest.raises(ValueError, match="steps must be a positive integer"):
        Trainer("iql", ENV, SMALL).train(0)
    with pytest.raises(TypeError, match="env must be"):
        Trainer("iql", 3, SMALL)


def test_tensorboard_is_optional(tmp_path):
    import importlib.util

    if importlib.util.find_spec("tensorboard") is not None:
        trainer = Trainer("iql", ENV, SMALL, rng=0, out=tmp_path, tensorboard=True)
        trainer.train(20)
        assert any((tmp_path / "tensorboard").iterdir())
    else:
        with pytest.raises(ValueError, match="pip install tensorboard"):
            Trainer("iql", ENV, SMALL, rng=0, out=tmp_path, tensorboard=True)
    with pytest.raises(ValueError, match="needs an output folder"):
        Trainer("iql", ENV, SMALL, rng=0, tensorboard=True)
