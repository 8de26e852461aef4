"""``/api/v1/chargebacks/``: the chargeback statements."""
