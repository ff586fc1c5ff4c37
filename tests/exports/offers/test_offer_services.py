"""Offers as the services keep them: prices by discount to the cent, recipients an exporter's
lapsed qualification refuses, bids, and the acceptance that reserves the car for its bidder."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from exports import services
from exports.models import BidStatus, OfferStatus, Pricing
from inventory.models import Reservation, VehicleStatus
from tests.factories import ExporterFactory, VehicleFactory, reserve, sent_offer

pytestmark = pytest.mark.django_db


def _offer(dealer, vehicles, **kwargs):
    return services.offer_create(
        dealer=dealer, vehicles=vehicles, valid_until=dealer.today() + timedelta(days=10), **kwargs
    )


def test_offers_are_numbered_per_dealer_and_year(dealer_a, dealer_b):
    first = _offer(dealer_a, [VehicleFactory(dealer=dealer_a)])
    second = _offer(dealer_a, [VehicleFactory(dealer=dealer_a)])
    other = _offer(dealer_b, [VehicleFactory(dealer=dealer_b)])
    year = dealer_a.today().year
    assert [first.reference, second.reference] == [f"OF-{year}-0001", f"OF-{year}-0002"]
    assert other.reference == f"OF-{dealer_b.today().year}-0001"


def test_a_discount_prices_each_car_off_its_export_price_to_the_cent(dealer_a):
    dealer_a.export_discount_pct = Decimal("3.00")
    dealer_a.save()
    listed = VehicleFactory(dealer=dealer_a, list_price=Decimal("179833.33"))
    typed = VehicleFactory(dealer=dealer_a, export_price=Decimal("150000.01"))
    offer = _offer(dealer_a, [listed, typed], discount_pct=Decimal("2.5"))
    prices = {line.vehicle_id: line.asking_price for line in offer.lines.all()}
    # 179833.33 less the dealer's 3 % is 174438.33; less 2.5 % is 170077.37 (…3718 rounded).
    assert prices[listed.pk] == Decimal("170077.37")
    assert prices[typed.pk] == Decimal("146250.01")
    services.offer_set_discount(offer=offer, discount_pct="10")
    line = offer.lines.get(vehicle=typed)
    assert line.asking_price == Decimal("135000.01")
    assert (line.pricing, line.discount_pct) == (Pricing.DISCOUNT, Decimal("10.00"))
    services.offer_line_set_price(line=line, price="140000.50")
    line.refresh_from_db()
    assert (line.asking_price, line.pricing, line.discount_pct) == (
        Decimal("140000.50"),
        Pricing.PRICE,
        None,
    )


def test_a_discount_converts_to_the_offer_currency(dealer_a):
    car = VehicleFactory(dealer=dealer_a, export_price=Decimal("100000.00"))
    offer = _offer(dealer_a, [car], currency="usd", fx_rate_to_base=Decimal("7.1"))
    assert offer.currency == "USD"
    assert offer.lines.get().asking_price == Decimal("14084.51")


def test_a_car_not_on_hand_is_refused_by_its_vin(dealer_a):
    sold = VehicleFactory(dealer=dealer_a, status=VehicleStatus.SOLD_DOMESTIC)
    with pytest.raises(ValidationError) as refused:
        _offer(dealer_a, [VehicleFactory(dealer=dealer_a), sold])
    assert sold.vin in " ".join(refused.value.messages)


def test_another_dealers_car_is_refused(dealer_a, dealer_b):
    with pytest.raises(ValidationError):
        _offer(dealer_a, [VehicleFactory(dealer=dealer_b)])


def test_an_exporter_whose_qualification_lapsed_is_refused_by_name(dealer_a):
    today = dealer_a.today()
    lapsed = ExporterFactory(
        dealer=dealer_a,
        name="Lapsed Export Co.",
        qualified_from=today - timedelta(days=400),
        qualified_until=today - timedelta(days=1),
    )
    offer = _offer(dealer_a, [VehicleFactory(dealer=dealer_a)])
    with pytest.raises(ValidationError) as refused:
        services.offer_add_recipient(offer=offer, exporter=lapsed)
    assert "Lapsed Export Co." in " ".join(refused.value.messages)
    assert not offer.recipients.exists()


def test_an_exporter_that_lapses_before_the_send_day_is_refused_when_sending(dealer_a):
    exporter = ExporterFactory(dealer=dealer_a, name="Soon Lapsed Co.")
    offer = _offer(dealer_a, [VehicleFactory(dealer=dealer_a)])
    services.offer_add_recipient(offer=offer, exporter=exporter)
    exporter.qualified_until = dealer_a.today() - timedelta(days=1)
    exporter.qualified_from = dealer_a.today() - timedelta(days=300)
    exporter.save()
    with pytest.raises(ValidationError) as refused:
        services.offer_send(offer=offer)
    assert "Soon Lapsed Co." in " ".join(refused.value.messages)
    assert offer.recipients.get().token is None
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DRAFT


def test_another_dealers_exporter_is_refused(dealer_a, dealer_b):
    offer = _offer(dealer_a, [VehicleFactory(dealer=dealer_a)])
    with pytest.raises(ValidationError):
        services.offer_add_recipient(offer=offer, exporter=ExporterFactory(dealer=dealer_b))


def test_sending_makes_a_link_per_recipient_valid_until_the_offer(dealer_a):
    offer = sent_offer(
        dealer_a,
        [VehicleFactory(dealer=dealer_a)],
        exporters=[ExporterFactory(dealer=dealer_a)],
        buyers=[("Almaty Motors", "ru")],
    )
    recipients = list(offer.recipients.all())
    assert offer.status == OfferStatus.SENT
    assert len({r.token for r in recipients}) == 2 and all(len(r.token) >= 32 for r in recipients)
    assert {r.expires_on for r in recipients} == {offer.valid_until}
    assert [r.language for r in recipients] == ["en", "ru"]


@pytest.fixture
def bidding(dealer_a):
    cars = [VehicleFactory(dealer=dealer_a) for _ in range(2)]
    first, second = ExporterFactory(dealer=dealer_a), ExporterFactory(dealer=dealer_a)
    offer = sent_offer(dealer_a, cars, exporters=[first, second], buyers=[("Dubai Cars", "ar")])
    return offer, cars, list(offer.recipients.order_by("pk"))


def test_accepting_a_bid_reserves_the_car_for_the_exporter_and_declines_the_others(
    bidding, staff_a
):
    offer, cars, (first, second, buyer) = bidding
    line = offer.lines.get(vehicle=cars[0])
    other_line = offer.lines.get(vehicle=cars[1])
    mine = services.response_record(recipient=first, line_id=line.pk, kind="bid", amount="150000")
    theirs = services.response_record(
        recipient=second, line_id=line.pk, kind="bid", amount="151000.50"
    )
    interest = services.response_record(recipient=buyer, line_id=line.pk, kind="interest")
    elsewhere = services.response_record(
        recipient=second, line_id=other_line.pk, kind="bid", amount="90000"
    )
    until = offer.dealer.today() + timedelta(days=5)
    services.bid_accept(bid=theirs, expires_on=until, by=staff_a)
    for bid in (mine, theirs, interest, elsewhere):
        bid.refresh_from_db()
    assert theirs.status == BidStatus.ACCEPTED
    assert (mine.status, interest.status) == (BidStatus.DECLINED, BidStatus.DECLINED)
    assert elsewhere.status == BidStatus.OPEN
    reservation = Reservation.objects.open().get(vehicle=cars[0])
    assert reservation.exporter == second.exporter
    assert reservation.expires_on == until
    assert reservation.customer_name == second.exporter.name
    assert theirs.reservation == reservation
    cars[0].refresh_from_db()
    assert cars[0].status == VehicleStatus.RESERVED


def test_a_car_cannot_be_accepted_twice(bidding):
    offer, cars, (first, second, _buyer) = bidding
    line = offer.lines.get(vehicle=cars[0])
    one = services.response_record(recipient=first, line_id=line.pk, kind="bid", amount="1000")
    services.bid_accept(bid=one)
    late = services.response_record(recipient=second, line_id=line.pk, kind="bid", amount="2000")
    with pytest.raises(ValidationError) as refused:
        services.bid_accept(bid=late)
    assert cars[0].vin in " ".join(refused.value.messages)
    assert Reservation.objects.filter(vehicle=cars[0]).count() == 1


def test_a_car_reserved_elsewhere_cannot_be_accepted(bidding):
    offer, cars, (first, _second, _buyer) = bidding
    line = offer.lines.get(vehicle=cars[1])
    bid = services.response_record(recipient=first, line_id=line.pk, kind="bid", amount="1000")
    reserve(cars[1])
    with pytest.raises(ValidationError) as refused:
        services.bid_accept(bid=bid)
    assert "reserved" in " ".join(refused.value.messages)
    bid.refresh_from_db()
    assert bid.status == BidStatus.OPEN


def test_a_new_bid_supersedes_the_same_recipients_open_one(bidding):
    offer, cars, (first, *_rest) = bidding
    line = offer.lines.get(vehicle=cars[0])
    old = services.response_record(recipient=first, line_id=line.pk, kind="bid", amount="1000")
    new = services.response_record(recipient=first, line_id=line.pk, kind="bid", amount="1200")
    old.refresh_from_db()
    assert (old.status, new.status) == (BidStatus.SUPERSEDED, BidStatus.OPEN)


@pytest.mark.parametrize(
    ("amount", "says"),
    [
        ("abc", "must be a number"),
        ("-5", "more than zero"),
        ("0", "more than zero"),
        ("10.001", "two decimals"),
        ("1e40", "too large"),
        ("NaN", "must be a number"),
        ("", "must be a number"),
    ],
)
def test_a_bad_amount_is_refused_on_the_amount_field(bidding, amount, says):
    offer, _cars, (first, *_rest) = bidding
    line = offer.lines.first()
    with pytest.raises(ValidationError) as refused:
        services.response_record(recipient=first, line_id=line.pk, kind="bid", amount=amount)
    assert says in " ".join(refused.value.message_dict["amount"])


def test_a_line_of_another_offer_or_taken_off_is_refused(bidding, dealer_a):
    offer, cars, (first, *_rest) = bidding
    elsewhere = _offer(dealer_a, [VehicleFactory(dealer=dealer_a)]).lines.get()
    withdrawn = offer.lines.get(vehicle=cars[1])
    services.offer_line_withdraw(line=withdrawn)
    for line_id in (elsewhere.pk, withdrawn.pk, "x", "", 10**30):
        with pytest.raises(ValidationError) as refused:
            services.response_record(recipient=first, line_id=line_id, kind="interest")
        assert "line" in refused.value.message_dict


def test_a_revoked_or_expired_link_takes_no_bid(bidding):
    offer, _cars, (first, second, _buyer) = bidding
    line = offer.lines.first()
    services.recipient_revoke(recipient=first)
    with pytest.raises(ValidationError, match="withdrawn by the dealer"):
        services.response_record(recipient=first, line_id=line.pk, kind="interest")
    second.expires_on = offer.dealer.today() - timedelta(days=1)
    second.save()
    with pytest.raises(ValidationError, match="expired on"):
        services.response_record(recipient=second, line_id=line.pk, kind="interest")


def test_a_withdrawn_offer_takes_no_bid_and_declines_the_open_ones(bidding):
    offer, _cars, (first, *_rest) = bidding
    line = offer.lines.first()
    bid = services.response_record(recipient=first, line_id=line.pk, kind="bid", amount="5")
    services.offer_withdraw(offer=offer)
    bid.refresh_from_db()
    assert bid.status == BidStatus.DECLINED
    with pytest.raises(ValidationError, match="withdrawn by the dealer"):
        services.response_record(recipient=first, line_id=line.pk, kind="interest")


def test_opening_counts_and_keeps_the_first_time(bidding):
    _made, _cars, (first, *_rest) = bidding
    services.recipient_opened(recipient=first)
    first.refresh_from_db()
    opened = first.first_opened_at
    services.recipient_opened(recipient=first)
    first.refresh_from_db()
    assert first.open_count == 2
    assert first.first_opened_at == opened <= first.last_opened_at
