"""What the service desk registers with lower apps (cases.hooks): new Returns join their customer's record."""

from __future__ import annotations


def register() -> None:
    from cases import hooks
    from servicedesk.services import customer_join_returns

    hooks.register_returns_logged(customer_join_returns)
