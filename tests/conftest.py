import os

from hypothesis import settings

# Fast by default; CI can ask for more examples with HYPOTHESIS_PROFILE=ci.
settings.register_profile("default", max_examples=60, deadline=None)
settings.register_profile("ci", max_examples=200, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
