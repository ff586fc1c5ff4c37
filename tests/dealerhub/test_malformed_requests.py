"""No address, query, form or cursor a client sends makes a page fail: malformed input answers
400 or 404, or is ignored, on every route of the URLconf and every admin changelist. Runs
against PostgreSQL, which refuses NUL characters that SQLite would store."""

import base64
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import quote, urlencode

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.cache import cache
from django.db import DataError, models, transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from dealerhub import middleware
from exports import services as export_services
from exports.models import DestinationMarket
from inventory import services as inventory_services
from inventory.models import InspectionPhoto, VehicleDocument
from inventory.pagination import KeysetPage
from tests.factories import (
    InventoryReportFactory,
    MembershipFactory,
    UserFactory,
    VehicleFactory,
    issued_inspection,
    shippable_vehicle,
)

NUL = "\x00"
# Numbers no column can hold, and the words Python and PostgreSQL read as non-finite numbers.
HUGE = ["1e999999", "-1e999999", "99999999999999999999999999", "NaN", "-Infinity", "1e-999999"]
# Parameters every list page may read, besides the fields of its own forms.
COMMON_PARAMETERS = ["q", "page", "sort", "size", "after", "before", "lang", "status", "next"]
CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")


def cursor(value) -> str:
    raw = json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


BAD_CURSORS = [
    cursor(["1e999999", 1]),
    cursor(["\u0000", 1]),
    cursor(["x\u0000", "\u0000"]),
    cursor(["2025-01-01", 10**40]),
    cursor(["NaN", 1]),
    cursor(["Infinity", -(10**30)]),
    cursor([10**40, 1]),
    cursor(["99999-99-99", 1]),
    cursor([None, None]),
    cursor([[1], {"a": 1}]),
    cursor([1, 2, 3]),
    cursor("x"),
    cursor({}),
    base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    base64.urlsafe_b64encode(b"[" * 50_000).decode()[:400],
    "%%%",
    "",
]


@dataclass
class World:
    """One of every object a route can name, for a manager of its dealer."""

    by_segment: dict = field(default_factory=dict)


