"""Social outcome metrics of Perolat et al. (2017), batched over episodes.

For ``N`` agents over an episode of ``T`` steps with rewards ``r_i^t`` and
returns ``R_i = sum_t r_i^t`` (Perolat et al. 2017, section 3.1):

- efficiency (utilitarian) ``U = sum_i R_i / T``; :func:`collective_return` is
  ``sum_i R_i`` (Hughes et al. 2018; Jaques et al. 2019);
- equality ``E = 1 - sum_i sum_j |R_i - R_j| / (2 N sum_i R_i)`` (one minus
  the Gini coefficient of the returns);
- sustainability ``S = (1/N) sum_i t_i`` with ``t_i`` the mean step
  (1-based) at which agent ``i`` received a positive reward; a late mean
  means rewards were still coming late in the episode;
- peace ``P = (N T - sum_i sum_t o_i^t) / T``: the mean number of agents not
  tagged out per step (``o_i^t = 1`` while ``i`` is out);

and per-agent beam use (shots fired). Every function takes arrays whose
leading axes are batch axes: ``rewards (..., T, N)``, so a batch of ``B``
episodes gives ``(B,)`` metrics.

>>> import numpy as np
>>> r = np.array([[1.0, 0.0], [0.0, 0.0], [1.0, 1.0]])  # T = 3 steps, N = 2 agents
>>> float(efficiency(r)), float(equality(r.sum(axis=0)))
(1.0, 0.8333333333333334)
>>> float(sustainability(r))  # agent 0 at steps 1 and 3 (mean 2), agent 1 at step 3
2.5
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "SocialOutcomes",
    "beam_use",
    "collective_return",
    "efficiency",
    "equality",
    "gini",
    "peace",
    "social_outcomes",
    "sustainability",
]


def _rewards(rewards: npt.ArrayLike, name: str = "rewards") -> np.ndarray:
    r = np.asarray(rewards, np.float64)
    if r.ndim < 2:
        raise ValueError(f"{name} must have shape (..., T, N); got shape {r.shape}")
    if r.shape[-2] < 1 or r.shape[-1] < 1:
        raise ValueError(f"{name} needs at least one step and one agent; got shape {r.shape}")
    if not np.all(np.isfinite(r)):
        raise ValueError(f"{name} must be finite")
    return r


def collective_return(rewards: npt.ArrayLike) -> np.ndarray:
    """``sum_i R_i``: ``rewards (..., T, N)`` -> ``(...)``."""
    return _rewards(rewards).sum(axis=(-2, -1))


def efficiency(rewards: npt.ArrayLike) -> np.ndarray:
    """Perolat's utilitarian metric ``U = sum_i R_i / T``: ``(..., T, N)`` -> ``(...)``."""
    r = _rewards(rewards)
    return r.sum(axis=(-2, -1)) / r.shape[-2]


def gini(returns: npt.ArrayLike) -> np.ndarray:
    """Gini coefficient ``sum_i sum_j |R_i - R_j| / (2 N sum_i R_i)`` of ``(..., N)`` returns.

    Equal returns give 0 (also all zero); a non-positive total with unequal
    returns has no Gini coefficient: NaN.
    """
    x = np.asarray(returns, np.float64)
    if x.ndim < 1 or x.shape[-1] < 1:
        raise ValueError(f"returns must have shape (..., N) with N >= 1; got {x.shape}")
    n = x.shape[-1]
    diff = np.abs(x[..., :, None] - x[..., None, :]).sum(axis=(-2, -1))
    total = x.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        g = diff / (2 * n * total)
    return np.where(diff == 0, 0.0, np.where(total > 0, g, np.nan))


def equality(returns: npt.ArrayLike) -> np.ndarray:
    """Perolat's equality ``E = 1 - Gini(R)`` of ``(..., N)`` returns."""
    return 1.0 - gini(returns)


