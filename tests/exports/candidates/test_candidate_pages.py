"""The candidate list pages by keyset in its ranking order, and its pager keeps the filters."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from exports import cashflow
from tests.factories import VehicleFactory

pytestmark = pytest.mark.django_db

LIST = reverse("exports:candidates")


@pytest.fixture
def staff_client(client, staff_a):
    client.force_login(staff_a)
    return client


def listed(response):
    rows = response.content.decode().split('id="candidates"')[1].split("</table>")[0]
    return re.findall(r'<tr data-vin="([A-HJ-NPR-Z0-9]{17})"', rows)


def next_link(response):
    found = re.search(r'href="(\?[^"]*after=[^"]*)"', response.content.decode())
    return LIST + found.group(1).replace("&amp;", "&") if found else None


def test_pages_walk_the_ranking_once_with_numbers_that_go_on(staff_client, dealer_a):
    # Equal prices make equal cash released: the id has to break the ties across pages.
    for n in range(55):
        VehicleFactory(
            dealer=dealer_a, export_candidate=True, list_price=Decimal(100_000 + 1000 * (n % 7))
        )
    ranked = [v.vin for v in cashflow.candidates_by_cash_released(dealer_a, dealer_a.today())]
    first = staff_client.get(LIST)
    second = staff_client.get(next_link(first))
    assert listed(first) + listed(second) == ranked
    assert next_link(second) is None
    assert second.context["page"].start_index == 51
    assert re.search(r'form="select-for-shipment"[^>]*></td><td>51</td>', second.content.decode())


def test_the_pager_keeps_the_search(staff_client, dealer_a):
    for _ in range(51):
        VehicleFactory(dealer=dealer_a, export_candidate=True, model="Seal")
    VehicleFactory(dealer=dealer_a, export_candidate=True, model="Atto 3")
    first = staff_client.get(LIST, {"q": "seal"})
    assert "q=seal" in next_link(first)
    assert len(listed(first)) + len(listed(staff_client.get(next_link(first)))) == 51
