"""Gambit ``.nfg`` files: hand-written files in both versions, round trips, errors."""

from __future__ import annotations

import io
import pickle
import re
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooplab.games import NormalFormGame, make
from cooplab.games.gambit_io import NfgFormatError, parse_nfg, read_nfg, write_nfg

# The sample file of Gambit's documentation, "The strategic game (.nfg) file
# format, payoff version" (e02.nfg in Gambit's distribution), and the same game
# in the outcome version as the next section of the documentation gives it.
E02_PAYOFF = """NFG 1 R "Selten (IJGT, 75), Figure 2, normal form"
{ "Player 1" "Player 2" } { 3 2 }

1 1 0 2 0 2 1 1 0 3 2 0
"""
E02_OUTCOME = """NFG 1 R "Selten (IJGT, 75), Figure 2, normal form" { "Player 1" "Player 2" }

{
{ "1" "2" "3" }
{ "1" "2" }
}

{
{ "" 1, 1 }
{ "" 0, 2 }
{ "" 0, 2 }
{ "" 1, 1 }
{ "" 0, 3 }
{ "" 2, 0 }
}
1 2 3 4 5 6
"""
# Contingencies run with player 1's strategy fastest: (1,1) (2,1) (3,1) (1,2) ...
E02_A = [[1, 1], [0, 0], [0, 2]]
E02_B = [[1, 1], [2, 3], [2, 0]]

PD_PAYOFF = """NFG 1 R "Prisoner's dilemma" { "Row" "Column" }
{ { "C" "D" } { "C" "D" } }
3 3   5 0   0 5   1 1
"""
PD_OUTCOME = """NFG 1 R "Prisoner's dilemma" { "Row" "Column" }
{ { "C" "D" } { "C" "D" } }
"Axelrod's payoffs: R=3, T=5, S=0, P=1"
{ { "reward" 3, 3 } { "temptation" 5, 0 } { "sucker" 0, 5 } { "punishment" 1, 1 } }
1 2 3 4
"""


def _error(text: str, source: str = "game.nfg") -> NfgFormatError:
    with pytest.raises(NfgFormatError) as info:
        parse_nfg(text, source=source)
    return info.value


# ---------------------------------------------------------------------------
# Reading hand-written files
# ---------------------------------------------------------------------------
def test_gambit_documentation_sample_payoff_version():
    g = parse_nfg(E02_PAYOFF)
    assert g.name == "Selten (IJGT, 75), Figure 2, normal form"
    assert g.player_names == ("Player 1", "Player 2")
    # Strategies given only by counts get Gambit's names "1", "2", ...
    assert g.action_names == (("1", "2", "3"), ("1", "2"))
    np.testing.assert_array_equal(g.payoff_matrix(0), E02_A)
    np.testing.assert_array_equal(g.payoff_matrix(1), E02_B)


def test_gambit_documentation_sample_outcome_version_is_the_same_game():
    assert parse_nfg(E02_OUTCOME) == parse_nfg(E02_PAYOFF)
    assert parse_nfg(E02_OUTCOME).name == parse_nfg(E02_PAYOFF).name


@pytest.mark.parametrize("text", [PD_PAYOFF, PD_OUTCOME])
def test_prisoners_dilemma_both_versions(text):
    g = parse_nfg(text)
    assert g == make("prisoners-dilemma")
    assert g.name == "Prisoner's dilemma"
    assert g.pure_nash_equilibria() == [(1, 1)]


def test_outcome_version_null_outcome_and_commas():
    # Outcome 0 is the null outcome (all zero); commas between payoffs are
    # optional, and one may follow the last payoff, as Gambit's reader allows.
    text = """NFG 1 R "Null outcomes" { "A" "B" } { 2 2 }
    { { "win" 1, -1, } { "lose" -1 1 } }
    1 0
    0 2
    """
    g = parse_nfg(text)
    np.testing.assert_array_equal(g.payoff_matrix(0), [[1, 0], [0, -1]])
    np.testing.assert_array_equal(g.payoff_matrix(1), [[-1, 0], [0, 1]])


def test_outcome_version_with_no_outcomes_is_all_zero():
    g = parse_nfg('NFG 1 R "" { "A" "B" } { 1 2 } { } 0 0')
    np.testing.assert_array_equal(g.payoffs, np.zeros((2, 1, 2)))


