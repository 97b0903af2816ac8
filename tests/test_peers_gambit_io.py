"""Gambit ``.nfg`` files cross-checked against Gambit itself (``pygambit``, the ``bench`` extra).

* Files cooplab writes, in both versions, are read by ``pygambit.read_nfg``
  with the same title, player and strategy names and exactly the same payoffs.
* Files Gambit writes (``Game.to_nfg``), and the ``.nfg`` files of Gambit's
  own catalogue shipped in the pygambit package, are read by cooplab with the
  same names and payoffs.
* Files Gambit refuses, cooplab refuses; number forms Gambit accepts, cooplab
  reads to the same value.
"""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from cooplab.equilibria.result import as_fraction
from cooplab.games import NormalFormGame
from cooplab.games.gambit_io import NfgFormatError, parse_nfg, read_nfg, write_nfg

pytestmark = pytest.mark.peers
gbt = pytest.importorskip("pygambit")

# Names with quotes, braces, commas, punctuation and a backslash before an
# ordinary letter: all survive Gambit's reader. What does not: a backslash
# before a quote, another backslash or the end of a name (Gambit 16 reads the
# ``\\`` its own writer produces as three backslashes), and, since pygambit
# 16.7, any label (player, strategy, outcome) that is not printable ASCII with
# single spaces inside, and a title that is not ASCII.
NAMES = ['say "hi"', "{braces}", "a, b", "x~!@#$%^&*()", "[1/2]", "\\alpha", "x y", "C", "D", "E"]


def _random_game(seed: int, n_players: int) -> NormalFormGame:
    rng = np.random.default_rng(seed)
    shape = tuple(int(a) for a in rng.integers(1, 4, size=n_players))
    numerators = rng.integers(-20, 21, size=(n_players, *shape))
    denominators = rng.choice([1, 1, 1, 2, 3, 7], size=(n_players, *shape))
    payoffs = numerators / denominators
    names = list(rng.permutation(NAMES))
    players = [f"{names[i]} {i}" for i in range(n_players)]
    actions = [[f"{names[k]}{i}" for k in range(a)] for i, a in enumerate(shape)]
    return NormalFormGame(
        payoffs, player_names=players, action_names=actions, name=f'game "{seed}" \\beta'
    )


def _gambit_labels(game):
    players = list(game.players)
    return (
        tuple(p.label for p in players),
        tuple(tuple(s.label for s in p.strategies) for p in players),
    )


def _gambit_payoffs(game) -> list[np.ndarray]:
    """Gambit's payoffs as exact fractions, one array per player.

    Looked up contingency by contingency: pygambit 16's ``Game.to_arrays``
    fails on the null outcome (outcome 0), which has no payoffs to read.
    """
    players = list(game.players)
    shape = tuple(len(p.strategies) for p in players)
    tables = [np.zeros(shape, dtype=object) for _ in players]
    for k in np.ndindex(*shape):
        outcome = game[k]
        for i, player in enumerate(players):
            tables[i][k] = Fraction(0) if outcome is None else Fraction(outcome[player])
    return tables


GAMES = [(seed, n) for n in (1, 2, 3) for seed in range(4)]


@pytest.mark.parametrize("version", ["payoff", "outcome"])
@pytest.mark.parametrize(("seed", "n_players"), GAMES)
def test_gambit_reads_what_cooplab_writes(tmp_path, seed, n_players, version):
    g = _random_game(seed, n_players)
    path = tmp_path / "game.nfg"
    write_nfg(g, path, version=version)
    h = gbt.read_nfg(str(path))
    assert h.title == g.name
    assert _gambit_labels(h) == (g.player_names, g.action_names)
    for i, table in enumerate(_gambit_payoffs(h)):
        assert table.shape == g.n_actions
        for k in np.ndindex(*g.n_actions):
            # Gambit holds the exact fraction written; it is the float's simple fraction.
            assert table[k] == as_fraction(g.payoffs[(i, *k)])


@pytest.mark.parametrize(("seed", "n_players"), GAMES)
def test_cooplab_reads_what_gambit_writes(seed, n_players):
    rng = np.random.default_rng(100 + seed)
    shape = tuple(int(a) for a in rng.integers(1, 4, size=n_players))
    tables = [
        np.vectorize(lambda p, q: Fraction(int(p), int(q)), otypes=[object])(
            rng.integers(-50, 51, size=shape), rng.choice([1, 2, 3, 10], size=shape)
        )
        for _ in range(n_players)
    ]
    h = gbt.Game.from_arrays(*tables, title=f"from pygambit {seed}")
    for i, player in enumerate(h.players):
        player.label = f"Player {i} {NAMES[i]}"
        for k, strategy in enumerate(player.strategies):
            strategy.label = f"s{k} {NAMES[k]}"
    g = parse_nfg(h.to_nfg(), source="pygambit")
    assert g.name == h.title
    assert (g.player_names, g.action_names) == _gambit_labels(h)
    expected = np.stack([np.vectorize(float)(t) for t in tables])
    np.testing.assert_array_equal(g.payoffs, expected)
    # And back: the game cooplab writes is the one Gambit wrote.
    again = gbt.read_nfg(io.StringIO(write_nfg(g)))
    for a, b in zip(_gambit_payoffs(again), tables, strict=True):
        assert (a == b).all()


