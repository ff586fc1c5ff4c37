"""A form that books money or moves a state acts once per rendering: a second post of the same
form, even at the same moment, books nothing and says so; a post without its token is refused."""

import re
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from exports.models import ShipmentLine, ShipmentMilestone, ShipmentStatus
from inventory.idempotency import FIELD_NAME, MAX_AGE_SECONDS, issue_token
from inventory.models import FloorPlanPayment, SubmissionToken
from inventory.services import submission_tokens_prune, vehicle_floor
from tests.factories import ShipmentFactory, VehicleFactory

ALREADY = "This form was already submitted; nothing was done a second time."
EXPIRED = "This form has expired or was not sent from its page; reload it and try again."


def floored_car(dealer, line):
    vehicle = VehicleFactory(dealer=dealer, acquisition_cost=Decimal("100000"))
    vehicle_floor(
        vehicle=vehicle,
        line=line,
        principal=Decimal("100000"),
        floored_on=dealer.today() - timedelta(days=10),
    )
    return vehicle


def curtailment(token, dealer):
    return {"kind": "curtailment", "paid_on": dealer.today(), "amount": "1000", FIELD_NAME: token}


def token_on_page(html, action):
    """The token the page rendered into the form that posts to `action`."""
    form = re.search(rf'action="{re.escape(action)}".*?</form>', html, re.S)
    assert form, action
    return re.search(rf'name="{FIELD_NAME}" value="([^"]+)"', form.group(0)).group(1)


@pytest.mark.django_db
def test_the_same_payment_form_posted_twice_books_one_payment(client, staff_a, dealer_a, line):
    vehicle = floored_car(dealer_a, line)
    client.force_login(staff_a)
    page = client.get(reverse("inventory:vehicle_detail", args=[vehicle.pk])).content.decode()
    url = reverse("inventory:floor_plan_pay", args=[vehicle.pk])
    token = token_on_page(page, url)

    first = client.post(url, curtailment(token, dealer_a))
    second = client.post(url, curtailment(token, dealer_a), follow=True)

    assert FloorPlanPayment.objects.count() == 1
    assert ALREADY in second.content.decode()
    # The second post lands where the first one did, which shows the payment.
    assert second.redirect_chain[0][0] == first["Location"]
    assert "1,000.00" in second.content.decode()


@pytest.mark.django_db
def test_a_post_without_its_token_is_refused(client, staff_a, dealer_a, line):
    vehicle = floored_car(dealer_a, line)
    client.force_login(staff_a)
    url = reverse("inventory:floor_plan_pay", args=[vehicle.pk])
    response = client.post(url, curtailment("", dealer_a), follow=True)
    assert EXPIRED in response.content.decode()
    assert not FloorPlanPayment.objects.exists()


@pytest.mark.django_db
def test_another_users_token_is_refused(client, staff_a, manager_a, dealer_a, line):
    vehicle = floored_car(dealer_a, line)
    client.force_login(staff_a)
    url = reverse("inventory:floor_plan_pay", args=[vehicle.pk])
    response = client.post(url, curtailment(issue_token(manager_a), dealer_a), follow=True)
    assert EXPIRED in response.content.decode()
    assert not FloorPlanPayment.objects.exists()


@pytest.mark.django_db
def test_a_refused_payment_leaves_nothing_booked_and_a_new_form_goes_through(
    client, staff_a, dealer_a, line
):
    vehicle = floored_car(dealer_a, line)
    client.force_login(staff_a)
    url = reverse("inventory:floor_plan_pay", args=[vehicle.pk])
    too_much = {**curtailment(issue_token(staff_a), dealer_a), "amount": "200000"}
    assert "The balance is only" in client.post(url, too_much, follow=True).content.decode()
    client.post(url, curtailment(issue_token(staff_a), dealer_a))
    assert FloorPlanPayment.objects.count() == 1


@pytest.mark.django_db
def test_a_shipment_moved_twice_from_one_form_moves_once(client, staff_a, dealer_a):
    shipment = ShipmentFactory(dealer=dealer_a)
    ShipmentLine.objects.create(
        shipment=shipment, vehicle=VehicleFactory(dealer=dealer_a), sale_price=1
    )
    client.force_login(staff_a)
    data = {
        "move-to_status": ShipmentStatus.BOOKED,
        "move-on": dealer_a.today(),
        FIELD_NAME: issue_token(staff_a),
    }
    url = reverse("exports:shipment_advance", args=[shipment.pk])
    client.post(url, data)
    second = client.post(url, data, follow=True)
    assert ALREADY in second.content.decode()
    assert ShipmentMilestone.objects.filter(shipment=shipment, status="booked").count() == 1
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.BOOKED


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_posts_of_one_payment_book_it_once(on_postgres, staff_a, dealer_a, line):
    vehicle = floored_car(dealer_a, line)
    url = reverse("inventory:floor_plan_pay", args=[vehicle.pk])
    data = curtailment(issue_token(staff_a), dealer_a)
    clients = [Client(), Client()]
    for each in clients:
        each.force_login(staff_a)
    start = threading.Barrier(len(clients))
    answers, failures = [], []

    def post(each):
        try:
            start.wait(timeout=10)
            answers.append(each.post(url, data))
        except Exception as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(each,)) for each in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert failures == []
    assert [answer.status_code for answer in answers] == [302, 302]
    assert FloorPlanPayment.objects.count() == 1
    assert SubmissionToken.objects.count() == 1


@pytest.mark.django_db
def test_expired_tokens_are_pruned(staff_a):
    SubmissionToken.objects.create(token="old", user=staff_a, path="/")
    SubmissionToken.objects.create(token="new", user=staff_a, path="/")
    later = timezone.now() + timedelta(seconds=MAX_AGE_SECONDS + 60)
    SubmissionToken.objects.filter(token="new").update(submitted_at=later)
    assert submission_tokens_prune(now=later) == 1
    assert list(SubmissionToken.objects.values_list("token", flat=True)) == ["new"]


@pytest.mark.django_db
def test_a_new_inspection_posted_twice_is_one_draft(client, staff_a, dealer_a):
    from tests.inventory.inspections.test_inspection_pages import grid

    vehicle = VehicleFactory(dealer=dealer_a)
    client.force_login(staff_a)
    url = reverse("inventory:inspection_start", args=[vehicle.pk])
    page = client.get(url).content.decode()
    token = re.search(rf'name="{FIELD_NAME}" value="([^"]+)"', page).group(1)
    data = {**grid(inspected_on=dealer_a.today().isoformat()), FIELD_NAME: token}
    client.post(url, data)
    second = client.post(url, data, follow=True)
    assert ALREADY in second.content.decode()
    assert vehicle.inspections.count() == 1