def test_three_players_first_player_changes_fastest():
    # Each payoff spells its contingency: player i's payoff at (a, b, c) is
    # 1000 i + 100 a + 10 b + c (strategies from 1).
    shape = (2, 3, 2)
    body = []
    for c in range(1, shape[2] + 1):
        for b in range(1, shape[1] + 1):
            for a in range(1, shape[0] + 1):
                body.extend(1000 * i + 100 * a + 10 * b + c for i in range(1, 4))
    text = 'NFG 1 R "3p" { "P1" "P2" "P3" } { 2 3 2 }\n' + " ".join(map(str, body))
    g = parse_nfg(text)
    assert g.payoffs.shape == (3, 2, 3, 2)
    for i in range(3):
        for a in range(2):
            for b in range(3):
                for c in range(2):
                    expected = 1000 * (i + 1) + 100 * (a + 1) + 10 * (b + 1) + (c + 1)
                    assert g.payoffs[i, a, b, c] == expected
    assert parse_nfg(write_nfg(g, version="outcome")) == g


def test_one_player_game():
    g = parse_nfg('NFG 1 R "solo" { "Me" } { 3 } 1 2 3')
    np.testing.assert_array_equal(g.payoffs, [[1, 2, 3]])
    assert parse_nfg(write_nfg(g)) == g


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("3", 3.0),
        ("-3", -3.0),
        ("+3", 3.0),
        ("1.5", 1.5),
        ("-.5", -0.5),
        (".25", 0.25),
        ("1.", 1.0),
        ("1e3", 1000.0),
        ("1.5E-2", 0.015),
        ("-2e+2", -200.0),
        ("1/3", 1 / 3),
        ("-2/4", -0.5),
        ("0.1", 0.1),
        ("0003", 3.0),
    ],
)
def test_payoff_number_forms(token, value):
    g = parse_nfg(f'NFG 1 R "n" {{ "A" }} {{ 1 }} {token}')
    assert g.payoffs[0, 0] == value


def test_rational_payoff_is_the_nearest_double():
    g = parse_nfg('NFG 1 R "n" { "A" } { 1 } 2/3')
    assert g.payoffs[0, 0] == float(Fraction(2, 3))


def test_decimal_type_d_reads_like_r():
    assert parse_nfg(PD_PAYOFF.replace("NFG 1 R", "NFG 1 D")) == parse_nfg(PD_PAYOFF)


@pytest.mark.parametrize(
    "text",
    [
        'NFG 1 R "Prisoner\'s dilemma" {"Row" "Column"} {{"C" "D"}{"C" "D"}} 3 3 5 0 0 5 1 1',
        'NFG\n1\nR\n"Prisoner\'s dilemma"\n{\n"Row"\n"Column"\n}\n{\n{\n"C"\n"D"\n}\n{\n"C"\n"D"\n}\n}\n'
        "3\n3\n5\n0\n0\n5\n1\n1\n",
        PD_PAYOFF.replace("\n", "\r\n"),
        "\ufeff" + PD_PAYOFF,
        "\t " + PD_PAYOFF.replace(" ", "\t") + "\n\n",
    ],
    ids=["no-spaces", "one-token-a-line", "crlf", "bom", "tabs"],
)
def test_whitespace_is_free_form(text):
    assert parse_nfg(text) == make("prisoners-dilemma")


def test_strings_escapes_newlines_and_comment():
    text = r"""NFG 1 R "a \"quoted\"
two-line title with \alpha and \\ and \q" { "P\"1" "P\\2" } { { "x y" "{}" } { "," } }
"a comment { with braces } 1 2 3 that is ignored"
1 2 3 4
"""
    g = parse_nfg(text)
    assert g.name == 'a "quoted"\ntwo-line title with \\alpha and \\ and \\q'
    assert g.player_names == ('P"1', "P\\2")
    assert g.action_names == (("x y", "{}"), (",",))
    np.testing.assert_array_equal(g.payoffs, [[[1], [3]], [[2], [4]]])


def test_empty_and_repeated_names_are_made_distinct_as_gambit_does():
    text = 'NFG 1 R "" { "" "" } { { "x" "x" "x_1" } { "" "y" } } 1 2 3 4 5 6 7 8 9 10 11 12'
    g = parse_nfg(text)
    assert g.player_names == ("_1", "_2")
    # "x_1" is taken, so the two "x" become "x_2" and "x_3".
    assert g.action_names == (("x_2", "x_3", "x_1"), ("_1", "y"))


