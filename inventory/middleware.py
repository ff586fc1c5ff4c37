"""Which dealer the signed-in person is working for, resolved once per request."""

from functools import cached_property

from .models import Dealer

SESSION_KEY = "dealerhub.dealer_id"


class DealerScope:
    """The dealers a person may work for and the one chosen in the dealer switcher.

    Both come from one query, made only when a page asks for them.
    """

    def __init__(self, request):
        self.request = request

    @cached_property
    def dealers(self) -> list[Dealer]:
        return list(
            Dealer.objects.visible_to(self.request.user).filter(is_active=True).order_by("name")
        )

    @cached_property
    def current(self) -> Dealer | None:
        chosen = self.request.session.get(SESSION_KEY)
        for dealer in self.dealers:
            if dealer.pk == chosen:
                return dealer
        return self.dealers[0] if self.dealers else None

    def choose(self, dealer: Dealer):
        self.request.session[SESSION_KEY] = dealer.pk
        self.__dict__["current"] = dealer


class DealerScopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.dealer_scope = DealerScope(request)
        return self.get_response(request)
