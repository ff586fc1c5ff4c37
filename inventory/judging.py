"""Keep each vehicle's export-candidate flag true to its facts as they are written.

Whether a car is an export candidate, and for which markets, is decided by the exports app,
which reads inventory; inventory does not import it. The exports app registers its judge
when it starts, and every inventory service that changes something the candidate rules read
(status, odometer and the other facts, papers, an issued or revoked inspection, the dealer's
thresholds) calls `rejudge` with the vehicles it wrote, inside its own transaction: the flag,
the verdict and every page that reads them change together with the write. The nightly job
stays as the backstop for what changes with the calendar alone.
"""

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar

_vehicle_judges: list[Callable[[Iterable], int]] = []
_dealer_judges: list[Callable] = []
# The cars written inside `together()`, waiting to be judged as one batch; None outside it.
_waiting: ContextVar[list | None] = ContextVar("rejudge_waiting", default=None)


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
    waiting = _waiting.get()
    if waiting is not None:
        waiting.extend(vehicles)
        return
    for judge in _vehicle_judges:
        judge(vehicles)


@contextmanager
def together():
    """Judge the cars the services write inside the block once, all together, when it ends
    (still inside the caller's transaction): a bulk change of many cars then pays for one
    judgement of them instead of one per car. Nothing inside may read the flags it changes."""
    if _waiting.get() is not None:
        yield
        return
    waiting = []
    token = _waiting.set(waiting)
    try:
        yield
    finally:
        _waiting.reset(token)
    latest = {}
    for vehicle in waiting:
        latest[getattr(vehicle, "pk", vehicle)] = vehicle
    rejudge(latest.values())


def rejudge_dealer(dealer) -> None:
    for judge in _dealer_judges:
        judge(dealer)
