"""``/api/v1/writeoff-lists/`` and ``/api/v1/loss-reports/``."""
