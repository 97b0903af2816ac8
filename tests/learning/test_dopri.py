"""The batched Dormand-Prince integrator: SciPy's RK45 step for step, exact solutions, failures."""

import numpy as np
import pytest
import scipy.integrate
from hypothesis import given, settings
from hypothesis import strategies as st

from cooplab.learning import replicator_trajectories
from cooplab.learning.dopri import IntegrationError, dopri5_batch


def _replicator_rhs(a):
    def rhs(x, out):
        np.matmul(x, a.T, out=out)
        out -= np.einsum("kd,kd->k", x, out)[:, None]
        out *= x

    return rhs


def test_one_trajectory_is_scipys_rk45_to_round_off():
    # Same tableau (Dormand & Prince 1980), starting step (Hairer, Nørsett & Wanner 1993,
    # §II.4), error norm and step control as scipy's RK45, and Shampine's (1986) dense
    # output: for K = 1 the two take the same steps, so they agree to round-off, not to
    # the tolerance.
    rng = np.random.default_rng(0)
    a = rng.normal(size=(6, 6))
    x0 = rng.dirichlet(np.ones(6), size=3)
    t = np.linspace(0.0, 7.0, 333)
    for k in range(3):
        sol = scipy.integrate.solve_ivp(
            lambda _t, x: x * (a @ x - x @ a @ x),
            (0.0, 7.0),
            x0[k],
            method="RK45",
            rtol=1e-7,
            atol=1e-9,
            dense_output=True,
        )
        ours = dopri5_batch(_replicator_rhs(a), x0[k : k + 1], t, rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(ours[:, 0], sol.sol(t).T, rtol=0, atol=1e-13)


def test_exact_solutions_of_a_batch_of_rotations():
    # y' = J y with J the rotation generator: y(t) = R(t) y0 exactly, a different
    # radius per trajectory (the step is shared, the error tests are per trajectory).
    def rotate(y, out):
        out[:, 0] = -y[:, 1]
        out[:, 1] = y[:, 0]

    y0 = np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 3.0]])
    t = np.linspace(0.0, 4 * np.pi, 401)
    got = dopri5_batch(rotate, y0, t, rtol=1e-10, atol=1e-12)
    c, s = np.cos(t)[:, None], np.sin(t)[:, None]
    want = np.stack([c * y0[:, 0] - s * y0[:, 1], s * y0[:, 0] + c * y0[:, 1]], axis=-1)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-8)
    assert got.shape == (401, 3, 2)
    np.testing.assert_array_equal(got[0], y0)


def test_output_times_need_not_fall_on_steps_and_can_be_few():
    def decay(y, out):
        np.multiply(y, -2.0, out=out)

    t = np.array([0.0, 0.001, 0.5, 3.0])
    got = dopri5_batch(decay, np.array([[1.0], [5.0]]), t, rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(got[:, :, 0], np.exp(-2 * t)[:, None] * [1.0, 5.0], atol=1e-10)


def test_a_blow_up_raises_integration_error():
    # y' = y^2 from y(0) = 1 is 1 / (1 - t): it leaves every bound before t = 1.
    def square(y, out):
        np.multiply(y, y, out=out)

    with pytest.raises(IntegrationError, match=r"step size|steps"):
        dopri5_batch(square, np.array([[1.0]]), np.array([0.0, 2.0]), rtol=1e-6, atol=1e-9)


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(2, 6),
    k=st.integers(4, 7),
    seed=st.integers(0, 2**31 - 1),
    zero_sum=st.booleans(),
)
def test_batched_replicator_stays_on_the_simplex_and_matches_each_start_alone(n, k, seed, zero_sum):
    # Invariants: shares stay non-negative and sum to one (the dynamics keep the simplex;
    # Runge-Kutta keeps the linear invariant), and integrating a start inside a batch
    # (shared steps, never longer than its own) agrees with integrating it alone.
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(n, n))
    if zero_sum:
        a = a - a.T
    starts = rng.dirichlet(np.ones(n), size=k)
    t = np.linspace(0.0, 5.0, 41)
    batch = replicator_trajectories(a, starts, t, method="dopri5")
    assert batch.shape == (41, k, n)
    assert batch.min() >= 0.0
    np.testing.assert_allclose(batch.sum(axis=-1), 1.0, rtol=0, atol=1e-12)
    for j in (0, k - 1):
        alone = replicator_trajectories(a, starts[j], t, method="dopri5")
        np.testing.assert_allclose(batch[:, j], alone, rtol=0, atol=1e-6)
