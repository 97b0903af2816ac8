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

Diagnostics (:mod:`cooplab.learning.diagnostics`) measure NashConv and the
distance to the nearest equilibrium along a run and tell cycling from
convergence; :mod:`cooplab.learning.plots` draws trajectories.
"""

__all__: list[str] = []
