"""Moved to ``aftersales.periods`` (issue 12): every app reads months, so the core owns them.

Kept only until the last importers outside this app's reach (``recalls``, ``tests/cases``) read
``aftersales.periods``; then this module goes.
"""

from aftersales.periods import *  # noqa: F403
from aftersales.periods import FUTURE_PERIOD_MESSAGE, PERIOD_PATTERN  # noqa: F401
