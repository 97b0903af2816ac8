"""Learning dynamics against Nashpy on the same games, starts and time points (``peers``).

What ``benchmarks/learning.py`` times is checked here for its answers:

* replicator dynamics, one and two populations, batched (both pairs)
  against Nashpy's ``replicator_dynamics`` / ``asymmetric_replicator_dynamics``
  (``scipy.integrate.odeint`` at its default tolerances, 1.49e-8), and both
  against a reference solution (DOP853 at ``rtol=1e-13``): cooplab's error
  must be no larger than Nashpy's, so the speed is not bought with accuracy;
* fictitious play: the same play counts as Nashpy's after the same number of
  steps, from the same first actions, on games without ties.
"""

import numpy as np
import pytest
import scipy.integrate

from cooplab.games.normal_form import NormalFormGame
from cooplab.learning import FictitiousPlay, replicator_trajectories

pytestmark = pytest.mark.peers

TIMEPOINTS = np.linspace(0, 10, 1000)  # Nashpy's default


@pytest.fixture(scope="module")
def nashpy():
    return pytest.importorskip("nashpy", minversion="0.0.41")


def _cyclic(n):
    """Rock-paper-scissors of n (odd) actions: i beats the (n-1)/2 actions after it."""
    d = (np.arange(n)[None, :] - np.arange(n)[:, None]) % n
    return np.where(d == 0, 0.0, np.where(d <= (n - 1) // 2, 1.0, -1.0))


def _reference(rhs, y0):
    sol = scipy.integrate.solve_ivp(
        lambda _t, y: rhs(y), (0, 10), y0, method="DOP853", rtol=1e-13, atol=1e-15,
        dense_output=True,
    )  # fmt: skip
    return sol.sol(TIMEPOINTS).T


@pytest.mark.parametrize("method", ["dop853", "dopri5"])
@pytest.mark.parametrize("kind", ["random", "cyclic"])
def test_replicator_matches_nashpy_and_is_at_least_as_accurate(nashpy, kind, method):
    rng = np.random.default_rng(7)
    a = rng.random((10, 10)) if kind == "random" else _cyclic(11)
    starts = rng.dirichlet(np.ones(a.shape[0]), size=6)
    ours = replicator_trajectories(a, starts, TIMEPOINTS, method=method)
    game = nashpy.Game(a)
    theirs = np.stack([game.replicator_dynamics(y, TIMEPOINTS) for y in starts], axis=1)
    # Two integrators of the same ODE: they agree to about Nashpy's own error (~1e-7).
    assert np.abs(ours - theirs).max() < 1e-6
    ref = np.stack([_reference(lambda x: x * (a @ x - x @ a @ x), y) for y in starts[:3]], axis=1)
    our_err = np.abs(ours[:, :3] - ref).max()
    their_err = np.abs(theirs[:, :3] - ref).max()
    assert our_err < 2e-8, our_err
    assert our_err <= their_err, (our_err, their_err)


def test_two_population_replicator_matches_nashpy(nashpy):
    rng = np.random.default_rng(8)
    a, b = rng.random((10, 12)), rng.random((10, 12))
    x0 = rng.dirichlet(np.ones(10), size=4)
    y0 = rng.dirichlet(np.ones(12), size=4)
    xs, ys = replicator_trajectories(a, (x0, y0), TIMEPOINTS, B=b, method="dop853")
    game = nashpy.Game(a, b)
    for k in range(4):
        tx, ty = game.asymmetric_replicator_dynamics(x0[k], y0[k], TIMEPOINTS)
        assert np.abs(xs[:, k] - tx).max() < 1e-6
        assert np.abs(ys[:, k] - ty).max() < 1e-6


@pytest.mark.parametrize("n", [10, 50])
def test_fictitious_play_counts_equal_nashpys(nashpy, n):
    # Random payoffs: best responses are unique at every step (no ties), so play is
    # deterministic and both must count exactly the same actions.
    rng = np.random.default_rng(n)
    a, b = rng.random((n, n)), rng.random((n, n))
    first = (3, 5)
    counts = [np.eye(n)[first[0]], np.eye(n)[first[1]]]
    *_, theirs = nashpy.Game(a, b).fictitious_play(iterations=1000, play_counts=counts)
    fp = FictitiousPlay(NormalFormGame.from_bimatrix(a, b), initial=first, rng=0).run(1000)
    for h, t in zip(fp.histories(), theirs, strict=True):
        np.testing.assert_array_equal(h.sum(axis=0), t)
