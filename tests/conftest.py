"""Shared test configuration: the Hypothesis profiles.

``dev`` is fast for local runs; ``ci`` runs more examples, derandomized and
without deadlines, so a CI run is reproducible and never flaky on a busy
machine. ``ci`` is loaded whenever ``CI`` is set in the environment;
otherwise ``HYPOTHESIS_PROFILE`` names the profile (default ``dev``).
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("dev", max_examples=50)
settings.register_profile("ci", max_examples=200, derandomize=True, deadline=None, print_blob=True)

settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))
