"""Learning in games (note, section 2.2): each learner's environment is the others' changing policies.

Learners on a :class:`~cooplab.games.NormalFormGame`, each a small class with
``step()`` and ``run(steps)`` and read-only views of its current policies,
its time-averaged policies and its history:

Best-response learners
    :class:`FictitiousPlay` (Brown 1951), :class:`SmoothFictitiousPlay`
    (Fudenberg & Kreps 1993).
Evolutionary dynamics
    :class:`ReplicatorDynamics` (Taylor & Jonker 1978), continuous (an ODE
    solver) or discrete, one population or one per player;
    :func:`replicator_trajectories` integrates many starts at once.
Reinforcement learners
    :class:`QLearning` (independent, Boltzmann or epsilon-greedy exploration).
Gradient learners
    :class:`GradientAscent` (IGA, Singh, Kearns & Mansour 2000; projected for
    more actions, Zinkevich 2003), :class:`WoLFIGA` and :class:`WoLFPHC`
    (Bowling & Veloso 2002).
No-regret learners
    :class:`Hedge` (Freund & Schapire 1997) and :class:`RegretMatching`
    (Hart & Mas-Colell 2000), whose empirical joint play approaches the coarse
    correlated equilibria.

LOLA (Foerster et al. 2018), torch only, imported on demand
    :mod:`cooplab.learning.lola` (:class:`~cooplab.learning.lola.MemoryOneLOLA`:
    naive and LOLA learners with exact values in the iterated prisoner's
    dilemma and matching pennies, opponent modelling) and
    :mod:`cooplab.learning.dice` (LOLA-DiCE from sampled episodes).

Diagnostics (:mod:`cooplab.learning.diagnostics`) measure NashConv and the
distance to the nearest equilibrium along a run and tell cycling from
convergence; :mod:`cooplab.learning.plots` draws trajectories.
"""

from cooplab.learning.base import Learner, LearnerDivergedError
from cooplab.learning.diagnostics import (
    RunDiagnosis,
    classify_run,
    equilibrium_distance_path,
    find_equilibria,
    nash_conv_path,
    running_average,
)
from cooplab.learning.fictitious_play import FictitiousPlay, SmoothFictitiousPlay
from cooplab.learning.gradient import GradientAscent, WoLFIGA, WoLFPHC, project_simplex
from cooplab.learning.learners import (
    LEARNERS,
    LearningSummary,
    make_learner,
    parse_learner_params,
    summarize_run,
)
from cooplab.learning.no_regret import Hedge, RegretMatching
from cooplab.learning.q_learning import QLearning
from cooplab.learning.replicator import ReplicatorDynamics, replicator_trajectories

__all__ = [
    "LEARNERS",
    "FictitiousPlay",
    "GradientAscent",
    "Hedge",
    "Learner",
    "LearnerDivergedError",
    "LearningSummary",
    "QLearning",
    "RegretMatching",
    "ReplicatorDynamics",
    "RunDiagnosis",
    "SmoothFictitiousPlay",
    "WoLFIGA",
    "WoLFPHC",
    "classify_run",
    "equilibrium_distance_path",
    "find_equilibria",
    "make_learner",
    "nash_conv_path",
    "parse_learner_params",
    "project_simplex",
    "replicator_trajectories",
    "running_average",
    "summarize_run",
]
