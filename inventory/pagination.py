"""Keyset pagination: pages found by the last row seen, never by OFFSET, with a capped count.

A sort is one or more keys (model fields or annotations, "-" for descending) ended by the
primary key, so every row has one place however many share the other keys."""

import base64
import json
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator
from django.db import connections
from django.db.models import Q

COUNT_CAP = 10_000


def keyset_ordering(sort, *, reverse=False) -> list[str]:
    """ORDER BY for a sort: its keys ("field" or "-field", one or several), then the pk in the
    direction of the last key unless the sort names the pk itself; `reverse` flips them all."""
    terms = [sort] if isinstance(sort, str) else list(sort)
    if terms[-1].lstrip("-") not in ("pk", "id"):
        terms.append(("-" if terms[-1].startswith("-") else "") + "pk")
    if reverse:
        terms = [term[1:] if term.startswith("-") else f"-{term}" for term in terms]
    return terms


def _as_text(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


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
    # Where the first row stands in the whole order, for lists that number their rows.
    start_index: int | None = None

    @property
    def has_next(self):
        return self.next_cursor is not None

    @property
    def has_previous(self):
        return self.previous_cursor is not None


class KeysetPaginator:
    """Page through `queryset` ordered by `sort` (a field or annotation name, "-" for
    descending, or a sequence of them) and pk.

    A cursor holds the sort values and pk of the row next to the page. A cursor that does not
    decode, or whose values the sort keys or the pk refuse, starts again at the first page,
    the same as no cursor: it is never an error.
    """

    def __init__(self, queryset, *, sort, page_size: int, counted=None):
        self.queryset = queryset
        # The same rows without the columns only the sort reads (`counted`), when there are
        # such: the count need not work them out for ten thousand rows.
        self.counted = queryset if counted is None else counted
        self.sort = sort
        self.page_size = page_size
        meta = queryset.model._meta
        annotations = queryset.query.annotations
        self.keys = []  # (name, descending, field); the last one is the pk
        for term in keyset_ordering(sort):
            name = term.lstrip("-")
            if name in annotations:
                field = annotations[name].output_field
            elif name in ("pk", meta.pk.name):
                name, field = "pk", meta.pk
            else:
                field = meta.get_field(name)
            self.keys.append((name, term.startswith("-"), field))

    def ordering(self, reverse=False):
        return keyset_ordering(self.sort, reverse=reverse)

    def _beyond(self, values, *, reverse=False):
        """Rows strictly after `values` (one per key) in the page order (before them when
        `reverse`): past the first key, or level with it and past the second, and so on."""
        alternatives, level = [], Q()
        for (name, descending, _field), value in zip(self.keys, values, strict=True):
            past = "lt" if descending != reverse else "gt"
            alternatives.append(level & Q(**{f"{name}__{past}": value}))
            level &= Q(**{name: value})
        first, descending, _field = self.keys[0]
        bound = "lte" if descending != reverse else "gte"
        # The redundant bound lets the database seek into the index instead of scanning to it.
        return Q(**{f"{first}__{bound}": values[0]}) & reduce(or_, alternatives)

    def cursor_for(self, row) -> str:
        annotations = self.queryset.query.annotations
        values = [
            _as_text(getattr(row, name)) if name in annotations else field.value_to_string(row)
            for name, _descending, field in self.keys[:-1]
        ]
        return _encode([*values, row.pk])

    def _parse(self, token):
        """The values a cursor holds, or None when it does not decode or holds anything a sort
        key or the pk could not store (text with NUL, a number out of the column's range, NaN
        or infinity, a date that is not one): such a cursor was not made here."""
        try:
            values = _decode(token)
            # cursor_for writes the sort values as text and the pk as a number; nothing else
            # is ours.
            if not isinstance(values, list) or len(values) != len(self.keys):
                return None
            if type(values[-1]) is not int or not all(isinstance(v, str) for v in values[:-1]):
                return None
            ops = connections[self.queryset.db].ops
            parsed = []
            for (_name, _descending, field), value in zip(self.keys, values, strict=True):
                value = field.to_python(value)
                _storable(field, value, ops)
                parsed.append(value)
        except (ValueError, TypeError, ArithmeticError, RecursionError, ValidationError):
            return None
        return parsed

    def understands(self, token: str) -> bool:
        """Whether `token` is a cursor of this list; the pages treat any other as no cursor,
        a client of the API is told."""
        return self._parse(token) is not None

    def position(self, row) -> int:
        """Where `row` stands in the whole order, counting from 1 (one query)."""
        values = [getattr(row, name) for name, _descending, _field in self.keys]
        before = self.queryset.filter(self._beyond(values, reverse=True))
        return before.order_by().count() + 1

    def page(self, *, after: str | None = None, before: str | None = None) -> KeysetPage:
        size = self.page_size
        position = self._parse(before) if before else None
        if position is not None:
            rows = list(
                self.queryset.filter(self._beyond(position, reverse=True)).order_by(
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
                queryset = queryset.filter(self._beyond(position))
            rows = list(queryset.order_by(*self.ordering())[: size + 1])
            has_next = len(rows) > size
            rows = rows[:size]
            has_previous = position is not None
        count = self.counted.order_by()[: COUNT_CAP + 1].count()
        return KeysetPage(
            rows=rows,
            next_cursor=self.cursor_for(rows[-1]) if has_next and rows else None,
            previous_cursor=self.cursor_for(rows[0]) if has_previous and rows else None,
            count=min(count, COUNT_CAP),
            count_capped=count > COUNT_CAP,
        )
