"""The one way a staff list works: a page declares its FilterSet, the sorts it allows, the
columns a reader may hide or show and its page size (`ListSpec`); `list_page` filters the
dealer's rows, sorts them and finds the page by keyset, and `templates/_filters.html` and
`templates/_pager.html` show the controls."""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy

from ..pagination import KeysetPage, KeysetPaginator, keyset_ordering

CURSOR_PARAMETERS = ("after", "before")
# Says which columns a reader chose (`?col=`); the filter form always sends it, empty or not,
# so that hiding every optional column is a choice too.
COLUMN_PARAMETER = "col"


@dataclass(frozen=True)
class Sort:
    """One entry of a list's sort whitelist: its column label and the keys it orders by."""

    label: str
    keys: tuple[str, ...]

    def terms(self, descending: bool) -> list[str]:
        return keyset_ordering(self.keys, reverse=descending)


@dataclass(frozen=True)
class Column:
    """A column a reader may show or hide; `shown` is whether it is there until they choose."""

    key: str
    label: str
    shown: bool = True


@dataclass(frozen=True)
class ListSpec:
    """A list page's declaration. `sorts` maps the `?sort=` keys the page accepts to what
    they order by ("-key" reverses one); anything else falls back to `default_sort`."""

    filterset: type
    sorts: dict[str, Sort]
    default_sort: str
    page_size: int = 50
    # Page sizes a reader may pick with `?size=`; none means the page size is fixed.
    page_sizes: tuple[int, ...] = ()
    # Number the rows (their place in the whole order): one more query past the first page.
    numbered: bool = False
    # The columns a reader may choose among; the others are always shown.
    optional_columns: tuple[Column, ...] = ()
    # Adds what the sorts order by beyond the model's fields, after the filters:
    # annotate(rows, **filter_arguments) -> rows.
    annotate: Callable | None = None

    def ordering(self, sort: str) -> list[str]:
        return self.sorts[sort.lstrip("-")].terms(sort.startswith("-"))

    def chosen_columns(self, params) -> list[str]:
        """The optional columns to show: those `params` ticks when it says, else the ones shown
        by default. Unknown names are dropped."""
        if COLUMN_PARAMETER not in params:
            return [column.key for column in self.optional_columns if column.shown]
        ticked = set(params.getlist(COLUMN_PARAMETER))
        return [column.key for column in self.optional_columns if column.key in ticked]


class ListControls(forms.Form):
    """Sort order, page size and position; anything unknown falls back to the defaults."""

    sort = forms.ChoiceField(required=False)
    size = forms.TypedChoiceField(required=False, coerce=int, label=gettext_lazy("Rows"))
    after = forms.CharField(required=False, max_length=500)
    before = forms.CharField(required=False, max_length=500)

    def __init__(self, data, *, spec: ListSpec):
        super().__init__(data)
        self.fields["sort"].choices = [
            (f"{direction}{key}", key) for key in spec.sorts for direction in ("", "-")
        ]
        self.fields["size"].choices = [(n, n) for n in spec.page_sizes or (spec.page_size,)]

    def value(self, name, default):
        self.is_valid()  # cleaned_data keeps the fields that are valid
        return self.cleaned_data.get(name) or default


@dataclass
class ListPage:
    """What a list template shows: the filters, the rows of this page and how to move on."""

    filterset: object
    page: KeysetPage
    sort: str
    size: int
    page_sizes: tuple[int, ...]
    # The request's parameters without the cursor, for links that keep every filter.
    query: str
    columns: dict
    # The optional columns shown, and every optional column as (key, label, shown).
    shown_columns: list[str]
    column_choices: list[tuple[str, str, bool]]

    def context(self, **more):
        return {
            "filterset": self.filterset,
            "page": self.page,
            "sort": self.sort,
            "size": self.size,
            "page_sizes": self.page_sizes,
            "query": self.query,
            "columns": self.columns,
            "shown_columns": self.shown_columns,
            "column_choices": self.column_choices,
            **more,
        }


def filtered(request, spec: ListSpec, queryset, **filter_arguments):
    """(filterset, rows) of `queryset`, already narrowed to what the user may see, through the
    list's FilterSet; filters that do not validate match nothing."""
    filterset, rows = _filtered(request, spec, queryset, **filter_arguments)
    if spec.annotate:
        rows = spec.annotate(rows, **filter_arguments)
    return filterset, rows


def _filtered(request, spec: ListSpec, queryset, **filter_arguments):
    filterset = spec.filterset(request.GET or None, queryset=queryset, **filter_arguments)
    rows = filterset.qs if filterset.is_bound else filterset.queryset
    if filterset.is_bound and not filterset.is_valid():
        rows = rows.none()
    return filterset, rows


def sort_of(request, spec: ListSpec) -> str:
    return ListControls(request.GET, spec=spec).value("sort", spec.default_sort)


def list_page(request, spec: ListSpec, queryset, **filter_arguments) -> ListPage:
    """Filter, sort and page `queryset` as `spec` declares, from the request's parameters."""
    filterset, counted = _filtered(request, spec, queryset, **filter_arguments)
    rows = spec.annotate(counted, **filter_arguments) if spec.annotate else counted
    controls = ListControls(request.GET, spec=spec)
    sort = controls.value("sort", spec.default_sort)
    size = controls.value("size", spec.page_size)
    paginator = KeysetPaginator(rows, sort=spec.ordering(sort), page_size=size, counted=counted)
    page = paginator.page(
        after=controls.value("after", None), before=controls.value("before", None)
    )
    if spec.numbered and page.rows:
        page.start_index = paginator.position(page.rows[0]) if page.has_previous else 1
    query = request.GET.copy()
    for key in CURSOR_PARAMETERS:
        query.pop(key, None)
    shown_columns = spec.chosen_columns(request.GET)
    return ListPage(
        filterset=filterset,
        page=page,
        sort=sort,
        size=size,
        page_sizes=spec.page_sizes,
        query=query.urlencode(),
        columns=sort_columns(spec, query, sort),
        shown_columns=shown_columns,
        column_choices=[
            (column.key, column.label, column.key in shown_columns)
            for column in spec.optional_columns
        ],
    )


def sort_columns(spec: ListSpec, query, current: str) -> dict:
    """Header links: a click sorts by the column, a second click reverses it."""
    columns = {}
    for key, sort in spec.sorts.items():
        params = query.copy()
        params["sort"] = f"-{key}" if current == key else key
        columns[key] = {
            "label": sort.label,
            "url": "?" + params.urlencode(),
            "active": current.lstrip("-") == key,
            "descending": current.startswith("-"),
        }
    return columns
