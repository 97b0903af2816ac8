"""Section-6 experiments: configurations, small runs, verdicts from the numbers."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

pytest.importorskip("torch")

from cooplab.experiments import (
    scarcity_and_conflict,
    social_influence,
    tragedy_of_the_commons,
)
from cooplab.experiments._ssd_runs import mean_se
from cooplab.runtime import as_generator


def test_bad_configs_name_the_field():
    with pytest.raises(ValueError, match="apple_respawn"):
        scarcity_and_conflict.Config(apple_respawn=(5,))
    with pytest.raises(ValueError, match="increasing"):
        scarcity_and_conflict.Config(apple_respawn=(50, 2))
    with pytest.raises(ValueError, match="algorithm must be one of ppo, a2c, dqn; got 'sac'"):
        scarcity_and_conflict.Config(algorithm="sac")
    with pytest.raises(ValueError, match="algorithm must be one of ppo, a2c, dqn; got 'q'"):
        tragedy_of_the_commons.Config(algorithm="q")
    with pytest.raises(ValueError, match="last"):
        tragedy_of_the_commons.Config(iterations=2, last=3)
    with pytest.raises(ValueError, match="map"):
        tragedy_of_the_commons.Config(map="big")
    with pytest.raises(ValueError, match="variants"):
        social_influence.Config(variants=("moa",))
    with pytest.raises(ValueError, match="envs"):
        social_influence.Config(envs=("gathering_v1",))


def test_mean_se():
    assert mean_se([1.0, 3.0]) == (2.0, 1.0)
    assert mean_se([2.0]) == (2.0, 0.0)
    assert np.isnan(mean_se([float("nan")])[0])


def test_tragedy_scripted_references_show_the_dilemma():
    # the hand-coded part alone: restraint beats greed on the small commons over 100 steps
    cfg = dataclasses.replace(
        tragedy_of_the_commons.Config.quick(),
        agents=(3,),
        seeds=1,
        iterations=1,
        last=1,
        num_envs=1,
        frames=2,
    )
    result = tragedy_of_the_commons.run(cfg, as_generator(0))
    dilemma, learned, grows = result.checks
    assert dilemma.held, dilemma.detail
    assert not grows.held and "at least two numbers of agents" in grows.detail  # one N only
    assert result.best_restraint[0] >= 1
    r, g = dict(result.restrained[0]), dict(result.greedy[0])
    assert r["sustainability"] > g["sustainability"]
    assert "barely trained" in learned.detail  # a 1-iteration run says what it is
    names = [n for n, _ in tragedy_of_the_commons.figures(result)]
    assert names == ["harvest-by-agents", "filmstrip"]
    assert tragedy_of_the_commons.tables(result)[0].rows


def test_tragedy_shortfall_check_reads_the_numbers():
    check = tragedy_of_the_commons.shortfall_check
    # 10% short at N=2, 50% short at N=5 (se 1% and 2%): grows
    c = check([(5, 150.0, 6.0, 300.0), (2, 90.0, 1.0, 100.0)])
    assert c.held
    assert "N=2: 10.0% +- 1.0%, N=5: 50.0% +- 2.0%" in c.detail
    assert "+40.0 points (2 se = 4.5)" in c.detail
    # the same gap within noise (se 25%): not shown; a shrinking shortfall: no
    assert not check([(2, 90.0, 1.0, 100.0), (5, 150.0, 75.0, 300.0)]).held
    assert not check([(2, 50.0, 1.0, 100.0), (5, 270.0, 3.0, 300.0)]).held
    # learners above the reference: a negative shortfall is still read, not hidden
    assert "N=2: -10.0%" in check([(2, 110.0, 1.0, 100.0), (3, 100.0, 1.0, 100.0)]).detail
    # no finite learned return for one N: too few points
    assert not check([(2, float("nan"), 1.0, 100.0), (5, 1.0, 1.0, 3.0)]).held


def test_scarcity_verdict_reads_the_numbers():
    cfg = dataclasses.replace(
        scarcity_and_conflict.Config.quick(),
        seeds=2,
        iterations=1,
        last=1,
        num_envs=1,
        episode_limit=10,
        frames=2,
    )
    result = scarcity_and_conflict.run(cfg, as_generator(1))
    (check,) = result.checks
    gap = result.beam_mean[-1] - result.beam_mean[0]
    se = np.hypot(result.beam_se[-1], result.beam_se[0])
    assert check.held == bool(gap > 2 * se)
    assert len(result.runs) == 4
    assert [n for n, _ in scarcity_and_conflict.figures(result)] == [
        "beam-rate-by-scarcity",
        "filmstrip",
    ]


@pytest.mark.parametrize(
    ("module", "small", "check"),
    [
        (scarcity_and_conflict, {"apple_respawn": (2, 50)}, 0),
        (tragedy_of_the_commons, {"agents": (2,), "scripted_envs": 1}, 1),
    ],
)
def test_the_learners_train_with_the_algorithm_the_config_names(monkeypatch, module, small, check):
    from cooplab.experiments import _ssd_runs

    seen = []
    real = _ssd_runs.train_task

    def spy(task):
        seen.append(task.algorithm)
        return real(task)

    monkeypatch.setattr(module, "train_task", spy)
    cfg = dataclasses.replace(
        module.Config.quick(),
        seeds=1,
        iterations=1,
        last=1,
        num_envs=1,
        episode_limit=10,
        frames=0,
        algorithm="a2c",
        **small,
    )
    result = module.run(cfg, as_generator(1))
    assert seen and set(seen) == {"a2c"}
    assert "a2c, 1 iterations" in result.checks[check].detail


def test_social_influence_pairs_seeds_across_rewards():
    cfg = dataclasses.replace(
        social_influence.Config.quick(),
        seeds=1,
        iterations=1,
        last=1,
        num_envs=1,
        episode_limit=10,
        frames=2,
    )
    result = social_influence.run(cfg, as_generator(2))
    assert {r.influence for r in result.runs} == {"none", "centralised"}
    assert len({r.seed for r in result.runs}) == 1  # the same seed for both rewards
    # before any update the two populations act identically: same first episodes
    base, infl = (next(r for r in result.runs if r.influence == v) for v in ("none", "centralised"))
    assert base.collective_curve[0] == infl.collective_curve[0]
    assert len(result.checks) == 1 and social_influence.tables(result)[0].rows
    # the detail says how much the intrinsic reward weighed, from the run's own numbers
    inf = next(x[6] for x in result.summary if x[1] == "centralised")
    assert inf is not None and inf >= 0
    paid = cfg.influence_weight * inf
    assert f"the weighted influence reward was {paid:.2g} per agent-step" in result.checks[0].detail


def test_the_influence_reward_is_reported_against_the_environment_reward():
    # weight 0.1 x influence 0.003 = 0.0003 per agent-step; 300 per episode of 5 x 250
    # agent-steps = 0.24 per agent-step, so the influence reward is 0.125% of it
    text = social_influence._influence_paid(0.1, 0.003, 300.0, 1250)
    assert (
        text
        == "; the weighted influence reward was 0.0003 per agent-step, 0.12% of the environment reward"
    )
    # a non-positive environment reward has no meaningful share; no influence, nothing to say
    assert "%" not in social_influence._influence_paid(0.1, 0.003, -5.0, 1250)
    assert social_influence._influence_paid(0.1, float("nan"), 300.0, 1250) == ""


def test_social_influence_verdict_pairs_the_seeds(monkeypatch):
    # Seeds differ a lot (spread ~300), the influence adds `shift` to every
    # seed's return: unpaired, 1.0 is far inside 2 se; paired by seed it is certain.
    from cooplab.experiments._ssd_runs import RunOutcome

    def fake_train(task, shift):
        ret = float(task.seed % 997) + (shift if task.influence != "none" else 0.0)
        final = (("collective_return", ret), ("equality", 1.0), ("sustainability", 1.0))
        final += (("influence", 0.0),)
        return RunOutcome(task.env, task.influence, task.env_params, task.seed, final, (), (), ())

    cfg = dataclasses.replace(social_influence.Config.quick(), seeds=5, iterations=60, last=1)
    monkeypatch.setattr(social_influence, "train_task", lambda t: fake_train(t, 1.0))
    (check,) = social_influence.run(cfg, as_generator(0)).checks
    assert check.held
    assert "paired difference +1.00 (2 se = 0.00, 5 seeds)" in check.detail
    monkeypatch.setattr(social_influence, "train_task", lambda t: fake_train(t, 0.0))
    (check,) = social_influence.run(cfg, as_generator(0)).checks
    assert not check.held and "paired difference +0.00" in check.detail


def test_paired_difference_skips_missing_and_nan_seeds():
    nan = float("nan")
    m, se, n = social_influence.paired_difference(
        {1: 1.0, 2: nan, 3: 3.0}, {1: 2.0, 2: 5.0, 4: 9.0}
    )
    assert (m, se, n) == (1.0, 0.0, 1)
    m, se, n = social_influence.paired_difference({1: 1.0}, {2: 1.0})
    assert n == 0 and math.isnan(m) and math.isnan(se)