# ---------------------------------------------------------------------------
# Files and streams
# ---------------------------------------------------------------------------
def test_read_and_write_paths_and_streams(tmp_path):
    g = make("battle-of-the-sexes")
    path = tmp_path / "bos.nfg"
    text = write_nfg(g, path)
    assert path.read_text(encoding="utf-8") == text
    assert read_nfg(path) == g
    assert read_nfg(str(path)) == g
    with open(path, encoding="utf-8") as f:
        assert read_nfg(f) == g
    with open(path, "rb") as f:
        assert read_nfg(f) == g
    assert read_nfg(io.StringIO(text)) == g
    assert read_nfg(io.BytesIO(text.encode())) == g

    out = io.StringIO()
    assert write_nfg(g, out, version="outcome") == out.getvalue()
    binary = io.BytesIO()
    write_nfg(g, binary)
    assert binary.getvalue().decode() == text


def test_non_ascii_names_utf8_and_latin1(tmp_path):
    g = NormalFormGame(
        [[[1, 2]], [[3, 4]]],
        player_names=["Ana", "Zoë"],
        action_names=[["é"], ["α", "日本"]],
        name="Jeu à deux",
    )
    path = tmp_path / "u.nfg"
    write_nfg(g, path)
    assert read_nfg(path) == g
    # Older files in Latin-1 are not valid UTF-8; they are still read.
    latin = tmp_path / "l.nfg"
    latin.write_bytes('NFG 1 R "Jeu à deux" { "Zoë" } { 1 } 7'.encode("latin-1"))
    h = read_nfg(latin)
    assert (h.name, h.player_names) == ("Jeu à deux", ("Zoë",))


def test_read_errors_name_the_file(tmp_path):
    path = tmp_path / "bad.nfg"
    path.write_text('NFG 1 R "x" { "A" } { 2 }\n1 oops\n')
    with pytest.raises(NfgFormatError, match=re.escape(f"{path}:2:3: ")):
        read_nfg(path)
    with pytest.raises(FileNotFoundError):
        read_nfg(tmp_path / "missing.nfg")
    with pytest.raises(TypeError, match="parse_nfg"):
        read_nfg(42)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------
def test_payoffs_are_written_exactly():
    g = NormalFormGame(
        [[[1 / 3, -2.0], [0.1, 1e-300]], [[1e150, -0.0], [2.5, -7 / 9]]],
        player_names=["A", "B"],
    )
    text = write_nfg(g)
    body = text.split("\n\n", 1)[1].split()
    # 1e150 is an integer-valued float: written as that integer, every digit.
    assert body[:6] == ["1/3", str(int(1e150)), "1/10", "5/2", "-2", "0"]
    # 1e-300 is no simple fraction: its exact binary value is written.
    assert Fraction(body[6]) == Fraction(1e-300)
    assert body[7] == "-7/9"
    h = parse_nfg(text)
    assert h == g
    np.testing.assert_array_equal(h.payoffs, g.payoffs)


def test_outcome_version_shares_outcomes_and_never_writes_the_null_one():
    g = NormalFormGame([[[0, 1], [1, 0]], [[0, 1], [1, 0]]], player_names=["A", "B"])
    text = write_nfg(g, version="outcome")
    outcomes = re.findall(r'\{ "" ([^}]*) \}', text)
    assert outcomes == ["0, 0", "1, 1"]
    assert text.rstrip().splitlines()[-1] == "1 2 2 1"
    assert parse_nfg(text) == g


def test_names_with_quotes_and_backslashes_round_trip():
    names = ['say "hi"', "\\alpha", "ends with \\", 'slash-quote \\"', "two \\\\ slashes"]
    g = NormalFormGame(
        np.zeros((1, len(names))), player_names=["P"], action_names=[names], name='t\\"'
    )
    text = write_nfg(g)
    # A backslash before an ordinary character is left alone (Gambit reads it
    # as written); before a quote, a backslash or the end it is doubled.
    assert '"\\alpha"' in text
    assert '"ends with \\\\"' in text
    h = parse_nfg(text)
    assert h == g
    assert h.name == 't\\"'


def test_write_checks_its_arguments():
    g = make("prisoners-dilemma")
    with pytest.raises(ValueError, match="version must be 'payoff' or 'outcome'"):
        write_nfg(g, version="table")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="NormalFormGame"):
        write_nfg(g.payoffs)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="path or an open file"):
        write_nfg(g, 3)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# Round trips
# ---------------------------------------------------------------------------
_payoff = st.one_of(
    st.integers(-(10**6), 10**6).map(float),
    st.builds(lambda p, q: float(Fraction(p, q)), st.integers(-1000, 1000), st.integers(1, 1000)),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
)
_name = st.text(min_size=1, max_size=8)


