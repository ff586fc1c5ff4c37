"""API token writes: a manager creates one for a dealer they manage, and revokes it."""

from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.models import Dealer

from .models import PREFIX_LENGTH, ApiToken, TokenScope, key_digest, new_key


def may_manage_tokens(user, dealer) -> bool:
    """Superusers, and the managers of `dealer`."""
    if user is None or not user.is_active:
        return False
    return user.is_superuser or Dealer.objects.managed_by(user).filter(pk=dealer.pk).exists()


@transaction.atomic
def api_token_create(
    *,
    dealer: Dealer,
    name: str,
    scope: str = TokenScope.READ,
    expires_at: datetime | None = None,
    by: User,
) -> tuple[ApiToken, str]:
    """A new token and its key. The key is returned this once and stored only as a hash."""
    if not may_manage_tokens(by, dealer):
        raise ValidationError(
            {
                "dealer": _("Only a manager of %(dealer)s can create its API tokens.")
                % {"dealer": dealer.name}
            },
            code="not_a_manager",
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError(
            {"expires_at": _("The expiry must be in the future.")}, code="expired"
        )
    for _attempt in range(3):
        key = new_key()
        token = ApiToken(
            dealer=dealer,
            name=name.strip(),
            scope=scope,
            prefix=key[:PREFIX_LENGTH],
            key_hash=key_digest(key),
            created_by=by,
            expires_at=expires_at,
        )
        token.full_clean(exclude=["prefix"])
        try:
            with transaction.atomic():
                token.save()
        except IntegrityError:
            continue  # two keys with the same eight characters: draw again
        return token, key
    raise RuntimeError("could not draw a key with a prefix of its own")


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Revoke a token at once; its next request is refused. Revoking twice changes nothing."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        return locked
    if not may_manage_tokens(by, locked.dealer):
        raise ValidationError(
            _("Only a manager of %(dealer)s can revoke its API tokens.")
            % {"dealer": locked.dealer.name},
            code="not_a_manager",
        )
    locked.revoked_at = timezone.now()
    locked.revoked_by = by
    locked.save(update_fields=["revoked_at", "revoked_by"])
    return locked
