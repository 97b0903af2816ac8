"""The batched Runge-Kutta pairs: SciPy's RK45 / DOP853 step for step, exact solutions, failures."""

import numpy as np
import pytest
import scipy.integrate
from hypothesis import given, settings
from hypothesis import strategies as st

from cooplab.learning import replicator_trajectories
from cooplab.learning.dopri import IntegrationError, dopri5_batch, integrate_batch


def _replicator_rhs(a):
    def rhs(x, out):
        np.matmul(x, a.T, out=out)
        out -= np.einsum("kd,kd->k", x, out)[:, None]
        out *= x

    return rhs


@pytest.mark.parametrize(("method", "scipy_method"), [("dopri5", "RK45"), ("dop853", "DOP853")])
def test_one_trajectory_is_scipys_to_round_off(method, scipy_method):
    # Same tableaux (Dormand & Prince 1980; Hairer's DOP853), starting step (Hairer,
    # Nørsett & Wanner 1993, §II.4), error norms, step control and dense output
    # (Shampine 1986; DOP853's 7th-order one) as scipy: for K = 1 they take the same
    # steps, so they agree to round-off, not merely to the tolerance.
    rng = np.random.default_rng(0)
    a = rng.normal(size=(6, 6))
    x0 = rng.dirichlet(np.ones(6), size=3)
    t = np.linspace(0.0, 7.0, 333)
    for k in range(3):
        sol = scipy.integrate.solve_ivp(
            lambda _t, x: x * (a @ x - x @ a @ x),
            (0.0, 7.0),
            x0[k],
            method=scipy_method,
            rtol=1e-7,
            atol=1e-9,
            dense_output=True,
        )
        ours = integrate_batch(
            _replicator_rhs(a), x0[k : k + 1], t, rtol=1e-7, atol=1e-9, method=method
        )
        np.testing.assert_allclose(ours[:, 0], sol.sol(t).T, rtol=0, atol=1e-12)
    # dopri5_batch is the same as method="dopri5".
    if method == "dopri5":
        np.testing.assert_array_equal(
            dopri5_batch(_replicator_rhs(a), x0, t, rtol=1e-7, atol=1e-9),
            integrate_batch(_replicator_rhs(a), x0, t, rtol=1e-7, atol=1e-9, method="dopri5"),
        )


@pytest.mark.parametrize("method", ["dopri5", "dop853"])
def test_exact_solutions_of_a_batch_of_rotations(method):
    # y' = J y with J the rotation generator: y(t) = R(t) y0 exactly, a different
    # radius per trajectory (the step is shared, the error tests are per trajectory).
    def rotate(y, out):
        out[:, 0] = -y[:, 1]
        out[:, 1] = y[:, 0]

    y0 = np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 3.0]])
    t = np.linspace(0.0, 4 * np.pi, 401)
    got = integrate_batch(rotate, y0, t, rtol=1e-10, atol=1e-12, method=method)
    c, s = np.cos(t)[:, None], np.sin(t)[:, None]
    want = np.stack([c * y0[:, 0] - s * y0[:, 1], s * y0[:, 0] + c * y0[:, 1]], axis=-1)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-8)
    assert got.shape == (401, 3, 2)
    np.testing.assert_array_equal(got[0], y0)


@pytest.mark.parametrize("method", ["dopri5", "dop853"])
def test_output_times_need_not_fall_on_steps_and_can_be_few(method):
    def decay(y, out):
        np.multiply(y, -2.0, out=out)

    t = np.array([0.0, 0.001, 0.5, 3.0])
    got = integrate_batch(decay, np.array([[1.0], [5.0]]), t, rtol=1e-11, atol=1e-13, method=method)
    np.testing.assert_allclose(got[:, :, 0], np.exp(-2 * t)[:, None] * [1.0, 5.0], atol=1e-10)


