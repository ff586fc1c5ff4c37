"""The staff inventory pages: what a dealer's staff see, filter, download, receive and edit."""

import base64
import csv
import io
import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from inventory import services
from inventory.models import Vehicle, VehicleStatus
from inventory.pagination import KeysetPaginator
from inventory.spreadsheets import csv_safe
from tests.factories import (
    DealerFactory,
    MembershipFactory,
    ShipmentFactory,
    UserFactory,
    VehicleFactory,
    next_vin,
    reserve,
)

LIST = reverse("inventory:vehicle_list")
CSV = reverse("inventory:vehicle_csv")


def listed_vins(response):
    return re.findall(
        r'/inventory/vehicles/\d+/">([A-HJ-NPR-Z0-9]{17})<', response.content.decode()
    )


def days_ago(dealer, days):
    return dealer.today() - timedelta(days=days)


# --- the list -------------------------------------------------------------------------------


def test_list_shows_only_the_current_dealers_vehicles(staff_client, dealer_a, dealer_b):
    mine = VehicleFactory(dealer=dealer_a)
    theirs = VehicleFactory(dealer=dealer_b)
    response = staff_client.get(LIST)
    assert response.status_code == 200
    assert listed_vins(response) == [mine.vin]
    assert theirs.vin not in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_person_without_a_dealer_is_told_so(client, db):
    client.force_login(UserFactory())
    response = client.get(LIST)
    assert response.status_code == 403
    assert "not a member of any dealer" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "reserved"}, ["reserved"]),
        ({"make": "Geely"}, ["geely"]),
        ({"model": "sea"}, ["old", "reserved", "registered", "high_km", "plain"]),
        ({"powertrain": "PHEV"}, ["geely"]),
        ({"aging": "0-30"}, ["geely"]),
        ({"aging": "181+"}, ["old"]),
        ({"export_candidate": "yes"}, ["registered"]),
        ({"registered": "yes"}, ["registered"]),
        ({"registered": "no"}, ["old", "reserved", "high_km", "plain", "geely"]),
        ({"max_odometer": "50"}, ["old", "reserved", "registered", "plain", "geely"]),
        ({"q": "SP-7"}, ["plain"]),
        ({"q": "seal"}, ["old", "reserved", "registered", "high_km", "plain"]),
    ],
)
def test_each_filter_narrows_the_list(staff_client, dealer_a, query, expected):
    today = dealer_a.today()
    cars = {
        "old": VehicleFactory(dealer=dealer_a, stocked_on=today - timedelta(days=200)),
        "reserved": VehicleFactory(dealer=dealer_a, status=VehicleStatus.RESERVED),
        "registered": VehicleFactory(
            dealer=dealer_a, registered_on=today - timedelta(days=30), export_candidate=True
        ),
        "high_km": VehicleFactory(dealer=dealer_a, odometer_km=900),
        "plain": VehicleFactory(dealer=dealer_a, stock_number="SP-7"),
        "geely": VehicleFactory(
            dealer=dealer_a,
            make="Geely",
            model="Galaxy L7",
            powertrain="PHEV",
            engine_cc=1499,
            stocked_on=today - timedelta(days=5),
        ),
    }
    response = staff_client.get(LIST, query)
    assert response.status_code == 200
    assert sorted(listed_vins(response)) == sorted(cars[name].vin for name in expected)


def test_search_finds_a_vehicle_by_the_last_digits_of_its_vin(staff_client, dealer_a):
    wanted = VehicleFactory(dealer=dealer_a)
    VehicleFactory(dealer=dealer_a)
    response = staff_client.get(LIST, {"q": wanted.vin[-6:].lower()})
    assert listed_vins(response) == [wanted.vin]


