"""Which dealer the signed-in person is working for, resolved once per request, and the only
way a staff page reaches dealer data: through that person's scope."""

from functools import cached_property

from django.core.exceptions import ImproperlyConfigured
from django.http import Http404

from .models import Dealer

SESSION_KEY = "dealerhub.dealer_id"
# A link may name the dealer it is about (`?dealer=<id>`, as e-mails do), so that a person who
# works for several lands on that one; it then stays chosen, as with the dealer switcher.
DEALER_PARAMETER = "dealer"


class NoDealer(Exception):
    """The person works for no dealer; every staff page answers it with the same page."""


class DealerScope:
    """The dealers a person may work for, the one chosen in the dealer switcher, and the rows
    of their data a page may show.

    The dealers come from one query, made only when a page asks for them. `consulted` records
    that a page went through the scope, which the staff pages' decorator insists on.
    """

    def __init__(self, request):
        self.request = request
        self.consulted = False

    @cached_property
    def dealers(self) -> list[Dealer]:
        return list(
            Dealer.objects.visible_to(self.request.user).filter(is_active=True).order_by("name")
        )

    @cached_property
    def current(self) -> Dealer | None:
        linked = self._linked()
        if linked is not None:
            self.choose(linked)
            return linked
        chosen = self.request.session.get(SESSION_KEY)
        for dealer in self.dealers:
            if dealer.pk == chosen:
                return dealer
        return self.dealers[0] if self.dealers else None

    def _linked(self) -> Dealer | None:
        """The dealer a link names, when it is one of the person's; any other value is
        ignored, so the page shows the person's own current dealer and nothing else."""
        if self.request.method != "GET":
            return None
        wanted = self.request.GET.get(DEALER_PARAMETER, "")
        if not wanted.isdigit():
            return None
        return next((dealer for dealer in self.dealers if dealer.pk == int(wanted)), None)

    def choose(self, dealer: Dealer):
        self.request.session[SESSION_KEY] = dealer.pk
        self.__dict__["current"] = dealer

    @property
    def dealer(self) -> Dealer:
        """The dealer the person works for now; NoDealer when there is none."""
        self.consulted = True
        if self.current is None:
            raise NoDealer
        return self.current

    def rows(self, queryset):
        """`queryset` narrowed to the dealers the person may see.

        A queryset that cannot be narrowed (no `visible_to`) is refused outright: a model must
        say who may see it before a staff page can show it.
        """
        visible_to = getattr(queryset, "visible_to", None)
        if visible_to is None:
            raise ImproperlyConfigured(
                f"{queryset.model._meta.label} has no visible_to(); a staff page cannot show it."
            )
        self.consulted = True
        return visible_to(self.request.user)

    def of_dealer(self, queryset):
        """The rows of `queryset` that belong to the current dealer: what a list shows."""
        rows = self.rows(queryset)
        return rows.filter(**{rows.dealer_lookup: self.dealer})

    def get(self, queryset, **lookups):
        """The one row of `queryset` matching `lookups` that the person may see.

        Another dealer's row is a 404, like a row that does not exist; to a person who works
        for no dealer at all, it is NoDealer, so they get the same answer as on every page.
        """
        try:
            return self.rows(queryset).get(**lookups)
        except queryset.model.DoesNotExist:
            if not self.dealers:
                raise NoDealer from None
            raise Http404(
                f"No {queryset.model._meta.object_name} matches the given query."
            ) from None


class DealerScopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.dealer_scope = DealerScope(request)
        return self.get_response(request)
