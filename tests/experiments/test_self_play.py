import numpy as np
import pytest

from cooplab.experiments import get
from cooplab.experiments.self_play import Config, _near_end_positions
from cooplab.games.board import get_board_game


def test_registered_with_torch_requirement():
    e = get("self-play")
    assert e.section == "3.2"
    assert e.requires == ("torch",)
    assert Config.full().ttt_eval_games == 200  # the claim's 200 games, both sides
    assert Config.full().c4_rollouts == (100, 1000, 10000)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"ttt_steps": 0},
        {"c4_rollouts": (1000, 100)},
        {"c4_rollouts": ()},
        {"c4_checkpoints": 1},
        {"ttt_eval_games": 201},
        {"timed": "yes"},
        {"blocks": -1},
    ],
)
def test_bad_config(kwargs):
    with pytest.raises(ValueError, match="must"):
        Config(**kwargs)


def test_near_end_positions_are_solved_and_not_trivial():
    game = get_board_game("connect_four")
    positions = _near_end_positions(game, 6, 10, np.random.default_rng(0))
    assert len(positions) == 6
    for pos, best, n_legal in positions:
        assert not game.is_terminal(pos)[0]
        assert (pos.board == 0).sum() <= 10
        legal = np.flatnonzero(game.legal_mask(pos)[0])
        assert n_legal == legal.size
        assert set(best) < set(legal.tolist())  # some moves are not optimal
        # no move wins at once (those positions are skipped as trivial)
        children = game.step(pos.take(np.zeros(legal.size, dtype=np.int64)), legal)
        assert not (game.returns(children)[:, int(pos.to_play[0])] > 0).any()
