"""Requests no page can answer: refused before any view or query sees them, or when the
database refuses a value they carried."""

import logging

from django.db import DataError
from django.http import HttpResponseBadRequest
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

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
        if refused:
            return _bad_request()
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DataError) and _refused_value(exception):
            logger.warning("Refused a value the database cannot hold: %s", request.path)
            return _bad_request()
        return None
