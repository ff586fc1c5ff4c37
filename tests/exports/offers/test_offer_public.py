"""The page a recipient opens from an offer's link: in their language, the cars and nothing of
what they cost the dealer, the links that no longer work, the rate limit, and whatever a
hostile client posts answered with the form and a field named, never an error page."""

import re
import secrets
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from exports import services
from exports.models import Bid, BidStatus
from inventory import public

from .conftest import secret_figures

pytestmark = pytest.mark.django_db


def url(recipient, **query):
    address = reverse("offer_public", args=[recipient.token])
    if query:
        address += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return address


def text(response):
    return re.sub(r"<[^>]+>", " ", response.content.decode())


@pytest.fixture
def frozen_minute(monkeypatch):
    clock = SimpleNamespace(now=1_800_000_000.0)
    monkeypatch.setattr(public, "time", SimpleNamespace(time=lambda: clock.now))
    return clock


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "Asking price"),
        ("zh-hans", "报价"),
        ("ru", "Запрашиваемая цена"),
        ("ar", "السعر المطلوب"),
    ],
)
def test_each_language_shows_every_cars_identity(client, world, language, words):
    page = client.get(url(world.to_exporter, lang=language))
    assert page.status_code == 200
    assert page.headers["Content-Language"] == language
    body = page.content.decode()
    assert f'lang="{language}"' in body
    assert ('dir="rtl"' in body) == (language == "ar")
    assert words in body
    for car in world.cars:
        assert car.vin in body
        assert car.make in body and car.model in body
    assert "Aurora White" in body
    assert re.search("97[.,\u066b]5", body)  # battery health from the issued certificate
    verify = reverse("verify", args=[world.report.verification_token])
    assert f"{verify}?lang={language}" in body
    assert "noindex" in page.headers["X-Robots-Tag"]
    assert "no-store" in page.headers["Cache-Control"]


def test_the_page_opens_in_the_recipients_language(client, world):
    page = client.get(url(world.to_buyer))
    assert page.headers["Content-Language"] == "ru"
    assert "Almaty Auto LLP" in page.content.decode()


def test_the_page_shows_the_asking_price_and_the_markets(client, world):
    certified = world.cars[0]
    page = client.get(url(world.to_exporter))
    line = world.lines[certified.pk]
    assert line.asking_price.to_eng_string() == "166600.00"  # 2 % off 170,000
    assert "166,600.00" in page.content.decode()
    certified.refresh_from_db()
    assert certified.export_candidate
    for market in certified.export_market_list:
        assert f'data-market="{market.code}"' in page.content.decode()


def test_no_cost_or_floor_plan_figure_reaches_the_recipient(client, world):
    pages = [client.get(url(world.to_exporter, lang=code)) for code in ("en", "zh-hans", "ru")]
    for page in pages:
        body = page.content.decode()
        for figure in secret_figures():
            assert figure not in body, figure


def test_opening_is_recorded_first_and_last(client, world):
    client.get(url(world.to_exporter))
    client.get(url(world.to_exporter, lang="ru"))
    world.to_exporter.refresh_from_db()
    assert world.to_exporter.open_count == 2
    assert world.to_exporter.first_opened_at <= world.to_exporter.last_opened_at
    world.to_buyer.refresh_from_db()
    assert world.to_buyer.first_opened_at is None


def test_photos_come_through_the_link_and_only_for_cars_on_the_offer(client, world, dealer_a):
    photo_url = reverse("offer_public_photo", args=[world.to_exporter.token, world.photo.pk])
    assert photo_url in client.get(url(world.to_exporter)).content.decode()
    assert world.photo.image.url not in client.get(url(world.to_exporter)).content.decode()
    shown = client.get(photo_url)
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    # Once the car is taken off the offer its photo is not served through the link.
    services.offer_line_withdraw(line=world.lines[world.cars[0].pk])
    assert client.get(photo_url).status_code == 404
    unknown = reverse("offer_public_photo", args=[secrets.token_urlsafe(24), world.photo.pk])
    assert client.get(unknown).status_code == 404


