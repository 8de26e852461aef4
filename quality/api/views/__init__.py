"""Quality management's API views, one module per part (orders, audits)."""
