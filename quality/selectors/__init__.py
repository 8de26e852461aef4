"""Quality management's selectors, one module per part (orders, bulletins, audits, surveys, kpis)."""
