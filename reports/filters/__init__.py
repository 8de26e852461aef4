"""FilterSets of the month end, one module per document (shared by the list pages and the API)."""
