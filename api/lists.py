"""Lists through the API, declared like the staff lists (`inventory.views.lists.ListSpec`):
the same FilterSet, sort whitelist, page sizes and keyset cursor; only bad input differs, which
is a 422 naming the parameter instead of an empty page."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from inventory.pagination import KeysetPage, KeysetPaginator
from inventory.views.lists import ListControls, ListSpec

from .errors import form_errors, invalid


@dataclass
class ApiPage:
    rows: list
    page: KeysetPage

    def envelope(self, results) -> dict:
        return {
            "results": results,
            "next": self.page.next_cursor,
            "previous": self.page.previous_cursor,
            "count": self.page.count,
            "count_capped": self.page.count_capped,
        }


def page_of(request, spec: ListSpec, queryset, **filter_arguments) -> ApiPage:
    """Filter, sort and page `queryset` (already the token's dealer's rows) from the query."""
    filterset = spec.filterset(request.GET or None, queryset=queryset, **filter_arguments)
    controls = ListControls(request.GET, spec=spec)
    errors = []
    if filterset.is_bound and not filterset.is_valid():
        errors += form_errors(filterset.form)
    if not controls.is_valid():
        errors += form_errors(controls)
    sort = controls.cleaned_data.get("sort") or spec.default_sort
    size = controls.cleaned_data.get("size") or spec.page_size
    counted = filterset.qs if filterset.is_bound else filterset.queryset
    rows = spec.annotate(counted, **filter_arguments) if spec.annotate else counted
    paginator = KeysetPaginator(rows, sort=spec.ordering(sort), page_size=size, counted=counted)
    after, before = controls.cleaned_data.get("after"), controls.cleaned_data.get("before")
    for name, cursor in (("after", after), ("before", before)):
        if cursor and not paginator.understands(cursor):
            errors.append(
                {"field": name, "message": _("This cursor is not one this list gave out.")}
            )
    if errors:
        raise invalid(errors)
    page = paginator.page(after=after or None, before=before or None)
    return ApiPage(rows=page.rows, page=page)