@pytest.fixture
def world(dealer_a, manager_a, markets, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    vehicle = shippable_vehicle(dealer_a, by=manager_a)
    report = issued_inspection(VehicleFactory(dealer=dealer_a), by=manager_a)
    shipment = export_services.shipment_create(
        dealer=dealer_a,
        reference="FUZZ-1",
        destination=DestinationMarket.objects.get(country_code="AE"),
        consignee="Gulf Motors Trading LLC",
        by=manager_a,
    )
    export_services.shipment_add_vehicle(
        shipment=shipment, vehicle=vehicle, sale_price=Decimal("20000"), by=manager_a
    )
    inventory_report = InventoryReportFactory(dealer=dealer_a, week_start=dealer_a.today())
    document = VehicleDocument.objects.filter(vehicle=vehicle).first()
    photo = InspectionPhoto.objects.filter(report=report).first()
    line = shipment.lines.first()
    segments = {
        "vehicles": vehicle.pk,
        "inspections": report.pk,
        "shipments": shipment.pk,
        "reports": inventory_report.pk,
        "lines": line.pk,
        "documents": document.pk if document else 1,
        "photos": photo.pk if photo else 1,
    }
    inventory_services.managers_group_sync()
    return World(by_segment=segments), report


def routes(resolver=None, prefix=""):
    """Every route of the URLconf as its full path pattern ("inventory/vehicles/<int:pk>/")."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue  # the admin's app indexes and catch-all, fetched by address below
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from routes(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


def model_for(segment):
    for model in apps.get_models():
        if model._meta.model_name == segment:
            return model
    return None


def concrete(route, world, text):
    """`route` with each parameter filled: a number by the object the segment before it names
    (or 1), any other parameter with `text`."""
    parts = route.split("/")
    for index, part in enumerate(parts):
        match = CONVERTER.fullmatch(part)
        if not match:
            continue
        before = parts[index - 1] if index else ""
        if match["kind"] == "int":
            parts[index] = str(world.by_segment.get(before, 1))
        elif (model := model_for(before)) is not None and text == "x":
            first = model._default_manager.order_by("pk").first()
            parts[index] = quote(str(first.pk)) if first else "1"
        else:
            parts[index] = quote(text)
    return "/" + "/".join(parts)


def form_fields(html: str) -> set[str]:
    return set(re.findall(r'name="([^"]+)"', html)) - {"csrfmiddlewaretoken"}


def failures(client, requests):
    failed = []
    user = client.fuzz_user
    for method, url, data in requests:
        # Each request in its own savepoint, rolled back after it, as each has its own
        # transaction in production: one failed statement must not fail the requests after it.
        savepoint = transaction.savepoint()
        response = getattr(client, method)(url, data) if data is not None else client.get(url)
        transaction.savepoint_rollback(savepoint)
        if response.status_code >= 500:
            failed.append((method, url, response.status_code))
        if method == "post":
            client.force_login(user)  # a POST may have been the log-out
    return failed


@pytest.fixture
def fuzz_client(client, manager_a):
    client.force_login(manager_a)
    client.fuzz_user = manager_a
    client.raise_request_exception = False
    cache.clear()  # the public pages' rate limit
    yield client
    cache.clear()


def test_every_route_answers_nul_in_its_path_query_or_form_without_failing(world, fuzz_client):
    world, _report = world
    requests = []
    every = list(routes())
    assert len(every) > 60  # the staff pages, the auth pages, the admin
    for route in every:
        url = concrete(route, world, "x")
        nul_url = concrete(route, world, NUL)
        if nul_url != url:
            requests.append(("get", nul_url, None))
        requests.append(("get", f"{url}?q=%00", None))
        requests.append(("get", f"{url}?{urlencode(dict.fromkeys(COMMON_PARAMETERS, NUL))}", None))
        requests.append(("get", f"{url}?%00=1", None))
        requests.append(("post", url, {"q": NUL, "name": f"x{NUL}y"}))
    assert failures(fuzz_client, requests) == []


def test_nul_and_values_no_column_holds_are_refused_with_a_short_plain_400(world, fuzz_client):
    world, report = world
    # A page that is fine stays fine.
    assert fuzz_client.get(f"/verify/{report.verification_token}/").status_code == 200
    for url in [
        f"/verify/{NUL}/",
        "/verify/%00/",
        "/verify/%00/certificate.pdf",
        "/inventory/inspections/?q=%00",
        "/admin/inventory/vehicle/?make=%00",
        "/admin/autocomplete/?term=%00&app_label=inventory&model_name=membership&field_name=dealer",
    ]:
        response = fuzz_client.get(url)
        assert response.status_code == 400, url
        assert response["Content-Type"].startswith("text/plain")
        assert len(response.content) < 200
    response = fuzz_client.post(
        "/inventory/dealer/", {"dealer": "1", "next": f"/{NUL}"}, HTTP_ACCEPT="text/html"
    )
    assert response.status_code == 400
    # A value Python accepts but the column cannot hold is refused by the database: also a 400.
    response = fuzz_client.get("/admin/inventory/vehicle/?list_price=1e999999")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")


def test_list_pages_refuse_or_ignore_numbers_cursors_and_values_they_cannot_hold(
    world, fuzz_client
):
    world, _report = world
    requests = []
    for route in routes():
        if "<" in route or route.startswith(("admin/", "accounts/", "i18n/")):
            continue
        url = concrete(route, world, "x")
        page = fuzz_client.get(url)
        if page.status_code != 200 or not page["Content-Type"].startswith("text/html"):
            continue
        names = form_fields(page.content.decode()) | set(COMMON_PARAMETERS)
        for name in sorted(names):
            for value in HUGE:
                requests.append(("get", f"{url}?{urlencode({name: value})}", None))
        if not isinstance((page.context or {}).get("page"), KeysetPage):
            continue  # only keyset lists read cursors
        for name in ("after", "before"):
            for token in BAD_CURSORS:
                for sort in ("", "-stocked_on", "list_price", "-odometer_km", "make", "-id"):
                    query = {name: token, **({"sort": sort} if sort else {})}
                    requests.append(("get", f"{url}?{urlencode(query)}", None))
    assert len(requests) > 400
    assert failures(fuzz_client, requests) == []


def admin_requests(request_user):
    """Each registered model's changelist searched and filtered by every field with values a
    column cannot hold, and each autocomplete asked for them."""
    requests = []
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        changelist = f"/admin/{meta.app_label}/{meta.model_name}/"
        names = {f.name for f in meta.get_fields() if f.concrete}
        names |= {f.attname for f in meta.concrete_fields}
        for item in model_admin.list_filter:
            names.add(item[0] if isinstance(item, tuple) else getattr(item, "parameter_name", ""))
        names.discard("")
        queries = [{"q": NUL}, {"q": "1e999999"}, {"o": NUL}, {"p": NUL}, {"p": "1e999999"}]
        text = {
            f.name
            for f in meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        }
        for name in sorted(names):
            # A text column holds any number as text; only a NUL can break its filter.
            values = [NUL] if name in text else [NUL, *HUGE]
            for value in values:
                queries.append({name: value})
            if name not in text:
                queries.append({f"{name}__gte": "1e999999"})
            queries.append({f"{name}__exact": NUL})
        for query in queries:
            requests.append(("get", f"{changelist}?{urlencode(query)}", None))
        requests.append(
            ("get", f"/admin/{meta.app_label}/{meta.model_name}/{quote(NUL)}/change/", None)
        )
        requests.append(
            ("get", f"/admin/{meta.app_label}/{meta.model_name}/1e999999/change/", None)
        )
        requests.append(
            ("get", f"/admin/{meta.app_label}/{meta.model_name}/{10**30}/change/", None)
        )
        requests.append(("get", f"/admin/{meta.app_label}/", None))
        sources = [(model, model_admin)] + [
            (inline.model, inline) for inline in model_admin.inlines
        ]
        for source_model, source_admin in sources:
            for field_name in getattr(source_admin, "autocomplete_fields", ()):
                for term in [NUL, f"a{NUL}", *HUGE]:
                    query = {
                        "term": term,
                        "app_label": source_model._meta.app_label,
                        "model_name": source_model._meta.model_name,
                        "field_name": field_name,
                    }
                    requests.append(("get", f"/admin/autocomplete/?{urlencode(query)}", None))
    return requests


@pytest.mark.parametrize("who", ["manager", "superuser"])
def test_admin_changelists_and_autocomplete_answer_malformed_filters_without_failing(
    world, fuzz_client, dealer_a, who
):
    if who == "superuser":
        boss = UserFactory(username="boss", is_staff=True, is_superuser=True)
        MembershipFactory(user=boss, dealer=dealer_a, role="manager")
        fuzz_client.force_login(boss)
        fuzz_client.fuzz_user = boss
    requests = admin_requests(who)
    assert len(requests) > 300
    assert failures(fuzz_client, requests) == []


class _Cause(Exception):
    def __init__(self, sqlstate):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("sqlstate", "message", "refused"),
    [
        ("22003", "value overflows numeric format", True),
        ("22P02", "invalid input syntax for type integer", True),
        ("22008", "date/time field value out of range", True),
        (None, "PostgreSQL text fields cannot contain NUL (0x00) bytes", True),
        ("22012", "division by zero", False),  # the server's own arithmetic: still a 500
        (None, "something else", False),
    ],
)
def test_only_values_a_request_carried_turn_a_database_refusal_into_a_400(
    sqlstate, message, refused
):
    error = DataError(message)
    error.__cause__ = _Cause(sqlstate)
    assert middleware._refused_value(error) is refused
