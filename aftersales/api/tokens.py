"""API tokens (django-rest-knox): a password change revokes every token of the user.

A token is a login on one device; changing the password (by the user, in the admin, or ``changepassword``) is
the moment to throw every one of them away, as Django already does for the other sessions. The client logs in
again with the new password and gets a new token (rotation). Connected in ``AftersalesConfig.ready``.
"""

from __future__ import annotations


def revoke_tokens_on_password_change(sender, instance, update_fields=None, **kwargs) -> None:
    """``pre_save`` of the user model: when the stored password hash changes, delete the user's tokens."""
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    before = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    if before is not None and before != instance.password:
        from knox.models import get_token_model

        get_token_model().objects.filter(user_id=instance.pk).delete()