def sustainability(rewards: npt.ArrayLike) -> np.ndarray:
    """Perolat's ``S = (1/N) sum_i E[t | r_i^t > 0]`` (steps counted from 1).

    Agents that never got a positive reward are left out of the mean; NaN
    when no agent did.
    """
    r = _rewards(rewards)
    t = np.arange(1, r.shape[-2] + 1, dtype=np.float64)[:, None]
    pos = r > 0
    count = pos.sum(axis=-2)
    some = count > 0
    mean_t = (pos * t).sum(axis=-2) / np.maximum(count, 1)
    k = some.sum(axis=-1)
    total = np.where(some, mean_t, 0.0).sum(axis=-1)
    return np.where(k > 0, total / np.maximum(k, 1), np.nan)


def peace(out: npt.ArrayLike) -> np.ndarray:
    """Perolat's ``P = (N T - sum o_i^t) / T`` from ``out (..., T, N)`` (1 while tagged out)."""
    o = np.asarray(out)
    if o.ndim < 2:
        raise ValueError(f"out must have shape (..., T, N); got shape {o.shape}")
    o = o.astype(np.float64)
    t, n = o.shape[-2], o.shape[-1]
    return (n * t - o.sum(axis=(-2, -1))) / t


def beam_use(fired: npt.ArrayLike) -> np.ndarray:
    """Shots per agent, ``fired (..., T, N)`` -> ``(..., N)``."""
    f = np.asarray(fired)
    if f.ndim < 2:
        raise ValueError(f"fired must have shape (..., T, N); got shape {f.shape}")
    return f.astype(np.int64).sum(axis=-2)


@dataclass(frozen=True)
class SocialOutcomes:
    """Perolat et al.'s (2017) metrics of ``B`` episodes (see the module notes).

    Attributes
    ----------
    returns
        ``(B, N)`` per-agent returns.
    collective_return, efficiency, equality, sustainability, peace
        ``(B,)`` each.
    beam_use
        ``(B, N)`` shots fired per agent.
    steps
        ``T``, the episode length.
    """

    returns: np.ndarray
    collective_return: np.ndarray
    efficiency: np.ndarray
    equality: np.ndarray
    sustainability: np.ndarray
    peace: np.ndarray
    beam_use: np.ndarray
    steps: int

    def mean(self) -> dict[str, float]:
        """Each metric averaged over episodes (NaNs left out); beam use per agent and step."""
        return {
            "collective_return": float(np.nanmean(self.collective_return)),
            "efficiency": float(np.nanmean(self.efficiency)),
            "equality": float(np.nanmean(self.equality))
            if np.isfinite(self.equality).any()
            else float("nan"),
            "sustainability": float(np.nanmean(self.sustainability))
            if np.isfinite(self.sustainability).any()
            else float("nan"),
            "peace": float(np.nanmean(self.peace)),
            "beam_rate": float(self.beam_use.mean() / self.steps),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in asdict(self).items()
        }


def social_outcomes(
    rewards: npt.ArrayLike, out: npt.ArrayLike | None = None, fired: npt.ArrayLike | None = None
) -> SocialOutcomes:
    """All the metrics of episodes ``rewards (B, T, N)`` (``out``, ``fired``: same shape)."""
    r = _rewards(rewards)
    if r.ndim != 3:
        raise ValueError(f"rewards must have shape (B, T, N); got shape {r.shape}")
    o = np.zeros(r.shape, bool) if out is None else np.asarray(out, bool)
    f = np.zeros(r.shape, bool) if fired is None else np.asarray(fired, bool)
    for name, a in (("out", o), ("fired", f)):
        if a.shape != r.shape:
            raise ValueError(f"{name} must have the shape of rewards {r.shape}; got {a.shape}")
    returns = r.sum(axis=1)
    return SocialOutcomes(
        returns=returns,
        collective_return=returns.sum(axis=1),
        efficiency=efficiency(r),
        equality=equality(returns),
        sustainability=sustainability(r),
        peace=peace(o),
        beam_use=beam_use(f),
        steps=int(r.shape[1]),
    )
