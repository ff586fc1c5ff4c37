"""One-time form tokens: a form that books money or moves a state is acted on once per render.

Each rendered form carries a token signed for the signed-in user (`{% form_token %}`, no
database write). Posting it records the token in `SubmissionToken`, whose unique column lets
exactly one of two posts of the same form through, however close together: the second insert
waits for the first transaction and then fails. The token is recorded in the same transaction
as the view's service call, so a crash leaves the form usable; the second post books nothing
and is sent to the page the first one led to.
"""

import secrets
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .models import SubmissionToken

FIELD_NAME = "form_token"
SALT = "dealerhub.form-token"
# A form left open longer than this is refused and must be reloaded; recorded tokens older than
# this can therefore be pruned (`submission_tokens_prune`).
MAX_AGE_SECONDS = 2 * 24 * 3600


def issue_token(user) -> str:
    """A fresh token for one rendering of one form, valid for `user` only."""
    return signing.dumps({"u": user.pk, "n": secrets.token_urlsafe(18)}, salt=SALT, compress=True)


def _nonce(request) -> str | None:
    """The token's random part if the post carries a valid token of the signed-in user."""
    raw = request.POST.get(FIELD_NAME, "")
    if not raw or not request.user.is_authenticated:
        return None
    try:
        payload = signing.loads(raw, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("u") != request.user.pk:
        return None
    return str(payload.get("n") or "") or None


def _safe_back(request) -> str:
    """Where to send a refused post: the page the form was on, if it is ours."""
    target = request.headers.get("referer", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


def once_per_form(view):
    """Let a POST through once per rendered form; GET and HEAD pass untouched.

    The view runs in one transaction with the token's record, and the page its answer
    redirects to is kept with the token, so a repeated post lands where the first one did.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        nonce = _nonce(request)
        if nonce is None:
            messages.error(
                request,
                _("This form has expired or was not sent from its page; reload it and try again."),
            )
            return redirect(_safe_back(request))
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = SubmissionToken.objects.create(
                        token=nonce, user=request.user, path=request.path[:200]
                    )
            except IntegrityError:
                record = None
            if record is None:
                first = SubmissionToken.objects.filter(token=nonce).first()
                messages.warning(
                    request,
                    _("This form was already submitted; nothing was done a second time."),
                )
                return redirect((first and first.result_url) or _safe_back(request))
            response = view(request, *args, **kwargs)
            location = response.get("Location", "") if response.status_code in (301, 302) else ""
            if location:
                record.result_url = location[:300]
                record.save(update_fields=["result_url"])
            return response

    return wrapped
