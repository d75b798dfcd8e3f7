"""Hypothesis profiles: the default keeps the unit run quick; `thorough` digs deeper."""

import os

from hypothesis import settings

settings.register_profile("thorough", max_examples=3000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
