"""Aging buckets: how long a vehicle has stood in stock, in plain Python."""

from dataclasses import dataclass
from datetime import date, timedelta


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


BUCKETS = (
    Bucket("0-30", 0, 30),
    Bucket("31-60", 31, 60),
    Bucket("61-90", 61, 90),
    Bucket("91-180", 91, 180),
    Bucket("181+", 181, None),
)
BY_KEY = {bucket.key: bucket for bucket in BUCKETS}


def days_in_stock(stocked_on: date, today: date) -> int:
    """Whole days a vehicle has stood in stock by `today` (0 on the day it arrives)."""
    return max((today - stocked_on).days, 0)


def bucket_for(days_in_stock: int) -> Bucket:
    for bucket in BUCKETS:
        if bucket.high is None or days_in_stock <= bucket.high:
            return bucket
    raise AssertionError("the last bucket is open-ended")
