"""What batch recalls 整款退货 add to logging a Return, registered with ``cases.hooks`` in ``RecallsConfig.ready()``:
a unit logged against a recall must be one the store was notified of, of the recalled style, while the recall
collects (``cases.services.return_log`` calls the check)."""

from __future__ import annotations

from cases.hooks import register_recall_check
from recalls.services import recall_return_problems


def register() -> None:
    register_recall_check(recall_return_problems)
