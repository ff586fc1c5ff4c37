"""The dashboard's figures, charts and tables, rendered once per version of a dealer's data.

The version is read first, then the summary is computed: in READ COMMITTED every later
statement sees at least the writes that version counts, so what is stored under it is never
older than it. Every write to what the dashboard reads raises the version in its own
transaction (dealerhub.dataversion), so the next request after it computes again; the day is
in the key too, so aging and interest move at the dealer's local midnight. One cache entry
per dealer and language holds the latest rendering with the key it was made for, so old
versions leave nothing behind. After a write the first request computes; others asking for
the same version meanwhile wait for its result (up to WAIT_SECONDS) rather than compute the
same body beside it.

On databases without the triggers (SQLite, the embedded default) the body is rendered on
every request.
"""

import logging
import time

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from inventory.models import Dealer

from . import dataversion
from .summary import dealer_summary

# Raise when what the body shows or how it is rendered changes, so a deploy does not serve
# renderings of the code before it.
CODE_VERSION = 1
TEMPLATE = "dealerhub/_dashboard_body.html"
TIMEOUT = 24 * 60 * 60
# After a write, one request per version computes; the others wait this long for its result
# before they compute too.
WAIT_SECONDS = 5.0
POLL_SECONDS = 0.05

log = logging.getLogger(__name__)


def render_body(dealer: Dealer) -> str:
    """The dashboard's body computed now: the figures, buckets, charts, trend and lists."""
    return render_to_string(TEMPLATE, {"dealer": dealer, "summary": dealer_summary(dealer)})


def cache_key(dealer_id, language):
    return f"dashboard-body:{CODE_VERSION}:{dealer_id}:{language}"


def _cached(key, stamp):
    try:
        cached = cache.get(key)
    except Exception:  # a cache that does not answer costs speed, not the page
        log.warning("dashboard cache unavailable", exc_info=True)
        return None
    if cached is not None and cached[0] == stamp:
        return mark_safe(cached[1])
    return None


def computing_key(key, stamp):
    return f"{key}:computing:" + ":".join(str(part) for part in stamp)


def _computing(key, stamp) -> bool:
    """Whether another request already computes this version (else this one will)."""
    try:
        return not cache.add(computing_key(key, stamp), 1, WAIT_SECONDS)
    except Exception:
        return False


def dashboard_body(dealer: Dealer) -> str:
    """The body for `dealer`, from the cache when its data and day are those it was made for."""
    if not dataversion.kept_current():
        return render_body(dealer)
    # First the versions, with the dealer's settings as they were then (see the docstring).
    dealer = dataversion.with_versions(Dealer.objects.filter(pk=dealer.pk)).get()
    stamp = (dealer.shared_version, dealer.data_version, dealer.today().isoformat())
    key = cache_key(dealer.pk, translation.get_language())
    body = _cached(key, stamp)
    if body is not None:
        return body
    if _computing(key, stamp):
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            body = _cached(key, stamp)
            if body is not None:
                return body
    body = render_body(dealer)
    try:
        cache.set(key, (stamp, str(body)), TIMEOUT)
        cache.delete(computing_key(key, stamp))
    except Exception:
        log.warning("dashboard cache unavailable", exc_info=True)
    return body
