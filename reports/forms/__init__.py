"""Browser forms of the month end, one module per document. Forms only parse input; rules live in the services."""
