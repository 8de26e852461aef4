"""Quality management's services, one module per part (orders, bulletins, audits, surveys, kpis)."""
