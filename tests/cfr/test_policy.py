"""TabularPolicy views and JSON, and invariants of best responses over random policies."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooplab.cfr import TabularPolicy, best_response, expected_values, exploitability, nash_conv
from cooplab.games.extensive_catalog import goofspiel
from cooplab.games.poker import kuhn_poker, leduc_poker

KUHN = kuhn_poker()
LEDUC = leduc_poker()
GOOF = goofspiel(3, imp_info=True)


def random_policy(game, seed: int) -> TabularPolicy:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    w = rng.exponential(size=(game.num_infosets, game.max_actions))
    # Some rows pure, to reach the corners of the simplex.
    pure = rng.random(game.num_infosets) < 0.3
    w[pure] = (w[pure] == w[pure].max(axis=1, keepdims=True)).astype(float)
    return TabularPolicy.from_weights(game, w * game.legal_mask)


@given(st.integers(0, 2**32 - 1), st.sampled_from([KUHN, LEDUC, GOOF]))
def test_random_policies_are_distributions_and_exploitability_nonnegative(seed: int, game) -> None:  # type: ignore[no-untyped-def]
    pol = random_policy(game, seed)
    np.testing.assert_allclose(pol.probs.sum(axis=1), 1.0)
    assert np.all(pol.probs[~game.legal_mask] == 0) and np.all(pol.probs >= 0)
    assert exploitability(game, pol) >= -1e-12
    values = expected_values(game, pol)
    np.testing.assert_allclose(values.sum(), 0.0, atol=1e-12)  # zero-sum games
    for i in range(2):
        br = best_response(game, pol, i)
        assert br.value >= values[i] - 1e-12
        np.testing.assert_allclose(br.on_policy_value, values[i])
        # The pure best response, played, earns exactly its value.
        probs = pol.probs.copy()
        mine = game.infoset_player == i
        probs[mine] = 0.0
        probs[np.flatnonzero(mine), br.actions[mine]] = 1.0
        np.testing.assert_allclose(
            expected_values(game, TabularPolicy(game, probs))[i], br.value, atol=1e-12
        )


def test_json_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    pol = random_policy(LEDUC, 3)
    text = pol.to_json()
    back = TabularPolicy.from_json(LEDUC, text)
    np.testing.assert_allclose(back.probs, pol.probs)
    path = tmp_path / "p.json"
    pol.to_json(str(path))
    np.testing.assert_allclose(TabularPolicy.from_json(LEDUC, str(path)).probs, pol.probs)
    data = json.loads(text)
    assert data["game"] == "leduc_poker" and "0:Ks|" in data["policy"]


def test_table_is_readable() -> None:
    table = TabularPolicy.uniform(KUHN).table()
    lines = table.splitlines()
    assert len(lines) == 12
    assert lines[0].split() == ["0:J|", "pass=0.500", "bet=0.500"]
    assert len(TabularPolicy.uniform(KUHN).table(player=1).splitlines()) == 6
    assert TabularPolicy.uniform(KUHN).action_probabilities("K|pb", 0) == {"pass": 0.5, "bet": 0.5}


def test_bad_policies_are_refused_naming_the_infoset() -> None:
    uni = TabularPolicy.uniform(KUHN).probs.copy()
    with pytest.raises(ValueError, match="shape"):
        TabularPolicy(KUHN, uni[:3])
    bad = uni.copy()
    bad[4] = [0.9, 0.3]
    with pytest.raises(ValueError, match=r"'0:Q\|b'|sums to"):
        TabularPolicy(KUHN, bad)
    bad = uni.copy()
    bad[0, 0] = float("nan")
    with pytest.raises(ValueError, match="not finite"):
        TabularPolicy(KUHN, bad)
    lu = TabularPolicy.uniform(LEDUC).probs.copy()
    row = int(np.flatnonzero(~LEDUC.legal_mask.all(axis=1))[0])
    lu[row] = [0.0, 0.5, 0.5]
    lu[row, ~LEDUC.legal_mask[row]] = 0.5
    with pytest.raises(ValueError, match="illegal action"):
        TabularPolicy(LEDUC, lu)
    d = TabularPolicy.uniform(KUHN).to_dict()
    del d["policy"]["1:K|b"]
    with pytest.raises(ValueError, match="lacks 1 information set"):
        TabularPolicy.from_dict(KUHN, d)
    d = TabularPolicy.uniform(KUHN).to_dict()
    d["policy"]["0:J|"] = {"raise": 1.0}
    with pytest.raises(ValueError, match="no action 'raise'"):
        TabularPolicy.from_dict(KUHN, d)
    with pytest.raises(ValueError, match="malformed"):
        TabularPolicy.from_json(KUHN, "{not json")
    with pytest.raises(TypeError, match="ExtensiveGame"):
        TabularPolicy("kuhn", uni)  # type: ignore[arg-type]


def test_policy_of_another_game_is_refused() -> None:
    with pytest.raises(ValueError, match="not 'leduc_poker'"):
        nash_conv(LEDUC, TabularPolicy.uniform(KUHN))
