"""Compiled kernels (numba) for the gridworld games: the numpy rules, fused per environment.

The numpy code of :mod:`cooplab.envs.ssd.grid` and the games' modules steps a batch with a few dozen whole-array operations, each of which walks
arrays of ``B x N x cells``; most of a step's time goes into building those
large temporaries. The kernels here do the same work one environment at a
time in plain loops, compiled by numba, on a few hundred bytes of scratch:

- :func:`observe`: render the cell codes of one environment (map, resources,
  beams, bodies) and copy each agent's rotated window and the global state out
  of them as one-hot rows (every game);
- :func:`harvest_step` and :func:`cleanup_step`: one step of Harvest (moves,
  turns, pick-ups, beams, tag-outs and returns, regrowth) and of Cleanup (the
  same, with cleaning, apple growth and waste), built from shared per-environment
  pieces (``_move``, ``_fire``, ``_come_back``); Gathering and Wolfpack step
  with numpy and observe with :func:`observe`.

They follow the numpy code rule for rule, draw the same counter-based
random numbers (:func:`cooplab.envs.base.counter_uniform`, recomputed here for
the cells and bodies that need one), and round rewards the same way, so an
environment gives the same numbers with either engine; the tests compare
them step by step (``tests/envs/test_ssd_compiled.py``).

numba is optional (the ``fast`` extra): :func:`available` says whether it
imports, and the games fall back to numpy without it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

try:  # pragma: no cover - exercised by whichever engine is installed
    import numba

    _njit: Any = numba.njit(cache=True, nogil=True)
except ImportError:  # pragma: no cover
    numba = None
    _njit = None

__all__ = ["available", "stream_constant"]

_MASK = 0xFFFFFFFFFFFFFFFF


def available() -> bool:
    """Whether numba imports (the compiled engine can run)."""
    return numba is not None


def stream_constant(stream: int) -> np.uint64:
    """The per-stream constant of :func:`cooplab.envs.base.counter_uniform`."""
    return np.uint64((stream * 0x94D049BB133111EB + 1) & _MASK)


if numba is not None:
    _GOLDEN = np.uint64(0x9E3779B97F4A7C15)
    _M1 = np.uint64(0xBF58476D1CE4E5B9)
    _M2 = np.uint64(0x94D049BB133111EB)
    _S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
    _TWO53 = 1.0 / 9007199254740992.0

    @_njit
    def _mix(z):  # type: ignore[no-untyped-def]
        z = (z ^ (z >> _S30)) * _M1
        z = (z ^ (z >> _S27)) * _M2
        return z ^ (z >> _S31)

    @_njit
    def _base(key, episode, t, const):  # type: ignore[no-untyped-def]
        """The per-environment base of ``counter_uniform`` for one step and stream."""
        return _mix(key ^ _mix(episode * _M1 + np.uint64(t) * _GOLDEN + const))

    @_njit
    def _uniform(base, j):  # type: ignore[no-untyped-def]
        """Number ``j`` (0-based) of the stream whose base is ``base``."""
        bits = _mix(base + np.uint64(j + 1) * _GOLDEN)
        return np.float64(bits >> _S11) * _TWO53

    @_njit
    def uniform_table(keys, episode, t, const, n):  # type: ignore[no-untyped-def]
        """``counter_uniform(keys, episode, t, stream, n)`` (for the tests)."""
        out = np.empty((keys.shape[0], n), np.float64)
        for e in range(keys.shape[0]):
            b = _base(keys[e], episode[e], t[e], const)
            for j in range(n):
                out[e, j] = _uniform(b, j)
        return out

    @_njit
    def _rows(dst, at, table, cells, grid, m):  # type: ignore[no-untyped-def]
        """Copy the table row of the code at each of ``cells`` of ``grid`` to ``dst``
        from ``at`` on, ``m`` units each (the common widths unrolled: a call per
        cell would cost more than the copy)."""
        if m == 1:
            for v in range(cells.shape[0]):
                dst[at + v] = table[grid[cells[v]], 0]
        elif m == 3:
            for v in range(cells.shape[0]):
                c = grid[cells[v]]
                dst[at + 3 * v] = table[c, 0]
                dst[at + 3 * v + 1] = table[c, 1]
                dst[at + 3 * v + 2] = table[c, 2]
        else:
            for v in range(cells.shape[0]):
                c = grid[cells[v]]
                for x in range(m):
                    dst[at + m * v + x] = table[c, x]

    @_njit
    def observe(  # type: ignore[no-untyped-def]
        rows,
        base,
        layer_cells,
        layer_codes,
        beam,
        clean_beam,
        pos,
        ori,
        timeout,
        n_agents,
        view_off,
        interior,
        table,
        codes,
        obs,
        state,
    ):
        """Observations and states of environments ``rows``.

        ``table`` holds each cell code's one-hot row (and an all-zero row for
        an absent agent's view) as ``m`` opaque units (a 16-, 8- or 4-byte
        type), and ``obs`` (``K * n * V * m``) and ``state`` (``K * H * W * m``)
        are flat views, in those units, of ``(K, n, rows, columns, C)`` and
        ``(K, H, W, C)`` float32: a cell is copied as one to three moves, not
        ``C`` stores. ``codes`` holds the (agent, prey, beam, cleaning beam,
        absent) codes. The grid is painted as :meth:`GridEnv.render_codes`
        does: the map, the resource layers, the beams, the cleaning beams, then
        the bodies.
        """
        agent, prey, beam_code, clean_code = codes[0], codes[1], codes[2], codes[3]
        absent = codes[4]
        g = base.shape[0]
        n_layer = layer_cells.shape[0]
        n_bodies = pos.shape[1]
        n_view = view_off.shape[1]
        n_cells = interior.shape[0]
        m = table.shape[1]
        grid = np.empty(g, np.uint8)
        cells = np.empty(n_view, np.int64)
        for k in range(rows.shape[0]):
            e = rows[k]
            grid[:] = base
            for r in range(n_layer):
                grid[layer_cells[r]] = layer_codes[k, r]
            for i in range(beam.shape[1]):
                for q in range(beam.shape[2]):
                    if beam[e, i, q] >= 0:
                        grid[beam[e, i, q]] = beam_code
            for i in range(clean_beam.shape[1]):
                for q in range(clean_beam.shape[2]):
                    if clean_beam[e, i, q] >= 0:
                        grid[clean_beam[e, i, q]] = clean_code
            for j in range(n_bodies):
                if timeout[e, j] == 0:
                    grid[pos[e, j]] = agent if j < n_agents else prey
            for i in range(n_agents):
                at = (k * n_agents + i) * n_view * m
                if timeout[e, i] != 0:
                    for v in range(n_view * m):
                        obs[at + v] = table[absent, v % m]
                    continue
                p = pos[e, i]
                off = view_off[ori[e, i]]
                if m == 1:  # four channels: one 16-byte move a cell
                    for v in range(n_view):
                        obs[at + v] = table[grid[p + off[v]], 0]
                else:
                    for v in range(n_view):
                        cells[v] = p + off[v]
                    _rows(obs, at, table, cells, grid, m)
            _rows(state, k * n_cells * m, table, interior, grid, m)

    @_njit
    def _resolve(pos_e, new, present, prio, swap, moving, back):  # type: ignore[no-untyped-def]
        """:func:`cooplab.envs.ssd.grid.resolve_moves` for one environment, in place on ``new``."""
        n = new.shape[0]
        for i in range(n):
            swap[i] = False
            for j in range(n):
                if j != i and present[j] and new[i] == pos_e[j] and new[j] == pos_e[i]:
                    swap[i] = True
        for _ in range(n + 1):
            any_moving = False
            for i in range(n):
                moving[i] = new[i] != pos_e[i]
                any_moving |= moving[i]
            if not any_moving:
                break
            any_back = False
            for i in range(n):
                lose = False
                if moving[i]:
                    for j in range(n):
                        if (
                            j != i
                            and present[j]
                            and new[i] == new[j]
                            and (not moving[j] or prio[j] > prio[i])
                        ):
                            lose = True
                            break
                back[i] = moving[i] and (lose or swap[i])
                any_back |= back[i]
            if not any_back:
                break
            for i in range(n):
                if back[i]:
                    new[i] = pos_e[i]
                    swap[i] = False

    @_njit
    def _move(  # type: ignore[no-untyped-def]
        e, actions, pos, ori, timeout, key, ep, te, wall, move, turn, const, w, f
    ):
        """Presence, effective actions, moves and turns of environment ``e`` (steps 1-2).

        ``w`` is the per-body scratch ``(3, n_bodies)`` int64 (rows: action,
        new cell, hit count) and ``f`` the ``(6, n_bodies)`` bool one (present,
        swap, moving, back, returning, tagged).
        """
        n_bodies = pos.shape[1]
        n_agents = actions.shape[1]
        present, a, new = f[0], w[0], w[1]
        prio = np.empty(n_bodies, np.float64)
        b0 = _base(key, ep, te, const)
        for j in range(n_bodies):
            present[j] = timeout[e, j] == 0
            a[j] = actions[e, j] if (j < n_agents and present[j]) else 0
            prio[j] = _uniform(b0, j)
            p = pos[e, j] + move[a[j], ori[e, j]]
            new[j] = pos[e, j] if wall[p] else p
        _resolve(pos[e], new, present, prio, f[1], f[2], f[3])
        for j in range(n_bodies):
            pos[e, j] = new[j]
            ori[e, j] = (ori[e, j] + turn[a[j]]) % 4

    @_njit
    def _fire(  # type: ignore[no-untyped-def]
        e,
        w,
        f,
        pos,
        ori,
        hits,
        wall,
        beam_off,
        n_lanes,
        can_fire,
        fire_cost,
        hit_penalty,
        hits_to_tag,
        tag_out_time,
        reward,
        beam,
        fired,
    ):
        """The firing beams of environment ``e`` (step 4): cells, hits, fines, tags."""
        present, a, hit_count, tag = f[0], w[0], w[2], f[5]
        n_bodies = pos.shape[1]
        n_agents = reward.shape[1]
        n_beam = beam_off.shape[1]
        length = n_beam // n_lanes
        for j in range(n_bodies):
            hit_count[j] = 0
            tag[j] = False
        any_fired = False
        for i in range(n_agents):
            fired[e, i] = can_fire and a[i] == 7 and present[i]
            any_fired |= fired[e, i]
            for m in range(n_beam):
                beam[e, i, m] = -1
            if fired[e, i]:
                o = ori[e, i]
                for lane in range(n_lanes):
                    for k in range(length):
                        c = pos[e, i] + beam_off[o, lane * length + k]
                        if wall[c]:
                            break
                        beam[e, i, lane * length + k] = c
        if not any_fired:
            return
        for j in range(n_bodies):
            if not present[j]:
                continue
            for i in range(n_agents):
                if i == j or not fired[e, i]:
                    continue
                for m in range(n_beam):
                    if beam[e, i, m] == pos[e, j]:
                        hit_count[j] += 1
                        break
        # rounded as numpy does: float64 arithmetic, stored as float32
        for i in range(n_agents):
            r = np.float64(reward[e, i]) - fire_cost * np.float64(fired[e, i])
            reward[e, i] = np.float32(r)
            r = np.float64(reward[e, i]) - hit_penalty * np.float64(hit_count[i])
            reward[e, i] = np.float32(r)
        if tag_out_time > 0:
            for j in range(n_bodies):
                hits[e, j] += hit_count[j]
                if hits[e, j] >= hits_to_tag:
                    tag[j] = True
                    hits[e, j] = 0

    @_njit
    def _come_back(  # type: ignore[no-untyped-def]
        e,
        w,
        f,
        pos,
        ori,
        timeout,
        key,
        ep,
        te,
        spawn_cells,
        tag_out_time,
        spawn_consts,
        ori_consts,
        hit,
        tagged,
        out,
    ):
        """Tag-outs and returns of environment ``e``; the step's events."""
        present, returning, hit_count, tag = f[0], f[4], w[2], f[5]
        n_bodies = pos.shape[1]
        n_agents = hit.shape[1]
        n_spawn = spawn_cells.shape[0]
        for j in range(n_bodies):
            returning[j] = False
            if not present[j]:
                timeout[e, j] -= 1
                returning[j] = timeout[e, j] == 0
        for j in range(n_bodies):
            if tag[j]:
                timeout[e, j] = tag_out_time
        for j in range(n_bodies):
            if not returning[j]:
                continue
            bs = _base(key, ep, te, spawn_consts[j])
            n_free = 0
            for s in range(n_spawn):
                n_free += _spawn_free(e, j, s, pos, timeout, spawn_cells)
            best, best_s = -2.0, 0
            for s in range(n_spawn):
                u = _uniform(bs, s)
                free = n_free == 0 or _spawn_free(e, j, s, pos, timeout, spawn_cells)
                score = u + 1.0 if free else u - 1.0
                if score > best:  # the first of equal scores, as argmax
                    best, best_s = score, s
            pos[e, j] = spawn_cells[best_s]
            ori[e, j] = np.int64(np.floor(_uniform(_base(key, ep, te, ori_consts[j]), 0) * 4))
        for i in range(n_agents):
            hit[e, i] = hit_count[i]
            tagged[e, i] = tag[i]
            out[e, i] = not present[i]

    @_njit
    def _spawn_free(e, j, s, pos, timeout, spawn_cells):  # type: ignore[no-untyped-def]
        """No present body other than ``j`` stands on spawn point ``s``."""
        for b in range(pos.shape[1]):
            if b != j and timeout[e, b] == 0 and pos[e, b] == spawn_cells[s]:
                return False
        return True

    @_njit
    def _eat(e, f, pos, apple_index, apples, reward, ate):  # type: ignore[no-untyped-def]
        """Pick-ups of environment ``e`` (step 3); returns how many apples were eaten."""
        present = f[0]
        eaten = 0
        for i in range(reward.shape[1]):
            reward[e, i] = np.float32(0.0)
            ate[e, i] = 0
            q = apple_index[pos[e, i]]
            if q >= 0 and present[i] and apples[e, q]:
                apples[e, q] = False
                ate[e, i] = 1
                reward[e, i] = np.float32(1.0)
                eaten += 1
        return eaten

    @_njit
    def _occupy(e, pos, timeout, apple_index, occupied):  # type: ignore[no-untyped-def]
        """Apple points a present body stands on (after the returns)."""
        occupied[:] = False
        for j in range(pos.shape[1]):
            if timeout[e, j] == 0:
                q = apple_index[pos[e, j]]
                if q >= 0:
                    occupied[q] = True

    @_njit
    def harvest_step(  # type: ignore[no-untyped-def]
        actions,
        pos,
        ori,
        timeout,
        hits,
        apples,
        counts,
        keys,
        episode,
        t,
        wall,
        move,
        turn,
        beam_off,
        n_lanes,
        can_fire,
        apple_index,
        nb,
        probs,
        spawn_cells,
        fire_cost,
        hit_penalty,
        hits_to_tag,
        tag_out_time,
        consts,
        spawn_consts,
        ori_consts,
        reward,
        beam,
        fired,
        hit,
        tagged,
        out,
        ate,
    ):
        """One Harvest step of every environment, in place (see ``GridEnv._step``).

        ``consts`` holds the stream constants of the move priority (stream 0)
        and the regrowth draws (stream 1); ``spawn_consts[j]`` and
        ``ori_consts[j]`` those of body ``j``'s return (streams ``200 + j``
        and ``300 + j``).
        """
        n_envs, n_bodies = pos.shape
        n_points = apples.shape[1]
        top = probs.shape[0] - 1
        w = np.zeros((3, n_bodies), np.int64)
        f = np.zeros((6, n_bodies), np.bool_)
        occupied = np.empty(n_points, np.bool_)
        grown = np.empty(n_points, np.int64)
        for e in range(n_envs):
            key, ep, te = keys[e], episode[e], t[e]
            _move(e, actions, pos, ori, timeout, key, ep, te, wall, move, turn, consts[0], w, f)
            if _eat(e, f, pos, apple_index, apples, reward, ate):
                for i in range(reward.shape[1]):
                    if ate[e, i]:
                        q = apple_index[pos[e, i]]
                        for m in range(nb.shape[1]):
                            counts[e, nb[q, m]] -= 1
            _fire(
                e, w, f, pos, ori, hits, wall, beam_off, n_lanes, can_fire, fire_cost,
                hit_penalty, hits_to_tag, tag_out_time, reward, beam, fired,
            )  # fmt: skip
            _come_back(
                e, w, f, pos, ori, timeout, key, ep, te, spawn_cells, tag_out_time,
                spawn_consts, ori_consts, hit, tagged, out,
            )  # fmt: skip
            # 5. regrowth, decided on the counts before any apple of this step grows
            _occupy(e, pos, timeout, apple_index, occupied)
            bg = _base(key, ep, te, consts[1])
            n_grown = 0
            for q in range(n_points):
                if apples[e, q] or occupied[q]:
                    continue
                c = counts[e, q]
                prob = probs[c if c < top else top]
                if prob > 0.0 and _uniform(bg, q) < prob:
                    grown[n_grown] = q
                    n_grown += 1
            for m in range(n_grown):
                q = grown[m]
                apples[e, q] = True
                for k in range(nb.shape[1]):
                    counts[e, nb[q, k]] += 1

    @_njit
    def cleanup_step(  # type: ignore[no-untyped-def]
        actions,
        pos,
        ori,
        timeout,
        hits,
        apples,
        waste,
        keys,
        episode,
        t,
        wall,
        move,
        turn,
        beam_off,
        n_lanes,
        apple_index,
        river_index,
        spawn_cells,
        fire_cost,
        hit_penalty,
        hits_to_tag,
        tag_out_time,
        depletion,
        restoration,
        apple_respawn,
        waste_spawn,
        consts,
        spawn_consts,
        ori_consts,
        reward,
        beam,
        clean_beam,
        fired,
        hit,
        tagged,
        out,
        ate,
        cleaned,
    ):
        """One Cleanup step of every environment, in place (see ``Cleanup``).

        ``consts`` holds the stream constants of streams 0-3 (move priority,
        apple growth, whether waste spawns, where).
        """
        n_envs, n_bodies = pos.shape
        n_agents = actions.shape[1]
        n_points = apples.shape[1]
        n_river = waste.shape[1]
        n_beam = beam_off.shape[1]
        length = n_beam // n_lanes
        w = np.zeros((3, n_bodies), np.int64)
        f = np.zeros((6, n_bodies), np.bool_)
        occupied = np.empty(n_points, np.bool_)
        to_clean = np.empty(n_agents * n_lanes, np.int64)
        span = depletion - restoration
        for e in range(n_envs):
            key, ep, te = keys[e], episode[e], t[e]
            _move(e, actions, pos, ori, timeout, key, ep, te, wall, move, turn, consts[0], w, f)
            _eat(e, f, pos, apple_index, apples, reward, ate)
            _fire(
                e, w, f, pos, ori, hits, wall, beam_off, n_lanes, True, fire_cost,
                hit_penalty, hits_to_tag, tag_out_time, reward, beam, fired,
            )  # fmt: skip
            # 5. cleaning: each lane stops at (and cleans) its first waste cell,
            # judged on the waste before anyone cleans this step
            present, a = f[0], w[0]
            n_clean = 0
            for i in range(n_agents):
                cleaned[e, i] = 0
                for m in range(n_beam):
                    clean_beam[e, i, m] = -1
                if not (a[i] == 8 and present[i]):
                    continue
                o = ori[e, i]
                for lane in range(n_lanes):
                    for k in range(length):
                        c = pos[e, i] + beam_off[o, lane * length + k]
                        if wall[c]:
                            break
                        clean_beam[e, i, lane * length + k] = c
                        r = river_index[c]
                        if r >= 0 and waste[e, r]:
                            to_clean[n_clean] = r
                            n_clean += 1
                            cleaned[e, i] += 1
                            break
            for m in range(n_clean):
                waste[e, to_clean[m]] = False
            _come_back(
                e, w, f, pos, ori, timeout, key, ep, te, spawn_cells, tag_out_time,
                spawn_consts, ori_consts, hit, tagged, out,
            )  # fmt: skip
            # 6. growth and waste, from the density after the cleaning
            dirty = 0
            for r in range(n_river):
                dirty += waste[e, r]
            d = np.float64(dirty) / n_river
            if d >= depletion:
                apple_p, waste_p = 0.0, 0.0
            elif d <= restoration:
                apple_p, waste_p = apple_respawn, waste_spawn
            else:
                apple_p, waste_p = (1 - (d - restoration) / span) * apple_respawn, waste_spawn
            _occupy(e, pos, timeout, apple_index, occupied)
            if apple_p > 0.0:
                bg = _base(key, ep, te, consts[1])
                for q in range(n_points):
                    if not apples[e, q] and not occupied[q] and _uniform(bg, q) < apple_p:
                        apples[e, q] = True
            free = n_river - dirty
            if free > 0:
                u1 = _uniform(_base(key, ep, te, consts[2]), 0)
                if u1 < 1.0 - (1.0 - waste_p) ** np.float64(free):
                    b3 = _base(key, ep, te, consts[3])
                    best, where = -1.0, 0
                    for r in range(n_river):
                        score = _uniform(b3, r) + 1.0 if not waste[e, r] else 0.0
                        if score > best:  # the first of equal scores, as argmax
                            best, where = score, r
                    waste[e, where] = True