@st.composite
def games(draw: st.DrawFn) -> NormalFormGame:
    n = draw(st.integers(1, 3))
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=n, max_size=n)))
    size = n * int(np.prod(shape))
    payoffs = np.array(draw(st.lists(_payoff, min_size=size, max_size=size))).reshape(n, *shape)
    players = draw(st.lists(_name, min_size=n, max_size=n, unique=True))
    actions = [draw(st.lists(_name, min_size=a, max_size=a, unique=True)) for a in shape]
    title = draw(st.text(max_size=20))
    return NormalFormGame(payoffs, player_names=players, action_names=actions, name=title)


@given(games(), st.sampled_from(["payoff", "outcome"]))
def test_round_trip(g, version):
    h = parse_nfg(write_nfg(g, version=version))
    assert h == g
    assert h.name == g.name
    np.testing.assert_array_equal(h.payoffs, g.payoffs)


@given(games(), st.sampled_from(["payoff", "outcome"]), st.data())
def test_damaged_files_raise_only_format_errors(g, version, data):
    """Delete, duplicate or replace a token: a clean parse or an NfgFormatError, nothing else."""
    tokens = re.findall(r'"(?:[^"\\]|\\.)*"|\S+', write_nfg(g, version=version))
    k = data.draw(st.integers(0, len(tokens) - 1))
    edit = data.draw(st.sampled_from(["delete", "duplicate", "replace"]))
    junk = data.draw(st.sampled_from(["{", "}", ",", '""', '"', "x", "-1", "1/0", "nan", "1e999"]))
    if edit == "delete":
        del tokens[k]
    elif edit == "duplicate":
        tokens.insert(k, tokens[k])
    else:
        tokens[k] = junk
    try:
        parse_nfg(" ".join(tokens))
    except NfgFormatError as exc:
        message = str(exc)
    else:
        return
    assert re.match(r"<string>:\d+:\d+: \S", message)


