"""The staff's offer pages: an offer made from ticked cars, priced, sent, its bids accepted
with the question asked first; its PDF and workbook in the recipient's language with nothing
of what the cars cost; and another dealer's rows, by path or in a form, a 404."""

import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from exports import services
from exports.models import Bid, BidStatus, Offer, OfferStatus
from inventory.models import Reservation, VehicleStatus
from tests.factories import ExporterFactory, VehicleFactory, sent_offer

from .conftest import secret_figures

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def xlsx_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return " ".join(
        str(value) for sheet in book for row in sheet.iter_rows(values_only=True) for value in row
    )


def test_an_offer_is_made_from_the_cars_ticked_in_the_inventory_list(staff_client, dealer_a):
    cars = [VehicleFactory(dealer=dealer_a) for _ in range(3)]
    ticked = staff_client.post(
        reverse("exports:offer_ticked"), {"vehicle": [car.pk for car in cars], "back": ""}
    )
    assert ticked.status_code == 302
    form = staff_client.get(ticked["Location"])
    assert all(car.vin in form.content.decode() for car in cars)
    made = staff_client.post(
        reverse("exports:offer_create"),
        {
            "vehicle": [car.pk for car in cars],
            "title": "December stock",
            "valid_until": (dealer_a.today() + timedelta(days=10)).isoformat(),
            "currency": "CNY",
            "fx_rate_to_base": "1",
            "discount_pct": "5",
        },
    )
    offer = Offer.objects.get(dealer=dealer_a)
    assert made["Location"] == offer.get_absolute_url()
    assert offer.lines.count() == 3
    page = staff_client.get(offer.get_absolute_url())
    assert page.status_code == 200
    assert "5.00% off the export price" in page.content.decode()


def test_the_candidates_page_offers_to_create_an_offer(staff_client, world):
    page = staff_client.get(reverse("exports:candidates"))
    assert reverse("exports:offer_create") in page.content.decode()
    inventory = staff_client.get(reverse("inventory:vehicle_list"))
    assert reverse("exports:offer_ticked") in inventory.content.decode()


def test_a_sold_car_is_refused_by_name(staff_client, dealer_a):
    sold = VehicleFactory(dealer=dealer_a, status=VehicleStatus.SOLD_DOMESTIC)
    page = staff_client.post(
        reverse("exports:offer_create"),
        {
            "vehicle": [sold.pk],
            "valid_until": (dealer_a.today() + timedelta(days=10)).isoformat(),
            "currency": "CNY",
            "fx_rate_to_base": "1",
            "discount_pct": "0",
        },
    )
    assert page.status_code == 400
    assert sold.vin in page.content.decode()
    assert not Offer.objects.exists()


def test_staff_add_recipients_send_and_see_the_links(staff_client, dealer_a):
    offer = services.offer_create(
        dealer=dealer_a,
        vehicles=[VehicleFactory(dealer=dealer_a)],
        valid_until=dealer_a.today() + timedelta(days=5),
    )
    exporter = ExporterFactory(dealer=dealer_a, name="Qingdao Car Export Co.")
    add = reverse("exports:offer_add_recipient", args=[offer.pk])
    assert staff_client.post(add, {"exporter": exporter.pk, "language": "en"}).status_code == 302
    staff_client.post(add, {"buyer_company": "Almaty Auto LLP", "language": "ru"})
    staff_client.post(reverse("exports:offer_send", args=[offer.pk]))
    page = staff_client.get(offer.get_absolute_url()).content.decode()
    for recipient in offer.recipients.all():
        assert recipient.token and recipient.get_public_url() in page
    assert "Not opened yet" in page


