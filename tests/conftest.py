"""Shared test configuration: the Hypothesis profiles.

``dev`` is fast for local runs; ``ci`` runs more examples, derandomized and
without deadlines, so a CI run is reproducible and never flaky on a busy
machine. ``ci`` is loaded whenever ``CI`` is set (to a non-empty value);
otherwise ``HYPOTHESIS_PROFILE`` names the profile (default ``dev``).

Both profiles start from Hypothesis' ``default`` profile, not from whatever
profile Hypothesis chose on its own, so ``CI=true`` and
``HYPOTHESIS_PROFILE=ci`` give exactly the same settings.
"""

from __future__ import annotations

import os

from hypothesis import settings

_base = settings.get_profile("default")
settings.register_profile("dev", parent=_base, max_examples=50)
settings.register_profile(
    "ci", parent=_base, max_examples=200, derandomize=True, deadline=None, print_blob=True
)

settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))
