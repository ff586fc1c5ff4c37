"""Who is calling: the Bearer token, checked once per request, and its rate of requests.

A token is good while it is neither revoked nor expired, its dealer is active and the person
who created it is still active and a manager of that dealer (or a superuser): a manager who
leaves takes their tokens' rights with them. A read token may only read."""

import threading
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from inventory.models import Membership, Role

from .errors import ApiProblem
from .models import PREFIX_LENGTH, ApiToken

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# A token's last use is written at most this often, not on every request.
LAST_USED_EVERY = timedelta(minutes=1)
_RESOLVED = "_dealerhub_api_token"


def _bearer_key(request) -> str | None:
    scheme, _space, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        return None
    return key.strip()


def _lookup(key: str) -> ApiToken | None:
    """The token whose key this is, with its dealer and creator, in one query."""
    if len(key) < PREFIX_LENGTH or len(key) > 100:
        return None
    creator_manages = Membership.objects.filter(
        user=OuterRef("created_by"), dealer=OuterRef("dealer"), role=Role.MANAGER
    )
    token = (
        ApiToken.objects.select_related("dealer", "created_by")
        .annotate(creator_manages=Exists(creator_manages))
        .filter(prefix=key[:PREFIX_LENGTH])
        .first()
    )
    if token is None or not token.matches(key):
        return None
    return token


def _check(request, token: ApiToken | None) -> ApiToken:
    if token is None:
        raise ApiProblem(401, _("Send a valid API token: Authorization: Bearer dh_…"))
    now = timezone.now()
    if token.revoked_at is not None:
        raise ApiProblem(401, _("This API token was revoked."))
    if token.expires_at is not None and token.expires_at <= now:
        raise ApiProblem(401, _("This API token has expired."))
    creator = token.created_by
    if (
        not token.dealer.is_active
        or not creator.is_active
        or not (creator.is_superuser or token.creator_manages)
    ):
        raise ApiProblem(
            401, _("This API token no longer works: its dealer or its creator's role changed.")
        )
    if request.method not in SAFE_METHODS and not token.can_write:
        raise ApiProblem(403, _("This API token may only read."))
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def resolve_token(request) -> ApiToken:
    """The request's token, checked once per request however often it is asked for;
    ApiProblem (401 or 403) when it may not make this request."""
    if not hasattr(request, _RESOLVED):
        try:
            key = _bearer_key(request)
            setattr(request, _RESOLVED, _check(request, _lookup(key) if key else None))
        except ApiProblem as problem:
            setattr(request, _RESOLVED, problem)
    resolved = getattr(request, _RESOLVED)
    if isinstance(resolved, ApiProblem):
        raise resolved
    return resolved


class TokenAuth(HttpBearer):
    """`Authorization: Bearer dh_…`: a dealer's API token. No session or cookie is read, so
    no request can be forged from a signed-in browser and CSRF does not arise."""

    def __call__(self, request):
        return resolve_token(request)

    def authenticate(self, request, token):  # pragma: no cover - __call__ does the work
        return resolve_token(request)


class TokenRateThrottle(BaseThrottle):
    """At most API_RATE_LIMIT requests a minute per token, counted in the shared cache (Redis
    in production) in fixed one-minute windows, so every web process counts the same."""

    window = 60

    def __init__(self):
        # Ninja asks wait() right after allow_request(), in the same thread.
        self._local = threading.local()

    def allow_request(self, request) -> bool:
        token = getattr(request, "auth", None)
        if token is None:
            return True
        now = time.time()
        window_start = int(now // self.window) * self.window
        key = f"api:rate:{token.pk}:{window_start}"
        cache.add(key, 0, timeout=self.window + 5)
        try:
            used = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=self.window + 5)
            used = 1
        self._local.wait = window_start + self.window - now
        return used <= settings.API_RATE_LIMIT

    def wait(self):
        return max(1.0, getattr(self._local, "wait", self.window))
