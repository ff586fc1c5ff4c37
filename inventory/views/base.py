"""What every staff page shares: sign-in, the dealer scope it must go through, the one answer
to a person who works for no dealer, a service's refusal shown as messages, and the question a
final action asks before it acts."""

from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import render

from ..idempotency import FIELD_NAME as FORM_TOKEN_FIELD
from ..middleware import NoDealer

SAFE_METHODS = ("GET", "HEAD")


def no_dealer(request):
    """The page every staff URL answers to a signed-in person who works for no dealer."""
    return render(request, "inventory/no_dealer.html", status=403)


def staff_view(*methods):
    """A staff page: signed in, answering only `methods` (any when none are named), and
    reaching dealer data only through `request.dealer_scope`.

    A person with no dealer gets `no_dealer` from every staff URL, whatever the method. A
    GET finds that out from the scope when the page asks for its dealer or a row, so pages
    that show nothing else pay no extra query; anything else asks first, before a form token
    is spent. A page that answers with content without having gone through the scope is a
    programming error, raised rather than shown.
    """

    def decorate(view):
        @wraps(view)
        def page(request, *args, **kwargs):
            scope = request.dealer_scope
            allowed = not methods or request.method in methods
            if (not allowed or request.method not in SAFE_METHODS) and scope.current is None:
                return no_dealer(request)
            if not allowed:
                return HttpResponseNotAllowed(methods)
            try:
                response = view(request, *args, **kwargs)
            except NoDealer:
                return no_dealer(request)
            if response.status_code < 300 and not scope.consulted:
                raise ImproperlyConfigured(
                    f"{view.__module__}.{view.__qualname__} answered without going through "
                    "request.dealer_scope."
                )
            return response

        return login_required(page)

    return decorate


def refusal_texts(exc: ValidationError, form=None) -> list[str]:
    """A service's refusal as sentences; one about a field of `form` is headed by its label."""
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    texts = []
    for name, errors in exc.message_dict.items():
        label = form.fields[name].label if form is not None and name in form.fields else ""
        texts.extend(f"{label}: {error}" if label else error for error in errors)
    return texts


class shown_refusal:
    """Run a service inside `with`; a ValidationError it raises becomes error messages and
    ends the block, and the object is true afterwards.

        with shown_refusal(request, form) as refused:
            services.vehicle_floor(...)
            messages.success(request, ...)  # only when the service agreed
        if refused: ...
    """

    def __init__(self, request, form=None):
        self.request = request
        self.form = form
        self.refused = False

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, traceback):
        if kind is None or not issubclass(kind, ValidationError):
            return False
        self.refused = True
        for text in refusal_texts(exc, self.form):
            messages.error(self.request, text)
        return True

    def __bool__(self):
        return self.refused


def form_errors(request, form):
    """A form that did not validate, as error messages headed by the field's label."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))


CONFIRMED = "confirmed"
# The confirmation page's form has a CSRF token and a form token of its own.
NOT_CARRIED = frozenset({"csrfmiddlewaretoken", FORM_TOKEN_FIELD, CONFIRMED})


@dataclass(frozen=True)
class Confirmation:
    """What a final action (issue, revoke, remove, cancel, mark sold) asks before it acts:
    the question, what will happen, and the words of the button that does it.

    The form that starts the action shows it in a dialog when scripts run
    (`templates/_confirm_attrs.html`); without a script the view answers the first post with
    `confirmation_page`, so the question is asked once either way."""

    question: str
    detail: str
    button: str


def unconfirmed(request, ask: Confirmation, *, back: str):
    """None once the post carries the user's confirmation; until then, the page asking for it,
    which sends the same fields again with the confirmation, or goes `back` to the page."""
    if request.POST.get(CONFIRMED) == "yes":
        return None
    carried = [
        (name, value)
        for name in request.POST
        if name not in NOT_CARRIED
        for value in request.POST.getlist(name)
    ]
    return render(
        request,
        "confirm.html",
        {"ask": ask, "action": request.get_full_path(), "carried": carried, "back": back},
    )