@pytest.mark.parametrize("method", ["dopri5", "dop853"])
def test_a_blow_up_raises_integration_error(method):
    # y' = y^2 from y(0) = 1 is 1 / (1 - t): it leaves every bound before t = 1.
    def square(y, out):
        np.multiply(y, y, out=out)

    with pytest.raises(IntegrationError, match=r"step size|steps"):
        integrate_batch(
            square, np.array([[1.0]]), np.array([0.0, 2.0]), rtol=1e-6, atol=1e-9, method=method
        )
    with pytest.raises(ValueError, match="method"):
        integrate_batch(square, np.array([[1.0]]), np.array([0.0, 1.0]), rtol=1, atol=1, method="x")


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(2, 6),
    k=st.integers(4, 7),
    seed=st.integers(0, 2**31 - 1),
    zero_sum=st.booleans(),
    method=st.sampled_from(["dopri5", "dop853"]),
)
def test_batched_replicator_stays_on_the_simplex_and_matches_each_start_alone(
    n, k, seed, zero_sum, method
):
    # Invariants: shares stay non-negative and sum to one (the dynamics keep the simplex;
    # Runge-Kutta keeps the linear invariant), and integrating a start inside a batch
    # (shared steps, each meeting its own error test) agrees with integrating it alone.
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(n, n))
    if zero_sum:
        a = a - a.T
    starts = rng.dirichlet(np.ones(n), size=k)
    t = np.linspace(0.0, 5.0, 41)
    batch = replicator_trajectories(a, starts, t, method=method)
    assert batch.shape == (41, k, n)
    assert batch.min() >= 0.0
    np.testing.assert_allclose(batch.sum(axis=-1), 1.0, rtol=0, atol=1e-12)
    for j in (0, k - 1):
        alone = replicator_trajectories(a, starts[j], t, method=method)
        np.testing.assert_allclose(batch[:, j], alone, rtol=0, atol=1e-6)


