"""Site-wide guards: requests no page can answer (refused before any view or query sees them,
or when the database refuses a value they carried), the second factor after the password,
and a plain 503 when the database is down."""

import logging
from urllib.parse import urlencode

from django.core.exceptions import RequestDataTooBig
from django.db import DataError, InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from . import two_factor

NUL = "\x00"
# PostgreSQL's "data exception" states a value from the request can cause: a number beyond
# numeric's range, text that is not a number or a date, a date out of range, text too long or
# not encodable. Division by zero and the like stay server errors: no request value causes them.
INPUT_DATA_ERRORS = frozenset({"22003", "22P02", "22007", "22008", "22001", "22021"})

logger = logging.getLogger(__name__)


def _bad_request():
    return HttpResponseBadRequest(
        _("Bad request: the address or form holds a value that is not allowed."),
        content_type="text/plain; charset=utf-8",
    )


def _refused_value(exception) -> bool:
    """Whether the database refused a value rather than failed: a NUL the driver would not send,
    or one of INPUT_DATA_ERRORS."""
    cause = exception.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    return sqlstate in INPUT_DATA_ERRORS or (sqlstate is None and "NUL" in str(exception))


def _carries_nul(request) -> bool:
    if NUL in request.path or NUL in request.path_info:
        return True
    forms = [request.GET]
    if request.method == "POST":
        forms.append(request.POST)
    for form in forms:
        for name, values in form.lists():
            if NUL in name or any(NUL in value for value in values):
                return True
    if any(NUL in name or NUL in value for name, value in request.COOKIES.items()):
        return True
    if request.method == "POST":
        for name, files in request.FILES.lists():
            if NUL in name or any(NUL in (upload.name or "") for upload in files):
                return True
    return False


def answers_oversized_forms(view):
    """Mark a view that answers a form body larger than DATA_UPLOAD_MAX_MEMORY_SIZE itself:
    it receives an empty form with `request.form_too_large` set, rather than the plain 400
    every other page gives, so that it can say which field was too long."""
    view.answers_oversized_forms = True
    return view


def _view_answers_oversized_forms(request) -> bool:
    try:
        return getattr(resolve(request.path_info).func, "answers_oversized_forms", False)
    except Resolver404:
        return False


class RejectMalformedRequestMiddleware:
    """Answer 400 to a request whose path, query, form, cookies or file names hold a NUL
    character, and to one carrying a value the database cannot compare with a column (a filter
    of 1e999999 on a money column in the admin, say).

    PostgreSQL refuses NUL in any string, so such a value would fail whichever query it reached
    with a 500; no person types one, so it is refused here, once, instead of in every view,
    filter, form and admin page. A value beyond a column's range passes Python's checks and is
    only refused by the database; that too is the request's fault, not the server's.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            refused = _carries_nul(request)
        except MultiPartParserError:
            refused = True  # a form body that does not parse is as malformed
        except RequestDataTooBig:
            if not _view_answers_oversized_forms(request):
                raise
            # Nothing of the body is kept: the view gets an empty form and the reason.
            request._post, request._files = QueryDict(), MultiValueDict()
            request.form_too_large = True
            refused = _carries_nul(request)
        if refused:
            return _bad_request()
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DataError) and _refused_value(exception):
            logger.warning("Refused a value the database cannot hold: %s", request.path)
            return _bad_request()
        return None


# Pages a signed-in person who still owes a second factor may open: signing in and out, the
# second-factor pages themselves, the language switch, and what needs no login at all.
OPEN_VIEWS = {
    "login",
    "logout",
    "admin:login",
    "admin:logout",
    "two_factor_verify",
    "two_factor_setup",
    "set_language",
    "healthz",
    "verify",
    "verify_pdf",
    "offer_public",
    "offer_public_photo",
}
# The JSON API reads its Bearer token, never the session, so a second factor owed by the
# browser's session has nothing to do with it.
OPEN_NAMESPACES = {"api-v1"}


class SecondFactorMiddleware:
    """Sends a signed-in person who has not given a code yet to the code page, and a manager
    or superuser without an authenticator to set one up, before any other page.

    The admin looks the duty up on every request, so a person made manager during a session
    cannot reach it without; the staff pages use what the session worked out at sign-in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            match is None
            or match.view_name in OPEN_VIEWS
            or OPEN_NAMESPACES.intersection(match.namespaces)
        ):
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if "admin" in match.namespaces:
            state = two_factor.remember_owed(request, user)
        else:
            state = two_factor.owed_by_session(request)
        if state == two_factor.NOTHING:
            return None
        target = "two_factor_verify" if state == two_factor.VERIFY else "two_factor_setup"
        url = f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request") == "true":
            return HttpResponseClientRedirect(url)
        return redirect(url)


class DatabaseOutageMiddleware:
    """A view that loses the database answers 503 with a plain page, as /healthz does, instead
    of a 500: no template, no session, nothing that would need the database again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            return database_unavailable()
        return None


def database_unavailable() -> HttpResponse:
    title = _("Service unavailable")
    page = format_html(
        '<!doctype html><html><head><meta charset="utf-8"><title>{}</title></head>'
        "<body><h1>{}</h1><p>{}</p></body></html>",
        title,
        title,
        _("DealerHub cannot reach its database. Please try again in a minute."),
    )
    response = HttpResponse(page, status=503)
    response["Retry-After"] = "60"
    response["Cache-Control"] = "no-store"
    return response
