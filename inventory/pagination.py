"""Keyset pagination: pages found by the last row seen, never by OFFSET, with a capped count."""

import base64
import json
import math
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator
from django.db import connections
from django.db.models import Q

COUNT_CAP = 10_000


def keyset_ordering(sort: str, *, reverse=False) -> list[str]:
    """ORDER BY for a sort ("field" or "-field"): the field, then the pk in the same direction."""
    descending = sort.startswith("-") != reverse
    prefix = "-" if descending else ""
    return [f"{prefix}{sort.lstrip('-')}", f"{prefix}pk"]


def _encode(values) -> str:
    raw = json.dumps(values, default=str, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(token: str):
    padded = token + "=" * (-len(token) % 4)
    return json.loads(base64.urlsafe_b64decode(padded.encode()))


def _storable(field, value, ops) -> None:
    """Raise ValueError unless the database can compare `field`'s column with `value`: text
    without NUL, a number within the column's range and digits, a finite number. The field's
    business validators are not asked: a VIN sorted on may predate the check-digit rule."""
    if value is None:
        raise ValueError("a cursor never points at an empty sort value")
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("PostgreSQL text holds no NUL")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("not a finite number")
    if isinstance(value, Decimal):
        DecimalValidator(field.max_digits, field.decimal_places)(value)  # finite, and fits
    if isinstance(value, int) and not isinstance(value, bool):
        low, high = ops.integer_field_range(field.get_internal_type())
        if (low is not None and value < low) or (high is not None and value > high):
            raise ValueError("out of the column's range")


@dataclass
class KeysetPage:
    rows: list
    next_cursor: str | None
    previous_cursor: str | None
    count: int
    count_capped: bool

    @property
    def has_next(self):
        return self.next_cursor is not None

    @property
    def has_previous(self):
        return self.previous_cursor is not None


class KeysetPaginator:
    """Page through `queryset` ordered by `sort` (a field name, "-" for descending) and pk.

    A cursor holds the sort value and pk of the row next to the page. A cursor that does not
    decode, or whose values the sort field or the key refuse, starts again at the first page,
    the same as no cursor: it is never an error.
    """

    def __init__(self, queryset, *, sort: str, page_size: int):
        self.queryset = queryset
        self.sort = sort
        self.descending = sort.startswith("-")
        self.field_name = sort.lstrip("-")
        self.field = queryset.model._meta.get_field(self.field_name)
        self.page_size = page_size

    def ordering(self, reverse=False):
        return keyset_ordering(self.sort, reverse=reverse)

    def _beyond(self, value, pk, *, reverse=False):
        """Rows strictly after (value, pk) in the page order (before it when `reverse`)."""
        descending = self.descending != reverse
        past, bound = ("lt", "lte") if descending else ("gt", "gte")
        name = self.field_name
        # The redundant bound lets the database seek into the index instead of scanning to it.
        return Q(**{f"{name}__{bound}": value}) & (
            Q(**{f"{name}__{past}": value}) | Q(**{name: value, f"pk__{past}": pk})
        )

    def cursor_for(self, row) -> str:
        return _encode([self.field.value_to_string(row), row.pk])

    def _parse(self, token):
        """The (value, pk) a cursor holds, or None when it does not decode or holds anything
        the sort field or the key could not store (text with NUL, a number out of the column's
        range, NaN or infinity, a date that is not one): such a cursor was not made here."""
        pk_field = self.queryset.model._meta.pk
        try:
            value, pk = _decode(token)
            # cursor_for writes the value as text and the key as a number; nothing else is ours.
            if not isinstance(value, str) or type(pk) is not int:
                return None
            value, pk = self.field.to_python(value), pk_field.to_python(pk)
            ops = connections[self.queryset.db].ops
            _storable(self.field, value, ops)
            _storable(pk_field, pk, ops)
        except (ValueError, TypeError, ArithmeticError, RecursionError, ValidationError):
            return None
        return value, pk

    def page(self, *, after: str | None = None, before: str | None = None) -> KeysetPage:
        size = self.page_size
        position = self._parse(before) if before else None
        if position is not None:
            rows = list(
                self.queryset.filter(self._beyond(*position, reverse=True)).order_by(
                    *self.ordering(reverse=True)
                )[: size + 1]
            )
            has_previous = len(rows) > size
            rows = list(reversed(rows[:size]))
            has_next = True
        else:
            position = self._parse(after) if after else None
            queryset = self.queryset
            if position is not None:
                queryset = queryset.filter(self._beyond(*position))
            rows = list(queryset.order_by(*self.ordering())[: size + 1])
            has_next = len(rows) > size
            rows = rows[:size]
            has_previous = position is not None
        count = self.queryset.order_by()[: COUNT_CAP + 1].count()
        return KeysetPage(
            rows=rows,
            next_cursor=self.cursor_for(rows[-1]) if has_next and rows else None,
            previous_cursor=self.cursor_for(rows[0]) if has_previous and rows else None,
            count=min(count, COUNT_CAP),
            count_capped=count > COUNT_CAP,
        )
