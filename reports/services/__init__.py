"""Services of the month end, one module per document: writeoffs, chargebacks, runs (monthly reports)."""