@pytest.mark.parametrize("method", ["dopri5", "dop853"])
def test_shares_driven_below_zero_by_a_loose_tolerance_are_clipped_and_renormalised(method):
    # Action 1 loses 30 payoff units against everything: its share collapses faster than
    # a loose tolerance follows, and the raw Runge-Kutta states dip below zero. The
    # replicator output clips those rows at zero and renormalises them.
    a = np.array([[0.0, 0.0, 0.0], [-30.0, -30.0, -30.0], [1.0, 1.0, 1.0]])
    x0 = np.array([[0.3, 0.4, 0.3]] * 4)
    t = np.linspace(0.0, 5.0, 400)
    raw = integrate_batch(_replicator_rhs(a), x0, t, rtol=1e-3, atol=1e-3, method=method)
    assert raw.min() < 0.0  # the case the clipping is for
    got = replicator_trajectories(a, x0, t, rtol=1e-3, atol=1e-3, method=method)
    assert got.min() == 0.0
    np.testing.assert_allclose(got.sum(axis=-1), 1.0, rtol=0, atol=1e-12)
    # Rows without a negative share are left as integrated (up to round-off, which the
    # replicator's projection of each step onto the simplex changes: it is amplified
    # where the mean payoff is negative, as here).
    untouched = raw.min(axis=-1) >= 0.0
    np.testing.assert_allclose(got[untouched], raw[untouched], rtol=0, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(
    method=st.sampled_from(["dopri5", "dop853"]),
    seed=st.integers(0, 2**31 - 1),
    low=st.sampled_from([-1e-3, -1e-12, 0.0, 1e-15, 1e-9, 1e-3]),
    scale=st.sampled_from([1.0, 1e-8, 1e-14]),
    shift=st.sampled_from([0.0, 1.0, 3.0, 1e3]),
)
def test_nonnegativity_certificate_is_sound_and_accepts_clearly_positive_polynomials(
    method, seed, low, scale, shift
):
    # The certificate (Bernstein coefficients of each component's interpolating
    # polynomial above a round-off margin; Farouki & Rajan 1988) lets integrate_batch
    # skip ``finish``. Sound: whatever it certifies is >= 0 where the output evaluates
    # it (powers of theta in [0, 1] times the monomial coefficients, as integrate_batch
    # writes the output). Not vacuous: Bernstein coefficients all >= 1e-6 of the scale
    # (far above the 1e-13 margin) are certified.
    from cooplab.learning import dopri

    rng = np.random.default_rng(seed)
    pair = dopri._PAIRS[method](lambda y, out: out.fill(0.0), np.zeros((1, 40)))
    degree = pair.coef.shape[0] - 1
    bern = rng.uniform(low, 1.0, size=(degree + 1, 40)) * scale
    bern[:, 0] = 0.0  # a component that is identically zero
    bern[[0, -1], 1] = 0.0  # one that touches zero at both ends
    # Shifted by a constant (every Bernstein coefficient moves with it) the value at
    # theta = 0 outweighs the other terms: the certificate's cheaper first test.
    bern[:, 2:20] += shift * scale
    coef = np.linalg.solve(pair.bernstein, bern)  # monomial coefficients
    theta = np.concatenate([np.linspace(0.0, 1.0, 2001), rng.random(500)])
    powers = theta[:, None] ** np.arange(degree + 1)
    values = powers @ coef
    if pair.certify_nonnegative(coef):
        assert values.min() >= 0.0
    if low >= 1e-6:
        clear = bern.copy()
        clear[:, :2] = scale
        assert pair.certify_nonnegative(np.linalg.solve(pair.bernstein, clear))
    if values.min() < 0.0:
        assert not pair.certify_nonnegative(coef)


@pytest.mark.parametrize("method", ["dopri5", "dop853"])
def test_skipping_finish_on_certified_steps_changes_nothing(method):
    # Replicator dynamics where one share collapses (the raw states dip below zero at a
    # loose tolerance: those steps are not certified and get ``finish``) and others not.
    a = np.array([[0.0, 0.0, 0.0], [-30.0, -30.0, -30.0], [1.0, 1.0, 1.0]])
    x0 = np.array([[0.3, 0.4, 0.3], [0.2, 0.1, 0.7], [0.5, 0.0, 0.5]])
    t = np.linspace(0.0, 5.0, 400)
    calls = []

    def finish(block):
        calls.append(block.shape[0])
        rows = (block < 0.0).any(axis=-1)
        fixed = np.maximum(block[rows], 0.0)
        block[rows] = fixed / fixed.sum(axis=-1, keepdims=True)

    for rtol, atol in ((1e-3, 1e-3), (1e-8, 1e-10)):
        args = (_replicator_rhs(a), x0, t)
        kw = {"rtol": rtol, "atol": atol, "method": method, "finish": finish}
        every = integrate_batch(*args, **kw)
        n_every = sum(calls)
        calls.clear()
        skipped = integrate_batch(*args, skip_nonnegative=True, **kw)
        np.testing.assert_array_equal(skipped, every)
        assert n_every == 400 and sum(calls) < 400  # some steps were certified
        calls.clear()


@pytest.mark.parametrize("method", ["dopri5", "dop853"])
def test_nonnegativity_certificate_at_the_edge(method):
    # 1 - c theta^p on [0, 1] has its minimum 1 - c at theta = 1: certified for c a
    # little below 1 (the value at 0 outweighs the rest), never for c above 1, however
    # little. And 1 - 3 theta + 3 theta^2 = (1 - theta)^3 + theta^3 (Bernstein
    # coefficients 1, 0, 0, 1 in degree 3; minimum 1/4 at theta = 1/2), which the
    # first test cannot certify (1 < 3 + 3) but the Bernstein coefficients can, once
    # shifted above the margin; shifted below zero at theta = 1/2 it is not certified.
    from cooplab.learning import dopri

    pair = dopri._PAIRS[method](lambda y, out: out.fill(0.0), np.zeros((1, 3)))
    degree = pair.coef.shape[0] - 1
    for p in (1, degree):
        for c, certified in ((1 - 1e-6, True), (1 + 1e-6, False), (1 + 1e-12, False)):
            coef = np.zeros((degree + 1, 3))
            coef[0] = 1.0
            coef[p] = [-c, -0.5, 0.0]
            assert pair.certify_nonnegative(coef) is certified, (p, c)
    coef = np.zeros((degree + 1, 3))
    coef[:3] = np.array([1.0 + 1e-9, -3.0, 3.0])[:, None]
    assert pair.certify_nonnegative(coef)
    coef[0] -= 0.25 + 2e-9  # now negative at theta = 1/2
    assert not pair.certify_nonnegative(coef)