def test_an_expired_link_says_when(client, world):
    world.to_exporter.expires_on = world.dealer.today() - timedelta(days=1)
    world.to_exporter.save()
    page = client.get(url(world.to_exporter))
    assert page.status_code == 410
    day = world.to_exporter.expires_on.isoformat()
    assert f"This offer expired on {day}" in text(page)
    assert world.cars[0].vin not in page.content.decode()


def test_a_revoked_link_says_the_dealer_withdrew_it(client, world):
    services.recipient_revoke(recipient=world.to_buyer)
    page = client.get(url(world.to_buyer, lang="en"))
    assert page.status_code == 410
    assert "This link was withdrawn by the dealer" in text(page)
    assert world.cars[0].vin not in page.content.decode()
    assert client.get(url(world.to_exporter)).status_code == 200
    services.offer_withdraw(offer=world.offer)
    assert client.get(url(world.to_exporter)).status_code == 410


def test_another_dealers_car_or_photo_through_our_link_is_not_found(client, world, dealer_b):
    from inventory import services as inventory_services
    from tests.factories import VehicleFactory

    from .conftest import png

    theirs = VehicleFactory(dealer=dealer_b, model="Their Secret Car")
    their_photo = inventory_services.vehicle_photos_add(vehicle=theirs, images=[png()])[0]
    their_offer = services.offer_create(
        dealer=dealer_b, vehicles=[theirs], valid_until=dealer_b.today() + timedelta(days=3)
    )
    photo = reverse("offer_public_photo", args=[world.to_exporter.token, their_photo.pk])
    assert client.get(photo).status_code == 404
    answer = client.post(
        url(world.to_exporter, lang="en"),
        {"line": their_offer.lines.get().pk, "kind": "bid", "amount": "5000"},
    )
    assert answer.status_code == 400
    assert "Choose a car of this offer" in text(answer)
    assert "Their Secret Car" not in answer.content.decode()
    assert not Bid.objects.exists()


def test_an_unknown_link_is_not_found(client, world):
    page = client.get(reverse("offer_public", args=[secrets.token_urlsafe(24)]))
    assert page.status_code == 404
    assert "No offer with this link" in text(page)
    assert client.get(reverse("offer_public", args=["x" * 500])).status_code == 404


@override_settings(OFFER_RATE_LIMIT=3)
def test_requests_over_the_limit_wait_for_the_next_minute(client, world, frozen_minute):
    assert client.get(reverse("offer_public", args=[secrets.token_urlsafe(24)])).status_code == 404
    assert client.get(url(world.to_exporter)).status_code == 200
    assert client.get(url(world.to_exporter)).status_code == 200
    refused = client.get(url(world.to_exporter))
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "60"
    assert world.cars[0].vin not in refused.content.decode()
    assert client.get(url(world.to_exporter), REMOTE_ADDR="203.0.113.9").status_code == 200
    frozen_minute.now += 60
    assert client.get(url(world.to_exporter)).status_code == 200


@override_settings(OFFER_BID_RATE_LIMIT=2)
def test_bids_are_limited_more_tightly(client, world, frozen_minute):
    line = world.lines[world.cars[0].pk]
    for amount in ("100", "200"):
        answer = client.post(
            url(world.to_exporter), {"line": line.pk, "kind": "bid", "amount": amount}
        )
        assert answer.status_code == 302
    refused = client.post(url(world.to_exporter), {"line": line.pk, "kind": "bid", "amount": "300"})
    assert refused.status_code == 429
    assert Bid.objects.filter(recipient=world.to_exporter).count() == 2


def test_a_bid_through_the_link_is_recorded_and_shown(client, world):
    line = world.lines[world.cars[1].pk]
    answer = client.post(
        url(world.to_buyer),
        {"line": line.pk, "kind": "bid", "amount": "150000.50", "note": "<b>FOB</b> Qingdao"},
    )
    assert answer.status_code == 302
    bid = Bid.objects.get(recipient=world.to_buyer)
    assert (bid.line, str(bid.amount), bid.recorded_by, bid.status) == (
        line,
        "150000.50",
        None,
        BidStatus.OPEN,
    )
    page = client.get(answer["Location"])
    body = page.content.decode()
    assert "150 000,50" in body or "150,000.50" in body or "150\u00a0000,50" in body
    assert "&lt;b&gt;FOB&lt;/b&gt;" not in body or "<b>FOB</b>" not in body


