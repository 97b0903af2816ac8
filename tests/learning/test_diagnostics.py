"""Diagnostics and plots of learning runs."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooplab.games import make
from cooplab.games.normal_form import NormalFormGame
from cooplab.learning import (
    FictitiousPlay,
    GradientAscent,
    Hedge,
    classify_run,
    equilibrium_distance_path,
    find_equilibria,
    nash_conv_path,
    running_average,
)
from cooplab.learning.plots import nash_conv_figure, simplex_xy, trajectory_figure


@given(st.integers(0, 10_000))
def test_nash_conv_path_matches_the_game_one_profile_at_a_time(seed):
    rng = np.random.default_rng(seed)
    g = NormalFormGame(rng.normal(size=(3, 2, 3, 2)))
    path = [rng.dirichlet(np.ones(a), size=5) for a in g.n_actions]
    got = nash_conv_path(g, path)
    want = [g.nash_conv([p[t] for p in path]) for t in range(5)]
    np.testing.assert_allclose(got, want, atol=1e-12)
    assert np.all(got >= 0)


def test_distance_to_the_nearest_equilibrium():
    g = make("stag-hunt")
    eqs = find_equilibria(g)
    assert len(eqs) == 3  # (Stag, Stag), (Hare, Hare) and the mixed one
    path = [np.array([[1.0, 0.0], [0.9, 0.1]]), np.array([[1.0, 0.0], [0.9, 0.1]])]
    d = equilibrium_distance_path(g, path)
    np.testing.assert_allclose(d, [0.0, 0.1], atol=1e-12)


def test_running_average():
    np.testing.assert_allclose(
        running_average([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]]),
        [[1.0, 0.0], [0.5, 0.5], [1 / 3, 2 / 3]],
    )
    with pytest.raises(ValueError, match="shape"):
        running_average([1.0, 2.0])


def test_classify_run_verdicts():
    mp = make("matching-pennies")
    # IGA orbits the mixed equilibrium of matching pennies (Singh et al. 2000):
    # its last iterate keeps moving while the average approaches (1/2, 1/2).
    iga = GradientAscent(mp, step=0.01, initial=[[0.8, 0.2], [0.3, 0.7]]).run(20000)
    d = classify_run(mp, iga.histories())
    assert d.verdict == "cycling" and d.movement > 0.3 and d.average_nash_conv < 0.05
    # Shapley (1964): fictitious play's average does not approach the equilibrium.
    sh = make("shapley")
    fp = FictitiousPlay(sh, rng=0).run(5000)
    d = classify_run(sh, fp.histories(), tail=0.5)
    assert d.verdict == "not converging" and d.average_nash_conv > 0.1
    # A coordination game: gradient ascent settles on a pure equilibrium.
    co = make("pure-coordination", n_actions=3)
    ga = GradientAscent(co, step=0.05, rng=1).run(3000)
    d = classify_run(co, ga.histories())
    assert d.verdict == "converged" and d.at_equilibrium


def test_bad_paths_are_refused():
    g = make("matching-pennies")
    with pytest.raises(ValueError, match="one per player"):
        nash_conv_path(g, [np.ones((3, 2)) / 2])
    with pytest.raises(ValueError, match=r"shape \(T, 2\)"):
        nash_conv_path(g, [np.ones((3, 3)) / 3, np.ones((3, 2)) / 2])
    with pytest.raises(ValueError, match="NaN"):
        nash_conv_path(g, [np.full((3, 2), np.nan), np.ones((3, 2)) / 2])
    with pytest.raises(ValueError, match="tail"):
        classify_run(g, [np.ones((3, 2)) / 2] * 2, tail=0.0)


def test_plots():
    h = Hedge(make("rock-paper-scissors"), rng=0).run(100)
    fig = trajectory_figure(h.histories(), [running_average(x) for x in h.histories()])
    assert len(fig.axes) == 2
    fig = trajectory_figure(GradientAscent(make("matching-pennies"), rng=0).run(50).histories())
    assert len(fig.axes) == 1
    with pytest.raises(ValueError, match="2x2 game or three actions"):
        trajectory_figure([np.ones((2, 4)) / 4, np.ones((2, 4)) / 4])
    np.testing.assert_allclose(simplex_xy([[1, 0, 0], [0, 0, 1]]), [[0, 0], [0.5, np.sqrt(3) / 2]])
    fig = nash_conv_figure({"a": (np.arange(3), np.array([1.0, 0.1, 0.0]))})
    assert fig.axes[0].get_yscale() == "log"
