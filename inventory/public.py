"""The login-free pages a buyer opens from a certificate's QR code, in the buyer's language."""

import functools
import ipaddress
import logging
import math
import time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.encoding import escape_uri_path
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import trans_real
from django.views.decorators.http import require_GET

from . import certificates
from .certificate_render import car_outline_svg, render_certificate_pdf
from .models import PANEL_ORDER

logger = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "en"
RATE_WINDOW_SECONDS = 60

# No scripts, nothing framed, nothing sent elsewhere: the page only shows what it was served.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def buyer_language(request) -> str:
    """The buyer's language among VERIFY_LANGUAGES: `?lang=` first, then Accept-Language.

    The staff language cookie and session are ignored on purpose: a phone that once opened
    the staff site must still show a buyer the language the buyer asked for. Any regional
    variant matches its language ("zh-TW" and "zh-CN" read the Chinese page, "ar-SA" Arabic).
    """
    asked = certificates.verify_language(request.GET.get("lang", "").strip().lower())
    if asked:
        return asked
    codes = [code for code, _name in settings.VERIFY_LANGUAGES]
    by_primary = {code.split("-")[0]: code for code in codes}
    # Not Django's get_language_from_request: it reads the staff language cookie and knows
    # only settings.LANGUAGES, which has no Russian or Arabic.
    header = request.headers.get("Accept-Language", "")
    for tag, _quality in trans_real.parse_accept_lang_header(header):
        if tag == "*":
            break
        if tag in codes:
            return tag
        if tag.split("-")[0] in by_primary:
            return by_primary[tag.split("-")[0]]
    return DEFAULT_LANGUAGE


