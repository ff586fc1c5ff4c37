"""App config for exports."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = _("Exports")

    def ready(self):
        # The inventory list filters on export markets, and its services re-judge the cars
        # they write, without importing this app.
        from inventory import filters, judging

        from .candidates import rejudge, rejudge_dealer
        from .eligibility import market_choices

        filters.market_choices_provider = market_choices
        judging.register(vehicles=rejudge, dealer=rejudge_dealer)
