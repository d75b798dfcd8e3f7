"""Hypothesis profiles: `default` keeps `make test` quick; `thorough` (`make fuzz`) digs deeper."""

import os

from hypothesis import settings

settings.register_profile("default", max_examples=40)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
