"""In a real browser: staff build an offer of ten export candidates for a partner exporter;
the exporter opens the link on a phone, in Russian, without scrolling sideways, and bids on
three cars; staff accept two of them, sell those two to the exporter, and their
proof-of-export deadlines appear on the dashboard."""

import uuid
from datetime import timedelta
from decimal import Decimal

from playwright.sync_api import expect

from exports.models import Bid, BidStatus, ExportSale, Offer, PaymentTerms
from inventory.models import ExportVerdict, Reservation, ReservationEnd, VehicleStatus
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
        # Registered long enough ago that no maker's after-sales confirmation is asked (C12).
        registered_on=dealer.today() - timedelta(days=300),
    )


def test_an_offer_of_ten_candidates_bid_on_a_phone_accepted_sold_and_followed(
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

    # Staff sell the two cars from their pages: the exporter and its bid fill the form, the
    # transfer pending export is recorded on the sale day.
    today = dealer_a.today()
    for car, amount in zip(chosen[:2], ["95000.00", "96000.50"], strict=True):
        page.goto(live_server.url + car.get_absolute_url())
        page.get_by_role("link", name="Sell to an exporter").click()
        expect(page.get_by_role("heading", name="Sell a car to an exporter")).to_be_visible()
        expect(page.get_by_label("VIN")).to_have_value(car.vin)
        expect(page.get_by_label("Exporter")).to_have_value(str(exporter.pk))
        expect(page.get_by_label("Price")).to_have_value(amount)
        expect(page.get_by_label("Transferred pending export on")).to_have_value(today.isoformat())
        page.get_by_label("Intended destination").select_option(label="Kazakhstan (KZ)")
        page.get_by_label("Payment terms").select_option(PaymentTerms.WITHIN_DAYS)
        page.get_by_label("Days to pay").fill("14")
        page.get_by_role("button", name="Record the sale").click()
        expect(page.locator(".messages")).to_contain_text(
            f"Vehicle {car.vin} is sold for export to {exporter.name}."
        )
        page.goto(live_server.url + car.get_absolute_url())
        expect(page.locator(".lead .status")).to_have_text("Sold for export")
        expect(page.locator("#export-sale")).to_contain_text(f"to {exporter.name} on {today}")
        sale = ExportSale.objects.get(vehicle=car)
        assert sale.price == Decimal(amount) and sale.transferred_on == today
        assert sale.payment_due_on == today + timedelta(days=14)
        assert not Reservation.objects.open().filter(vehicle=car).exists()
        assert Reservation.objects.get(vehicle=car).end_reason == ReservationEnd.SOLD
    expect(page.get_by_role("link", name="Sell to an exporter")).to_have_count(0)

    # The dashboard follows each car's proof of export: the declaration falls due when the
    # 60 days of temporary plates end.
    page.goto(live_server.url + "/")
    rows = page.locator("#proofs-of-export tbody tr")
    expect(rows).to_have_count(2)
    due = (today + timedelta(days=60)).isoformat()
    for car in chosen[:2]:
        row = rows.filter(has_text=car.vin)
        expect(row).to_contain_text(due)
        expect(row).to_contain_text("Export declaration due (temporary plates end)")
        expect(row).to_contain_text(exporter.name)
    expect(page.locator("#proofs-of-export")).not_to_contain_text(chosen[2].vin)
