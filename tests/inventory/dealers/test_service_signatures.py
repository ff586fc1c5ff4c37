"""The services name what they take: a misspelt fact fails in Python, a fact left out of an
update keeps its value; memberships and logins are written through services too."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from inventory import services
from inventory.models import Membership, Role, Vehicle, VehicleDocument
from tests.factories import UserFactory, VehicleFactory, next_vin

pytestmark = pytest.mark.django_db


def test_receive_refuses_a_fact_it_does_not_know(dealer_a):
    with pytest.raises(TypeError, match="colour_name"):
        services.vehicle_receive(
            dealer=dealer_a,
            vin=next_vin(),
            make="BYD",
            model="Seal",
            model_year=2025,
            powertrain="BEV",
            acquisition_cost=Decimal("150000"),
            list_price=Decimal("179800"),
            colour_name="White",
        )
    assert not Vehicle.objects.exists()


@pytest.mark.parametrize("name", ["status", "dealer", "export_candidate", "left_stock_on"])
def test_update_refuses_what_other_services_own(dealer_a, name):
    vehicle = VehicleFactory(dealer=dealer_a)
    with pytest.raises(TypeError, match=name):
        services.vehicle_update(vehicle=vehicle, **{name: None})


def test_update_changes_only_the_facts_given_and_can_clear_one(dealer_a):
    today = dealer_a.today()
    vehicle = VehicleFactory(dealer=dealer_a, colour="Blue", registered_on=today)
    services.vehicle_update(vehicle=vehicle, registered_on=None)
    vehicle.refresh_from_db()
    assert vehicle.registered_on is None
    assert vehicle.colour == "Blue"

    services.vehicle_update(vehicle=vehicle, colour="Red", odometer_km=vehicle.odometer_km + 5)
    vehicle.refresh_from_db()
    assert (vehicle.colour, vehicle.registered_on) == ("Red", None)


def test_update_normalises_a_new_vin(dealer_a):
    vehicle = VehicleFactory(dealer=dealer_a)
    vin = next_vin()
    services.vehicle_update(vehicle=vehicle, vin=f"{vin[:8].lower()} {vin[8:]}")
    vehicle.refresh_from_db()
    assert vehicle.vin == vin


def test_a_document_with_an_unknown_field_is_refused(dealer_a):
    vehicle = VehicleFactory(dealer=dealer_a)
    with pytest.raises(TypeError, match="issuing_body"):
        services.vehicle_document_add(
            vehicle=vehicle,
            kind="conformity_certificate",
            issuer="TUV",
            issued_on=dealer_a.today() - timedelta(days=1),
            issuing_body="TUV",
        )
    assert not VehicleDocument.objects.exists()


def test_membership_is_given_changed_and_taken_away(dealer_a):
    user = UserFactory()
    membership = services.membership_save(
        membership=Membership(user=user, dealer=dealer_a, role=Role.STAFF)
    )
    membership.role = Role.MANAGER
    services.membership_save(membership=membership)
    assert Membership.objects.get(user=user, dealer=dealer_a).role == Role.MANAGER

    with pytest.raises(ValidationError, match="already belongs to this dealer"):
        services.membership_save(membership=Membership(user=user, dealer=dealer_a))

    services.membership_delete(membership=membership)
    assert not Membership.objects.filter(user=user).exists()


def test_a_login_is_saved_with_a_hashed_password_and_its_groups(db):
    group = Group.objects.create(name="Readers")
    user = services.user_save(
        user=UserFactory.build(username="mei.lin"), password="s3cret-words", groups=[group]
    )
    user.refresh_from_db()
    assert user.check_password("s3cret-words")
    assert user.password != "s3cret-words"
    assert list(user.groups.all()) == [group]

    services.user_save(user=user)
    user.refresh_from_db()
    assert user.check_password("s3cret-words")
    assert list(user.groups.all()) == [group]
