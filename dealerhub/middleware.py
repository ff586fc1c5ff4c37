"""Site-wide guards: the second factor after the password, and a plain 503 when the database
is down."""

from urllib.parse import urlencode

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from . import two_factor

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
}


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
        if match is None or match.view_name in OPEN_VIEWS:
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