def test_a_lapsed_exporter_is_refused_on_the_page_by_name(staff_client, dealer_a):
    offer = services.offer_create(
        dealer=dealer_a,
        vehicles=[VehicleFactory(dealer=dealer_a)],
        valid_until=dealer_a.today() + timedelta(days=5),
    )
    lapsed = ExporterFactory(
        dealer=dealer_a,
        name="Expired Trading Co.",
        qualified_from=dealer_a.today() - timedelta(days=400),
        qualified_until=dealer_a.today() - timedelta(days=35),
    )
    page = staff_client.post(
        reverse("exports:offer_add_recipient", args=[offer.pk]),
        {"exporter": lapsed.pk, "language": "en"},
    )
    assert page.status_code == 400
    assert "Expired Trading Co. is not qualified" in page.content.decode()


def test_accepting_asks_first_then_reserves_for_the_exporter(staff_client, dealer_a, staff_a):
    car = VehicleFactory(dealer=dealer_a)
    exporter = ExporterFactory(dealer=dealer_a)
    offer = sent_offer(dealer_a, [car], exporters=[exporter])
    recipient = offer.recipients.get()
    line = offer.lines.get()
    bid = services.response_record(recipient=recipient, line_id=line.pk, kind="bid", amount="9")
    accept = reverse("exports:offer_bid_accept", args=[offer.pk, bid.pk])
    page = staff_client.get(offer.get_absolute_url()).content.decode()
    assert f'action="{accept}' in page and "data-confirm=" in page
    until = (dealer_a.today() + timedelta(days=4)).isoformat()
    asked = staff_client.post(accept, {"expires_on": until})
    assert asked.status_code == 200 and "Accept and reserve" in asked.content.decode()
    bid.refresh_from_db()
    assert bid.status == BidStatus.OPEN
    staff_client.post(accept, {"expires_on": until, "confirmed": "yes"})
    bid.refresh_from_db()
    assert bid.status == BidStatus.ACCEPTED
    reservation = Reservation.objects.open().get(vehicle=car)
    assert (reservation.exporter, reservation.reserved_by) == (exporter, staff_a)


def test_staff_record_a_bid_on_a_recipients_behalf(staff_client, dealer_a, staff_a):
    car = VehicleFactory(dealer=dealer_a)
    offer = sent_offer(dealer_a, [car], buyers=[("Dubai Cars FZE", "ar")])
    recipient, line = offer.recipients.get(), offer.lines.get()
    answer = staff_client.post(
        reverse("exports:offer_record_bid", args=[offer.pk]),
        {"recipient": recipient.pk, "line": line.pk, "kind": "bid", "amount": "12.5x"},
    )
    assert answer.status_code == 400 and "must be a number" in answer.content.decode()
    staff_client.post(
        reverse("exports:offer_record_bid", args=[offer.pk]),
        {"recipient": recipient.pk, "line": line.pk, "kind": "bid", "amount": "120000"},
    )
    bid = Bid.objects.get()
    assert (bid.recorded_by, str(bid.amount)) == (staff_a, "120000.00")


def test_revoking_a_link_asks_first(staff_client, dealer_a):
    offer = sent_offer(dealer_a, [VehicleFactory(dealer=dealer_a)], buyers=[("A", "en")])
    recipient = offer.recipients.get()
    revoke = reverse("exports:offer_recipient_revoke", args=[offer.pk, recipient.pk])
    assert staff_client.post(revoke).status_code == 200
    recipient.refresh_from_db()
    assert recipient.revoked_at is None
    staff_client.post(revoke, {"confirmed": "yes"})
    recipient.refresh_from_db()
    assert recipient.revoked_at is not None


@pytest.mark.parametrize("language", ["en", "zh-hans", "ru", "ar"])
def test_the_pdf_and_workbook_show_the_cars_and_no_cost(staff_client, world, language):
    pdf = staff_client.get(reverse("exports:offer_pdf", args=[world.offer.pk]), {"lang": language})
    assert pdf["Content-Type"] == "application/pdf"
    xlsx = staff_client.get(
        reverse("exports:offer_xlsx", args=[world.offer.pk]), {"lang": language}
    )
    texts = {"pdf": pdf_text(pdf.content), "xlsx": xlsx_text(xlsx.content)}
    for kind, text in texts.items():
        for car in world.cars:
            assert car.vin in text, kind
        for figure in secret_figures():
            assert figure not in text, (kind, figure)
    asking = world.lines[world.cars[0].pk].asking_price
    assert f"{asking:.2f}" == "166600.00"
    assert "166600" in texts["xlsx"].split()
    headings = {"en": "Asking price", "zh-hans": "报价", "ru": "Запрашиваемая цена"}
    if language in headings:
        assert headings[language] in texts["xlsx"]
        assert headings[language] in re.sub(r"\s+", " ", texts["pdf"])


