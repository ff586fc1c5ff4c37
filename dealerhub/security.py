"""Sign-in throttling: whose address a login attempt counts against and what a lockout says."""

import ipaddress
import math

from axes.helpers import get_cool_off
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import ngettext

from inventory.public import client_ip as trusted_client_ip


def client_ip(request) -> str | None:
    """The address failures are counted against: the same proxy rules as the verification
    page's rate limit. An IPv6 client counts by its /64, the block one subscriber is usually
    given, so that walking through it does not reset the count."""
    address = trusted_client_ip(request)
    if address is None:
        return None
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def lockout_minutes(request=None) -> int:
    cool_off = get_cool_off(request)
    return max(1, math.ceil(cool_off.total_seconds() / 60)) if cool_off else 0


def lockout_message(request=None) -> str:
    minutes = lockout_minutes(request)
    return ngettext(
        "Too many failed sign-ins for this account or address; try again in %(minutes)d "
        "minute or ask an administrator.",
        "Too many failed sign-ins for this account or address; try again in %(minutes)d "
        "minutes or ask an administrator.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """The login page again, its form carrying the lockout instead of "wrong password", with
    429. Every failure during a lockout starts the cool-off again (axes' default), so the
    minutes shown are the whole cool-off."""
    message = lockout_message(request)
    context = getattr(original_response, "context_data", None) or {}
    form = context.get("form")
    template = getattr(original_response, "template_name", None)
    if form is None or not template:
        return HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    form.errors.clear()
    form.add_error(None, message)
    return TemplateResponse(request, template, context, status=429).render()
