"""Quality management's forms, one module per part (orders, bulletins, audits, surveys, kpis)."""