def client_address(request) -> str:
    """Who is asking, for the rate limit: REMOTE_ADDR, or behind a proxy listed in
    TRUSTED_PROXIES, the nearest X-Forwarded-For address that is not one of them.

    Addresses a client may set itself are never believed unless a trusted proxy passed them
    on. An IPv6 client counts by its /64, the block one subscriber is usually given.
    """
    address = client_ip(request)
    if address is None:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def client_ip(request) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The client's own address: REMOTE_ADDR, or past the proxies in TRUSTED_PROXIES, the
    nearest X-Forwarded-For hop that is not one of them; None when it cannot be read."""
    trusted = [ipaddress.ip_network(net) for net in settings.TRUSTED_PROXIES]
    address = _parse_address(request.META.get("REMOTE_ADDR", ""))
    if address is not None and trusted and any(address in net for net in trusted):
        forwarded = request.headers.get("X-Forwarded-For", "").split(",")
        for candidate in reversed([_parse_address(hop) for hop in forwarded]):
            if candidate is None:
                break
            address = candidate
            if not any(candidate in net for net in trusted):
                break
    return address


def _parse_address(text):
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def rate_limit_hit(*, scope: str, client: str, limit: int, window: int = RATE_WINDOW_SECONDS):
    """Count one request from `client` in the current fixed window; over `limit`, return the
    seconds until the window ends (the Retry-After), else 0.

    `cache.add` then `cache.incr` is atomic in Redis, so concurrent workers share one count.
    If the cache is down the request is served: the page stays up for buyers, and tokens are
    far too long to guess even without the limit.
    """
    now = time.time()
    started = int(now // window)
    key = f"rate:{scope}:{client}:{started}"
    try:
        cache.add(key, 0, timeout=window + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: this request opens a new count
            cache.add(key, 1, timeout=window + 5)
            count = 1
    except Exception:
        logger.exception("Rate limit for %s not counted: the cache did not answer", scope)
        return 0
    if count <= limit:
        return 0
    return max(1, math.ceil((started + 1) * window - now))


def _public_headers(response, language):
    response.headers["Content-Language"] = language
    patch_vary_headers(response, ["Accept-Language"])
    patch_cache_control(response, private=True, no_store=True)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    return response


def public_certificate_page(view):
    """A public page about a certificate: GET only, in the buyer's language, at most
    VERIFY_RATE_LIMIT requests a minute per client, counting pages that are not found so
    that tokens cannot be tried quickly. The view receives the chosen `language`."""

    @require_GET
    @functools.wraps(view)
    def page(request, *args, **kwargs):
        language = buyer_language(request)
        with translation.override(language):
            retry_after = rate_limit_hit(
                scope="verify", client=client_address(request), limit=settings.VERIFY_RATE_LIMIT
            )
            if retry_after:
                response = render(
                    request,
                    "inventory/verify_too_many.html",
                    _page_context(request, language),
                    status=429,
                )
                response.headers["Retry-After"] = str(retry_after)
            else:
                response = view(request, *args, language=language, **kwargs)
        return _public_headers(response, language)

    return page


def _page_context(request, language):
    links = [
        {
            "code": code,
            "name": name,
            "url": f"{escape_uri_path(request.path)}?lang={code}",
            "current": code == language,
        }
        for code, name in settings.VERIFY_LANGUAGES
    ]
    return {"language": language, "language_links": links}


def certificate_or_none(token):
    """The issued, superseded or revoked report this token verifies; drafts are never shown."""
    return certificates.for_certificate().filter(verification_token=token).first()


def not_found(request, language):
    return render(
        request, "inventory/verify_not_found.html", _page_context(request, language), status=404
    )


@public_certificate_page
def verify(request, token, *, language):
    """What a buyer sees on scanning the certificate: whether it still holds, and everything
    the certificate's hash covers, nothing of the dealer's business (prices, stock numbers)."""
    report = certificate_or_none(token)
    if report is None:
        return not_found(request, language)
    verification = certificates.verify(report)
    readings = sorted(report.readings.all(), key=lambda r: PANEL_ORDER[r.panel])
    successor = verification.successor
    successor_link = None
    if successor is not None:
        successor_link = format_html(
            '<a href="{}?lang={}"><bdi dir="ltr">{}</bdi></a>',
            successor.get_verification_url(),
            language,
            successor.certificate_number,
        )
    zone = ZoneInfo(report.vehicle.dealer.time_zone)
    context = {
        **_page_context(request, language),
        "report": report,
        "vehicle": report.certified_vehicle,
        "verification": verification,
        "state": verification.state,
        "successor_link": successor_link,
        # The name frozen at issue; the issuer's login never reaches a buyer.
        "issued_by": report.issued_by_name,
        "readings": readings,
        "structural_findings": list(report.structural_findings.all()),
        "has_battery": report.has_battery_figures,
        "vin_checks": [
            (_("Windshield"), report.vin_at_windshield),
            (_("Door frame"), report.vin_at_door_frame),
            (_("Chassis"), report.vin_at_chassis),
        ],
        "car_outline": car_outline_svg(
            {r.panel: r.shows_worst for r in readings}, per_point=report.judged_per_point
        ),
        "pdf_url": f"{reverse('verify_pdf', args=[token])}?lang={language}",
        "issued_on": _moment(report.issued_at, zone),
        "revoked_on": _moment(report.revoked_at, zone),
        "checked_at": _moment(timezone.now(), zone),
    }
    return render(request, "inventory/verify.html", context)


def _moment(value, zone):
    """A time in the dealer's zone with its UTC offset, kept left to right inside Arabic."""
    if value is None:
        return ""
    stamp = dateformat.format(timezone.localtime(value, zone), "Y-m-d H:i O")
    return format_html('<bdi dir="ltr">{}</bdi>', stamp)


@public_certificate_page
def verify_pdf(request, token, *, language):
    """The certificate to print or forward, in the buyer's language, with the QR code that
    leads back to the verification page."""
    report = certificate_or_none(token)
    if report is None:
        return not_found(request, language)
    pdf = render_certificate_pdf(
        report,
        verify_url=certificates.public_url(request, report.get_verification_url()),
        language=language,
    )
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={
            "Content-Disposition": content_disposition_header(
                False, f"{report.certificate_number}.pdf"
            )
        },
    )
