"""Self-play in two-player zero-sum perfect-information games (the note's section 3.2).

- :mod:`cooplab.selfplay.alphabeta`: exact search (negamax, alpha-beta,
  transposition table);
- :mod:`cooplab.selfplay.mcts`: UCT and PUCT over many trees at once;
- :mod:`cooplab.selfplay.agents`: players with one ``act`` interface;
- :mod:`cooplab.selfplay.arena`: matches between agents and Elo ratings.
"""
