"""The one way an operation reaches dealer data: through the token's dealer. Another dealer's
row is a 404, like a row that does not exist."""

from django.http import Http404


def dealer_of(request):
    return request.auth.dealer


def rows(request, queryset):
    """`queryset` narrowed to the token's dealer, by the path the model names for its dealer
    (`dealer_lookup`); a model that names none cannot be shown."""
    lookup = queryset.dealer_lookup  # AttributeError for a model no dealer owns: fail closed
    return queryset.filter(**{lookup: request.auth.dealer})


def get(request, queryset, **lookups):
    try:
        return rows(request, queryset).get(**lookups)
    except queryset.model.DoesNotExist:
        raise Http404 from None