def test_stocked_on_range(staff_client, dealer_a):
    inside = VehicleFactory(dealer=dealer_a, stocked_on=days_ago(dealer_a, 10))
    VehicleFactory(dealer=dealer_a, stocked_on=days_ago(dealer_a, 40))
    response = staff_client.get(
        LIST,
        {
            "stocked_on_after": days_ago(dealer_a, 20).isoformat(),
            "stocked_on_before": dealer_a.today().isoformat(),
        },
    )
    assert listed_vins(response) == [inside.vin]


def test_bad_filter_input_is_named_and_lists_nothing(staff_client, dealer_a):
    VehicleFactory(dealer=dealer_a)
    response = staff_client.get(LIST, {"max_odometer": "lots", "status": "flying"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter a number." in body
    assert "Select a valid choice" in body
    assert listed_vins(response) == []


def test_make_choices_come_from_the_dealers_own_stock(staff_client, dealer_a, dealer_b):
    VehicleFactory(dealer=dealer_a, make="Chery")
    VehicleFactory(dealer=dealer_b, make="Hongqi")
    body = staff_client.get(LIST).content.decode()
    assert '<option value="Chery">' in body
    assert "Hongqi" not in body


def test_sorting_by_a_column_and_back(staff_client, dealer_a):
    prices = [Decimal("120000"), Decimal("99000"), Decimal("150000")]
    cars = [VehicleFactory(dealer=dealer_a, list_price=p) for p in prices]
    by_price = sorted(cars, key=lambda v: v.list_price)
    assert listed_vins(staff_client.get(LIST, {"sort": "list_price"})) == [v.vin for v in by_price]
    assert listed_vins(staff_client.get(LIST, {"sort": "-list_price"})) == [
        v.vin for v in reversed(by_price)
    ]
    # An unknown sort falls back to the newest stock first instead of failing.
    assert staff_client.get(LIST, {"sort": "acquisition_cost"}).status_code == 200


def test_keyset_pages_walk_every_vehicle_once_forward_and_back(staff_client, dealer_a):
    # Several cars share a stocked-on date, so the pk has to break the ties.
    cars = [
        VehicleFactory(dealer=dealer_a, stocked_on=days_ago(dealer_a, n // 4)) for n in range(60)
    ]
    seen, pages, url = [], [], f"{LIST}?size=25"
    while url:
        response = staff_client.get(url)
        pages.append(response)
        seen.extend(listed_vins(response))
        found = re.search(r'href="(\?[^"]*after=[^"]*)"', response.content.decode())
        url = LIST + found.group(1).replace("&amp;", "&") if found else None
    expected = [v.vin for v in sorted(cars, key=lambda v: (v.stocked_on, v.pk), reverse=True)]
    assert seen == expected
    assert [len(listed_vins(p)) for p in pages] == [25, 25, 10]
    back = re.search(r'href="(\?[^"]*before=[^"]*)"', pages[2].content.decode()).group(1)
    previous = staff_client.get(LIST + back.replace("&amp;", "&"))
    assert listed_vins(previous) == listed_vins(pages[1])
    assert "60 vehicles match" in pages[0].content.decode()


def test_a_mangled_cursor_starts_at_the_first_page(staff_client, dealer_a):
    car = VehicleFactory(dealer=dealer_a)
    for cursor in ["not-base64!", "WyJ4IiwgMV0", "e30"]:
        response = staff_client.get(LIST, {"after": cursor})
        assert response.status_code == 200
        assert listed_vins(response) == [car.vin]


def _cursor(value):
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


MALFORMED_CURSORS = [
    ("stocked_on", ["1e999999", 1]),
    ("stocked_on", ["99999-99-99", 1]),
    ("stocked_on", ["2025-01-01", 10**40]),
    ("stocked_on", ["2025-01-01", -(10**40)]),
    ("stocked_on", ["2025-01-01", "\u0000"]),
    ("stocked_on", [None, 1]),
    ("list_price", ["1e999999", 1]),
    ("list_price", ["NaN", 1]),
    ("list_price", ["-Infinity", 1]),
    ("list_price", ["1234567890123456789.5", 1]),
    ("list_price", [1e308, 1]),
    ("odometer_km", [10**40, 1]),
    ("odometer_km", ["1e999999", 1]),
    ("model_year", [-(10**9), 1]),
    ("make", ["\u0000", 1]),
    ("make", ["BYD\u0000", 1]),
    ("vin", [["nested"], 1]),
    ("vin", [{"a": 1}, 1]),
    ("make", ["BYD", 1, 2]),
    ("make", "BYD"),
    ("make", {}),
]


@pytest.mark.parametrize(("sort", "value"), MALFORMED_CURSORS)
@pytest.mark.parametrize("direction", ["after", "before"])
def test_a_cursor_the_column_cannot_hold_starts_at_the_first_page(dealer_a, sort, value, direction):
    car = VehicleFactory(dealer=dealer_a)
    paginator = KeysetPaginator(Vehicle.objects.filter(dealer=dealer_a), sort=sort, page_size=5)
    page = paginator.page(**{direction: _cursor(value)})
    assert [row.pk for row in page.rows] == [car.pk]
    assert not page.has_previous


def test_a_deeply_nested_or_undecodable_cursor_starts_at_the_first_page(dealer_a):
    car = VehicleFactory(dealer=dealer_a)
    paginator = KeysetPaginator(Vehicle.objects.all(), sort="make", page_size=5)
    nested = base64.urlsafe_b64encode(b"[" * 100_000).decode()
    for token in [nested, base64.urlsafe_b64encode(b"\xff\xfe").decode(), "%%%", "\x00"]:
        assert [row.pk for row in paginator.page(after=token).rows] == [car.pk]


@pytest.mark.parametrize("sort", ["vin", "-list_price", "odometer_km", "-model_year", "make"])
def test_cursors_made_by_the_list_still_walk_it_for_every_sort(dealer_a, sort):
    cars = [VehicleFactory(dealer=dealer_a, odometer_km=n * 1000) for n in range(7)]
    # A VIN stored before the check-digit rule still pages: cursors are not held to it.
    Vehicle.objects.filter(pk=cars[0].pk).update(vin="LGXCE4CB0S0000000")
    paginator = KeysetPaginator(Vehicle.objects.filter(dealer=dealer_a), sort=sort, page_size=3)
    seen, page = [], paginator.page()
    while True:
        seen.extend(row.pk for row in page.rows)
        if not page.has_next:
            break
        page = paginator.page(after=page.next_cursor)
    assert sorted(seen) == sorted(car.pk for car in cars) and len(seen) == 7


def test_page_size_choice(staff_client, dealer_a):
    for _ in range(30):
        VehicleFactory(dealer=dealer_a)
    assert len(listed_vins(staff_client.get(LIST, {"size": "25"}))) == 25
    assert len(listed_vins(staff_client.get(LIST, {"size": "100"}))) == 30
    assert len(listed_vins(staff_client.get(LIST, {"size": "100000"}))) == 30  # falls back to 50
    # A bad sort order does not throw away a good page size.
    assert len(listed_vins(staff_client.get(LIST, {"size": "25", "sort": "bogus"}))) == 25


@pytest.mark.parametrize("count", [3, 30])
def test_list_queries_do_not_grow_with_the_stock(
    staff_client, dealer_a, count, django_assert_num_queries
):
    for n in range(count):
        VehicleFactory(dealer=dealer_a, make=["BYD", "Geely", "Chery"][n % 3])
    # session, user, the user's dealers, saved views, make choices, the page of rows, the
    # capped count, the open export markets for the market filter, the shipments taking
    # cars for the bulk action and the page's first photos
    with django_assert_num_queries(10):
        response = staff_client.get(LIST, {"status": "in_stock", "sort": "odometer_km"})
    assert len(listed_vins(response)) == min(count, 50)


# --- CSV --------------------------------------------------------------------------------------


def read_csv(response):
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_holds_exactly_the_filtered_list(staff_client, dealer_a, dealer_b):
    wanted = [VehicleFactory(dealer=dealer_a, make="Geely") for _ in range(3)]
    VehicleFactory(dealer=dealer_a, make="BYD")
    VehicleFactory(dealer=dealer_b, make="Geely")
    response = staff_client.get(CSV, {"make": "Geely", "sort": "vin"})
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="vehicles-alpha-' in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0][:3] == ["VIN", "Stock number", "Make"]
    assert [row[0] for row in rows[1:]] == sorted(v.vin for v in wanted)


def test_csv_neutralises_spreadsheet_formulas(staff_client, dealer_a):
    VehicleFactory(
        dealer=dealer_a, stock_number="=1+2", model="+SUM(A1)", trim="@cmd", colour="-2+3"
    )
    row = read_csv(staff_client.get(CSV))[1]
    assert row[1:5] == ["'=1+2", "BYD", "'+SUM(A1)", "'@cmd"]
    assert row[7] == "'-2+3"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\t=1", "'\t=1"),
        ("BYD Seal", "BYD Seal"),
        (None, ""),
        (17, "17"),
    ],
)
def test_csv_safe(value, expected):
    assert csv_safe(value) == expected


def test_csv_in_chinese_has_chinese_headers(staff_client, dealer_a):
    VehicleFactory(dealer=dealer_a)
    with translation.override("zh-hans"):
        expected = translation.gettext("Stock number")
    assert expected != "Stock number"
    response = staff_client.get(CSV, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert read_csv(response)[0][1] == expected


# --- the vehicle page -------------------------------------------------------------------------


def test_vehicle_page_shows_facts_history_inspections_and_shipments(
    staff_client, staff_a, dealer_a
):
    vehicle = services.vehicle_receive(
        dealer=dealer_a,
        vin=next_vin(),
        by=staff_a,
        make="BYD",
        model="Seal",
        model_year=2025,
        powertrain="BEV",
        odometer_km=12,
        stocked_on=days_ago(dealer_a, 75),
        acquisition_cost=Decimal("150000"),
        list_price=Decimal("179800"),
    )
    services.vehicle_update(vehicle=vehicle, by=staff_a, list_price=Decimal("169800"))
    reserve(vehicle, by=staff_a)
    vehicle.inspections.create(
        inspected_on=dealer_a.today(), inspector="Li Wei", agency="CCIC", odometer_km=12
    )
    shipment = ShipmentFactory(dealer=dealer_a)
    shipment.lines.create(vehicle=vehicle, sale_price=Decimal("21000"))

    body = staff_client.get(reverse("inventory:vehicle_detail", args=[vehicle.pk])).content
    body = body.decode()
    assert vehicle.vin in body
    assert re.search(r'id="days-in-stock">75 <span class="muted">\(61-90 days\)', body)
    assert "List price: ¥179,800.00 → <strong>¥169,800.00</strong>" in body
    assert "Status: In stock → <strong>Reserved</strong>" in body
    assert body.count("staff_a") >= 3
    assert "Li Wei" in body
    assert shipment.reference in body


def test_another_dealers_vehicle_is_not_found_anywhere(staff_client, dealer_b):
    theirs = VehicleFactory(dealer=dealer_b)
    for name in ("vehicle_detail", "vehicle_edit"):
        assert staff_client.get(reverse(f"inventory:{name}", args=[theirs.pk])).status_code == 404
    edit = staff_client.post(
        reverse("inventory:vehicle_edit", args=[theirs.pk]), {"vin": theirs.vin}
    )
    assert edit.status_code == 404
    status = staff_client.post(
        reverse("inventory:vehicle_status", args=[theirs.pk]), {"status": "reserved"}
    )
    assert status.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == VehicleStatus.IN_STOCK


@pytest.mark.parametrize("history", [1, 12])
def test_vehicle_page_queries_do_not_grow_with_history(
    staff_client, staff_a, dealer_a, history, django_assert_num_queries
):
    vehicle = VehicleFactory(dealer=dealer_a)
    for n in range(history):
        services.vehicle_update(vehicle=vehicle, by=staff_a, odometer_km=20 + n)
    for _ in range(history):
        vehicle.inspections.create(
            inspected_on=dealer_a.today(), inspector="Li", agency="CCIC", odometer_km=20
        )
    # session, user, dealers, vehicle with dealer and floor plan, history with users,
    # inspections, shipments, documents, photos, reservations, the dealer's floor-plan lines
    # (the export check loads separately)
    with django_assert_num_queries(11):
        response = staff_client.get(reverse("inventory:vehicle_detail", args=[vehicle.pk]))
    assert response.status_code == 200


def test_status_buttons_reserve_and_release(staff_client, dealer_a):
    vehicle = VehicleFactory(dealer=dealer_a)
    url = reverse("inventory:vehicle_status", args=[vehicle.pk])
    bare = staff_client.post(url, {"status": "reserved"}, follow=True)
    assert "A reservation records the customer" in bare.content.decode()
    vehicle.refresh_from_db()
    assert vehicle.status == VehicleStatus.IN_STOCK
    response = staff_client.post(
        reverse("inventory:vehicle_reserve", args=[vehicle.pk]),
        {
            "customer_name": "Wang Fang",
            "deposit": "5000",
            "expires_on": (dealer_a.today() + timedelta(days=7)).isoformat(),
        },
        follow=True,
    )
    assert "is reserved for Wang Fang" in response.content.decode()
    vehicle.refresh_from_db()
    assert vehicle.status == VehicleStatus.RESERVED
    refused = staff_client.post(url, {"status": "exported"}, follow=True)
    assert "cannot be marked Exported by hand" in refused.content.decode()
    vehicle.refresh_from_db()
    assert vehicle.status == VehicleStatus.RESERVED


# --- receive and edit -------------------------------------------------------------------------


def receive_data(dealer, **overrides):
    data = {
        "vin": next_vin(),
        "make": "BYD",
        "model": "Seal",
        "model_year": "2025",
        "powertrain": "BEV",
        "steering_side": "LHD",
        "odometer_km": "8",
        "stocked_on": dealer.today().isoformat(),
        "acquisition_cost": "150000",
        "list_price": "179800",
    }
    data.update(overrides)
    return data


def test_receiving_a_vehicle_records_who(staff_client, staff_a, dealer_a):
    data = receive_data(dealer_a, vin="lgx ce4cb8 s0123456")
    response = staff_client.post(reverse("inventory:vehicle_receive"), data, follow=True)
    vehicle = Vehicle.objects.get(vin="LGXCE4CB8S0123456")
    assert vehicle.dealer == dealer_a
    assert vehicle.history.get().history_user == staff_a
    assert response.redirect_chain[-1][0] == reverse("inventory:vehicle_detail", args=[vehicle.pk])
    assert "received into stock" in response.content.decode()


def test_a_wrong_check_digit_is_explained_once_and_nothing_is_saved(staff_client, dealer_a):
    data = receive_data(dealer_a, vin="LGXCE4CB3S0123456")
    response = staff_client.post(reverse("inventory:vehicle_receive"), data)
    body = response.content.decode()
    assert response.status_code == 422
    assert body.count("Check digit (position 9) should be 8, not 3.") == 1
    # The live check waits for the user to type: on load it would say it a second time.
    vin_input = re.search(r'<input[^>]*name="vin"[^>]*>', body).group(0)
    assert 'hx-trigger="input changed delay:300ms"' in vin_input
    assert "id_vin_error" in re.search(r'aria-describedby="([^"]*)"', vin_input).group(1)
    assert 'id="id_vin_error"' in body
    assert not Vehicle.objects.exists()


def test_a_form_refused_for_another_field_still_checks_the_vin_on_load(staff_client, dealer_a):
    response = staff_client.post(
        reverse("inventory:vehicle_receive"), receive_data(dealer_a, list_price="-5")
    )
    vin_input = re.search(r'<input[^>]*name="vin"[^>]*>', response.content.decode()).group(0)
    assert 'hx-trigger="input changed delay:300ms, load"' in vin_input


def test_missing_fields_are_named(staff_client, dealer_a):
    # An unknown maker code: the VIN cannot give the make either.
    data = receive_data(dealer_a, vin=next_vin("LZZ"), make="", list_price="-5", export_price="-1")
    response = staff_client.post(reverse("inventory:vehicle_receive"), data)
    assert response.status_code == 422
    form = response.context["form"]
    assert set(form.errors) == {"make", "list_price", "export_price"}
    assert not Vehicle.objects.exists()


def test_a_duplicate_vin_links_to_the_vehicle_the_user_may_see(staff_client, dealer_a):
    existing = VehicleFactory(dealer=dealer_a)
    response = staff_client.post(
        reverse("inventory:vehicle_receive"), receive_data(dealer_a, vin=existing.vin)
    )
    body = response.content.decode()
    assert body.count("A vehicle with this VIN is already registered.") == 1
    assert reverse("inventory:vehicle_detail", args=[existing.pk]) in body


def test_a_duplicate_vin_at_another_dealer_gives_no_link(staff_client, dealer_a, dealer_b):
    theirs = VehicleFactory(dealer=dealer_b)
    response = staff_client.post(
        reverse("inventory:vehicle_receive"), receive_data(dealer_a, vin=theirs.vin)
    )
    body = response.content.decode()
    assert "already registered" in body
    assert reverse("inventory:vehicle_detail", args=[theirs.pk]) not in body
    assert Vehicle.objects.count() == 1


def test_a_lower_odometer_needs_confirmation_and_is_recorded(staff_client, staff_a, dealer_a):
    vehicle = VehicleFactory(dealer=dealer_a, odometer_km=40)
    url = reverse("inventory:vehicle_edit", args=[vehicle.pk])
    form = staff_client.get(url).context["form"]
    data = {
        k: v
        for k, v in {**form.initial, "odometer_km": "12"}.items()
        if k in form.fields and v is not None
    }
    first = staff_client.post(url, data)
    assert first.status_code == 422
    assert "goes down from 40 km to 12 km" in first.content.decode()
    assert 'name="confirm_odometer_decrease"' in first.content.decode()
    vehicle.refresh_from_db()
    assert vehicle.odometer_km == 40

    confirmed = staff_client.post(url, {**data, "confirm_odometer_decrease": "on"})
    assert confirmed.status_code == 302
    vehicle.refresh_from_db()
    assert vehicle.odometer_km == 12
    latest = vehicle.history.first()
    assert (latest.odometer_km, latest.history_user) == (12, staff_a)


def test_vin_check_answers_as_the_user_types(staff_client, dealer_a, dealer_b):
    url = reverse("inventory:vin_check")
    assert (
        "should be 8, not 3" in staff_client.get(url, {"vin": "LGXCE4CB3S0123456"}).content.decode()
    )
    assert "did you mean 0?" in staff_client.get(url, {"vin": "LGXCE4CB8SO123456"}).content.decode()
    assert "looks right" in staff_client.get(url, {"vin": "LGXCE4CB8S0123456"}).content.decode()
    mine = VehicleFactory(dealer=dealer_a)
    theirs = VehicleFactory(dealer=dealer_b)
    mine_body = staff_client.get(url, {"vin": mine.vin}).content.decode()
    assert reverse("inventory:vehicle_detail", args=[mine.pk]) in mine_body
    theirs_body = staff_client.get(url, {"vin": theirs.vin}).content.decode()
    assert "another dealer" in theirs_body
    assert str(theirs.pk) not in theirs_body
    # Editing a vehicle does not call its own VIN a duplicate.
    own = staff_client.get(url, {"vin": mine.vin, "vehicle": mine.pk}).content.decode()
    assert "looks right" in own


def test_vin_messages_in_chinese(staff_client):
    with translation.override("zh-hans"):
        expected = translation.gettext(
            "Check digit (position 9) should be %(expected)s, not %(found)s. "
            "Compare the VIN with the registration certificate."
        ) % {"expected": "8", "found": "3"}
    response = staff_client.get(
        reverse("inventory:vin_check"), {"vin": "LGXCE4CB3S0123456"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert expected in response.content.decode()
    assert "Check digit" not in response.content.decode()


# --- dealer switcher, language, password ------------------------------------------------------


def test_the_dealer_switcher_changes_the_list(client, dealer_a, dealer_b):
    user = UserFactory()
    MembershipFactory(user=user, dealer=dealer_a)
    MembershipFactory(user=user, dealer=dealer_b)
    a_car, b_car = VehicleFactory(dealer=dealer_a), VehicleFactory(dealer=dealer_b)
    client.force_login(user)
    assert listed_vins(client.get(LIST)) == [a_car.vin]
    response = client.post(
        reverse("inventory:dealer_switch"), {"dealer": dealer_b.pk, "next": LIST}
    )
    assert response["Location"] == LIST
    assert listed_vins(client.get(LIST)) == [b_car.vin]


def test_switching_to_a_foreign_dealer_is_not_found(staff_client, dealer_b):
    other = DealerFactory()
    for dealer in (dealer_b, other):
        response = staff_client.post(reverse("inventory:dealer_switch"), {"dealer": dealer.pk})
        assert response.status_code == 404
    assert staff_client.post(reverse("inventory:dealer_switch"), {"dealer": "x"}).status_code == 404


def test_switcher_refuses_to_redirect_off_site(client, dealer_a, dealer_b):
    user = UserFactory()
    MembershipFactory(user=user, dealer=dealer_a)
    MembershipFactory(user=user, dealer=dealer_b)
    client.force_login(user)
    response = client.post(
        reverse("inventory:dealer_switch"), {"dealer": dealer_b.pk, "next": "https://evil.test/"}
    )
    assert response["Location"] == LIST


def test_the_list_in_chinese(staff_client, dealer_a):
    VehicleFactory(dealer=dealer_a)
    staff_client.post(reverse("set_language"), {"language": "zh-hans", "next": LIST})
    body = staff_client.get(LIST).content.decode()
    with translation.override("zh-hans"):
        labels = [translation.gettext(text) for text in ("Receive a vehicle", "Download CSV")]
    assert all(label in body for label in labels)
    assert "Receive a vehicle" not in body
    assert '<html lang="zh-hans">' in body


def test_password_change(staff_client, staff_a):
    response = staff_client.post(
        reverse("password_change"),
        {
            "old_password": "pw-for-tests-1",
            "new_password1": "a-new-lot-password-7",
            "new_password2": "a-new-lot-password-7",
        },
    )
    assert response["Location"] == reverse("password_change_done")
    staff_a.refresh_from_db()
    assert staff_a.check_password("a-new-lot-password-7")


def test_date_pickers_keep_their_dates_in_chinese(staff_client, dealer_a):
    """The browser's date picker only takes 2026-11-29; a localised 2026/11/29 would show an
    empty picker and save the date away."""
    registered = dealer_a.today() - timedelta(days=40)
    vehicle = VehicleFactory(dealer=dealer_a, registered_on=registered)
    staff_client.post(reverse("set_language"), {"language": "zh-hans", "next": LIST})
    page = staff_client.get(reverse("inventory:vehicle_edit", args=[vehicle.pk])).content.decode()
    assert f'name="registered_on" value="{registered.isoformat()}"' in page
    assert f'name="stocked_on" value="{vehicle.stocked_on.isoformat()}"' in page
