"""API tokens (a dealer's key to the JSON API, kept only as a hash) and the responses kept
for writes sent with an Idempotency-Key."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory.models import Dealer, DealerScopedQuerySet

# "dh_" and eight random characters: shown in lists so a manager can tell keys apart, and the
# column the key is looked up by. The rest of the key is known only to whoever copied it.
KEY_PREFIX = "dh_"
PREFIX_LENGTH = len(KEY_PREFIX) + 8


def new_key() -> str:
    """A fresh key: the prefix, then a 32-byte random secret (256 bits), URL-safe."""
    return KEY_PREFIX + secrets.token_urlsafe(6) + secrets.token_urlsafe(32)


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class TokenScope(models.TextChoices):
    READ = "read", _("Read")
    READ_WRITE = "read_write", _("Read and write")


class ApiTokenQuerySet(DealerScopedQuerySet):
    def usable(self, now=None):
        """Not revoked and not expired."""
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A dealer's key to the JSON API. It sees exactly its dealer and acts as the manager
    who created it; only the SHA-256 of the key is stored, so a key lost is a key replaced."""

    dealer = models.ForeignKey(
        Dealer, on_delete=models.PROTECT, related_name="api_tokens", verbose_name=_("dealer")
    )
    name = models.CharField(
        _("name"), max_length=80, help_text=_("What uses it, such as “DMS nightly sync”.")
    )
    scope = models.CharField(
        _("scope"), max_length=10, choices=TokenScope.choices, default=TokenScope.READ
    )
    prefix = models.CharField(_("key prefix"), max_length=PREFIX_LENGTH, unique=True)
    key_hash = models.CharField(_("key SHA-256"), max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(
        _("expires at"), null=True, blank=True, help_text=_("Empty: until revoked.")
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["dealer", "-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(
                condition=Q(key_hash__regex=r"^[0-9a-f]{64}$"),
                name="api_token_key_is_hashed",
                violation_error_message=_("An API token keeps only the SHA-256 of its key."),
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_by__isnull=False),
                name="api_token_revoked_by_someone",
                violation_error_message=_("A revoked token records who revoked it."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def matches(self, key: str) -> bool:
        """Whether `key` is this token's key, compared in constant time."""
        return hmac.compare_digest(self.key_hash, key_digest(key))

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.READ_WRITE

    def state(self, now=None) -> str:
        now = now or timezone.now()
        if self.revoked_at:
            return _("Revoked")
        if self.expires_at and self.expires_at <= now:
            return _("Expired")
        return _("Active")


# How long the response to a keyed write is kept and replayed.
IDEMPOTENCY_WINDOW = timedelta(days=1)


class IdempotencyRecord(models.Model):
    """The first response to a write sent with an `Idempotency-Key`, replayed for a repeat.

    The unique (token, key) index is what makes one of two simultaneous repeats wait for the
    other and then replay its answer instead of writing twice."""

    token = models.ForeignKey(
        ApiToken, on_delete=models.CASCADE, related_name="+", verbose_name=_("API token")
    )
    key = models.CharField(_("idempotency key"), max_length=255)
    fingerprint = models.CharField(
        _("request SHA-256"), max_length=64, help_text=_("Of the method, path and body.")
    )
    status_code = models.PositiveSmallIntegerField(_("status code"))
    body = models.TextField(_("body"), blank=True)
    location = models.CharField(_("location"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("idempotent response")
        verbose_name_plural = _("idempotent responses")
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="idempotency_key_once"),
        ]

    def __str__(self):
        return f"{self.key} → {self.status_code}"
