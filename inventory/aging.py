"""Aging buckets: how long a vehicle has stood in stock, in plain Python."""

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise


@dataclass(frozen=True)
class Bucket:
    key: str
    low: int  # first day in stock that falls in the bucket
    high: int | None  # last day, or None for the open-ended oldest bucket

    def stocked_on_range(self, today: date) -> tuple[date | None, date]:
        """Stocked-on dates (earliest, latest) whose vehicles are in this bucket today."""
        latest = today - timedelta(days=self.low)
        earliest = None if self.high is None else today - timedelta(days=self.high)
        return earliest, latest


DEFAULT_EDGES = (30, 60, 90, 180)
DEFAULT_EDGES_TEXT = ",".join(map(str, DEFAULT_EDGES))
MAX_EDGES = 8


def parse_edges(text: str) -> tuple[int, ...]:
    """'30,60,90,180' -> (30, 60, 90, 180): the last day of each bucket but the open one."""
    try:
        edges = tuple(int(part) for part in text.replace(" ", "").split(","))
    except ValueError:
        raise ValueError(f"not whole numbers: {text!r}") from None
    if not 1 <= len(edges) <= MAX_EDGES:
        raise ValueError(f"between 1 and {MAX_EDGES} edges, not {len(edges)}")
    if edges[0] < 1 or any(b <= a for a, b in pairwise(edges)):
        raise ValueError(f"edges must be positive and rising: {text!r}")
    return edges


def buckets(edges=DEFAULT_EDGES) -> tuple[Bucket, ...]:
    lows = (0, *(edge + 1 for edge in edges))
    highs = (*edges, None)
    return tuple(
        Bucket(f"{low}-{high}" if high is not None else f"{low}+", low, high)
        for low, high in zip(lows, highs, strict=True)
    )


BUCKETS = buckets()


def stock_end(today: date, left_stock_on: date | None) -> date:
    """The last day a car ages as of `today`: the day it left stock, if it left before."""
    return today if left_stock_on is None else min(today, left_stock_on)


def days_in_stock(stocked_on: date, today: date, *, left_stock_on: date | None) -> int:
    """Whole days a vehicle has stood in stock by `today` (0 on the day it arrives), ending on
    the day it left stock: a sold or exported car no longer ages."""
    return max((stock_end(today, left_stock_on) - stocked_on).days, 0)


def bucket_for(days_in_stock: int, among=BUCKETS) -> Bucket:
    for bucket in among:
        if bucket.high is None or days_in_stock <= bucket.high:
            return bucket
    raise AssertionError("the last bucket is open-ended")
