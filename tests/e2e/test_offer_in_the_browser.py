"""In a real browser: staff offer ten export candidates to a partner exporter; the exporter
opens the link on a phone, in Russian, without scrolling sideways, and bids on three cars;
staff accept two of them, and those cars are reserved for the exporter."""

import uuid
from datetime import timedelta
from decimal import Decimal

from playwright.sync_api import expect

from exports.models import Bid, BidStatus, Offer
from inventory.models import ExportVerdict, Reservation, VehicleStatus
from tests.factories import ExporterFactory, VehicleFactory

PHONE = {"width": 390, "height": 844}


def candidate(dealer, n):
    verdict = ExportVerdict.objects.create(
        digest=uuid.uuid4().hex,
        markets=" KZ RU ",
        summary={
            "markets": ["KZ", "RU"],
            "needs": ["inspection_report"],
            "also": {},
            "clean": True,
        },
    )
    return VehicleFactory(
        dealer=dealer,
        model=f"Seal {n}",
        colour="Arctic Blue",
        export_candidate=True,
        export_verdict=verdict,
        export_price=Decimal("100000") + n * 1000,
        stocked_on=dealer.today() - timedelta(days=80 + n),
    )


def test_an_offer_of_ten_candidates_bid_on_a_phone_and_accepted(
    logged_in, browser, dealer_a, live_server
):
    cars = [candidate(dealer_a, n) for n in range(10)]
    exporter = ExporterFactory(dealer=dealer_a, name="Ningbo Global Trade Co.")
    page = logged_in

    # Staff tick the ten candidates and make an offer at 3 % off their export prices.
    page.goto(f"{live_server.url}/exports/candidates/")
    expect(page.locator("#candidates tbody tr")).to_have_count(10)
    for car in cars:
        page.get_by_label(f"Select {car.vin} for a shipment").check()
    page.get_by_role("button", name="Create offer").click()
    expect(page.get_by_role("heading", name="New offer")).to_be_visible()
    page.get_by_label("Title").fill("December near-new stock")
    page.get_by_label("Discount off the export price (%)").fill("3")
    page.get_by_role("button", name="Create offer").click()
    offer = Offer.objects.get()
    expect(page.locator(".messages")).to_contain_text(f"Offer {offer.reference} created")
    expect(page.locator("#offer-lines tbody tr")).to_have_count(10)

    # They add the exporter, reading Russian, and make its link.
    page.locator("details.add-recipient summary").click()
    page.get_by_label("Exporter").select_option(label=exporter.name)
    page.get_by_label("Language").last.select_option("ru")
    page.locator("#add-recipient").get_by_role("button", name="Add").click()
    page.get_by_role("button", name="Send: make the links").click()
    link = page.get_by_label(f"Link for {exporter.name}").input_value()
    assert link.startswith(live_server.url + "/o/")

    # The exporter opens it on a phone: Russian, nothing wider than the screen.
    phone = browser.new_context(locale="ru-RU", viewport=PHONE)
    reader = phone.new_page()
    reader.goto(link)
    expect(reader.locator("html")).to_have_attribute("lang", "ru")
    expect(reader.locator("section.offered-car")).to_have_count(10)
    assert reader.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    chosen = cars[:3]
    amounts = ["95000", "96000.50", "97000"]
    for car, amount in zip(chosen, amounts, strict=True):
        section = reader.locator(f'section.offered-car[data-vin="{car.vin}"]')
        section.get_by_label("Сумма").fill(amount)
        section.get_by_role("button", name="Отправить дилеру").click()
        expect(reader.locator("#sent")).to_be_visible()
        assert reader.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    bids = {bid.line.vehicle_id: bid for bid in Bid.objects.select_related("line")}
    assert sorted(bids) == sorted(car.pk for car in chosen)
    phone.close()

    # Staff see the bids and accept two; each acceptance asks first.
    page.goto(live_server.url + offer.get_absolute_url())
    expect(page.locator("#offer-recipients")).to_contain_text("Opened")
    for car in chosen[:2]:
        bid = bids[car.pk]
        page.locator(f'[data-bid="{bid.pk}"]').get_by_role("button", name="Accept").click()
        dialog = page.get_by_role("alertdialog")
        expect(dialog).to_contain_text(f"Accept {exporter.name}'s bid for {car.vin}?")
        dialog.get_by_role("button", name="Accept and reserve").click()
        expect(page.locator(".messages")).to_contain_text(f"{car.vin} is reserved for")
    for car in chosen[:2]:
        car.refresh_from_db()
        assert car.status == VehicleStatus.RESERVED
        assert Reservation.objects.open().get(vehicle=car).exporter == exporter
        assert Bid.objects.get(pk=bids[car.pk].pk).status == BidStatus.ACCEPTED
    chosen[2].refresh_from_db()
    assert chosen[2].status == VehicleStatus.IN_STOCK
    assert Bid.objects.get(pk=bids[chosen[2].pk].pk).status == BidStatus.OPEN
