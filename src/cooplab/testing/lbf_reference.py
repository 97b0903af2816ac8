"""Level-based foraging stepped one environment at a time in plain Python.

A direct, loop-by-loop statement of the ``lbforaging`` package's rules
(version 2.0.0: action validity, simultaneous moves with collisions, loading
groups, normalised shares, the vector observation), written independently of
:class:`cooplab.envs.LevelBasedForaging`'s array code so the two can be
checked against each other (``tests/envs``) and timed against each other
(``benchmarks/envs.py``) where the package itself is not installed. It does
not draw episode starts: :meth:`ReferenceForaging.set_state` takes one.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["ReferenceForaging"]

NONE, NORTH, SOUTH, WEST, EAST, LOAD = range(6)
_MOVES = {NORTH: (-1, 0), SOUTH: (1, 0), WEST: (0, -1), EAST: (0, 1)}


class ReferenceForaging:
    """One level-based foraging game (see the module notes).

    Parameters
    ----------
    rows, cols, sight, max_food, max_episode_steps
        As in :class:`cooplab.envs.LevelBasedForaging`.
    normalize_reward, penalty, observe_agent_levels
        As in ``lbforaging``.
    """

    def __init__(
        self,
        rows: int,
        cols: int,
        sight: int,
        max_food: int,
        max_episode_steps: int = 50,
        *,
        normalize_reward: bool = True,
        penalty: float = 0.0,
        observe_agent_levels: bool = True,
    ) -> None:
        self.rows, self.cols, self.sight, self.max_food = rows, cols, sight, max_food
        self.max_episode_steps = max_episode_steps
        self.normalize_reward = normalize_reward
        self.penalty = penalty
        self.observe_agent_levels = observe_agent_levels
        self.positions: list[tuple[int, int]] = []
        self.levels: list[int] = []
        self.field: list[list[int]] = []
        self.food_spawned = 0
        self.t = 0

    def set_state(
        self,
        positions: Sequence[tuple[int, int]],
        levels: Sequence[int],
        foods: Sequence[tuple[int, int, int]],
        food_spawned: int,
        t: int = 0,
    ) -> None:
        """Players at ``positions`` with ``levels``; ``foods`` as ``(row, col, level)``."""
        self.positions = [(int(r), int(c)) for r, c in positions]
        self.levels = [int(x) for x in levels]
        self.field = [[0] * self.cols for _ in range(self.rows)]
        for r, c, level in foods:
            self.field[r][c] = int(level)
        self.food_spawned = int(food_spawned)
        self.t = t

    # -- rules ----------------------------------------------------------------------------

    def _food_at(self, r: int, c: int) -> int:
        if 0 <= r < self.rows and 0 <= c < self.cols:
            return self.field[r][c]
        return 0

    def valid(self, agent: int) -> list[bool]:
        """Which of the six actions ``agent`` may take now."""
        r, c = self.positions[agent]
        out = [True]
        for action in (NORTH, SOUTH, WEST, EAST):
            dr, dc = _MOVES[action]
            rr, cc = r + dr, c + dc
            on_grid = 0 <= rr < self.rows and 0 <= cc < self.cols
            out.append(on_grid and self.field[rr][cc] == 0)
        near = sum(self._food_at(r + dr, c + dc) for dr, dc in _MOVES.values())
        out.append(near > 0)
        return out

    def step(self, actions: Sequence[int]) -> tuple[list[float], bool, bool]:
        """Play one joint action; returns ``(rewards, terminated, truncated)``."""
        self.t += 1
        n = len(self.positions)
        acts = [a if self.valid(i)[a] else NONE for i, a in enumerate(actions)]
        # Every player names the cell it wants; a cell wanted by several keeps them all out.
        wanted: dict[tuple[int, int], list[int]] = {}
        for i, a in enumerate(acts):
            r, c = self.positions[i]
            if a in _MOVES:
                dr, dc = _MOVES[a]
                r, c = r + dr, c + dc
            wanted.setdefault((r, c), []).append(i)
        for cell, who in wanted.items():
            if len(who) == 1:
                self.positions[who[0]] = cell
        rewards = [0.0] * n
        loaders = [i for i in range(n) if acts[i] == LOAD]
        done_loaders: set[int] = set()
        for i in loaders:
            if i in done_loaders:
                continue
            r, c = self.positions[i]
            food_cell = next(
                (r + dr, c + dc)
                for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1))
                if self._food_at(r + dr, c + dc) > 0
            )
            fr, fc = food_cell
            group = [
                j
                for j in loaders
                if j not in done_loaders
                and abs(self.positions[j][0] - fr) + abs(self.positions[j][1] - fc) == 1
            ]
            done_loaders.update(group)
            total = sum(self.levels[j] for j in group)
            food = self.field[fr][fc]
            if total < food:
                for j in group:
                    rewards[j] -= self.penalty
                continue
            for j in group:
                rewards[j] = float(self.levels[j] * food)
                if self.normalize_reward:
                    rewards[j] /= float(total * self.food_spawned)
            self.field[fr][fc] = 0
        terminated = all(x == 0 for row in self.field for x in row)
        truncated = not terminated and self.t >= self.max_episode_steps
        return rewards, terminated, truncated

    def observe(self, agent: int) -> list[float]:
        """The vector observation of ``agent``: foods it sees, then players."""
        r, c = self.positions[agent]
        s = self.sight
        r0, c0 = max(r - s, 0), max(c - s, 0)
        out: list[float] = []
        for fr in range(r0, min(r + s + 1, self.rows)):
            for fc in range(c0, min(c + s + 1, self.cols)):
                if self.field[fr][fc] > 0:
                    out += [fr - r0, fc - c0, self.field[fr][fc]]
        out += [-1.0, -1.0, 0.0] * (self.max_food - len(out) // 3)
        players = [agent] + [j for j in range(len(self.positions)) if j != agent]
        d = 3 if self.observe_agent_levels else 2
        seen: list[float] = []
        for j in players:
            pr, pc = self.positions[j][0] - r0, self.positions[j][1] - c0
            if min(pr, pc) >= 0 and max(pr, pc) <= 2 * s:
                seen += [pr, pc, self.levels[j]][:d]
        seen += [-1.0, -1.0, 0.0][:d] * (len(self.positions) - len(seen) // d)
        return [float(x) for x in out + seen]
