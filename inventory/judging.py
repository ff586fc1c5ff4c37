"""Keep each vehicle's export-candidate flag true to its facts as they are written.

Whether a car is an export candidate, and for which markets, is decided by the exports app,
which reads inventory; inventory does not import it. The exports app registers its judge
when it starts, and every inventory service that changes something the candidate rules read
(status, odometer and the other facts, papers, an issued or revoked inspection, the dealer's
thresholds) calls `rejudge` with the vehicles it wrote, inside its own transaction: the flag,
the verdict and every page that reads them change together with the write. The nightly job
stays as the backstop for what changes with the calendar alone.

A write of many cars at once (a stock file) runs inside `batch()`: the cars its services
write are judged once at the end instead of one by one, and when there are many of them by
the set-based run over their dealers, as the nightly job judges.
"""

import contextvars
from collections.abc import Callable, Iterable
from contextlib import contextmanager

_vehicle_judges: list[Callable[[Iterable], int]] = []
_dealer_judges: list[Callable] = []
# The ids of the cars written inside the current `batch()`, or None outside one.
_batched: contextvars.ContextVar[set | None] = contextvars.ContextVar("judging_batch", default=None)
# From this many cars a batch re-judges their dealers set-based rather than car by car: the
# set-based run costs about as much as judging a few hundred cars one by one.
SET_BASED_FROM = 200


def register(*, vehicles: Callable[[Iterable], int], dealer: Callable) -> None:
    """Let `vehicles(cars)` (instances or ids) re-judge cars after each write, and
    `dealer(dealer)` all of a dealer's cars after its thresholds change."""
    if vehicles not in _vehicle_judges:
        _vehicle_judges.append(vehicles)
    if dealer not in _dealer_judges:
        _dealer_judges.append(dealer)


def rejudge(vehicles: Iterable) -> None:
    vehicles = list(vehicles)
    if not vehicles:
        return
    collected = _batched.get()
    if collected is not None:
        collected.update(getattr(vehicle, "pk", vehicle) for vehicle in vehicles)
        return
    for judge in _vehicle_judges:
        judge(vehicles)


@contextmanager
def batch():
    """Judge the cars written inside once, when the block ends without an error: one by one
    when they are few, else every car of their dealers set-based. Call inside the
    transaction of the writes; a batch inside a batch joins the outer one."""
    if _batched.get() is not None:
        yield
        return
    collected: set = set()
    token = _batched.set(collected)
    try:
        yield
    finally:
        _batched.reset(token)
    if len(collected) < SET_BASED_FROM:
        rejudge(collected)
        return
    from .models import Dealer, Vehicle

    ids = sorted(collected)
    dealer_ids = set()
    for start in range(0, len(ids), 10_000):
        chunk = ids[start : start + 10_000]
        dealer_ids.update(Vehicle.objects.filter(pk__in=chunk).values_list("dealer_id", flat=True))
    for dealer in Dealer.objects.filter(pk__in=dealer_ids).order_by("pk"):
        rejudge_dealer(dealer)


def rejudge_dealer(dealer) -> None:
    for judge in _dealer_judges:
        judge(dealer)
