"""Keyset pagination: pages found by the last row seen, never by OFFSET, with a capped count."""

import base64
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
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
    decode, or whose value the field refuses, starts again at the first page.
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
        try:
            value, pk = _decode(token)
            return self.field.to_python(value), int(pk)
        except (ValueError, TypeError, ValidationError):
            return None

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
