"""Shards of dealers: how a nightly job splits its dealers so several workers share the night.

A shard is a short list of dealer ids in ascending order. Its key, a 32-bit number derived from
those ids, names it to the job's lock and to its earlier runs, so the same dealers make the same
shard on every worker and every night.
"""

import zlib

from django.conf import settings

from .models import Dealer


def dealer_shards(*, size: int | None = None) -> list[list[int]]:
    """The active dealers' ids in shards of `size` (settings.NIGHTLY_SHARD_DEALERS)."""
    size = size or settings.NIGHTLY_SHARD_DEALERS
    if size < 1:
        raise ValueError("A shard holds at least one dealer.")
    ids = list(Dealer.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def shard_key(dealer_ids) -> int:
    """A signed 32-bit key of the shard (PostgreSQL's integer advisory-lock keys are signed)."""
    ids = sorted(int(pk) for pk in dealer_ids)
    key = zlib.crc32(",".join(map(str, ids)).encode())
    return key - 2**32 if key >= 2**31 else key


def shard_counts(dealer_ids) -> dict:
    """What a shard's run records about which dealers it covered."""
    ids = sorted(int(pk) for pk in dealer_ids)
    return {
        "first_dealer": ids[0] if ids else None,
        "last_dealer": ids[-1] if ids else None,
        "shard_dealers": len(ids),
        "shard_key": shard_key(ids),
    }
