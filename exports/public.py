"""The login-free page a recipient opens from an offer's link: the cars in the recipient's
language, and a form per car to say they are interested or to bid.

Like the certificate verification page it is rate-limited per client address (counting links
that are not found), never cached and never indexed. Unlike it, it takes a form: CSRF-checked,
limited more tightly, and whatever is posted is answered with the form again naming the field
that is wrong, never an error page."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from dealerhub.middleware import answers_oversized_forms
from inventory import certificates
from inventory.models import VehiclePhoto
from inventory.public import (
    _page_context,
    _public_headers,
    buyer_language,
    client_address,
    rate_limit_hit,
)
from inventory.uploads import file_response

from . import services
from .models import OfferRecipient, ResponseKind
from .models.offers import NOTE_MAX_LENGTH
from .offers import offered_cars

# Scripts none, pictures and the form's own address only.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
TOKEN_MAX_LENGTH = 64


def _recipient(token):
    if not (token.isascii() and len(token) <= TOKEN_MAX_LENGTH):
        return None
    return (
        OfferRecipient.objects.select_related("offer", "offer__dealer", "exporter")
        .filter(token=token)
        .first()
    )


def _language(request, recipient):
    """`?lang=` when it is one of the page's languages, else the recipient's own language."""
    asked = certificates.verify_language(request.GET.get("lang", "").strip().lower())
    if asked:
        return asked
    if recipient is not None:
        return recipient.language
    return buyer_language(request)


def _respond(request, template, context, *, language, status=200):
    response = render(
        request, template, {**_page_context(request, language), **context}, status=status
    )
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response = _public_headers(response, language)
    # The link's token never leaves the site in a Referer, yet the page's own form is posted
    # with its origin: under "no-referrer" a browser sends "Origin: null", which the CSRF
    # check refuses.
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def _too_many(request, language, retry_after):
    response = _respond(
        request, "inventory/verify_too_many.html", {}, language=language, status=429
    )
    response.headers["Retry-After"] = str(retry_after)
    return response


def _gone(request, recipient, language, state):
    """The one answer to a link that no longer works: 410, saying why."""
    return _respond(
        request,
        "exports/offer_gone.html",
        {"state": state, "expired_on": recipient.expires_on, "offer": recipient.offer},
        language=language,
        status=410,
    )


def _not_found(request, language):
    return _respond(request, "exports/offer_not_found.html", {}, language=language, status=404)


def _csrf_refused(request):
    """The CSRF check the middleware would make, made once the body has been read safely."""
    return CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})


@answers_oversized_forms
@csrf_exempt  # checked in the view, after a body too large for a form is answered as one
def offer_page(request, token):
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    recipient = _recipient(token)
    language = _language(request, recipient)
    with translation.override(language):
        retry_after = rate_limit_hit(
            scope="offer", client=client_address(request), limit=settings.OFFER_RATE_LIMIT
        )
        if retry_after:
            return _too_many(request, language, retry_after)
        if recipient is None:
            return _not_found(request, language)
        state = services.link_state(recipient)
        if state != "open":
            return _gone(request, recipient, language, state)
        errors, posted = {}, {}
        if request.method == "POST":
            retry_after = rate_limit_hit(
                scope="offer-bid",
                client=client_address(request),
                limit=settings.OFFER_BID_RATE_LIMIT,
            )
            if retry_after:
                return _too_many(request, language, retry_after)
            data = request.POST
            if getattr(request, "form_too_large", False):
                errors = {
                    "note": [
                        _("Keep the note under %(count)d characters.") % {"count": NOTE_MAX_LENGTH}
                    ]
                }
                data = None
            if data is not None:
                refused = _csrf_refused(request)
                if refused is not None:
                    return refused
                posted = {
                    "line": data.get("line", "")[:40],
                    "kind": data.get("kind", ""),
                    "amount": data.get("amount", "")[:40],
                    "note": data.get("note", "")[: NOTE_MAX_LENGTH + 1],
                }
                if len(data.get("note", "")) > NOTE_MAX_LENGTH:
                    posted["note"] = data.get("note", "")
                try:
                    services.response_record(
                        recipient=recipient,
                        line_id=posted["line"],
                        kind=posted["kind"],
                        amount=posted["amount"],
                        note=posted["note"],
                    )
                except ValidationError as exc:
                    errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
                    posted["note"] = posted["note"][:NOTE_MAX_LENGTH]
                else:
                    return redirect(f"{request.path}?lang={language}&sent={posted['line']}#sent")
        else:
            services.recipient_opened(recipient=recipient)
        return _offer(request, recipient, language, errors=errors, posted=posted)


def _offer(request, recipient, language, *, errors, posted):
    offer = recipient.offer
    cars = offered_cars(offer, with_photos=True)
    # The errors of the last post go with the car it was for, or on top when it named none.
    target = str(posted.get("line", ""))
    for car in cars:
        car.errors = errors if str(car.line.pk) == target else {}
        car.posted = posted if car.errors else {}
    general = [] if any(car.errors for car in cars) else [m for ms in errors.values() for m in ms]
    bids = {}
    for bid in recipient.bids.filter(line__offer=offer).order_by("at"):
        bids[bid.line_id] = bid
    for car in cars:
        car.my_bid = bids.get(car.line.pk)
    sent = request.GET.get("sent", "")
    return _respond(
        request,
        "exports/offer_public.html",
        {
            "offer": offer,
            "dealer": offer.dealer,
            "recipient": recipient,
            "cars": cars,
            "general_errors": general,
            "sent": sent if sent.isdigit() else "",
            "kinds": ResponseKind,
            "token": recipient.token,
        },
        language=language,
        status=400 if errors else 200,
    )


def offer_photo(request, token, photo_pk):
    """A car's thumbnail, only through a link that works and only of a car on its offer."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    recipient = _recipient(token)
    if recipient is None:
        # Unknown links count against the page's limit, so they cannot be tried here instead.
        rate_limit_hit(
            scope="offer", client=client_address(request), limit=settings.OFFER_RATE_LIMIT
        )
        raise Http404("No offer with this link.")
    if services.link_state(recipient) != "open":
        raise Http404("This link no longer works.")
    photo = VehiclePhoto.objects.filter(
        pk=photo_pk,
        vehicle__offer_lines__offer_id=recipient.offer_id,
        vehicle__offer_lines__withdrawn_at__isnull=True,
    ).first()
    if photo is None:
        raise Http404("No such photo on this offer.")
    response = file_response(photo.thumbnail, missing="The thumbnail is gone.")
    response["Cache-Control"] = "private, max-age=3600"
    response["Referrer-Policy"] = "no-referrer"
    return response