def _catalog_files() -> list[Path]:
    root = Path(gbt.__file__).parent / "catalog_data"
    return sorted(root.rglob("*.nfg")) if root.is_dir() else []


@pytest.mark.parametrize("path", _catalog_files() or [None], ids=lambda p: p and p.stem)
def test_gambit_catalog_files(path):
    if path is None:
        pytest.skip("this pygambit ships no .nfg catalogue files")
    g = read_nfg(path)
    h = gbt.read_nfg(str(path))
    assert g.name == h.title
    assert (g.player_names, g.action_names) == _gambit_labels(h)
    for i, table in enumerate(_gambit_payoffs(h)):
        np.testing.assert_array_equal(g.payoffs[i], np.vectorize(float)(table))


@pytest.mark.parametrize(
    "text",
    [
        # Gambit's documentation sample, payoff version (e02.nfg).
        'NFG 1 R "Selten (IJGT, 75), Figure 2, normal form"\n{ "Player 1" "Player 2" } { 3 2 }\n'
        "1 1 0 2 0 2 1 1 0 3 2 0",
        # Number forms, a comment, and a decimal (D) file.
        'NFG 1 D "forms" { "A" "B" } { 2 2 } "comment" 1/3 -.5 1e3 1.5E-2 2/4 0.1 7 -8',
        # Outcomes with and without commas, the null outcome, a trailing comma.
        'NFG 1 R "o" { "A" "B" } { { "x" "y" } { "z" } } { { "a" 1, 2, } { "b" 3 4 } } 2 0',
        # Empty and repeated names, which Gambit makes distinct.
        'NFG 1 R "" { "" "" } { { "x" "x" "x_1" } { "" "y" } } 1 2 3 4 5 6 7 8 9 10 11 12',
        # Escaped quotes and a backslash before a letter.
        'NFG 1 R "t \\"q\\" \\n" { "P\\"" } { { "\\alpha" } } 5',
    ],
    ids=["e02", "numbers", "outcomes", "names", "escapes"],
)
def test_same_reading_as_gambit(text):
    g = parse_nfg(text)
    h = gbt.read_nfg(io.StringIO(text))
    assert g.name == h.title
    assert (g.player_names, g.action_names) == _gambit_labels(h)
    tables = _gambit_payoffs(h)
    for i, table in enumerate(tables):
        np.testing.assert_array_equal(g.payoffs[i], np.vectorize(float)(table))


@pytest.mark.parametrize(
    "text",
    [
        'NFG 1 R "x" { "A" "B" } { 2 2 } 1 2 3 4 5 6 7',
        'NFG 1 R "x" { "A" "B" } { 2 2 } 1 2 3 4 5 6 7 8 9',
        'NFG 1 R "x" { "A" "B" } { 2 2 } 1, 2 3 4 5 6 7 8',
        'NFG 1 R "x" { "A" "B" } { 2 2 } 1 2 3 4 5 6 7 1/0',
        'NFG 1 R "x" { "A" "B" } { 2 2 } 1 2 3 4 5 6 7 x',
        'NFG 2 R "x" { "A" "B" } { 2 2 } 1 2 3 4 5 6 7 8',
        'NFG 1 Q "x" { "A" "B" } { 2 2 } 1 2 3 4 5 6 7 8',
        'NFG 1 R { "A" "B" } { 2 2 } 1 2 3 4 5 6 7 8',
        'NFG 1 R "x" { "A" "B" } { 2 2 } { { "" 1 2 } } 1 1 1',
        'NFG 1 R "x" { "A" "B" } { 2 2 } { { "" 1 2 3 } } 1 1 1 1',
        'NFG 1 R "x" { "A" "B" } { 2 2 } { { 1 2 } } 1 1 1 1',
        'NFG 1 R "x" { "A" "B" } { 2 2 } { { "" 1 2 } } 1 1 1 1 1',
        'NFG 1 R "x" { "A" "B" } { 2 2 } { { "" 1 2 } } 1 1 1 2',
        'NFG 1 R "x { "A" "B" } { 2 2 } 1 2 3 4 5 6 7 8',
    ],
)
def test_gambit_and_cooplab_refuse_the_same_files(text):
    with pytest.raises((ValueError, IndexError)):
        gbt.read_nfg(io.StringIO(text))
    with pytest.raises(NfgFormatError):
        parse_nfg(text)
