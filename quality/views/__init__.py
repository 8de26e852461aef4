"""Quality management's views, one module per part (orders, bulletins, audits, surveys, kpis)."""
