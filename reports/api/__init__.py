"""``/api/v1/reports/``: the monthly report runs."""
