"""One shape for every error the API answers, in the caller's language:

    {"detail": "…", "errors": [{"field": "vin", "message": "…"}]}

Refusals of the forms and services keep their own messages and name their field; nothing under
/api/ answers with an HTML page, whatever failed (an unknown URL, a wrong method, a malformed
request, the database gone, a bug)."""

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as RequestValidationError

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
NON_FIELD = "__all__"


class ErrorItem(Schema):
    field: str | None = None
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[ErrorItem] = []


# The errors every operation may answer (a malformed request, no or a bad token, an unknown
# or another dealer's id, a refused parameter, too many requests), and a write besides.
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}
WRITE_ERRORS = {**READ_ERRORS, 403: ErrorOut}


class ApiProblem(Exception):
    """An answer other than success: its status, a sentence, and per-field errors."""

    def __init__(self, status: int, detail: str, errors=(), headers=None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = list(errors)
        self.headers = headers or {}


def problem_response(status, detail, errors=(), headers=None) -> JsonResponse:
    response = JsonResponse({"detail": str(detail), "errors": list(errors)}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    response["Cache-Control"] = "no-store"
    return response


def _item(field, message) -> dict:
    return {"field": None if field in (None, NON_FIELD) else field, "message": str(message)}


def refusal_errors(exc: DjangoValidationError) -> list[dict]:
    """A form's or a service's ValidationError as field errors, with their own messages."""
    if hasattr(exc, "error_dict"):
        return [
            _item(field, message)
            for field, errors in exc.error_dict.items()
            for error in errors
            for message in error.messages
        ]
    return [_item(None, message) for message in exc.messages]


def form_errors(form) -> list[dict]:
    return [
        _item(field, message) for field, messages in form.errors.items() for message in messages
    ]


def invalid(errors) -> ApiProblem:
    return ApiProblem(422, _("The request was refused; each error names its field."), errors)


# Pydantic names the member of a union that refused a value; the field is what matters.
UNION_MEMBERS = {"str", "int", "float", "bool", "none", "function-after[", "is-instance["}


def _request_error_items(errors) -> list[dict]:
    """Ninja's structural checks of a request (unknown or missing fields, a list where one
    value belongs), named by field, once per field."""
    items, seen = [], set()
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        where, parts = (location[0], location[1:]) if location else ("", [])
        if where == "body" and len(parts) > 1:
            parts = parts[1:]  # the body parameter's own name
        # Every value but a list or an object fits one member of a field's union of scalars.
        not_a_scalar = bool(parts) and parts[-1].startswith(tuple(UNION_MEMBERS))
        while parts and parts[-1].startswith(tuple(UNION_MEMBERS)):
            parts = parts[:-1]
        field = ".".join(parts) or None
        if field in seen:
            continue
        seen.add(field)
        kind = error.get("type", "")
        if kind == "missing":
            message = _("This field is required.")
        elif kind == "extra_forbidden":
            message = _("This field is not known.")
        elif field is None:
            message = _("Send a JSON object.")
        elif not_a_scalar:
            message = _("Send one value, not a list or an object.")
        else:
            message = _("Enter a valid value.")
        items.append(_item(field, message))
    return items


def install(api) -> None:
    """Answer every exception an operation raises in the one shape."""

    @api.exception_handler(ApiProblem)
    def problem(request, exc):
        return problem_response(exc.status, exc.detail, exc.errors, exc.headers)

    @api.exception_handler(DjangoValidationError)
    def refused(request, exc):
        return problem_response(
            422, _("The request was refused; each error names its field."), refusal_errors(exc)
        )

    @api.exception_handler(RequestValidationError)
    def malformed(request, exc):
        return problem_response(
            422,
            _("The request was refused; each error names its field."),
            _request_error_items(exc.errors),
        )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return problem_response(404, _("Not found."))

    @api.exception_handler(Throttled)
    def throttled(request, exc):
        return problem_response(429, _("Too many requests for this token; wait and retry."))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return problem_response(401, _("Send a valid API token: Authorization: Bearer dh_…"))

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        if exc.status_code == 400:
            return problem_response(400, _("The request body is not JSON the API can read."))
        return problem_response(exc.status_code, status_sentence(exc.status_code))

    @api.exception_handler(Exception)
    def unexpected(request, exc):
        # Django's own handling (a refused value is a 400, a lost database a 503, anything
        # else a logged 500) answers; the middleware below puts it in the one shape.
        raise exc


def status_sentence(status: int) -> str:
    sentences = {
        400: _("Bad request: the address or body holds a value that is not allowed."),
        401: _("Send a valid API token: Authorization: Bearer dh_…"),
        403: _("Not allowed."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        413: _("The request is too large."),
        429: _("Too many requests for this token; wait and retry."),
        503: _("DealerHub cannot reach its database. Please try again in a minute."),
    }
    if status in sentences:
        return sentences[status]
    if status >= 500:
        return _("Server error: the request was not completed, and nothing was saved.")
    return _("The request was refused.")


KEPT_HEADERS = ("Allow", "Retry-After")


class ApiErrorsAsJsonMiddleware:
    """Under /api/, an error answered by Django itself rather than by an operation (an unknown
    URL, a method the URL does not take, a malformed request, an outage, a server error) is
    answered in the API's shape too, never as an HTML or text page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path_info.startswith(API_PREFIX)
            and response.status_code >= 400
            and not getattr(response, "streaming", False)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            kept = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            return problem_response(
                response.status_code, status_sentence(response.status_code), headers=kept
            )
        return response