def test_another_dealers_exporter_in_the_form_is_refused(staff_client, dealer_a, dealer_b):
    offer = services.offer_create(
        dealer=dealer_a,
        vehicles=[VehicleFactory(dealer=dealer_a)],
        valid_until=dealer_a.today() + timedelta(days=5),
    )
    theirs = ExporterFactory(dealer=dealer_b, name="Someone Else's Exporter")
    page = staff_client.post(
        reverse("exports:offer_add_recipient", args=[offer.pk]),
        {"exporter": theirs.pk, "language": "en"},
    )
    assert page.status_code == 404
    assert "Someone Else" not in page.content.decode()
    assert not offer.recipients.exists()


def test_another_dealers_bid_line_or_recipient_under_our_offer_is_a_404(
    staff_client, dealer_a, dealer_b
):
    ours = sent_offer(dealer_a, [VehicleFactory(dealer=dealer_a)], buyers=[("Ours", "en")])
    theirs = sent_offer(dealer_b, [VehicleFactory(dealer=dealer_b)], buyers=[("Theirs", "en")])
    their_line, their_recipient = theirs.lines.get(), theirs.recipients.get()
    their_bid = services.response_record(
        recipient=their_recipient, line_id=their_line.pk, kind="bid", amount="5"
    )
    urls = [
        reverse("exports:offer_bid_accept", args=[ours.pk, their_bid.pk]),
        reverse("exports:offer_bid_decline", args=[ours.pk, their_bid.pk]),
        reverse("exports:offer_line_price", args=[ours.pk, their_line.pk]),
        reverse("exports:offer_line_withdraw", args=[ours.pk, their_line.pk]),
        reverse("exports:offer_recipient_revoke", args=[ours.pk, their_recipient.pk]),
    ]
    for url in urls:
        assert staff_client.post(url, {"confirmed": "yes"}).status_code == 404, url
    answer = staff_client.post(
        reverse("exports:offer_record_bid", args=[ours.pk]),
        {"recipient": their_recipient.pk, "line": their_line.pk, "kind": "interest"},
    )
    assert answer.status_code == 404
    mixed = staff_client.post(
        reverse("exports:offer_record_bid", args=[ours.pk]),
        {"recipient": ours.recipients.get().pk, "line": their_line.pk, "kind": "interest"},
    )
    assert mixed.status_code == 404
    their_bid.refresh_from_db()
    assert their_bid.status == BidStatus.OPEN
    assert Bid.objects.count() == 1
    assert theirs.status == OfferStatus.SENT


def test_another_dealers_offer_is_a_404_on_every_page(staff_client, dealer_b):
    theirs = sent_offer(dealer_b, [VehicleFactory(dealer=dealer_b)], buyers=[("Theirs", "en")])
    for name in ("offer_detail", "offer_pdf", "offer_xlsx"):
        assert staff_client.get(reverse(f"exports:{name}", args=[theirs.pk])).status_code == 404
    for name in ("offer_send", "offer_withdraw", "offer_set_discount", "offer_add_recipient"):
        url = reverse(f"exports:{name}", args=[theirs.pk])
        answer = staff_client.post(url, {"confirmed": "yes", "discount": "50", "language": "en"})
        assert answer.status_code == 404, name
    theirs.refresh_from_db()
    assert theirs.status == OfferStatus.SENT
    assert theirs.recipients.count() == 1
