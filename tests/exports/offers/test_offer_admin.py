"""Managers read offers in the admin, with their cars, recipients and bids; nothing there
writes them, and the links' tokens are shown, never edited."""

import pytest
from django.urls import reverse

from exports import services
from exports.models import Offer
from tests.factories import VehicleFactory, sent_offer

pytestmark = pytest.mark.django_db


def test_the_admin_shows_an_offer_with_its_recipients_and_bids_read_only(
    client, manager_a, dealer_a
):
    car = VehicleFactory(dealer=dealer_a)
    offer = sent_offer(dealer_a, [car], buyers=[("Tashkent Motors", "ru")])
    recipient = offer.recipients.get()
    services.response_record(
        recipient=recipient, line_id=offer.lines.get().pk, kind="bid", amount="88000"
    )
    client.force_login(manager_a)
    url = reverse("admin:exports_offer_change", args=[offer.pk])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert recipient.token in body and car.vin in body and "88000" in body
    assert 'name="recipients-0-token"' not in body
    before = Offer.objects.values().get(pk=offer.pk)
    client.post(url, {"title": "changed", "status": "withdrawn"})
    assert Offer.objects.values().get(pk=offer.pk) == before
    assert client.get(reverse("admin:exports_offer_add")).status_code == 403