# ---------------------------------------------------------------------------
# Errors: location and message
# ---------------------------------------------------------------------------
HEAD = 'NFG 1 R "g" { "A" "B" } { 2 2 }\n'  # 8 payoffs follow


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("", 1, 1, "empty file: expected a Gambit normal-form game"),
        ("  \n\n ", 1, 1, "empty file"),
        ('EFG 2 R "tree" { "A" }', 1, 1, "extensive-form game (EFG)"),
        ('GAME 1 R "x"', 1, 1, "expected the header 'NFG 1 R'"),
        ('NFG 2 R "x"', 1, 5, "expected version 1 after 'NFG'"),
        ('NFG 1 Q "x"', 1, 7, "expected the number type 'R' (rational) or 'D' (decimal)"),
        ("NFG 1 R title", 1, 9, "expected the game title (a quoted string)"),
        ('NFG 1 R "x" "A" "B"', 1, 13, "expected '{' opening the player list"),
        ('NFG 1 R "x"\n{ "A" B }', 2, 7, "expected a player name (a quoted string) or '}'"),
        ('NFG 1 R "x" { } { }', 1, 15, "the player list is empty"),
        ('NFG 1 R "x" { "A" "B" } 2 2', 1, 25, "expected '{' opening the strategy list"),
        ('NFG 1 R "x" { "A" "B" } { 2 }', 1, 29, "number of strategies of player 2 ('B')"),
        ('NFG 1 R "x" { "A" "B" } { 2 2 3 }', 1, 31, "closing the strategy counts after 2"),
        ('NFG 1 R "x" { "A" "B" } { 2 1.5 }', 1, 29, "a positive integer"),
        ('NFG 1 R "x" { "A" "B" } { 0 2 }', 1, 27, "player 1 ('A') has 0 strategies"),
        ('NFG 1 R "x" { "A" "B" } { { "C" } }', 1, 35, "strategy names of player 2 ('B')"),
        ('NFG 1 R "x" { "A" "B" } { { "C" } { } }', 1, 37, "player 2 ('B') has no strategies"),
        ('NFG 1 R "x" { "A" } { { "C" D } }', 1, 29, "expected a strategy name"),
        ('NFG 1 R "x" { "A" } { { "C" } { "D" } }', 1, 31, "closing the strategy list after"),
        (HEAD, 1, 32, "expected the payoffs (8 numbers for 2 players x 2 x 2 strategies)"),
        (HEAD + '"comment" "second"', 2, 11, "expected the payoffs"),
        (
            HEAD + "1 2 3 4\n5 6 7",
            3,
            6,
            "expected 8 payoffs for 2 players x 2 x 2 strategies, found 7",
        ),
        (HEAD + "1 2 3 4\n5 6 7 8 9", 3, 9, "too many payoffs: expected the end of the file"),
        (HEAD + "1 2 3 4\n5 six 7 8", 3, 3, "expected payoff 6 of 8 (a number such as 3"),
        (HEAD + "1 2 3 4\n5 6 NaN 8", 3, 5, "payoff 7 of 8 must be a finite number, found 'NaN'"),
        (HEAD + "1 2 3 4\n5 6 -inf 8", 3, 5, "must be a finite number, found '-inf'"),
        (HEAD + "1 2 3 4\n5 6 1e999 8", 3, 5, "'1e999' is out of range"),
        (HEAD + "1 2 3 4\n5 6 7 1/0", 3, 7, "'1/0' divides by zero"),
        (HEAD + "1, 2 3 4 5 6 7 8", 2, 2, "separated by spaces, not commas"),
        (HEAD + '1 2 3 "4" 5 6 7 8', 2, 7, "expected payoff 4 of 8, a number"),
        (HEAD + '{ { "o" 1 2 } }\n1 1 1 2', 3, 7, "outcome index 2 is out of range"),
        (HEAD + '{ { "o" 1 2 } }\n1 1 1', 3, 6, "expected 4 outcome indices"),
        (HEAD + '{ { "o" 1 2 } }\n1 1 1 1 1', 3, 9, "too many outcome indices"),
        (HEAD + '{ { "o" 1 2 } }\n1 1 -1 1', 3, 5, "expected outcome index 3 of 4"),
        (HEAD + '{ { "o" 1 } }\n1 1 1 1', 2, 11, "outcome 1 has 1 payoff; expected 2"),
        (HEAD + '{ { "o" 1 2 3 } }\n1 1 1 1', 2, 13, "closing outcome 1 after its 2 payoffs"),
        (HEAD + "{ { 1 2 } }\n1 1 1 1", 2, 5, "expected the name of outcome 1"),
        (HEAD + '{ { "o" 1,, 2 } }\n1 1 1 1', 2, 11, "expected payoff 2 of outcome 1"),
        (HEAD + '{ "o" 1 2 }\n1 1 1 1', 2, 3, "expected '{' opening an outcome"),
        (HEAD + '{ { "o" 1 2 }', 2, 14, "or '}' closing the outcome list, found end of file"),
        ('NFG 1 R "never closed { "A" } { 1 } 1', 1, 27, "unterminated string"),
        (HEAD + '1 2 3 4 5 6 7 8 "', 2, 17, "unterminated string"),
    ],
)
def test_malformed_files(text, line, column, message):
    err = _error(text)
    assert isinstance(err, ValueError)
    assert (err.source, err.line, err.column) == ("game.nfg", line, column)
    assert message in err.reason
    assert str(err) == f"game.nfg:{line}:{column}: {err.reason}"


def test_error_message_shows_what_was_found_and_expected():
    err = _error('NFG 1 R "x" { "A" "B" } { { "C" "D" } { "C" "D" } "E" }')
    assert str(err) == (
        "game.nfg:1:51: expected '}' closing the strategy list after the strategy names of "
        "the 2 players, found '\"E\"'"
    )
    err = _error(HEAD + "1 2 3 4\n5 6 7")
    assert str(err) == "game.nfg:3:6: expected 8 payoffs for 2 players x 2 x 2 strategies, found 7"


def test_huge_strategy_counts_fail_fast_without_allocating():
    err = _error('NFG 1 R "x" { "A" "B" } { 99999999999 99999999999 } 1 2 3')
    assert "found 3" in err.reason


def test_long_tokens_are_shortened_in_messages():
    err = _error(HEAD + "1 2 3 4 5 6 7 " + "9" * 500)
    assert len(str(err)) < 200
    assert "..." in err.reason


def test_format_error_pickles():
    err = _error("")
    copy = pickle.loads(pickle.dumps(err))
    assert isinstance(copy, NfgFormatError)
    assert (str(copy), copy.line, copy.column, copy.source) == (
        str(err),
        err.line,
        err.column,
        err.source,
    )


def test_parse_needs_text():
    with pytest.raises(TypeError, match="str"):
        parse_nfg(b"NFG 1 R")  # type: ignore[arg-type]
