"""App config for exports."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = _("Exports")

    def ready(self):
        # The inventory list filters on export markets without importing this app.
        from inventory import filters

        from .eligibility import market_choices

        filters.market_choices_provider = market_choices
