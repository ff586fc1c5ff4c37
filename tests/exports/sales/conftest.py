from datetime import timedelta

import pytest

from exports import services
from exports.models import DestinationMarket, QualificationList


@pytest.fixture
def exporter(dealer_a):
    today = dealer_a.today()
    return services.exporter_create(
        dealer=dealer_a,
        name="Hangzhou Export Co.",
        credit_code="91440300708461136T",
        qualification_list=QualificationList.MOFCOM_ENTERPRISE,
        qualified_from=today - timedelta(days=200),
        qualified_until=today + timedelta(days=165),
    )


@pytest.fixture
def kazakhstan(markets):
    return DestinationMarket.objects.get(country_code="KZ")
