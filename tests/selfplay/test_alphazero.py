"""AlphaZero: network, symmetries, replay, self-play targets, trainer, checkpoints, resume."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cooplab.games.board import DRAW, get_board_game
from cooplab.selfplay.agents import RandomAgent
from cooplab.selfplay.alphazero import AlphaZeroConfig, CheckpointMismatchError, self_play
from cooplab.selfplay.arena import play_match
from cooplab.selfplay.replay import ReplayBuffer

GAMES = ("tic_tac_toe", "connect_four", "othello6")


def uniform(game):
    """A torch-free evaluator: uniform priors over the legal moves, value 0."""

    def evaluate(states):
        legal = game.legal_mask(states).astype(float)
        return legal / legal.sum(axis=1, keepdims=True), np.zeros(states.batch)

    return evaluate


def random_policy(game, s, rng):
    return RandomAgent().act_batch(game, s, rng)


def random_position(game, rng, plies):
    s = game.initial_states(1)
    for _ in range(plies):
        if game.is_terminal(s)[0]:
            break
        s = game.step(s, random_policy(game, s, rng))
    return s


# ---------------------------------------------------------------------------
# Symmetries (torch needed only to import the network module)
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", GAMES)
@settings(max_examples=15)
@given(seed=st.integers(0, 2**32 - 1), plies=st.integers(0, 20))
def test_symmetries_commute_with_the_rules(name, seed, plies):
    """Transforming a position, then its legal moves and a move, equals transforming after:
    the rules are invariant, so the value of a transformed position is the same."""
    pytest.importorskip("torch")
    from cooplab.selfplay.network import symmetries

    game = get_board_game(name)
    rng = np.random.default_rng(seed)
    s = random_position(game, rng, plies)
    if game.is_terminal(s)[0]:
        return
    rows, cols = game.board_shape
    syms = symmetries(game)
    assert len(syms) == {"tic_tac_toe": 8, "connect_four": 2, "othello6": 8}[name]
    assert syms[0].name == "identity"
    legal = game.legal_mask(s).astype(np.float32)
    a = int(random_policy(game, s, rng)[0])
    after = game.step(s, [a])
    for sym in syms:
        assert sorted(sym.cells) == list(range(rows * cols))
        assert sorted(sym.actions) == list(range(game.num_actions))
        tb = sym.planes(s.board[:, None].astype(np.float32))[:, 0].astype(np.int8)
        ts = game.from_board(tb, int(s.to_play[0]))
        np.testing.assert_array_equal(game.legal_mask(ts).astype(np.float32), sym.policy(legal))
        # the transformed move: the new action j with actions[j] == a
        j = int(np.flatnonzero(sym.actions == a)[0])
        t_after = game.step(ts, [j])
        expect = sym.planes(after.board[:, None].astype(np.float32))[:, 0].astype(np.int8)
        np.testing.assert_array_equal(t_after.board, expect)
        assert t_after.outcome[0] == after.outcome[0]
        np.testing.assert_array_equal(game.encode(ts), sym.planes(game.encode(s)))


# ---------------------------------------------------------------------------
# Replay buffer
# ---------------------------------------------------------------------------
@settings(max_examples=60)
@given(
    capacity=st.integers(1, 12),
    sizes=st.lists(st.integers(0, 15), min_size=1, max_size=6),
)
def test_replay_keeps_the_newest_positions(capacity, sizes):
    buf = ReplayBuffer(capacity, (1, 1, 1), 2)
    added = []
    counter = 0
    for n in sizes:
        vals = np.arange(counter, counter + n, dtype=np.float32)
        counter += n
        added.extend(vals.tolist())
        buf.add(vals.reshape(n, 1, 1, 1), np.tile([0.25, 0.75], (n, 1)), vals)
    assert buf.total_added == counter
    assert len(buf) == min(counter, capacity)
    kept = sorted(buf.values[: len(buf)].tolist())
    assert kept == sorted(added[-capacity:]) if added else kept == []
    clone = ReplayBuffer(capacity, (1, 1, 1), 2)
    clone.load_state_dict(buf.state_dict())
    np.testing.assert_array_equal(clone.values, buf.values)
    assert clone.total_added == buf.total_added
    if len(buf):
        x, _p, z = buf.sample(5, rng=3)
        np.testing.assert_array_equal(x[:, 0, 0, 0], z)  # rows stay together
        assert set(z.tolist()) <= set(kept)


def test_replay_bad_input():
    with pytest.raises(ValueError, match="capacity"):
        ReplayBuffer(0, (1, 1, 1), 2)
    buf = ReplayBuffer(4, (1, 1, 1), 2)
    with pytest.raises(ValueError, match="policies"):
        buf.add(np.zeros((2, 1, 1, 1)), np.zeros((2, 3)), np.zeros(2))
    with pytest.raises(ValueError, match="empty"):
        buf.sample(1)
    with pytest.raises(ValueError, match="capacity"):
        ReplayBuffer(5, (1, 1, 1), 2).load_state_dict(buf.state_dict())


# ---------------------------------------------------------------------------
# Self-play targets (torch-free with a uniform evaluator)
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["tic_tac_toe", "connect_four"])
def test_self_play_targets(name):
    game = get_board_game(name)
    batch = self_play(game, uniform(game), 6, simulations=8, rng=0)
    n = int(batch.lengths.sum())
    assert batch.planes.shape == (n, game.num_planes, *game.board_shape)
    assert batch.policies.shape == (n, game.num_actions)
    np.testing.assert_allclose(batch.policies.sum(axis=1), 1.0, rtol=1e-6)
    # the policy target lives on legal moves: the mover's and opponent's planes mark
    # occupied cells, and no visits go there (tic-tac-toe: a move is a cell)
    if name == "tic_tac_toe":
        occupied = (batch.planes[:, 0] + batch.planes[:, 1]).reshape(n, -1) > 0
        assert (batch.policies[occupied] == 0).all()
    # value targets: +1/-1 alternate along a decided game, all 0 in a drawn one
    start = 0
    for outcome, length in zip(batch.outcomes, batch.lengths, strict=True):
        z = batch.values[start : start + length]
        if outcome == DRAW:
            assert (z == 0).all()
        else:
            winner = int(outcome)
            movers = np.arange(length) % 2  # these games alternate
            np.testing.assert_array_equal(z, np.where(movers == winner, 1.0, -1.0))
        start += length


def test_self_play_is_seeded():
    game = get_board_game("tic_tac_toe")
    a = self_play(game, uniform(game), 4, simulations=4, rng=5)
    b = self_play(game, uniform(game), 4, simulations=4, rng=5)
    c = self_play(game, uniform(game), 4, simulations=4, rng=6)
    np.testing.assert_array_equal(a.policies, b.policies)
    np.testing.assert_array_equal(a.outcomes, b.outcomes)
    assert not (a.policies.shape == c.policies.shape and np.array_equal(a.policies, c.policies))


def test_config_rejects_bad_values():
    with pytest.raises(ValueError, match="simulations"):
        AlphaZeroConfig(simulations=0)
    with pytest.raises(ValueError, match="dirichlet_eps"):
        AlphaZeroConfig(dirichlet_eps=1.5)
    with pytest.raises(ValueError, match="board game"):
        AlphaZeroConfig(game="go")
    with pytest.raises(ValueError, match="forced_playouts"):
        AlphaZeroConfig(forced_playouts=-1)
    with pytest.raises(ValueError, match="forced_playouts"):
        AlphaZeroConfig(forced_playouts=math.inf)
    with pytest.raises(ValueError, match="unknown"):
        AlphaZeroConfig.from_dict({"game": "tic_tac_toe", "sims": 3})


# ---------------------------------------------------------------------------
# Torch parts
# ---------------------------------------------------------------------------
TINY = dict(
    channels=8,
    blocks=1,
    hidden=16,
    games_per_step=4,
    simulations=4,
    train_batches=3,
    batch_size=16,
    eval_every=2,
    eval_games=2,
    eval_simulations=2,
    checkpoint_every=2,
)


@pytest.mark.parametrize("name", GAMES)
def test_network_shapes_and_evaluator(name):
    torch = pytest.importorskip("torch")
    from cooplab.selfplay.network import NetworkSpec, PolicyValueNet, evaluator

    game = get_board_game(name)
    net = PolicyValueNet(NetworkSpec.for_game(game, channels=8, blocks=1, hidden=8))
    s = game.initial_states(3)
    logits, v = net(torch.from_numpy(game.encode(s)))
    assert logits.shape == (3, game.num_actions) and v.shape == (3,)
    priors, values = evaluator(net, game)(s)
    legal = game.legal_mask(s)
    np.testing.assert_allclose(priors.sum(axis=1), 1.0)
    assert (priors[~legal] == 0).all()
    assert (np.abs(values) <= 1).all()


def test_trainer_is_seeded_and_resume_equals_an_uninterrupted_run(tmp_path):
    torch = pytest.importorskip("torch")
    from cooplab.selfplay.alphazero import AlphaZeroTrainer

    cfg = AlphaZeroConfig("tic_tac_toe", **TINY)
    whole = AlphaZeroTrainer(cfg, rng=11, out_dir=tmp_path / "whole")
    whole.train(steps=4)
    # the same run killed during step 3, after its periodic checkpoint at step 2
    partial = AlphaZeroTrainer(cfg, rng=11, out_dir=tmp_path / "p2")

    def kill(done, total):
        if partial.steps_done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        partial.train(steps=4, progress=kill)
    # step 3 is lost with the process and redone after the resume
    resumed = AlphaZeroTrainer.resume(tmp_path / "p2")
    assert resumed.steps_done == 2
    resumed.train(steps=4)
    for (k, a), (_, b) in zip(
        whole.net.state_dict().items(), resumed.net.state_dict().items(), strict=True
    ):
        assert torch.equal(a, b), k
    assert [r.value_loss for r in whole.history.steps] == [
        r.value_loss for r in resumed.history.steps
    ]
    assert [(e.opponent, e.wins, e.draws, e.losses) for e in whole.history.evals] == [
        (e.opponent, e.wins, e.draws, e.losses) for e in resumed.history.evals
    ]
    np.testing.assert_array_equal(whole.replay.values, resumed.replay.values)
    # a different seed trains differently
    other = AlphaZeroTrainer(cfg, rng=12)
    other.train(steps=1)
    assert (
        not torch.equal(
            next(iter(other.net.state_dict().values())), next(iter(whole.net.state_dict().values()))
        )
        or other.history.steps[0].value_loss != whole.history.steps[0].value_loss
    )


def test_checkpoints_load_weights_only_and_refuse_another_game_or_architecture(tmp_path):
    torch = pytest.importorskip("torch")
    from cooplab.selfplay.alphazero import AlphaZeroTrainer, NetworkAgent, load_network

    cfg = AlphaZeroConfig("tic_tac_toe", **TINY)
    t = AlphaZeroTrainer(cfg, rng=0, out_dir=tmp_path)
    t.train(steps=1)
    state = torch.load(tmp_path / "checkpoint.pt", weights_only=True)
    assert state["game"] == "tic_tac_toe" and state["steps_done"] == 1
    net = load_network(tmp_path / "best.pt", "tic_tac_toe")
    assert not net.training
    with pytest.raises(CheckpointMismatchError, match=r"tic_tac_toe net.*connect_four"):
        load_network(tmp_path / "checkpoint.pt", "connect_four")
    wider = AlphaZeroConfig("tic_tac_toe", **{**TINY, "channels": 16})
    with pytest.raises(CheckpointMismatchError, match=r"8 channels.*16 channels"):
        AlphaZeroTrainer.resume(tmp_path, config=wider)
    c4 = AlphaZeroConfig("connect_four", **TINY)
    with pytest.raises(CheckpointMismatchError, match=r"tic_tac_toe.*connect_four"):
        AlphaZeroTrainer(c4, rng=0).load_state_dict(state)
    with pytest.raises(CheckpointMismatchError, match="cannot play connect_four"):
        NetworkAgent(net, "connect_four")
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="not a cooplab AlphaZero checkpoint"):
        load_network(tmp_path / "junk.pt")
    with pytest.raises(FileNotFoundError, match="no AlphaZero checkpoint"):
        AlphaZeroTrainer.resume(tmp_path / "nowhere")


def test_network_agent_plays_legal_moves_and_takes_a_win():
    pytest.importorskip("torch")
    from cooplab.selfplay.alphazero import NetworkAgent
    from cooplab.selfplay.network import NetworkSpec, PolicyValueNet

    game = get_board_game("tic_tac_toe")
    net = PolicyValueNet(NetworkSpec.for_game(game, channels=8, blocks=1, hidden=8))
    # X has 0 and 1 and moves: cell 2 wins at once; the search sees the terminal
    # value, so even an untrained network finds it with enough simulations
    s = game.play([0, 3, 1, 4])
    agent = NetworkAgent(net, game, simulations=64)
    assert agent.act(game, s, rng=0) == 2
    m = play_match(game, agent, "random", 4, rng=0)  # the arena checks every move's legality
    assert m.games == 4 and m.a == "alphazero-64"
    with pytest.raises(ValueError, match="simulations"):
        NetworkAgent(net, game, simulations=-1)


def test_training_fits_exact_tic_tac_toe_values():
    """The loss code trains the value head: on positions labelled with their minimax value
    (tic-tac-toe is a draw from the start; Zermelo / exhaustive search), the value error
    falls far below that of predicting 0."""
    torch = pytest.importorskip("torch")
    from cooplab.selfplay.alphazero import AlphaZeroTrainer

    game = get_board_game("tic_tac_toe")
    rng = np.random.default_rng(0)
    # positions one move from the end are decided by their last empty cell
    boards, values = [], []
    while len(boards) < 64:
        s = random_position(game, rng, 8)
        if game.is_terminal(s)[0]:
            continue
        a = int(np.flatnonzero(game.legal_mask(s)[0])[0])
        after = game.step(s, [a])
        boards.append(game.encode(s)[0])
        values.append(game.returns(after)[0, int(s.to_play[0])])
    x, z = np.stack(boards), np.array(values, dtype=np.float32)
    cfg = AlphaZeroConfig("tic_tac_toe", channels=16, blocks=1, hidden=32, augment=False)
    t = AlphaZeroTrainer(cfg, rng=0)
    with torch.no_grad():
        t.net.eval()
        before = float(((t.net(torch.from_numpy(x))[1].numpy() - z) ** 2).mean())
    uniform_pi = np.full((32, 9), 1 / 9, dtype=np.float32)
    for _ in range(150):
        idx = t.rng.integers(0, 64, size=32)
        t.update(x[idx], uniform_pi, z[idx])
    t.net.eval()
    with torch.no_grad():
        after = float(((t.net(torch.from_numpy(x))[1].numpy() - z) ** 2).mean())
    assert after < 0.25 * min(before, float((z**2).mean()))


def test_checkpoint_agent_from_a_spec(tmp_path):
    pytest.importorskip("torch")
    from cooplab.selfplay.agents import make_agent
    from cooplab.selfplay.alphazero import AlphaZeroTrainer

    AlphaZeroTrainer(AlphaZeroConfig("tic_tac_toe", **TINY), rng=0, out_dir=tmp_path).train(steps=1)
    agent = make_agent(f"alphazero:{tmp_path / 'best.pt'}@4")
    assert agent.name.endswith("best.pt@4")
    m = play_match("tic_tac_toe", agent, "random", 2, rng=0)
    assert m.games == 2
    assert make_agent(f"alphazero:{tmp_path / 'best.pt'}").simulations == 64
    with pytest.raises(CheckpointMismatchError, match=r"tic_tac_toe net.*connect_four"):
        play_match("connect_four", make_agent(f"alphazero:{tmp_path / 'best.pt'}"), "random", 2)
    with pytest.raises(FileNotFoundError, match="no AlphaZero checkpoint"):
        make_agent(f"alphazero:{tmp_path / 'none.pt'}")
    with pytest.raises(ValueError, match="needs a checkpoint"):
        make_agent("alphazero")
    with pytest.raises(ValueError, match="must be an integer"):
        make_agent(f"alphazero:{tmp_path / 'best.pt'}@many")
