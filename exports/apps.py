"""App config for exports."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = _("Exports")

    def ready(self):
        # The inventory list filters on export markets and offers shipments for the ticked
        # cars, and its services re-judge the cars they write, without importing this app.
        from inventory import filters, judging
        from inventory.views import bulk

        from .candidates import rejudge, rejudge_dealer
        from .eligibility import market_choices
        from .shipments import shipments_taking_cars

        filters.market_choices_provider = market_choices
        bulk.shipment_choices_provider = shipments_taking_cars
        judging.register(vehicles=rejudge, dealer=rejudge_dealer)
