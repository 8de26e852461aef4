"""Pages of the month end, one module per document: write-off lists and loss reports, chargebacks, report runs."""
