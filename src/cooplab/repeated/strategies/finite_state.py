"""Finite-state-machine strategies (Miller 1996; Ashlock & Kim 2008).

A machine is given in the usual Mealy form: a first action, a start state, and
for each (state, opponent's last action) the next state and the action to
play. :class:`MealyMachine` plays it; :meth:`~Strategy.as_fsm` converts it to
the engine's Moore form (:meth:`FSM.from_mealy`).
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np

from cooplab.repeated.strategies.base import FSM, History, Meta, Strategy, check_count, variant

__all__ = [
    "Fortress3",
    "Fortress4",
    "MealyMachine",
    "Predator",
    "Pun1",
    "Raider",
    "Ripoff",
    "SolutionB1",
    "SolutionB5",
    "Thumper",
    "UsuallyCooperates",
    "UsuallyDefects",
]

Rows = tuple[tuple[int, str, int, str], ...]


def _parse(rows: Rows) -> dict[tuple[int, int], tuple[int, int]]:
    table: dict[tuple[int, int], tuple[int, int]] = {}
    for row in rows:
        if len(row) != 4:
            raise ValueError(
                f"a transition is (state, opponent action, next state, action); got {row!r}"
            )
        state, opp, nxt, action = row
        if opp not in ("C", "D") or action not in ("C", "D"):
            raise ValueError(f"actions in a transition are 'C' or 'D'; got {row!r}")
        key = (check_count("state", state), "CD".index(opp))
        if key in table:
            raise ValueError(f"two transitions from state {state} on {opp}")
        table[key] = (check_count("next state", nxt), "CD".index(action))
    states = {s for s, _ in table}
    for s in states:
        for o in (0, 1):
            if (s, o) not in table:
                raise ValueError(f"state {s} has no transition on {'CD'[o]}")
    for nxt, _ in table.values():
        if nxt not in states:
            raise ValueError(f"transition to state {nxt}, which has no transitions")
    return table


@dataclass(eq=True)
class MealyMachine(Strategy):
    """A strategy given by a Mealy machine.

    Parameters
    ----------
    transitions : tuple of (state, opponent action, next state, action)
        One row per state and opponent action (``"C"`` or ``"D"``).
    initial_state : int
    initial_action : str
        ``"C"`` or ``"D"``, the first move.
    """

    transitions: Rows = ((1, "C", 1, "C"), (1, "D", 1, "D"))
    initial_state: int = 1
    initial_action: str = "C"

    meta = Meta(
        "finite_state_machine",
        "Finite State Machine",
        math.inf,
        reference="Miller (1996); Ashlock & Kim (2008)",
        tags=frozenset({"finite_state"}),
    )

    def validate(self) -> None:
        self.transitions = tuple(tuple(r) for r in self.transitions)  # type: ignore[misc]
        self._table = _parse(self.transitions)
        if (self.initial_state, 0) not in self._table:
            raise ValueError(f"initial_state {self.initial_state} has no transitions")
        if self.initial_action not in ("C", "D"):
            raise ValueError(f"initial_action must be 'C' or 'D'; got {self.initial_action!r}")

    def _reset(self) -> None:
        self.state = self.initial_state

    def act(self, history: History, rng: np.random.Generator) -> int:
        if not len(history):
            return "CD".index(self.initial_action)
        self.state, action = self._table[(self.state, int(history.opponent[-1]))]
        return action

    def fsm_key(self, history: History) -> Hashable | None:
        return (self.state, int(history.opponent[-1]) if len(history) else -1)

    def as_fsm(self, *, max_states: int = 4096) -> FSM | None:
        return FSM.from_mealy(
            self._table, self.initial_state, "CD".index(self.initial_action)
        ).minimized()


def _machine(
    class_name: str,
    name: str,
    display: str,
    doc: str,
    rows: Rows,
    state: int,
    action: str,
    *,
    reference: str = "Ashlock & Kim (2008)",
    memory_depth: float = math.inf,
) -> type[Strategy]:
    return variant(
        MealyMachine,
        class_name,
        name,
        display,
        doc,
        module=__name__,
        reference=reference,
        memory_depth=memory_depth,
        transitions=rows,
        initial_state=state,
        initial_action=action,
    )


Fortress3 = _machine(
    "Fortress3",
    "fortress3",
    "Fortress3",
    "Defects until the opponent plays D, D, then cooperates while it keeps cooperating (a handshake).",
    (
        (1, "C", 1, "D"),
        (1, "D", 2, "D"),
        (2, "C", 1, "D"),
        (2, "D", 3, "C"),
        (3, "C", 3, "C"),
        (3, "D", 1, "D"),
    ),
    1,
    "D",
    reference="Ashlock (2006)",
    memory_depth=2,
)
Fortress4 = _machine(
    "Fortress4",
    "fortress4",
    "Fortress4",
    "Defects until the opponent plays D, D, D, then cooperates while it keeps cooperating.",
    (
        (1, "C", 1, "D"),
        (1, "D", 2, "D"),
        (2, "C", 1, "D"),
        (2, "D", 3, "D"),
        (3, "C", 1, "D"),
        (3, "D", 4, "C"),
        (4, "C", 4, "C"),
        (4, "D", 1, "D"),
    ),
    1,
    "D",
    reference="Ashlock (2006)",
    memory_depth=3,
)
Predator = _machine(
    "Predator",
    "predator",
    "Predator",
    "A nine-state machine evolved to exploit other machines (Ashlock 2006).",
    (
        (0, "C", 0, "D"),
        (0, "D", 1, "D"),
        (1, "C", 2, "D"),
        (1, "D", 3, "D"),
        (2, "C", 4, "C"),
        (2, "D", 3, "D"),
        (3, "C", 5, "D"),
        (3, "D", 4, "C"),
        (4, "C", 2, "C"),
        (4, "D", 6, "D"),
        (5, "C", 7, "D"),
        (5, "D", 3, "D"),
        (6, "C", 7, "C"),
        (6, "D", 7, "D"),
        (7, "C", 8, "D"),
        (7, "D", 7, "D"),
        (8, "C", 8, "D"),
        (8, "D", 6, "D"),
    ),
    0,
    "C",
    reference="Ashlock (2006)",
)
Pun1 = _machine(
    "Pun1",
    "pun1",
    "Pun1",
    "A two-state machine that alternates between forgiving and punishing (Ashlock & Kim 2008).",
    ((1, "C", 2, "C"), (1, "D", 2, "C"), (2, "C", 1, "C"), (2, "D", 1, "D")),
    1,
    "D",
)
Raider = _machine(
    "Raider",
    "raider",
    "Raider",
    "A four-state machine that defects early and then mirrors (Ashlock et al. 2014).",
    (
        (0, "C", 2, "D"),
        (0, "D", 2, "D"),
        (1, "C", 1, "C"),
        (1, "D", 1, "D"),
        (2, "C", 0, "D"),
        (2, "D", 3, "C"),
        (3, "C", 0, "D"),
        (3, "D", 1, "C"),
    ),
    0,
    "D",
    reference="Ashlock et al. (2014)",
)
Ripoff = _machine(
    "Ripoff",
    "ripoff",
    "Ripoff",
    "Alternates D, C while the opponent cooperates; once it defects, plays tit for tat.",
    (
        (1, "C", 2, "C"),
        (1, "D", 3, "C"),
        (2, "C", 1, "D"),
        (2, "D", 3, "C"),
        (3, "C", 3, "C"),
        (3, "D", 3, "D"),
    ),
    1,
    "D",
    reference="Ashlock (2008)",
    memory_depth=3,
)
UsuallyCooperates = _machine(
    "UsuallyCooperates",
    "usually_cooperates",
    "UsuallyCooperates",
    "Cooperates, except once after an opponent's D followed by its C.",
    ((1, "C", 1, "C"), (1, "D", 2, "C"), (2, "C", 1, "D"), (2, "D", 1, "C")),
    1,
    "C",
    reference="Ashlock & Kim (2008)",
)
UsuallyDefects = _machine(
    "UsuallyDefects",
    "usually_defects",
    "UsuallyDefects",
    "Defects, except once after an opponent's C followed by its D.",
    ((1, "C", 2, "D"), (1, "D", 1, "D"), (2, "C", 1, "D"), (2, "D", 1, "C")),
    1,
    "D",
    reference="Ashlock & Kim (2008)",
)
SolutionB1 = _machine(
    "SolutionB1",
    "solution_b1",
    "SolutionB1",
    "An evolved three-state machine (Ashlock et al. 2015).",
    (
        (1, "C", 2, "D"),
        (1, "D", 1, "D"),
        (2, "C", 2, "C"),
        (2, "D", 3, "C"),
        (3, "C", 3, "C"),
        (3, "D", 3, "C"),
    ),
    1,
    "D",
    reference="Ashlock et al. (2015)",
    memory_depth=2,
)
SolutionB5 = _machine(
    "SolutionB5",
    "solution_b5",
    "SolutionB5",
    "An evolved six-state machine (Ashlock et al. 2015).",
    (
        (1, "C", 2, "C"),
        (1, "D", 6, "D"),
        (2, "C", 2, "C"),
        (2, "D", 3, "D"),
        (3, "C", 6, "C"),
        (3, "D", 1, "D"),
        (4, "C", 3, "C"),
        (4, "D", 6, "D"),
        (5, "C", 5, "D"),
        (5, "D", 4, "D"),
        (6, "C", 3, "C"),
        (6, "D", 5, "D"),
    ),
    1,
    "D",
    reference="Ashlock et al. (2015)",
)
Thumper = _machine(
    "Thumper",
    "thumper",
    "Thumper",
    "A two-state machine that answers a defection with two defections.",
    ((1, "C", 1, "C"), (1, "D", 2, "D"), (2, "C", 1, "D"), (2, "D", 1, "D")),
    1,
    "C",
    reference="Ashlock & Kim (2008)",
)
