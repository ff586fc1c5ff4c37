"""Writes sent with an `Idempotency-Key` header happen once: the first successful response
(status and body) is kept for a day per token and key, and a repeat with the same method, path
and body gets it again without writing anything.

The record is inserted in the same transaction as the write, before it: a repeat sent while
the first is still running waits on the unique index, then replays what the first answered
(or, if the first failed and rolled back, goes ahead itself). Only successful responses are
kept; a refused write may be sent again once its problem is fixed."""

import hashlib
from functools import wraps

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .auth import resolve_token
from .errors import ApiProblem, problem_response
from .models import IDEMPOTENCY_WINDOW, IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255


def fingerprint(request) -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.get_full_path()):
        digest.update(part.encode())
        digest.update(b"\n")
    digest.update(request.body)
    return digest.hexdigest()


def _replay(record: IdempotencyRecord, request_fingerprint: str):
    if record.fingerprint != request_fingerprint:
        return problem_response(
            422,
            _("This Idempotency-Key was already used for a different request."),
            [{"field": HEADER, "message": _("Use a new key for a new request.")}],
        )
    response = HttpResponse(record.body, status=record.status_code, content_type="application/json")
    if record.location:
        response["Location"] = record.location
    response[REPLAYED_HEADER] = "true"
    return response


def _key_problem(key: str) -> str | None:
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable() or not key.isascii():
        return _("Send at most %(limit)s printable ASCII characters.") % {"limit": MAX_KEY_LENGTH}
    return None


def idempotent(run):
    """Wrap an operation's `run` (through ninja's `decorate_view`) so that a keyed write
    happens at most once per token and key."""

    @wraps(run)
    def guarded(request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return run(request, *args, **kwargs)
        try:
            token = resolve_token(request)
        except ApiProblem:
            return run(request, *args, **kwargs)  # which answers the token's problem
        problem = _key_problem(key)
        if problem:
            return problem_response(
                422,
                _("The request was refused; each error names its field."),
                [{"field": HEADER, "message": problem}],
            )
        request_fingerprint = fingerprint(request)
        cutoff = timezone.now() - IDEMPOTENCY_WINDOW
        existing = IdempotencyRecord.objects.filter(
            token=token, key=key, created_at__gt=cutoff
        ).first()
        if existing is not None:
            return _replay(existing, request_fingerprint)
        # Expired keys of this token go now, so that one can be used again.
        IdempotencyRecord.objects.filter(token=token, created_at__lte=cutoff).delete()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    token=token, key=key, fingerprint=request_fingerprint, status_code=0
                )
                response = run(request, *args, **kwargs)
                if 200 <= response.status_code < 300:
                    record.status_code = response.status_code
                    record.body = response.content.decode()
                    record.location = response.get("Location", "")[:300]
                    record.save(update_fields=["status_code", "body", "location"])
                else:
                    transaction.set_rollback(True)
        except IntegrityError:
            # The same key, sent at the same moment, was written by the other request first.
            existing = IdempotencyRecord.objects.filter(token=token, key=key).first()
            if existing is None:
                raise
            return _replay(existing, request_fingerprint)
        return response

    return guarded