def test_the_form_needs_its_csrf_token(world):
    strict = Client(enforce_csrf_checks=True)
    line = world.lines[world.cars[0].pk]
    refused = strict.post(url(world.to_exporter), {"line": line.pk, "kind": "interest"})
    assert refused.status_code == 403
    assert not Bid.objects.exists()
    page = strict.get(url(world.to_exporter))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    sent = strict.post(
        url(world.to_exporter),
        {"line": line.pk, "kind": "interest", "csrfmiddlewaretoken": token},
    )
    assert sent.status_code == 302
    assert Bid.objects.filter(kind="interest").count() == 1


HOSTILE = [
    ({"kind": "bid", "amount": "lots"}, "amount", "Amount: Amount must be a number"),
    ({"kind": "bid", "amount": "-5000"}, "amount", "must be more than zero"),
    ({"kind": "bid", "amount": "0"}, "amount", "must be more than zero"),
    ({"kind": "bid", "amount": "9" * 30}, "amount", "Amount is too large"),
    ({"kind": "bid", "amount": "1e9999"}, "amount", "Amount is too large"),
    ({"kind": "bid", "amount": "12.345"}, "amount", "at most two decimals"),
    ({"kind": "bid", "amount": "Infinity"}, "amount", "must be a number"),
    ({"kind": "bid"}, "amount", "must be a number"),
    ({"kind": "haggle", "amount": "5"}, "kind", "interest or a bid"),
    ({"kind": "interest", "note": "x" * 5000}, "note", "Note: Keep the note under 2000"),
    ({"kind": "interest", "line": "other offer"}, "line", "Choose a car of this offer"),
    ({"kind": "interest", "line": "withdrawn"}, "line", "Choose a car of this offer"),
    ({"kind": "interest", "line": "abc"}, "line", "Choose a car of this offer"),
    ({"kind": "interest", "line": "9" * 40}, "line", "Choose a car of this offer"),
]


@pytest.mark.parametrize(("posted", "field", "says"), HOSTILE)
def test_hostile_input_gets_the_form_again_naming_the_field(
    client, world, dealer_a, posted, field, says
):
    from exports import services as offer_services
    from tests.factories import VehicleFactory

    line = world.lines[world.cars[0].pk]
    data = {"line": str(line.pk), **posted}
    if data["line"] == "other offer":
        other = offer_services.offer_create(
            dealer=dealer_a,
            vehicles=[VehicleFactory(dealer=dealer_a)],
            valid_until=dealer_a.today() + timedelta(days=3),
        )
        data["line"] = str(other.lines.get().pk)
    elif data["line"] == "withdrawn":
        withdrawn = world.lines[world.cars[1].pk]
        offer_services.offer_line_withdraw(line=withdrawn)
        data["line"] = str(withdrawn.pk)
    answer = client.post(url(world.to_exporter, lang="en"), data)
    assert answer.status_code == 400
    assert says in text(answer)
    assert not Bid.objects.exists()


def test_a_ten_megabyte_note_is_a_form_error_not_a_server_error(client, world):
    line = world.lines[world.cars[0].pk]
    answer = client.post(
        url(world.to_exporter, lang="en"),
        {"line": line.pk, "kind": "interest", "note": "x" * 10_000_000},
    )
    assert answer.status_code == 400
    assert "Keep the note under 2000 characters" in text(answer)
    assert not Bid.objects.exists()


def test_script_in_a_note_is_shown_as_text(client, world, staff_client):
    line = world.lines[world.cars[0].pk]
    note = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    client.post(url(world.to_exporter), {"line": line.pk, "kind": "interest", "note": note})
    assert Bid.objects.get().note == note
    staff_page = staff_client.get(reverse("exports:offer_detail", args=[world.offer.pk]))
    body = staff_page.content.decode()
    assert "<script>alert" not in body and "&lt;script&gt;alert" in body


def test_a_response_on_a_withdrawn_offer_gets_the_withdrawn_page(client, world):
    services.offer_withdraw(offer=world.offer)
    line = world.lines[world.cars[0].pk]
    answer = client.post(url(world.to_exporter), {"line": line.pk, "kind": "interest"})
    assert answer.status_code == 410
    assert not Bid.objects.exists()
