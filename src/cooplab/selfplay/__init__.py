"""Self-play in two-player zero-sum perfect-information games (the note's section 3.2).

- :mod:`cooplab.selfplay.alphabeta`: exact search (negamax, alpha-beta,
  transposition table);
- :mod:`cooplab.selfplay.mcts`: UCT and PUCT over many trees at once;
- :mod:`cooplab.selfplay.agents`: players with one ``act`` interface;
- :mod:`cooplab.selfplay.arena`: matches between agents and Elo ratings.
- :mod:`cooplab.selfplay.alphazero`: AlphaZero self-play training, checkpoints,
  resume, the network as an agent (torch, imported inside functions);
  :mod:`cooplab.selfplay.network` (the residual policy-value network and board
  symmetries; imports torch) and :mod:`cooplab.selfplay.replay` (the replay
  buffer).
"""
