"""What happened to each input row in a measure: counted, excluded by a clause, or ignored."""

from __future__ import annotations

import enum

__all__ = ["RowStatus"]


class RowStatus(enum.IntEnum):
    """The fate of one input event in one measure, with the category it reconciles to."""

    COUNTED = 0
    EXCLUDED = 1
    OUTSIDE_WINDOW = 2
    BELOW_MINIMUM = 3
    OUTSIDE_PERIOD = 4
    NOT_COVERED = 5
    NOT_USED = 6
    MAINTENANCE_EXCLUDED = 7
    MAINTENANCE_PARTLY_EXCLUDED = 8
    MAINTENANCE_NOTICE_TOO_SHORT = 9
    MAINTENANCE_ALLOWANCE_USED = 10
    BELOW_BUCKET_RULE = 11
    STATE_NOT_COUNTED = 12
    DEPLOYMENT_USED = 13
    COMPONENTS_NOT_DOWN = 14

    @property
    def category(self) -> str:
        """``"counted"``, ``"excluded"`` or ``"ignored"``: the three ways an event reconciles."""
        if self in (RowStatus.COUNTED, RowStatus.DEPLOYMENT_USED):
            return "counted"
        if self in (
            RowStatus.EXCLUDED,
            RowStatus.MAINTENANCE_EXCLUDED,
            RowStatus.MAINTENANCE_PARTLY_EXCLUDED,
        ):
            return "excluded"
        return "ignored"
