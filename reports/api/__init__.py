"""The month end API: write-off lists, loss reports, chargeback statements, report runs."""
