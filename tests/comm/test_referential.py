import numpy as np
import pytest

from cooplab.comm.referential import (
    ObjectSpace,
    ReferentialConfig,
    _games,
    _pad_after_eos,
    split_objects,
)


def test_object_space_and_split():
    space = ObjectSpace(3, 4)
    objs = space.objects
    assert objs.shape == (64, 3) and len({tuple(o) for o in objs}) == 64
    oh = space.one_hot(objs[:2])
    assert oh.shape == (2, 12) and np.all(oh.sum(1) == 3)
    train, test = split_objects(space, 0.25, rng=1)
    assert len(test) == 16 and len(train) == 48
    assert set(train).isdisjoint(test) and set(train) | set(test) == set(range(64))
    again = split_objects(space, 0.25, rng=1)
    np.testing.assert_array_equal(again[1], test)
    assert len(split_objects(space, 0.0)[1]) == 0


def test_games_draw_distinct_distractors_from_the_pool():
    rng = np.random.default_rng(0)
    pool = np.array([2, 3, 5, 7, 11, 13])
    targets = rng.choice(pool, size=200)
    cands, pos = _games(rng, targets, pool, 3)
    assert cands.shape == (200, 4)
    np.testing.assert_array_equal(cands[np.arange(200), pos], targets)
    for row, t in zip(cands, targets, strict=True):
        assert len(set(row)) == 4 and set(row) <= set(pool.tolist())
        assert list(row).count(t) == 1
    # the target's position is uniform: each of 4 slots gets a fair share
    assert np.all(np.bincount(pos, minlength=4) > 25)


def test_pad_after_eos():
    np.testing.assert_array_equal(
        _pad_after_eos(np.array([[3, 0, 4], [1, 2, 3], [0, 5, 5]])),
        [[3, 0, 0], [1, 2, 3], [0, 0, 0]],
    )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"vocab_size": 0}, "vocab_size"),
        ({"vocab_size": 1}, "vocab_size"),
        ({"max_len": 0}, "max_len"),
        ({"n_attributes": 1, "n_values": 3, "n_distractors": 3}, "n_distractors"),
        ({"holdout": 0.95}, "holdout"),
        ({"holdout": 1.0}, "holdout"),
        ({"method": "ppo"}, "method"),
        ({"n_values": 1}, "n_values"),
        ({"lr": 0}, "lr"),
    ],
)
def test_bad_config_names_the_parameter(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ReferentialConfig(**kwargs)


def test_holdout_leaving_too_few_training_objects():
    with pytest.raises(ValueError, match=r"holdout .* leaves 1 training objects"):
        split_objects(ObjectSpace(1, 5), 0.8)


# ---------------------------------------------------------------------------
# Training (torch)
# ---------------------------------------------------------------------------
TINY = dict(
    n_attributes=2,
    n_values=3,
    n_distractors=2,
    vocab_size=5,
    max_len=2,
    hidden=16,
    embed=8,
    batch_size=16,
    eval_every=10,
)


@pytest.mark.parametrize("method", ["reinforce", "gumbel"])
def test_same_seed_same_run(method):
    pytest.importorskip("torch")
    from cooplab.comm.referential import train_referential

    cfg = ReferentialConfig(**TINY, steps=20, method=method)
    a = train_referential(cfg, rng=4)
    b = train_referential(cfg, rng=4)
    c = train_referential(cfg, rng=5)
    assert a.messages == b.messages and a.curve_train == b.curve_train
    assert a.test_objects == b.test_objects
    assert (a.messages, a.test_objects) != (c.messages, c.test_objects)
    assert len(a.messages) == 9 and all(len(m) == 2 for m in a.messages)
    assert all(0 <= s < 5 for m in a.messages for s in m)


@pytest.mark.parametrize("method", ["reinforce", "gumbel"])
def test_a_small_game_is_learned(method):
    # 5 objects, all of them candidates in every game (chance 1/5), one symbol: winning needs
    # distinct messages. Within 400 steps both methods reach at least 0.7; like the Lewis
    # learners they sometimes stop at a partial pooling (two objects sharing a message,
    # accuracy 0.8), so a perfect code is not required.
    pytest.importorskip("torch")
    from cooplab.comm.referential import train_referential

    cfg = ReferentialConfig(
        n_attributes=1,
        n_values=5,
        n_distractors=4,
        vocab_size=10,
        max_len=1,
        holdout=0.0,
        hidden=32,
        embed=8,
        batch_size=32,
        steps=400,
        eval_every=400,
        lr=1e-2,
        method=method,
    )
    res = train_referential(cfg, rng=0)
    assert res.train_accuracy >= 0.7
    assert len(set(res.messages)) >= 4  # at least 4 of the 5 objects have their own message
    assert res.entropy >= 1.9
    assert np.isnan(res.test_accuracy)  # nothing held out


def test_receiver_ignores_symbols_after_eos():
    torch = pytest.importorskip("torch")
    from cooplab.comm.referential import _agents

    cfg = ReferentialConfig(**TINY, steps=1)
    torch.manual_seed(0)
    _, receiver = _agents(cfg)
    f = torch.nn.functional.one_hot
    a = f(torch.tensor([[3, 0]]), 5).float()
    b = f(torch.tensor([[3, 0]]), 5).float()
    b[0, 1] = f(torch.tensor(0), 5).float()  # same message
    c = f(torch.tensor([[3, 4]]), 5).float()
    cands = torch.eye(6)[None, :3]
    with torch.no_grad():
        sa, sb, sc = receiver(a, cands), receiver(b, cands), receiver(c, cands)
        # a message ending early equals the same message padded with anything after EOS
        d = f(torch.tensor([[0, 2]]), 5).float()
        e = f(torch.tensor([[0, 4]]), 5).float()
        assert torch.allclose(receiver(d, cands), receiver(e, cands))
    assert torch.allclose(sa, sb) and not torch.allclose(sa, sc)
