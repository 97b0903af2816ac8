"""Counterfactual regret minimisation over compiled extensive-form games.

References
----------
Zinkevich, M., Johanson, M., Bowling, M. & Piccione, C. (2007). Regret
minimization in games with incomplete information. NIPS 20.
"""

__all__: list[str] = []
