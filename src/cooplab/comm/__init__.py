"""Emergent communication (section 4 of the note): signaling games, learners, and measures.

- :mod:`cooplab.comm.lewis`: the Lewis signaling game, Roth–Erev and replicator learners
  batched over runs, and the classification of where they end (signaling system or pooling);
- :mod:`cooplab.comm.measures`: communication success, topographic similarity, posdis,
  bosdis, message entropy and the lexicon of an emerged language (numpy/scipy only);
- :mod:`cooplab.comm.referential`: the referential game over attribute-value objects with
  GRU agents trained by REINFORCE or Gumbel-Softmax (needs torch, the ``learn`` extra);
  imported on demand, never from here.
"""

from cooplab.comm.lewis import (
    KINDS,
    PARTIAL_POOLING,
    POOLING,
    SIGNALING_SYSTEM,
    UNSETTLED,
    LewisGame,
    Replicator,
    RothErev,
    SignalingOutcome,
    classify,
    equilibrium_regret,
    expected_success,
    skewed_prior,
)
from cooplab.comm.measures import (
    bag_of_symbols_disentanglement,
    communication_success,
    edit_distance,
    format_lexicon,
    lexicon,
    message_entropy,
    positional_disentanglement,
    topographic_similarity,
)

__all__ = [
    "KINDS",
    "PARTIAL_POOLING",
    "POOLING",
    "SIGNALING_SYSTEM",
    "UNSETTLED",
    "LewisGame",
    "Replicator",
    "RothErev",
    "SignalingOutcome",
    "bag_of_symbols_disentanglement",
    "classify",
    "communication_success",
    "edit_distance",
    "equilibrium_regret",
    "expected_success",
    "format_lexicon",
    "lexicon",
    "message_entropy",
    "positional_disentanglement",
    "skewed_prior",
    "topographic_similarity",
]
