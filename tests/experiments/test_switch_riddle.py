import dataclasses

import pytest

from cooplab.experiments import get
from cooplab.experiments.switch_riddle import Config

SMALL = Config(episodes=4, eval_every=2, eval_episodes=32, batch_size=4, hidden=8)


def test_contract_on_a_small_config():
    pytest.importorskip("torch")
    from cooplab.testing import check_experiment

    result = check_experiment(get("switch-riddle"), SMALL)
    assert len(result.curves) == 6  # 3 methods x 2 seeds, 3 prisoners
    assert result.oracle[0][0] == 3 and abs(result.oracle[0][1] - 540 / 729) < 1e-12
    for c in result.curves:
        assert c.episodes == (2, 4)
        # greedy reward / oracle: rewards lie in [-1, 1]
        assert all(-1 / result.oracle[0][1] <= x <= 1 / result.oracle[0][1] for x in c.normalised)
    assert len(result.checks) == 3


def test_requires_torch():
    assert get("switch-riddle").requires == ("torch",)


@pytest.mark.parametrize(
    ("change", "match"),
    [({"seeds": 1}, "seeds"), ({"n_agents": (1,)}, "n_agents"), ({"episodes": 0}, "episodes")],
)
def test_bad_config(change, match):
    with pytest.raises(ValueError, match=match):
        dataclasses.replace(Config(), **change)
