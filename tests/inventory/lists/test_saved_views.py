"""Saved views of the inventory list: kept per person and dealer, one opening the list, shared
read-only with the dealer, and nobody else's to open or change."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from inventory import services
from inventory.models import SavedView
from tests.factories import MembershipFactory, UserFactory, VehicleFactory

LIST = reverse("inventory:vehicle_list")
CREATE = reverse("inventory:saved_view_create")


def listed_vins(response):
    return re.findall(
        r'/inventory/vehicles/\d+/">([A-HJ-NPR-Z0-9]{17})<', response.content.decode()
    )


@pytest.fixture
def stock(dealer_a):
    today = dealer_a.today()
    return {
        "geely": VehicleFactory(dealer=dealer_a, make="Geely", stocked_on=today - timedelta(3)),
        "byd": VehicleFactory(dealer=dealer_a, make="BYD", stocked_on=today - timedelta(5)),
    }


@pytest.fixture
def colleague(dealer_a):
    return MembershipFactory(dealer=dealer_a, user=UserFactory(username="colleague")).user


def test_save_the_lists_filters_and_open_them_again(staff_client, staff_a, dealer_a, stock):
    response = staff_client.post(
        CREATE, {"name": "Geely on the lot", "query": "make=Geely&sort=-stocked_on&after=abc"}
    )
    view = SavedView.objects.get(user=staff_a, dealer=dealer_a)
    # The page position is not part of what a view keeps.
    assert view.query == "make=Geely&sort=-stocked_on"
    assert response["Location"] == f"{LIST}?make=Geely&sort=-stocked_on&view={view.pk}"
    page = staff_client.get(response["Location"])
    assert listed_vins(page) == [stock["geely"].vin]
    link = f'<a href="{LIST}?make=Geely&amp;sort=-stocked_on&amp;view={view.pk}"'
    assert f'{link} aria-current="page">Geely on the lot' in page.content.decode()
    opened = staff_client.get(reverse("inventory:saved_view", args=[view.pk]))
    assert opened["Location"] == response["Location"]


def test_a_default_view_opens_the_list_and_all_vehicles_is_one_click_away(
    staff_client, staff_a, dealer_a, stock
):
    view = services.saved_view_create(
        dealer=dealer_a, name="BYD", query="make=BYD", is_default=True, by=staff_a
    )
    response = staff_client.get(LIST)
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?make=BYD&view={view.pk}"
    assert listed_vins(staff_client.get(response["Location"])) == [stock["byd"].vin]
    everything = staff_client.get(LIST, {"view": "all"})
    assert sorted(listed_vins(everything)) == sorted(car.vin for car in stock.values())


def test_one_default_per_person_and_dealer(staff_a, dealer_a):
    first = services.saved_view_create(
        dealer=dealer_a, name="One", query="", is_default=True, by=staff_a
    )
    second = services.saved_view_create(
        dealer=dealer_a, name="Two", query="", is_default=True, by=staff_a
    )
    first.refresh_from_db()
    assert (first.is_default, second.is_default) == (False, True)
    # The database holds the rule too, whatever writes the rows.
    with pytest.raises(IntegrityError), transaction.atomic():
        SavedView.objects.filter(pk=first.pk).update(is_default=True)


def test_names_are_unique_per_person_and_dealer_but_not_across_people(
    staff_client, staff_a, colleague, dealer_a
):
    services.saved_view_create(dealer=dealer_a, name="Aged", query="", by=staff_a)
    services.saved_view_create(dealer=dealer_a, name="Aged", query="", by=colleague)
    response = staff_client.post(CREATE, {"name": "Aged", "query": "make=BYD"}, follow=True)
    assert "You already have a view with this name." in response.content.decode()
    assert SavedView.objects.filter(user=staff_a).count() == 1


def test_a_shared_view_is_offered_to_colleagues_read_only(
    client, staff_a, colleague, dealer_a, stock
):
    view = services.saved_view_create(
        dealer=dealer_a, name="For everyone", query="make=Geely", is_shared=True, by=staff_a
    )
    services.saved_view_create(dealer=dealer_a, name="Mine alone", query="", by=staff_a)
    client.force_login(colleague)
    page = client.get(LIST, {"view": "all"}).content.decode()
    assert "For everyone" in page and "shared by staff_a" in page
    assert "Mine alone" not in page
    opened = client.get(reverse("inventory:saved_view", args=[view.pk]), follow=True)
    assert listed_vins(opened) == [stock["geely"].vin]
    assert 'id="edit-view"' not in opened.content.decode()
    # Only the owner changes or deletes it.
    change = client.post(
        reverse("inventory:saved_view", args=[view.pk]), {"name": "Hijacked", "query": ""}
    )
    assert change.status_code == 404
    assert client.post(reverse("inventory:saved_view_delete", args=[view.pk])).status_code == 404
    view.refresh_from_db()
    assert view.name == "For everyone"


def test_the_owner_renames_shares_repoints_and_deletes(staff_client, staff_a, dealer_a):
    view = services.saved_view_create(dealer=dealer_a, name="Old", query="make=BYD", by=staff_a)
    url = reverse("inventory:saved_view", args=[view.pk])
    staff_client.post(url, {"name": "New", "is_shared": "on", "query": "make=Geely"})
    view.refresh_from_db()
    assert (view.name, view.is_shared, view.query) == ("New", True, "make=BYD")
    staff_client.post(url, {"name": "New", "query": "make=Geely", "replace_query": "on"})
    view.refresh_from_db()
    assert (view.is_shared, view.query) == (False, "make=Geely")
    staff_client.post(reverse("inventory:saved_view_delete", args=[view.pk]))
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_another_dealers_view_is_a_404(client, dealer_a, dealer_b, staff_a):
    theirs_user = MembershipFactory(dealer=dealer_b, user=UserFactory(username="b_staff")).user
    theirs = services.saved_view_create(
        dealer=dealer_b, name="Bravo's", query="", is_shared=True, by=theirs_user
    )
    client.force_login(staff_a)
    assert client.get(reverse("inventory:saved_view", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("inventory:saved_view_delete", args=[theirs.pk])).status_code == 404
    assert "Bravo&#x27;s" not in client.get(LIST).content.decode()
    # Nor can a view be kept for a dealer one does not work for.
    with pytest.raises(ValidationError):
        services.saved_view_create(dealer=dealer_b, name="Sneaky", query="", by=staff_a)


def test_a_view_naming_what_the_person_cannot_see_shows_nothing(
    staff_client, staff_a, dealer_a, dealer_b
):
    VehicleFactory(dealer=dealer_b, make="Bravo-only make")
    VehicleFactory(dealer=dealer_a, make="BYD")
    view = services.saved_view_create(
        dealer=dealer_a, name="Odd", query="make=Bravo-only+make", by=staff_a
    )
    page = staff_client.get(reverse("inventory:saved_view", args=[view.pk]), follow=True)
    assert listed_vins(page) == []
    assert "Bravo-only" not in "".join(listed_vins(page))


def test_a_view_keeps_columns_and_sort(staff_client, staff_a, dealer_a, stock):
    view = services.saved_view_create(
        dealer=dealer_a, name="Lean", query="col=&col=colour&sort=make", by=staff_a
    )
    page = staff_client.get(reverse("inventory:saved_view", args=[view.pk]), follow=True)
    assert listed_vins(page) == [stock["byd"].vin, stock["geely"].vin]
    assert page.context["shown_columns"] == ["colour"]
